/*
** schema_embed.c: the schema migrations (src/db/schema/NNN-name.sql),
** linked into the binary with .incbin and listed in order.  Adding a
** migration: add the file, an .incbin block and a table row here, and the
** Makefile dependency.
*/
#include "db_int.h"

extern const char db_schema_001[];
extern const char db_schema_002[];
extern const char db_schema_003[];
extern const char db_schema_004[];
extern const char db_schema_005[];
extern const char db_schema_006[];
extern const char db_schema_007[];
extern const char db_schema_008[];
extern const char db_schema_009[];

__asm__(".section .rodata\n"
        ".global db_schema_001\n"
        "db_schema_001:\n"
        ".incbin \"src/db/schema/001-core.sql\"\n"
        ".byte 0\n"
        ".global db_schema_002\n"
        "db_schema_002:\n"
        ".incbin \"src/db/schema/002-patients.sql\"\n"
        ".byte 0\n"
        ".global db_schema_003\n"
        "db_schema_003:\n"
        ".incbin \"src/db/schema/003-workflow.sql\"\n"
        ".byte 0\n"
        ".global db_schema_004\n"
        "db_schema_004:\n"
        ".incbin \"src/db/schema/004-terminology.sql\"\n"
        ".byte 0\n"
        ".global db_schema_005\n"
        "db_schema_005:\n"
        ".incbin \"src/db/schema/005-sessions.sql\"\n"
        ".byte 0\n"
        ".global db_schema_006\n"
        "db_schema_006:\n"
        ".incbin \"src/db/schema/006-indexes.sql\"\n"
        ".byte 0\n"
        ".global db_schema_007\n"
        "db_schema_007:\n"
        ".incbin \"src/db/schema/007-tokens.sql\"\n"
        ".byte 0\n"
        ".global db_schema_008\n"
        "db_schema_008:\n"
        ".incbin \"src/db/schema/008-freezes.sql\"\n"
        ".byte 0\n"
        ".global db_schema_009\n"
        "db_schema_009:\n"
        ".incbin \"src/db/schema/009-login-throttle.sql\"\n"
        ".byte 0\n"
        ".previous\n");

const struct db_migration db_migrations[] = {
  {1, "001-core.sql", db_schema_001},
  {2, "002-patients.sql", db_schema_002},
  {3, "003-workflow.sql", db_schema_003},
  {4, "004-terminology.sql", db_schema_004},
  {5, "005-sessions.sql", db_schema_005},
  {6, "006-indexes.sql", db_schema_006},
  {7, "007-tokens.sql", db_schema_007},
  {8, "008-freezes.sql", db_schema_008},
  {9, "009-login-throttle.sql", db_schema_009},
};

const int db_n_migrations =
    (int)(sizeof(db_migrations) / sizeof(db_migrations[0]));
