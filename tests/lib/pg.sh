#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests and benchmarks: Debian's
# postgresql-15, a new cluster in a temporary directory, listening on a free
# loopback port only (no Unix socket), run as an unprivileged user (nobody
# when this script runs as root), password authentication (scram-sha-256).
#   tests/lib/pg.sh start DIR [durable]   prints the server's base URL
#   tests/lib/pg.sh restart DIR           (fast shutdown: clients are cut off)
#   tests/lib/pg.sh halt DIR | resume DIR (stop the server, start it again)
#   tests/lib/pg.sh stop DIR
# DIR must not exist before start; stop removes it.  Without "durable" the
# cluster runs with fsync off (a test server: losing it loses nothing);
# benchmarks pass "durable" to measure with PostgreSQL's defaults.
# The URL names the database "hcc", owned by the user "hcc".
set -eu
cmd=${1:?usage: pg.sh start|stop DIR}
dir=${2:?usage: pg.sh start|stop DIR}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "pg.sh: PostgreSQL server not installed (scripts/deps.sh test)" >&2; exit 1; }

as_owner() { # run a command as the cluster's unprivileged owner
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    "$@"
  fi
}

case $cmd in
start)
  mkdir -p "$dir"
  chmod 755 "$dir"
  data=$dir/data
  pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" >"$dir/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R nobody:nogroup "$dir"; fi
  as_owner "$pgbin/initdb" -D "$data" -U hcc --pwfile="$dir/pwfile" \
    --auth=scram-sha-256 --locale=C -E UTF8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  # A free port: ask the kernel for one, then let PostgreSQL take it.
  port=""
  for _ in $(seq 1 20); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
  done
  [ -n "$port" ] || { echo "pg.sh: no free port" >&2; exit 1; }
  opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories= -c max_connections=300"
  if [ "${3:-}" != durable ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  printf '%s\n' "$opts" >"$dir/opts"
  as_owner "$pgbin/pg_ctl" -D "$data" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  url="postgresql://hcc:$pw@127.0.0.1:$port/hcc"
  PGPASSWORD=$pw "$pgbin/psql" -qAt -h 127.0.0.1 -p "$port" -U hcc -d postgres \
    -c "CREATE DATABASE hcc" >/dev/null
  echo "$url" >"$dir/url"
  echo "$url"
  ;;
halt)
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
  ;;
resume)
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -o "$(cat "$dir/opts")" -l "$dir/server.log" -w -t 60 start >/dev/null
  ;;
restart)
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -o "$(cat "$dir/opts")" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg.sh start|restart|halt|resume|stop DIR" >&2
  exit 2
  ;;
esac
