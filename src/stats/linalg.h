/*
** linalg.h: small dense symmetric matrices for the survival models.
**
** These reproduce survival's cholesky2.c, chsolve2 and chinv2: an LDL'
** decomposition with a tolerance that declares near-singular pivots zero
** (the column is then dropped: its solution and inverse entries are 0).  R's
** coxph uses exactly this to give NA for collinear columns, so matching it
** keeps our ranks and our numbers equal to R's.  Matrices are p x p,
** row-major (m[i*p + j]); p is small (tens), so O(p^3) is fine.
*/
#ifndef HCC_LINALG_H
#define HCC_LINALG_H

/* Decompose the symmetric matrix m (p x p, row-major; the upper triangle,
** m[i*p + j] with j > i, is read) in place into L D L': D on the diagonal,
** L below it.  A pivot that is not finite or < toler * max(diagonal) is set
** to 0 (a singular column).  Returns the rank, negated when the matrix is
** clearly not non-negative definite (as survival's cholesky2). */
int linalg_chol(double *m, int p, double toler);

/* Solve (L D L') z = y for the decomposition from linalg_chol(), in place in
** y (length p); components of singular columns become 0. */
void linalg_chsolve(const double *m, int p, double *y);

/* Turn the decomposition from linalg_chol() into the (generalised) inverse of
** the original matrix, in place, full and symmetric; rows and columns of
** singular pivots are 0. */
void linalg_chinv(double *m, int p);

/* y' A^- y for a symmetric A (p x p, row-major, not modified) with the
** tolerance above; *rank receives the rank.  Uses scratch (p*p + p doubles,
** caller-owned).  Returns the quadratic form. */
double linalg_quadform(const double *a, const double *y, int p, double toler,
                       int *rank, double *scratch);

#endif
