/*
** status.c: enrolment, overdue assessments and open queries (see
** status.h).  Overdue and due visits are read from each patient's derived
** schedule (dates computed by the rules engine at the last change) and
** counted by casebook_open_visits() (src/study/casebook.h): a visit whose
** window ended before today with no record answering it is overdue.
*/
#include "status.h"

#include "../core/jsonx.h"
#include "../study/casebook.h"

#include <string.h>


/* The per-site object of code in sites (created on first use). */
/* Sort an array of objects by "onset_date", newest first, keeping the
** order of equal dates (insertion sort: stable, and the list is short). */
static void sort_by_onset_desc(json_t *list) {
  size_t n = json_array_size(list), i, j;
  for (i = 1; i < n; i++) {
    json_t *x = json_incref(json_array_get(list, i));
    const char *key = json_string_value(json_object_get(x, "onset_date"));
    for (j = i; j > 0; j--) {
      json_t *y = json_array_get(list, j - 1);
      if (strcmp(json_string_value(json_object_get(y, "onset_date")), key) >=
          0) {
        break;
      }
      json_array_set(list, j, y);
    }
    json_array_set_new(list, j, x);
  }
}

static json_t *site_obj(json_t *sites, const char *code) {
  json_t *o = json_object_get(sites, code);
  if (o == NULL) {
    o = json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "site", code,
                  "enrolled", 0, "overdue_visits", 0, "due_this_week", 0,
                  "open_queries", 0, "sdv_records", 0, "sdv_verified", 0,
                  "sdv_stale", 0);
    json_object_set_new(sites, code, o);
  }
  return o;
}

static void bump(json_t *o, const char *key, json_int_t by) {
  json_object_set_new(o, key,
                      json_integer(json_integer_value(json_object_get(o,
                                                                      key)) +
                                   by));
}

int store_status(struct db *db, const struct actor *a, int target,
                 date_t today, json_t **out, struct err *e) {
  struct db_stmt *st = NULL;
  json_t *rows = json_array();
  json_t *sites = json_object();
  json_int_t enrolled = 0, screened = 0, failed = 0, overdue = 0, open = 0;
  json_int_t due_week = 0, sdv_n = 0, sdv_ok = 0, sdv_stale = 0;
  json_t *aes = json_array();
  const char *key;
  json_t *v;
  json_t *site_list;
  int rc;
  rc = access_require(db, a, ACCESS_READ, "status", e);
  if (rc != APP_OK) {
    json_decref(rows);
    json_decref(sites);
    json_decref(aes);
    return rc;
  }
  rc = db_prepare(db,
                  "SELECT s.code, p.status, COALESCE(p.cohort, ''), COUNT(*) "
                  "FROM patient p JOIN site s ON s.id = p.site_id WHERE $1 = "
                  "0 OR p.site_id = $1 GROUP BY s.code, p.status, p.cohort "
                  "ORDER BY s.code, p.status, p.cohort NULLS FIRST",
                  &st, e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, access_site_scope(a));
    while ((rc = db_step(st, e)) == DB_ROW) {
      const char *status = db_column_text(st, 1);
      json_int_t n = db_column_int64(st, 3);
      json_array_append_new(
          rows, json_pack("{s:s,s:s,s:s,s:I}", "site", db_column_text(st, 0),
                          "status", status, "cohort", db_column_text(st, 2),
                          "patients", n));
      screened += n;
      if (strcmp(status, "enrolled") == 0 ||
          strcmp(status, "off_study") == 0) {
        enrolled += n;
        bump(site_obj(sites, db_column_text(st, 0)), "enrolled", n);
      } else if (strcmp(status, "screen_failed") == 0) {
        failed += n;
      }
    }
    db_finalize(st);
    rc = rc < 0 ? APP_EDB : APP_OK;
  }
  if (rc == APP_OK) {
    rc = db_prepare(db,
                    "SELECT s.code, d.data FROM patient p JOIN site s ON "
                    "s.id = p.site_id JOIN derived d ON d.patient_id = p.id "
                    "WHERE p.status = 'enrolled' AND ($1 = 0 OR p.site_id = "
                    "$1)",
                    &st, e);
  }
  if (rc == APP_OK) {
    db_bind_int64(st, 1, access_site_scope(a));
    while ((rc = db_step(st, e)) == DB_ROW) {
      const char *text = db_column_text(st, 1);
      struct err je;
      json_t *d;
      json_t *sched;
      json_int_t n = 0, nd = 0;
      err_clear(&je);
      d = jx_parse(text, strlen(text), "derived", &je);
      sched = json_object_get(d, "schedule");
      casebook_open_visits(sched, today, &n, &nd);
      json_decref(d);
      if (n > 0) {
        overdue += n;
        bump(site_obj(sites, db_column_text(st, 0)), "overdue_visits", n);
      }
      if (nd > 0) {
        due_week += nd;
        bump(site_obj(sites, db_column_text(st, 0)), "due_this_week", nd);
      }
    }
    db_finalize(st);
    rc = rc < 0 ? APP_EDB : APP_OK;
  }
  if (rc == APP_OK) {
    rc = db_prepare(db,
                    "SELECT s.code, COUNT(*) FROM query q JOIN patient p ON "
                    "p.id = q.patient_id JOIN site s ON s.id = p.site_id "
                    "WHERE q.status = 'open' AND ($1 = 0 OR p.site_id = $1) "
                    "GROUP BY s.code",
                    &st, e);
  }
  if (rc == APP_OK) {
    db_bind_int64(st, 1, access_site_scope(a));
    while ((rc = db_step(st, e)) == DB_ROW) {
      json_int_t n = db_column_int64(st, 1);
      open += n;
      bump(site_obj(sites, db_column_text(st, 0)), "open_queries", n);
    }
    db_finalize(st);
    rc = rc < 0 ? APP_EDB : APP_OK;
  }
  /* Grade >= 3 adverse events with onset in the last 90 days, newest
  ** first, ties in record order (onset dates are ISO text, so text order is
  ** date order).  The JSON is read here, not in SQL, so that the query is
  ** the same on every engine. */
  if (rc == APP_OK) {
    rc = db_prepare(db,
                    "SELECT p.code, s.code, r.data FROM record r JOIN patient "
                    "p ON p.id = r.patient_id JOIN site s ON s.id = "
                    "p.site_id WHERE r.kind = 'adverse_event' AND "
                    "r.is_deleted = 0 AND ($1 = 0 OR p.site_id = $1) ORDER "
                    "BY r.id",
                    &st, e);
  }
  if (rc == APP_OK) {
    char since[DATE_STR_LEN];
    json_t *found = json_array();
    size_t i;
    date_format(today - 90, since);
    db_bind_int64(st, 1, access_site_scope(a));
    while ((rc = db_step(st, e)) == DB_ROW) {
      const char *text = db_column_text(st, 2);
      const char *onset;
      struct err je;
      json_t *d;
      err_clear(&je);
      d = jx_parse(text, strlen(text), "adverse event", &je);
      onset = json_string_value(json_object_get(d, "onset_date"));
      if (d != NULL && json_number_value(json_object_get(d, "grade")) >= 3 &&
          onset != NULL && strcmp(onset, since) >= 0) {
        json_array_append_new(
            found, json_pack("{s:s,s:s,s:O,s:O,s:O,s:O}", "patient",
                             db_column_text(st, 0), "site",
                             db_column_text(st, 1), "term",
                             json_object_get(d, "term"), "grade",
                             json_object_get(d, "grade"), "onset_date",
                             json_object_get(d, "onset_date"), "serious",
                             json_object_get(d, "serious")));
      }
      json_decref(d);
    }
    db_finalize(st);
    rc = rc < 0 ? APP_EDB : APP_OK;
    sort_by_onset_desc(found);
    for (i = 0; i < json_array_size(found) && i < 20; i++) {
      json_array_append(aes, json_array_get(found, i));
    }
    json_decref(found);
  }
  /* Source-data verification progress: live records, those verified at
  ** their current version, and those changed since their verification. */
  if (rc == APP_OK) {
    rc = db_prepare(db,
                    "SELECT s.code, COUNT(*), SUM(CASE WHEN v.record_version "
                    "= r.version THEN 1 ELSE 0 END), SUM(CASE WHEN "
                    "v.record_version < r.version THEN 1 ELSE 0 END) FROM "
                    "record r JOIN patient p ON p.id = r.patient_id JOIN site "
                    "s ON s.id = p.site_id LEFT JOIN sdv v ON v.record_id = "
                    "r.id WHERE r.is_deleted = 0 AND ($1 = 0 OR p.site_id = "
                    "$1) GROUP BY s.code",
                    &st, e);
  }
  if (rc == APP_OK) {
    db_bind_int64(st, 1, access_site_scope(a));
    while ((rc = db_step(st, e)) == DB_ROW) {
      json_t *o = site_obj(sites, db_column_text(st, 0));
      sdv_n += db_column_int64(st, 1);
      sdv_ok += db_column_int64(st, 2);
      sdv_stale += db_column_int64(st, 3);
      bump(o, "sdv_records", db_column_int64(st, 1));
      bump(o, "sdv_verified", db_column_int64(st, 2));
      bump(o, "sdv_stale", db_column_int64(st, 3));
    }
    db_finalize(st);
    rc = rc < 0 ? APP_EDB : APP_OK;
  }
  if (rc != APP_OK) {
    json_decref(rows);
    json_decref(sites);
    json_decref(aes);
    return rc;
  }
  site_list = json_array();
  json_object_foreach(sites, key, v) {
    json_array_append(site_list, v);
  }
  json_decref(sites);
  *out = json_pack("{s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "target",
                   target, "enrolled", enrolled, "screened", screened,
                   "screen_failed", failed, "overdue_visits", overdue,
                   "due_this_week", due_week, "open_queries", open,
                   "by_site", rows, "sites", site_list, "recent_aes", aes);
  if (*out != NULL) {
    json_object_set_new(*out, "sdv",
                        json_pack("{s:I,s:I,s:I}", "records", sdv_n,
                                  "verified", sdv_ok, "stale", sdv_stale));
  }
  return APP_OK;
}
