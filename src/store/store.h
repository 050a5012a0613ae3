/*
** store.h: the study records.  Every write goes through here, in a
** transaction, with its audit record; access rules are enforced here, not in
** the front ends.
**
** An actor is the authenticated user on whose behalf an operation runs.
** Site-scoped roles (investigator, coordinator) see only their site's
** patients; the others see every site.
*/
#ifndef HCC_STORE_H
#define HCC_STORE_H

#include <stdbool.h>
#include <jansson.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "../study/protocol.h"
#include "access.h"

/* Minimum password length (OWASP ASVS 2.1.1). */
#define STORE_MIN_PASSWORD 12

/* Create the study in an empty database: apply migrations, store the
** protocol, and create the admin account.  Refuses a database that already
** holds a study. */
int store_init(struct db *db, const struct protocol *p,
               const char *protocol_json, const char *admin_username,
               const char *admin_password, struct err *e);

/* Authenticate: check the password (argon2id); every attempt is audited.
** Failed logins are counted per username and per client address
** (login_throttle): after STORE_LOGIN_FREE_USER failures in a row for a
** username (STORE_LOGIN_FREE_CLIENT from an address), each further attempt
** waits 1, 2, 4 ... seconds, at most STORE_LOGIN_MAX_DELAY, after the
** last failure, and is refused unchecked before then (APP_ETHROTTLED:
** HTTP 429).  No account is deactivated by failures (an administrator
** can still deactivate one).  An unknown username and an inactive account
** cost the same time as a wrong password, and give the same APP_EINVAL
** ("invalid username or password").  client is the address, or NULL
** (the command line).  On success *out is filled. */
int store_login_from(struct db *db, const char *username,
                     const char *password, const char *client,
                     struct actor *out, struct err *e);

/* Check username and password as store_login does (argon2id; the same
** time and message for an unknown or inactive account) but write nothing:
** no audit entry, no throttle count.  For read-only checks on a database
** opened with db_open_readonly() (audit verify). */
int store_authenticate(struct db *db, const char *username,
                       const char *password, struct actor *out,
                       struct err *e);

/* store_login_from() with no client address. */
int store_login(struct db *db, const char *username, const char *password,
                struct actor *out, struct err *e);

/* Failures in a row that cost no delay: per username, per address. */
#define STORE_LOGIN_FREE_USER 3
#define STORE_LOGIN_FREE_CLIENT 10
/* Longest delay (seconds), and how long a failure is remembered. */
#define STORE_LOGIN_MAX_DELAY 900
#define STORE_LOGIN_FORGET 3600

/* The delay (seconds) after `failures` failures in a row of which
** free_failures are free: 0, then 1, 2, 4 ..., at most
** STORE_LOGIN_MAX_DELAY. */
int64_t store_login_delay(int failures, int free_failures);

/* Add a site (admin only). */
int store_site_add(struct db *db, const struct actor *a, const char *code,
                   const char *name, int64_t *id, struct err *e);

/* The id of the site with this code; APP_ENOTFOUND naming it otherwise. */
int store_site_id(struct db *db, const char *code, int64_t *id,
                  struct err *e);

/* The id of the account username; APP_ENOTFOUND naming it otherwise. */
int store_user_id(struct db *db, const char *username, int64_t *id,
                  struct err *e);

/* Add a user (admin only).  Site-scoped roles need a site code; password
** at least STORE_MIN_PASSWORD characters. */
int store_user_add(struct db *db, const struct actor *a,
                   const char *username, const char *role,
                   const char *site_code, const char *password,
                   struct err *e);

/* Change an account (admin only): any of role (NULL: unchanged), site code
** (NULL: unchanged; "" for none), active (-1: unchanged, 0 or 1) and a new
** password (NULL: unchanged).  Each changed field is one audit entry (the
** password as "changed", never its value); reactivating clears the failed
** logins.  An admin cannot deactivate or demote itself. */
int store_user_update(struct db *db, const struct actor *a,
                      const char *username, const char *role,
                      const char *site_code, int active,
                      const char *password, struct err *e);

/* The accounts as [{"username", "role", "site", "active",
** "failed_logins"}] (admin only).  Caller json_decref()s *out. */
int store_user_list(struct db *db, const struct actor *a, json_t **out,
                    struct err *e);

/* The protocol the study was created with (parsed once per thread and
** reused while the stored text is unchanged). */
int store_protocol(struct db *db, struct protocol *p, struct err *e);

/* Roll back the caller's transaction level; at the outermost level, write
** the refusals noted meanwhile (access_flush).  Returns rc. */
int store_rollback(struct db *db, int rc);

/* The newest `limit` audit entries, oldest first, as [{"seq", "ts_utc",
** "actor", "role", "site", "action", "entity", "entity_id", "field",
** "old_value", "new_value", "reason", "hash"}] (ACCESS_AUDIT_LOG).  A read
** that fails part way fails whole.  Caller json_decref()s *out. */
int store_audit_log(struct db *db, const struct actor *a, int64_t limit,
                    json_t **out, struct err *e);

/* For the store's read loops, which fail whole: append row o (NULL: a row
** whose text could not be made JSON) to arr, giving DB_ROW or -APP_EDB
** ("WHAT: a stored row is not valid text"); and end the loop over st that
** filled arr: finalize st, then on a failed step (rc < 0) free arr and
** return the error, else hand arr to *out and return APP_OK. */
int store_row_append(json_t *arr, json_t *o, const char *what,
                     struct err *e);
int store_rows_done(struct db_stmt *st, int rc, json_t *arr, json_t **out,
                    struct err *e);

#endif
