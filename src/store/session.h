/*
** session.h: web sessions stored in the database (shared by every server).
**
** A session token is 32 random bytes (libsodium), given to the browser in an
** HttpOnly cookie; only its SHA-256 is stored, so a copy of the database
** does not let anyone log in.  Each session has its own CSRF token.  Limits
** (OWASP ASVS 3.3): 30 minutes idle, 12 hours absolute.
*/
#ifndef HCC_SESSION_H
#define HCC_SESSION_H

#include "../core/err.h"
#include "../db/db.h"
#include "store.h"

/* Idle and absolute session limits, seconds. */
#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_ABSOLUTE_SECONDS (12 * 60 * 60)

/* Hex length of a token plus NUL. */
#define SESSION_TOKEN_LEN 65

/* Log in (store_login_from: password, throttle by username and by the
** client address, audit) and open a session.
** token and csrf receive fresh hex tokens. */
int session_create(struct db *db, const char *username, const char *password,
                   const char *client, struct actor *a,
                   char token[SESSION_TOKEN_LEN],
                   char csrf[SESSION_TOKEN_LEN], struct err *e);

/* Find the live session of token, refresh its idle time, and fill the
** actor and its CSRF token.  APP_ENOTFOUND when absent or expired (an
** expired session is deleted); APP_EDB when the database fails. */
int session_check(struct db *db, const char *token, struct actor *a,
                  char csrf[SESSION_TOKEN_LEN], struct err *e);

/* End a session (logout); audited. */
int session_end(struct db *db, const char *token, const struct actor *a,
                struct err *e);

#endif
