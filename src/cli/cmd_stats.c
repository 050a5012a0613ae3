/*
** cmd_stats.c: `hccstudy stats SUBCOMMAND`, dispatching to the survival
** subcommands (stats_cmds.h).
*/
#include "commands.h"
#include "stats_cmds.h"

#include <stdio.h>
#include <string.h>

/* The subcommands, for messages. */
#define STATS_SUBCOMMANDS                                                     \
  "km, logrank, cox, zph, logistic, ps, binom, fisher, chisq, samplesize, "   \
  "power, evalue"

int cmd_stats(struct cli *c) {
  static const struct {
    const char *name;
    int (*fn)(struct cli *c);
  } subs[] = {
    {"binom", stats_cmd_binom},
    {"chisq", stats_cmd_chisq},
    {"cox", stats_cmd_cox},
    {"evalue", stats_cmd_evalue},
    {"fisher", stats_cmd_fisher},
    {"km", stats_cmd_km},
    {"logistic", stats_cmd_logistic},
    {"logrank", stats_cmd_logrank},
    {"power", stats_cmd_power},
    {"ps", stats_cmd_ps},
    {"samplesize", stats_cmd_samplesize},
    {"zph", stats_cmd_zph},
  };
  size_t i;
  if (c->argc < 1 || c->argv[0][0] == '-') {
    fprintf(stderr, "hccstudy: stats: expected a subcommand: %s (see "
                    "'hccstudy help stats')\n", STATS_SUBCOMMANDS);
    return 2;
  }
  for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
    if (strcmp(c->argv[0], subs[i].name) == 0) {
      c->used[0] = true;
      return subs[i].fn(c);
    }
  }
  fprintf(stderr, "hccstudy: stats: unknown subcommand: %s (expected %s)\n",
          c->argv[0], STATS_SUBCOMMANDS);
  return 2;
}
