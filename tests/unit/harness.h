/*
** harness.h: the unit-test harness (Redis testhelp.h, cmark api_test).
**
** Each tests/unit/test_<module>.c is its own program: it calls CHECK*()
** and ends main() with `return harness_report();`, which prints the one
** closing line "N passed, N failed" that tests/run.sh adds up.  A failed
** check prints file, line and the values compared.
*/
#ifndef HCC_HARNESS_H
#define HCC_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int harness_passed;
static int harness_failed;

/* Record one check. */
#define CHECK(cond) harness_check((cond) != 0, __FILE__, __LINE__, #cond)

#define CHECK_INT_EQ(a, b)                                                    \
  do {                                                                        \
    long long ha_ = (long long)(a), hb_ = (long long)(b);                     \
    if (!harness_check(ha_ == hb_, __FILE__, __LINE__, #a " == " #b)) {       \
      fprintf(stderr, "    got %lld, expected %lld\n", ha_, hb_);            \
    }                                                                         \
  } while (0)

#define CHECK_STR_EQ(a, b)                                                    \
  do {                                                                        \
    const char *ha_ = (a), *hb_ = (b);                                        \
    int ok_ = ha_ != NULL && hb_ != NULL && strcmp(ha_, hb_) == 0;            \
    if (!harness_check(ok_, __FILE__, __LINE__, #a " == " #b)) {              \
      fprintf(stderr, "    got \"%s\", expected \"%s\"\n",                  \
              ha_ ? ha_ : "(null)", hb_ ? hb_ : "(null)");                    \
    }                                                                         \
  } while (0)

/* |a - b| <= tol * max(1, |b|): relative for large values, absolute near 0. */
#define CHECK_NEAR(a, b, tol)                                                 \
  do {                                                                        \
    double ha_ = (double)(a), hb_ = (double)(b);                              \
    double scale_ = fabs(hb_) > 1.0 ? fabs(hb_) : 1.0;                        \
    int ok_ = fabs(ha_ - hb_) <= (tol) * scale_;                              \
    if (!harness_check(ok_, __FILE__, __LINE__, #a " ~ " #b)) {               \
      fprintf(stderr, "    got %.17g, expected %.17g (tol %g)\n", ha_, hb_,  \
              (double)(tol));                                                 \
    }                                                                         \
  } while (0)

static inline int harness_check(int ok, const char *file, int line,
                                const char *what) {
  if (ok) {
    harness_passed++;
  } else {
    harness_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
  }
  return ok;
}

/* Print the closing line; the exit status is 1 when anything failed. */
static inline int harness_report(void) {
  printf("%d passed, %d failed\n", harness_passed, harness_failed);
  return harness_failed ? 1 : 0;
}

#endif
