/*
** cmd_stats_cox.c: stats cox and stats zph (stub, to be written).
*/
#include "stats_cmds.h"

#include <stdio.h>

int stats_cmd_cox(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats cox: not implemented yet\n");
  return 1;
}

int stats_cmd_zph(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats zph: not implemented yet\n");
  return 1;
}
