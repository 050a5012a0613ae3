/*
** fixture.h: one study for the unit tests that need sites and users: the
** default protocol, sites SA and SB, and an account of every role (the
** site-scoped roles at both sites), each logged in.
*/
#ifndef HCC_FIXTURE_H
#define HCC_FIXTURE_H

#include "harness.h"

#include "store/store.h"

#include <stdio.h>

/* The password of every fixture account. */
#define FIXTURE_PASSWORD "test-password-123"

/* The logged-in actors. */
struct fixture {
  struct actor admin, pi, inv_a, inv_b, coord_a, coord_b, monitor, dm, stat;
};

/* Create the study in the empty database db and log every account in.
** Returns APP_OK, or the first failure (printed). */
static inline int fixture_study(struct db *db, struct fixture *f) {
  struct err e;
  struct protocol p;
  size_t plen;
  int64_t id;
  size_t i;
  const struct {
    const char *name, *role, *site;
    struct actor *a;
  } users[] = {
    {"pi", "pi", NULL, &f->pi},
    {"inv.a", "investigator", "SA", &f->inv_a},
    {"inv.b", "investigator", "SB", &f->inv_b},
    {"coord.a", "coordinator", "SA", &f->coord_a},
    {"coord.b", "coordinator", "SB", &f->coord_b},
    {"mon", "monitor", NULL, &f->monitor},
    {"dm", "data_manager", NULL, &f->dm},
    {"stat", "statistician", NULL, &f->stat},
  };
  err_clear(&e);
  if (protocol_default(&p, &e) != APP_OK ||
      store_init(db, &p, protocol_default_text(&plen), "admin",
                 FIXTURE_PASSWORD, &e) != APP_OK ||
      store_login(db, "admin", FIXTURE_PASSWORD, &f->admin, &e) != APP_OK ||
      store_site_add(db, &f->admin, "SA", "Site A", &id, &e) != APP_OK ||
      store_site_add(db, &f->admin, "SB", "Site B", &id, &e) != APP_OK) {
    fprintf(stderr, "fixture: %s\n", e.msg);
    return e.code;
  }
  for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
    if (store_user_add(db, &f->admin, users[i].name, users[i].role,
                       users[i].site, FIXTURE_PASSWORD, &e) != APP_OK ||
        store_login(db, users[i].name, FIXTURE_PASSWORD, users[i].a, &e) !=
            APP_OK) {
      fprintf(stderr, "fixture: %s: %s\n", users[i].name, e.msg);
      return e.code;
    }
  }
  return APP_OK;
}

#endif
