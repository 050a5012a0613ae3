/*
** main.c: argv -> command table.  Nothing else (Fossil dispatch.c).
**
** Global options, accepted anywhere on the line:
**   --protocol FILE   use this protocol instead of the embedded CHALLENGE-06
**   --help, -h        help for the command (or the command list)
**   --version         print the version
*/
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/mem.h"
#include "core/str.h"

#include <stdio.h>
#include <string.h>

/* Version of hccstudy. */
#define HCC_VERSION "0.1.0"

static void main_usage(FILE *f) {
  int i;
  fprintf(f,
          "hccstudy %s: the CHALLENGE-06 (NCT07340502) study system\n\n"
          "usage: hccstudy COMMAND [OPTIONS]\n\ncommands:\n",
          HCC_VERSION);
  for (i = 0; i < cli_n_commands; i++) {
    if (strncmp(cli_commands[i].name, "test-", 5) != 0) {
      fprintf(f, "  %s\n", cli_commands[i].usage);
    }
  }
  fprintf(f, "\nglobal options:\n"
             "  --protocol FILE   use FILE instead of the built-in "
             "CHALLENGE-06 protocol\n"
             "  --json            JSON output instead of a readable table\n"
             "  --help            help for a command: hccstudy help "
             "COMMAND\n"
             "  --version         print the version\n"
             "\nDB (--db, or HCCSTUDY_DB): a SQLite file, or a PostgreSQL "
             "database as\npostgresql://USER@HOST[:PORT]/DBNAME or a libpq "
             "connection string\n(\"host=... dbname=...\"; the password "
             "from ~/.pgpass or PGPASSWORD).\nSee docs/deployment.md.\n");
}

static int main_help(const char *name) {
  bool ambiguous;
  const struct cli_command *cmd;
  if (name == NULL) {
    main_usage(stdout);
    return 0;
  }
  cmd = cli_find(name, &ambiguous);
  if (cmd == NULL) {
    fprintf(stderr, "hccstudy: %s command: %s\n",
            ambiguous ? "ambiguous" : "unknown", name);
    return 2;
  }
  printf("usage: hccstudy %s\n\n%s", cmd->usage, cmd->help);
  return 0;
}

/* Load --protocol FILE (taken from c) or the embedded default. */
static int main_protocol(struct cli *c, struct err *e) {
  const char *path = cli_opt(c, "--protocol");
  struct buf b;
  int rc;
  size_t len;
  const char *text;
  if (path == NULL) {
    text = protocol_default_text(&len);
    c->proto_src = "built-in";
    c->proto_text = xstrndup(text, len);
    c->proto_len = len;
    return protocol_default(&c->proto, e);
  }
  buf_init(&b, 0);
  rc = cli_read_file(path, &b, 4u << 20, e);
  if (rc == APP_OK) {
    rc = protocol_parse(buf_str(&b), b.len, path, &c->proto, e);
  }
  c->proto_src = path;
  c->proto_len = b.len;
  c->proto_text = buf_detach(&b);
  return rc;
}

int main(int argc, char **argv) {
  const struct cli_command *cmd;
  struct cli c;
  struct err e;
  bool ambiguous;
  int rc;
  int i;

  err_clear(&e);
  if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
      strcmp(argv[1], "-h") == 0) {
    main_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("hccstudy %s\n", HCC_VERSION);
    return 0;
  }
  if (strcmp(argv[1], "help") == 0) {
    return main_help(argc > 2 ? argv[2] : NULL);
  }
  cmd = cli_find(argv[1], &ambiguous);
  if (cmd == NULL) {
    fprintf(stderr, "hccstudy: %s command: %s (see 'hccstudy --help')\n",
            ambiguous ? "ambiguous" : "unknown", argv[1]);
    return 2;
  }
  for (i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      return main_help(cmd->name);
    }
  }
  /* Everything stored or printed as JSON must be UTF-8: refuse other
  ** text here, naming the option it belongs to. */
  for (i = 2; i < argc; i++) {
    if (!str_is_utf8(argv[i], strlen(argv[i]))) {
      bool after_opt = i > 2 && strncmp(argv[i - 1], "--", 2) == 0;
      fprintf(stderr, "hccstudy %s: %s: the value is not valid UTF-8\n",
              cmd->name, after_opt ? argv[i - 1] : "argument");
      return 2;
    }
  }
  memset(&c, 0, sizeof(c));
  c.argc = argc - 2;
  c.argv = argv + 2;
  c.used = xcalloc((size_t)c.argc + 1, sizeof(bool));
  c.name = cmd->name;
  rc = main_protocol(&c, &e);
  if (rc != APP_OK) {
    rc = cli_fail(&e);
  } else {
    rc = cmd->fn(&c);
  }
  xfree(c.used);
  xfree(c.proto_text);
  fflush(stdout);
  return rc;
}
