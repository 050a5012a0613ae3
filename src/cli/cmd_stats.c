/*
** cmd_stats.c: `hccstudy stats SUBCOMMAND`, dispatching to the survival
** subcommands (stats_cmds.h).
*/
#include "commands.h"
#include "stats_cmds.h"

#include <stdio.h>
#include <string.h>

int cmd_stats(struct cli *c) {
  static const struct {
    const char *name;
    int (*fn)(struct cli *c);
  } subs[] = {
    {"cox", stats_cmd_cox},
    {"km", stats_cmd_km},
    {"logrank", stats_cmd_logrank},
    {"zph", stats_cmd_zph},
  };
  size_t i;
  if (c->argc < 1 || c->argv[0][0] == '-') {
    fprintf(stderr, "hccstudy: stats: expected a subcommand: km, logrank, "
                    "cox or zph (see 'hccstudy help stats')\n");
    return 2;
  }
  for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
    if (strcmp(c->argv[0], subs[i].name) == 0) {
      c->used[0] = true;
      return subs[i].fn(c);
    }
  }
  fprintf(stderr, "hccstudy: stats: unknown subcommand: %s (expected km, "
                  "logrank, cox or zph)\n", c->argv[0]);
  return 2;
}
