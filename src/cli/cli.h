/*
** cli.h: what every command-line command shares.
**
** Commands are `int cmd_<name>(struct cli *c)`, returning the exit status:
** 0 success, 2 bad input or usage (message on stderr naming the field or
** option), 1 an environment failure.  Each command takes its options with
** cli_opt()/cli_flag(), then calls cli_done() which rejects any option it did
** not take (Fossil's find_option + verify_all_options), then reads input.
*/
#ifndef HCC_CLI_H
#define HCC_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../study/protocol.h"

/* Arguments of one command invocation. */
struct cli {
  int argc;              /* arguments after the command name */
  char **argv;           /* borrowed from main() */
  bool *used;            /* argc flags: taken by cli_opt/cli_flag */
  const char *name;      /* the command's full name, for messages */
  struct protocol proto; /* the protocol in force (default or --protocol) */
  const char *proto_src; /* where it came from: a path or "built-in" */
  char *proto_text;      /* its JSON text (owned by main) */
  size_t proto_len;      /* bytes in proto_text */
};

/* One entry of the sorted command table (cli/commands.c). */
struct cli_command {
  const char *name;            /* e.g. "dose" */
  int (*fn)(struct cli *c);    /* the command */
  const char *usage;           /* one line of synopsis */
  const char *help;            /* full help text */
};

/* The command table, sorted by name, and its length. */
extern const struct cli_command cli_commands[];
extern const int cli_n_commands;

/* Find a command by exact name or unique prefix.  Returns NULL and sets
** *ambiguous when a prefix matches more than one. */
const struct cli_command *cli_find(const char *name, bool *ambiguous);

/* Take "--name VALUE" or "--name=VALUE".  Returns the value (borrowed), NULL
** when absent.  A name given without a value is a usage error reported by
** cli_done(). */
const char *cli_opt(struct cli *c, const char *name);

/* Take a boolean "--name".  Returns true when present. */
bool cli_flag(struct cli *c, const char *name);

/* After all options are taken: fail (exit 2 message) on any left over.
** Returns APP_OK or APP_EINVAL. */
int cli_done(struct cli *c, struct err *e);

/* Read the JSON document given by --input FILE, or standard input.  The
** option must have been taken already (pass its value, or NULL).  Caller
** json_decref()s the result. */
int cli_read_json(const char *input_path, json_t **out, struct err *e);

/* Parse a --freeze ID value (NULL: absent, *id 0 = the live data).
** APP_EINVAL naming "--freeze" unless it is a whole number >= 1. */
int cli_parse_freeze(const char *s, int64_t *id, struct err *e);

/* Read a whole file ("-" for standard input) into b, at most max bytes. */
int cli_read_file(const char *path, struct buf *b, size_t max, struct err *e);

/* Print v to standard output as JSON (pretty) followed by a newline. */
void cli_print_json(const json_t *v);

/* Print "hccstudy: <msg>" for e and return the exit status for its code. */
int cli_fail(const struct err *e);

/* Parse a real number option value; message names the option. */
int cli_parse_double(const char *opt, const char *text, double *out,
                     struct err *e);
/* Parse a whole-number option value within [lo, hi]. */
int cli_parse_long(const char *opt, const char *text, long lo, long hi,
                   long *out, struct err *e);
/* Parse a YYYY-MM-DD option value. */
int cli_parse_date(const char *opt, const char *text, date_t *out,
                   struct err *e);

/* Warn on stderr about keys of obj not in the NULL-terminated known[] list
** (typos would otherwise read as "missing").  ctx names the object. */
void cli_warn_unknown_keys(const json_t *obj, const char *const *known,
                           const char *ctx);

#endif
