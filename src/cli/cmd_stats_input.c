/*
** cmd_stats_input.c: --data FILE or --db DB [--freeze ID] for the data
** commands of `hccstudy stats` (see cmd_stats_input.h).
**
** Why: a statistician runs the same km, logrank, cox or ps on a registry
** extract or directly on the study; the study's rows are the
** patient-level frame (report/frame.h) that the analysis routes and the
** exports read, so no value is derived twice.  The login is the one every
** study command uses (cli_open_study); the frame is loaded once, the
** database closed, and the loaders (report/stats_frame.h, ps_frame.h)
** read the frame by its exported column names.
*/
#include "cmd_stats_input.h"

#include "../core/mem.h"
#include "../store/access.h"
#include "cli_study.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void stats_input_take(struct cli *c, struct stats_input *in) {
  memset(in, 0, sizeof(*in));
  in->data_path = cli_opt(c, "--data");
  in->db_path = cli_opt(c, "--db");
  in->user = cli_opt(c, "--user");
  in->freeze = cli_opt(c, "--freeze");
}

/* Log in to the study as cli_open_study does, from the options taken. */
static int si_open(struct cli *c, const struct stats_input *in, struct db **db,
                   struct actor *a, struct err *e) {
  char *argv[4];
  bool used[4] = {false, false, false, false};
  struct cli sub = *c;
  argv[0] = (char *)(uintptr_t) "--db";
  argv[1] = (char *)(uintptr_t)in->db_path;
  argv[2] = (char *)(uintptr_t) "--user";
  argv[3] = (char *)(uintptr_t)in->user;
  sub.argc = in->user != NULL ? 4 : 2;
  sub.argv = argv;
  sub.used = used;
  return cli_open_study(&sub, db, a, e);
}

int stats_input_load(struct cli *c, struct stats_input *in, struct err *e) {
  struct db *db = NULL;
  struct actor a;
  struct frame_source src;
  int64_t freeze = 0;
  int rc;
  if (in->data_path != NULL && in->db_path != NULL) {
    return ERR_FIELD(e, APP_EINVAL, "--db",
                     "--db: not with --data (read either a CSV file or a "
                     "study)");
  }
  if (in->db_path == NULL) {
    if (in->freeze != NULL) {
      return ERR_FIELD(e, APP_EINVAL, "--freeze",
                       "--freeze: needs --db (a freeze of a study)");
    }
    if (in->user != NULL) {
      return ERR_FIELD(e, APP_EINVAL, "--user",
                       "--user: needs --db (the study to log in to)");
    }
    return APP_OK;
  }
  rc = cli_parse_freeze(in->freeze, &freeze, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = si_open(c, in, &db, &a, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (!access_may(&a, ACCESS_ANALYSIS)) {
    rc = access_require(db, &a, ACCESS_EXPORT, "stats", e);
  }
  if (rc == APP_OK) {
    rc = frame_source_open(db, &a, freeze, &src, e);
  }
  if (rc == APP_OK) {
    rc = frame_load_from(&src, FRAME_ANALYSIS, &in->frame, e);
  }
  if (rc == APP_OK) {
    in->has_frame = true;
    if (freeze != 0) {
      snprintf(in->what, sizeof(in->what),
               "study %s, freeze %lld, "
               "analysis population",
               in->frame.study_id, (long long)freeze);
    } else {
      snprintf(in->what, sizeof(in->what), "study %s, analysis population",
               in->frame.study_id);
    }
  }
  db_close(db);
  return rc;
}

const struct frame *stats_input_frame(const struct stats_input *in) {
  return in->has_frame ? &in->frame : NULL;
}

void stats_input_free(struct stats_input *in) {
  if (in->has_frame) {
    frame_free(&in->frame);
    in->has_frame = false;
  }
}
