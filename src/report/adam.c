/*
** adam.c: the ADaM datasets (see adam.h and docs/adam.md): ADSL, ADRS and
** ADTTE, ADaM IG 1.3.
**
** Why: a statistician fits the protocol's analyses from ADaM directly
** (survival::coxph(Surv(AVAL, 1 - CNSR) ~ TRTP) on ADTTE), so every value
** must be the one the analysis routes use.  Invariants: the casebooks are
** read once, with the patient-level frame (frame_load_each); the frame's
** values (covariates, PFS/OS days and events, best overall response, the
** analysis population) are copied, never derived again, and the derived
** endpoints' dates and censoring reasons come from the same casebook
** (derived.endpoints); dates are numeric SAS dates (days since 1960-01-01)
** shown as DATE9.; a missing value is NAN or "".  Workload: one pass over
** a study of a few thousand patients, three datasets in memory.
*/
#include "adam.h"

#include "../core/date.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Widths of the identifiers (frame.c: each member fits its column). */
#define AD_W_STUDYID 31
#define AD_W_SUBJID 31
#define AD_W_SITEID 15
#define AD_W_USUBJID (AD_W_STUDYID + 1 + AD_W_SITEID + 1 + AD_W_SUBJID)
/* Treatment descriptions ("TACE + PD-1 + LENVATINIB"). */
#define AD_W_TRT 40
/* Arm descriptions: the protocol's cohort labels (struct cohort.label). */
#define AD_W_ARM 95
static_assert(sizeof(((struct cohort *)0)->label) == AD_W_ARM + 1,
              "ARM holds a cohort label");

/* A column of one of the tables below (initialiser shorthand). */
#define AD_C(name, label, w, src, cl, core)                                    \
  { name, label, DS_STR, w, 0, src, cl, core }
#define AD_N(name, label, w, d, src, cl, core)                                 \
  { name, label, DS_NUM, w, d, src, cl, core }
/* A numeric SAS date, shown as DATE9. (dataset.h DS_DATE9). */
#define AD_DATE(name, label, src, core)                                        \
  { name, label, DS_NUM, 9, DS_DATE9, src, NULL, core }

static const struct ds_col adsl_cols[] = {
    AD_C("STUDYID", "Study Identifier", AD_W_STUDYID, "protocol study_id", NULL,
         "Req"),
    AD_C("USUBJID", "Unique Subject Identifier", AD_W_USUBJID,
         "STUDYID-SUBJID (STUDYID-SITEID-SUBJID when the code does not "
         "start with SITEID-)",
         NULL, "Req"),
    AD_C("SUBJID", "Subject Identifier for the Study", AD_W_SUBJID,
         "patient.code", NULL, "Req"),
    AD_C("SITEID", "Study Site Identifier", AD_W_SITEID, "patient.site", NULL,
         "Req"),
    AD_N("AGE", "Age", 8, 0, "baseline.age (screening.age without one)", NULL,
         "Req"),
    AD_C("AGEU", "Age Units", 5, "assigned: YEARS when AGE is present", "AGEU",
         "Req"),
    AD_C("SEX", "Sex", 1, "baseline.sex (male M, female F, else U)", "SEX",
         "Req"),
    AD_C("ARM", "Description of Planned Arm", AD_W_ARM,
         "protocol cohort label (as DM.ARM)", NULL, "Req"),
    AD_C("ARMCD", "Planned Arm Code", 8, "patient.cohort", NULL, "Perm"),
    AD_C("ACTARM", "Description of Actual Arm", AD_W_ARM,
         "derived: ARM when a dosing record exists (as DM.ACTARM)", NULL,
         "Req"),
    AD_C("ACTARMCD", "Actual Arm Code", 8,
         "derived: ARMCD when a dosing record exists", NULL, "Perm"),
    AD_C("TRT01P", "Planned Treatment for Period 01", AD_W_TRT,
         "derived: the cohort's treatment, COHORT + PD-1 + LENVATINIB", NULL,
         "Req"),
    AD_N("TRT01PN", "Planned Treatment for Period 01 (N)", 8, 0,
         "1 HAIC, 2 TACE", NULL, "Perm"),
    AD_C("TRT01A", "Actual Treatment for Period 01", AD_W_TRT,
         "derived: TRT01P when a dosing record exists", NULL, "Exp"),
    AD_N("TRT01AN", "Actual Treatment for Period 01 (N)", 8, 0,
         "1 HAIC, 2 TACE", NULL, "Perm"),
    AD_DATE("TRTSDT", "Date of First Exposure to Treatment",
            "enrolment.treatment_start (protocol day 1)", "Exp"),
    AD_DATE("TRTEDT", "Date of Last Exposure to Treatment",
            "latest date of pd1_dose, lenvatinib, tace, haic", "Exp"),
    AD_C("ENRLFL", "Enrolled Population Flag", 1,
         "derived: Y when the patient has a cohort", "NY", "Exp"),
    AD_C("SAFFL", "Safety Population Flag", 1,
         "derived: Y when a dosing record exists", "NY", "Exp"),
    AD_C("ANLPOPFL", "Analysis Population Flag", 1,
         "protocol enrolment.analysis_population (the analysis routes')", "NY",
         "Exp"),
    AD_C("PTSTAT", "Patient Status in the EDC", 15, "patient.status", NULL,
         "Perm"),
    AD_N("ECOGBL", "Baseline ECOG Performance Status", 8, 0, "baseline.ecog",
         NULL, "Perm"),
    AD_N("CPSCBL", "Baseline Child-Pugh Score", 8, 0,
         "derived.eligibility.child_pugh_score", NULL, "Perm"),
    AD_C("CPCLSBL", "Baseline Child-Pugh Class", 1,
         "derived.eligibility.child_pugh_class", NULL, "Perm"),
    AD_N("ALBIBL", "Baseline ALBI Score", 16, -1,
         "derived.eligibility.albi_score", NULL, "Perm"),
    AD_C("BCLCBL", "Baseline BCLC Stage", 1, "baseline.bclc", NULL, "Perm"),
    AD_N("TUMNUMBL", "Baseline Number of Tumours", 8, 0,
         "baseline.tumour_number", NULL, "Perm"),
    AD_N("TUMDIABL", "Baseline Largest Tumour Diameter (mm)", 8, 1,
         "baseline.largest_diameter_mm", NULL, "Perm"),
    AD_N("AFPBL", "Baseline AFP (ng/mL)", 12, -1, "baseline.afp_ng_ml", NULL,
         "Perm"),
    AD_C("PVIBL", "Baseline Portal Vein Invasion", 15,
         "baseline.portal_vein_invasion", NULL, "Perm"),
    AD_C("DTHFL", "Subject Death Flag", 1, "Y when a death record exists", "NY",
         "Exp"),
    AD_DATE("DTHDT", "Date of Death", "death.date", "Exp"),
    AD_C("EOSSTT", "End of Study Status", 12,
         "end_of_study.reason: COMPLETED, DISCONTINUED; ONGOING when "
         "enrolled without one",
         "EOSSTT", "Exp"),
    AD_DATE("EOSDT", "End of Study Date", "end_of_study.date", "Perm"),
    AD_C("DCSREAS", "Reason for Discontinuation from Study", 40,
         "end_of_study.reason (not completed)", "NCOMPLT", "Perm"),
    AD_DATE("LSTALVDT", "Date Last Known Alive",
            "derived.endpoints.os.date when censored; else the latest "
            "record date before death",
            "Exp"),
    AD_C("BOR", "Best Overall Response (mRECIST)", 13,
         "derived.endpoints.best_overall_response", "MRECIST", "Perm"),
    AD_N("PFSDY", "PFS Time (days from treatment start)", 8, 0,
         "derived.endpoints.pfs.days (= ADTTE AVAL, PARAMCD PFS)", NULL,
         "Perm"),
    AD_N("PFSCNSR", "PFS Censoring (1 censored, 0 event)", 8, 0,
         "derived.endpoints.pfs.event (false 1, true 0)", NULL, "Perm"),
    AD_N("OSDY", "OS Time (days from treatment start)", 8, 0,
         "derived.endpoints.os.days (= ADTTE AVAL, PARAMCD OS)", NULL, "Perm"),
    AD_N("OSCNSR", "OS Censoring (1 censored, 0 event)", 8, 0,
         "derived.endpoints.os.event (false 1, true 0)", NULL, "Perm"),
    AD_N("AEWORST", "Worst CTCAE Grade of AEs (0 none)", 8, 0,
         "largest adverse_event.grade", NULL, "Perm"),
};

static const struct ds_col adrs_cols[] = {
    AD_C("STUDYID", "Study Identifier", AD_W_STUDYID, "ADSL.STUDYID", NULL,
         "Req"),
    AD_C("USUBJID", "Unique Subject Identifier", AD_W_USUBJID, "ADSL.USUBJID",
         NULL, "Req"),
    AD_C("SITEID", "Study Site Identifier", AD_W_SITEID, "ADSL.SITEID", NULL,
         "Perm"),
    AD_N("ASEQ", "Analysis Sequence Number", 8, 0,
         "derived: 1, 2, ... within USUBJID", NULL, "Perm"),
    AD_C("TRTP", "Planned Treatment", AD_W_TRT, "ADSL.TRT01P", NULL, "Exp"),
    AD_N("TRTPN", "Planned Treatment (N)", 8, 0, "ADSL.TRT01PN", NULL, "Perm"),
    AD_C("TRTA", "Actual Treatment", AD_W_TRT, "ADSL.TRT01A", NULL, "Exp"),
    AD_N("TRTAN", "Actual Treatment (N)", 8, 0, "ADSL.TRT01AN", NULL, "Perm"),
    AD_C("ANLPOPFL", "Analysis Population Flag", 1, "ADSL.ANLPOPFL", "NY",
         "Perm"),
    AD_C("PARAMCD", "Parameter Code", 8, "assigned: OVR, BOR", "RSPARMCD",
         "Req"),
    AD_C("PARAM", "Parameter", 60, "assigned", NULL, "Req"),
    AD_N("PARAMN", "Parameter (N)", 8, 0, "assigned: OVR 1, BOR 2", NULL,
         "Perm"),
    AD_C("PARCAT1", "Parameter Category 1", 8, "assigned: MRECIST", NULL,
         "Perm"),
    AD_C("AVALC", "Analysis Value (C)", 13,
         "OVR: derived.response.timepoints[].overall; BOR: "
         "derived.endpoints.best_overall_response",
         "MRECIST", "Exp"),
    AD_N("AVAL", "Analysis Value", 8, 0,
         "derived: CR 1, PR 2, SD 3, PD 5, NE 6 (admiralonco order)", NULL,
         "Exp"),
    AD_DATE("ADT", "Analysis Date",
            "OVR: the scan date; BOR: the first scan with that response",
            "Exp"),
    AD_N("ADY", "Analysis Relative Day", 8, 0,
         "derived: ADT - ADSL.TRTSDT (+1 on or after it)", NULL, "Perm"),
    AD_C("AVISIT", "Analysis Visit", 20,
         "derived.schedule assessment n done on ADT: ASSESSMENT n, else "
         "UNSCHEDULED; empty for BOR",
         NULL, "Perm"),
    AD_N("AVISITN", "Analysis Visit (N)", 8, 0, "derived.schedule number", NULL,
         "Perm"),
    AD_C("ANL01FL", "Analysis Flag 01", 1,
         "derived: Y, one record per subject, parameter and date", "NY",
         "Perm"),
};

static const struct ds_col adtte_cols[] = {
    AD_C("STUDYID", "Study Identifier", AD_W_STUDYID, "ADSL.STUDYID", NULL,
         "Req"),
    AD_C("USUBJID", "Unique Subject Identifier", AD_W_USUBJID, "ADSL.USUBJID",
         NULL, "Req"),
    AD_C("SITEID", "Study Site Identifier", AD_W_SITEID, "ADSL.SITEID", NULL,
         "Perm"),
    AD_C("TRTP", "Planned Treatment", AD_W_TRT, "ADSL.TRT01P", NULL, "Exp"),
    AD_N("TRTPN", "Planned Treatment (N)", 8, 0, "ADSL.TRT01PN", NULL, "Perm"),
    AD_C("TRTA", "Actual Treatment", AD_W_TRT, "ADSL.TRT01A", NULL, "Exp"),
    AD_N("TRTAN", "Actual Treatment (N)", 8, 0, "ADSL.TRT01AN", NULL, "Perm"),
    AD_C("ANLPOPFL", "Analysis Population Flag", 1, "ADSL.ANLPOPFL", "NY",
         "Perm"),
    AD_C("SAFFL", "Safety Population Flag", 1, "ADSL.SAFFL", "NY", "Perm"),
    AD_C("PARAMCD", "Parameter Code", 8, "assigned: PFS, OS", "TTEPARMCD",
         "Req"),
    AD_C("PARAM", "Parameter", 40, "assigned", NULL, "Req"),
    AD_N("PARAMN", "Parameter (N)", 8, 0, "assigned: PFS 1, OS 2", NULL,
         "Perm"),
    AD_N("AVAL", "Analysis Value", 8, 0,
         "derived.endpoints.pfs.days / os.days (= ADT - STARTDT)", NULL, "Req"),
    AD_C("AVALU", "Analysis Value Unit", 4, "assigned: DAYS", "AVALU", "Perm"),
    AD_DATE("STARTDT", "Time-to-Event Origin Date for Subject",
            "ADSL.TRTSDT (enrolment.treatment_start)", "Req"),
    AD_DATE("ADT", "Analysis Date", "derived.endpoints.pfs.date / os.date",
            "Exp"),
    AD_N("CNSR", "Censor", 8, 0,
         "derived.endpoints.pfs.event / os.event: 0 event, 1 censored", NULL,
         "Req"),
    AD_C("EVNTDESC", "Event or Censoring Description", 60,
         "derived.endpoints.pfs.reason / os.reason", NULL, "Perm"),
    AD_C("CNSDTDSC", "Censor Date Description", 60,
         "derived.endpoints.pfs.reason / os.reason (censored only)", NULL,
         "Perm"),
    AD_C("SRCDOM", "Source Data", 8, "the dataset holding ADT", NULL, "Perm"),
    AD_C("SRCVAR", "Source Variable", 8, "the variable holding ADT", NULL,
         "Perm"),
};

#define AD_NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct ds_def adsl_def = {"ADSL",
                                       "Subject-Level Analysis Dataset",
                                       "SUBJECT LEVEL ANALYSIS DATASET",
                                       "One record per subject",
                                       "STUDYID, USUBJID",
                                       "ADaMIG 1.3",
                                       AD_NCOLS(adsl_cols),
                                       adsl_cols};

static const struct ds_def adrs_def = {
    "ADRS",
    "Response Analysis Dataset",
    "BASIC DATA STRUCTURE",
    "One record per subject per parameter per analysis date",
    "STUDYID, USUBJID, PARAMCD, ADT",
    "ADaMIG 1.3",
    AD_NCOLS(adrs_cols),
    adrs_cols};

static const struct ds_def adtte_def = {"ADTTE",
                                        "Time-to-Event Analysis Dataset",
                                        "BASIC DATA STRUCTURE",
                                        "One record per subject per parameter",
                                        "STUDYID, USUBJID, PARAMCD",
                                        "ADaMIG 1.3",
                                        AD_NCOLS(adtte_cols),
                                        adtte_cols};

const struct ds_def *const adam_defs[ADAM_N_DATASETS] = {&adsl_def, &adrs_def,
                                                         &adtte_def};

/* The cohorts, as frame_row.cohort numbers them (0 HAIC, 1 TACE): their
** ids (ARMCD) and treatments (TRT01P). */
static const char *const ad_trt_name[2] = {"HAIC + PD-1 + LENVATINIB",
                                           "TACE + PD-1 + LENVATINIB"};
static const char *const ad_armcd[2] = {"HAIC", "TACE"};

/* The builder's state: the datasets and the protocol (cohort labels, the
** confirmation rule that names the BOR parameter). */
struct ad_build {
  struct ds *adsl, *adrs, *adtte;
  const struct protocol *proto; /* the study's protocol (not owned) */
};

/* A date text "YYYY-MM-DD" as a SAS date (days since 1960-01-01), NAN when
** absent or not a date. */
static double ad_sas_date(const char *s) {
  date_t d;
  if (s == NULL || date_parse(s, &d) != 0) {
    return NAN;
  }
  return (double)(d - date_from_ymd(1960, 1, 1));
}

/* The SAS date of string member key of o (NAN when absent). */
static double ad_date_of(const json_t *o, const char *key) {
  return ad_sas_date(json_string_value(json_object_get(o, key)));
}

/* The number member key of o, NAN when absent. */
static double ad_num_of(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The string member key of o, or "" (never NULL). */
static const char *ad_str(const json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* The data object of the first record of kind, or NULL. */
static const json_t *ad_record(const json_t *cb, const char *kind) {
  const json_t *recs = json_object_get(cb, "records");
  size_t i;
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    if (strcmp(ad_str(r, "kind"), kind) == 0) {
      return json_object_get(r, "data");
    }
  }
  return NULL;
}

/* Is kind a dosing record of the study treatment? */
static bool ad_is_dose(const char *kind) {
  return strcmp(kind, "pd1_dose") == 0 || strcmp(kind, "lenvatinib") == 0 ||
         strcmp(kind, "tace") == 0 || strcmp(kind, "haic") == 0;
}

/* The latest SAS date of the records' "date" members: dosing records
** when doses, else every record dated strictly before before (NAN: no
** limit) that shows the patient alive (not death or end_of_study; a
** survival contact only when its status is alive).  NAN when none. */
static double ad_latest(const json_t *cb, bool doses, double before) {
  const json_t *recs = json_object_get(cb, "records");
  double best = NAN;
  size_t i;
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const json_t *data = json_object_get(r, "data");
    const char *kind = ad_str(r, "kind");
    double d = ad_date_of(data, "date");
    if (doses && !ad_is_dose(kind)) {
      continue;
    }
    if (!doses &&
        (strcmp(kind, "death") == 0 || strcmp(kind, "end_of_study") == 0 ||
         (strcmp(kind, "survival_contact") == 0 &&
          strcmp(ad_str(data, "status"), "alive") != 0))) {
      continue;
    }
    if (!doses && strcmp(kind, "screening") == 0) {
      d = ad_date_of(data, "screening_date");
    }
    if (!isfinite(d) || (isfinite(before) && d >= before)) {
      continue;
    }
    if (!isfinite(best) || d > best) {
      best = d;
    }
  }
  return best;
}

/* The CDISC NCOMPLT term of an end_of_study reason ("" for completed). */
static const char *ad_dcsreas(const char *reason) {
  static const char *const map[][2] = {
      {"death", "DEATH"},
      {"withdrawal", "WITHDRAWAL BY SUBJECT"},
      {"lost_to_follow_up", "LOST TO FOLLOW-UP"},
      {"study_terminated", "STUDY TERMINATED BY SPONSOR"},
      {"other", "OTHER"}};
  size_t i;
  for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
    if (strcmp(reason, map[i][0]) == 0) {
      return map[i][1];
    }
  }
  return "";
}

/* The ADRS AVAL of an mRECIST response (admiralonco's order: CR 1, PR 2,
** SD 3, NON-CR/NON-PD 4, PD 5, NE 6); NAN for anything else. */
static double ad_resp_code(const char *r) {
  static const char *const order[] = {"CR", "PR", "SD", "NON-CR/NON-PD",
                                      "PD", "NE"};
  size_t i;
  for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
    if (strcmp(r, order[i]) == 0) {
      return (double)(i + 1);
    }
  }
  return NAN;
}

/* What the planned and actual treatment of a subject are: arm texts, codes
** and numbers (TRT01PN/TRT01AN 1 HAIC, 2 TACE; NAN none). */
struct ad_trt {
  const char *arm, *armcd, *actarm, *actarmcd;
  const char *trtp, *trta;
  double trtpn, trtan;
};

/* As SDTM DM has them (ADSL's ARM and ACTARM are DM's): ARM the
** protocol's cohort label, ARMCD the cohort id; ACTARM and ACTARMCD the
** same when a dosing record exists (pd1_dose, lenvatinib, tace, haic),
** null otherwise; all null when not enrolled.  TRT01P the cohort's
** treatment ("TACE + PD-1 + LENVATINIB"), TRT01A the same when dosed. */
static void ad_treatment(const struct ad_build *b, const struct frame_row *r,
                         bool dosed, struct ad_trt *t) {
  int i;
  memset(t, 0, sizeof(*t));
  t->arm = t->armcd = t->actarm = t->actarmcd = "";
  t->trtp = t->trta = "";
  t->trtpn = t->trtan = NAN;
  if (r->cohort < 0) {
    return;
  }
  t->armcd = ad_armcd[r->cohort];
  t->arm = t->armcd;
  for (i = 0; i < b->proto->n_cohorts; i++) {
    if (strcmp(b->proto->cohorts[i].id, t->armcd) == 0 &&
        b->proto->cohorts[i].label[0] != '\0') {
      t->arm = b->proto->cohorts[i].label;
    }
  }
  t->trtp = ad_trt_name[r->cohort];
  t->trtpn = r->cohort == 0 ? 1 : 2;
  if (dosed) {
    t->actarm = t->arm;
    t->actarmcd = t->armcd;
    t->trta = t->trtp;
    t->trtan = t->trtpn;
  }
}

/* The identifiers and treatment columns every BDS row of d starts with. */
static void ad_bds_head(struct ds *d, int row, const struct frame *f,
                        const char *usubjid, const struct frame_row *r,
                        const struct ad_trt *t, bool has_saffl, bool saffl) {
  ds_str(d, row, "STUDYID", f->study_id);
  ds_str(d, row, "USUBJID", usubjid);
  ds_str(d, row, "SITEID", r->site);
  ds_str(d, row, "TRTP", t->trtp);
  ds_num(d, row, "TRTPN", t->trtpn);
  ds_str(d, row, "TRTA", t->trta);
  ds_num(d, row, "TRTAN", t->trtan);
  ds_str(d, row, "ANLPOPFL", r->in_population ? "Y" : "N");
  if (has_saffl) {
    ds_str(d, row, "SAFFL", saffl ? "Y" : "N");
  }
}

/* One ADSL row. */
static void ad_adsl(struct ds *d, const struct frame *f,
                    const struct frame_row *r, const char *usubjid,
                    const json_t *cb, const struct ad_trt *t, bool saffl) {
  const json_t *endp =
      json_object_get(json_object_get(cb, "derived"), "endpoints");
  const json_t *os = json_object_get(endp, "os");
  const json_t *death = ad_record(cb, "death");
  const json_t *eos = ad_record(cb, "end_of_study");
  const json_t *en = ad_record(cb, "enrolment");
  int row = ds_add_row(d);
  double dthdt = ad_date_of(death, "date");
  ds_str(d, row, "STUDYID", f->study_id);
  ds_str(d, row, "USUBJID", usubjid);
  ds_str(d, row, "SUBJID", r->code);
  ds_str(d, row, "SITEID", r->site);
  double age =
      isfinite(r->age) ? r->age : ad_num_of(ad_record(cb, "screening"), "age");
  ds_num(d, row, "AGE", age);
  ds_str(d, row, "AGEU", isfinite(age) ? "YEARS" : "");
  ds_str(d, row, "SEX", r->sex[0] ? r->sex : "U");
  ds_str(d, row, "ARM", t->arm);
  ds_str(d, row, "ARMCD", t->armcd);
  ds_str(d, row, "ACTARM", t->actarm);
  ds_str(d, row, "ACTARMCD", t->actarmcd);
  ds_str(d, row, "TRT01P", t->trtp);
  ds_num(d, row, "TRT01PN", t->trtpn);
  ds_str(d, row, "TRT01A", t->trta);
  ds_num(d, row, "TRT01AN", t->trtan);
  ds_num(d, row, "TRTSDT", ad_date_of(en, "treatment_start"));
  ds_num(d, row, "TRTEDT", ad_latest(cb, true, NAN));
  ds_str(d, row, "ENRLFL", r->cohort >= 0 ? "Y" : "N");
  ds_str(d, row, "SAFFL", saffl ? "Y" : "N");
  ds_str(d, row, "ANLPOPFL", r->in_population ? "Y" : "N");
  ds_str(d, row, "PTSTAT", r->status);
  ds_num(d, row, "ECOGBL", r->ecog);
  ds_num(d, row, "CPSCBL", r->cp_score);
  ds_str(d, row, "CPCLSBL", r->cp_class);
  ds_num(d, row, "ALBIBL", r->albi);
  ds_str(d, row, "BCLCBL", r->bclc);
  ds_num(d, row, "TUMNUMBL", r->tumour_number);
  ds_num(d, row, "TUMDIABL", r->largest_mm);
  ds_num(d, row, "AFPBL", r->afp);
  ds_str(d, row, "PVIBL", r->pvi);
  ds_str(d, row, "DTHFL", death != NULL ? "Y" : "");
  ds_num(d, row, "DTHDT", dthdt);
  if (eos != NULL) {
    const char *reason = ad_str(eos, "reason");
    bool done = strcmp(reason, "completed") == 0;
    ds_str(d, row, "EOSSTT", done ? "COMPLETED" : "DISCONTINUED");
    ds_num(d, row, "EOSDT", ad_date_of(eos, "date"));
    ds_str(d, row, "DCSREAS", done ? "" : ad_dcsreas(reason));
  } else if (death != NULL) {
    ds_str(d, row, "EOSSTT", "DISCONTINUED");
    ds_str(d, row, "DCSREAS", "DEATH");
  } else if (r->cohort >= 0) {
    ds_str(d, row, "EOSSTT", "ONGOING");
  }
  if (r->has_os && !r->os_event) {
    ds_num(d, row, "LSTALVDT", ad_date_of(os, "date"));
  } else {
    ds_num(d, row, "LSTALVDT", ad_latest(cb, false, dthdt));
  }
  ds_str(d, row, "BOR", r->bor);
  ds_num(d, row, "PFSDY", r->has_pfs ? r->pfs_days : NAN);
  ds_num(d, row, "PFSCNSR", r->has_pfs ? (r->pfs_event ? 0 : 1) : NAN);
  ds_num(d, row, "OSDY", r->has_os ? r->os_days : NAN);
  ds_num(d, row, "OSCNSR", r->has_os ? (r->os_event ? 0 : 1) : NAN);
  ds_num(d, row, "AEWORST", r->worst_ae_grade);
}

/* ADY of SAS date adt from trtsdt (no day 0). */
static double ad_ady(double adt, double trtsdt) {
  if (!isfinite(adt) || !isfinite(trtsdt)) {
    return NAN;
  }
  return adt >= trtsdt ? adt - trtsdt + 1 : adt - trtsdt;
}

/* The schedule's assessment number done on date text s, or 0. */
static int ad_visit(const json_t *cb, const char *s) {
  const json_t *sch =
      json_object_get(json_object_get(cb, "derived"), "schedule");
  size_t i;
  for (i = 0; i < json_array_size(sch); i++) {
    const json_t *v = json_array_get(sch, i);
    if (strcmp(ad_str(v, "kind"), "assessment") == 0 &&
        strcmp(ad_str(v, "done_date"), s) == 0) {
      return (int)json_integer_value(json_object_get(v, "number"));
    }
  }
  return 0;
}

/* The ADRS rows of a subject: one OVR row a scan time point, then the BOR
** row when the best overall response is derived. */
static void ad_adrs(struct ad_build *b, const struct frame *f,
                    const struct frame_row *r, const char *usubjid,
                    const json_t *cb, const struct ad_trt *t) {
  struct ds *d = b->adrs;
  const json_t *tps = json_object_get(
      json_object_get(json_object_get(cb, "derived"), "response"),
      "timepoints");
  double trtsdt = ad_date_of(ad_record(cb, "enrolment"), "treatment_start");
  double bor_dt = NAN;
  size_t i;
  int row;
  for (i = 0; i < json_array_size(tps); i++) {
    const json_t *tp = json_array_get(tps, i);
    const char *ov = ad_str(tp, "overall");
    const char *ds = ad_str(tp, "date");
    double adt = ad_sas_date(ds);
    int v = ad_visit(cb, ds);
    char visit[24];
    if (ov[0] == '\0' || !isfinite(adt)) {
      continue;
    }
    if (!isfinite(bor_dt) && strcmp(ov, r->bor) == 0) {
      bor_dt = adt;
    }
    row = ds_add_row(d);
    ad_bds_head(d, row, f, usubjid, r, t, false, false);
    ds_str(d, row, "PARAMCD", "OVR");
    ds_str(d, row, "PARAM", "Overall Response by Investigator (mRECIST)");
    ds_num(d, row, "PARAMN", 1);
    ds_str(d, row, "PARCAT1", "MRECIST");
    ds_str(d, row, "AVALC", ov);
    ds_num(d, row, "AVAL", ad_resp_code(ov));
    ds_num(d, row, "ADT", adt);
    ds_num(d, row, "ADY", ad_ady(adt, trtsdt));
    snprintf(visit, sizeof(visit), v > 0 ? "ASSESSMENT %d" : "UNSCHEDULED", v);
    ds_str(d, row, "AVISIT", visit);
    ds_num(d, row, "AVISITN", v > 0 ? v : NAN);
    ds_str(d, row, "ANL01FL", "Y");
  }
  if (r->bor[0] == '\0') {
    return;
  }
  row = ds_add_row(d);
  ad_bds_head(d, row, f, usubjid, r, t, false, false);
  ds_str(d, row, "PARAMCD", "BOR");
  ds_str(d, row, "PARAM",
         b->proto->response.confirm
             ? "Best Confirmed Overall Response by Investigator "
               "(mRECIST)"
             : "Best Overall Response by Investigator (mRECIST)");
  ds_num(d, row, "PARAMN", 2);
  ds_str(d, row, "PARCAT1", "MRECIST");
  ds_str(d, row, "AVALC", r->bor);
  ds_num(d, row, "AVAL", ad_resp_code(r->bor));
  ds_num(d, row, "ADT", bor_dt);
  ds_num(d, row, "ADY", ad_ady(bor_dt, trtsdt));
  ds_str(d, row, "ANL01FL", "Y");
}

/* EVNTDESC of an endpoint row: the event, or what the censoring date is,
** from the derived reason (endpoints.h's EP_REASON_* texts). */
static const char *ad_evntdesc(const char *reason, bool event, bool at_start) {
  if (event) {
    return strcmp(reason, "progression") == 0 ? "DISEASE PROGRESSION" : "DEATH";
  }
  if (at_start) {
    return "TREATMENT START";
  }
  if (strcmp(reason, "alive at last contact") == 0) {
    return "LAST CONTACT ALIVE";
  }
  if (strcmp(reason, "alive at data cut-off") == 0) {
    return "DATA CUT-OFF";
  }
  if (strcmp(reason, "new antitumor therapy") == 0) {
    return "LAST ADEQUATE ASSESSMENT BEFORE NEW THERAPY";
  }
  if (strcmp(reason, "event after two or more missed assessments") == 0) {
    return "LAST ADEQUATE ASSESSMENT BEFORE MISSED VISITS";
  }
  return "LAST ADEQUATE ASSESSMENT";
}

/* One ADTTE row of endpoint ep ("pfs" or "os"): days and event from the
** frame, date and reason from the same casebook's derived endpoint. */
static void ad_adtte_one(struct ds *d, const struct frame *f,
                         const struct frame_row *r, const char *usubjid,
                         const json_t *cb, const struct ad_trt *t, bool saffl,
                         int ep) {
  const json_t *x = json_object_get(
      json_object_get(json_object_get(cb, "derived"), "endpoints"),
      ep == 0 ? "pfs" : "os");
  const char *reason = ad_str(x, "reason");
  bool event = ep == 0 ? r->pfs_event : r->os_event;
  double start = ad_date_of(ad_record(cb, "enrolment"), "treatment_start");
  double adt = ad_date_of(x, "date");
  bool at_start = isfinite(adt) && adt == start;
  const char *srcdom = "", *srcvar = "";
  int row = ds_add_row(d);
  ad_bds_head(d, row, f, usubjid, r, t, true, saffl);
  ds_str(d, row, "PARAMCD", ep == 0 ? "PFS" : "OS");
  ds_str(d, row, "PARAM",
         ep == 0 ? "Progression-Free Survival (Days)"
                 : "Overall Survival (Days)");
  ds_num(d, row, "PARAMN", ep + 1);
  ds_num(d, row, "AVAL", ep == 0 ? r->pfs_days : r->os_days);
  ds_str(d, row, "AVALU", "DAYS");
  ds_num(d, row, "STARTDT", start);
  ds_num(d, row, "ADT", adt);
  ds_num(d, row, "CNSR", event ? 0 : 1);
  ds_str(d, row, "EVNTDESC", ad_evntdesc(reason, event, at_start));
  ds_str(d, row, "CNSDTDSC", event ? "" : reason);
  if (event && strcmp(reason, "death") == 0) {
    srcdom = "ADSL";
    srcvar = "DTHDT";
  } else if (at_start) {
    srcdom = "ADSL";
    srcvar = "TRTSDT";
  } else if (ep == 0) {
    srcdom = "ADRS";
    srcvar = "ADT";
  } else if (strcmp(reason, "alive at last contact") == 0) {
    srcdom = "ADSL";
    srcvar = "LSTALVDT";
  }
  ds_str(d, row, "SRCDOM", srcdom);
  ds_str(d, row, "SRCVAR", srcvar);
}

/* frame_load_each's function: the rows of one subject in every dataset. */
static int ad_subject(void *ctx, const struct frame *f, int i, const json_t *cb,
                      struct err *e) {
  struct ad_build *b = ctx;
  const struct frame_row *r;
  struct ad_trt t;
  char usubjid[AD_W_USUBJID + 1];
  double unused;
  bool saffl = false;
  size_t k;
  const json_t *recs = json_object_get(cb, "records");
  (void)e;
  if (i < 0) {
    return APP_OK;
  }
  r = &f->p[i];
  frame_value(f, r, 1, &unused, usubjid, sizeof(usubjid));
  for (k = 0; k < json_array_size(recs); k++) {
    saffl = saffl || ad_is_dose(ad_str(json_array_get(recs, k), "kind"));
  }
  saffl = saffl && r->cohort >= 0;
  ad_treatment(b, r, saffl, &t);
  ad_adsl(b->adsl, f, r, usubjid, cb, &t, saffl);
  ad_adrs(b, f, r, usubjid, cb, &t);
  if (r->has_pfs) {
    ad_adtte_one(b->adtte, f, r, usubjid, cb, &t, saffl, 0);
  }
  if (r->has_os) {
    ad_adtte_one(b->adtte, f, r, usubjid, cb, &t, saffl, 1);
  }
  return APP_OK;
}

int adam_build(const struct frame_source *src, struct ds_set *out,
               struct err *e) {
  struct protocol proto;
  struct ad_build b;
  struct frame f;
  static const char *const by_subject[] = {"USUBJID", NULL};
  static const char *const tte_keys[] = {"USUBJID", "PARAMN", NULL};
  int rc = store_protocol(src->db, &proto, e);
  if (rc != APP_OK) {
    return rc;
  }
  memset(&b, 0, sizeof(b));
  ds_init(&out->d[0], &adsl_def);
  ds_init(&out->d[1], &adrs_def);
  ds_init(&out->d[2], &adtte_def);
  out->n = ADAM_N_DATASETS;
  b.adsl = &out->d[0];
  b.adrs = &out->d[1];
  b.adtte = &out->d[2];
  b.proto = &proto;
  rc = frame_load_each(src, FRAME_ALL, &f, ad_subject, &b, e);
  if (rc != APP_OK) {
    ds_set_free(out);
    return rc;
  }
  frame_free(&f);
  /* Rows are in patient-code order; sort by USUBJID (stable: ADRS keeps
  ** each subject's scans in date order, BOR last) and number ASEQ. */
  ds_sort(b.adsl, by_subject);
  ds_sort(b.adrs, by_subject);
  ds_number_seq(b.adrs, "ASEQ", "USUBJID");
  ds_sort(b.adtte, tte_keys);
  return APP_OK;
}
