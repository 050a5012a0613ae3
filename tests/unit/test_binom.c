/*
** test_binom.c: binomial proportion intervals and the exact test against
** R's binom.test / prop.test / qbeta (values from
** ../shared/docs/stats-reference.md section 4.4, bin_ref.out) and closed
** forms.
*/
#include "harness.h"

#include "stats/binom.h"

/* R reference values for 7/20 and 682/925 (bin_ref.out). */
static void test_r_reference(void) {
  struct binom_result r;
  struct err e;
  err_clear(&e);
  CHECK_INT_EQ(binom_fit(7, 20, BINOM_CLOPPER_PEARSON, 0.95, 0.5, &r, &e),
               APP_OK);
  CHECK_NEAR(r.estimate, 0.35, 1e-15);
  CHECK_NEAR(r.lower, 0.153909204785, 1e-11);
  CHECK_NEAR(r.upper, 0.592188534533, 1e-11);
  CHECK_NEAR(r.p, 0.263175964355, 1e-11);
  CHECK_INT_EQ(binom_fit(682, 925, BINOM_CLOPPER_PEARSON, 0.95, 0.75, &r,
                         &e), APP_OK);
  CHECK_NEAR(r.p, 0.382491559575, 1e-11);
  CHECK_NEAR(r.lower, 0.707668264079, 1e-11);
  CHECK_NEAR(r.upper, 0.765406558242, 1e-11);
  CHECK_INT_EQ(binom_fit(7, 20, BINOM_WILSON, 0.95, 0.5, &r, &e), APP_OK);
  CHECK_NEAR(r.lower, 0.181191824101, 1e-11);
  CHECK_NEAR(r.upper, 0.567145723315, 1e-11);
  CHECK_INT_EQ(binom_fit(7, 20, BINOM_JEFFREYS, 0.95, 0.5, &r, &e), APP_OK);
  CHECK_NEAR(r.lower, 0.172276213632, 1e-11);
  CHECK_NEAR(r.upper, 0.567766093841, 1e-11);
  CHECK_INT_EQ(binom_fit(0, 10, BINOM_CLOPPER_PEARSON, 0.95, 0.5, &r, &e),
               APP_OK);
  CHECK(r.lower == 0);
  CHECK_NEAR(r.upper, 0.308497107819, 1e-11);
  CHECK_INT_EQ(binom_fit(10, 10, BINOM_CLOPPER_PEARSON, 0.95, 0.5, &r, &e),
               APP_OK);
  CHECK_NEAR(r.lower, 0.691502892181, 1e-11);
  CHECK(r.upper == 1);
}

/* Closed forms at the edges: x = 0 gives the upper limit 1 - (a/2)^(1/n)
** and x = n the lower (a/2)^(1/n); P(X = 0 or X = n) under p0 = 1/2. */
static void test_closed_forms(void) {
  struct binom_result r;
  struct err e;
  err_clear(&e);
  CHECK_INT_EQ(binom_fit(0, 37, BINOM_CLOPPER_PEARSON, 0.9, 0.5, &r, &e),
               APP_OK);
  CHECK_NEAR(r.upper, 1 - pow(0.05, 1.0 / 37), 1e-13);
  CHECK_NEAR(r.p, 2 * pow(0.5, 37), 1e-20);
  CHECK_INT_EQ(binom_fit(37, 37, BINOM_CLOPPER_PEARSON, 0.9, 0.5, &r, &e),
               APP_OK);
  CHECK_NEAR(r.lower, pow(0.05, 1.0 / 37), 1e-13);
  /* symmetric: x = n p0 gives p = 1 */
  CHECK_NEAR(binom_test_p(10, 20, 0.5), 1, 0);
  /* n = 1: one success against 0.5 is as likely as a failure: p = 1 */
  CHECK_NEAR(binom_test_p(1, 1, 0.5), 1, 0);
  /* p0 = 0 and 1 */
  CHECK_NEAR(binom_test_p(0, 5, 0), 1, 0);
  CHECK_NEAR(binom_test_p(1, 5, 0), 0, 0);
  CHECK_NEAR(binom_test_p(5, 5, 1), 1, 0);
  /* Wilson with x = 0: lower exactly 0, upper z^2/(n + z^2) */
  CHECK_INT_EQ(binom_fit(0, 20, BINOM_WILSON, 0.95, 0.5, &r, &e), APP_OK);
  CHECK(r.lower == 0);
  {
    double z = 1.959963984540054;
    CHECK_NEAR(r.upper, z * z / (20 + z * z), 1e-12);
  }
  /* Jeffreys x = 0, n = 1: Beta(1/2, 3/2) has P(X > 0.5) = 1/2 - 1/pi */
  CHECK_NEAR(binom_qbeta(0.5 - 1 / (4 * atan(1.0)), 0.5, 1.5, 1), 0.5, 1e-12);
  /* qbeta of Beta(1, 1) is the identity; Beta(a, 1) is p^(1/a) */
  CHECK_NEAR(binom_qbeta(0.3, 1, 1, 0), 0.3, 1e-14);
  CHECK_NEAR(binom_qbeta(1e-9, 3, 1, 0), pow(1e-9, 1.0 / 3), 1e-12);
}

/* Bad input is refused with a message naming the field. */
static void test_errors(void) {
  struct binom_result r;
  struct err e;
  enum binom_method m;
  err_clear(&e);
  CHECK_INT_EQ(binom_fit(11, 10, BINOM_WILSON, 0.95, 0.5, &r, &e),
               APP_EINVAL);
  CHECK(strncmp(e.msg, "x:", 2) == 0);
  err_clear(&e);
  CHECK_INT_EQ(binom_fit(1, 0, BINOM_WILSON, 0.95, 0.5, &r, &e), APP_EINVAL);
  CHECK(strncmp(e.msg, "n:", 2) == 0);
  err_clear(&e);
  CHECK_INT_EQ(binom_fit(1, 10, BINOM_WILSON, 1, 0.5, &r, &e), APP_EINVAL);
  CHECK(strncmp(e.msg, "conf-level:", 11) == 0);
  err_clear(&e);
  CHECK_INT_EQ(binom_fit(1, 10, BINOM_WILSON, 0.95, 1.5, &r, &e),
               APP_EINVAL);
  CHECK(strncmp(e.msg, "p0:", 3) == 0);
  CHECK_INT_EQ(binom_method_parse("jeffreys", &m), 0);
  CHECK_INT_EQ(m, BINOM_JEFFREYS);
  CHECK_INT_EQ(binom_method_parse("wald", &m), -1);
}

int main(void) {
  test_r_reference();
  test_closed_forms();
  test_errors();
  return harness_report();
}
