/*
** cmd_stats_ps.c: stats subcommands (stub, to be written).
*/
#include "stats_cmds.h"

#include <stdio.h>

int stats_cmd_logistic(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats logistic: not implemented yet\n");
  return 1;
}

int stats_cmd_ps(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats ps: not implemented yet\n");
  return 1;
}
