#!/usr/bin/env bash
# Signed audit checkpoints (issue 14, item 2), from the command line and the
# server, on a demo study, attacked as someone holding the database would
# attack it (triggers dropped, rows deleted with sqlite3 or psql):
#   * keygen makes a 0600 secret key and a public key; checkpoint needs no
#     account and writes nothing into the database (the audit trail's
#     length is unchanged); verify --anchor agrees with an untouched study;
#   * the last entry deleted, the last 50 deleted, every entry deleted:
#     `audit verify` alone still says intact (the gap this closes), with
#     --anchor it fails (exit 1) saying the tail was cut off;
#   * a checkpoint line altered (its seq or hash), or checked with another
#     public key: refused as not the key's signature;
#   * bad input exits 2 naming the option and writes nothing: no key, a key
#     readable by others, a file that is not a key, --anchor without
#     --public-key, an anchor log that is not one;
#   * the server with --checkpoint-key signs one every --checkpoint-every
#     and one at shutdown (covering its last write), and verify agrees.
# Prints "N passed, N failed".
#   tests/cli/anchor.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: anchor.sh HCCSTUDY}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
server_demo anchor 12
export HCCSTUDY_PASSWORD=$demo_pw
verify() { HCCSTUDY_USER=pi "$bin" audit verify --db "$db" "$@" >"$tmp/v.out" 2>&1; }
sql() { # sql STATEMENT: as the attacker, on either engine
  if [ -n "${HCCSTUDY_TEST_PG:-}" ]; then psql -Atq "$db" -c "$1"; else sqlite3 "$db" "$1"; fi
}

cd "$tmp" || exit 1
"$bin" audit keygen --out key >/dev/null 2>&1; check "keygen" $?
[ "$(stat -c %a key)" = 600 ] && head -n1 key | grep -qx "hccstudy-ed25519-secret v1" &&
  head -n1 key.pub | grep -qx "hccstudy-ed25519-public v1"
check "keygen: a 0600 secret key and a public key" $?
"$bin" audit keygen --out key >/dev/null 2>"$tmp/e"; [ $? = 2 ] && grep -q -- "--out" "$tmp/e"
check "keygen never overwrites a key" $?
before=$(sql "SELECT count(*) FROM audit")
"$bin" audit checkpoint --db "$db" --key key --log anchor.log --out latest.json >cp.out 2>"$tmp/e"
check "checkpoint" $?
after=$(sql "SELECT count(*) FROM audit")
[ "$before" = "$after" ] && [ -n "$before" ]; check "checkpoint writes nothing into the database ($before entries)" $?
cmp -s cp.out latest.json && cmp -s cp.out anchor.log && jq -e '.seq > 0 and (.chain_hash | length) == 64' latest.json >/dev/null
check "checkpoint: printed, kept in --out, appended to --log" $?
verify --anchor anchor.log --public-key key.pub; [ $? = 0 ] && grep -q "1 checkpoint agrees" "$tmp/v.out"
check "verify --anchor: intact, the checkpoint agrees" $?
HCCSTUDY_CHECKPOINT_KEY=$(tail -n1 key) "$bin" audit checkpoint --db "$db" --log anchor.log >/dev/null 2>&1
check "checkpoint with the key in HCCSTUDY_CHECKPOINT_KEY" $?
HCCSTUDY_CHECKPOINT_PUBLIC_KEY=$(tail -n1 key.pub) HCCSTUDY_USER=pi "$bin" audit verify --db "$db" --anchor anchor.log --json >"$tmp/v.json" 2>&1
[ $? = 0 ] && jq -e '.intact and .anchor.checkpoints == 2 and .anchor.agreed == 2' "$tmp/v.json" >/dev/null
check "verify --json with the public key in the environment: 2 checkpoints agree" $?

# audit verify writes nothing (issue 14 item 6): the trail it checks is
# unchanged, and a read-only copy is checked as it is.
n1=$(sql "SELECT count(*) FROM audit")
verify; r=$?
[ $r = 0 ] && [ "$(sql "SELECT count(*) FROM audit")" = "$n1" ]
check "audit verify adds no entry ($n1 before and after)" $?
HCCSTUDY_USER=pi HCCSTUDY_PASSWORD=wrong-password-zz "$bin" audit verify --db "$db" >/dev/null 2>"$tmp/e"
[ $? = 2 ] && grep -q "invalid username or password" "$tmp/e" && [ "$(sql "SELECT count(*) FROM audit")" = "$n1" ]
check "audit verify with a wrong password: refused, nothing written" $?
if [ -z "${HCCSTUDY_TEST_PG:-}" ]; then
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  cp "$db" ro.db && chmod 444 ro.db
  h0=$(sha256sum <ro.db)
  HCCSTUDY_USER=pi "$bin" audit verify --db ro.db >"$tmp/v.out" 2>&1; r=$?
  [ $r = 0 ] && grep -q "intact" "$tmp/v.out" && [ "$(sha256sum <ro.db)" = "$h0" ]
  check "audit verify on a read-only copy: intact, the file unchanged" $?
fi

# The result of a verification appended to the anchor log; checks of the
# log skip such lines.
cp anchor.log vlog.log
verify --anchor vlog.log --public-key key.pub --log vlog.log; r=$?
last=$(tail -n 1 vlog.log)
[ $r = 0 ] && echo "$last" | jq -e '.type == "hccstudy-verify" and .intact == true and (.chain_hash | length) == 64 and .problem == null' >/dev/null
check "verify --log: the result appended to the anchor log" $?
verify --anchor vlog.log --public-key key.pub; check "the log with a verification line still checks" $?

# Bad input: exit 2 naming the option, nothing written.
while read -r name opt args; do
  # shellcheck disable=SC2086
  "$bin" audit $args >/dev/null 2>"$tmp/e"
  rc=$?
  [ $rc = 2 ] && grep -q -- "$opt" "$tmp/e"; check "bad input: $name (exit $rc)" $?
done <<EOF
no_key --key checkpoint --db $db --log anchor.log
not_a_key --key checkpoint --db $db --key key.pub --log anchor.log
nowhere_to_write --db checkpoint --key key --log anchor.log
anchor_without_public_key --public-key verify --db $db --user pi --anchor anchor.log
public_key_without_anchor --anchor verify --db $db --user pi --public-key key.pub
unreadable_anchor --anchor verify --db $db --user pi --anchor nonexistent --public-key key.pub
EOF
cp key open.key && chmod 644 open.key
"$bin" audit checkpoint --db "$db" --key open.key --log anchor.log >/dev/null 2>"$tmp/e"
[ $? = 2 ] && grep -q "chmod 600" "$tmp/e"; check "a key readable by others is refused" $?
echo "not a checkpoint" >bad.log
verify --anchor bad.log --public-key key.pub; [ $? = 2 ] && grep -q "bad.log\|--anchor line 1" "$tmp/v.out"
check "an anchor log that is not one: exit 2 naming its line" $?
[ "$(wc -l <anchor.log)" = 2 ]; check "nothing appended by the refused commands" $?

# Forgeries.
"$bin" audit keygen --out other >/dev/null 2>&1
verify --anchor anchor.log --public-key other.pub; [ $? = 1 ] && grep -q "signature" "$tmp/v.out"
check "checked with another key: refused" $?
jq -c '.seq -= 1' latest.json >forged.log
verify --anchor forged.log --public-key key.pub; [ $? = 1 ] && grep -q "signature" "$tmp/v.out"
check "a checkpoint with another seq: not the key's signature" $?
jq -c '.chain_hash = ("0" * 64)' latest.json >forged2.log
verify --anchor forged2.log --public-key key.pub; [ $? = 1 ] && grep -q "signature" "$tmp/v.out"
check "a checkpoint with another hash: not the key's signature" $?

# The attacks on the tail, growing: before each, a fresh checkpoint.
cut_tail() { # cut_tail N: delete the newest N entries
  sql "DELETE FROM audit WHERE seq > (SELECT max(seq) FROM audit) - $1"
}
if [ -n "${HCCSTUDY_TEST_PG:-}" ]; then
  sql "DROP TRIGGER audit_no_delete ON audit"
else
  sql "DROP TRIGGER audit_no_delete"
fi
"$bin" audit checkpoint --db "$db" --key key --log tail.log >/dev/null 2>&1
for n in 1 50; do
  cut_tail $n
  verify; r1=$?
  verify --anchor tail.log --public-key key.pub; r2=$?
  [ $r2 = 1 ] && grep -q "cut off" "$tmp/v.out"
  check "the last $n entries deleted: with --anchor exit $r2, tail cut off (verify alone: exit $r1)" $?
  "$bin" audit checkpoint --db "$db" --key key --log tail.log.new >/dev/null 2>&1
  mv tail.log.new tail.log
done
sql "DELETE FROM audit"
verify --anchor tail.log --public-key key.pub; [ $? = 1 ] && grep -q "cut off" "$tmp/v.out"
check "every entry deleted: detected" $?

# The server: a checkpoint every second and one at shutdown.
server_demo anchor2 6
server_start --db "$db" --checkpoint-key "$tmp/key" --checkpoint-log "$tmp/srv.log" --checkpoint-every 1s
sleep 2.5
server_login coordinator.tjh "$demo_pw"
status=$(curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -o /dev/null -w '%{http_code}' -X POST "$host/api/v1/patients" \
  -H 'Content-Type: application/json' -d '{}')
[ "$status" = 201 ]; check "a write to the server" $?
server_stop
[ "$(wc -l <"$tmp/srv.log")" -ge 3 ]; check "the server signed checkpoints every second ($(wc -l <"$tmp/srv.log"))" $?
last=$(tail -n1 "$tmp/srv.log" | jq .seq)
want=$(sql "SELECT max(seq) FROM audit")
[ "$last" = "$want" ]; check "the shutdown checkpoint covers the last write (entry $last of $want)" $?
verify --anchor "$tmp/srv.log" --public-key "$tmp/key.pub"; check "verify agrees with the server's checkpoints" $?
"$bin" serve --db "$db" --checkpoint-key "$tmp/key" >/dev/null 2>"$tmp/e"
[ $? = 2 ] && grep -q -- "--checkpoint-log" "$tmp/e"; check "serve --checkpoint-key without a destination: exit 2" $?
"$bin" serve --db "$db" --checkpoint-key "$tmp/key" --checkpoint-log x --checkpoint-every 0 >/dev/null 2>"$tmp/e"
[ $? = 2 ] && grep -q -- "--checkpoint-every" "$tmp/e"; check "serve --checkpoint-every 0: exit 2" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
