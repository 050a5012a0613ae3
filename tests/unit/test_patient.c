/*
** test_patient.c: patients and records through the store: what each role
** may read and write, site scoping (with the refusal audited), versioned
** updates, reasons for change, derived values and all-or-nothing import.
*/
#include "harness.h"

#include "db_harness.h"
#include "fixture.h"

#include "core/jsonx.h"
#include "db/db.h"
#include "store/audit.h"
#include "store/casebook.h"
#include "store/import.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct db *db;
static struct actor admin, coord_a, coord_b, monitor, dm, stat;

static int64_t count(const char *sql) {
  return db_count(db, sql);
}

static void setup(void) {
  struct fixture fx;
  CHECK(fixture_study(db, &fx) == APP_OK);
  admin = fx.admin;
  coord_a = fx.coord_a;
  coord_b = fx.coord_b;
  monitor = fx.monitor;
  dm = fx.dm;
  stat = fx.stat;
}

static json_t *screening(int age) {
  return json_pack(
      "{s:s,s:i,s:s,s:b,s:b,s:{s:f,s:f,s:f,s:s,s:s},s:i,s:b,s:b,s:b,s:b,"
      "s:b,s:b,s:b,s:b,s:s,s:b,s:b}",
      "screening_date", "2026-02-01", "age", age, "bclc", "C",
      "extrahepatic_metastasis", 0, "treatment_naive", 1, "child_pugh",
      "bilirubin_umol_l", 15.0, "albumin_g_l", 40.0, "inr", 1.1, "ascites",
      "none", "encephalopathy", "none", "ecog", 0, "severe_organ_disease", 0,
      "decompensated_cirrhosis", 0, "other_malignancy", 0, "recurrent_hcc",
      0, "autoimmune_disease", 0, "hypersensitivity", 0, "hiv", 0,
      "active_hepatitis", 0, "portal_vein_invasion", "vp2",
      "hepatic_vein_invasion", 0, "ivc_invasion", 0);
}

static void test_access(void) {
  struct patient pa, pb, x;
  struct err e, e2;
  json_t *cb = NULL;
  err_clear(&e);
  CHECK(store_patient_create(db, &coord_a, NULL, &pa, &e) == APP_OK);
  CHECK_STR_EQ(pa.code, "SA-0001");
  CHECK(store_patient_create(db, &coord_b, NULL, &pb, &e) == APP_OK);
  CHECK_STR_EQ(pb.code, "SB-0001");
  /* A coordinator cannot add a patient to another site. */
  CHECK(store_patient_create(db, &coord_a, "SB", &x, &e) == APP_EPERM);
  err_clear(&e);
  /* Monitors and statisticians read but do not write; admins neither. */
  CHECK(store_patient_create(db, &monitor, "SA", &x, &e) == APP_EPERM);
  err_clear(&e);
  CHECK(store_patient_get(db, &monitor, "SB-0001", &x, &e) == APP_OK);
  CHECK(store_patient_get(db, &stat, "SA-0001", &x, &e) == APP_OK);
  CHECK(store_patient_get(db, &admin, "SA-0001", &x, &e) == APP_EPERM);
  err_clear(&e);
  /* Site A's coordinator asking for site B's patient: the same answer as
  ** for a patient that does not exist, and the refusal is audited. */
  err_clear(&e2);
  CHECK(store_patient_get(db, &coord_a, "SB-0001", &x, &e) == APP_ENOTFOUND);
  CHECK(store_patient_get(db, &coord_a, "SB-9999", &x, &e2) ==
        APP_ENOTFOUND);
  CHECK(strstr(e.msg, "SB-0001") != NULL && strstr(e2.msg, "SB-9999"));
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = "
                     "'access_denied' AND actor = 'coord.a' AND entity_id = "
                     "'SB-0001'"), 1);
  err_clear(&e);
  CHECK(store_casebook(db, &coord_a, "SB-0001", &cb, &e) == APP_ENOTFOUND);
  CHECK(cb == NULL);
  err_clear(&e);
  {
    json_t *d = screening(60);
    int64_t id = 0;
    CHECK(store_record_save(db, &coord_a,
                            &(struct record_save){.code = "SB-0001",
                                                  .kind = "screening",
                                                  .data = d},
                            NULL, &id, &e) == APP_ENOTFOUND);
    /* The refused write is audited too, although its transaction rolled
    ** back (the casebook read above was the second refusal). */
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = "
                       "'access_denied' AND actor = 'coord.a' AND "
                       "entity_id = 'SB-0001'"), 3);
    CHECK(store_record_save(db, &monitor,
                            &(struct record_save){.code = "SA-0001",
                                                  .kind = "screening",
                                                  .data = d},
                            NULL, &id, &e) == APP_EPERM);
    json_decref(d);
  }
}

static void test_records(void) {
  struct err e;
  json_t *probs = json_array();
  json_t *d = screening(80);
  json_t *cb = NULL;
  struct patient p;
  int64_t id = 0, id2 = 0;
  int64_t audit_before_unsealed, seals_before;
  err_clear(&e);
  CHECK(store_record_save(db, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "screening",
                                                .data = d},
                          probs, &id, &e) == APP_OK);
  /* Age 80 fails screening: the derived verdict sets the status. */
  CHECK(store_patient_get(db, &coord_a, "SA-0001", &p, &e) == APP_OK);
  CHECK_STR_EQ(p.status, "screen_failed");
  /* One screening per patient. */
  CHECK(store_record_save(db, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "screening",
                                                .data = d},
                          probs, &id2, &e) == APP_ECONFLICT);
  err_clear(&e);
  /* Changing saved data needs a reason, and the current version. */
  json_object_set_new(d, "age", json_integer(70));
  CHECK(store_record_save(db, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "screening",
                                                .record_id = id,
                                                .version = 1,
                                                .data = d},
                          probs, &id2, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "reason") != NULL);
  err_clear(&e);
  json_array_clear(probs);
  CHECK(
      store_record_save(db, &coord_a,
                        &(struct record_save){.code = "SA-0001",
                                              .kind = "screening",
                                              .record_id = id,
                                              .version = 7,
                                              .data = d,
                                              .reason = "transcription error"},
                        probs, &id2, &e) == APP_ECONFLICT);
  err_clear(&e);
  audit_before_unsealed = count("SELECT COUNT(*) FROM audit WHERE action <> "
                                "'seal'");
  seals_before = count("SELECT COUNT(*) FROM audit WHERE action = 'seal'");
  CHECK(
      store_record_save(db, &coord_a,
                        &(struct record_save){.code = "SA-0001",
                                              .kind = "screening",
                                              .record_id = id,
                                              .version = 1,
                                              .data = d,
                                              .reason = "transcription error"},
                        probs, &id2, &e) == APP_OK);
  /* Exactly one field changed: one record audit entry (plus the status
  ** change derived from it), and the seals of the rows the save wrote
  ** (patient, record, derived). */
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE entity = 'record' "
                     "AND action = 'update' AND field = 'age' AND old_value "
                     "= '80' AND new_value = '70' AND reason = "
                     "'transcription error'"), 1);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE action <> 'seal'") -
                   audit_before_unsealed, 2);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'seal'") -
                   seals_before, 3);
  CHECK(store_patient_get(db, &coord_a, "SA-0001", &p, &e) == APP_OK);
  CHECK_STR_EQ(p.status, "screening");
  /* The old version is now stale. */
  CHECK(store_record_save(db, &dm,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "screening",
                                                .record_id = id,
                                                .version = 1,
                                                .data = d,
                                                .reason = "again"},
                          probs, &id2, &e) == APP_ECONFLICT);
  err_clear(&e);
  json_decref(d);
  /* A record with several problems lists each of them. */
  json_array_clear(probs);
  d = json_pack("{s:s,s:i,s:s,s:s}", "term", "Hypertension", "grade", 6,
                "onset_date", "2026-02-30", "colour", "red");
  CHECK(store_record_save(db, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "adverse_event",
                                                .data = d},
                          probs, &id2, &e) == APP_EINVAL);
  CHECK_INT_EQ(json_array_size(probs), 4); /* colour, grade, date, serious */
  err_clear(&e);
  json_decref(d);
  /* Enrolment, a baseline scan and two assessments: the casebook derives
  ** the response and PFS with the same rules as the command line. */
  d = json_pack("{s:s,s:s,s:s}", "consent_date", "2026-02-02", "cohort",
                "HAIC", "treatment_start", "2026-02-05");
  CHECK(store_record_save(db, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "enrolment",
                                                .data = d},
                          probs, &id2, &e) == APP_OK);
  json_decref(d);
  d = json_pack("{s:s,s:s,s:[{s:s,s:s,s:f}],s:[]}", "date", "2026-02-03",
                "modality", "mri", "target", "id", "T1", "organ", "liver",
                "viable_mm", 50.0, "nontarget");
  CHECK(store_record_save(db, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "baseline_scan",
                                                .data = d},
                          probs, &id2, &e) == APP_OK);
  json_decref(d);
  d = json_pack("{s:s,s:s,s:[{s:s,s:f}]}", "date", "2026-04-02", "modality",
                "mri", "target", "id", "T1", "viable_mm", 30.0);
  CHECK(store_record_save(db, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "assessment",
                                                .data = d},
                          probs, &id2, &e) == APP_OK);
  json_decref(d);
  d = json_pack("{s:s,s:s,s:[{s:s,s:f}]}", "date", "2026-05-28", "modality",
                "mri", "target", "id", "T1", "viable_mm", 40.0);
  CHECK(store_record_save(db, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "assessment",
                                                .data = d},
                          probs, &id2, &e) == APP_OK);
  json_decref(d);
  if (e.code != APP_OK) {
    fprintf(stderr, "records: %s\n", e.msg);
  }
  CHECK(store_casebook(db, &monitor, "SA-0001", &cb, &e) == APP_OK);
  if (cb != NULL) {
    json_t *der = json_object_get(cb, "derived");
    json_t *pfs = json_object_get(json_object_get(der, "endpoints"), "pfs");
    json_t *tp = json_object_get(json_object_get(der, "response"),
                                 "timepoints");
    json_t *sched = json_object_get(der, "schedule");
    CHECK_STR_EQ(json_string_value(json_object_get(
                     json_object_get(cb, "patient"), "status")),
                 "enrolled");
    CHECK_STR_EQ(json_string_value(json_object_get(
                     json_object_get(cb, "patient"), "cohort")),
                 "HAIC");
    /* 30 mm is -40 % (PR); 40 mm is +33 % above the nadir (PD). */
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(tp, 0),
                                                   "overall")),
                 "PR");
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(tp, 1),
                                                   "overall")),
                 "PD");
    CHECK(json_is_true(json_object_get(pfs, "event")));
    CHECK_STR_EQ(json_string_value(json_object_get(pfs, "date")),
                 "2026-05-28");
    /* Day 56 is 2026-04-02 (in window); day 112 is 2026-05-28. */
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(sched, 0),
                                                   "status")),
                 "done");
    CHECK_INT_EQ(json_array_size(json_object_get(cb, "records")), 5);
    /* The API's spliced text is exactly the casebook written out. */
    {
      struct buf a, b;
      buf_init(&a, 0);
      buf_init(&b, 0);
      jx_dump(cb, &a, false);
      CHECK(store_casebook_text(db, &monitor, "SA-0001", &b, &e) == APP_OK);
      CHECK_STR_EQ(buf_str(&b), buf_str(&a));
      buf_reset(&a);
      buf_reset(&b);
    }
    json_decref(cb);
  }
  json_decref(probs);
}

/* The parsed-record cache of one connection must not hide a change made
** through another connection (another server). */
static void test_cache_coherence(const char *path) {
  struct db *db2 = NULL;
  struct err e;
  struct patient p;
  json_t *cb = NULL, *rec, *d;
  int64_t id = 0, sid = 0, ver = 0;
  size_t i;
  err_clear(&e);
  CHECK(db_open(path, &db2, &e) == APP_OK);
  CHECK(store_casebook(db, &monitor, "SA-0001", &cb, &e) == APP_OK);
  for (i = 0; cb && i < json_array_size(json_object_get(cb, "records"));
       i++) {
    rec = json_array_get(json_object_get(cb, "records"), i);
    if (strcmp(json_string_value(json_object_get(rec, "kind")),
               "screening") == 0) {
      sid = json_integer_value(json_object_get(rec, "id"));
      ver = json_integer_value(json_object_get(rec, "version"));
    }
  }
  /* Warm the first connection's cache with a save. */
  d = json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-01", "test", "ALT",
                "value", 40.0, "unit", "U/L");
  CHECK(store_record_save(
            db, &coord_a,
            &(struct record_save){.code = "SA-0001", .kind = "lab", .data = d},
            NULL, &id, &e) == APP_OK);
  json_decref(d);
  /* Another connection changes the screening age to 90 (ineligible). */
  d = screening(90);
  CHECK(store_record_save(db2, &coord_a,
                          &(struct record_save){.code = "SA-0001",
                                                .kind = "screening",
                                                .record_id = sid,
                                                .version = ver,
                                                .data = d,
                                                .reason = "age corrected"},
                          NULL, &id, &e) == APP_OK);
  json_decref(d);
  /* A save through the first connection re-derives from the new age. */
  d = json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-02", "test", "AST",
                "value", 30.0, "unit", "U/L");
  CHECK(store_record_save(
            db, &coord_a,
            &(struct record_save){.code = "SA-0001", .kind = "lab", .data = d},
            NULL, &id, &e) == APP_OK);
  json_decref(d);
  json_decref(cb);
  cb = NULL;
  CHECK(store_casebook(db, &monitor, "SA-0001", &cb, &e) == APP_OK);
  CHECK(cb && json_is_false(json_object_get(
                  json_object_get(json_object_get(cb, "derived"),
                                  "eligibility"),
                  "eligible")));
  json_decref(cb);
  CHECK(store_patient_get(db, &coord_a, "SA-0001", &p, &e) == APP_OK);
  CHECK_INT_EQ(db_open_statements(db2), 0);
  db_close(db2);
}

static void test_import(void) {
  struct err e;
  json_t *probs = json_array();
  int64_t n = 0;
  int64_t patients = count("SELECT COUNT(*) FROM patient");
  int64_t audits = count("SELECT COUNT(*) FROM audit");
  json_t *doc = json_pack(
      "{s:[{s:s,s:[{s:s,s:o},{s:s,s:{s:s}}]},{s:s,s:[{s:s,s:{}}]},"
      "{s:s,s:[]}]}",
      "patients", "site", "SA", "records", "kind", "screening", "data",
      screening(50), "kind", "death", "data", "date", "2026-13-01", "code",
      "SB-0001", "records", "kind", "nonsense", "data", "code", "NOPE-1",
      "records");
  err_clear(&e);
  CHECK(store_import(db, &dm, doc, probs, &n, &e) == APP_EINVAL);
  /* death.date impossible, death.cause missing, unknown kind, unknown
  ** patient: all four listed, nothing written. */
  CHECK_INT_EQ(json_array_size(probs), 4);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM patient"), patients);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit"), audits);
  CHECK_INT_EQ(n, 0);
  json_decref(doc);
  /* Site B's coordinator cannot import into site A's patient. */
  json_array_clear(probs);
  err_clear(&e);
  doc = json_pack("{s:[{s:s,s:[]}]}", "patients", "code", "SA-0001",
                  "records");
  CHECK(store_import(db, &coord_b, doc, probs, &n, &e) == APP_EINVAL);
  CHECK_INT_EQ(json_array_size(probs), 1);
  json_decref(doc);
  /* A clean file is written whole. */
  json_array_clear(probs);
  err_clear(&e);
  doc = json_pack("{s:[{s:s,s:[{s:s,s:o}]},{s:s,s:[{s:s,s:o}]}]}",
                  "patients", "site", "SB", "records", "kind", "screening",
                  "data", screening(50), "site", "SA", "records", "kind",
                  "screening", "data", screening(51));
  CHECK(store_import(db, &dm, doc, probs, &n, &e) == APP_OK);
  CHECK_INT_EQ(n, 2);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM patient"), patients + 2);
  json_decref(doc);
  json_decref(probs);
}

int main(void) {
  char path[512];
  struct err e;
  struct audit_check chk;
  err_clear(&e);
  if (harness_db_url("patient", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  if (db_open(path, &db, &e) != APP_OK) {
    fprintf(stderr, "%s\n", e.msg);
    return 1;
  }
  setup();
  test_access();
  test_records();
  test_cache_coherence(path);
  test_import();
  CHECK(audit_verify(db, &chk, &e) == APP_OK);
  CHECK_INT_EQ(chk.first_bad, 0);
  CHECK_INT_EQ(db_open_statements(db), 0);
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
