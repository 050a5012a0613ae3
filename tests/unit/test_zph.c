/*
** test_zph.c: unit tests of cox.zph (src/stats/zph.c).
**
** The closed form is survival's tests/zph.R (stats-reference.md section 3):
** for test1 with Breslow ties at the MLE, r = exp(beta) = (3 + sqrt(33))/2,
** the per-death scores are U = (1/(r+1), 3/(r+3), -r/(r+3), 0) and
** informations I = (r/(r+1)^2, 3r/(r+3)^2, 3r/(r+3)^2, 0) at the death
** times (1, 6, 6, 9); with g the transformed death times the test of gamma
** is (sum g U)^2 / (sum g^2 I - (sum g I)^2 / sum I) (the score test with
** the beta part of U equal to 0).  g is the identity (1, 6, 6, 9), or for
** "km" 1 - S(t-) of the KM of all six rows: (0, 1/6, 1/6, 7/12), or for
** "rank" the average ranks of the six times: (2.5, 4.5, 4.5, 6).
*/
#include "harness.h"

#include <math.h>
#include <stdint.h>

#include "core/mem.h"
#include "stats/cox.h"
#include "stats/zph.h"

/* The closed-form statistic for death-time transforms g[4]. */
static double zph_closed(const double g[4]) {
  double r = (3 + sqrt(33.0)) / 2;
  double u[4], in[4];
  double gu = 0, g2i = 0, gi = 0, si = 0;
  int k;
  u[0] = 1 / (r + 1);
  u[1] = 3 / (r + 3);
  u[2] = -r / (r + 3);
  u[3] = 0;
  in[0] = r / ((r + 1) * (r + 1));
  in[1] = 3 * r / ((r + 3) * (r + 3));
  in[2] = in[1];
  in[3] = 0;
  for (k = 0; k < 4; k++) {
    gu += g[k] * u[k];
    g2i += g[k] * g[k] * in[k];
    gi += g[k] * in[k];
    si += in[k];
  }
  return gu * gu / (g2i - gi * gi / si);
}

/* test1 (NA row dropped), Breslow, all three transforms. */
static void test_zph_test1(void) {
  static const double tm[6] = {9, 1, 1, 6, 6, 8};
  static const int st[6] = {1, 1, 0, 1, 1, 0};
  static const double x[6] = {0, 1, 1, 1, 0, 0};
  static const double g_id[4] = {1, 6, 6, 9};
  static const double g_km[4] = {0, 1.0 / 6, 1.0 / 6, 7.0 / 12};
  static const double g_rank[4] = {2.5, 4.5, 4.5, 6};
  static const int term_of_col[1] = {0};
  struct cox_data d = {0};
  struct cox_options o;
  struct cox_fit f;
  struct zph_result z;
  struct err e;
  d.n = 6;
  d.p = 1;
  d.time = tm;
  d.status = st;
  d.x = x;
  cox_options_default(&o);
  o.ties = COX_BRESLOW;
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_OK);
  CHECK_INT_EQ(zph_test(&d, &o, &f, 1, term_of_col, ZPH_IDENTITY, &z, &e),
               APP_OK);
  CHECK_NEAR(z.chisq[0], zph_closed(g_id), 1e-8);
  CHECK_NEAR(z.global_chisq, z.chisq[0], 1e-12);
  CHECK_INT_EQ(z.df[0], 1);
  CHECK_INT_EQ(z.global_df, 1);
  /* upper chi-square tail on 1 df = erfc(sqrt(x / 2)) */
  CHECK_NEAR(z.p[0], erfc(sqrt(z.chisq[0] / 2)), 1e-10);
  zph_result_free(&z);
  CHECK_INT_EQ(zph_test(&d, &o, &f, 1, term_of_col, ZPH_KM, &z, &e), APP_OK);
  CHECK_NEAR(z.chisq[0], zph_closed(g_km), 1e-8);
  zph_result_free(&z);
  CHECK_INT_EQ(zph_test(&d, &o, &f, 1, term_of_col, ZPH_RANK, &z, &e),
               APP_OK);
  CHECK_NEAR(z.chisq[0], zph_closed(g_rank), 1e-8);
  zph_result_free(&z);
  cox_fit_free(&f);
}

/* Terms: a three-column term has 3 df; with a single term the term test is
** the global test; an NA column is left out of its term. */
static void test_zph_terms(void) {
  enum { N = 60 };
  double tm[N], x[4 * N];
  int st[N];
  int term2[4] = {0, 1, 1, 1};
  int term1[4] = {0, 0, 0, 0};
  uint64_t s = 7;
  int i;
  struct cox_data d = {0};
  struct cox_options o;
  struct cox_fit f;
  struct zph_result z;
  struct err e;
  for (i = 0; i < N; i++) {
    int lev;
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    tm[i] = (double)((s >> 33) % 40) + 1;
    st[i] = ((s >> 20) % 10) < 7;
    x[i] = (double)((s >> 40) % 100) / 10.0;
    lev = (int)((s >> 50) % 4);
    x[N + i] = lev == 1;
    x[2 * N + i] = lev == 2;
    x[3 * N + i] = x[N + i];
  }
  /* column 4 duplicates column 2: singular, NA */
  d.n = N;
  d.p = 4;
  d.time = tm;
  d.status = st;
  d.x = x;
  cox_options_default(&o);
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_OK);
  CHECK(isnan(f.coef[3]));
  CHECK_INT_EQ(zph_test(&d, &o, &f, 2, term2, ZPH_KM, &z, &e), APP_OK);
  CHECK_INT_EQ(z.df[0], 1);
  CHECK_INT_EQ(z.df[1], 2);
  CHECK_INT_EQ(z.global_df, 3);
  CHECK(z.chisq[1] <= z.global_chisq + 1e-9);
  CHECK(z.chisq[0] <= z.global_chisq + 1e-9);
  zph_result_free(&z);
  CHECK_INT_EQ(zph_test(&d, &o, &f, 1, term1, ZPH_KM, &z, &e), APP_OK);
  CHECK_NEAR(z.chisq[0], z.global_chisq, 1e-10);
  CHECK_INT_EQ(z.df[0], 3);
  zph_result_free(&z);
  cox_fit_free(&f);
}

int main(void) {
  test_zph_test1();
  test_zph_terms();
  return harness_report();
}
