/*
** access.h: who may do what, in one place.
**
** The role x permission table (access.c) is the rule; docs/store.md shows
** it (tests/unit/test_access.c checks the two agree).  Every refusal in the
** store, the web server and the command line goes through access_deny(),
** which writes an `access_denied` audit entry and sets the error the
** caller returns:
**   role     the role lacks the permission       APP_EPERM
**   site     a site-scoped role asks for another  APP_ENOTFOUND, worded as
**            site's patient                       for a patient that does
**                                                 not exist
**   own_site a site-scoped role names another     APP_EPERM
**            site to act at (a new patient there)
**   locked   a write to a locked casebook         APP_ECONFLICT
** A refusal noted while a transaction is open is written once that
** transaction is over (a rollback would erase it): by the store's failure
** paths and the group-commit writer through access_flush().
*/
#ifndef HCC_ACCESS_H
#define HCC_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "audit.h"

/* Roles (the order carries no rights). */
enum role {
  ROLE_ADMIN = 0,
  ROLE_PI,
  ROLE_INVESTIGATOR,
  ROLE_COORDINATOR,
  ROLE_MONITOR,
  ROLE_DATA_MANAGER,
  ROLE_STATISTICIAN,
  ROLE_COUNT
};

/* The user an operation runs for. */
struct actor {
  int64_t user_id;     /* app_user.id; 0 for "system" */
  char username[64];   /* login name */
  enum role role;      /* role */
  int64_t site_id;     /* site, 0 for all sites */
  char site_code[16];  /* site code, "" for all sites */
};

/* What an operation needs. */
enum access_perm {
  ACCESS_READ = 0,     /* patients, records, casebooks, queries, status */
  ACCESS_WRITE,        /* create patients, save and import records */
  ACCESS_QUERY_RAISE,  /* raise and close queries */
  ACCESS_QUERY_ANSWER, /* answer queries */
  ACCESS_SDV,          /* mark source data verified */
  ACCESS_SIGN,         /* sign casebooks */
  ACCESS_LOCK,         /* lock and unlock casebooks */
  ACCESS_ADMIN,        /* sites, users, terminology */
  ACCESS_BACKUP,       /* online backup */
  ACCESS_AUDIT_LOG,    /* read the audit trail */
  ACCESS_ANALYSIS,     /* analysis results and plots */
  ACCESS_ENROL_OVERRIDE, /* enrol despite the screening, with a reason */
  ACCESS_TOKEN_ADMIN,  /* create, list and revoke others' API tokens */
  ACCESS_EXPORT,       /* export datasets (own site for site-scoped roles) */
  ACCESS_FREEZE,       /* create data freezes */
  ACCESS_N_PERMS
};

/* Why a request is refused (see the table above). */
enum access_refusal {
  ACCESS_NO_ROLE,
  ACCESS_NO_SITE,
  ACCESS_OWN_SITE,
  ACCESS_LOCKED
};

/* Name of a role ("coordinator"), "unknown" out of range; role_parse
** returns -1 for an unknown name. */
const char *role_name(enum role r);
int role_parse(const char *s);

/* Name of a permission ("query_raise") and its description. */
const char *access_perm_name(enum access_perm p);
const char *access_perm_text(enum access_perm p);

/* Whether role r has permission p (whatever its site). */
bool access_role_may(enum role r, enum access_perm p);

/* Whether role r sees only its own site's patients. */
bool access_role_site_scoped(enum role r);

/* Whether actor a (NULL: no one) has permission p. */
bool access_may(const struct actor *a, enum access_perm p);

/* The site a's reads are limited to: its site id, or 0 for all sites. */
int64_t access_site_scope(const struct actor *a);

/* Who a is, as the audit trail records it ("system" for NULL). */
struct audit_who access_who(const struct actor *a);

/* Append n audit entries made by actor a (NULL: "system"), as
** audit_append_many() does. */
int access_audit(struct db *db, const struct actor *a,
                 const struct audit_entry *en, size_t n, struct err *e);

/* Refuse: audit the refusal (now, or once the open transaction is over)
** and set e as the table above says.  what names the operation ("query
** raise"), entity and id the thing refused ("patient", "TJH-0001"; NULL
** when none).  Returns the error code. */
int access_deny(struct db *db, const struct actor *a,
                enum access_refusal why, const char *what,
                const char *entity, const char *id, struct err *e);

/* APP_OK if a has permission p, else access_deny(ACCESS_NO_ROLE). */
int access_require(struct db *db, const struct actor *a, enum access_perm p,
                   const char *what, struct err *e);

/* APP_OK if a may do p to the patient `code` of site site_id whose
** casebook is locked or not (a lock refuses ACCESS_WRITE only); else the
** refusal, audited: role, then site, then lock. */
int access_patient(struct db *db, const struct actor *a, enum access_perm p,
                   const char *code, int64_t site_id, bool locked,
                   struct err *e);

/* Write the refusals noted while a transaction was open, in a transaction
** of their own (a savepoint of the open one, if any: the group-commit
** writer flushes after each job's rollback, inside its batch). */
int access_flush(struct db *db, struct err *e);

#endif
