/*
** binom.h: one binomial proportion: estimate, confidence interval
** (Clopper-Pearson, Wilson, Jeffreys) and the exact two-sided test, as R's
** binom.test / prop.test(correct = FALSE) / qbeta compute them.
*/
#ifndef HCC_BINOM_H
#define HCC_BINOM_H

#include "../core/err.h"

/* The interval methods. */
enum binom_method {
  BINOM_CLOPPER_PEARSON = 0, /* exact, binom.test's interval */
  BINOM_WILSON = 1,          /* score interval, prop.test(correct=FALSE) */
  BINOM_JEFFREYS = 2         /* equal-tailed Beta(x+1/2, n-x+1/2) quantiles */
};

/* Largest n accepted: the exact test sums up to n+1 probabilities. */
#define BINOM_MAX_N 10000000L

/* Result of binom_fit. */
struct binom_result {
  double estimate; /* x / n */
  double lower;    /* lower confidence limit, in [0, 1] */
  double upper;    /* upper confidence limit, in [0, 1] */
  double p;        /* exact two-sided binomial test p against p0 */
  double p0;       /* the null proportion tested */
};

/* Parse a method name ("clopper-pearson", "wilson", "jeffreys").  Returns 0
** and sets *out, or -1 when the name is unknown. */
int binom_method_parse(const char *name, enum binom_method *out);

/* The name of a method, as binom_method_parse accepts it (static text). */
const char *binom_method_name(enum binom_method m);

/* x successes out of n trials: the estimate, the two-sided interval of the
** method at conf_level (0 < conf_level < 1), and the exact two-sided test
** of p = p0 (0 <= p0 <= 1).  Returns APP_OK, or APP_EINVAL naming x, n,
** conf_level or p0 (0 <= x <= n, 1 <= n <= BINOM_MAX_N).  No allocation. */
int binom_fit(long x, long n, enum binom_method method, double conf_level,
              double p0, struct binom_result *out, struct err *e);

/* The two-sided p-value of binom.test(x, n, p0): the sum of the
** probabilities not larger than P(X = x) * (1 + 1e-7), capped at 1.
** Arguments must already be valid (see binom_fit). */
double binom_test_p(long x, long n, double p0);

/* The p quantile of Beta(a, b) (lower tail when upper is 0, else the upper
** tail: the x with P(X > x) = p), a, b > 0, 0 <= p <= 1.  GSL's inverse
** with its error handler held off, polished by bisection when GSL's
** answer does not reproduce p to 1e-13 relative.  Used by binom_fit. */
double binom_qbeta(double p, double a, double b, int upper);

#endif
