/*
** protocol.h: the study protocol as data.
**
** A protocol is read from JSON (protocols/challenge06.json is embedded in the
** binary as the default; --protocol FILE replaces it) into struct protocol.
** Every rule in src/study/ takes its numbers from here, never from literals,
** so that one file states what the study does.  protocol_parse() validates
** every field and its consistency and names the field it rejects.
**
** Pure: no I/O.  The embedded default text is linked in by protocol_embed.c.
*/
#ifndef HCC_PROTOCOL_H
#define HCC_PROTOCOL_H

#include <jansson.h>
#include <stdbool.h>

#include "../core/date.h"
#include "../core/err.h"

/* Most steps a lenvatinib reduction ladder may hold (start level included). */
#define PROTOCOL_MAX_LADDER 8
/* Most cohorts and interventions a protocol may declare. */
#define PROTOCOL_MAX_COHORTS 8
#define PROTOCOL_MAX_INTERVENTIONS 16
/* Most date fields a protocol may exempt from the future-date refusal, and
** the longest "kind.field" name (with its NUL). */
#define PROTOCOL_MAX_FUTURE_WARNED 16
#define PROTOCOL_FIELD_NAME_MAX 64

/* How a lenvatinib dose is taken. */
enum dose_schedule {
  DOSE_DAILY = 0,           /* once daily */
  DOSE_EVERY_OTHER_DAY = 1, /* once every other day */
  DOSE_DISCONTINUED = 2     /* stopped; mg is 0 */
};

/* One rung of a dose-reduction ladder. */
struct dose_step {
  double mg;              /* dose per intake, mg (0 when discontinued) */
  enum dose_schedule schedule;
};

/* A reduction ladder for one starting dose.  steps[0] is the starting dose;
** steps[k] is the dose after k reductions.  Reductions past the last step
** mean discontinued. */
struct dose_ladder {
  double start_mg;                          /* steps[0].mg */
  int n_steps;                              /* 1..PROTOCOL_MAX_LADDER */
  struct dose_step steps[PROTOCOL_MAX_LADDER];
};

/* Lenvatinib and PD-1 inhibitor dosing. */
struct dosing_rules {
  double len_weight_threshold_kg; /* weight >= this gets len_high_mg */
  double len_high_mg;             /* 12 mg */
  double len_low_mg;              /* 8 mg */
  struct dose_ladder ladder_high; /* ladder starting at len_high_mg */
  struct dose_ladder ladder_low;  /* ladder starting at len_low_mg */
  double pd1_mg;                  /* 200 mg IV */
  int pd1_interval_days;          /* 21 */
};

/* Child-Pugh band limits (Pugh 1973).  Points: bilirubin < bili_2 -> 1,
** bili_2..bili_3 -> 2, > bili_3 -> 3; albumin > alb_1 -> 1, alb_3..alb_1 ->
** 2, < alb_3 -> 3; INR < inr_2 -> 1, inr_2..inr_3 -> 2, > inr_3 -> 3. */
struct child_pugh_bands {
  double bili_2;  /* umol/L, lower edge of 2 points (34) */
  double bili_3;  /* umol/L, upper edge of 2 points (51) */
  double alb_1;   /* g/L, upper edge of 2 points (35) */
  double alb_3;   /* g/L, lower edge of 2 points (28; 30 in Harrison's) */
  double inr_2;   /* lower edge of 2 points (1.7) */
  double inr_3;   /* upper edge of 2 points (2.3) */
};

/* Inclusion and exclusion parameters. */
struct eligibility_rules {
  int age_min;                  /* years, inclusive (18) */
  int age_max;                  /* years, inclusive (75) */
  bool bclc_allowed[5];         /* indexed 0,A,B,C,D */
  int child_pugh_max;           /* highest score allowed (7) */
  int ecog_max;                 /* highest ECOG allowed (1) */
  bool pvi_excluded[5];         /* portal vein invasion none,vp1..vp4 */
  struct child_pugh_bands cp;   /* scoring bands */
  double albi_grade1_max;       /* ALBI <= this is grade 1 (-2.60) */
  double albi_grade2_max;       /* ALBI > this is grade 3 (-1.39) */
};

/* Visit schedule (days from treatment start). */
struct visit_rules {
  int assess_interval_days;   /* 56 */
  int assess_window_days;     /* +/- 3 */
  int survival_interval_days; /* 56 */
  int survival_window_days;   /* +/- 7 */
};

/* What a non-target lesion seen again ("present") after an overall CR time
** point means.  A decision point: RECIST 1.1 Table 3 note a says that after
** a true CR any disease seen later is PD; the tables themselves would call
** it non-target persistence. */
enum nt_reappearance {
  NT_REAPPEAR_PD = 0,           /* "pd": progression (note a; default) */
  NT_REAPPEAR_NON_CR_NON_PD = 1 /* "non_cr_non_pd": persistence, as if
                                   the CR had not been seen */
};

/* Response-criteria options (mRECIST by default). */
struct response_rules {
  bool confirm;              /* CR/PR need confirmation */
  int confirm_min_days;      /* confirming scan at least this many days later */
  int sd_min_days;           /* SD counts only at or after this day */
  int max_ne_between;        /* NE time points allowed between CR/PR and its
                                confirmation (1) */
  bool accept_sd_between;    /* one SD allowed between a PR and its
                                confirmation (true; admiralonco accept_sd) */
  enum nt_reappearance nt_reappearance; /* a non-target present again after
                                an overall CR (NT_REAPPEAR_PD) */
  double pd_abs_min_mm;      /* absolute SVD increase also needed for PD (0) */
  double pd_pct;             /* PD: >= this % above nadir (20) */
  double pr_pct;             /* PR: >= this % below baseline (30) */
  double new_liver_min_mm;   /* new typical liver lesion counts at (10) */
  double new_growth_mm;      /* equivocal lesion confirmed by growth of (10) */
  double porta_node_min_mm;  /* new porta hepatis node: short axis (20) */
  int max_targets;           /* target lesions allowed in all (5) */
  int max_targets_per_organ; /* target lesions per organ (2; LEAP-012
                                allowed 5 intrahepatic) */
};

/* Endpoint derivation options. */
struct endpoint_rules {
  int pfs_max_gap_days;  /* PD/death later than this after the last adequate
                            assessment is censored there (2*56+3 = 115) */
};

/* Edit-check and save-time tolerances (section "checks").  The section and
** each member are optional, with the defaults below, so that the protocols
** stored by studies created before the section existed still load. */
struct check_rules {
  int pd1_interval_tolerance_days; /* pd1_interval raises a query when two
                                      doses are more than this many days
                                      from dosing.pd1.interval_days apart
                                      (7: 14 to 28 days) */
  int future_date_grace_days;      /* a date up to this many days after the
                                      server's UTC today is not in the
                                      future (1: a site east of UTC, e.g.
                                      China at UTC+8, enters its local
                                      today before UTC midnight) */
  int n_future_warned;             /* entries in future_warned */
  char future_warned[PROTOCOL_MAX_FUTURE_WARNED]
                    [PROTOCOL_FIELD_NAME_MAX]; /* "kind.field": date fields
                                      whose future dates are saved and
                                      queried (date_in_future) instead of
                                      refused; none by default */
};

/* Which enrolled patients the analyses count. */
enum analysis_population {
  POP_ENROLLED_ELIGIBLE = 0, /* enrolled, and eligible at screening */
  POP_ENROLLED = 1           /* every enrolled patient, overrides too */
};

/* Enrolment and the analysis population (section "enrolment", optional
** like "checks", with the defaults below). */
struct enrolment_rules {
  bool override_allowed;               /* an investigator may enrol a
                                          patient who is not eligible at
                                          screening, with a reason (false:
                                          the registry enrols eligible
                                          patients only) */
  enum analysis_population population; /* enrolled_eligible */
};

/* A cohort and what it receives. */
struct cohort {
  char id[16];     /* "TACE", "HAIC" */
  char label[96];  /* display name */
};

/* The whole protocol.  Owns nothing on the heap. */
struct protocol {
  char nct_id[16];             /* "NCT07340502" */
  char study_id[32];           /* "CHALLENGE-06" */
  char title[160];             /* official title */
  int target_enrollment;       /* 364 */
  date_t study_start;          /* 2026-01-31 */
  date_t study_completion;     /* 2028-12-31 */
  int n_cohorts;               /* 2 */
  struct cohort cohorts[PROTOCOL_MAX_COHORTS];
  struct dosing_rules dosing;
  struct eligibility_rules elig;
  struct visit_rules visits;
  struct response_rules response;
  struct endpoint_rules endpoints;
  struct check_rules checks;
  struct enrolment_rules enrolment;
};

/* Parse and validate a protocol from JSON.  Returns APP_OK or APP_EINVAL with
** a message naming the field (e.g. "visits.assessment_window_days"). */
int protocol_from_json(const json_t *root, struct protocol *p, struct err *e);

/* Parse protocol text (what names its origin in messages). */
int protocol_parse(const char *text, size_t len, const char *what,
                   struct protocol *p, struct err *e);

/* Load the embedded default protocol (CHALLENGE-06).  Never fails unless the
** build embedded a broken file, which a unit test rules out. */
int protocol_default(struct protocol *p, struct err *e);

/* The embedded default protocol text and its length. */
const char *protocol_default_text(size_t *len);

/* Whether the protocol lets a date after today be saved (with a query) in
** field `field` of record kind `kind`, rather than refusing it. */
bool protocol_future_date_warned(const struct protocol *p, const char *kind,
                                 const char *field);

/* Name of an analysis population: "enrolled_eligible" or "enrolled". */
const char *analysis_population_name(enum analysis_population a);

/* Name of a non-target reappearance rule: "pd", "non_cr_non_pd". */
const char *nt_reappearance_name(enum nt_reappearance r);

/* Name of a dose schedule: "daily", "every_other_day", "discontinued". */
const char *dose_schedule_name(enum dose_schedule s);

#endif
