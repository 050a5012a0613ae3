/*
** cmd_response.c: the mrecist and endpoints commands (stub, to be written).
*/
#include "commands.h"

#include <stdio.h>

int cmd_mrecist(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: mrecist: not implemented yet\n");
  return 1;
}

int cmd_endpoints(struct cli *c) {
  (void)c;
  fprintf(stderr, "hccstudy: endpoints: not implemented yet\n");
  return 1;
}
