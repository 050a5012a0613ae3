/*
** cmd_stats_design.c: stats subcommands (stub, to be written).
*/
#include "stats_cmds.h"

#include <stdio.h>

int stats_cmd_binom(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats binom: not implemented yet\n");
  return 1;
}

int stats_cmd_fisher(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats fisher: not implemented yet\n");
  return 1;
}

int stats_cmd_chisq(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats chisq: not implemented yet\n");
  return 1;
}

int stats_cmd_samplesize(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats samplesize: not implemented yet\n");
  return 1;
}

int stats_cmd_power(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats power: not implemented yet\n");
  return 1;
}

int stats_cmd_evalue(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats evalue: not implemented yet\n");
  return 1;
}
