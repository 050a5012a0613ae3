/*
** frame.c: the patient-level analysis frame (see frame.h and
** docs/exports.md).
**
** Why: the analysis routes and every export must agree to the last digit,
** so the values of a patient are read from the casebook in one place: the
** derived endpoints (PFS, OS, best overall response) as the rules engine
** stored them, the baseline record, the screening's derived Child-Pugh and
** ALBI, the adverse events.  Invariants: nothing is cached; absent numbers
** are NAN and absent strings ""; every string fits its column's width
** (fixed-size members, checked by static_assert below); the rows are in
** patient-code order, as store_patient_codes gives them.  Workload: one
** pass over the casebooks of a study of a few thousand patients.
*/
#include "frame.h"

#include "../core/clock.h"
#include "../core/date.h"
#include "../core/mem.h"
#include "../store/audit.h"
#include "../store/casebook.h"
#include "../store/freeze.h"
#include "../study/casebook.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const frame_cov_name[FRAME_N_COV] = {
    "age", "male", "ecog", "albi", "tumour_number", "largest_mm",
    "afp_log", "pvi", "bclc_B", "bclc_C"};

/* Column indices, in frame_cols order (frame_value switches on them). */
enum {
  C_STUDYID, C_USUBJID, C_SUBJID, C_SITEID, C_ARM, C_STATUS, C_ANLPOPFL,
  C_AGE, C_SEX, C_ECOG, C_CPSCORE, C_CPCLASS, C_BCLC, C_ALBI, C_TUMNUM,
  C_TUMLDIAM, C_AFP, C_PVI, C_PFSDY, C_PFSCNSR, C_OSDY, C_OSCNSR, C_BOR,
  C_AEWORST, C_END
};
static_assert(C_END == FRAME_N_COLS, "frame_cols and its indices agree");

/* String widths: each member of struct frame_row (and the study id) holds
** at most its column's width, so no value is ever cut short by a writer.
** USUBJID is STUDYID "-" [SITEID "-"] SUBJID. */
#define W_STUDYID 31
#define W_SUBJID 31
#define W_SITEID 15
#define W_USUBJID (W_STUDYID + 1 + W_SITEID + 1 + W_SUBJID)
static_assert(sizeof(((struct frame *)0)->study_id) == W_STUDYID + 1,
              "study id width");
static_assert(sizeof(((struct frame_row *)0)->code) == W_SUBJID + 1,
              "subject id width");
static_assert(sizeof(((struct frame_row *)0)->site) == W_SITEID + 1,
              "site width");
static_assert(sizeof(((struct frame_row *)0)->status) == 16, "status");
static_assert(sizeof(((struct frame_row *)0)->pvi) == 16, "pvi width");
static_assert(sizeof(((struct frame_row *)0)->bor) == 12, "bor width");

const struct ds_col frame_cols[FRAME_N_COLS] = {
    {"STUDYID", "Study Identifier", DS_STR, W_STUDYID, 0,
     "protocol study_id", NULL, NULL},
    {"USUBJID", "Unique Subject Identifier", DS_STR, W_USUBJID, 0,
     "STUDYID-SITEID-n (STUDYID-SUBJID when the code starts with SITEID-)",
     NULL, NULL},
    {"SUBJID", "Subject Identifier for the Study", DS_STR, W_SUBJID, 0,
     "patient.code", NULL, NULL},
    {"SITEID", "Study Site Identifier", DS_STR, W_SITEID, 0,
     "patient.site", NULL, NULL},
    {"ARMCD", "Cohort (HAIC or TACE)", DS_STR, 4, 0, "patient.cohort", NULL,
     NULL},
    {"PTSTAT", "Patient Status", DS_STR, 15, 0, "patient.status", NULL, NULL},
    {"ANLPOPFL", "Analysis Population Flag (Y/N)", DS_STR, 1, 0,
     "protocol enrolment.analysis_population", NULL, NULL},
    {"AGE", "Age at Baseline (years)", DS_NUM, 8, 0, "baseline.age", NULL,
     NULL},
    {"SEX", "Sex (M, F)", DS_STR, 1, 0, "baseline.sex", NULL, NULL},
    {"ECOGBL", "ECOG Performance Status at Baseline", DS_NUM, 8, 0,
     "baseline.ecog", NULL, NULL},
    {"CPSCBL", "Child-Pugh Score at Screening", DS_NUM, 8, 0,
     "derived.eligibility.child_pugh_score", NULL, NULL},
    {"CPCLSBL", "Child-Pugh Class at Screening", DS_STR, 1, 0,
     "derived.eligibility.child_pugh_class", NULL, NULL},
    {"BCLCBL", "BCLC Stage at Baseline", DS_STR, 1, 0, "baseline.bclc", NULL,
     NULL},
    {"ALBIBL", "ALBI Score at Screening", DS_NUM, 16, -1,
     "derived.eligibility.albi_score", NULL, NULL},
    {"TUMNUMBL", "Number of Tumours at Baseline", DS_NUM, 8, 0,
     "baseline.tumour_number", NULL, NULL},
    {"TUMDIABL", "Largest Tumour Diameter at Baseline (mm)", DS_NUM, 8, 1,
     "baseline.largest_diameter_mm", NULL, NULL},
    {"AFPBL", "AFP at Baseline (ng/mL)", DS_NUM, 12, -1,
     "baseline.afp_ng_ml", NULL, NULL},
    {"PVIBL", "Portal Vein Invasion at Baseline", DS_STR, 15, 0,
     "baseline.portal_vein_invasion", NULL, NULL},
    {"PFSDY", "PFS Time (days from treatment start)", DS_NUM, 8, 0,
     "derived.endpoints.pfs.days", NULL, NULL},
    {"PFSCNSR", "PFS Censoring (1 censored, 0 event)", DS_NUM, 8, 0,
     "derived.endpoints.pfs.event (false 1, true 0)", NULL, NULL},
    {"OSDY", "OS Time (days from treatment start)", DS_NUM, 8, 0,
     "derived.endpoints.os.days", NULL, NULL},
    {"OSCNSR", "OS Censoring (1 censored, 0 event)", DS_NUM, 8, 0,
     "derived.endpoints.os.event (false 1, true 0)", NULL, NULL},
    {"BOR", "Best Overall Response (mRECIST, conf.)", DS_STR, 11, 0,
     "derived.endpoints.best_overall_response", NULL, NULL},
    {"AEWORST", "Worst CTCAE Grade of AEs (0 none)", DS_NUM, 8, 0,
     "largest adverse_event.grade", NULL, NULL},
};

/* A number member of o, or NAN when absent or not a number. */
static double fr_num(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Copy a string member of o into out ("" when absent; cut to n - 1). */
static void fr_str(const json_t *o, const char *key, char *out, size_t n) {
  const char *s = json_string_value(json_object_get(o, key));
  snprintf(out, n, "%s", s ? s : "");
}

/* The first record of a kind (its data object), or NULL. */
static const json_t *fr_record(const json_t *cb, const char *kind) {
  const json_t *recs = json_object_get(cb, "records");
  size_t i;
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const char *k = json_string_value(json_object_get(r, "kind"));
    if (k != NULL && strcmp(k, kind) == 0) {
      return json_object_get(r, "data");
    }
  }
  return NULL;
}

/* The baseline values, Child-Pugh and ALBI, and the covariates of the
** propensity model (docs/analysis.md). */
static void fr_baseline(const json_t *cb, struct frame_row *p) {
  const json_t *b = fr_record(cb, "baseline");
  const json_t *el = json_object_get(json_object_get(cb, "derived"),
                                     "eligibility");
  char sex[16];
  int j;
  p->cp_score = fr_num(el, "child_pugh_score");
  fr_str(el, "child_pugh_class", p->cp_class, sizeof(p->cp_class));
  p->albi = fr_num(el, "albi_score");
  p->has_cov = false;
  p->age = p->ecog = p->tumour_number = p->largest_mm = p->afp = NAN;
  if (b == NULL) {
    return;
  }
  fr_str(b, "sex", sex, sizeof(sex));
  snprintf(p->sex, sizeof(p->sex), "%s",
           strcmp(sex, "male") == 0 ? "M"
                                    : (strcmp(sex, "female") == 0 ? "F" : ""));
  fr_str(b, "portal_vein_invasion", p->pvi, sizeof(p->pvi));
  fr_str(b, "bclc", p->bclc, sizeof(p->bclc));
  p->age = fr_num(b, "age");
  p->ecog = fr_num(b, "ecog");
  p->tumour_number = fr_num(b, "tumour_number");
  p->largest_mm = fr_num(b, "largest_diameter_mm");
  p->afp = fr_num(b, "afp_ng_ml");
  p->cov[0] = p->age;
  p->cov[1] = sex[0] ? (strcmp(sex, "male") == 0 ? 1 : 0) : NAN;
  p->cov[2] = p->ecog;
  p->cov[3] = p->albi;
  p->cov[4] = p->tumour_number;
  p->cov[5] = p->largest_mm;
  p->cov[6] = p->afp >= 0 ? log10(p->afp + 1) : NAN;
  p->cov[7] = p->pvi[0] ? (strcmp(p->pvi, "none") == 0 ? 0 : 1) : NAN;
  p->cov[8] = p->bclc[0] ? (strcmp(p->bclc, "B") == 0 ? 1 : 0) : NAN;
  p->cov[9] = p->bclc[0] ? (strcmp(p->bclc, "C") == 0 ? 1 : 0) : NAN;
  for (j = 0; j < FRAME_N_COV; j++) {
    if (!isfinite(p->cov[j])) {
      return;
    }
  }
  p->has_cov = true;
}

/* Fill p from one casebook (p->tp allocated: free it with the row). */
static void fr_row_read(const json_t *cb, struct frame_row *p) {
  const json_t *pt = json_object_get(cb, "patient");
  const json_t *der = json_object_get(cb, "derived");
  const json_t *endp = json_object_get(der, "endpoints");
  const json_t *tps = json_object_get(json_object_get(der, "response"),
                                      "timepoints");
  const json_t *en = fr_record(cb, "enrolment");
  const json_t *recs = json_object_get(cb, "records");
  const json_t *x;
  const char *start_s =
      json_string_value(json_object_get(en, "treatment_start"));
  char cohort[16];
  date_t start = 0;
  bool has_start = start_s != NULL && date_parse(start_s, &start) == 0;
  size_t i;
  memset(p, 0, sizeof(*p));
  fr_str(pt, "cohort", cohort, sizeof(cohort));
  p->cohort = strcmp(cohort, "HAIC") == 0   ? 0
              : strcmp(cohort, "TACE") == 0 ? 1
                                            : -1;
  fr_str(pt, "code", p->code, sizeof(p->code));
  fr_str(pt, "site", p->site, sizeof(p->site));
  fr_str(pt, "status", p->status, sizeof(p->status));
  x = json_object_get(endp, "pfs");
  if (json_is_number(json_object_get(x, "days"))) {
    p->has_pfs = true;
    p->pfs_days = fr_num(x, "days");
    p->pfs_event = json_is_true(json_object_get(x, "event"));
  }
  x = json_object_get(endp, "os");
  if (json_is_number(json_object_get(x, "days"))) {
    p->has_os = true;
    p->os_days = fr_num(x, "days");
    p->os_event = json_is_true(json_object_get(x, "event"));
  }
  fr_str(endp, "best_overall_response", p->bor, sizeof(p->bor));
  p->tp = xcalloc(json_array_size(tps) + 1, sizeof(*p->tp));
  for (i = 0; i < json_array_size(tps); i++) {
    const json_t *t = json_array_get(tps, i);
    const char *ds = json_string_value(json_object_get(t, "date"));
    double pct = fr_num(t, "change_baseline_pct");
    date_t d;
    if (isfinite(pct) && (!p->has_best_pct || pct < p->best_pct)) {
      p->has_best_pct = true;
      p->best_pct = pct;
    }
    if (has_start && ds != NULL && date_parse(ds, &d) == 0) {
      p->tp[p->n_tp].day = (double)(d - start);
      fr_str(t, "overall", p->tp[p->n_tp].overall,
             sizeof(p->tp[p->n_tp].overall));
      p->n_tp++;
    }
  }
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const char *k = json_string_value(json_object_get(r, "kind"));
    if (k != NULL && strcmp(k, "adverse_event") == 0) {
      double g = fr_num(json_object_get(r, "data"), "grade");
      if (isfinite(g) && g > p->worst_ae_grade && g <= 5) {
        p->worst_ae_grade = (int)g;
      }
    }
  }
  fr_baseline(cb, p);
}

int frame_source_open(struct db *db, const struct actor *a,
                      int64_t freeze_id, struct frame_source *src,
                      struct err *e) {
  struct protocol proto;
  int rc, y, mo, d, h, mi, s;
  memset(src, 0, sizeof(*src));
  src->db = db;
  src->a = a;
  rc = store_protocol(db, &proto, e);
  if (rc != APP_OK) {
    return rc;
  }
  snprintf(src->study_id, sizeof(src->study_id), "%s", proto.study_id);
  if (freeze_id != 0) {
    struct freeze_info fi;
    rc = store_freeze_get(db, a, freeze_id, &fi, e);
    if (rc != APP_OK) {
      return rc;
    }
    src->freeze_id = fi.id;
    src->audit_seq = fi.audit_seq;
    snprintf(src->chain_hash, sizeof(src->chain_hash), "%s", fi.chain_hash);
    snprintf(src->created_utc, sizeof(src->created_utc), "%s",
             fi.created_utc);
  } else {
    rc = audit_head(db, &src->audit_seq, src->chain_hash, e);
    if (rc != APP_OK) {
      return rc;
    }
    clock_now_utc(src->created_utc);
  }
  if (sscanf(src->created_utc, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d,
             &h, &mi, &s) == 6) {
    src->created = (time_t)(date_from_ymd(y, mo, d) - date_from_ymd(1970, 1,
                                                                     1)) *
                       86400 +
                   h * 3600 + mi * 60 + s;
  }
  return APP_OK;
}

/* The context of a freeze walk: the caller's function and context. */
struct fr_freeze_walk {
  frame_casebook_fn fn;
  void *ctx;
};

/* One frozen casebook: parse its text and hand it on. */
static int fr_frozen(void *ctx, const char *code, const char *text,
                     struct err *e) {
  struct fr_freeze_walk *w = ctx;
  json_error_t je;
  json_t *cb = json_loads(text, 0, &je);
  int rc;
  if (cb == NULL) {
    return ERR_SET(e, APP_EDB, "freeze: the casebook of %s is not valid "
                   "JSON", code);
  }
  rc = w->fn(w->ctx, cb, e);
  json_decref(cb);
  return rc;
}

int frame_casebooks(const struct frame_source *src, frame_casebook_fn fn,
                    void *ctx, struct err *e) {
  json_t *codes = NULL;
  size_t i;
  int rc;
  if (src->freeze_id != 0) {
    struct fr_freeze_walk w;
    w.fn = fn;
    w.ctx = ctx;
    return store_freeze_casebooks(src->db, src->a, src->freeze_id,
                                  fr_frozen, &w, e);
  }
  rc = store_patient_codes(src->db, src->a, &codes, e);
  for (i = 0; rc == APP_OK && i < json_array_size(codes); i++) {
    json_t *cb = NULL;
    rc = store_casebook(src->db, src->a,
                        json_string_value(json_array_get(codes, i)), &cb, e);
    if (rc == APP_OK) {
      rc = fn(ctx, cb, e);
    }
    json_decref(cb);
  }
  json_decref(codes);
  return rc;
}

/* frame_load's walk: the frame, its scope and the protocol. */
struct fr_load {
  struct frame *f;
  enum frame_scope scope;
  struct protocol proto;
  size_t cap;
  frame_row_fn fn; /* frame_load_each's function, or NULL */
  void *ctx;       /* its context */
};

/* Read one casebook into the next row of the frame. */
static int fr_load_one(void *ctx, const json_t *cb, struct err *e) {
  struct fr_load *L = ctx;
  struct frame *f = L->f;
  struct frame_row *p;
  bool in_pop;
  if ((size_t)f->n == L->cap) {
    L->cap = L->cap ? 2 * L->cap : 64;
    f->p = xreallocarray(f->p, L->cap, sizeof(*f->p));
  }
  p = &f->p[f->n];
  memset(p, 0, sizeof(*p));
  fr_row_read(cb, p);
  in_pop = casebook_in_population(&L->proto, p->status,
                                  json_object_get(cb, "derived"));
  p->in_population = in_pop && p->cohort >= 0;
  if (!in_pop) {
    f->n_excluded += strcmp(p->status, "enrolled") == 0 ||
                     strcmp(p->status, "off_study") == 0;
  }
  if (L->scope == FRAME_ANALYSIS && !p->in_population) {
    xfree(p->tp);
    memset(p, 0, sizeof(*p));
    return L->fn ? L->fn(L->ctx, f, -1, cb, e) : APP_OK;
  }
  f->n++;
  return L->fn ? L->fn(L->ctx, f, f->n - 1, cb, e) : APP_OK;
}

int frame_load_from(const struct frame_source *src, enum frame_scope scope,
                    struct frame *f, struct err *e) {
  return frame_load_each(src, scope, f, NULL, NULL, e);
}

int frame_load_each(const struct frame_source *src, enum frame_scope scope,
                    struct frame *f, frame_row_fn fn, void *ctx,
                    struct err *e) {
  struct fr_load L;
  int rc;
  memset(f, 0, sizeof(*f));
  memset(&L, 0, sizeof(L));
  L.f = f;
  L.scope = scope;
  L.fn = fn;
  L.ctx = ctx;
  rc = store_protocol(src->db, &L.proto, e);
  if (rc != APP_OK) {
    return rc;
  }
  snprintf(f->study_id, sizeof(f->study_id), "%s", L.proto.study_id);
  f->population = L.proto.enrolment.population;
  rc = frame_casebooks(src, fr_load_one, &L, e);
  if (rc != APP_OK) {
    frame_free(f);
  }
  return rc;
}

int frame_load(struct db *db, const struct actor *a, enum frame_scope scope,
               struct frame *f, struct err *e) {
  struct frame_source src;
  int rc = frame_source_open(db, a, 0, &src, e);
  if (rc != APP_OK) {
    memset(f, 0, sizeof(*f));
    return rc;
  }
  return frame_load_from(&src, scope, f, e);
}

void frame_free(struct frame *f) {
  int i;
  for (i = 0; i < f->n; i++) {
    xfree(f->p[i].tp);
  }
  xfree(f->p);
  memset(f, 0, sizeof(*f));
}

/* ADaM CNSR of an endpoint: 1 censored, 0 event, NAN when not derived. */
static double fr_cnsr(bool has, int event) {
  if (!has) {
    return NAN;
  }
  return event ? 0 : 1;
}

bool frame_value(const struct frame *f, const struct frame_row *r, int col,
                 double *num, char *text, size_t n) {
  const char *s = NULL;
  size_t sl = strlen(r->site);
  *num = NAN;
  if (n > 0) {
    text[0] = '\0';
  }
  switch (col) {
  case C_STUDYID:
    s = f->study_id;
    break;
  case C_USUBJID:
    if (strncmp(r->code, r->site, sl) == 0 && r->code[sl] == '-') {
      snprintf(text, n, "%s-%s", f->study_id, r->code);
    } else {
      snprintf(text, n, "%s-%s-%s", f->study_id, r->site, r->code);
    }
    return text[0] != '\0';
  case C_SUBJID:
    s = r->code;
    break;
  case C_SITEID:
    s = r->site;
    break;
  case C_ARM:
    s = r->cohort == 0 ? "HAIC" : (r->cohort == 1 ? "TACE" : "");
    break;
  case C_STATUS:
    s = r->status;
    break;
  case C_ANLPOPFL:
    s = r->in_population ? "Y" : "N";
    break;
  case C_AGE:
    *num = r->age;
    break;
  case C_SEX:
    s = r->sex;
    break;
  case C_ECOG:
    *num = r->ecog;
    break;
  case C_CPSCORE:
    *num = r->cp_score;
    break;
  case C_CPCLASS:
    s = r->cp_class;
    break;
  case C_BCLC:
    s = r->bclc;
    break;
  case C_ALBI:
    *num = r->albi;
    break;
  case C_TUMNUM:
    *num = r->tumour_number;
    break;
  case C_TUMLDIAM:
    *num = r->largest_mm;
    break;
  case C_AFP:
    *num = r->afp;
    break;
  case C_PVI:
    s = r->pvi;
    break;
  case C_PFSDY:
    *num = r->has_pfs ? r->pfs_days : NAN;
    break;
  case C_PFSCNSR:
    *num = fr_cnsr(r->has_pfs, r->pfs_event);
    break;
  case C_OSDY:
    *num = r->has_os ? r->os_days : NAN;
    break;
  case C_OSCNSR:
    *num = fr_cnsr(r->has_os, r->os_event);
    break;
  case C_BOR:
    s = r->bor;
    break;
  case C_AEWORST:
    *num = r->worst_ae_grade;
    break;
  default:
    assert(!"frame_value: column out of range");
    return false;
  }
  if (frame_cols[col].type == DS_STR) {
    snprintf(text, n, "%s", s ? s : "");
    return text[0] != '\0';
  }
  return isfinite(*num);
}
