/*
** power.c: a Monte Carlo power run of the design (see power.h).
**
** Why here and not in the command: the loop, the threads and the summary
** are computation, and a second front end (a web page of the design, a
** benchmark) must get the same numbers from the same code.
** Threads take chunks of POWER_CHUNK trials from a shared counter; trial i
** writes only slot i of the result array, and the slots are summed in
** trial order after every thread has joined, so neither the number of
** threads nor their timing changes a single bit of the summary.  The first
** error of any trial stops the hand-out of new chunks and is the run's
** error.  Designed for 10^3 (lesion model, ~10^2 trials/s per thread) to
** 10^6 trials (exponential model, ~10^4 trials/s per thread); memory is one
** struct sim_trial_result per trial.
*/
#include "power.h"

#include "../core/mem.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

/* Trials handed out per lock. */
#define POWER_CHUNK 8

/* The normal quantile of the 95 % intervals whose coverage is counted. */
#define POWER_Z975 1.959963984540054

/* The state the worker threads share. */
struct power_job {
  const struct sim_config *cfg;     /* the sim file (read-only) */
  const struct protocol *pr;        /* the protocol (read-only) */
  const struct sim_design *d;       /* the design (read-only) */
  uint64_t seed;                    /* the run's seed */
  int64_t trials;                   /* trials in all */
  struct sim_trial_result *res;     /* trials slots, one per trial */
  pthread_mutex_t lock;             /* guards next, done, rc, e */
  int64_t next;                     /* next trial to hand out */
  int64_t done;                     /* trials finished */
  int rc;                           /* first error code */
  struct err e;                     /* its message */
  void (*progress)(void *arg, int64_t done, int64_t trials); /* or NULL */
  void *progress_arg;               /* handed to progress */
};

/* Worker: takes chunks of trials until none is left.  arg is the job. */
static void *power_worker(void *arg) {
  struct power_job *j = arg;
  for (;;) {
    int64_t from;
    int64_t to;
    int64_t i;
    int rc = APP_OK;
    struct err e;
    pthread_mutex_lock(&j->lock);
    from = j->next;
    to = from + POWER_CHUNK < j->trials ? from + POWER_CHUNK : j->trials;
    j->next = to;
    pthread_mutex_unlock(&j->lock);
    if (from >= j->trials) {
      break;
    }
    err_clear(&e);
    for (i = from; i < to && rc == APP_OK; i++) {
      rc = sim_trial_run(j->cfg, j->pr, j->d, j->seed, i, &j->res[i], &e);
    }
    pthread_mutex_lock(&j->lock);
    j->done += to - from;
    if (rc != APP_OK && j->rc == APP_OK) {
      j->rc = rc;
      j->e = e;
      j->next = j->trials;
    }
    if (j->progress != NULL) {
      j->progress(j->progress_arg, j->done, j->trials);
    }
    pthread_mutex_unlock(&j->lock);
  }
  return NULL;
}

/* sum / n, or NAN when n is 0. */
static double mean_or_nan(double sum, int64_t n) {
  return n > 0 ? sum / (double)n : NAN;
}

/* Sum the n trial results res (in index order: the order fixes the
** rounding) against the true log HR true_b into *r. */
static void power_summarise(const struct sim_trial_result *res, int64_t n,
                            double true_b, struct sim_power_result *r) {
  double zc = POWER_Z975;
  int64_t i;
  int64_t n_ok = 0;
  int64_t n_iptw = 0;
  int64_t n_match = 0;
  double s_lr = 0, s_iptw = 0, s_match = 0, s_events = 0, s_crude_hr = 0;
  double s_adj_hr = 0, s_match_hr = 0, s_crude_cov = 0, s_adj_cov = 0;
  double s_match_cov = 0, s_crude_b = 0, s_adj_b = 0, s_time = 0;
  double s_pairs = 0;
  double p_lr;
  for (i = 0; i < n; i++) {
    const struct sim_trial_result *t = &res[i];
    s_lr += t->logrank_reject;
    s_events += t->events;
    s_time += t->analysis_time;
    if (t->has_cox && t->ok) {
      n_ok++;
      s_crude_b += t->crude_b;
      s_crude_hr += exp(t->crude_b);
      s_crude_cov += fabs(t->crude_b - true_b) <= zc * t->crude_se;
    }
    if (t->iptw_ok) {
      n_iptw++;
      s_iptw += t->iptw_reject;
      s_adj_b += t->iptw_b;
      s_adj_hr += exp(t->iptw_b);
      s_adj_cov += fabs(t->iptw_b - true_b) <= zc * t->iptw_se;
    }
    if (t->match_ok) {
      n_match++;
      s_match += t->match_reject;
      s_match_hr += exp(t->match_b);
      s_match_cov += fabs(t->match_b - true_b) <= zc * t->match_se;
      s_pairs += t->n_pairs;
    }
  }
  p_lr = s_lr / (double)n;
  r->power_logrank = p_lr;
  r->mc_se_logrank = sqrt(p_lr * (1 - p_lr) / (double)n);
  r->power_iptw = r->is_lesion ? mean_or_nan(s_iptw, n_iptw) : NAN;
  r->power_matched = r->is_lesion ? mean_or_nan(s_match, n_match) : NAN;
  r->n_crude = n_ok;
  r->n_iptw = n_iptw;
  r->n_matched = n_match;
  r->crude_hr_mean = mean_or_nan(s_crude_hr, n_ok);
  r->iptw_hr_mean = mean_or_nan(s_adj_hr, n_iptw);
  r->matched_hr_mean = mean_or_nan(s_match_hr, n_match);
  r->crude_log_bias = mean_or_nan(s_crude_b, n_ok) - true_b;
  r->iptw_log_bias = mean_or_nan(s_adj_b, n_iptw) - true_b;
  r->crude_coverage = mean_or_nan(s_crude_cov, n_ok);
  r->iptw_coverage = mean_or_nan(s_adj_cov, n_iptw);
  r->matched_coverage = mean_or_nan(s_match_cov, n_match);
  r->matched_pairs_mean = mean_or_nan(s_pairs, n_match);
  r->events_mean = s_events / (double)n;
  r->analysis_time_mean = s_time / (double)n;
}

int sim_power_run(const struct sim_config *cfg, const struct protocol *pr,
                  const struct sim_power_opts *o, struct sim_power_result *r,
                  struct err *e) {
  struct sim_design d = o->d;
  struct power_job j;
  pthread_t tid[SIM_POWER_MAX_THREADS];
  double true_b = NAN;
  double true_se = NAN;
  int threads = o->threads;
  int i;
  int rc;
  if (o->trials < 1) {
    return ERR_SET(e, APP_EINVAL, "trials: must be >= 1, got %lld",
                   (long long)o->trials);
  }
  if (threads < 1 || threads > SIM_POWER_MAX_THREADS) {
    return ERR_SET(e, APP_EINVAL, "threads: must be 1 to %d, got %d",
                   SIM_POWER_MAX_THREADS, threads);
  }
  memset(r, 0, sizeof(*r));
  r->is_lesion = d.model == SIM_MODEL_LESION;
  if (!r->is_lesion && d.hr <= 0) {
    d.hr = cfg->p.hr_haic_progression;
  }
  r->hr_used = d.hr > 0 ? d.hr : cfg->p.hr_haic_progression;
  r->is_null = r->hr_used == 1;
  if (r->is_lesion && r->is_null && d.hr == 1.0) {
    true_b = 0; /* the exact null: equal by construction (patient.h) */
  } else if (r->is_lesion) {
    rc = sim_true_log_hr(cfg, pr, &d, o->seed, SIM_POWER_TRUE_HR_PER_ARM,
                         &true_b, &true_se, e);
    if (rc != APP_OK) {
      return rc;
    }
  } else {
    true_b = log(d.hr);
  }
  memset(&j, 0, sizeof(j));
  j.cfg = cfg;
  j.pr = pr;
  j.d = &d;
  j.seed = o->seed;
  j.trials = o->trials;
  j.res = xcalloc((size_t)o->trials, sizeof(*j.res));
  j.progress = o->progress;
  j.progress_arg = o->progress_arg;
  pthread_mutex_init(&j.lock, NULL);
  for (i = 1; i < threads; i++) {
    if (pthread_create(&tid[i], NULL, power_worker, &j) != 0) {
      threads = i; /* run with the threads we have */
      break;
    }
  }
  power_worker(&j);
  for (i = 1; i < threads; i++) {
    pthread_join(tid[i], NULL);
  }
  pthread_mutex_destroy(&j.lock);
  rc = j.rc;
  if (rc != APP_OK) {
    if (e != NULL && e->code == APP_OK) {
      *e = j.e;
    }
  } else {
    r->trials = o->trials;
    r->threads = threads;
    r->true_log_hr = true_b;
    r->true_hr = exp(true_b);
    power_summarise(j.res, o->trials, true_b, r);
  }
  xfree(j.res);
  return rc;
}
