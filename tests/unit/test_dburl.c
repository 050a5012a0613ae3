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
  CHECK(db_url_is_postgres("application_name=hcc host=db1 dbname=hcc"));
  CHECK(db_url_is_postgres("\ttarget_session_attrs=read-write host=db1"));
  CHECK(db_url_is_postgres("POSTGRESQL://hcc@db1/hcc"));
  CHECK(!db_url_is_postgres("Study=1.db"));
  /* The file a SQLite value names. */
  CHECK_STR_EQ(db_sqlite_path("study.db"), "study.db");
  CHECK_STR_EQ(db_sqlite_path("sqlite:host=x.db"), "host=x.db");
  CHECK(db_sqlite_path("postgresql://hcc@db1/hcc") == NULL);
  CHECK(db_sqlite_path("host=db1 dbname=hcc") == NULL);
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
  /* Short or empty passwords: the mask is longer than the password. */
  check_redacted("postgres://u:@h/db", "postgres://u:***@h/db");
  check_redacted("postgres://u:pw@h/db", "postgres://u:***@h/db");
  check_redacted("host=h dbname=hcc password=", "host=h dbname=hcc password=***");
  check_redacted("password='' host=h", "password=*** host=h");
  /* Only the password keyword, every one of them, spaces allowed. */
  check_redacted("host=h sslpassword=k password=SECRET",
                 "host=h sslpassword=k password=***");
  check_redacted("host=h password = SECRET dbname=x password=TWO",
                 "host=h password = *** dbname=x password=***");
  check_redacted("host=h password='a \\' b' dbname=x",
                 "host=h password=*** dbname=x");
  /* An unencoded '@' in a URL's password, a password parameter. */
  check_redacted("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db");
  check_redacted("POSTGRESQL://u:pw@h/db?Password=x",
                 "POSTGRESQL://u:***@h/db?Password=***");
  return harness_report();
}
