/*
** cmd_rules.c: protocol, eligibility, dose and schedule commands (stub).
*/
#include "commands.h"

#include <stdio.h>

int cmd_dose(struct cli *c) { (void)c; return 1; }
int cmd_eligibility(struct cli *c) { (void)c; return 1; }
int cmd_protocol(struct cli *c) { (void)c; return 1; }
int cmd_schedule(struct cli *c) { (void)c; return 1; }
