/*
** patient.c: the generative model of one virtual patient (see patient.h).
**
** Order of the draws is fixed (every patient consumes the same kinds of
** draws in the same order whatever the branch taken where practical), so
** that forcing the cohort for a counterfactual population changes only
** what the cohort changes.  Invariants: scan days strictly increase and
** fall after the baseline scan; every scan is on or before end_day; the
** PFS and OS verdicts come from endpoints_derive only.
**
** Workload: about 10^6 patients per second of Monte Carlo per core is the
** aim, so nothing here allocates except the scan arrays of the ep_input.
*/
#include "patient.h"

#include "../core/mem.h"
#include "../study/eligibility.h"
#include "../study/mrecist.h"

#include <math.h>
#include <string.h>

/* Days per month (365.25 / 12), the unit of the month parameters. */
#define DAYS_PER_MONTH 30.4375
/* Viable diameters below this are reported as 0 (no enhancement seen). */
#define SIM_VISIBLE_MM 3.0
/* Scan intervals drawn after the latent progression onset (see the scan
** loop); 4 leaves undetected progression only after three missed scans in
** a row (probability scan_missed_prob^3). */
#define SIM_SCANS_AFTER_PROGRESSION 4
/* Most follow-up scans stored per patient (10 years at 56 days). */
#define SIM_MAX_SCANS 80

/* Lesion ids (static strings the mr_input borrows). */
static const char *const target_ids[SIM_MAX_TARGETS] = {"T1", "T2"};

/* Adverse-event terms by regimen (CTCAE v5.0 wording; clinical-rules.md
** s4.3: hypertension and thrombocytopenia lead after TACE + L + P; HAIC
** adds haematological and hepatic laboratory events). */
static const char *const ae_terms_tace[] = {
  "Hypertension", "Platelet count decreased", "Aspartate aminotransferase "
  "increased", "Fever", "Abdominal pain", "Diarrhea", "Proteinuria",
  "Fatigue"};
static const char *const ae_terms_haic[] = {
  "Platelet count decreased", "Neutrophil count decreased", "Aspartate "
  "aminotransferase increased", "Hypertension", "Nausea", "Abdominal pain",
  "Peripheral sensory neuropathy", "Diarrhea"};
/* Entries in each term list. */
#define N_AE_TERMS 8

const char *sim_aetiology_name(int a) {
  static const char *const n[] = {"hbv", "hcv", "alcohol", "masld", "other"};
  return n[a];
}

const char *sim_bclc_name(int b) {
  static const char *const n[] = {"0", "A", "B", "C", "D"};
  return n[b];
}

const char *sim_pvi_name(int v) {
  static const char *const n[] = {"none", "vp1", "vp2", "vp3", "vp4"};
  return n[v];
}

/* Clamp x into [lo, hi]. */
static double clampd(double x, double lo, double hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/* Logistic function. */
static double expit(double x) {
  return 1.0 / (1.0 + exp(-x));
}

/* Draw the baseline covariates (one attempt; the caller checks
** eligibility). */
static void draw_baseline(const struct sim_params *sp, struct sim_rng *r,
                          struct sim_patient *p) {
  struct sim_baseline *b = &p->b;
  double z = rng_norm(r);
  double u;
  p->latent_severity = z;
  b->age = (int)floor(sp->age_mean + sp->age_sd * rng_norm(r) + 0.5);
  b->female = !rng_bern(r, sp->male_share);
  b->weight_kg = floor(10 * ((b->female ? sp->weight_mean_female_kg
                                        : sp->weight_mean_male_kg) +
                             sp->weight_sd_kg * rng_norm(r))) / 10;
  u = rng_unif(r);
  if (u < sp->hbv_share) {
    b->aetiology = 0;
  } else if (u < sp->hbv_share + sp->hcv_share) {
    b->aetiology = 1;
  } else if (u < sp->hbv_share + sp->hcv_share + sp->alcohol_share) {
    b->aetiology = 2;
  } else if (u < sp->hbv_share + sp->hcv_share + sp->alcohol_share +
                     sp->masld_share) {
    b->aetiology = 3;
  } else {
    b->aetiology = 4;
  }
  b->diameter_mm = floor(10 * clampd(sp->diameter_median_mm *
                                         exp(sp->diameter_log_sd *
                                                 rng_norm(r) +
                                             sp->diameter_severity_loading *
                                                 z),
                                     12, 250)) / 10;
  b->tumour_number = 1 + rng_pois(r, sp->extra_lesions_mean *
                                         exp(0.3 * z));
  if (b->tumour_number > 20) {
    b->tumour_number = 20;
  }
  b->pvi = 0;
  u = rng_unif(r);
  if (rng_bern(r, expit(sp->pvtt_logit + sp->pvtt_severity_loading * z))) {
    b->pvi = u < sp->pvtt_vp1_share
                 ? 1
                 : (u < sp->pvtt_vp1_share + sp->pvtt_vp2_share ? 2 : 3);
  }
  b->ecog = rng_bern(r, expit(sp->ecog1_logit +
                               sp->ecog1_severity_loading * z));
  b->afp = floor(10 * pow(10.0, sp->log10_afp_mean +
                                    sp->log10_afp_sd * rng_norm(r) +
                                    sp->log10_afp_severity_loading * z)) /
           10;
  b->albumin = floor(10 * clampd(sp->albumin_mean_g_l +
                                     sp->albumin_sd_g_l * rng_norm(r),
                                 15, 60)) / 10;
  b->bilirubin = floor(10 * clampd(sp->bilirubin_median_umol_l *
                                       exp(sp->bilirubin_log_sd *
                                           rng_norm(r)),
                                   2, 200)) / 10;
  b->inr = floor(100 * clampd(sp->inr_mean + sp->inr_sd * rng_norm(r), 0.8,
                              3)) / 100;
  b->ascites = rng_bern(r, sp->mild_ascites_share);
  /* BCLC 2022 (Reig 2022): PVTT or ECOG >= 1 -> C; a single tumour with
  ** ECOG 0 -> A; otherwise B (intermediate, multinodular). */
  if (b->pvi > 0 || b->ecog >= 1) {
    b->bclc = 3;
  } else if (b->tumour_number == 1) {
    b->bclc = 1;
  } else {
    b->bclc = 2;
  }
}

/* Check eligibility with the study's own rules; fills child_pugh. */
static bool is_eligible(const struct protocol *pr, struct sim_patient *p) {
  struct elig_input in;
  struct elig_result res;
  int i;
  memset(&in, 0, sizeof(in));
  in.age = p->b.age;
  in.bclc = p->b.bclc;
  in.ecog = p->b.ecog;
  in.portal_vein = p->b.pvi;
  for (i = 0; i < EF_COUNT; i++) {
    in.flags[i] = TRI_NO;
  }
  in.flags[EF_TREATMENT_NAIVE] = TRI_YES;
  in.bilirubin_umol_l = p->b.bilirubin;
  in.albumin_g_l = p->b.albumin;
  in.inr = p->b.inr;
  in.ascites = p->b.ascites;
  in.encephalopathy = 0;
  in.has_child_pugh = true;
  eligibility_check(&pr->elig, &in, &res);
  p->b.child_pugh = res.child_pugh_score;
  return res.eligible == 1;
}

/* Viable diameter (mm, true) of target j at day t. */
static double target_true_mm(const struct sim_params *sp,
                             const struct sim_patient *p, int j, double t) {
  double d0 = p->target_mm[j];
  double tt = t < p->ttp_day ? t : p->ttp_day;
  double d = d0 * (1.0 - p->shrink[j] *
                             (1.0 - exp(-tt / sp->response_tau_days)));
  if (p->mode == SIM_PROG_TARGETS && t > p->ttp_day) {
    double from = d < 5.0 ? 5.0 : d;
    d = from * pow(2.0, (t - p->ttp_day) / sp->regrowth_doubling_days);
  }
  return d;
}

/* A measured diameter in 0.1 mm units from a true one. */
static int64_t measure_dmm(const struct sim_params *sp, struct sim_rng *r,
                           double true_mm) {
  double m = true_mm * (1.0 + sp->measurement_cv * rng_norm(r));
  if (true_mm < SIM_VISIBLE_MM || m < SIM_VISIBLE_MM) {
    return 0;
  }
  if (m > 399.0) {
    m = 399.0;
  }
  return mr_mm_to_dmm(floor(m * 10 + 0.5) / 10);
}

/* Fill one follow-up assessment at day t (relative) into as, its lesion
** arrays taken from slot `slot` of the patient's pools. */
static void fill_scan(const struct sim_params *sp, struct sim_rng *r,
                      struct sim_patient *p, date_t start, int t, int slot,
                      struct mr_assessment *as) {
  int j;
  double grown;
  memset(as, 0, sizeof(*as));
  as->date = start + t;
  as->n_targets = p->n_targets;
  as->targets = p->pool_targets + (size_t)slot * SIM_MAX_TARGETS;
  for (j = 0; j < p->n_targets; j++) {
    as->targets[j].id = target_ids[j];
    as->targets[j].is_evaluated = true;
    as->targets[j].viable_dmm = measure_dmm(sp, r, target_true_mm(sp, p, j, t));
  }
  as->n_nontargets = p->ep.mr.n_nontargets;
  if (as->n_nontargets > 0) {
    as->nontargets = p->pool_nontargets + (size_t)slot * SIM_MAX_NONTARGETS;
  }
  for (j = 0; j < as->n_nontargets; j++) {
    const char *id = p->ep.mr.nontargets[j].id;
    enum mr_nt_status st = MR_NT_PRESENT;
    if (strcmp(id, "PVTT") == 0 && p->mode == SIM_PROG_PVTT &&
        t >= p->ttp_day) {
      st = MR_NT_PROGRESSION;
    } else if (p->shrink[0] >= 1.0 && t >= 3 * sp->response_tau_days &&
               !(t >= p->ttp_day)) {
      st = MR_NT_ABSENT; /* a complete responder loses all enhancement */
    }
    as->nontargets[j].id = id;
    as->nontargets[j].status = st;
  }
  if ((p->mode == SIM_PROG_NEW_LIVER || p->mode == SIM_PROG_EXTRA) &&
      t >= p->ttp_day) {
    struct mr_new_lesion *nl = p->pool_new + slot;
    memset(nl, 0, sizeof(*nl));
    grown = sp->new_lesion_start_mm + sp->new_lesion_growth_mm_per_month *
                                          (t - p->ttp_day) / DAYS_PER_MONTH;
    nl->id = "N1";
    nl->has_diameter = true;
    if (p->mode == SIM_PROG_NEW_LIVER) {
      nl->site_text = "liver";
      nl->site = MR_SITE_LIVER;
      nl->diameter_dmm = mr_mm_to_dmm(floor(grown * 10 + 0.5) / 10);
      nl->has_typical = true;
      nl->is_typical = grown >= 10.0;
      nl->is_equivocal = grown < 10.0;
    } else {
      nl->site_text = "lung";
      nl->site = MR_SITE_OTHER;
      nl->diameter_dmm = mr_mm_to_dmm(floor((grown + 4) * 10 + 0.5) / 10);
    }
    as->new_lesions = nl;
    as->n_new_lesions = 1;
  }
}

/* Draw AEs, lenvatinib reduction and procedures (all consumed even when
** not used, to keep the stream aligned). */
static void draw_treatment_events(const struct sim_params *sp,
                                  struct sim_rng *r, struct sim_patient *p) {
  const char *const *terms = p->cohort == SIM_HAIC ? ae_terms_haic
                                                   : ae_terms_tace;
  double pg3 = p->cohort == SIM_HAIC ? sp->ae_g3_prob_haic
                                     : sp->ae_g3_prob_tace;
  int has_g3 = rng_bern(r, pg3);
  int n_low = (int)rng_int(r, 0, 3);
  int n_high = has_g3 ? 1 + rng_bern(r, 0.3) : 0;
  int i;
  int red = rng_bern(r, has_g3 ? sp->len_reduction_prob * 1.3
                               : sp->len_reduction_prob * 0.5);
  double red_day = rng_unif(r);
  double mean = p->cohort == SIM_HAIC ? sp->haic_cycles_mean
                                      : sp->tace_sessions_mean;
  p->n_aes = 0;
  for (i = 0; i < n_low + n_high && p->n_aes < SIM_MAX_AES; i++) {
    struct sim_ae *a = &p->aes[p->n_aes];
    double u = rng_unif(r);
    double v = rng_unif(r);
    double w = rng_unif(r);
    a->term = terms[(int)(u * N_AE_TERMS) % N_AE_TERMS];
    a->day = 3 + (int)(v * 177);
    a->duration = 5 + (int)(w * 30);
    if (i < n_high) {
      a->grade = rng_bern(r, 0.15) ? 4 : 3;
      a->serious = rng_bern(r, sp->ae_serious_share);
    } else {
      a->grade = 1 + rng_bern(r, 0.4);
      a->serious = false;
      (void)rng_bern(r, 0.5);
    }
    p->n_aes++;
  }
  p->len_reduction_day = red ? 20 + (int)(red_day * 150) : -1;
  p->n_procedures = 1 + rng_pois(r, mean - 1);
}

/* Sort AEs by onset (insertion sort; at most SIM_MAX_AES). */
static void sort_aes(struct sim_patient *p) {
  int i;
  int j;
  for (i = 1; i < p->n_aes; i++) {
    struct sim_ae a = p->aes[i];
    for (j = i; j > 0 && p->aes[j - 1].day > a.day; j--) {
      p->aes[j] = p->aes[j - 1];
    }
    p->aes[j] = a;
  }
}

/* Round n up to a multiple of 16 bytes (alignment of the block parts). */
static size_t round16(size_t n) {
  return (n + 15) & ~(size_t)15;
}

/* Allocate the one block holding the scan array, the baseline target and
** non-target arrays and the per-scan lesion pools for max_scans scans, and
** point ep.mr and the pools into it.  One allocation per patient instead
** of six: freeing was 6 % of a Monte Carlo run.  Contents are not zeroed
** except the baseline arrays (fill_scan sets every field it hands out). */
static void patient_alloc(struct sim_patient *p, int max_scans) {
  size_t ms = (size_t)max_scans;
  size_t o_as = 0;
  size_t o_bt = o_as + round16(ms * sizeof(struct mr_assessment));
  size_t o_bn = o_bt + round16(SIM_MAX_TARGETS *
                               sizeof(struct mr_base_target));
  size_t o_pt = o_bn + round16(SIM_MAX_NONTARGETS *
                               sizeof(struct mr_base_nontarget));
  size_t o_pn = o_pt + round16(ms * SIM_MAX_TARGETS *
                               sizeof(struct mr_target_obs));
  size_t o_pl = o_pn + round16(ms * SIM_MAX_NONTARGETS *
                               sizeof(struct mr_nontarget_obs));
  size_t total = o_pl + round16(ms * sizeof(struct mr_new_lesion));
  char *blk = xmalloc(total);
  p->block = blk;
  p->ep.mr.assessments = (struct mr_assessment *)(void *)(blk + o_as);
  p->ep.mr.targets = (struct mr_base_target *)(void *)(blk + o_bt);
  p->ep.mr.nontargets = (struct mr_base_nontarget *)(void *)(blk + o_bn);
  memset(p->ep.mr.targets, 0, o_pt - o_bt);
  p->pool_targets = (struct mr_target_obs *)(void *)(blk + o_pt);
  p->pool_nontargets = (struct mr_nontarget_obs *)(void *)(blk + o_pn);
  p->pool_new = (struct mr_new_lesion *)(void *)(blk + o_pl);
}

/* Truncate the scans after the detected progression: keep the first PD
** time point, and when it was back-dated keep the scan that confirmed it. */
static void truncate_after_pd(struct sim_patient *p,
                              const struct mr_result *mr) {
  int k;
  int keep = p->ep.mr.n_assessments;
  for (k = 0; k < mr->n_timepoints; k++) {
    if (mr->timepoints[k].overall == MR_PD) {
      int kk = k;
      if (mr->timepoints[k].is_backdated) {
        for (kk = k + 1; kk < mr->n_timepoints; kk++) {
          if (mr->timepoints[kk].overall == MR_PD &&
              !mr->timepoints[kk].is_backdated) {
            break;
          }
        }
        if (kk >= mr->n_timepoints) {
          kk = mr->n_timepoints - 1;
        }
      }
      keep = kk + 1;
      break;
    }
  }
  p->ep.mr.n_assessments = keep; /* the pools keep the memory */
}

int sim_patient_draw(const struct sim_params *sp, const struct protocol *pr,
                     struct sim_rng *r, int index, int enrol_day,
                     int cutoff_day, int force_cohort, double hr_override,
                     bool for_casebook, struct sim_patient *p,
                     struct err *e) {
  struct mr_options mo;
  struct mr_result mr;
  int tries = 0;
  int j;
  int k;
  int rc;
  int horizon;
  int n_scans = 0;
  int max_scans;
  date_t start;
  double lp;
  double lpd;
  double scale;
  double cm_over_7;
  double u;
  double hr = hr_override > 0 ? hr_override : sp->hr_haic_progression;
  /* An exact null (hr_override 1): HAIC acts on the tumour exactly as TACE
  ** does (response depth, complete responses, conversion resection), so
  ** PFS has the same distribution in both cohorts given the covariates. */
  bool is_null = hr_override == 1.0;
  double surv_extra;
  struct mr_assessment *scans;

  memset(p, 0, sizeof(*p));
  p->index = index;
  p->enrol_day = enrol_day;
  do {
    draw_baseline(sp, r, p);
    tries++;
  } while (!is_eligible(pr, p) && tries < 1000);
  if (tries >= 1000) {
    return ERR_SET(e, APP_EINVAL,
                   "sim file: no eligible patient in 1000 draws");
  }
  cm_over_7 = p->b.diameter_mm > 70 ? (p->b.diameter_mm - 70) / 10 : 0;
  /* Treatment by indication. */
  p->ps_logit = sp->haic_logit + sp->haic_log_or_pvtt * (p->b.pvi > 0) +
                sp->haic_log_or_per_cm_over_7 * cm_over_7 +
                sp->haic_log_or_multifocal * (p->b.tumour_number > 3) +
                sp->haic_log_or_per_10y_age * (p->b.age - 57) / 10.0;
  p->cohort = rng_bern(r, expit(p->ps_logit)) ? SIM_HAIC : SIM_TACE;
  if (force_cohort == SIM_TACE || force_cohort == SIM_HAIC) {
    p->cohort = force_cohort;
  }
  /* Targets: the largest lesion, and a second one when multifocal. */
  p->n_targets = p->b.tumour_number >= 2 ? 2 : 1;
  p->target_mm[0] = p->b.diameter_mm;
  u = rng_unif(r);
  p->target_mm[1] = floor(10 * (15 + u * (p->b.diameter_mm - 15) * 0.7)) /
                    10;
  p->has_liver_nontarget = p->b.tumour_number > 2;
  /* Response depth (both cohorts' draws are taken: aligned streams). */
  {
    double ucr = rng_unif(r);
    double zs = rng_norm(r);
    bool haic_tumour = p->cohort == SIM_HAIC && !is_null;
    double pcr = haic_tumour ? sp->cr_prob_haic : sp->cr_prob_tace;
    double m = haic_tumour ? sp->shrink_mean_haic : sp->shrink_mean_tace;
    bool cr = ucr < pcr;
    double s = clampd(m + sp->shrink_sd * zs, 0, 0.97);
    for (j = 0; j < SIM_MAX_TARGETS; j++) {
      double zl = rng_norm(r);
      p->shrink[j] = cr ? 1.0 : clampd(s + sp->shrink_lesion_sd * zl, 0,
                                       0.97);
    }
  }
  /* Latent progression: Weibull proportional hazards. */
  lp = (p->cohort == SIM_HAIC ? log(hr) : 0) +
       sp->log_hr_pvtt * (p->b.pvi > 0) +
       sp->log_hr_per_cm_over_7 * cm_over_7 +
       sp->log_hr_multifocal * (p->b.tumour_number > 3) +
       sp->log_hr_afp400 * (p->b.afp >= 400) + sp->log_hr_ecog1 * p->b.ecog +
       sp->log_hr_nonresponse * (p->shrink[0] < 0.3);
  scale = sp->ttp_median_tace_months * DAYS_PER_MONTH /
          pow(log(2.0), 1.0 / sp->ttp_weibull_shape);
  p->ttp_day = scale * pow(rng_exp(r, 1.0) / exp(lp),
                           1.0 / sp->ttp_weibull_shape);
  u = rng_unif(r);
  if (u < sp->mode_new_intrahepatic) {
    p->mode = SIM_PROG_NEW_LIVER;
  } else if (u < sp->mode_new_intrahepatic + sp->mode_target_growth) {
    p->mode = SIM_PROG_TARGETS;
  } else if (u < sp->mode_new_intrahepatic + sp->mode_target_growth +
                     sp->mode_pvtt) {
    p->mode = p->b.pvi > 0 ? SIM_PROG_PVTT : SIM_PROG_NEW_LIVER;
  } else {
    p->mode = SIM_PROG_EXTRA;
  }
  /* Conversion resection of responders delays progression. */
  p->resection_day = -1;
  {
    double ures = rng_unif(r);
    double when = rng_unif(r);
    double pres = p->cohort == SIM_HAIC && !is_null
                      ? sp->resection_prob_haic
                      : sp->resection_prob_tace;
    surv_extra = rng_exp(r, log(2.0) / (12 * DAYS_PER_MONTH));
    if (p->shrink[0] >= 0.3 && ures < pres) {
      int d = 100 + (int)(when * 140);
      if (d < p->ttp_day) {
        p->resection_day = d;
        p->ttp_day += surv_extra;
      }
    }
  }
  /* Death: before progression at a low rate, after it with the
  ** post-progression survival; liver function, ECOG and PVTT shorten it. */
  lpd = sp->log_hr_death_cp_b * (p->b.child_pugh >= 7) +
        sp->log_hr_death_ecog1 * p->b.ecog +
        sp->log_hr_death_pvtt * (p->b.pvi > 0) +
        sp->log_hr_death_haic * (p->cohort == SIM_HAIC);
  {
    double pre = sp->death_pre_progression_per_year > 0
                     ? rng_exp(r, sp->death_pre_progression_per_year *
                                      exp(lpd) / 365.25)
                     : HUGE_VAL;
    double pps = rng_exp(r, log(2.0) / (sp->pps_median_months *
                                        DAYS_PER_MONTH) * exp(lpd));
    double post = p->ttp_day + pps;
    p->death_day = pre < post ? pre : post;
  }
  p->dropout_day = sp->dropout_per_year > 0
                       ? rng_exp(r, sp->dropout_per_year / 365.25)
                       : HUGE_VAL;
  draw_treatment_events(sp, r, p);
  sort_aes(p);
  /* Observation ends at death, dropout or the data cut. */
  horizon = cutoff_day - enrol_day;
  p->end_day = horizon;
  if (p->dropout_day < p->end_day && p->dropout_day < p->death_day) {
    p->end_day = (int)floor(p->dropout_day);
    p->dropped = true;
  }
  if (p->death_day <= p->end_day) {
    p->end_day = (int)floor(p->death_day);
    p->died = true;
    p->dropped = false;
  }
  if (p->end_day < 0) {
    p->end_day = 0;
  }

  /* The rules engine's view: baseline scan and follow-up scans. */
  start = (date_t)enrol_day; /* study-relative day numbers */
  p->ep.mr.start_date = start;
  p->ep.mr.has_baseline = true;
  p->baseline_scan_day = -(int)rng_int(r, 1, 14);
  p->ep.mr.baseline_date = start + p->baseline_scan_day;
  {
    /* Room for every scan up to end_day (late scans never add one). */
    int most = p->end_day / pr->visits.assess_interval_days + 2;
    max_scans = most < SIM_MAX_SCANS ? most : SIM_MAX_SCANS;
  }
  patient_alloc(p, max_scans);
  p->ep.mr.n_targets = p->n_targets;
  for (j = 0; j < p->n_targets; j++) {
    p->ep.mr.targets[j].id = target_ids[j];
    p->ep.mr.targets[j].organ = "liver";
    p->ep.mr.targets[j].viable_dmm = mr_mm_to_dmm(p->target_mm[j]);
  }
  p->ep.mr.n_nontargets = (p->b.pvi > 0) + p->has_liver_nontarget;
  k = 0;
  if (p->b.pvi > 0) {
    p->ep.mr.nontargets[k].id = "PVTT";
    p->ep.mr.nontargets[k].kind = "pvtt";
    k++;
  }
  if (p->has_liver_nontarget) {
    p->ep.mr.nontargets[k].id = "NT-LIVER";
    p->ep.mr.nontargets[k].kind = "liver";
  }
  scans = p->ep.mr.assessments;
  for (k = 1; k < max_scans; k++) {
    int target = k * pr->visits.assess_interval_days;
    int w = pr->visits.assess_window_days;
    double um = rng_unif(r);
    double ul = rng_unif(r);
    int day = target + (int)rng_int(r, -w, w);
    if (ul < sp->scan_late_prob) {
      day = target + w + 1 + (int)(rng_unif(r) * sp->scan_late_max_days);
    }
    if (target - w > p->end_day) {
      break;
    }
    if (day > p->end_day ||
        (p->resection_day >= 0 && day > p->resection_day)) {
      break;
    }
    /* Progression shows on the first or second scan after its onset (a
    ** new lesion is confirmed by growth, regrowing targets pass +20 %
    ** within weeks): scans more than SIM_SCANS_AFTER_PROGRESSION intervals
    ** later cannot change PFS, OS or the BOR and are not drawn. */
    if (day > p->ttp_day + SIM_SCANS_AFTER_PROGRESSION *
                               pr->visits.assess_interval_days) {
      break;
    }
    if (um < sp->scan_missed_prob) {
      continue;
    }
    fill_scan(sp, r, p, start, day, n_scans, &scans[n_scans]);
    n_scans++;
  }
  p->ep.mr.n_assessments = n_scans;

  mr_options_from_protocol(&pr->response, &mo);
  p->later_therapy_day = -1;
  u = rng_unif(r);
  if (p->resection_day >= 0 && p->resection_day <= p->end_day) {
    p->ep.has_new_therapy = true;
    p->ep.new_therapy_date = start + p->resection_day;
  }
  if (for_casebook) {
    /* A real patient is not scanned after progression and may start
    ** another therapy then: judge the scans once to find the progression,
    ** drop the later scans, and date the later therapy from it.  Neither
    ** changes PFS, OS or the BOR (scans after the first PD cannot improve
    ** the BOR, and therapy after PD does not censor), so Monte Carlo runs
    ** skip this pass. */
    rc = mrecist_evaluate(&p->ep.mr, &mo, &mr, e);
    if (rc != APP_OK) {
      return rc;
    }
    truncate_after_pd(p, &mr);
    if (!p->ep.has_new_therapy && mr.has_progression &&
        u < sp->post_progression_therapy_prob) {
      int d = (int)(mr.progression_date - start) + 14 + (int)(u * 30);
      if (d <= p->end_day) {
        p->later_therapy_day = d;
        p->ep.has_new_therapy = true;
        p->ep.new_therapy_date = start + d;
      }
    }
    mr_result_free(&mr);
  }
  p->ep.has_death = p->died;
  p->ep.death_date = start + p->end_day;
  p->ep.has_last_alive = true;
  p->ep.last_known_alive = start + p->end_day;
  p->ep.has_cutoff = true;
  p->ep.cutoff = (date_t)cutoff_day;
  rc = endpoints_derive(&p->ep, &mo, pr->endpoints.pfs_max_gap_days,
                        &p->res, e);
  return rc;
}

void sim_patient_free(struct sim_patient *p) {
  /* Every array of ep.mr lives in the one block, so mr_input_free (which
  ** frees them one by one) is not used. */
  xfree(p->block);
  memset(p, 0, sizeof(*p));
}
