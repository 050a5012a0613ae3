/*
** access.c: the role x permission table and the one refusal path (see
** access.h).
*/
#include "access.h"

#include <stdio.h>
#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
  "admin",   "pi",           "investigator", "coordinator",
  "monitor", "data_manager", "statistician"};

/* One permission: its name, what it covers, and the roles that have it
** (a bit per enum role). */
#define R(x) (1u << (x))
static const struct {
  const char *name;
  const char *text;
  unsigned roles;
} perms[ACCESS_N_PERMS] = {
  [ACCESS_READ] = {"read", "read patients, records, casebooks, queries",
                   R(ROLE_PI) | R(ROLE_INVESTIGATOR) | R(ROLE_COORDINATOR) |
                       R(ROLE_MONITOR) | R(ROLE_DATA_MANAGER) |
                       R(ROLE_STATISTICIAN)},
  [ACCESS_WRITE] = {"write", "create patients, save and import records",
                    R(ROLE_INVESTIGATOR) | R(ROLE_COORDINATOR) |
                        R(ROLE_DATA_MANAGER)},
  [ACCESS_QUERY_RAISE] = {"query_raise", "raise and close queries",
                          R(ROLE_MONITOR) | R(ROLE_DATA_MANAGER)},
  [ACCESS_QUERY_ANSWER] = {"query_answer", "answer queries",
                           R(ROLE_INVESTIGATOR) | R(ROLE_COORDINATOR) |
                               R(ROLE_DATA_MANAGER)},
  [ACCESS_SDV] = {"sdv", "mark source data verified", R(ROLE_MONITOR)},
  [ACCESS_SIGN] = {"sign", "sign casebooks",
                   R(ROLE_PI) | R(ROLE_INVESTIGATOR)},
  [ACCESS_LOCK] = {"lock", "lock and unlock casebooks",
                   R(ROLE_DATA_MANAGER)},
  [ACCESS_ADMIN] = {"admin", "sites, users, terminology", R(ROLE_ADMIN)},
  [ACCESS_BACKUP] = {"backup", "online backup",
                     R(ROLE_ADMIN) | R(ROLE_DATA_MANAGER)},
  [ACCESS_AUDIT_LOG] = {"audit_log", "read the audit trail",
                        R(ROLE_ADMIN) | R(ROLE_PI) | R(ROLE_MONITOR) |
                            R(ROLE_DATA_MANAGER)},
  [ACCESS_ANALYSIS] = {"analysis", "analysis results and plots",
                       R(ROLE_PI) | R(ROLE_STATISTICIAN)},
  [ACCESS_ENROL_OVERRIDE] = {"enrol_override",
                             "enrol a patient the screening found "
                             "ineligible, with a reason (where the protocol "
                             "allows it)",
                             R(ROLE_INVESTIGATOR)},
  [ACCESS_TOKEN_ADMIN] = {"token_admin",
                          "create, list and revoke other users' API tokens "
                          "(everyone manages their own)",
                          R(ROLE_ADMIN)},
  [ACCESS_EXPORT] = {"export",
                     "export the study's datasets (CDISC, CSV, SAS, Stata, "
                     "SPSS) and read data freezes",
                     R(ROLE_PI) | R(ROLE_INVESTIGATOR) | R(ROLE_COORDINATOR) |
                         R(ROLE_DATA_MANAGER) | R(ROLE_STATISTICIAN)},
  [ACCESS_FREEZE] = {"freeze", "create data freezes",
                     R(ROLE_DATA_MANAGER)},
};

/* The roles that see only their own site's patients. */
static const unsigned site_scoped_roles =
    R(ROLE_INVESTIGATOR) | R(ROLE_COORDINATOR);
#undef R

const char *role_name(enum role r) {
  return ((int)r >= 0 && r < ROLE_COUNT) ? role_names[r] : "unknown";
}

int role_parse(const char *s) {
  int i;
  for (i = 0; s != NULL && i < ROLE_COUNT; i++) {
    if (strcmp(s, role_names[i]) == 0) {
      return i;
    }
  }
  return -1;
}

const char *access_perm_name(enum access_perm p) {
  return ((int)p >= 0 && p < ACCESS_N_PERMS) ? perms[p].name : "unknown";
}

const char *access_perm_text(enum access_perm p) {
  return ((int)p >= 0 && p < ACCESS_N_PERMS) ? perms[p].text : "";
}

bool access_role_may(enum role r, enum access_perm p) {
  if ((int)r < 0 || r >= ROLE_COUNT || (int)p < 0 || p >= ACCESS_N_PERMS) {
    return false;
  }
  return (perms[p].roles & (1u << r)) != 0;
}

bool access_role_site_scoped(enum role r) {
  return (int)r >= 0 && r < ROLE_COUNT && (site_scoped_roles & (1u << r));
}

bool access_may(const struct actor *a, enum access_perm p) {
  return a != NULL && access_role_may(a->role, p);
}

int64_t access_site_scope(const struct actor *a) {
  return a != NULL && access_role_site_scoped(a->role) ? a->site_id : 0;
}

struct audit_who access_who(const struct actor *a) {
  struct audit_who w;
  w.username = a ? a->username : "system";
  w.role = a ? role_name(a->role) : "system";
  w.site = a && a->site_code[0] ? a->site_code : NULL;
  return w;
}

int access_audit(struct db *db, const struct actor *a,
                 const struct audit_entry *en, size_t n, struct err *e) {
  struct audit_who w = access_who(a);
  return audit_append_many(db, &w, en, n, e);
}

/* Refusals noted inside an open transaction, written by access_flush()
** once it is over.  Per thread: each thread has its own connection. */
#define ACCESS_MAX_PENDING 16
struct pending_denial {
  struct actor actor;   /* who asked */
  char entity[16];      /* for what */
  char id[48];
  char reason[96];      /* why refused */
};
static _Thread_local struct pending_denial pending[ACCESS_MAX_PENDING];
static _Thread_local int n_pending;

int access_flush(struct db *db, struct err *e) {
  int i;
  int rc = APP_OK;
  if (n_pending == 0) {
    return APP_OK;
  }
  if (db_begin_write(db, e) != APP_OK) {
    n_pending = 0;
    return APP_EDB;
  }
  for (i = 0; rc == APP_OK && i < n_pending; i++) {
    struct audit_who w = access_who(&pending[i].actor);
    struct audit_entry en = {0};
    en.action = "access_denied";
    en.entity = pending[i].entity[0] ? pending[i].entity : "request";
    en.entity_id = pending[i].id[0] ? pending[i].id : NULL;
    en.reason = pending[i].reason;
    rc = audit_append(db, &w, &en, e);
  }
  n_pending = 0;
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int access_deny(struct db *db, const struct actor *a,
                enum access_refusal why, const char *what,
                const char *entity, const char *id, struct err *e) {
  struct err ignore;
  const char *role = a ? role_name(a->role) : "unknown";
  int code;
  if (what == NULL) {
    what = "request";
  }
  if (why == ACCESS_NO_SITE) {
    code = ERR_SET(e, APP_ENOTFOUND, "%s: no %s \"%.40s\" that you may see",
                   what, entity ? entity : "item", id ? id : "");
  } else if (why == ACCESS_LOCKED) {
    code = ERR_SET(e, APP_ECONFLICT, "%s %s: the casebook is locked",
                   entity ? entity : what, id ? id : "");
  } else if (why == ACCESS_OWN_SITE) {
    code = ERR_FIELD(e, APP_EPERM, what, "%s: the %s role acts at its own "
                     "site only (%s), not at %.20s", what, role,
                     a ? a->site_code : "", id ? id : "");
  } else {
    code = ERR_SET(e, APP_EPERM, "%s: permission denied for the %s role",
                   what, role);
  }
  if (a != NULL && n_pending < ACCESS_MAX_PENDING) {
    struct pending_denial *d = &pending[n_pending++];
    d->actor = *a;
    snprintf(d->entity, sizeof(d->entity), "%s", entity ? entity : "");
    snprintf(d->id, sizeof(d->id), "%s", id ? id : "");
    if (why == ACCESS_NO_SITE) {
      snprintf(d->reason, sizeof(d->reason), "%s: %s of another site", what,
               entity ? entity : "item");
    } else if (why == ACCESS_LOCKED) {
      snprintf(d->reason, sizeof(d->reason), "%s: casebook locked", what);
    } else if (why == ACCESS_OWN_SITE) {
      snprintf(d->reason, sizeof(d->reason), "%s: not the own site", what);
    } else {
      snprintf(d->reason, sizeof(d->reason), "%s: not for the %s role",
               what, role);
    }
  }
  if (db != NULL && !db_in_transaction(db)) {
    err_clear(&ignore);
    access_flush(db, &ignore);
  }
  return code;
}

int access_require(struct db *db, const struct actor *a, enum access_perm p,
                   const char *what, struct err *e) {
  if (access_may(a, p)) {
    return APP_OK;
  }
  return access_deny(db, a, ACCESS_NO_ROLE, what, "permission",
                     access_perm_name(p), e);
}

int access_patient(struct db *db, const struct actor *a, enum access_perm p,
                   const char *code, int64_t site_id, bool locked,
                   struct err *e) {
  if (!access_may(a, p)) {
    return access_deny(db, a, ACCESS_NO_ROLE, "patient", "patient", code,
                       e);
  }
  if (access_role_site_scoped(a->role) && site_id != a->site_id) {
    return access_deny(db, a, ACCESS_NO_SITE, "patient", "patient", code,
                       e);
  }
  if (locked && p == ACCESS_WRITE) {
    return access_deny(db, a, ACCESS_LOCKED, "patient", "patient", code,
                       e);
  }
  return APP_OK;
}
