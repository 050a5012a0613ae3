/*
** test_mrecist.c: unit tests of study/mrecist.c at every boundary.
**
** Every expected value comes from the rules text (clinical-rules.md 1-2 and
** docs/response-and-endpoints.md) and closed-form arithmetic on the chosen
** millimetres: e.g. 70.0 of 100.0 is exactly -30 %, 96.0 of a nadir of 80.0
** exactly +20 %.  Patients are built with the struct API (as the simulator
** does); the JSON reader is tested at the end.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "study/mrecist.h"
#include "study/protocol.h"

/* Most lesions / assessments a test patient holds. */
#define PT_MAX_T 4
#define PT_MAX_A 10
#define PT_MAX_NEW 3

/* A test patient in fixed arrays (no heap; never passed to mr_input_free). */
struct pt {
  struct mr_input in;                             /* what is evaluated */
  struct mr_base_target bt[PT_MAX_T];             /* baseline targets */
  struct mr_base_nontarget bn[PT_MAX_T];          /* baseline non-targets */
  struct mr_assessment as[PT_MAX_A];              /* assessments */
  struct mr_target_obs to[PT_MAX_A][PT_MAX_T];    /* their targets */
  struct mr_nontarget_obs no[PT_MAX_A][PT_MAX_T]; /* their non-targets */
  struct mr_new_lesion nl[PT_MAX_A][PT_MAX_NEW];  /* their new lesions */
};

/* Lesion ids. */
static const char *const t_ids[] = {"T1", "T2", "T3", "T4"};
static const char *const n_ids[] = {"N1", "N2", "N3", "N4"};

/* Treatment start used by every test: 2026-02-01 (day 0). */
static date_t day0(void) { return date_from_ymd(2026, 2, 1); }

/* Start a patient with n_t targets of the given baseline mm and n_nt
** non-targets; baseline scan 7 days before start. */
static void pt_init(struct pt *p, int n_t, const double *base_mm, int n_nt) {
  int i;
  memset(p, 0, sizeof(*p));
  p->in.start_date = day0();
  p->in.has_baseline = true;
  p->in.baseline_date = day0() - 7;
  for (i = 0; i < n_t; i++) {
    p->bt[i].id = t_ids[i];
    p->bt[i].organ = "liver";
    p->bt[i].viable_dmm = mr_mm_to_dmm(base_mm[i]);
  }
  for (i = 0; i < n_nt; i++) {
    p->bn[i].id = n_ids[i];
    p->bn[i].kind = "pvtt";
  }
  p->in.targets = p->bt;
  p->in.n_targets = n_t;
  p->in.nontargets = p->bn;
  p->in.n_nontargets = n_nt;
  p->in.assessments = p->as;
}

/* Add an assessment at day (from start) with every target measured as mm[]
** (NAN: not evaluated) and every non-target with status nt (all the same).
** Returns its index. */
static int pt_add(struct pt *p, int day, const double *mm,
                  enum mr_nt_status nt) {
  int k = p->in.n_assessments++;
  struct mr_assessment *a = &p->as[k];
  int i;
  a->date = day0() + day;
  a->targets = p->to[k];
  a->n_targets = p->in.n_targets;
  for (i = 0; i < p->in.n_targets; i++) {
    p->to[k][i].id = t_ids[i];
    p->to[k][i].is_evaluated = !isnan(mm[i]);
    p->to[k][i].viable_dmm = isnan(mm[i]) ? 0 : mr_mm_to_dmm(mm[i]);
  }
  a->nontargets = p->no[k];
  a->n_nontargets = p->in.n_nontargets;
  for (i = 0; i < p->in.n_nontargets; i++) {
    p->no[k][i].id = n_ids[i];
    p->no[k][i].status = nt;
  }
  a->new_lesions = p->nl[k];
  return k;
}

/* Add a one-target assessment (convenience). */
static int pt_add1(struct pt *p, int day, double mm) {
  double v[1];
  v[0] = mm;
  return pt_add(p, day, v, MR_NT_PRESENT);
}

/* Add a new lesion to assessment k; returns it for the caller to fill. */
static struct mr_new_lesion *pt_new(struct pt *p, int k, const char *id,
                                    const char *site_text,
                                    enum mr_site site) {
  struct mr_new_lesion *nl = &p->nl[k][p->as[k].n_new_lesions++];
  memset(nl, 0, sizeof(*nl));
  nl->id = id;
  nl->site_text = site_text;
  nl->site = site;
  return nl;
}

/* A liver lesion of diameter mm, typical or not, equivocal or not. */
static void pt_liver(struct pt *p, int k, const char *id, double mm,
                     bool typical, bool equivocal) {
  struct mr_new_lesion *nl = pt_new(p, k, id, "liver", MR_SITE_LIVER);
  nl->has_diameter = true;
  nl->diameter_dmm = mr_mm_to_dmm(mm);
  nl->has_typical = true;
  nl->is_typical = typical;
  nl->is_equivocal = equivocal;
}

/* The protocol's options (CHALLENGE-06 defaults). */
static struct mr_options opts(void) {
  struct protocol proto;
  struct err e;
  struct mr_options o;
  err_clear(&e);
  if (protocol_default(&proto, &e) != APP_OK) {
    fprintf(stderr, "protocol_default: %s\n", e.msg);
    exit(1);
  }
  mr_options_from_protocol(&proto.response, &o);
  return o;
}

/* Evaluate; on failure the result is zeroed and the code returned. */
static int pt_eval(struct pt *p, const struct mr_options *o,
                   struct mr_result *r, struct err *e) {
  err_clear(e);
  return mrecist_evaluate(&p->in, o, r, e);
}

/* Evaluate and return the name of tp[k]'s field (target/overall); frees. */
static const char *pt_resp(struct pt *p, int k, bool overall) {
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  const char *s;
  if (pt_eval(p, &o, &r, &e) != APP_OK) {
    fprintf(stderr, "    evaluate failed: %s\n", e.msg);
    return "(error)";
  }
  s = mr_resp_name(overall ? r.timepoints[k].overall
                           : r.timepoints[k].target);
  mr_result_free(&r);
  return s ? s : "(null)";
}

static void test_options(void) {
  struct mr_options o = opts();
  CHECK(o.confirm);
  CHECK_INT_EQ(o.confirm_min_days, 28);
  CHECK_INT_EQ(o.sd_min_days, 42);
  CHECK_INT_EQ(o.max_ne_between, 1);
  CHECK_INT_EQ(o.max_sd_between, 1);
  CHECK(o.is_nt_reappearance_pd);
  CHECK_INT_EQ(o.pd_abs_min_dmm, 0);
  CHECK_INT_EQ(o.pd_pct_tenths, 200);
  CHECK_INT_EQ(o.pr_pct_tenths, 300);
  CHECK_INT_EQ(o.new_liver_min_dmm, 100);
  CHECK_INT_EQ(o.new_growth_dmm, 100);
  CHECK_INT_EQ(o.porta_node_min_dmm, 200);
  CHECK_INT_EQ(mr_mm_to_dmm(12.35), 124); /* 123.5 rounds away from 0 */
  CHECK_INT_EQ(mr_mm_to_dmm(70.1), 701);
  CHECK_INT_EQ(mr_mm_to_dmm(0.05), 1);
}

/* PR at exactly -30.0 %, SD at -29.9 %. */
static void test_pr_boundary(void) {
  struct pt p;
  double base[2] = {60.0, 40.0};
  double at[2] = {42.0, 28.0}; /* 70.0 = 100.0 * 0.7 */
  double just[2] = {42.1, 28.0};
  pt_init(&p, 2, base, 0);
  pt_add(&p, 56, at, MR_NT_PRESENT);
  CHECK_STR_EQ(pt_resp(&p, 0, false), "PR");
  pt_init(&p, 2, base, 0);
  pt_add(&p, 56, just, MR_NT_PRESENT);
  CHECK_STR_EQ(pt_resp(&p, 0, false), "SD");
  /* Three targets whose doubles do not sum to 70 exactly: 0.1+0.2+69.7. */
  {
    double b3[3] = {10.0, 20.0, 70.0};
    double a3[3] = {0.1, 0.2, 69.7};
    pt_init(&p, 3, b3, 0);
    pt_add(&p, 56, a3, MR_NT_PRESENT);
    CHECK_STR_EQ(pt_resp(&p, 0, false), "PR");
  }
}

/* PD at exactly +20.0 % above the nadir, SD at +19.9 %. */
static void test_pd_boundary(void) {
  struct pt p;
  double base[1] = {100.0};
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 80.0); /* SD, nadir 80 */
  pt_add1(&p, 112, 96.0);
  CHECK_STR_EQ(pt_resp(&p, 1, false), "PD");
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_NEAR(r.timepoints[1].change_nadir_pct, 20.0, 1e-12);
  CHECK_NEAR(r.timepoints[1].change_baseline_pct, -4.0, 1e-12);
  mr_result_free(&r);
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 80.0);
  pt_add1(&p, 112, 95.9);
  CHECK_STR_EQ(pt_resp(&p, 1, false), "SD");
  /* Against the baseline as nadir: 120.0 is PD, 119.9 SD. */
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 120.0);
  CHECK_STR_EQ(pt_resp(&p, 0, false), "PD");
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 119.9);
  CHECK_STR_EQ(pt_resp(&p, 0, false), "SD");
}

/* pd_abs_min_mm 5: +20 % with only +4.9 mm is not PD; +5.0 mm is. */
static void test_pd_abs_min(void) {
  struct pt p;
  double base[1] = {100.0};
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  o.pd_abs_min_dmm = mr_mm_to_dmm(5.0);
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 24.5);  /* PR, nadir 24.5 */
  pt_add1(&p, 112, 29.4); /* +20.0 % but +4.9 mm */
  pt_add1(&p, 168, 29.5); /* nadir still 24.5: +20.4 %, +5.0 mm */
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].target), "PR");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].target), "PD");
  mr_result_free(&r);
  /* The same scans without the absolute floor: PD already at 29.4. */
  o.pd_abs_min_dmm = 0;
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].target), "PD");
  mr_result_free(&r);
}

/* The nadir follows the smallest evaluable sum, not NE time points. */
static void test_nadir(void) {
  struct pt p;
  double base[1] = {100.0};
  double base2[2] = {50.0, 50.0};
  double partial[2] = {20.0, NAN};
  double full[2] = {30.0, 30.0};
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 80.0);  /* SD */
  pt_add1(&p, 112, 60.0); /* PR, nadir 60 */
  pt_add1(&p, 168, 72.0); /* -28 % from baseline but +20 % from nadir */
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].target), "PR");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].target), "PD");
  CHECK_NEAR(r.timepoints[2].change_nadir_pct, 20.0, 1e-12);
  CHECK_NEAR(r.timepoints[2].change_baseline_pct, -28.0, 1e-12);
  mr_result_free(&r);
  /* A partial sum of 20 at an NE time point does not lower the nadir: 60
  ** afterwards is a PR (-40 %), not a PD against 20. */
  pt_init(&p, 2, base2, 0);
  pt_add(&p, 56, partial, MR_NT_PRESENT);
  pt_add(&p, 112, full, MR_NT_PRESENT);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].target), "NE");
  CHECK(!r.timepoints[0].has_sum);
  CHECK(isnan(r.timepoints[0].change_baseline_pct));
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].target), "PR");
  mr_result_free(&r);
}

/* Sum 0 is CR; viable tumour after a sum of 0 is PD. */
static void test_cr_and_reappearance(void) {
  struct pt p;
  double base[2] = {30.0, 20.0};
  double zero[2] = {0.0, 0.0};
  double back[2] = {0.0, 0.1};
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  pt_init(&p, 2, base, 0);
  pt_add(&p, 56, zero, MR_NT_ABSENT);
  pt_add(&p, 112, back, MR_NT_ABSENT);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].target), "CR");
  CHECK_NEAR(r.timepoints[0].change_baseline_pct, -100.0, 1e-12);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].target), "PD");
  CHECK(isnan(r.timepoints[1].change_nadir_pct)); /* nadir 0 */
  CHECK_INT_EQ(r.timepoints[1].sum_dmm, 1);
  mr_result_free(&r);
}

/* An unmeasured target gives NE unless the measured ones prove PD. */
static void test_unmeasured(void) {
  struct pt p;
  double base[2] = {50.0, 50.0};
  double some[2] = {40.0, NAN};
  double pd[2] = {120.0, NAN}; /* 120 alone is +20 % of 100 */
  double almost[2] = {119.9, NAN};
  pt_init(&p, 2, base, 0);
  pt_add(&p, 56, some, MR_NT_PRESENT);
  CHECK_STR_EQ(pt_resp(&p, 0, false), "NE");
  CHECK_STR_EQ(pt_resp(&p, 0, true), "NE");
  pt_init(&p, 2, base, 0);
  pt_add(&p, 56, pd, MR_NT_PRESENT);
  CHECK_STR_EQ(pt_resp(&p, 0, false), "PD");
  CHECK_STR_EQ(pt_resp(&p, 0, true), "PD");
  pt_init(&p, 2, base, 0);
  pt_add(&p, 56, almost, MR_NT_PRESENT);
  CHECK_STR_EQ(pt_resp(&p, 0, false), "NE");
  /* A target missing from the list counts as not evaluated. */
  pt_init(&p, 2, base, 0);
  pt_add(&p, 56, some, MR_NT_PRESENT);
  p.as[0].n_targets = 1;
  CHECK_STR_EQ(pt_resp(&p, 0, false), "NE");
}

/* Overall response of a one-scan patient with target mm (NAN: NE),
** non-target status nt (n_nt non-targets; -1 none), and a new lesion. */
static const char *overall_of(double mm, int nt, bool new_lesion) {
  static char out[32];
  struct pt p;
  double base[1] = {100.0};
  int k;
  pt_init(&p, 1, base, nt < 0 ? 0 : 1);
  k = pt_add1(&p, 56, mm);
  if (nt >= 0) {
    p.no[k][0].status = (enum mr_nt_status)nt;
  }
  if (new_lesion) {
    pt_new(&p, k, "X1", "lung", MR_SITE_OTHER);
  }
  snprintf(out, sizeof(out), "%s", pt_resp(&p, k, true));
  return out;
}

/* Overall response of a non-target-only one-scan patient. */
static const char *overall_nt_only(enum mr_nt_status nt, bool new_lesion) {
  static char out[32];
  struct pt p;
  int k;
  pt_init(&p, 0, NULL, 2);
  k = pt_add(&p, 56, NULL, nt);
  if (new_lesion) {
    pt_new(&p, k, "X1", "bone", MR_SITE_OTHER);
  }
  snprintf(out, sizeof(out), "%s", pt_resp(&p, k, true));
  return out;
}

/* Every row of the overall table (RECIST 1.1 Tables 1 and 2). */
static void test_overall_table(void) {
  /* Target CR (0 mm). */
  CHECK_STR_EQ(overall_of(0.0, MR_NT_ABSENT, false), "CR");
  CHECK_STR_EQ(overall_of(0.0, -1, false), "CR");
  CHECK_STR_EQ(overall_of(0.0, MR_NT_PRESENT, false), "PR");
  CHECK_STR_EQ(overall_of(0.0, MR_NT_NOT_EVALUATED, false), "PR");
  CHECK_STR_EQ(overall_of(0.0, MR_NT_PROGRESSION, false), "PD");
  CHECK_STR_EQ(overall_of(0.0, MR_NT_ABSENT, true), "PD");
  /* Target PR (50 mm). */
  CHECK_STR_EQ(overall_of(50.0, MR_NT_ABSENT, false), "PR");
  CHECK_STR_EQ(overall_of(50.0, MR_NT_PRESENT, false), "PR");
  CHECK_STR_EQ(overall_of(50.0, MR_NT_NOT_EVALUATED, false), "PR");
  CHECK_STR_EQ(overall_of(50.0, MR_NT_PROGRESSION, false), "PD");
  CHECK_STR_EQ(overall_of(50.0, MR_NT_PRESENT, true), "PD");
  /* Target SD (90 mm). */
  CHECK_STR_EQ(overall_of(90.0, MR_NT_PRESENT, false), "SD");
  CHECK_STR_EQ(overall_of(90.0, MR_NT_NOT_EVALUATED, false), "SD");
  CHECK_STR_EQ(overall_of(90.0, -1, false), "SD");
  CHECK_STR_EQ(overall_of(90.0, MR_NT_PROGRESSION, false), "PD");
  CHECK_STR_EQ(overall_of(90.0, MR_NT_ABSENT, true), "PD");
  /* Target NE. */
  CHECK_STR_EQ(overall_of(NAN, MR_NT_PRESENT, false), "NE");
  CHECK_STR_EQ(overall_of(NAN, MR_NT_ABSENT, false), "NE");
  CHECK_STR_EQ(overall_of(NAN, MR_NT_NOT_EVALUATED, false), "NE");
  CHECK_STR_EQ(overall_of(NAN, MR_NT_PROGRESSION, false), "PD");
  CHECK_STR_EQ(overall_of(NAN, MR_NT_PRESENT, true), "PD");
  /* Target PD (130 mm). */
  CHECK_STR_EQ(overall_of(130.0, MR_NT_ABSENT, false), "PD");
  CHECK_STR_EQ(overall_of(130.0, MR_NT_NOT_EVALUATED, false), "PD");
  /* Non-target disease only (Table 2). */
  CHECK_STR_EQ(overall_nt_only(MR_NT_ABSENT, false), "CR");
  CHECK_STR_EQ(overall_nt_only(MR_NT_PRESENT, false), "NON-CR/NON-PD");
  CHECK_STR_EQ(overall_nt_only(MR_NT_NOT_EVALUATED, false), "NE");
  CHECK_STR_EQ(overall_nt_only(MR_NT_PROGRESSION, false), "PD");
  CHECK_STR_EQ(overall_nt_only(MR_NT_ABSENT, true), "PD");
}

/* Non-target status: one progression wins, then NE, then all absent. */
static void test_nontarget_mix(void) {
  struct pt p;
  double base[1] = {100.0};
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  int k;
  pt_init(&p, 1, base, 3);
  k = pt_add1(&p, 56, 90.0);
  p.no[k][0].status = MR_NT_ABSENT;
  p.no[k][1].status = MR_NT_NOT_EVALUATED;
  p.no[k][2].status = MR_NT_PROGRESSION;
  k = pt_add1(&p, 112, 90.0);
  p.no[k][0].status = MR_NT_ABSENT;
  p.no[k][1].status = MR_NT_ABSENT;
  p.no[k][2].status = MR_NT_NOT_EVALUATED;
  k = pt_add1(&p, 168, 90.0);
  p.no[k][0].status = MR_NT_ABSENT;
  p.no[k][1].status = MR_NT_PRESENT;
  p.no[k][2].status = MR_NT_ABSENT;
  k = pt_add1(&p, 224, 90.0);
  p.no[k][0].status = MR_NT_ABSENT;
  p.no[k][1].status = MR_NT_ABSENT;
  p.no[k][2].status = MR_NT_ABSENT;
  k = pt_add1(&p, 280, 90.0);
  p.as[k].n_nontargets = 2; /* N3 missing from the list */
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].nontarget), "PD");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].nontarget), "NE");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].nontarget), "NON-CR/NON-PD");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[3].nontarget), "CR");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[4].nontarget), "NE");
  mr_result_free(&r);
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 90.0);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK(r.timepoints[0].nontarget == MR_NONE);
  mr_result_free(&r);
}

/* Does a single new lesion at the first scan of an SD patient give PD? */
static const char *new_case(struct mr_new_lesion proto_nl) {
  static char out[32];
  struct pt p;
  double base[1] = {100.0};
  struct mr_new_lesion *nl;
  int k;
  pt_init(&p, 1, base, 0);
  k = pt_add1(&p, 56, 90.0);
  nl = pt_new(&p, k, "X1", proto_nl.site_text, proto_nl.site);
  *nl = proto_nl;
  nl->id = "X1";
  snprintf(out, sizeof(out), "%s", pt_resp(&p, k, true));
  return out;
}

/* Each new-lesion site rule at its boundary. */
static void test_new_lesion_sites(void) {
  struct mr_new_lesion nl;
  memset(&nl, 0, sizeof(nl));
  nl.site = MR_SITE_LIVER;
  nl.site_text = "liver";
  nl.has_diameter = true;
  nl.has_typical = true;
  nl.is_typical = true;
  nl.diameter_dmm = 99;
  CHECK_STR_EQ(new_case(nl), "SD");
  nl.diameter_dmm = 100;
  CHECK_STR_EQ(new_case(nl), "PD");
  nl.is_typical = false;
  CHECK_STR_EQ(new_case(nl), "SD");
  nl.is_typical = true;
  nl.is_equivocal = true;
  CHECK_STR_EQ(new_case(nl), "SD");
  memset(&nl, 0, sizeof(nl));
  nl.site = MR_SITE_PORTA_NODE;
  nl.site_text = "porta_hepatis_node";
  nl.has_short_axis = true;
  nl.short_axis_dmm = 199;
  CHECK_STR_EQ(new_case(nl), "SD");
  nl.short_axis_dmm = 200;
  CHECK_STR_EQ(new_case(nl), "PD");
  memset(&nl, 0, sizeof(nl));
  nl.site = MR_SITE_ASCITES;
  nl.site_text = "ascites";
  nl.has_cytology = true;
  nl.is_cytology_positive = false;
  CHECK_STR_EQ(new_case(nl), "SD");
  nl.is_cytology_positive = true;
  CHECK_STR_EQ(new_case(nl), "PD");
  nl.site = MR_SITE_PLEURAL_EFFUSION;
  nl.site_text = "pleural_effusion";
  CHECK_STR_EQ(new_case(nl), "PD");
  nl.is_cytology_positive = false;
  CHECK_STR_EQ(new_case(nl), "SD");
  memset(&nl, 0, sizeof(nl));
  nl.site = MR_SITE_OTHER;
  nl.site_text = "lung";
  CHECK_STR_EQ(new_case(nl), "PD");
  nl.is_equivocal = true;
  CHECK_STR_EQ(new_case(nl), "SD");
}

/* Missing site fields are errors naming the field. */
static void test_new_lesion_required(void) {
  struct pt p;
  double base[1] = {100.0};
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  struct mr_new_lesion *nl;
  int k;
  pt_init(&p, 1, base, 0);
  k = pt_add1(&p, 56, 90.0);
  nl = pt_new(&p, k, "X1", "liver", MR_SITE_LIVER);
  nl->has_diameter = true;
  nl->diameter_dmm = 120;
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "assessments[0].new_lesions[0].typical") != NULL);
  nl->has_typical = true;
  nl->has_diameter = false;
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "assessments[0].new_lesions[0].diameter_mm") != NULL);
  *nl = (struct mr_new_lesion){0};
  nl->id = "X1";
  nl->site = MR_SITE_PORTA_NODE;
  nl->site_text = "porta_hepatis_node";
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "new_lesions[0].short_axis_mm") != NULL);
  nl->site = MR_SITE_ASCITES;
  nl->site_text = "ascites";
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "new_lesions[0].cytology_positive") != NULL);
  nl->site = MR_SITE_OTHER;
  nl->site_text = "bone";
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  mr_result_free(&r);
}

/* Equivocal liver lesions confirmed later: PD back-dated to first sight. */
static void test_backdating(void) {
  struct pt p;
  double base[1] = {100.0};
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  /* PR, PR(+8 mm atypical lesion), PR(lesion typical 11 mm). */
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 50.0);
  pt_add1(&p, 112, 50.0);
  pt_liver(&p, 1, "L1", 8.0, false, false);
  pt_add1(&p, 168, 50.0);
  pt_liver(&p, 2, "L1", 11.0, true, false);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].overall), "PR");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PD");
  CHECK(r.timepoints[1].has_new_lesion);
  CHECK(r.timepoints[1].is_backdated);
  CHECK(r.timepoints[2].has_new_lesion);
  CHECK(r.has_progression);
  CHECK_INT_EQ(r.progression_date, day0() + 112);
  /* The PR at day 56 has no confirming scan before the PD: SD. */
  CHECK_STR_EQ(mr_resp_name(r.best), "SD");
  CHECK_INT_EQ(r.confirmed, 0);
  mr_result_free(&r);
  /* Not yet confirmed (8 -> 9.9 mm atypical: neither): no PD, PR. */
  p.nl[2][0].is_typical = false;
  p.nl[2][0].diameter_dmm = 179; /* +9.9 mm since 8.0 */
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PR");
  CHECK(!r.timepoints[1].has_new_lesion);
  CHECK(!r.has_progression);
  CHECK_STR_EQ(mr_resp_name(r.best), "PR");
  CHECK_INT_EQ(r.confirmed, 1);
  mr_result_free(&r);
  /* Confirmed by growth of exactly 10.0 mm (8.0 -> 18.0), still atypical. */
  p.nl[2][0].diameter_dmm = 180;
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PD");
  CHECK_INT_EQ(r.progression_date, day0() + 112);
  mr_result_free(&r);
  /* A typical 12 mm lesion first called equivocal, confirmed unequivocal
  ** later: PD at its first sighting. */
  p.nl[1][0].diameter_dmm = 120;
  p.nl[1][0].is_typical = true;
  p.nl[1][0].is_equivocal = true;
  p.nl[2][0].diameter_dmm = 125;
  p.nl[2][0].is_typical = true;
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PD");
  CHECK(r.timepoints[1].is_backdated);
  mr_result_free(&r);
  /* Equivocal lung nodule confirmed at the next scan: back-dated too. */
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 90.0);
  pt_new(&p, 0, "X1", "lung", MR_SITE_OTHER)->is_equivocal = true;
  pt_add1(&p, 112, 90.0);
  pt_new(&p, 1, "X1", "lung", MR_SITE_OTHER);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].overall), "PD");
  CHECK_INT_EQ(r.progression_date, day0() + 56);
  CHECK_STR_EQ(mr_resp_name(r.best), "PD");
  mr_result_free(&r);
  /* A porta node of 15 mm growing to 20 mm counts when it reaches 20 mm
  ** (not back-dated: it was not equivocal, just below the limit). */
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 90.0);
  {
    struct mr_new_lesion *nl = pt_new(&p, 0, "P1", "porta_hepatis_node",
                                      MR_SITE_PORTA_NODE);
    nl->has_short_axis = true;
    nl->short_axis_dmm = 150;
  }
  pt_add1(&p, 112, 90.0);
  {
    struct mr_new_lesion *nl = pt_new(&p, 1, "P1", "porta_hepatis_node",
                                      MR_SITE_PORTA_NODE);
    nl->has_short_axis = true;
    nl->short_axis_dmm = 200;
  }
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].overall), "SD");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PD");
  CHECK_INT_EQ(r.progression_date, day0() + 112);
  mr_result_free(&r);
}

/* BOR of a one-target patient with scans at days[] of mm[] (n scans). */
static const char *bor_of(const int *days, const double *mm, int n,
                          const struct mr_options *o, int *confirmed) {
  static char out[32];
  struct pt p;
  double base[1] = {100.0};
  struct mr_result r;
  struct err e;
  int k;
  pt_init(&p, 1, base, 0);
  for (k = 0; k < n; k++) {
    pt_add1(&p, days[k], mm[k]);
  }
  if (pt_eval(&p, o, &r, &e) != APP_OK) {
    fprintf(stderr, "    evaluate failed: %s\n", e.msg);
    return "(error)";
  }
  snprintf(out, sizeof(out), "%s", mr_resp_name(r.best));
  *confirmed = r.confirmed;
  mr_result_free(&r);
  return out;
}

/* Confirmation interval, NE between, SD between, SD minimum duration. */
static void test_bor_confirmation(void) {
  struct mr_options o = opts();
  int conf = 9;
  {
    int d[2] = {56, 56 + 27};
    double m[2] = {50.0, 50.0};
    CHECK_STR_EQ(bor_of(d, m, 2, &o, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
  }
  {
    int d[2] = {56, 56 + 28};
    double m[2] = {50.0, 50.0};
    CHECK_STR_EQ(bor_of(d, m, 2, &o, &conf), "PR");
    CHECK_INT_EQ(conf, 1);
  }
  {
    int d[2] = {56, 56 + 28}; /* PR confirmed by a CR: PR */
    double m[2] = {50.0, 0.0};
    CHECK_STR_EQ(bor_of(d, m, 2, &o, &conf), "PR");
    CHECK_INT_EQ(conf, 1);
  }
  {
    int d[2] = {56, 56 + 28};
    double m[2] = {0.0, 0.0};
    CHECK_STR_EQ(bor_of(d, m, 2, &o, &conf), "CR");
    CHECK_INT_EQ(conf, 1);
  }
  {
    int d[2] = {56, 56 + 27};
    double m[2] = {0.0, 0.0};
    CHECK_STR_EQ(bor_of(d, m, 2, &o, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
  }
  {
    int d[3] = {56, 84, 112}; /* one NE between */
    double m[3] = {50.0, NAN, 50.0};
    CHECK_STR_EQ(bor_of(d, m, 3, &o, &conf), "PR");
    CHECK_INT_EQ(conf, 1);
  }
  {
    int d[4] = {56, 70, 84, 112}; /* two NE between */
    double m[4] = {50.0, NAN, NAN, 50.0};
    CHECK_STR_EQ(bor_of(d, m, 4, &o, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
  }
  {
    int d[4] = {56, 70, 84, 112}; /* CR, two NE, CR */
    double m[4] = {0.0, NAN, NAN, 0.0};
    CHECK_STR_EQ(bor_of(d, m, 4, &o, &conf), "SD");
  }
  {
    /* PR (65: -35 %), SD (75: -25 % from baseline, +15.4 % from the nadir
    ** 65), PR: one SD between is allowed. */
    int d[3] = {56, 112, 168};
    double m[3] = {65.0, 75.0, 65.0};
    CHECK_STR_EQ(bor_of(d, m, 3, &o, &conf), "PR");
    o.max_sd_between = 0; /* admiralonco accept_sd = FALSE */
    CHECK_STR_EQ(bor_of(d, m, 3, &o, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
    o.max_sd_between = 1;
  }
  {
    int d[4] = {56, 112, 168, 224}; /* PR, SD, SD, PR */
    double m[4] = {65.0, 75.0, 75.0, 65.0};
    /* Two SD between: the first PR is not confirmed, the last has nothing
    ** after it; both count as SD. */
    CHECK_STR_EQ(bor_of(d, m, 4, &o, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
  }
  {
    int d[1] = {41}; /* SD before sd_min_days */
    double m[1] = {90.0};
    CHECK_STR_EQ(bor_of(d, m, 1, &o, &conf), "NE");
    CHECK_INT_EQ(conf, -1);
  }
  {
    int d[1] = {42};
    double m[1] = {90.0};
    CHECK_STR_EQ(bor_of(d, m, 1, &o, &conf), "SD");
  }
  {
    int d[1] = {41}; /* unconfirmed PR before sd_min_days: NE */
    double m[1] = {50.0};
    CHECK_STR_EQ(bor_of(d, m, 1, &o, &conf), "NE");
    CHECK_INT_EQ(conf, 0);
  }
  {
    int d[2] = {41, 200}; /* early SD then PD: PD */
    double m[2] = {90.0, 130.0};
    CHECK_STR_EQ(bor_of(d, m, 2, &o, &conf), "PD");
  }
  {
    int d[4] = {56, 112, 168, 224}; /* SD, PD, then PR PR ignored */
    double m[4] = {90.0, 110.0, 50.0, 50.0};
    struct pt p;
    double base[1] = {100.0};
    struct mr_result r;
    struct err e;
    int k;
    /* 110 is +22.2 % over the nadir 90: PD at day 112. */
    CHECK_STR_EQ(bor_of(d, m, 4, &o, &conf), "SD");
    CHECK_INT_EQ(conf, -1);
    pt_init(&p, 1, base, 0);
    for (k = 0; k < 4; k++) {
      pt_add1(&p, d[k], m[k]);
    }
    CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
    CHECK_INT_EQ(r.progression_date, day0() + 112);
    CHECK_INT_EQ(r.n_timepoints, 4);
    CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "PR");
    mr_result_free(&r);
  }
  {
    int conf2 = 9;
    CHECK_STR_EQ(bor_of(NULL, NULL, 0, &o, &conf2), "NE");
    CHECK_INT_EQ(conf2, -1);
  }
  /* Without confirmation: the best time point counts as it is. */
  o.confirm = false;
  {
    int d[1] = {56};
    double m[1] = {50.0};
    CHECK_STR_EQ(bor_of(d, m, 1, &o, &conf), "PR");
    CHECK_INT_EQ(conf, 0);
  }
  {
    int d[1] = {41};
    double m[1] = {90.0};
    CHECK_STR_EQ(bor_of(d, m, 1, &o, &conf), "NE");
  }
}

/* Options of the default protocol with its response rules changed by the
** caller's function (the protocol -> options wiring under test). */
static struct mr_options opts_with(void (*change)(struct response_rules *)) {
  struct protocol proto;
  struct err e;
  struct mr_options o;
  err_clear(&e);
  if (protocol_default(&proto, &e) != APP_OK) {
    fprintf(stderr, "protocol_default: %s\n", e.msg);
    exit(1);
  }
  change(&proto.response);
  mr_options_from_protocol(&proto.response, &o);
  return o;
}

static void no_sd(struct response_rules *r) { r->accept_sd_between = false; }
static void yes_sd(struct response_rules *r) { r->accept_sd_between = true; }
static void ne_0(struct response_rules *r) { r->max_ne_between = 0; }
static void ne_1(struct response_rules *r) { r->max_ne_between = 1; }
static void ne_2(struct response_rules *r) { r->max_ne_between = 2; }
static void reappear_pd(struct response_rules *r) {
  r->nt_reappearance = NT_REAPPEAR_PD;
}
static void reappear_persist(struct response_rules *r) {
  r->nt_reappearance = NT_REAPPEAR_NON_CR_NON_PD;
}

/* PR at day 56 (target 50 of 100, non-target present), CR at day 56 + gap
** (target 0, non-target absent), then at day 168 target 0 with the
** non-target third_nt: not_evaluated gives an overall PR under either
** reappearance rule (RECIST 1.1 Table 1: CR, not evaluated, no new -> PR);
** present gives a PR only when reappearance is non-target persistence.
** Evaluates with o into *r (caller frees). */
static int pr_cr_pr(int gap, enum mr_nt_status third_nt,
                    const struct mr_options *o, struct mr_result *r) {
  struct pt p;
  double base[1] = {100.0};
  struct err e;
  int k;
  pt_init(&p, 1, base, 1);
  pt_add1(&p, 56, 50.0);
  k = pt_add1(&p, 56 + gap, 0.0);
  p.no[k][0].status = MR_NT_ABSENT;
  k = pt_add1(&p, 168, 0.0);
  p.no[k][0].status = third_nt;
  if (pt_eval(&p, o, r, &e) != APP_OK) {
    fprintf(stderr, "    evaluate failed: %s\n", e.msg);
    return -1;
  }
  return 0;
}

/* PR, CR, PR (issue 12 item 0b).  The PR is confirmed by the CR when the
** CR is >= confirm_min_days after it (RECIST 1.1 Table 3: PR then CR is a
** PR); a CR earlier than that cannot carry the PR to the later PR, because
** a PR after a CR in the confirmation period confirms nothing (clinical-
** rules.md 1.8, admiralonco).  Everything then counts as unconfirmed, i.e.
** SD (scans from day 56 >= sd_min_days). */
static void test_pr_cr_pr(void) {
  struct mr_options o = opts();
  struct mr_options persist = opts_with(reappear_persist);
  struct mr_result r;
  int gap;
  CHECK_INT_EQ(o.confirm_min_days, 28);
  /* CR at confirm_min_days - 1: not a confirmation; then the PR after the
  ** CR confirms nothing.  (Before the fix: "PR", confirmed.) */
  CHECK(pr_cr_pr(27, MR_NT_NOT_EVALUATED, &o, &r) == 0);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].overall), "PR");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "CR");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "PR");
  CHECK_STR_EQ(mr_resp_name(r.best), "SD");
  CHECK_INT_EQ(r.confirmed, 0);
  CHECK(!r.has_progression);
  mr_result_free(&r);
  /* Exactly confirm_min_days and one more: the CR confirms the PR. */
  for (gap = 28; gap <= 29; gap++) {
    CHECK(pr_cr_pr(gap, MR_NT_NOT_EVALUATED, &o, &r) == 0);
    CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "PR");
    CHECK_STR_EQ(mr_resp_name(r.best), "PR");
    CHECK_INT_EQ(r.confirmed, 1);
    mr_result_free(&r);
  }
  /* The same with the non-target back and reappearance read as
  ** persistence: the third scan is a PR, and the boundaries are the
  ** same. */
  CHECK(pr_cr_pr(27, MR_NT_PRESENT, &persist, &r) == 0);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].nontarget), "NON-CR/NON-PD");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "PR");
  CHECK_STR_EQ(mr_resp_name(r.best), "SD");
  CHECK_INT_EQ(r.confirmed, 0);
  mr_result_free(&r);
  for (gap = 28; gap <= 29; gap++) {
    CHECK(pr_cr_pr(gap, MR_NT_PRESENT, &persist, &r) == 0);
    CHECK_STR_EQ(mr_resp_name(r.best), "PR");
    CHECK_INT_EQ(r.confirmed, 1);
    mr_result_free(&r);
  }
  /* Default (reappearance is PD): the third scan is the progression, the
  ** BOR is SD at day 27 and a confirmed PR from day 28. */
  CHECK(pr_cr_pr(27, MR_NT_PRESENT, &o, &r) == 0);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].nontarget), "PD");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "PD");
  CHECK_STR_EQ(mr_resp_name(r.best), "SD");
  CHECK_INT_EQ(r.confirmed, 0);
  CHECK(r.has_progression);
  CHECK_INT_EQ(r.progression_date, day0() + 168);
  mr_result_free(&r);
  for (gap = 28; gap <= 29; gap++) {
    CHECK(pr_cr_pr(gap, MR_NT_PRESENT, &o, &r) == 0);
    CHECK_STR_EQ(mr_resp_name(r.best), "PR");
    CHECK_INT_EQ(r.confirmed, 1);
    CHECK_INT_EQ(r.progression_date, day0() + 168);
    mr_result_free(&r);
  }
  /* The rule stops at a PR after the CR: PR, CR (27 days), CR confirms
  ** both the PR (no PR in between) and the CR. */
  {
    struct pt p;
    double base[1] = {100.0};
    struct err e;
    int k;
    pt_init(&p, 1, base, 1);
    pt_add1(&p, 56, 50.0);
    k = pt_add1(&p, 83, 0.0);
    p.no[k][0].status = MR_NT_ABSENT;
    k = pt_add1(&p, 168, 0.0);
    p.no[k][0].status = MR_NT_ABSENT;
    CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
    CHECK_STR_EQ(mr_resp_name(r.best), "CR");
    CHECK_INT_EQ(r.confirmed, 1);
    mr_result_free(&r);
    /* CR, PR, PR: the window of the second PR holds no CR, so the last PR
    ** confirms it (admiralonco looks only after the PR); the casebook
    ** raises cr_then_pr for both PRs. */
    pt_init(&p, 1, base, 1);
    k = pt_add1(&p, 56, 0.0);
    p.no[k][0].status = MR_NT_ABSENT;
    k = pt_add1(&p, 112, 0.0);
    p.no[k][0].status = MR_NT_NOT_EVALUATED;
    k = pt_add1(&p, 168, 0.0);
    p.no[k][0].status = MR_NT_NOT_EVALUATED;
    CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
    CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PR");
    CHECK_STR_EQ(mr_resp_name(r.best), "PR");
    CHECK_INT_EQ(r.confirmed, 1);
    mr_result_free(&r);
  }
}

/* accept_sd_between_confirmations, each value, from the protocol: PR, SD,
** PR (one SD between) and PR, SD, SD, PR (two). */
static void test_accept_sd_option(void) {
  struct mr_options yes = opts_with(yes_sd);
  struct mr_options no = opts_with(no_sd);
  int conf = 9;
  CHECK_INT_EQ(yes.max_sd_between, 1);
  CHECK_INT_EQ(no.max_sd_between, 0);
  {
    /* 65 is -35 %; 75 is -25 % (SD) and +15.4 % over the nadir 65. */
    int d[3] = {56, 112, 168};
    double m[3] = {65.0, 75.0, 65.0};
    CHECK_STR_EQ(bor_of(d, m, 3, &yes, &conf), "PR");
    CHECK_INT_EQ(conf, 1);
    CHECK_STR_EQ(bor_of(d, m, 3, &no, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
  }
  {
    int d[4] = {56, 112, 168, 224};
    double m[4] = {65.0, 75.0, 75.0, 65.0};
    CHECK_STR_EQ(bor_of(d, m, 4, &yes, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
    CHECK_STR_EQ(bor_of(d, m, 4, &no, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
  }
  {
    /* No SD between: both values confirm. */
    int d[2] = {56, 112};
    double m[2] = {65.0, 65.0};
    CHECK_STR_EQ(bor_of(d, m, 2, &no, &conf), "PR");
    CHECK_INT_EQ(conf, 1);
  }
}

/* max_ne_between_confirmations 0, 1 and 2 from the protocol: PR, NE, PR and
** PR, NE, NE, PR; and a CR with one NE between. */
static void test_max_ne_option(void) {
  struct mr_options n0 = opts_with(ne_0);
  struct mr_options n1 = opts_with(ne_1);
  struct mr_options n2 = opts_with(ne_2);
  int conf = 9;
  CHECK_INT_EQ(n0.max_ne_between, 0);
  CHECK_INT_EQ(n2.max_ne_between, 2);
  {
    int d[3] = {56, 84, 112};
    double m[3] = {50.0, NAN, 50.0};
    CHECK_STR_EQ(bor_of(d, m, 3, &n0, &conf), "SD");
    CHECK_INT_EQ(conf, 0);
    CHECK_STR_EQ(bor_of(d, m, 3, &n1, &conf), "PR");
    CHECK_INT_EQ(conf, 1);
    CHECK_STR_EQ(bor_of(d, m, 3, &n2, &conf), "PR");
    CHECK_INT_EQ(conf, 1);
  }
  {
    int d[4] = {56, 70, 84, 112};
    double m[4] = {50.0, NAN, NAN, 50.0};
    CHECK_STR_EQ(bor_of(d, m, 4, &n0, &conf), "SD");
    CHECK_STR_EQ(bor_of(d, m, 4, &n1, &conf), "SD");
    CHECK_STR_EQ(bor_of(d, m, 4, &n2, &conf), "PR");
    CHECK_INT_EQ(conf, 1);
  }
  {
    int d[3] = {56, 84, 112};
    double m[3] = {0.0, NAN, 0.0};
    CHECK_STR_EQ(bor_of(d, m, 3, &n0, &conf), "SD");
    CHECK_STR_EQ(bor_of(d, m, 3, &n1, &conf), "CR");
    CHECK_INT_EQ(conf, 1);
  }
}

/* A non-target seen again after an overall CR, under each value of
** nontarget_reappearance_after_cr. */
static void test_nontarget_reappearance(void) {
  struct mr_options pd = opts_with(reappear_pd);
  struct mr_options persist = opts_with(reappear_persist);
  struct pt p;
  double base[1] = {100.0};
  double base2[1] = {100.0};
  struct mr_result r;
  struct err e;
  int k;
  CHECK(pd.is_nt_reappearance_pd);
  CHECK(!persist.is_nt_reappearance_pd);
  /* Targets CR throughout; the non-target absent (overall CR, confirmed)
  ** then present again at day 168. */
  pt_init(&p, 1, base, 1);
  k = pt_add1(&p, 56, 0.0);
  p.no[k][0].status = MR_NT_ABSENT;
  k = pt_add1(&p, 112, 0.0);
  p.no[k][0].status = MR_NT_ABSENT;
  k = pt_add1(&p, 168, 0.0);
  CHECK(p.no[k][0].status == MR_NT_PRESENT);
  CHECK(pt_eval(&p, &pd, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].nontarget), "PD");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "PD");
  CHECK_STR_EQ(mr_resp_name(r.best), "CR");
  CHECK_INT_EQ(r.confirmed, 1);
  CHECK(r.has_progression);
  CHECK_INT_EQ(r.progression_date, day0() + 168);
  mr_result_free(&r);
  CHECK(pt_eval(&p, &persist, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].nontarget), "NON-CR/NON-PD");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "PR");
  CHECK_STR_EQ(mr_resp_name(r.best), "CR");
  CHECK(!r.has_progression);
  mr_result_free(&r);
  /* After the CR, one non-target back and another not evaluated: the one
  ** that is back decides (PD), as a progression would. */
  pt_init(&p, 1, base, 2);
  k = pt_add1(&p, 56, 0.0);
  p.no[k][0].status = MR_NT_ABSENT;
  p.no[k][1].status = MR_NT_ABSENT;
  k = pt_add1(&p, 112, 0.0);
  p.no[k][0].status = MR_NT_NOT_EVALUATED;
  p.no[k][1].status = MR_NT_PRESENT;
  CHECK(pt_eval(&p, &pd, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].nontarget), "PD");
  mr_result_free(&r);
  CHECK(pt_eval(&p, &persist, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].nontarget), "NE");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PR");
  mr_result_free(&r);
  /* Without an overall CR before, a non-target that was absent and is
  ** present again is not a reappearance after CR: targets PR with the
  ** non-target absent is an overall PR, not CR. */
  pt_init(&p, 1, base2, 1);
  k = pt_add1(&p, 56, 50.0);
  p.no[k][0].status = MR_NT_ABSENT;
  pt_add1(&p, 112, 50.0);
  CHECK(pt_eval(&p, &pd, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].overall), "PR");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].nontarget), "NON-CR/NON-PD");
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PR");
  CHECK(!r.has_progression);
  mr_result_free(&r);
  /* Targets CR with the non-target not evaluated is an overall PR, so a
  ** non-target present afterwards is not after a CR either. */
  pt_init(&p, 1, base2, 1);
  k = pt_add1(&p, 56, 0.0);
  p.no[k][0].status = MR_NT_NOT_EVALUATED;
  pt_add1(&p, 112, 0.0);
  CHECK(pt_eval(&p, &pd, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PR");
  mr_result_free(&r);
  /* Non-target disease only: CR, CR, then present again. */
  pt_init(&p, 0, NULL, 1);
  pt_add(&p, 56, NULL, MR_NT_ABSENT);
  pt_add(&p, 112, NULL, MR_NT_ABSENT);
  pt_add(&p, 168, NULL, MR_NT_PRESENT);
  CHECK(pt_eval(&p, &pd, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "PD");
  CHECK_STR_EQ(mr_resp_name(r.best), "CR");
  CHECK_INT_EQ(r.progression_date, day0() + 168);
  mr_result_free(&r);
  CHECK(pt_eval(&p, &persist, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[2].overall), "NON-CR/NON-PD");
  CHECK_STR_EQ(mr_resp_name(r.best), "CR");
  CHECK(!r.has_progression);
  mr_result_free(&r);
  /* An unconfirmed CR (only 27 days to the next scan) still counts: the
  ** non-target back 27 days later is PD (the CR is taken as read; the
  ** reader decides whether it was one). */
  pt_init(&p, 0, NULL, 1);
  pt_add(&p, 56, NULL, MR_NT_ABSENT);
  pt_add(&p, 83, NULL, MR_NT_PRESENT);
  CHECK(pt_eval(&p, &pd, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[1].overall), "PD");
  CHECK_STR_EQ(mr_resp_name(r.best), "NON-CR/NON-PD");
  CHECK_INT_EQ(r.confirmed, 0);
  mr_result_free(&r);
}

/* Non-target-only patients: NON-CR/NON-PD needs sd_min_days; CR confirms. */
static void test_nontarget_only_bor(void) {
  struct pt p;
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  pt_init(&p, 0, NULL, 1);
  pt_add(&p, 56, NULL, MR_NT_PRESENT);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.best), "NON-CR/NON-PD");
  CHECK(r.timepoints[0].target == MR_NONE);
  CHECK(!r.timepoints[0].has_sum);
  CHECK_INT_EQ(r.confirmed, -1);
  mr_result_free(&r);
  pt_init(&p, 0, NULL, 1);
  pt_add(&p, 30, NULL, MR_NT_PRESENT);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.best), "NE");
  mr_result_free(&r);
  pt_init(&p, 0, NULL, 1);
  pt_add(&p, 56, NULL, MR_NT_ABSENT);
  pt_add(&p, 112, NULL, MR_NT_ABSENT);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.best), "CR");
  CHECK_INT_EQ(r.confirmed, 1);
  mr_result_free(&r);
  /* Unconfirmed CR of a non-target-only patient: NON-CR/NON-PD (no SD
  ** category without measurable disease, RECIST 1.1 table 2). */
  pt_init(&p, 0, NULL, 1);
  pt_add(&p, 56, NULL, MR_NT_ABSENT);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.best), "NON-CR/NON-PD");
  CHECK_INT_EQ(r.confirmed, 0);
  mr_result_free(&r);
}

/* Validation messages name the field. */
static void test_validation(void) {
  struct pt p;
  double base[1] = {100.0};
  struct mr_options o = opts();
  struct mr_result r;
  struct err e;
  pt_init(&p, 1, base, 0);
  p.bt[0].viable_dmm = 0;
  pt_add1(&p, 56, 90.0);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "baseline.target[0].viable_mm") != NULL);
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 90.0);
  pt_add1(&p, 56, 90.0);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "assessments[1].date") != NULL);
  pt_init(&p, 1, base, 0);
  pt_add1(&p, -7, 90.0); /* same day as baseline */
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "assessments[0].date: must be after baseline.date") !=
        NULL);
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, -1.0);
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "assessments[0].target[0].viable_mm") != NULL);
  pt_init(&p, 1, base, 0);
  pt_add1(&p, 56, 90.0);
  p.to[0][0].id = "T9";
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "assessments[0].target[0].id") != NULL);
  pt_init(&p, 1, base, 0);
  p.in.has_baseline = false;
  CHECK(pt_eval(&p, &o, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "baseline") != NULL);
}

/* Parse a JSON text and evaluate; returns the code, message in *e. */
static int json_eval(const char *text, struct mr_result *r, struct err *e) {
  json_error_t je;
  json_t *doc = json_loads(text, 0, &je);
  struct mr_input in;
  struct mr_options o = opts();
  int rc;
  err_clear(e);
  memset(r, 0, sizeof(*r));
  if (doc == NULL) {
    fprintf(stderr, "    bad test JSON: %s\n", je.text);
    return -1;
  }
  rc = mr_input_from_json(doc, true, &in, e);
  if (rc == APP_OK) {
    rc = mr_options_from_json(doc, &o, e);
  }
  if (rc == APP_OK) {
    rc = mrecist_evaluate(&in, &o, r, e);
  }
  mr_input_free(&in);
  json_decref(doc);
  return rc;
}

/* The JSON reader: required fields, types, null = not evaluated. */
static void test_json(void) {
  struct mr_result r;
  struct err e;
  const char *ok =
      "{\"start_date\":\"2026-02-01\",\"baseline\":{\"date\":\"2026-01-25\","
      "\"target\":[{\"id\":\"T1\",\"organ\":\"liver\",\"viable_mm\":50},"
      "{\"id\":\"T2\",\"organ\":\"liver\",\"viable_mm\":50}],"
      "\"nontarget\":[]},\"assessments\":[{\"date\":\"2026-03-28\","
      "\"target\":[{\"id\":\"T1\",\"viable_mm\":35},{\"id\":\"T2\","
      "\"viable_mm\":null}],\"nontarget\":[],\"new_lesions\":[]}],"
      "\"options\":{\"sd_min_days\":100}}";
  CHECK_INT_EQ(json_eval(ok, &r, &e), APP_OK);
  CHECK_STR_EQ(mr_resp_name(r.timepoints[0].target), "NE");
  mr_result_free(&r);
  CHECK_INT_EQ(json_eval("{\"start_date\":\"2026-02-01\",\"baseline\":{"
                         "\"date\":\"2026-01-25\",\"target\":[{\"id\":\"T1\","
                         "\"viable_mm\":50}]},\"assessments\":[{\"date\":"
                         "\"2026-03-28\",\"target\":[{\"id\":\"T1\","
                         "\"viable_mm\":40}]},{\"date\":\"2026-05-28\","
                         "\"target\":[{\"id\":\"T1\",\"viable_mm\":\"x\"}]}"
                         "]}", &r, &e),
               APP_EINVAL);
  CHECK_STR_EQ(e.msg, "assessments[1].target[0].viable_mm: expected a number");
  CHECK_INT_EQ(json_eval("{\"start_date\":\"2026-02-01\",\"baseline\":{"
                         "\"date\":\"2026-01-25\",\"target\":[{\"id\":\"T1\","
                         "\"viable_mm\":50}]},\"assessments\":[{\"date\":"
                         "\"2026-03-28\",\"target\":[{\"id\":\"T1\"}]}]}",
                         &r, &e),
               APP_EINVAL);
  CHECK(strstr(e.msg, "assessments[0].target[0].viable_mm: required") !=
        NULL);
  CHECK_INT_EQ(json_eval("{\"baseline\":{\"date\":\"2026-01-25\"},"
                         "\"assessments\":[]}", &r, &e),
               APP_EINVAL);
  CHECK(strstr(e.msg, "start_date: required") != NULL);
  CHECK_INT_EQ(json_eval("{\"start_date\":\"2026-02-30\",\"baseline\":{},"
                         "\"assessments\":[]}", &r, &e),
               APP_EINVAL);
  CHECK(strstr(e.msg, "start_date") != NULL);
  CHECK_INT_EQ(json_eval("{\"start_date\":\"2026-02-01\",\"assessments\":[]}",
                         &r, &e),
               APP_EINVAL);
  CHECK(strstr(e.msg, "baseline: required") != NULL);
  CHECK_INT_EQ(json_eval("{\"start_date\":\"2026-02-01\",\"baseline\":{"
                         "\"date\":\"2026-01-25\",\"nontarget\":[{\"id\":"
                         "\"N1\"}]},\"assessments\":[{\"date\":\"2026-03-01\""
                         ",\"nontarget\":[{\"id\":\"N1\",\"status\":\"gone\""
                         "}]}]}", &r, &e),
               APP_EINVAL);
  CHECK(strstr(e.msg, "assessments[0].nontarget[0].status") != NULL);
  CHECK_INT_EQ(json_eval("{\"start_date\":\"2026-02-01\",\"baseline\":{"
                         "\"date\":\"2026-01-25\"},\"assessments\":[],"
                         "\"options\":{\"confirm\":1}}", &r, &e),
               APP_EINVAL);
  CHECK(strstr(e.msg, "options.confirm") != NULL);
  CHECK_INT_EQ(json_eval("{\"start_date\":\"2026-02-01\",\"baseline\":{"
                         "\"date\":\"2026-01-25\"},\"assessments\":[{"
                         "\"date\":\"2026-03-01\",\"new_lesions\":[{\"id\":"
                         "\"L\",\"site\":\"liver\",\"typical\":true}]}]}",
                         &r, &e),
               APP_EINVAL);
  CHECK_STR_EQ(e.msg, "assessments[0].new_lesions[0].diameter_mm: required "
                      "for a liver lesion");
}

int main(void) {
  test_options();
  test_pr_boundary();
  test_pd_boundary();
  test_pd_abs_min();
  test_nadir();
  test_cr_and_reappearance();
  test_unmeasured();
  test_overall_table();
  test_nontarget_mix();
  test_new_lesion_sites();
  test_new_lesion_required();
  test_backdating();
  test_bor_confirmation();
  test_pr_cr_pr();
  test_accept_sd_option();
  test_max_ne_option();
  test_nontarget_reappearance();
  test_nontarget_only_bor();
  test_validation();
  test_json();
  return harness_report();
}
