# shellcheck shell=bash disable=SC2034,SC2154
# Sourced by the tests/http scripts: the preamble they share, a server of
# their own on a free loopback port.  The caller has set $bin (the hccstudy
# binary); the study database comes from test_db (tests/lib/db.sh, sourced
# here), so the engine selection of tests/run.sh (--engine postgres) holds.
#   server_setup             $tmp (a new temporary directory), pass=0,
#                            fail=0, pid="", and an EXIT trap that stops the
#                            server and removes $tmp
#   check NAME RC            one check: passes when RC is 0, else prints
#                            "FAIL NAME"
#   server_demo NAME N       $db: a new database NAME holding the demo study
#                            of N patients (users' password $demo_pw); when
#                            that fails, prints the result line and exits 1
#   server_init NAME         exports HCCSTUDY_DB (a new database NAME) and
#                            HCCSTUDY_ADMIN_PASSWORD, and runs `init`
#   server_admin ARGS...     `hccstudy ARGS` as the admin, output discarded
#   server_user NAME ROLE [SITE]   adds a user with password $user_pw
#   server_start [ARGS...]   `hccstudy serve --listen 127.0.0.1:PORT ARGS`
#                            in the background on a free port, log in
#                            ${server_log:-$tmp/server.log}; sets $port,
#                            $pid and $host (http://127.0.0.1:PORT, https
#                            when ARGS hold --tls-cert), and waits until
#                            /api/v1/health answers (5 s).  Returns 1 (and
#                            shows the log) when the server never answers.
#   server_stop              stops the server (SIGTERM) and waits for it:
#                            $server_rc is its exit status; pid=""
#   server_login USER PASSWORD     POST /api/v1/session with a new cookie
#                            jar $tmp/USER.jar: sets $jar, $status and
#                            $csrf; the answer is in $tmp/USER.login
# shellcheck source=tests/lib/db.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/db.sh"

demo_pw=hccstudy-demo-2026
user_pw=user-password-123
admin_pw=admin-password-123

server_setup() {
  tmp=$(mktemp -d)
  pass=0
  fail=0
  pid=""
  trap server_cleanup EXIT
}

# The EXIT trap: stop the server if it still runs, remove $tmp.
server_cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}

check() {
  if [ "$2" -eq 0 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $1"
  fi
}

# tally FILE: one check per "ok ..." / "FAIL ..." line of a reader's
# output (R or Python scripts that print their own checks).
tally() {
  local l
  while IFS= read -r l; do
    case $l in
      ok\ *) pass=$((pass + 1)) ;;
      FAIL*) fail=$((fail + 1)); echo "$l" ;;
    esac
  done <"$1"
}

# near NAME A B TOL: one check that |A-B| <= TOL*max(1,|A|) (both present)
near() {
  awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN {
    if (a == "" || b == "" || a == "null" || b == "null") exit 1
    d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; if (m < 1) m = 1
    exit !(d <= t * m) }'
  check "$1 ($2 vs $3)" $?
}

server_demo() {
  db=$(test_db "$1")
  if ! "$bin" demo --db "$db" --patients "$2" >"$tmp/demo.log" 2>&1; then
    echo "FAIL demo"
    cat "$tmp/demo.log"
    echo "0 passed, 1 failed"
    exit 1
  fi
}

server_init() {
  HCCSTUDY_DB=$(test_db "$1")
  HCCSTUDY_ADMIN_PASSWORD=$admin_pw
  export HCCSTUDY_DB HCCSTUDY_ADMIN_PASSWORD
  "$bin" init >/dev/null 2>&1
}

server_admin() {
  HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$admin_pw "$bin" "$@" >/dev/null 2>&1
}

server_user() {
  HCCSTUDY_NEW_PASSWORD=$user_pw server_admin user add --username "$1" \
    --role "$2" ${3:+--site "$3"}
}

# A loopback port nothing listens on (the kernel's answer to a connect).
server_free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

server_start() {
  local log=${server_log:-$tmp/server.log} scheme=http curl_k=() a
  for a in "$@"; do
    if [ "$a" = --tls-cert ]; then scheme=https; curl_k=(-k); fi
  done
  # A port found free may be taken before the server binds it: then the
  # server exits at once, and another port is tried.
  for _ in 1 2 3 4 5; do
    port=$(server_free_port) || break
    host="$scheme://127.0.0.1:$port"
    "$bin" serve --listen "127.0.0.1:$port" "$@" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 50); do
      curl -s "${curl_k[@]}" "$host/api/v1/health" >/dev/null 2>&1 && return 0
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && break # running but not answering
    wait "$pid" 2>/dev/null
    pid=""
  done
  echo "server_start: hccstudy serve did not answer on $host" >&2
  tail -n 20 "$log" >&2
  return 1
}

server_stop() {
  server_rc=0
  if [ -n "${pid:-}" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    server_rc=$?
  fi
  pid=""
}

server_login() {
  local k=()
  [[ $host == https:* ]] && k=(-k)
  jar=$tmp/$1.jar
  rm -f "$jar"
  status=$(curl -s "${k[@]}" -c "$jar" -o "$tmp/$1.login" -w '%{http_code}' \
    -H 'Content-Type: application/json' -X POST "$host/api/v1/session" \
    --data-binary "{\"username\":\"$1\",\"password\":\"$2\"}")
  csrf=$(jq -r '.csrf // empty' "$tmp/$1.login" 2>/dev/null)
}
