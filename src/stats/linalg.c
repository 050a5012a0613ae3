/*
** linalg.c: LDL' decomposition, solve and inverse with survival's tolerance
** rule (cholesky2.c, chsolve2.c, chinv2.c of R's survival package).
**
** Why not GSL: R declares a column singular when its pivot falls below
** toler * max(diag) and then carries on with that column zeroed; coxph's NA
** coefficients, its score test and its Wald test all depend on that exact
** rule, which gsl_linalg_cholesky_decomp (which fails on a singular matrix)
** does not have.  Invariant: after linalg_chol() the diagonal holds D (0 for a
** singular pivot) and the strict lower triangle holds L.
*/
#include "linalg.h"

#include <math.h>
#include <string.h>

int linalg_chol(double *m, int p, double toler) {
  double eps = 0.0;
  int rank = 0;
  int nonneg = 1;
  int i, j, k;
  for (i = 0; i < p; i++) {
    if (m[i * p + i] > eps) {
      eps = m[i * p + i];
    }
    for (j = i + 1; j < p; j++) {
      m[j * p + i] = m[i * p + j];
    }
  }
  if (eps == 0.0) {
    eps = toler;
  } else {
    eps *= toler;
  }
  for (i = 0; i < p; i++) {
    double pivot = m[i * p + i];
    if (!isfinite(pivot) || pivot < eps) {
      m[i * p + i] = 0.0;
      if (pivot < -8 * eps) {
        nonneg = -1;
      }
    } else {
      rank++;
      for (j = i + 1; j < p; j++) {
        double temp = m[j * p + i] / pivot;
        m[j * p + i] = temp;
        m[j * p + j] -= temp * temp * pivot;
        for (k = j + 1; k < p; k++) {
          m[k * p + j] -= temp * m[k * p + i];
        }
      }
    }
  }
  return rank * nonneg;
}

void linalg_chsolve(const double *m, int p, double *y) {
  int i, j;
  for (i = 0; i < p; i++) {
    double temp = y[i];
    for (j = 0; j < i; j++) {
      temp -= y[j] * m[i * p + j];
    }
    y[i] = temp;
  }
  for (i = p - 1; i >= 0; i--) {
    if (m[i * p + i] == 0.0) {
      y[i] = 0.0;
    } else {
      double temp = y[i] / m[i * p + i];
      for (j = i + 1; j < p; j++) {
        temp -= y[j] * m[j * p + i];
      }
      y[i] = temp;
    }
  }
}

void linalg_chinv(double *m, int p) {
  int i, j, k;
  /* Invert L (unit diagonal) and D in the lower triangle. */
  for (i = 0; i < p; i++) {
    if (m[i * p + i] > 0.0) {
      m[i * p + i] = 1.0 / m[i * p + i];
      for (j = i + 1; j < p; j++) {
        m[j * p + i] = -m[j * p + i];
        for (k = 0; k < i; k++) {
          m[j * p + k] += m[j * p + i] * m[i * p + k];
        }
      }
    }
  }
  /* F' D F into the upper triangle. */
  for (i = 0; i < p; i++) {
    if (m[i * p + i] == 0.0) {
      for (j = 0; j < i; j++) {
        m[j * p + i] = 0.0;
      }
      for (j = i; j < p; j++) {
        m[i * p + j] = 0.0;
      }
    } else {
      for (j = i + 1; j < p; j++) {
        double temp = m[j * p + i] * m[j * p + j];
        m[i * p + j] = temp;
        for (k = i; k < j; k++) {
          m[i * p + k] += temp * m[j * p + k];
        }
      }
    }
  }
  /* Mirror the upper triangle into the lower one. */
  for (i = 0; i < p; i++) {
    for (j = 0; j < i; j++) {
      m[i * p + j] = m[j * p + i];
    }
  }
}

double linalg_quadform(const double *a, const double *y, int p, double toler,
                       int *rank, double *scratch) {
  double *m = scratch;
  double *z = scratch + (size_t)p * (size_t)p;
  double q = 0.0;
  int i;
  memcpy(m, a, sizeof(double) * (size_t)p * (size_t)p);
  memcpy(z, y, sizeof(double) * (size_t)p);
  *rank = linalg_chol(m, p, toler);
  linalg_chsolve(m, p, z);
  for (i = 0; i < p; i++) {
    q += y[i] * z[i];
  }
  return q;
}
