/*
** liver.c: Child-Pugh points and ALBI (see liver.h).  Band edges come from
** the protocol so the albumin middle band (28-35 g/L in Pugh's table, 30-35
** in Harrison's) is a protocol choice; the comparisons follow the "<" and ">"
** of Pugh's table, so a value exactly on an edge scores the middle band.
*/
#include "liver.h"

#include <math.h>

int child_pugh_bilirubin_points(const struct child_pugh_bands *b,
                                double bilirubin_umol_l) {
  if (bilirubin_umol_l < b->bili_2) {
    return 1;
  }
  return bilirubin_umol_l <= b->bili_3 ? 2 : 3;
}

int child_pugh_albumin_points(const struct child_pugh_bands *b,
                              double albumin_g_l) {
  if (albumin_g_l > b->alb_1) {
    return 1;
  }
  return albumin_g_l >= b->alb_3 ? 2 : 3;
}

int child_pugh_inr_points(const struct child_pugh_bands *b, double inr) {
  if (inr < b->inr_2) {
    return 1;
  }
  return inr <= b->inr_3 ? 2 : 3;
}

char child_pugh_class(int score) {
  if (score <= 6) {
    return 'A';
  }
  return score <= 9 ? 'B' : 'C';
}

double albi_score(double bilirubin_umol_l, double albumin_g_l) {
  return 0.66 * log10(bilirubin_umol_l) - 0.085 * albumin_g_l;
}

int albi_grade(const struct eligibility_rules *r, double albi) {
  /* Grade on the score rounded to 1e-9 so that inputs whose exact ALBI is
  ** on a cut-off are not pushed across it by binary rounding. */
  double a = round(albi * 1e9) / 1e9;
  if (a <= r->albi_grade1_max) {
    return 1;
  }
  return a <= r->albi_grade2_max ? 2 : 3;
}
