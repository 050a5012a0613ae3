/*
** test_design.c: events, subjects and power against rpact 3.3.4 (values
** from ../shared/docs/stats-reference.md section 7.3, rpact_ref.out), the
** event probability against its closed form (../shared/docs/
** clinical-rules.md section 7) and an independent numerical integral, and
** the E-value against VanderWeele & Ding's worked example.
*/
#include "harness.h"

#include "stats/design.h"

#include <gsl/gsl_cdf.h>

/* rpact's ex2: one-sided 0.025, power 0.8, HR 0.7, median 12, accrual 24,
** follow-up 12. */
static void design_ex2(struct design_input *in) {
  design_input_init(in);
  in->hr = 0.7;
  in->alpha = 0.025;
  in->sided = 1;
  in->power = 0.8;
  in->has_survival = true;
  in->median_control = 12;
  in->n_accrual = 1;
  in->accrual_end[0] = 24;
  in->follow_up = 12;
}

static void test_rpact_samplesize(void) {
  struct design_input in;
  struct design_result r;
  struct err e;
  err_clear(&e);
  design_ex2(&in);
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_OK);
  CHECK_NEAR(r.events, 246.787104547, 1e-11);
  CHECK_NEAR(r.n, 369.574139588, 1e-11);
  CHECK_NEAR(r.events_ceil, 247, 0);
  CHECK_NEAR(r.n_ceil, 370, 0);
  CHECK_NEAR(r.lambda2, 0.0577622650467, 1e-11);
  CHECK_NEAR(r.lambda1, 0.0404335855327, 1e-11);
  CHECK_NEAR(r.analysis_time, 36, 0);
  in.method = DESIGN_FREEDMAN;
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_OK);
  CHECK_NEAR(r.events, 252.036249247, 1e-11);
  CHECK_NEAR(r.n, 377.434956058, 1e-11);
  in.method = DESIGN_HSIEH_FREEDMAN;
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_OK);
  CHECK_NEAR(r.events, 252.036249247, 1e-11);
  in.method = DESIGN_SCHOENFELD;
  in.dropout = 0.1;
  in.dropout_time = 12;
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_OK);
  CHECK_NEAR(r.n, 402.099985165, 1e-11);
  in.dropout = 0;
  in.ratio = 2;
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_OK);
  CHECK_NEAR(r.events, 277.635492616, 1e-11);
  CHECK_NEAR(r.n, 428.990857239, 1e-11);
  CHECK_NEAR(r.n1, 285.993904826, 1e-11);
  /* rpact help example: two-sided 0.05, power 0.9, HR 1.5 */
  design_input_init(&in);
  in.hr = 1.5;
  in.power = 0.9;
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_OK);
  CHECK_NEAR(r.events, 255.652023899, 1e-11);
  CHECK(isnan(r.n));
}

/* The registry's 364: HR 0.7, two-sided 0.05, 80%, median 8, accrual 24,
** follow-up 12 gives 4 (z_.975 + z_.8)^2 / log(0.7)^2 events and, by the
** closed form of clinical-rules.md section 7, N = D / mean(P1, P2). */
static void test_challenge06(void) {
  struct design_input in;
  struct design_result r;
  struct err e;
  double z = gsl_cdf_ugaussian_Pinv(0.975) + gsl_cdf_ugaussian_Pinv(0.8);
  double d = 4 * z * z / (log(0.7) * log(0.7));
  double l2 = log(2) / 8, l1 = 0.7 * l2;
  double p2 = 1 - (exp(-l2 * 12) - exp(-l2 * 36)) / (l2 * 24);
  double p1 = 1 - (exp(-l1 * 12) - exp(-l1 * 36)) / (l1 * 24);
  err_clear(&e);
  design_input_init(&in);
  in.hr = 0.7;
  in.has_survival = true;
  in.median_control = 8;
  in.n_accrual = 1;
  in.accrual_end[0] = 24;
  in.follow_up = 12;
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_OK);
  CHECK_NEAR(r.events, d, 1e-12);
  CHECK_NEAR(r.prob_event2, p2, 1e-13);
  CHECK_NEAR(r.prob_event1, p1, 1e-13);
  CHECK_NEAR(r.n, d / ((p1 + p2) / 2), 1e-12);
  CHECK_NEAR(design_ceil(r.n / 0.85), 364, 0);
  /* power at the unrounded n is the target plus the far tail */
  CHECK_INT_EQ(design_power(&in, r.n, NAN, &r, &e), APP_OK);
  CHECK_NEAR(r.power, 0.8 + gsl_cdf_ugaussian_P(-2 * 1.959963984540054 -
             gsl_cdf_ugaussian_Pinv(0.8)), 1e-12);
}

/* rpact getPowerSurvival: 247 events, HR 0.7, one-sided 0.025. */
static void test_rpact_power(void) {
  struct design_input in;
  struct design_result r;
  struct err e;
  err_clear(&e);
  design_ex2(&in);
  CHECK_INT_EQ(design_power(&in, NAN, 247, &r, &e), APP_OK);
  CHECK_NEAR(r.power, 0.800338066557, 1e-11);
  CHECK(isnan(r.n));
  in.has_survival = false;
  CHECK_INT_EQ(design_power(&in, 300, NAN, &r, &e), APP_EINVAL);
  CHECK(strncmp(e.msg, "n:", 2) == 0);
}

/* Simpson's rule over the entry time of the allocation-weighted event
** probability, written independently of design.c. */
static double simpson_prob(const struct design_input *in, double t) {
  double l2 = log(2) / in->median_control, l1 = in->hr * l2;
  double phi = -log(1 - in->dropout) / in->dropout_time;
  double mass = 0, total = 0;
  int j, k, g;
  for (j = 0; j < in->n_accrual; j++) {
    mass += (in->accrual_end[j] - (j ? in->accrual_end[j - 1] : 0)) *
            in->accrual_intensity[j];
  }
  for (g = 0; g < 2; g++) {
    double lam = g ? l2 : l1, w = g ? 1 : in->ratio, s = 0;
    for (j = 0; j < in->n_accrual; j++) {
      double a = j ? in->accrual_end[j - 1] : 0, b = in->accrual_end[j];
      double h;
      int m = 2000;
      if (b > t) {
        b = t;
      }
      if (b <= a) {
        break;
      }
      h = (b - a) / m;
      for (k = 0; k <= m; k++) {
        double x = t - (a + k * h);
        double f = lam / (lam + phi) * (1 - exp(-(lam + phi) * x));
        s += (k == 0 || k == m ? 1 : (k % 2 ? 4 : 2)) * f * h / 3 *
             in->accrual_intensity[j] / mass;
      }
    }
    total += w * s;
  }
  return total / (1 + in->ratio);
}

/* Piecewise accrual, dropout and an analysis before the end of accrual. */
static void test_event_prob(void) {
  struct design_input in;
  double t;
  design_ex2(&in);
  in.n_accrual = 3;
  in.accrual_end[0] = 6;
  in.accrual_end[1] = 12;
  in.accrual_end[2] = 24;
  in.accrual_intensity[0] = 0.5;
  in.accrual_intensity[1] = 1;
  in.accrual_intensity[2] = 2;
  in.dropout = 0.15;
  in.dropout_time = 12;
  in.ratio = 1.5;
  for (t = 3; t <= 40; t += 4.5) {
    CHECK_NEAR(design_event_prob(&in, t, NULL, NULL), simpson_prob(&in, t),
               1e-11);
  }
  /* two equal pieces are one piece */
  design_ex2(&in);
  t = design_event_prob(&in, 36, NULL, NULL);
  in.n_accrual = 2;
  in.accrual_end[0] = 10;
  in.accrual_end[1] = 24;
  CHECK_NEAR(design_event_prob(&in, 36, NULL, NULL), t, 1e-14);
}

/* Bad designs name the option. */
static void test_design_errors(void) {
  struct design_input in;
  struct design_result r;
  struct err e;
  design_ex2(&in);
  in.hr = 1;
  err_clear(&e);
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_EINVAL);
  CHECK(strncmp(e.msg, "hr:", 3) == 0);
  design_ex2(&in);
  in.power = 0.02;
  err_clear(&e);
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_EINVAL);
  CHECK(strncmp(e.msg, "power:", 6) == 0);
  design_ex2(&in);
  in.alpha = 1;
  err_clear(&e);
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_EINVAL);
  CHECK(strncmp(e.msg, "alpha:", 6) == 0);
  design_ex2(&in);
  in.dropout = 1;
  err_clear(&e);
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_EINVAL);
  CHECK(strncmp(e.msg, "dropout:", 8) == 0);
  design_ex2(&in);
  in.n_accrual = 2;
  in.accrual_end[1] = 10;
  err_clear(&e);
  CHECK_INT_EQ(design_samplesize(&in, &r, &e), APP_EINVAL);
  CHECK(strncmp(e.msg, "accrual-time:", 13) == 0);
}

/* VanderWeele & Ding 2017: RR 3.9 (1.8 to 8.7) gives 7.26 and 3.0. */
static void test_evalue(void) {
  struct evalue_result r;
  struct err e;
  err_clear(&e);
  CHECK_INT_EQ(design_evalue(3.9, true, 1.8, 8.7, false, &r, &e), APP_OK);
  CHECK_NEAR(r.evalue, 3.9 + sqrt(3.9 * 2.9), 1e-14);
  CHECK_NEAR(r.evalue_ci, 3.0, 1e-14);
  CHECK_INT_EQ(design_evalue(0.5, true, 0.25, 1.2, false, &r, &e), APP_OK);
  CHECK_NEAR(r.evalue, 2 + sqrt(2), 1e-14);
  CHECK_NEAR(r.evalue_ci, 1, 0);
  CHECK_INT_EQ(design_evalue(0.5, true, 0.25, 0.8, false, &r, &e), APP_OK);
  CHECK_NEAR(r.evalue_ci, 1.25 + sqrt(1.25 * 0.25), 1e-14);
  CHECK_INT_EQ(design_evalue(0.5, false, NAN, NAN, true, &r, &e), APP_OK);
  CHECK_NEAR(r.rr, (1 - pow(0.5, sqrt(0.5))) / (1 - pow(0.5, sqrt(2))),
             1e-14);
  CHECK(isnan(r.evalue_ci));
  CHECK_INT_EQ(design_evalue(1, false, NAN, NAN, true, &r, &e), APP_OK);
  CHECK_NEAR(r.rr, 1, 1e-15);
  CHECK_INT_EQ(design_evalue(0.5, true, 0.6, 0.8, false, &r, &e),
               APP_EINVAL);
  CHECK(strncmp(e.msg, "lower:", 6) == 0);
  err_clear(&e);
  CHECK_INT_EQ(design_evalue(-1, false, NAN, NAN, false, &r, &e),
               APP_EINVAL);
}

int main(void) {
  test_rpact_samplesize();
  test_challenge06();
  test_rpact_power();
  test_event_prob();
  test_design_errors();
  test_evalue();
  return harness_report();
}
