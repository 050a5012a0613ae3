/*
** anchor.h: signed checkpoints of the audit trail (issue 14, item 2).
**
** A hash chain inside the database cannot see its own tail cut off, nor a
** history rewritten with every later hash recomputed by someone who holds
** the database.  A checkpoint fixes the chain from outside: the study id,
** the audit sequence number and the chain hash at that moment, and the
** time, signed with an Ed25519 key (libsodium) that is not in the
** database (a key file, or $HCCSTUDY_CHECKPOINT_KEY).  Checkpoints are
** written to a file and appended to an anchor log (one JSON object a line)
** outside the database; verifying against them proves that no entry up to
** the newest checkpoint was removed or rewritten.  docs/store.md says what
** is and is not detected, and by whom.
*/
#ifndef HCC_STORE_ANCHOR_H
#define HCC_STORE_ANCHOR_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"

/* Key sizes (libsodium crypto_sign_*). */
#define ANCHOR_PK_LEN 32
#define ANCHOR_SK_LEN 64

/* One checkpoint. */
struct anchor_checkpoint {
  char study_id[32];
  int64_t seq;             /* the newest audit entry it covers */
  char chain_hash[65];     /* that entry's hash */
  char time_utc[24];       /* when it was made */
  char public_key[65];     /* hex: the key that signed it */
  char signature[129];     /* hex Ed25519 signature of anchor_message() */
};

/* A new key pair: the secret key file's text ("hccstudy-ed25519-secret
** v1" and 128 hex digits) into secret, the public key file's into public.
** Both end in a newline. */
void anchor_keygen(struct buf *secret, struct buf *public);

/* The secret key from the text of a key file (or the hex digits alone,
** as $HCCSTUDY_CHECKPOINT_KEY holds them).  APP_EINVAL naming what when
** the text is not a key. */
int anchor_secret_parse(const char *text, const char *what,
                        unsigned char sk[ANCHOR_SK_LEN], struct err *e);

/* The public key from the text of a public key file (or 64 hex digits). */
int anchor_public_parse(const char *text, const char *what,
                        unsigned char pk[ANCHOR_PK_LEN], struct err *e);

/* Make a checkpoint of db's audit trail now, signed with sk.  Reads only
** (no audit entry, no login): it can run on a read-only copy. */
int anchor_make(struct db *db, const unsigned char sk[ANCHOR_SK_LEN],
                struct anchor_checkpoint *out, struct err *e);

/* The checkpoint as one JSON line (with its newline), appended to out. */
void anchor_format(const struct anchor_checkpoint *c, struct buf *out);

/* Parse one JSON line.  APP_EINVAL naming what (e.g. "anchor.log line
** 3") when it is not a checkpoint. */
int anchor_parse(const char *line, const char *what,
                 struct anchor_checkpoint *out, struct err *e);

/* Is c's signature valid, made by pk? */
bool anchor_signature_ok(const struct anchor_checkpoint *c,
                         const unsigned char pk[ANCHOR_PK_LEN]);

/* Write c to file out (replaced atomically) and/or append it to the anchor
** log (opened O_APPEND, synced); either may be NULL; with to_syslog also
** to syslog (LOG_AUTHPRIV | LOG_NOTICE).  APP_EIO naming the file. */
int anchor_write(const struct anchor_checkpoint *c, const char *out,
                 const char *log, bool to_syslog, struct err *e);

/* Append the result of a verification to the anchor log log (a JSON line
** of type "hccstudy-verify": study, the newest entry and chain hash
** verified, the time, intact, and the first problem or null); checks of
** the log skip such lines.  APP_EIO naming "--log". */
int anchor_log_verify(const char *log, const char *study_id, int64_t seq,
                      const char *chain_hash, bool intact,
                      const char *problem, struct err *e);

/* Result of checking a database against checkpoints. */
struct anchor_check {
  int n_checkpoints;     /* checkpoints read */
  int n_ok;              /* checkpoints the database agrees with */
  int64_t newest_seq;    /* the highest seq a valid checkpoint covers */
  char why[400];         /* the first disagreement, "" when none */
};

/* Check db against every checkpoint in text (a checkpoint file or an
** anchor log: one JSON object a line), each signature with pk: the audit
** trail must still hold entry seq with hash chain_hash for every one (the
** chain itself is audit_verify()'s).  A bad signature, another study, a
** missing entry (tail truncated) or another hash (history rewritten) sets
** out->why.  APP_OK (see out), APP_EINVAL (text unreadable) or APP_EDB. */
int anchor_check_db(struct db *db, const char *text, const char *what,
                    const unsigned char pk[ANCHOR_PK_LEN],
                    struct anchor_check *out, struct err *e);

#endif
