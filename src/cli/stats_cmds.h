/*
** stats_cmds.h: the subcommands of `hccstudy stats`.  Each takes the same
** struct cli as a command (the subcommand word already consumed) and returns
** the exit status.
*/
#ifndef HCC_STATS_CMDS_H
#define HCC_STATS_CMDS_H

#include "cli.h"

int stats_cmd_km(struct cli *c);      /* cmd_stats_km.c */
int stats_cmd_logrank(struct cli *c); /* cmd_stats_km.c */
int stats_cmd_cox(struct cli *c);     /* cmd_stats_cox.c */
int stats_cmd_zph(struct cli *c);     /* cmd_stats_cox.c */
int stats_cmd_logistic(struct cli *c);   /* cmd_stats_ps.c */
int stats_cmd_ps(struct cli *c);         /* cmd_stats_ps.c */
int stats_cmd_binom(struct cli *c);      /* cmd_stats_design.c */
int stats_cmd_fisher(struct cli *c);     /* cmd_stats_design.c */
int stats_cmd_chisq(struct cli *c);      /* cmd_stats_design.c */
int stats_cmd_samplesize(struct cli *c); /* cmd_stats_design.c */
int stats_cmd_power(struct cli *c);      /* cmd_stats_design.c */
int stats_cmd_evalue(struct cli *c);     /* cmd_stats_design.c */

#endif
