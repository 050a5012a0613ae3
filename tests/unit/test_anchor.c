/*
** test_anchor.c: signed checkpoints of the audit trail (store/anchor.c):
** keys, signing and the JSON line, and the three attacks a hash chain
** alone cannot see, made as an attacker with the database would make them
** (triggers dropped): the tail cut off, and history rewritten with every
** later hash recomputed (the entries re-appended through audit_append, so
** that audit_verify finds the chain intact), and a forged checkpoint.
*/
#include "harness.h"

#include "db_harness.h"

#include "db/db.h"
#include "store/anchor.h"
#include "store/audit.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static char path[512];

/* Append n entries "label i" as the system. */
static void append(struct db *db, const char *label, int n) {
  struct err e;
  int i;
  char id[32];
  err_clear(&e);
  CHECK(db_begin_write(db, &e) == APP_OK);
  for (i = 0; i < n; i++) {
    struct audit_entry en = {"update", "test", id, "field", "a", label,
                             "test"};
    snprintf(id, sizeof(id), "%d", i);
    CHECK(audit_append(db, NULL, &en, &e) == APP_OK);
  }
  CHECK(db_commit(db, &e) == APP_OK);
}

/* As the attacker: the triggers that refuse UPDATE and DELETE dropped. */
static void drop_triggers(struct db *db) {
  struct err e;
  const char *pg = getenv("HCCSTUDY_TEST_PG");
  err_clear(&e);
  if (pg != NULL && pg[0] != '\0') {
    CHECK(db_exec(db, "DROP TRIGGER audit_no_delete ON audit", &e) ==
          APP_OK);
  } else {
    CHECK(db_exec(db, "DROP TRIGGER audit_no_delete", &e) == APP_OK);
  }
}

static void delete_from(struct db *db, int64_t seq) {
  struct err e;
  char sql[96];
  err_clear(&e);
  snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE seq >= %lld",
           (long long)seq);
  CHECK(db_exec(db, sql, &e) == APP_OK);
}

int main(void) {
  struct db *db = NULL;
  struct protocol p;
  struct anchor_checkpoint cp, cp2, back;
  struct anchor_check ac;
  struct audit_check chk;
  struct buf sec, pub, line, text;
  unsigned char sk[ANCHOR_SK_LEN], pk[ANCHOR_PK_LEN];
  unsigned char sk2[ANCHOR_SK_LEN], pk2[ANCHOR_PK_LEN];
  size_t plen;
  struct err e;
  err_clear(&e);
  if (sodium_init() < 0 || harness_db_url("anchor", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  if (protocol_default(&p, &e) != APP_OK || db_open(path, &db, &e) != APP_OK) {
    fprintf(stderr, "setup: %s\n", e.msg);
    return 1;
  }
  CHECK(store_init(db, &p, protocol_default_text(&plen), "admin",
                   "a-long-enough-password", &e) == APP_OK);
  append(db, "before", 20);

  /* Keys: the files' text parses back; anything else is refused naming
  ** the source. */
  buf_init(&sec, 0);
  buf_init(&pub, 0);
  anchor_keygen(&sec, &pub);
  CHECK(strncmp(buf_str(&sec), "hccstudy-ed25519-secret v1\n", 27) == 0);
  CHECK_INT_EQ((int)sec.len, 27 + 128 + 1);
  CHECK(anchor_secret_parse(buf_str(&sec), "--key", sk, &e) == APP_OK);
  CHECK(anchor_public_parse(buf_str(&pub), "--public-key", pk, &e) == APP_OK);
  CHECK(anchor_secret_parse(buf_str(&sec) + 27, "env", sk2, &e) == APP_OK);
  CHECK(memcmp(sk, sk2, sizeof(sk)) == 0);
  err_clear(&e);
  CHECK(anchor_public_parse(buf_str(&sec), "--public-key", pk2, &e) ==
        APP_EINVAL);
  CHECK(strcmp(e.field, "--public-key") == 0);
  CHECK(anchor_secret_parse("hccstudy-ed25519-secret v1\nabc\n", "--key", sk2,
                            &e) == APP_EINVAL);
  CHECK(anchor_secret_parse("", "--key", sk2, &e) == APP_EINVAL);
  err_clear(&e);
  crypto_sign_keypair(pk2, sk2); /* another key: the forger's */

  /* A checkpoint: signed, and the JSON line reads back the same. */
  CHECK(anchor_make(db, sk, &cp, &e) == APP_OK);
  CHECK(cp.seq >= 20);
  CHECK_INT_EQ((int)strlen(cp.chain_hash), 64);
  CHECK(anchor_signature_ok(&cp, pk));
  CHECK(!anchor_signature_ok(&cp, pk2));
  buf_init(&line, 0);
  anchor_format(&cp, &line);
  CHECK(anchor_parse(buf_str(&line), "x", &back, &e) == APP_OK);
  CHECK(memcmp(&cp, &back, sizeof(cp)) == 0);
  back.seq++;
  CHECK(!anchor_signature_ok(&back, pk)); /* any field is signed */
  memcpy(&back, &cp, sizeof(cp));
  back.chain_hash[0] = back.chain_hash[0] == 'a' ? 'b' : 'a';
  CHECK(!anchor_signature_ok(&back, pk));
  err_clear(&e);
  CHECK(anchor_parse("{\"type\":\"other\"}", "anchor.log line 3", &back,
                     &e) == APP_EINVAL);
  CHECK(strcmp(e.field, "anchor.log line 3") == 0);
  CHECK(anchor_parse("not json", "x", &back, &e) == APP_EINVAL);
  err_clear(&e);

  /* The database agrees; entries written later do not matter. */
  buf_init(&text, 0);
  buf_puts(&text, buf_str(&line));
  CHECK(anchor_check_db(db, buf_str(&text), "log", pk, &ac, &e) == APP_OK);
  CHECK(ac.why[0] == '\0' && ac.n_ok == 1 && ac.newest_seq == cp.seq);
  append(db, "after", 10);
  CHECK(anchor_check_db(db, buf_str(&text), "log", pk, &ac, &e) == APP_OK);
  CHECK(ac.why[0] == '\0' && ac.n_ok == 1);
  /* A second checkpoint later: both agree. */
  CHECK(anchor_make(db, sk, &cp2, &e) == APP_OK);
  CHECK(cp2.seq == cp.seq + 10);
  anchor_format(&cp2, &text);
  CHECK(anchor_check_db(db, buf_str(&text), "log", pk, &ac, &e) == APP_OK);
  CHECK(ac.why[0] == '\0' && ac.n_ok == 2 && ac.newest_seq == cp2.seq);
  /* Checked with the forger's public key: refused. */
  CHECK(anchor_check_db(db, buf_str(&text), "log", pk2, &ac, &e) == APP_OK);
  CHECK(strstr(ac.why, "signature") != NULL);

  /* Attack 1: the last entry deleted.  The chain alone is intact. */
  drop_triggers(db);
  delete_from(db, cp2.seq);
  CHECK(audit_verify(db, &chk, &e) == APP_OK);
  CHECK(chk.first_bad == 0);
  CHECK(anchor_check_db(db, buf_str(&text), "log", pk, &ac, &e) == APP_OK);
  CHECK(strstr(ac.why, "cut off") != NULL);
  CHECK(ac.n_ok == 1); /* the older checkpoint still agrees */

  /* Attack 2: history rewritten from entry 10 on, every later hash
  ** recomputed (re-appended through the store), and as many entries as
  ** before: the chain is intact, the checkpoint is not. */
  delete_from(db, 10);
  append(db, "forged", (int)(cp2.seq - 9));
  CHECK(audit_verify(db, &chk, &e) == APP_OK);
  CHECK(chk.first_bad == 0 && chk.n_checked == cp2.seq);
  CHECK(anchor_check_db(db, buf_str(&text), "log", pk, &ac, &e) == APP_OK);
  CHECK(strstr(ac.why, "rewritten") != NULL);
  CHECK(ac.n_ok == 0);

  /* Attack 3: a checkpoint forged with another key for the new chain. */
  CHECK(anchor_make(db, sk2, &back, &e) == APP_OK);
  buf_reset(&text);
  buf_init(&text, 0);
  anchor_format(&back, &text);
  CHECK(anchor_check_db(db, buf_str(&text), "log", pk, &ac, &e) == APP_OK);
  CHECK(strstr(ac.why, "signature") != NULL);
  /* A line that is not a checkpoint: the whole log is refused, naming the
  ** line. */
  buf_puts(&text, "garbage\n");
  err_clear(&e);
  CHECK(anchor_check_db(db, buf_str(&text), "log", pk, &ac, &e) ==
        APP_EINVAL);
  CHECK(strstr(e.msg, "log line 2") != NULL);

  sodium_memzero(sk, sizeof(sk));
  buf_reset(&sec);
  buf_reset(&pub);
  buf_reset(&line);
  buf_reset(&text);
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
