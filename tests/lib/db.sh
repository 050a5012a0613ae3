# Sourced by the test scripts: where a test's study database lives.
#   test_db NAME     prints the --db value of a new, empty database: $tmp/NAME.db,
#                    or, when HCCSTUDY_TEST_PG holds a PostgreSQL server's URL
#                    (tests/run.sh --engine postgres), a new schema there.
# The caller has set $tmp (its temporary directory).
test_db() {
  local name=$1
  if [ -z "${HCCSTUDY_TEST_PG:-}" ]; then
    echo "$tmp/$name.db"
    return
  fi
  local schema="t_${name//[^a-zA-Z0-9_]/_}_$$_${RANDOM}"
  psql "$HCCSTUDY_TEST_PG" -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE SCHEMA $schema" >/dev/null || return 1
  echo "$HCCSTUDY_TEST_PG?options=-csearch_path%3D$schema"
}

# The engine the tests run on, for messages: sqlite or postgres.
test_engine() {
  if [ -n "${HCCSTUDY_TEST_PG:-}" ]; then echo postgres; else echo sqlite; fi
}
