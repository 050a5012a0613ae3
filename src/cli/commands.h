/*
** commands.h: the command entry points (one cmd_<name> per command).
*/
#ifndef HCC_COMMANDS_H
#define HCC_COMMANDS_H

#include "cli.h"

int cmd_audit(struct cli *c);       /* cmd_admin.c */
/* audit keygen|checkpoint (cmd_anchor.c); c->argv[0] names which. */
int cli_audit_anchor_cmd(struct cli *c);
struct anchor_check;
struct db;
struct err;
/* Check db against the checkpoints of file anchor signed by the public
** key file pub (NULL: $HCCSTUDY_CHECKPOINT_PUBLIC_KEY); cmd_anchor.c. */
int cli_anchor_check(struct db *db, const char *anchor, const char *pub,
                     struct anchor_check *out, struct err *e);
/* The checkpoint secret key from the file path (NULL:
** $HCCSTUDY_CHECKPOINT_KEY); cmd_anchor.c. */
int cli_checkpoint_key(const char *path, unsigned char sk[64],
                       struct err *e);
int cmd_backup(struct cli *c);      /* cmd_admin.c */
int cmd_demo(struct cli *c);        /* cmd_demo.c */
int cmd_dictionary(struct cli *c);  /* cmd_dictionary.c */
int cmd_dose(struct cli *c);        /* cmd_rules.c */
int cmd_eligibility(struct cli *c); /* cmd_rules.c */
int cmd_endpoints(struct cli *c);   /* cmd_response.c */
int cmd_export(struct cli *c);      /* cmd_data.c */
int cmd_freeze(struct cli *c);      /* cmd_freeze.c */
int cmd_import(struct cli *c);      /* cmd_data.c */
int cmd_init(struct cli *c);        /* cmd_admin.c */
int cmd_migrate(struct cli *c);     /* cmd_migrate.c */
int cmd_lock(struct cli *c);        /* cmd_workflow.c */
int cmd_mrecist(struct cli *c);     /* cmd_response.c */
int cmd_patient(struct cli *c);     /* cmd_data.c */
int cmd_protocol(struct cli *c);    /* cmd_rules.c */
int cmd_query(struct cli *c);       /* cmd_workflow.c */
int cmd_routes(struct cli *c);      /* cmd_routes.c */
int cmd_schedule(struct cli *c);    /* cmd_rules.c */
int cmd_sdv(struct cli *c);         /* cmd_workflow.c */
int cmd_serve(struct cli *c);       /* cmd_serve.c */
int cmd_sign(struct cli *c);        /* cmd_workflow.c */
int cmd_simulate(struct cli *c);    /* cmd_simulate.c */
int cmd_site(struct cli *c);        /* cmd_admin.c */
int cmd_stats(struct cli *c);       /* cmd_stats.c */
int cmd_status(struct cli *c);      /* cmd_data.c */
int cmd_terms(struct cli *c);       /* cmd_terms.c */
int cmd_test_writer(struct cli *c); /* cmd_test.c */
int cmd_token(struct cli *c);       /* cmd_token.c */
int cmd_user(struct cli *c);        /* cmd_admin.c */

#endif
