/*
** test_sdtm.c: the SDTM domains (src/report/sdtm.c) of a small study built
** through the store: an enrolled TACE patient whose second scan grows the
** only target lesion from 40 to 60 mm (+50 %, at least the 20 % of
** mRECIST progression: PD), a screen failure (HIV, an exclusion
** criterion) and a registered patient with nothing entered.  Checks: the
** column tables (names, labels, widths), one DM row a patient, ARMNRS, the
** PD scan's RS rows, study days from the treatment start with no day 0,
** --SEQ 1..n within USUBJID, ISO 8601 dates, a lenvatinib dosing period.
** The XPT files themselves are checked by tests/validation/cdisc.sh.
*/
#include "harness.h"

#include "db_harness.h"
#include "fixture.h"

#include "core/jsonx.h"
#include "db/db.h"
#include "report/export.h"
#include "report/frame.h"
#include "report/sdtm.h"
#include "store/patient.h"
#include "store/record.h"
#include "store/store.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct db *db;
static struct fixture fx;

/* Save a new record of patient code as site A's coordinator (takes
** data); false (message printed) when refused. */
static bool save(const char *code, const char *kind, json_t *data) {
  struct err e;
  struct record_save in = {0};
  int64_t id = 0;
  bool ok;
  err_clear(&e);
  in.code = code;
  in.kind = kind;
  in.data = data;
  ok = store_record_save(db, &fx.coord_a, &in, NULL, &id, &e) == APP_OK;
  if (!ok) {
    fprintf(stderr, "save %s %s: %s\n", code, kind, e.msg);
  }
  json_decref(data);
  return ok;
}

/* A screening record: eligible unless hiv. */
static json_t *screening(const char *date, int hiv) {
  return json_pack(
      "{s:s,s:i,s:s,s:b,s:b,s:{s:f,s:f,s:f,s:s,s:s},s:i,s:b,s:b,s:b,s:b,"
      "s:b,s:b,s:b,s:b,s:s,s:b,s:b}",
      "screening_date", date, "age", 60, "bclc", "C", "extrahepatic_metastasis",
      0, "treatment_naive", 1, "child_pugh", "bilirubin_umol_l", 15.0,
      "albumin_g_l", 40.0, "inr", 1.1, "ascites", "none", "encephalopathy",
      "none", "ecog", 0, "severe_organ_disease", 0, "decompensated_cirrhosis",
      0, "other_malignancy", 0, "recurrent_hcc", 0, "autoimmune_disease", 0,
      "hypersensitivity", 0, "hiv", hiv, "active_hepatitis", 0,
      "portal_vein_invasion", "vp2", "hepatic_vein_invasion", 0, "ivc_invasion",
      0);
}

/* The enrolled patient: TACE from 2026-02-05, baseline scan the day
** before (T1 40 mm), scans on 2026-04-01 (T1 38 mm) and 2026-05-27
** (T1 60 mm); the non-target lesion (PVTT) is not evaluated at the first
** scan. */
static void make_study(char codes[3][32]) {
  struct patient p;
  struct err e;
  int i;
  err_clear(&e);
  for (i = 0; i < 3; i++) {
    CHECK(store_patient_create(db, &fx.coord_a, NULL, &p, &e) == APP_OK);
    snprintf(codes[i], 32, "%s", p.code);
  }
  CHECK(save(codes[0], "screening", screening("2026-02-01", 0)));
  CHECK(save(codes[0], "enrolment",
             json_pack("{s:s,s:s,s:s}", "consent_date", "2026-02-02", "cohort",
                       "TACE", "treatment_start", "2026-02-05")));
  CHECK(save(codes[0], "baseline",
             json_pack("{s:i,s:s,s:s,s:s,s:i,s:f,s:f,s:f,s:s,s:s,s:i,s:f,"
                       "s:s,s:f,s:f}",
                       "age", 60, "sex", "male", "aetiology", "hbv", "bclc",
                       "C", "ecog", 0, "bilirubin_umol_l", 15.0, "albumin_g_l",
                       40.0, "inr", 1.0, "ascites", "none", "encephalopathy",
                       "none", "tumour_number", 1, "largest_diameter_mm", 40.0,
                       "portal_vein_invasion", "vp2", "weight_kg", 58.0,
                       "afp_ng_ml", 420.5)));
  CHECK(save(codes[0], "baseline_scan",
             json_pack("{s:s,s:s,s:[{s:s,s:s,s:f}],s:[{s:s,s:s}]}", "date",
                       "2026-02-04", "modality", "mri", "target", "id", "T1",
                       "organ", "liver", "viable_mm", 40.0, "nontarget", "id",
                       "PVTT", "kind", "pvtt")));
  CHECK(save(codes[0], "tace",
             json_pack("{s:s,s:s,s:f}", "date", "2026-02-05", "technique",
                       "ctace", "lipiodol_ml", 10.0)));
  CHECK(save(codes[0], "pd1_dose",
             json_pack("{s:s,s:s,s:f}", "date", "2026-02-05", "agent",
                       "tislelizumab", "dose_mg", 200.0)));
  CHECK(save(codes[0], "lenvatinib",
             json_pack("{s:s,s:s,s:f,s:s,s:i}", "date", "2026-02-05", "action",
                       "start", "dose_mg", 8.0, "schedule", "daily",
                       "reduction_level", 0)));
  CHECK(save(codes[0], "lenvatinib",
             json_pack("{s:s,s:s,s:f,s:s,s:i}", "date", "2026-03-01", "action",
                       "reduce", "dose_mg", 4.0, "schedule", "daily",
                       "reduction_level", 1)));
  CHECK(save(codes[0], "assessment",
             json_pack("{s:s,s:s,s:[{s:s,s:f}],s:[{s:s,s:s}]}", "date",
                       "2026-04-01", "modality", "mri", "target", "id", "T1",
                       "viable_mm", 38.0, "nontarget", "id", "PVTT", "status",
                       "not_evaluated")));
  CHECK(save(codes[0], "assessment",
             json_pack("{s:s,s:s,s:[{s:s,s:f}],s:[{s:s,s:s}]}", "date",
                       "2026-05-27", "modality", "mri", "target", "id", "T1",
                       "viable_mm", 60.0, "nontarget", "id", "PVTT", "status",
                       "present")));
  CHECK(save(codes[0], "adverse_event",
             json_pack("{s:s,s:i,s:s,s:b,s:s,s:s}", "term", "Fatigue", "grade",
                       2, "onset_date", "2026-02-04", "serious", 0, "action",
                       "none", "attribution_lenvatinib", "possible")));
  CHECK(save(codes[1], "screening", screening("2026-02-10", 1)));
}

/* The dataset of set s named name, or NULL. */
static const struct ds *find(const struct ds_set *s, const char *name) {
  int i;
  for (i = 0; i < s->n; i++) {
    if (strcmp(s->d[i].def->name, name) == 0) {
      return &s->d[i];
    }
  }
  return NULL;
}

/* The string of column name in row (NULL when no such column). */
static const char *str(const struct ds *d, int row, const char *name) {
  int c = ds_col_index(d->def, name);
  return c < 0 ? NULL : ds_get_str(d, row, c);
}

/* The number of column name in row (NAN when no such column). */
static double num(const struct ds *d, int row, const char *name) {
  int c = ds_col_index(d->def, name);
  return c < 0 ? NAN : ds_get_num(d, row, c);
}

/* Is s YYYY-MM-DD? */
static bool is_iso_date(const char *s) {
  int i;
  if (strlen(s) != 10) {
    return false;
  }
  for (i = 0; i < 10; i++) {
    if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i])) {
      return false;
    }
  }
  return true;
}

/* The column tables: XPORT v5 names, labels, widths. */
static void test_cols(const struct ds_set *s) {
  int i, c;
  for (i = 0; i < s->n; i++) {
    const struct ds_def *def = s->d[i].def;
    CHECK(strlen(def->name) <= 8 && strlen(def->label) <= 40);
    for (c = 0; c < def->ncols; c++) {
      const struct ds_col *col = &def->cols[c];
      const char *p;
      bool ok = strlen(col->name) <= 8 && col->name[0] != '\0';
      for (p = col->name; *p; p++) {
        ok = ok && (isupper((unsigned char)*p) || isdigit((unsigned char)*p));
      }
      if (!harness_check(ok && strlen(col->label) <= 40 && col->width > 0 &&
                             col->width <= 200 && col->core != NULL,
                         __FILE__, __LINE__, "column metadata")) {
        fprintf(stderr, "    %s.%s\n", def->name, col->name);
      }
    }
  }
}

/* Every --DY of every domain is never 0; every --DTC is a date; --SEQ is
** 1..n within USUBJID. */
static void test_rules(const struct ds_set *s) {
  int i, c, r, n_dy = 0, n_dtc = 0, bad_dy = 0, bad_dtc = 0, bad_seq = 0;
  for (i = 0; i < s->n; i++) {
    const struct ds *d = &s->d[i];
    char seq[16];
    int sc, uc = ds_col_index(d->def, "USUBJID");
    for (c = 0; c < d->def->ncols; c++) {
      const char *nm = d->def->cols[c].name;
      size_t l = strlen(nm);
      for (r = 0; r < d->n; r++) {
        if (l > 2 && strcmp(nm + l - 2, "DY") == 0 &&
            d->def->cols[c].type == DS_NUM && !isnan(ds_get_num(d, r, c))) {
          n_dy++;
          bad_dy += ds_get_num(d, r, c) == 0;
        }
        if (l > 3 && strcmp(nm + l - 3, "DTC") == 0 &&
            ds_get_str(d, r, c)[0] != '\0') {
          n_dtc++;
          bad_dtc += !is_iso_date(ds_get_str(d, r, c));
        }
      }
    }
    snprintf(seq, sizeof(seq), "%sSEQ", d->def->name);
    sc = ds_col_index(d->def, seq);
    for (r = 0; sc >= 0 && r < d->n; r++) {
      bool same =
          r > 0 && strcmp(ds_get_str(d, r, uc), ds_get_str(d, r - 1, uc)) == 0;
      double want = same ? ds_get_num(d, r - 1, sc) + 1 : 1;
      bad_seq += ds_get_num(d, r, sc) != want;
    }
  }
  CHECK(n_dy > 20);
  CHECK_INT_EQ(bad_dy, 0);
  CHECK(n_dtc > 30);
  CHECK_INT_EQ(bad_dtc, 0);
  CHECK_INT_EQ(bad_seq, 0);
}

static void test_values(const struct ds_set *s, char codes[3][32]) {
  const struct ds *dm = find(s, "DM"), *rs = find(s, "RS"), *tr = find(s, "TR"),
                  *ex = find(s, "EX"), *ae = find(s, "AE"), *ds = find(s, "DS"),
                  *lb = find(s, "LB");
  char u0[160];
  int r, n_pd = 0, n_ovr = 0, n_len = 0, n_tr = 0, n_ne = 0;
  snprintf(u0, sizeof(u0), "CHALLENGE-06-%s", codes[0]);
  CHECK(dm != NULL && rs != NULL && tr != NULL && ex != NULL && ae != NULL &&
        ds != NULL && lb != NULL);
  if (dm == NULL || rs == NULL || tr == NULL || ex == NULL || ae == NULL ||
      ds == NULL || lb == NULL) {
    return;
  }
  CHECK_INT_EQ(s->n, 14);
  CHECK_INT_EQ(dm->n, 3);
  CHECK_STR_EQ(str(dm, 0, "USUBJID"), u0);
  CHECK_STR_EQ(str(dm, 0, "ARMCD"), "TACE");
  CHECK_STR_EQ(str(dm, 0, "ACTARMCD"), "TACE");
  CHECK_STR_EQ(str(dm, 0, "RFSTDTC"), "2026-02-05");
  CHECK_STR_EQ(str(dm, 0, "RFICDTC"), "2026-02-02");
  CHECK_STR_EQ(str(dm, 0, "RFXSTDTC"), "2026-02-05");
  CHECK_STR_EQ(str(dm, 0, "SEX"), "M");
  CHECK_STR_EQ(str(dm, 0, "COUNTRY"), "CHN");
  CHECK_NEAR(num(dm, 0, "AGE"), 60, 0);
  CHECK_STR_EQ(str(dm, 1, "SUBJID"), codes[1]);
  CHECK_STR_EQ(str(dm, 1, "ARMCD"), "");
  CHECK_STR_EQ(str(dm, 1, "ARMNRS"), "SCREEN FAILURE");
  CHECK_STR_EQ(str(dm, 2, "ARMNRS"), "NOT ASSIGNED");
  for (r = 0; r < rs->n; r++) {
    if (strcmp(str(rs, r, "RSTESTCD"), "OVRLRESP") == 0) {
      n_ovr++;
      if (strcmp(str(rs, r, "RSDTC"), "2026-05-27") == 0) {
        n_pd++;
        CHECK_STR_EQ(str(rs, r, "RSORRES"), "PD");
        /* 2026-05-27 is day 112 of treatment from 2026-02-05 (day 1). */
        CHECK_NEAR(num(rs, r, "RSDY"), 112, 0);
        CHECK_STR_EQ(str(rs, r, "RSCAT"), "MRECIST");
        CHECK_STR_EQ(str(rs, r, "RSEVAL"), "INVESTIGATOR");
      }
    }
    if (strcmp(str(rs, r, "RSTESTCD"), "TRGRESP") == 0 &&
        strcmp(str(rs, r, "RSDTC"), "2026-05-27") == 0) {
      CHECK_STR_EQ(str(rs, r, "RSORRES"), "PD");
    }
    CHECK_STR_EQ(str(rs, r, "USUBJID"), u0);
  }
  CHECK_INT_EQ(n_ovr, 2);
  CHECK_INT_EQ(n_pd, 1);
  for (r = 0; r < tr->n; r++) {
    if (strcmp(str(tr, r, "TRTESTCD"), "LDIAM") == 0) {
      n_tr++;
      if (strcmp(str(tr, r, "TRDTC"), "2026-02-04") == 0) {
        /* The baseline scan, the day before day 1: day -1. */
        CHECK_NEAR(num(tr, r, "TRDY"), -1, 0);
        CHECK_NEAR(num(tr, r, "TRSTRESN"), 40, 0);
        CHECK_STR_EQ(str(tr, r, "TRLOBXFL"), "Y");
        CHECK_STR_EQ(str(tr, r, "TRORRESU"), "mm");
        CHECK_STR_EQ(str(tr, r, "TRLNKID"), "T1");
      }
    }
  }
  CHECK_INT_EQ(n_tr, 3);
  for (r = 0; r < tr->n; r++) {
    if (strcmp(str(tr, r, "TRTESTCD"), "TUMSTATE") == 0 &&
        strcmp(str(tr, r, "TRDTC"), "2026-04-01") == 0) {
      /* The non-target lesion not evaluated at the first scan. */
      n_ne++;
      CHECK_STR_EQ(str(tr, r, "TRSTAT"), "NOT DONE");
      CHECK_STR_EQ(str(tr, r, "TRORRES"), "");
      CHECK_STR_EQ(str(tr, r, "TRLNKID"), "PVTT");
    }
  }
  CHECK_INT_EQ(n_ne, 1);
  for (r = 0; r < ex->n; r++) {
    if (strcmp(str(ex, r, "EXTRT"), "LENVATINIB") == 0) {
      n_len++;
      if (strcmp(str(ex, r, "EXSTDTC"), "2026-02-05") == 0) {
        CHECK_NEAR(num(ex, r, "EXDOSE"), 8, 0);
        CHECK_STR_EQ(str(ex, r, "EXDOSFRQ"), "QD");
        /* The period ends the day before the reduction. */
        CHECK_STR_EQ(str(ex, r, "EXENDTC"), "2026-02-28");
        CHECK_NEAR(num(ex, r, "EXSTDY"), 1, 0);
        CHECK_NEAR(num(ex, r, "EXENDY"), 24, 0);
      }
    }
  }
  CHECK_INT_EQ(n_len, 2);
  CHECK_INT_EQ(ex->n, 4); /* TACE, PD-1, two lenvatinib periods */
  CHECK_INT_EQ(ae->n, 1);
  CHECK_STR_EQ(str(ae, 0, "AETOXGR"), "2");
  CHECK_STR_EQ(str(ae, 0, "AESER"), "N");
  CHECK_STR_EQ(str(ae, 0, "AEACN"), "DOSE NOT CHANGED");
  CHECK_STR_EQ(str(ae, 0, "AEREL"), "POSSIBLE");
  /* Onset the day before treatment start: day -1, never 0. */
  CHECK_NEAR(num(ae, 0, "AESTDY"), -1, 0);
  CHECK(ds->n >= 3);
  for (r = 0; r < lb->n; r++) {
    if (strcmp(str(lb, r, "LBTESTCD"), "AFP") == 0) {
      CHECK_NEAR(num(lb, r, "LBSTRESN"), 420.5, 0);
      CHECK_STR_EQ(str(lb, r, "LBSTRESU"), "ug/L");
      CHECK_STR_EQ(str(lb, r, "VISIT"), "BASELINE");
    }
  }
}

int main(void) {
  char path[512], codes[3][32];
  struct frame_source src;
  struct ds_set *set = calloc(1, sizeof(*set));
  struct err e;
  err_clear(&e);
  setenv("HCCSTUDY_FAKE_NOW", "2026-06-01T12:00:00Z", 1);
  if (set == NULL || harness_db_url("sdtm", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  if (db_open(path, &db, &e) != APP_OK) {
    fprintf(stderr, "%s\n", e.msg);
    return 1;
  }
  CHECK(fixture_study(db, &fx) == APP_OK);
  make_study(codes);
  CHECK(frame_source_open(db, &fx.dm, 0, &src, &e) == APP_OK);
  CHECK(sdtm_build(&src, set, &e) == APP_OK);
  test_cols(set);
  test_rules(set);
  test_values(set, codes);
  ds_set_free(set);
  free(set);
  CHECK_INT_EQ(db_open_statements(db), 0);
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
