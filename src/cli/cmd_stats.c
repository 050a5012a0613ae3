/*
** cmd_stats.c: the stats command (stub, to be written).
*/
#include "commands.h"

#include <stdio.h>

int cmd_stats(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: stats: not implemented yet\n");
  return 1;
}
