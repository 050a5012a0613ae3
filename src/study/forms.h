/*
** forms.h: the study's case report forms as data.
**
** Each record kind (screening, enrolment, baseline, tumour assessment,
** adverse event, ...) is a form: a list of fields with type, unit, range or
** allowed values, and whether it is required.  The store validates every
** record against its form before writing, import reports every problem of a
** casebook at once, and docs/data-dictionary.md is written from these tables
** (hccstudy dictionary), so the three cannot disagree.  Pure.
*/
#ifndef HCC_FORMS_H
#define HCC_FORMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../core/date.h"

struct protocol;

/* Field types. */
enum field_type {
  FT_NUMBER = 0, /* real number within [min, max] */
  FT_INTEGER,    /* whole number within [min, max] */
  FT_DATE,       /* "YYYY-MM-DD" */
  FT_BOOL,       /* true/false */
  FT_ENUM,       /* one of values[] */
  FT_TEXT,       /* UTF-8 text of at most max_len bytes */
  FT_ARRAY       /* array of objects described by items */
};

struct form_spec;

/* One field of a form. */
struct field_spec {
  const char *name;                /* JSON key */
  enum field_type type;            /* type */
  bool is_required;                /* must be present and not null */
  double min;                      /* FT_NUMBER/FT_INTEGER lower bound */
  double max;                      /* upper bound */
  const char *unit;                /* unit of measure, or NULL */
  const char *const *values;       /* FT_ENUM: NULL-terminated list */
  size_t max_len;                  /* FT_TEXT: most bytes; FT_ARRAY: items */
  const struct form_spec *items;   /* FT_ARRAY: the item form */
  const char *label;               /* human label */
};

/* A form. */
struct form_spec {
  const char *kind;                /* record kind, e.g. "adverse_event" */
  const char *title;               /* human title */
  bool is_repeating;               /* several records per patient */
  int n_fields;                    /* entries in fields */
  const struct field_spec *fields; /* the fields */
};

/* All top-level forms, and their number. */
extern const struct form_spec *const form_all[];
extern const int form_n_all;

/* The form of a record kind, or NULL. */
const struct form_spec *form_find(const char *kind);

/* Validate obj against f.  Every problem is appended to problems (a JSON
** array) as {"field": "ctx.name[2].id", "message": "..."}: unknown keys,
** missing required fields, wrong types, values out of range.  Returns the
** number of problems added. */
int form_validate(const struct form_spec *f, const json_t *obj,
                  const char *ctx, json_t *problems);

/* Refuse dates after today: every date field of obj (a record of kind f)
** that holds a valid date later than today +
** p->checks.future_date_grace_days is appended to problems as {"field":
** "ctx.name", "message": "YYYY-MM-DD is after today (YYYY-MM-DD, UTC): a
** date in the future cannot be saved"}, unless the protocol lets that
** field be warned (checks.future_dates_warned: the edit check
** date_in_future then raises a query instead).  today is the server's UTC
** date.  Returns the number of problems added. */
int form_check_future(const struct form_spec *f, const json_t *obj,
                      const char *ctx, const struct protocol *p,
                      date_t today, json_t *problems);

/* form_validate and form_check_future, every problem of both: what the
** store runs before every save.  Returns the number of problems added. */
int form_validate_at(const struct form_spec *f, const json_t *obj,
                     const char *ctx, const struct protocol *p, date_t today,
                     json_t *problems);

/* The form as JSON: {"kind", "title", "repeating", "fields": [{"name",
** "type", "required", "label", "unit"?, "min"/"max" | "values" |
** "max_length" | "items"/"object"}]}.  Caller json_decref()s it. */
json_t *form_to_json(const struct form_spec *f);

/* Name of a field type ("number", "integer", ...). */
const char *field_type_name(enum field_type t);

#endif
