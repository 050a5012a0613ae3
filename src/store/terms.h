/*
** terms.h: the adverse-event terminology (CTCAE v5.0 or another), imported
** by an administrator the way EDCs import dictionaries.  Without one, AE
** entry takes a free-text term with a grade; with one, an AE whose term is
** not in it, or whose grade the term does not define, raises a query.
*/
#ifndef HCC_TERMS_H
#define HCC_TERMS_H

#include <jansson.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "store.h"

/* One term as imported. */
struct term_row {
  const char *code;        /* MedDRA code */
  const char *soc;         /* system organ class */
  const char *term;        /* term */
  const char *grade[5];    /* grade 1-5 definitions; NULL or "-" when the
                              grade does not exist for the term */
  const char *definition;  /* definition, or NULL */
};

/* Replace the terminology in force with rows[0..n) (admin only), in one
** transaction, audited with the source's SHA-256. */
int store_terms_import(struct db *db, const struct actor *a,
                       const char *name, const char *source_sha256,
                       const struct term_row *rows, int64_t n,
                       struct err *e);

/* Terms whose name contains `text` (case-insensitive), at most `limit`,
** as [{"code","soc","term","grades":{"1":...}}]. */
int store_terms_search(struct db *db, const char *text, int limit,
                       json_t **out, struct err *e);

/* Whether a terminology is loaded (*loaded 1 or 0). */
int store_terms_loaded(struct db *db, int *loaded, struct err *e);

/* Check one AE term and grade against the terminology in force.  Returns
** APP_OK with *problem NULL when fine (or no terminology is loaded), or a
** static description of what is wrong. */
int store_terms_check(struct db *db, const char *term, int grade,
                      const char **problem, struct err *e);

#endif
