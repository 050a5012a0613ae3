/*
** cmd_stats_km.c: stats km and stats logrank (stub, to be written).
*/
#include "stats_cmds.h"

#include <stdio.h>

int stats_cmd_km(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats km: not implemented yet\n");
  return 1;
}

int stats_cmd_logrank(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats logrank: not implemented yet\n");
  return 1;
}
