/*
** frame.h: the patient-level analysis frame, one row a patient, built once
** from the store's casebooks and derived values (issue 13).  The analysis
** routes (analysis.h) and the data exports (export.h) both read it, so a
** number is derived in one place only.
**
** The column table (frame_cols) describes every exported variable once:
** name (SAS XPORT v5: at most 8 upper-case characters), label (at most 40
** characters), type, width; every writer of export.h uses it.
*/
#ifndef HCC_FRAME_H
#define HCC_FRAME_H

#include <stdbool.h>

#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "../core/err.h"
#include "../db/db.h"
#include "../store/store.h"
#include "dataset.h"

/* The propensity-model covariates, in design order (see docs/analysis.md):
** age, male, ecog, albi, tumour_number, largest_mm, afp_log (log10(AFP +
** 1)), pvi (portal vein invasion not "none"), bclc_B, bclc_C (A is the
** reference). */
#define FRAME_N_COV 10
extern const char *const frame_cov_name[FRAME_N_COV];

/* One scan timepoint of a patient. */
struct frame_timepoint {
  double day;          /* days from treatment start */
  char overall[12];    /* overall mRECIST response ("PR"), "" if none */
};

/* One patient.  Numbers that are absent are NAN; strings that are absent
** are "".  Every string member fits its column's width (frame_cols). */
struct frame_row {
  char code[32];           /* patient code ("FAH-0001") */
  char site[16];           /* site code */
  char status[16];         /* screened, enrolled, off_study, ... */
  int cohort;              /* 0 HAIC, 1 TACE, -1 none (not enrolled) */
  bool in_population;      /* in the protocol's analysis population, with
                           ** a cohort */
  double age;              /* baseline age (years) */
  char sex[2];             /* "M" or "F" (baseline sex), "" when absent */
  double ecog;             /* baseline ECOG performance status */
  double cp_score;         /* Child-Pugh score (screening, derived) */
  char cp_class[2];        /* Child-Pugh class "A", "B", "C" */
  char bclc[2];            /* baseline BCLC stage "A", "B", "C" */
  double albi;             /* ALBI score (screening, derived) */
  double tumour_number;    /* baseline number of tumours */
  double largest_mm;       /* baseline largest tumour diameter (mm) */
  double afp;              /* baseline AFP (ng/mL) */
  char pvi[16];            /* baseline portal vein invasion ("none"...) */
  bool has_pfs;            /* PFS derived */
  double pfs_days;         /* PFS time (days from treatment start) */
  int pfs_event;           /* 1 progression or death, 0 censored */
  bool has_os;             /* OS derived */
  double os_days;          /* OS time (days) */
  int os_event;            /* 1 death, 0 censored */
  char bor[12];            /* best overall response ("" when none) */
  bool has_best_pct;       /* some timepoint has change_baseline_pct */
  double best_pct;         /* smallest change from baseline (%) */
  bool has_cov;            /* every covariate present */
  double cov[FRAME_N_COV]; /* covariates (frame_cov_name order) */
  int worst_ae_grade;      /* worst CTCAE grade, 0 when no AE */
  int n_tp;                /* timepoints */
  struct frame_timepoint *tp; /* n_tp timepoints (owned) */
};

/* The frame. */
struct frame {
  char study_id[32];       /* the protocol's study id ("CHALLENGE-06") */
  int n;                   /* rows */
  struct frame_row *p;     /* n rows (owned), in patient-code order */
  enum analysis_population population; /* the protocol's population rule */
  int n_excluded;          /* enrolled patients the rule leaves out */
};

/* Where a study's casebooks come from: the live data (freeze_id 0) or a
** data freeze (freeze.h), as seen by actor a (site scoping applied).
** frame_source_open() fills it and the metadata every export file
** carries. */
struct frame_source {
  struct db *db;
  const struct actor *a;
  int64_t freeze_id;     /* 0: the live data */
  int64_t audit_seq;     /* the last audit entry the data include (the
                         ** freeze's, or the newest at opening) */
  char chain_hash[65];   /* the audit chain hash at audit_seq */
  time_t created;        /* the freeze's time; the opening time when live:
                         ** every file's timestamp */
  char created_utc[24];  /* the same, "YYYY-MM-DDTHH:MM:SSZ" */
  char study_id[32];     /* the protocol's study id */
};

/* Open the casebooks of freeze freeze_id (0: live) for actor a.  Returns
** APP_OK, APP_ENOTFOUND naming "--freeze" (no such freeze) or a store
** error. */
int frame_source_open(struct db *db, const struct actor *a,
                      int64_t freeze_id, struct frame_source *src,
                      struct err *e);

/* Called with each casebook (store_casebook's document) in patient-code
** order; a non-APP_OK return stops the walk and is returned. */
typedef int (*frame_casebook_fn)(void *ctx, const json_t *cb,
                                 struct err *e);

/* Walk every casebook of src the actor may see, one at a time (memory is
** one casebook, whatever the study's size). */
int frame_casebooks(const struct frame_source *src, frame_casebook_fn fn,
                    void *ctx, struct err *e);

/* Which patients frame_load keeps. */
enum frame_scope {
  FRAME_ALL = 0,       /* every patient the actor may see */
  FRAME_ANALYSIS = 1   /* only rows with in_population (analysis routes) */
};

/* Read every casebook the actor may see (store_patient_codes, then
** store_casebook for each, in code order) and build the frame.  Nothing
** is cached.  Returns APP_OK or a store error (the frame is then empty).
** Free with frame_free(). */
int frame_load(struct db *db, const struct actor *a, enum frame_scope scope,
               struct frame *f, struct err *e);

/* The same from src (live or a freeze). */
int frame_load_from(const struct frame_source *src, enum frame_scope scope,
                    struct frame *f, struct err *e);

/* Called by frame_load_each after each casebook's row has been read: f
** as built so far, row the index of that casebook's row in f->p (-1 when
** the scope left it out) and the casebook itself (owned by the walk).  f->p
** may move between calls: keep indices, not pointers.  A non-APP_OK return
** stops the walk and is returned. */
typedef int (*frame_row_fn)(void *ctx, const struct frame *f, int row,
                            const json_t *cb, struct err *e);

/* frame_load_from, calling fn (may be NULL) with each casebook as its row
** is read, so a builder reads the casebooks once together with the frame
** (adam.c). */
int frame_load_each(const struct frame_source *src, enum frame_scope scope,
                    struct frame *f, frame_row_fn fn, void *ctx,
                    struct err *e);

/* Free the frame's rows and zero it. */
void frame_free(struct frame *f);

/* The patient-level columns (ADSL-like), in file order. */
#define FRAME_N_COLS 24
extern const struct ds_col frame_cols[FRAME_N_COLS];

/* The value of column col for row r of f.  For DS_NUM, *num gets the
** number (NAN when missing); for DS_STR, text (n bytes, at least the
** column's width + 1) gets the string, "" when missing.  Returns true when
** the value is present. */
bool frame_value(const struct frame *f, const struct frame_row *r, int col,
                 double *num, char *text, size_t n);

#endif
