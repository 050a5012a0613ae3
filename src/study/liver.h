/*
** liver.h: liver-function scores used at screening.
**
** Child-Pugh (Pugh et al., Br J Surg 1973) with the protocol's band limits
** and ALBI (Johnson et al., J Clin Oncol 2015).  Pure functions.
*/
#ifndef HCC_LIVER_H
#define HCC_LIVER_H

#include "protocol.h"

/* Ascites grade, as entered. */
enum ascites {
  ASCITES_NONE = 0,            /* 1 point */
  ASCITES_MILD = 1,            /* 2 points */
  ASCITES_MODERATE_SEVERE = 2  /* 3 points */
};

/* Hepatic encephalopathy grade (West Haven), as entered. */
enum encephalopathy {
  ENCEPH_NONE = 0,      /* 1 point */
  ENCEPH_GRADE1_2 = 1,  /* 2 points */
  ENCEPH_GRADE3_4 = 2   /* 3 points */
};

/* Points (1-3) for total bilirubin in umol/L: < bili_2 is 1, bili_2 to
** bili_3 inclusive is 2, > bili_3 is 3. */
int child_pugh_bilirubin_points(const struct child_pugh_bands *b,
                                double bilirubin_umol_l);

/* Points (1-3) for albumin in g/L: > alb_1 is 1, alb_3 to alb_1 inclusive is
** 2, < alb_3 is 3. */
int child_pugh_albumin_points(const struct child_pugh_bands *b,
                              double albumin_g_l);

/* Points (1-3) for INR: < inr_2 is 1, inr_2 to inr_3 inclusive is 2, > inr_3
** is 3. */
int child_pugh_inr_points(const struct child_pugh_bands *b, double inr);

/* Child-Pugh class letter for a score 5-15: 'A' (5-6), 'B' (7-9), 'C'. */
char child_pugh_class(int score);

/* ALBI = 0.66 log10(bilirubin umol/L) - 0.085 albumin g/L.  bilirubin must
** be > 0. */
double albi_score(double bilirubin_umol_l, double albumin_g_l);

/* ALBI grade 1-3: <= grade1_max is 1, <= grade2_max is 2, else 3. */
int albi_grade(const struct eligibility_rules *r, double albi);

#endif
