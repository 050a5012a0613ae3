/*
** token.h: API tokens for scripted clients (an R or Python script pulling
** data every night), sent as "Authorization: Bearer hcc_...".
**
** A token is "hcc_" and 64 hex digits (32 random bytes from libsodium).  It
** is shown once, when created; the database keeps only its SHA-256 (a fast
** hash suffices: the secret has 256 random bits, nothing to guess) and its
** first 12 characters, so that a list can tell tokens apart.  A token acts
** as its user (the same role and site scoping) and its scope limits it
** further: "read" allows GET only; otherwise a comma-separated list of
** "METHOD route" items, routes as spelled in the route table
** (src/web/routes.c), e.g. "GET api/v1/patients,GET api/v1/patients/:code".
** Every token expires (at most TOKEN_MAX_DAYS after creation).
**
** Creation, revocation and every use of a known token (accepted or
** refused) are audited with the token's id, never its text.  Users manage
** their own tokens; the token_admin permission manages everyone's.
*/
#ifndef HCC_TOKEN_H
#define HCC_TOKEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "access.h"

/* Length of a token's text ("hcc_" + 64 hex digits) plus the NUL. */
#define TOKEN_LEN 69
/* Characters of a token kept in clear to tell tokens apart. */
#define TOKEN_PREFIX_LEN 12
/* Longest life of a token, and the default, in days. */
#define TOKEN_MAX_DAYS 365
#define TOKEN_DEFAULT_DAYS 90
/* Longest scope text (bytes). */
#define TOKEN_MAX_SCOPE 1024

/* A token presented with a request, as token_check() found it. */
struct token_use {
  int64_t id;              /* api_token.id; 0 when the token is unknown */
  struct actor actor;      /* its user */
  char scope[TOKEN_MAX_SCOPE]; /* its scope text */
  const char *refusal;     /* NULL when live, else "revoked", "expired",
                              "inactive user" (static text) */
};

/* Create a token for user `for_user` (NULL: a itself), named name, with
** scope ("read" or a list checked by the caller against the route table;
** NULL: "read") and a life of days (1..TOKEN_MAX_DAYS).  A user may create
** tokens for itself; for others it needs token_admin.  Audited as
** token_create (name, user, scope, expiry; never the text).  On APP_OK,
** secret receives the token (the only time it exists in clear) and *id its
** id. */
int token_create(struct db *db, const struct actor *a, const char *for_user,
                 const char *name, const char *scope, int days,
                 char secret[TOKEN_LEN], int64_t *id, struct err *e);

/* The tokens a may see (its own; everyone's with token_admin), newest
** first, as [{"id", "user", "name", "prefix", "scope", "created_utc",
** "expires_utc", "revoked_utc", "last_used_utc", "uses", "state"}] with
** state "active", "expired" or "revoked".  Caller json_decref()s *out. */
int token_list(struct db *db, const struct actor *a, json_t **out,
               struct err *e);

/* Revoke token id (a's own, or anyone's with token_admin; another user's
** token reads as not found).  Audited as token_revoke.  APP_ECONFLICT when
** already revoked. */
int token_revoke(struct db *db, const struct actor *a, int64_t id,
                 struct err *e);

/* Look a presented token up (read only).  APP_OK with *u filled when the
** table knows it (u->refusal says whether it may be used); APP_ENOTFOUND
** when it is malformed or unknown; APP_EDB when the database fails.  The
** text is never copied into e. */
int token_check(struct db *db, const char *text, struct token_use *u,
                struct err *e);

/* Whether scope allows route `pattern` with method. */
bool token_scope_allows(const char *scope, const char *method,
                        const char *pattern);

/* Record one use of token u for "METHOD path" (refused: why, or NULL when
** accepted): a token_use audit entry, and for an accepted use last_used_utc
** and the count.  Runs in its own write transaction (a savepoint of the
** caller's). */
int token_record_use(struct db *db, const struct token_use *u,
                     const char *method, const char *path,
                     const char *refused, struct err *e);

#endif
