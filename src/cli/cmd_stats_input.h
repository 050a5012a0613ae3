/*
** cmd_stats_input.h: where a data command of `hccstudy stats` reads its
** rows: a CSV file (--data FILE, "-" for standard input) or a study's
** patient-level frame (--db DB [--freeze ID], as --user NAME or
** $HCCSTUDY_USER with $HCCSTUDY_PASSWORD), the analysis population only.
** Exactly one of --data and --db; the --db option itself, not
** $HCCSTUDY_DB, chooses a study.
*/
#ifndef HCC_CMD_STATS_INPUT_H
#define HCC_CMD_STATS_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "../report/frame.h"
#include "cli.h"

/* The input of one command. */
struct stats_input {
  const char *data_path; /* --data, or NULL */
  const char *db_path;   /* --db, or NULL */
  const char *user;      /* --user, or NULL ($HCCSTUDY_USER) */
  const char *freeze;    /* --freeze text, or NULL */
  struct frame frame;    /* the study's frame, once loaded */
  bool has_frame;        /* frame holds the loaded rows */
  char what[128];        /* the study for messages */
};

/* Take --data, --db, --user and --freeze from c (before cli_done). */
void stats_input_take(struct cli *c, struct stats_input *in);

/* Check the options (both --data and --db, --freeze or --user without
** --db: APP_EINVAL naming the option; neither: APP_OK, the loader names
** --data) and, with --db, log in, require the analysis or the export
** permission and load the analysis frame of the live data or the
** freeze. */
int stats_input_load(struct cli *c, struct stats_input *in, struct err *e);

/* The loaded frame, or NULL (read --data). */
const struct frame *stats_input_frame(const struct stats_input *in);

/* Free the frame. */
void stats_input_free(struct stats_input *in);

#endif
