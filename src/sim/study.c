/*
** study.c: drawing a virtual study and writing its casebooks (study.h).
**
** Enrolment days are drawn first (uniform over the accrual period) and
** sorted, so patient numbers follow enrolment like real screening numbers.
** Casebook records follow the forms of src/study/forms.c; only data dated
** on or before the patient's last observed day (death, dropout or the data
** cut) are written, so a casebook never reports the future.
*/
#include "study.h"

#include "../core/mem.h"
#include "../study/dose.h"
#include "../study/endpoints.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days per month (365.25 / 12). */
#define DAYS_PER_MONTH 30.4375

const char *const sim_site_codes[SIM_N_SITES] = {"TJH", "SYSU", "ZSH",
                                                 "WCH", "FAH", "XJH"};

/* qsort comparison of ints. */
static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a;
  int y = *(const int *)b;
  return (x > y) - (x < y);
}

int sim_study_draw(const struct sim_config *cfg, const struct protocol *pr,
                   const struct sim_study_opts *o, struct sim_study *s,
                   struct err *e) {
  struct sim_rng r;
  int *days;
  int i;
  int rc = APP_OK;
  double accrual = cfg->p.accrual_months * DAYS_PER_MONTH;
  double fu = o->followup_months >= 0 ? o->followup_months
                                      : cfg->p.followup_months;
  memset(s, 0, sizeof(*s));
  rng_seed(&r, o->seed, o->stream);
  s->n = o->n;
  s->cutoff_day = (int)floor(accrual + fu * DAYS_PER_MONTH);
  s->patients = xcalloc((size_t)o->n, sizeof(*s->patients));
  days = xmallocarray((size_t)o->n, sizeof(*days));
  for (i = 0; i < o->n; i++) {
    days[i] = (int)floor(rng_unif(&r) * accrual);
  }
  qsort(days, (size_t)o->n, sizeof(*days), cmp_int);
  for (i = 0; i < o->n && rc == APP_OK; i++) {
    rc = sim_patient_draw(&cfg->p, pr, &r, i, days[i], s->cutoff_day,
                          o->force_cohort, o->hr_override, o->for_casebook,
                          &s->patients[i], e);
  }
  xfree(days);
  return rc;
}

void sim_study_free(struct sim_study *s) {
  int i;
  for (i = 0; s->patients != NULL && i < s->n; i++) {
    sim_patient_free(&s->patients[i]);
  }
  xfree(s->patients);
  memset(s, 0, sizeof(*s));
}

void sim_patient_code(int index, char *out, size_t n) {
  snprintf(out, n, "SIM-%04d", index + 1);
}

/* A date string value: study_start + day. */
static json_t *jdate(date_t study_start, int day) {
  char buf[DATE_STR_LEN];
  date_format(study_start + day, buf);
  return json_string(buf);
}

/* Append {"kind": kind, "data": data} to records (steals data). */
static void add_rec(json_t *records, const char *kind, json_t *data) {
  json_array_append_new(records, json_pack("{s:s,s:o}", "kind", kind, "data",
                                           data));
}

/* A diameter in mm from 0.1 mm units, as a JSON number. */
static json_t *jmm(int64_t dmm) {
  return json_real((double)dmm / 10.0);
}

/* The baseline, screening and enrolment records. */
static void add_baseline(json_t *rec, const struct sim_patient *p,
                         const struct protocol *pr, date_t d0) {
  const struct sim_baseline *b = &p->b;
  int start = p->enrol_day;
  int screen = start - 7 - (int)(p->index * 7 % 14);
  json_t *cp = json_pack("{s:f,s:f,s:f,s:s,s:s}", "bilirubin_umol_l",
                         b->bilirubin, "albumin_g_l", b->albumin, "inr",
                         b->inr, "ascites", b->ascites ? "mild" : "none",
                         "encephalopathy", "none");
  json_t *scr = json_pack(
      "{s:o,s:i,s:s,s:b,s:b,s:o,s:i,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:s,"
      "s:b,s:b}",
      "screening_date", jdate(d0, screen), "age", b->age, "bclc",
      sim_bclc_name(b->bclc), "extrahepatic_metastasis", 0,
      "treatment_naive", 1, "child_pugh", cp, "ecog", b->ecog,
      "severe_organ_disease", 0, "decompensated_cirrhosis", 0,
      "other_malignancy", 0, "recurrent_hcc", 0, "autoimmune_disease", 0,
      "hypersensitivity", 0, "hiv", 0, "active_hepatitis", 0,
      "portal_vein_invasion", sim_pvi_name(b->pvi), "hepatic_vein_invasion",
      0, "ivc_invasion", 0);
  (void)pr;
  add_rec(rec, "screening", scr);
  add_rec(rec, "enrolment",
          json_pack("{s:o,s:s,s:o}", "consent_date", jdate(d0, screen),
                    "cohort", p->cohort == SIM_HAIC ? "HAIC" : "TACE",
                    "treatment_start", jdate(d0, start)));
  add_rec(rec, "baseline",
          json_pack("{s:i,s:s,s:s,s:s,s:i,s:f,s:f,s:f,s:s,s:s,s:f,s:i,s:f,"
                    "s:s,s:f}",
                    "age", b->age, "sex", b->female ? "female" : "male",
                    "aetiology", sim_aetiology_name(b->aetiology), "bclc",
                    sim_bclc_name(b->bclc), "ecog", b->ecog,
                    "bilirubin_umol_l", b->bilirubin, "albumin_g_l",
                    b->albumin, "inr", b->inr, "ascites",
                    b->ascites ? "mild" : "none", "encephalopathy", "none",
                    "afp_ng_ml", b->afp, "tumour_number", b->tumour_number,
                    "largest_diameter_mm", b->diameter_mm,
                    "portal_vein_invasion", sim_pvi_name(b->pvi),
                    "weight_kg", b->weight_kg));
}

/* The baseline scan and the follow-up assessments. */
static void add_scans(json_t *rec, const struct sim_patient *p,
                      date_t d0) {
  const struct mr_input *m = &p->ep.mr;
  json_t *tg = json_array();
  json_t *nt = json_array();
  int j;
  int k;
  const char *modality = p->index % 3 == 0 ? "ct" : "mri";
  for (j = 0; j < m->n_targets; j++) {
    json_array_append_new(tg, json_pack("{s:s,s:s,s:o}", "id",
                                        m->targets[j].id, "organ", "liver",
                                        "viable_mm",
                                        jmm(m->targets[j].viable_dmm)));
  }
  for (j = 0; j < m->n_nontargets; j++) {
    json_array_append_new(nt, json_pack("{s:s,s:s}", "id",
                                        m->nontargets[j].id, "kind",
                                        m->nontargets[j].kind));
  }
  add_rec(rec, "baseline_scan",
          json_pack("{s:o,s:s,s:o,s:o}", "date",
                    jdate(d0, p->enrol_day + p->baseline_scan_day),
                    "modality", modality, "target", tg, "nontarget", nt));
  for (k = 0; k < m->n_assessments; k++) {
    const struct mr_assessment *as = &m->assessments[k];
    static const char *const st[] = {"absent", "present", "progression",
                                     "not_evaluated"};
    json_t *a = json_pack("{s:o,s:s}", "date",
                          jdate(d0, (int)(as->date)), "modality", modality);
    tg = json_array();
    nt = json_array();
    for (j = 0; j < as->n_targets; j++) {
      json_array_append_new(tg, json_pack("{s:s,s:o}", "id",
                                          as->targets[j].id, "viable_mm",
                                          jmm(as->targets[j].viable_dmm)));
    }
    for (j = 0; j < as->n_nontargets; j++) {
      json_array_append_new(nt, json_pack("{s:s,s:s}", "id",
                                          as->nontargets[j].id, "status",
                                          st[as->nontargets[j].status]));
    }
    json_object_set_new(a, "target", tg);
    json_object_set_new(a, "nontarget", nt);
    if (as->n_new_lesions > 0) {
      json_t *nl = json_array();
      for (j = 0; j < as->n_new_lesions; j++) {
        const struct mr_new_lesion *l = &as->new_lesions[j];
        json_t *o = json_pack("{s:s,s:s,s:o}", "id", l->id, "site",
                              l->site_text, "diameter_mm",
                              jmm(l->diameter_dmm));
        if (l->has_typical) {
          json_object_set_new(o, "typical", json_boolean(l->is_typical));
        }
        json_object_set_new(o, "equivocal", json_boolean(l->is_equivocal));
        json_array_append_new(nl, o);
      }
      json_object_set_new(a, "new_lesions", nl);
    }
    add_rec(rec, "assessment", a);
  }
}

/* Treatment records: procedures, PD-1 doses, lenvatinib. */
static void add_treatment(json_t *rec, const struct sim_patient *p,
                          const struct protocol *pr, date_t d0) {
  int s = p->enrol_day;
  int stop = p->end_day;
  int k;
  struct dose_result dr;
  struct err e;
  if (p->res.pfs.is_event && p->res.pfs.days < stop) {
    stop = p->res.pfs.days; /* study treatment ends at progression */
  }
  for (k = 0; k < p->n_procedures; k++) {
    int day = p->cohort == SIM_HAIC ? 21 * k : 49 * k;
    if (day > stop) {
      break;
    }
    if (p->cohort == SIM_HAIC) {
      add_rec(rec, "haic",
              json_pack("{s:o,s:s,s:f,s:f,s:f}", "date", jdate(d0, s + day),
                        "regimen", "folfox", "oxaliplatin_mg_m2", 85.0,
                        "leucovorin_mg_m2", 400.0, "fluorouracil_mg_m2",
                        2800.0));
    } else {
      add_rec(rec, "tace",
              json_pack("{s:o,s:s,s:f}", "date", jdate(d0, s + day),
                        "technique", "ctace", "lipiodol_ml", 10.0));
    }
  }
  for (k = 0; k < 35 && pr->dosing.pd1_interval_days * k <= stop; k++) {
    add_rec(rec, "pd1_dose",
            json_pack("{s:o,s:s,s:f}", "date",
                      jdate(d0, s + pr->dosing.pd1_interval_days * k),
                      "agent", "tislelizumab", "dose_mg", pr->dosing.pd1_mg));
  }
  err_clear(&e);
  if (dose_compute(&pr->dosing, p->b.weight_kg, 0, &dr, &e) == APP_OK) {
    add_rec(rec, "lenvatinib",
            json_pack("{s:o,s:s,s:f,s:s,s:i}", "date", jdate(d0, s),
                      "action", "start", "dose_mg", dr.lenvatinib_mg,
                      "schedule", dose_schedule_name(dr.lenvatinib_schedule),
                      "reduction_level", 0));
  }
  if (p->len_reduction_day >= 0 && p->len_reduction_day <= stop &&
      dose_compute(&pr->dosing, p->b.weight_kg, 1, &dr, &e) == APP_OK) {
    add_rec(rec, "lenvatinib",
            json_pack("{s:o,s:s,s:f,s:s,s:i}", "date",
                      jdate(d0, s + p->len_reduction_day), "action",
                      "reduce", "dose_mg", dr.lenvatinib_mg, "schedule",
                      dose_schedule_name(dr.lenvatinib_schedule),
                      "reduction_level", 1));
  }
}

/* Adverse events, later therapy, survival contacts, death, end of
** study. */
static void add_outcomes(json_t *rec, const struct sim_patient *p,
                         const struct protocol *pr, date_t d0) {
  int s = p->enrol_day;
  int k;
  for (k = 0; k < p->n_aes; k++) {
    const struct sim_ae *a = &p->aes[k];
    json_t *o;
    if (a->day > p->end_day) {
      break;
    }
    o = json_pack("{s:s,s:i,s:o,s:b,s:s,s:s}", "term", a->term, "grade",
                  a->grade, "onset_date", jdate(d0, s + a->day), "serious",
                  a->serious, "attribution_lenvatinib", "possible",
                  "action", a->grade >= 3 ? "interrupted" : "none");
    if (a->day + a->duration <= p->end_day) {
      json_object_set_new(o, "resolution_date",
                          jdate(d0, s + a->day + a->duration));
      json_object_set_new(o, "outcome", json_string("recovered"));
    } else {
      json_object_set_new(o, "outcome", json_string("recovering"));
    }
    if (a->serious) {
      json_object_set_new(o, "sae_hospitalisation", json_true());
    }
    add_rec(rec, "adverse_event", o);
  }
  if (p->ep.has_new_therapy) {
    add_rec(rec, "new_therapy",
            json_pack("{s:o,s:s}", "date",
                      jdate(d0, (int)p->ep.new_therapy_date),
                      "type", p->resection_day >= 0 ? "resection"
                                                    : "systemic"));
  }
  /* Survival contacts are due every interval from progression or the
  ** first new therapy, whichever is first (src/study/casebook.c), until
  ** the end of follow-up; the coordinator makes each on its target day. */
  {
    int sw = -1, d;
    int every = pr->visits.survival_interval_days;
    if (p->res.pfs.is_event &&
        strcmp(p->res.pfs.reason, EP_REASON_PROGRESSION) == 0) {
      sw = p->res.pfs.days;
    }
    if (p->ep.has_new_therapy &&
        (sw < 0 || (int)p->ep.new_therapy_date - s < sw)) {
      sw = (int)p->ep.new_therapy_date - s;
    }
    for (d = sw + every; sw >= 0 && every > 0 && d < p->end_day;
         d += every) {
      add_rec(rec, "survival_contact",
              json_pack("{s:o,s:s}", "date", jdate(d0, s + d), "status",
                        "alive"));
    }
  }
  if (!p->died) {
    add_rec(rec, "survival_contact",
            json_pack("{s:o,s:s}", "date", jdate(d0, s + p->end_day),
                      "status", "alive"));
  }
  if (p->died) {
    add_rec(rec, "death",
            json_pack("{s:o,s:s}", "date", jdate(d0, s + p->end_day),
                      "cause", p->death_day > p->ttp_day
                                   ? "disease_progression"
                                   : "other"));
    add_rec(rec, "end_of_study",
            json_pack("{s:o,s:s}", "date", jdate(d0, s + p->end_day),
                      "reason", "death"));
  } else if (p->dropped) {
    add_rec(rec, "end_of_study",
            json_pack("{s:o,s:s}", "date", jdate(d0, s + p->end_day),
                      "reason", p->index % 2 ? "withdrawal"
                                             : "lost_to_follow_up"));
  }
}

json_t *sim_study_casebooks(const struct sim_study *s,
                            const struct protocol *pr, date_t study_start) {
  json_t *patients = json_array();
  int i;
  for (i = 0; i < s->n; i++) {
    const struct sim_patient *p = &s->patients[i];
    json_t *rec = json_array();
    add_baseline(rec, p, pr, study_start);
    add_scans(rec, p, study_start);
    add_treatment(rec, p, pr, study_start);
    add_outcomes(rec, p, pr, study_start);
    json_array_append_new(patients,
                          json_pack("{s:s,s:o}", "site",
                                    sim_site_codes[i % SIM_N_SITES],
                                    "records", rec));
  }
  return json_pack("{s:o}", "patients", patients);
}
