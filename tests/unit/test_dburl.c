/*
** test_dburl.c: which --db values name a PostgreSQL database, and how a
** URL's password is masked in messages.  Pure: no database is opened.
*/
#include "harness.h"

#include "core/mem.h"
#include "db/db.h"

/* Check that db_url_redacted(url) is `want`. */
static void check_redacted(const char *url, const char *want) {
  char *got = db_url_redacted(url);
  CHECK_STR_EQ(got, want);
  xfree(got);
}

int main(void) {
  /* URLs and keyword/value strings are PostgreSQL; anything else a file. */
  CHECK(db_url_is_postgres("postgresql://hcc@db1/hcc"));
  CHECK(db_url_is_postgres("postgres://hcc:pw@127.0.0.1:5432/hcc"));
  CHECK(db_url_is_postgres("host=db1 dbname=hcc user=hcc"));
  CHECK(db_url_is_postgres("  dbname = hcc"));
  CHECK(db_url_is_postgres("service=hccstudy"));
  CHECK(!db_url_is_postgres("study.db"));
  CHECK(!db_url_is_postgres("/srv/hccstudy/study.db"));
  CHECK(!db_url_is_postgres("sqlite:host=x.db"));
  CHECK(!db_url_is_postgres("hostel.db"));
  CHECK(!db_url_is_postgres("postgresql.db"));
  CHECK(!db_url_is_postgres(""));
  CHECK(!db_url_is_postgres(NULL));
  /* Passwords never reach a message. */
  check_redacted("postgresql://hcc:s3cret@db1:5432/hcc",
                 "postgresql://hcc:***@db1:5432/hcc");
  check_redacted("postgresql://hcc@db1/hcc", "postgresql://hcc@db1/hcc");
  check_redacted("postgresql://db1/hcc?user=a&password=s3cret&sslmode=x",
                 "postgresql://db1/hcc?user=a&password=***&sslmode=x");
  check_redacted("host=db1 password=s3cret dbname=hcc",
                 "host=db1 password=*** dbname=hcc");
  check_redacted("host=db1 password='s3 cret' dbname=hcc",
                 "host=db1 password=*** dbname=hcc");
  check_redacted("study.db", "study.db");
  return harness_report();
}
