/*
** test_adam.c: the ADaM datasets (src/report/adam.c) and define.xml
** (src/report/define.c) on a small study entered through the store: a
** TACE patient with a confirmed PR censored for PFS at the last adequate
** scan before a new antitumor therapy, a HAIC patient who progresses and
** dies, and a screened patient with nothing entered.  The expected values
** are worked out by hand from the protocol's rules (docs/adam.md):
** days = date - treatment start, CNSR 1 censored, SAS dates from
** 1960-01-01.  Also the column tables' limits (names <= 8 upper case,
** labels <= 40) and define.xml's structure for an empty SDTM set.
*/
#include "harness.h"

#include "db_harness.h"
#include "fixture.h"

#include "core/buf.h"
#include "core/date.h"
#include "report/adam.h"
#include "report/define.h"
#include "report/frame.h"
#include "store/patient.h"
#include "store/record.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct db *db;
static struct fixture fx;

/* Save a record of patient code as site A's coordinator (takes data). */
static void save(const char *code, const char *kind, json_t *data) {
  struct err e;
  struct record_save in = {0};
  int64_t id = 0;
  err_clear(&e);
  in.code = code;
  in.kind = kind;
  in.data = data;
  if (store_record_save(db, &fx.coord_a, &in, NULL, &id, &e) != APP_OK) {
    fprintf(stderr, "save %s %s: %s\n", code, kind, e.msg);
  }
  CHECK(id > 0);
  json_decref(data);
}

/* An eligible screening record dated 2026-02-01. */
static json_t *screening(void) {
  return json_pack(
      "{s:s,s:i,s:s,s:b,s:b,s:{s:f,s:f,s:f,s:s,s:s},s:i,s:b,s:b,s:b,s:b,"
      "s:b,s:b,s:b,s:b,s:s,s:b,s:b}",
      "screening_date", "2026-02-01", "age", 60, "bclc", "C",
      "extrahepatic_metastasis", 0, "treatment_naive", 1, "child_pugh",
      "bilirubin_umol_l", 15.0, "albumin_g_l", 40.0, "inr", 1.1, "ascites",
      "none", "encephalopathy", "none", "ecog", 0, "severe_organ_disease", 0,
      "decompensated_cirrhosis", 0, "other_malignancy", 0, "recurrent_hcc", 0,
      "autoimmune_disease", 0, "hypersensitivity", 0, "hiv", 0,
      "active_hepatitis", 0, "portal_vein_invasion", "vp2",
      "hepatic_vein_invasion", 0, "ivc_invasion", 0);
}

/* A patient enrolled in cohort, treatment start 2026-02-05, with baseline
** and a baseline scan of one 50 mm target lesion. */
static void enrol(const char *code, const char *cohort, const char *sex) {
  save(code, "screening", screening());
  save(code, "enrolment",
       json_pack("{s:s,s:s,s:s}", "consent_date", "2026-02-02", "cohort",
                 cohort, "treatment_start", "2026-02-05"));
  save(code, "baseline",
       json_pack("{s:i,s:s,s:s,s:s,s:i,s:f,s:f,s:f,s:s,s:s,s:i,s:f,s:f,s:s,"
                 "s:f}",
                 "age", 61, "sex", sex, "aetiology", "hbv", "bclc", "C", "ecog",
                 1, "bilirubin_umol_l", 15.0, "albumin_g_l", 40.0, "inr", 1.0,
                 "ascites", "none", "encephalopathy", "none", "tumour_number",
                 1, "largest_diameter_mm", 50.0, "afp_ng_ml", 120.5,
                 "portal_vein_invasion", "vp2", "weight_kg", 70.0));
  save(code, "baseline_scan",
       json_pack("{s:s,s:s,s:[{s:s,s:s,s:f}]}", "date", "2026-02-01",
                 "modality", "mri", "target", "id", "T1", "organ", "liver",
                 "viable_mm", 50.0));
}

/* A follow-up scan of T1 at viable diameter mm. */
static json_t *scan(const char *date, double mm) {
  return json_pack("{s:s,s:s,s:[{s:s,s:f}]}", "date", date, "modality", "mri",
                   "target", "id", "T1", "viable_mm", mm);
}

/* The row of dataset d whose USUBJID is u and (when paramcd is not NULL)
** whose PARAMCD is paramcd; -1 when none.  *count gets how many match. */
static int find(const struct ds *d, const char *u, const char *paramcd,
                int *count) {
  int ui = ds_col_index(d->def, "USUBJID");
  int pi = ds_col_index(d->def, "PARAMCD");
  int i, row = -1, n = 0;
  for (i = 0; i < d->n; i++) {
    if (strcmp(ds_get_str(d, i, ui), u) == 0 &&
        (paramcd == NULL || strcmp(ds_get_str(d, i, pi), paramcd) == 0)) {
      n += 1;
      row = row < 0 ? i : row;
    }
  }
  if (count != NULL) {
    *count = n;
  }
  return row;
}

/* Value of column name at row of d. */
static double num(const struct ds *d, int row, const char *name) {
  return ds_get_num(d, row, ds_col_index(d->def, name));
}
static const char *str(const struct ds *d, int row, const char *name) {
  return ds_get_str(d, row, ds_col_index(d->def, name));
}

/* The SAS date of y-m-d (days since 1960-01-01). */
static double sas(int y, int m, int d) {
  return (double)(date_from_ymd(y, m, d) - date_from_ymd(1960, 1, 1));
}

/* The column tables obey XPORT v5 and ADaM limits. */
static void test_tables(void) {
  int i, c;
  for (i = 0; i < ADAM_N_DATASETS; i++) {
    const struct ds_def *def = adam_defs[i];
    CHECK(strlen(def->name) <= 8 && strlen(def->label) <= 40);
    for (c = 0; c < def->ncols; c++) {
      const struct ds_col *k = &def->cols[c];
      const char *p;
      bool ok = strlen(k->name) <= 8 && k->name[0] != '\0';
      for (p = k->name; *p; p++) {
        ok = ok && (isupper((unsigned char)*p) || isdigit((unsigned char)*p));
      }
      CHECK(ok);
      CHECK(strlen(k->label) <= 40);
      CHECK(k->core != NULL &&
            (strcmp(k->core, "Req") == 0 || strcmp(k->core, "Exp") == 0 ||
             strcmp(k->core, "Perm") == 0));
      CHECK(k->type == DS_NUM || (k->width > 0 && k->width <= 200));
      CHECK(ds_col_index(def, k->name) == c); /* no name twice */
    }
  }
}

static void test_datasets(void) {
  struct frame_source src;
  struct protocol proto;
  struct ds_set set;
  struct frame f;
  struct patient p;
  struct err e;
  struct buf b;
  const struct ds *adsl, *adrs, *adtte;
  const char *u1 = "CHALLENGE-06-SA-0001", *u2 = "CHALLENGE-06-SA-0002";
  const char *u3 = "CHALLENGE-06-SA-0003";
  int r, n, i, k;
  err_clear(&e);
  for (i = 0; i < 3; i++) {
    CHECK(store_patient_create(db, &fx.coord_a, NULL, &p, &e) == APP_OK);
  }
  /* SA-0001, TACE: PR on 2026-04-02 (-60 %), confirmed 2026-05-28, a new
  ** therapy on 2026-06-15: PFS censored at the last adequate scan before
  ** it, 2026-05-28, day 112; alive at the last contact 2026-07-01. */
  enrol("SA-0001", "TACE", "female");
  save("SA-0001", "pd1_dose",
       json_pack("{s:s,s:s,s:f}", "date", "2026-02-05", "agent", "tislelizumab",
                 "dose_mg", 200.0));
  save("SA-0001", "tace",
       json_pack("{s:s,s:s}", "date", "2026-02-06", "technique", "ctace"));
  save("SA-0001", "assessment", scan("2026-04-02", 20.0));
  save("SA-0001", "assessment", scan("2026-05-28", 18.0));
  save("SA-0001", "new_therapy",
       json_pack("{s:s,s:s}", "date", "2026-06-15", "type", "ablation"));
  save("SA-0001", "survival_contact",
       json_pack("{s:s,s:s}", "date", "2026-07-01", "status", "alive"));
  /* SA-0002, HAIC: PD on 2026-04-02 (+40 %), day 56; death on 2026-05-01,
  ** day 85. */
  enrol("SA-0002", "HAIC", "male");
  save("SA-0002", "haic",
       json_pack("{s:s,s:s}", "date", "2026-02-05", "regimen", "folfox"));
  save("SA-0002", "assessment", scan("2026-04-02", 70.0));
  save("SA-0002", "death",
       json_pack("{s:s,s:s}", "date", "2026-05-01", "cause",
                 "disease_progression"));
  save("SA-0002", "end_of_study",
       json_pack("{s:s,s:s}", "date", "2026-05-01", "reason", "death"));

  CHECK(frame_source_open(db, &fx.stat, 0, &src, &e) == APP_OK);
  memset(&set, 0, sizeof(set));
  CHECK_INT_EQ(adam_build(&src, &set, &e), APP_OK);
  CHECK_INT_EQ(set.n, 3);
  if (set.n != 3) {
    return;
  }
  adsl = &set.d[0];
  adrs = &set.d[1];
  adtte = &set.d[2];
  CHECK_STR_EQ(adsl->def->name, "ADSL");
  CHECK_STR_EQ(adrs->def->name, "ADRS");
  CHECK_STR_EQ(adtte->def->name, "ADTTE");
  CHECK_INT_EQ(adsl->n, 3);

  /* ADSL. */
  r = find(adsl, u1, NULL, &n);
  CHECK(r >= 0 && n == 1);
  CHECK_STR_EQ(str(adsl, r, "ARMCD"), "TACE");
  CHECK(store_protocol(db, &proto, &e) == APP_OK);
  CHECK_STR_EQ(proto.cohorts[0].id, "TACE");
  CHECK_STR_EQ(str(adsl, r, "ARM"), proto.cohorts[0].label);
  CHECK_STR_EQ(str(adsl, r, "ACTARM"), proto.cohorts[0].label);
  CHECK(strlen(proto.cohorts[0].label) > 4);
  CHECK_STR_EQ(str(adsl, r, "TRT01P"), "TACE + PD-1 + LENVATINIB");
  CHECK_STR_EQ(str(adsl, r, "TRT01A"), "TACE + PD-1 + LENVATINIB");
  CHECK(num(adsl, r, "TRT01PN") == 2);
  CHECK_STR_EQ(str(adsl, r, "SEX"), "F");
  CHECK(num(adsl, r, "AGE") == 61);
  CHECK_STR_EQ(str(adsl, r, "AGEU"), "YEARS");
  CHECK(num(adsl, r, "TRTSDT") == sas(2026, 2, 5));
  CHECK(num(adsl, r, "TRTEDT") == sas(2026, 2, 6));
  CHECK_STR_EQ(str(adsl, r, "ENRLFL"), "Y");
  CHECK_STR_EQ(str(adsl, r, "SAFFL"), "Y");
  CHECK_STR_EQ(str(adsl, r, "ANLPOPFL"), "Y");
  CHECK_STR_EQ(str(adsl, r, "BOR"), "PR");
  CHECK_STR_EQ(str(adsl, r, "EOSSTT"), "ONGOING");
  CHECK_STR_EQ(str(adsl, r, "DTHFL"), "");
  CHECK(isnan(num(adsl, r, "DTHDT")));
  CHECK(num(adsl, r, "LSTALVDT") == sas(2026, 7, 1));
  CHECK(num(adsl, r, "AFPBL") == 120.5);
  CHECK_STR_EQ(str(adsl, r, "PVIBL"), "vp2");
  r = find(adsl, u2, NULL, NULL);
  CHECK_STR_EQ(str(adsl, r, "ARMCD"), "HAIC");
  CHECK(num(adsl, r, "TRT01PN") == 1);
  CHECK_STR_EQ(str(adsl, r, "DTHFL"), "Y");
  CHECK(num(adsl, r, "DTHDT") == sas(2026, 5, 1));
  CHECK_STR_EQ(str(adsl, r, "EOSSTT"), "DISCONTINUED");
  CHECK_STR_EQ(str(adsl, r, "DCSREAS"), "DEATH");
  CHECK(num(adsl, r, "EOSDT") == sas(2026, 5, 1));
  CHECK(num(adsl, r, "LSTALVDT") == sas(2026, 4, 2)); /* last scan */
  CHECK_STR_EQ(str(adsl, r, "BOR"), "PD");
  r = find(adsl, u3, NULL, NULL);
  CHECK(r >= 0);
  CHECK_STR_EQ(str(adsl, r, "ARM"), "");
  CHECK_STR_EQ(str(adsl, r, "ARMCD"), "");
  CHECK_STR_EQ(str(adsl, r, "SEX"), "U");
  CHECK_STR_EQ(str(adsl, r, "TRT01P"), "");
  CHECK_STR_EQ(str(adsl, r, "ENRLFL"), "N");
  CHECK_STR_EQ(str(adsl, r, "ANLPOPFL"), "N");
  CHECK(isnan(num(adsl, r, "TRTSDT")) && isnan(num(adsl, r, "AGE")));
  CHECK_STR_EQ(str(adsl, r, "AGEU"), "");

  /* ADTTE: one PFS and one OS row each enrolled patient, none for the
  ** screened one. */
  CHECK_INT_EQ(adtte->n, 4);
  find(adtte, u3, NULL, &n);
  CHECK_INT_EQ(n, 0);
  r = find(adtte, u1, "PFS", &n);
  CHECK(r >= 0 && n == 1);
  CHECK(num(adtte, r, "AVAL") == 112);
  CHECK(num(adtte, r, "CNSR") == 1);
  CHECK_STR_EQ(str(adtte, r, "CNSDTDSC"), "new antitumor therapy");
  CHECK_STR_EQ(str(adtte, r, "EVNTDESC"),
               "LAST ADEQUATE ASSESSMENT BEFORE NEW THERAPY");
  CHECK(num(adtte, r, "ADT") == sas(2026, 5, 28));
  CHECK(num(adtte, r, "STARTDT") == sas(2026, 2, 5));
  CHECK_STR_EQ(str(adtte, r, "AVALU"), "DAYS");
  CHECK_STR_EQ(str(adtte, r, "SRCDOM"), "ADRS");
  r = find(adtte, u1, "OS", NULL);
  CHECK(num(adtte, r, "CNSR") == 1);
  CHECK(num(adtte, r, "AVAL") == 146); /* 2026-07-01 */
  CHECK_STR_EQ(str(adtte, r, "CNSDTDSC"), "alive at last contact");
  CHECK_STR_EQ(str(adtte, r, "SRCVAR"), "LSTALVDT");
  r = find(adtte, u2, "PFS", NULL);
  CHECK(num(adtte, r, "AVAL") == 56);
  CHECK(num(adtte, r, "CNSR") == 0);
  CHECK_STR_EQ(str(adtte, r, "EVNTDESC"), "DISEASE PROGRESSION");
  CHECK_STR_EQ(str(adtte, r, "CNSDTDSC"), "");
  CHECK_STR_EQ(str(adtte, r, "TRTP"), "HAIC + PD-1 + LENVATINIB");
  r = find(adtte, u2, "OS", NULL);
  CHECK(num(adtte, r, "AVAL") == 85);
  CHECK(num(adtte, r, "CNSR") == 0);
  CHECK_STR_EQ(str(adtte, r, "EVNTDESC"), "DEATH");
  CHECK_STR_EQ(str(adtte, r, "SRCVAR"), "DTHDT");

  /* ADTTE AVAL equals the frame's pfs_days / os_days, CNSR its events. */
  CHECK(frame_load_from(&src, FRAME_ALL, &f, &e) == APP_OK);
  for (i = 0; i < f.n; i++) {
    char u[96];
    double x;
    frame_value(&f, &f.p[i], 1, &x, u, sizeof(u));
    for (k = 0; k < 2; k++) {
      bool has = k == 0 ? f.p[i].has_pfs : f.p[i].has_os;
      r = find(adtte, u, k == 0 ? "PFS" : "OS", &n);
      CHECK_INT_EQ(n, has ? 1 : 0);
      if (has && r >= 0) {
        CHECK(num(adtte, r, "AVAL") ==
              (k == 0 ? f.p[i].pfs_days : f.p[i].os_days));
        CHECK(num(adtte, r, "CNSR") ==
              ((k == 0 ? f.p[i].pfs_event : f.p[i].os_event) ? 0 : 1));
      }
    }
  }
  frame_free(&f);

  /* ADRS: two OVR rows and one BOR row for SA-0001, one OVR and one BOR
  ** for SA-0002, none for SA-0003. */
  find(adrs, u1, "OVR", &n);
  CHECK_INT_EQ(n, 2);
  r = find(adrs, u1, "BOR", &n);
  CHECK(r >= 0 && n == 1);
  CHECK_STR_EQ(str(adrs, r, "AVALC"), "PR");
  CHECK(num(adrs, r, "AVAL") == 2);
  CHECK(num(adrs, r, "ADT") == sas(2026, 4, 2));
  CHECK(num(adrs, r, "ADY") == 57);
  CHECK_STR_EQ(str(adrs, r, "PARCAT1"), "MRECIST");
  CHECK(strstr(str(adrs, r, "PARAM"), "Confirmed") != NULL);
  r = find(adrs, u1, "OVR", NULL);
  CHECK_STR_EQ(str(adrs, r, "AVALC"), "PR");
  CHECK(num(adrs, r, "ASEQ") == 1);
  CHECK_STR_EQ(str(adrs, r, "ANL01FL"), "Y");
  r = find(adrs, u2, "BOR", &n);
  CHECK(r >= 0 && n == 1);
  CHECK_STR_EQ(str(adrs, r, "AVALC"), "PD");
  CHECK(num(adrs, r, "AVAL") == 5);
  find(adrs, u3, NULL, &n);
  CHECK_INT_EQ(n, 0);

  /* define.xml with an empty SDTM set: the ADaM datasets, escaped. */
  {
    struct ds_set empty;
    memset(&empty, 0, sizeof(empty));
    buf_init(&b, 0);
    CHECK_INT_EQ(define_xml(&src, &empty, &set, &b, &e), APP_OK);
    CHECK(strstr(buf_str(&b), "xmlns:def=\"http://www.cdisc.org/ns/def/"
                              "v2.0\"") != NULL);
    CHECK(strstr(buf_str(&b), "def:DefineVersion=\"2.0.0\"") != NULL);
    CHECK(strstr(buf_str(&b), "<ItemGroupDef OID=\"IG.ADTTE\"") != NULL);
    CHECK(strstr(buf_str(&b), "Purpose=\"Tabulation\"") == NULL);
    CHECK(strstr(buf_str(&b), "<ItemRef ItemOID=\"IT.ADTTE.PARAMCD\" "
                              "OrderNumber=\"10\" Mandatory=\"Yes\" "
                              "KeySequence=\"3\"") != NULL);
    CHECK(strstr(buf_str(&b), "<ItemDef OID=\"IT.ADTTE.CNSDTDSC\"") != NULL);
    CHECK(strstr(buf_str(&b), "def:DisplayFormat=\"DATE9.\"") != NULL);
    CHECK(strstr(buf_str(&b), "<EnumeratedItem CodedValue=\"PR\"") != NULL);
    CHECK(strstr(buf_str(&b), "xlink:href=\"adtte.xpt\"") != NULL);
    CHECK(strstr(buf_str(&b), src.chain_hash) != NULL);
    /* "(1 censored, 0 event)" and "ng/mL" need no escaping, "&" does:
    ** none is raw. */
    CHECK(strstr(buf_str(&b), "& ") == NULL);
    buf_reset(&b);
  }
  ds_set_free(&set);
}

/* define.xml escapes every text: a tabulation dataset whose label, source
** and coded value hold XML's special characters and ill-formed UTF-8. */
static void test_define_escaping(void) {
  static const struct ds_col cols[] = {
      {"STUDYID", "Study <Identifier>", DS_STR, 12, 0, "a & b", NULL, "Req"},
      {"XXTEST", "Quote \" and apostrophe '", DS_STR, 20, 0, "derived x", "T&C",
       "Perm"},
  };
  static const struct ds_def def = {
      "XX",      "Tests & <more>", "FINDINGS", "One record per test",
      "STUDYID", "SDTMIG 3.4",     2,          cols};
  struct frame_source src;
  struct ds_set sdtm, adam;
  struct buf b;
  struct err e;
  const char *x;
  memset(&src, 0, sizeof(src));
  memset(&sdtm, 0, sizeof(sdtm));
  memset(&adam, 0, sizeof(adam));
  snprintf(src.study_id, sizeof(src.study_id), "S&1");
  snprintf(src.created_utc, sizeof(src.created_utc), "2026-08-01T00:00:00Z");
  err_clear(&e);
  buf_init(&b, 0);
  /* Both sets empty: a document with no dataset, no crash. */
  CHECK_INT_EQ(define_xml(&src, &sdtm, &adam, &b, &e), APP_OK);
  CHECK(strstr(buf_str(&b), "<ItemGroupDef") == NULL);
  CHECK(strstr(buf_str(&b), "def:StandardName=\"SDTM-IG\"") != NULL);
  buf_reset(&b);
  ds_init(&sdtm.d[0], &def);
  sdtm.n = 1;
  ds_add_row(&sdtm.d[0]);
  ds_str(&sdtm.d[0], 0, "XXTEST", "a<b&\"c\xff");
  CHECK_INT_EQ(define_xml(&src, &sdtm, &adam, &b, &e), APP_OK);
  x = buf_str(&b);
  CHECK(strstr(x, "Purpose=\"Tabulation\"") != NULL);
  CHECK(strstr(x, "Domain=\"XX\"") != NULL);
  CHECK(strstr(x, "Tests &amp; &lt;more&gt;") != NULL);
  CHECK(strstr(x, "Study &lt;Identifier&gt;") != NULL);
  CHECK(strstr(x, "Quote &quot; and apostrophe &apos;") != NULL);
  CHECK(strstr(x, "Name=\"T&amp;C\"") != NULL);
  CHECK(strstr(x, "CodedValue=\"a&lt;b&amp;&quot;c\xef\xbf\xbd\"") != NULL);
  CHECK(strstr(x, "<StudyName>S&amp;1</StudyName>") != NULL);
  CHECK(strstr(x, "\xff") == NULL);
  CHECK(strstr(x, "<CodeListRef CodeListOID=\"CL.T.C\"/>") != NULL);
  CHECK(strstr(x, "<CodeList OID=\"CL.T.C\"") != NULL);
  CHECK(strstr(x, "<def:Origin Type=\"Derived\">") != NULL);
  CHECK(strstr(x, "<def:Origin Type=\"CRF\">") != NULL);
  buf_reset(&b);
  ds_set_free(&sdtm);
}

int main(void) {
  char path[512];
  struct err e;
  err_clear(&e);
  setenv("HCCSTUDY_FAKE_NOW", "2026-08-01T12:00:00Z", 1);
  test_tables();
  test_define_escaping();
  if (harness_db_url("adam", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  if (db_open(path, &db, &e) != APP_OK) {
    fprintf(stderr, "%s\n", e.msg);
    return 1;
  }
  CHECK(fixture_study(db, &fx) == APP_OK);
  test_datasets();
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
