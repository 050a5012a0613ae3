/*
** params.c: reading the simulator's parameter file (see params.h).
**
** Strict on purpose: a parameter without a source, out of its range, or
** unknown is refused with its key named, so the file stays the one cited
** statement of the model.  Shares that must add up (aetiologies, PVTT
** levels, progression modes) are checked to be at most 1.
*/
#include "params.h"

#include "../core/jsonx.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* One row of the name -> member table. */
struct param_entry {
  const char *name; /* JSON key */
  size_t offset;    /* offset of the double in struct sim_params */
  double lo;        /* smallest accepted value */
  double hi;        /* largest accepted value */
};

/* Expands SIM_PARAM_LIST into table rows. */
#define SIM_PARAM_ROW(n, l, h) {#n, offsetof(struct sim_params, n), l, h},

static const struct param_entry param_table[] = {
  SIM_PARAM_LIST(SIM_PARAM_ROW)
};

/* Entries in param_table. */
#define N_PARAMS ((int)(sizeof(param_table) / sizeof(param_table[0])))

/* Copy text into a fixed buffer, truncating. */
static void copy_text(char *dst, size_t n, const char *src) {
  snprintf(dst, n, "%s", src);
}

/* Read the "targets" array. */
static int read_targets(const json_t *arr, struct sim_config *c,
                        struct err *e) {
  size_t i;
  if (!json_is_array(arr)) {
    return ERR_SET(e, APP_EINVAL, "targets: expected an array");
  }
  if (json_array_size(arr) > SIM_MAX_CAL_TARGETS) {
    return ERR_SET(e, APP_EINVAL, "targets: at most %d entries",
                   SIM_MAX_CAL_TARGETS);
  }
  for (i = 0; i < json_array_size(arr); i++) {
    const json_t *t = json_array_get(arr, i);
    struct sim_target *st = &c->targets[i];
    char ctx[32];
    const char *s;
    snprintf(ctx, sizeof(ctx), "targets[%zu]", i);
    if (jx_str(t, "cohort", ctx, &s, e) != 1) {
      return ERR_SET(e, APP_EINVAL, "%s.cohort: required", ctx);
    }
    if (strcmp(s, "TACE") != 0 && strcmp(s, "HAIC") != 0 &&
        strcmp(s, "all") != 0) {
      return ERR_SET(e, APP_EINVAL, "%s.cohort: TACE, HAIC or all", ctx);
    }
    copy_text(st->cohort, sizeof(st->cohort), s);
    if (jx_str(t, "measure", ctx, &s, e) != 1) {
      return ERR_SET(e, APP_EINVAL, "%s.measure: required", ctx);
    }
    copy_text(st->measure, sizeof(st->measure), s);
    if (jx_num(t, "low", ctx, &st->low, e) != 1 ||
        jx_num(t, "high", ctx, &st->high, e) != 1 || st->low > st->high) {
      return ERR_SET(e, APP_EINVAL, "%s: low and high required, low <= high",
                     ctx);
    }
    if (jx_str(t, "source", ctx, &s, e) != 1 || s[0] == '\0') {
      return ERR_SET(e, APP_EINVAL, "%s.source: required", ctx);
    }
    copy_text(st->source, sizeof(st->source), s);
  }
  c->n_targets = (int)json_array_size(arr);
  return APP_OK;
}

int sim_config_from_json(const json_t *root, struct sim_config *c,
                         struct err *e) {
  json_t *params;
  const char *key;
  json_t *val;
  int i;
  memset(c, 0, sizeof(*c));
  if (!json_is_object(root)) {
    return ERR_SET(e, APP_EINVAL, "sim file: expected a JSON object");
  }
  params = json_object_get(root, "parameters");
  if (!json_is_object(params)) {
    return ERR_SET(e, APP_EINVAL, "parameters: expected an object");
  }
  json_object_foreach(params, key, val) {
    int found = 0;
    for (i = 0; i < N_PARAMS; i++) {
      if (strcmp(param_table[i].name, key) == 0) {
        found = 1;
        break;
      }
    }
    if (!found) {
      return ERR_SET(e, APP_EINVAL, "parameters.%s: unknown parameter", key);
    }
  }
  for (i = 0; i < N_PARAMS; i++) {
    const struct param_entry *pe = &param_table[i];
    const json_t *obj = json_object_get(params, pe->name);
    char ctx[80];
    const char *src;
    double v;
    snprintf(ctx, sizeof(ctx), "parameters.%s", pe->name);
    if (!json_is_object(obj)) {
      return ERR_SET(e, APP_EINVAL, "%s: required {\"value\", \"source\"}",
                     ctx);
    }
    if (jx_num(obj, "value", ctx, &v, e) != 1) {
      return ERR_SET(e, APP_EINVAL, "%s.value: required number", ctx);
    }
    if (!(v >= pe->lo && v <= pe->hi)) {
      return ERR_SET(e, APP_EINVAL, "%s.value: out of range %g to %g", ctx,
                     pe->lo, pe->hi);
    }
    if (jx_str(obj, "source", ctx, &src, e) != 1 || src[0] == '\0') {
      return ERR_SET(e, APP_EINVAL, "%s.source: required text", ctx);
    }
    *(double *)(void *)((char *)&c->p + pe->offset) = v;
  }
  if (c->p.hbv_share + c->p.hcv_share + c->p.alcohol_share +
          c->p.masld_share > 1 + 1e-12) {
    return ERR_SET(e, APP_EINVAL,
                   "parameters: aetiology shares add up to more than 1");
  }
  if (c->p.pvtt_vp1_share + c->p.pvtt_vp2_share > 1 + 1e-12) {
    return ERR_SET(e, APP_EINVAL,
                   "parameters: pvtt_vp1_share + pvtt_vp2_share > 1");
  }
  if (c->p.mode_new_intrahepatic + c->p.mode_target_growth +
          c->p.mode_pvtt > 1 + 1e-12) {
    return ERR_SET(e, APP_EINVAL,
                   "parameters: progression mode shares add up to more "
                   "than 1");
  }
  return read_targets(json_object_get(root, "targets"), c, e);
}

int sim_config_parse(const char *text, size_t len, const char *what,
                     struct sim_config *c, struct err *e) {
  json_t *root = jx_parse(text, len, what, e);
  int rc;
  if (root == NULL) {
    return APP_EINVAL;
  }
  rc = sim_config_from_json(root, c, e);
  json_decref(root);
  return rc;
}

int sim_config_default(struct sim_config *c, struct err *e) {
  size_t len;
  const char *text = sim_default_text(&len);
  return sim_config_parse(text, len, "built-in sim file", c, e);
}
