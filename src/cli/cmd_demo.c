/*
** cmd_demo.c: `hccstudy demo --db FILE`: a complete demo study a new user
** can explore at once: six centres, one account per role, and 364 virtual
** patients (src/sim/) entered through the store by each centre's
** coordinator, so everything is audited, derived and edit-checked as real
** data would be.  The study is dated so that today is its data cut, 30
** months after the first enrolment; monitors then raise and close queries,
** investigators sign casebooks and the data manager locks a few.
**
** Demo accounts and passwords are printed: this is for demonstration only,
** never for real patients.
*/
#include "commands.h"

#include "../core/clock.h"
#include "../core/mem.h"
#include "../sim/params.h"
#include "../sim/study.h"
#include "../store/import.h"
#include "../store/workflow.h"
#include "cli_study.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The demo password of every account (printed; demo only). */
#define DEMO_PASSWORD "hccstudy-demo-2026"
/* Months from the first enrolment to the demo's data cut. */
#define DEMO_CUT_MONTHS 30

/* Names of the simulated centres, by site code. */
static const char *site_name(const char *code) {
  static const struct {
    const char *code, *name;
  } names[] = {
    {"TJH", "Tongji Hospital (demo)"},
    {"SYSU", "Sun Yat-sen University Cancer Center (demo)"},
    {"ZSH", "Zhongshan Hospital (demo)"},
    {"WCH", "West China Hospital (demo)"},
    {"FAH", "First Affiliated Hospital, Zhejiang University (demo)"},
    {"XJH", "Xijing Hospital (demo)"},
  };
  size_t i;
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (strcmp(names[i].code, code) == 0) {
      return names[i].name;
    }
  }
  return code;
}

static int add_user(struct db *db, const struct actor *admin,
                    const char *name, const char *role, const char *site,
                    struct err *e) {
  int rc = store_user_add(db, admin, name, role, site, DEMO_PASSWORD, e);
  if (rc == APP_OK) {
    printf("  %-22s %-13s %s\n", name, role, site ? site : "all sites");
  }
  return rc;
}

/* Lower-case copy of a site code for user names; out has 16 bytes. */
static void lower(const char *s, char out[16]) {
  size_t i;
  for (i = 0; s[i] && i < 15; i++) {
    out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
  }
  out[i] = '\0';
}

/* Monitoring activity on the entered data: queries, answers, signatures,
** locks, spread over the patients deterministically. */
static int demo_activity(struct db *db, struct err *e) {
  struct actor mon, dm;
  struct actor coords[SIM_N_SITES], invs[SIM_N_SITES];
  json_t *codes = NULL;
  size_t i;
  int k;
  int rc = store_login(db, "monitor", DEMO_PASSWORD, &mon, e);
  for (k = 0; rc == APP_OK && k < SIM_N_SITES; k++) {
    char user[64], lc[16];
    lower(sim_site_codes[k], lc);
    snprintf(user, sizeof(user), "coordinator.%s", lc);
    rc = store_login(db, user, DEMO_PASSWORD, &coords[k], e);
    snprintf(user, sizeof(user), "investigator.%s", lc);
    if (rc == APP_OK) {
      rc = store_login(db, user, DEMO_PASSWORD, &invs[k], e);
    }
  }
  if (rc == APP_OK) {
    rc = store_login(db, "data.manager", DEMO_PASSWORD, &dm, e);
  }
  if (rc == APP_OK) {
    struct patient_filter all = {0};
    all.by_creation = true;
    rc = store_patient_list(db, &dm, &all, &codes, e);
  }
  for (i = 0; rc == APP_OK && i < json_array_size(codes); i++) {
    json_t *p = json_array_get(codes, i);
    const char *code = json_string_value(json_object_get(p, "code"));
    const char *site = json_string_value(json_object_get(p, "site"));
    int64_t qid = 0;
    int si = 0;
    for (k = 0; k < SIM_N_SITES; k++) {
      if (strcmp(site, sim_site_codes[k]) == 0) {
        si = k;
      }
    }
    if (i % 9 == 0) {
      rc = store_query_raise(db, &mon, code, 0, "baseline",
                             "Please confirm the baseline tumour diameter "
                             "against the radiology report.", &qid, e);
      if (rc == APP_OK && i % 18 == 0) {
        rc = store_query_answer(db, &coords[si], qid, "Checked against the "
                                "report: correct as entered.", e);
        if (rc == APP_OK && i % 36 == 0) {
          rc = store_query_close(db, &mon, qid, "Confirmed.", e);
        }
      }
    }
    if (rc == APP_OK && i % 4 == 1) {
      rc = store_sign(db, &invs[si], code, DEMO_PASSWORD,
                      "I have reviewed this casebook and approve its data "
                      "as complete and accurate.", e);
    }
    if (rc == APP_OK && i % 25 == 2) {
      rc = store_lock(db, &dm, code, true, NULL, e);
    }
  }
  json_decref(codes);
  return rc;
}

int cmd_demo(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor admin;
  struct sim_config cfg;
  struct sim_study s;
  struct sim_study_opts o;
  const char *path = cli_db_path(c);
  const char *seed_s = cli_opt(c, "--seed");
  const char *n_s = cli_opt(c, "--patients");
  long seed = 20260131, n = 364;
  json_t *doc = NULL;
  int64_t total = 0, id;
  date_t start;
  int i, rc;
  err_clear(&e);
  memset(&s, 0, sizeof(s));
  if (cli_done(c, &e) != APP_OK ||
      (seed_s && cli_parse_long("--seed", seed_s, 0, 2147483647, &seed,
                                &e)) ||
      (n_s && cli_parse_long("--patients", n_s, 1, 100000, &n, &e))) {
    return cli_fail(&e);
  }
  if (path == NULL) {
    ERR_SET(&e, APP_EINVAL, "demo: --db DB is required");
    return cli_fail(&e);
  }
  if (db_sqlite_path(path) != NULL &&
      access(db_sqlite_path(path), F_OK) == 0) {
    ERR_SET(&e, APP_EINVAL, "--db: %s exists; the demo creates a new study",
            path);
    return cli_fail(&e);
  }
  if (sim_config_default(&cfg, &e) != APP_OK) {
    return cli_fail(&e);
  }
  memset(&o, 0, sizeof(o));
  o.n = (int)n;
  o.seed = (uint64_t)seed;
  o.force_cohort = -1;
  o.followup_months = DEMO_CUT_MONTHS - cfg.p.accrual_months;
  if (o.followup_months < 0) {
    o.followup_months = 0;
  }
  rc = sim_study_draw(&cfg, &c->proto, &o, &s, &e);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  /* Date the study so that its data cut is today. */
  start = clock_today() - s.cutoff_day;
  doc = sim_study_casebooks(&s, &c->proto, start);
  sim_study_free(&s);
  {
    char *shown = db_url_redacted(path);
    printf("Creating the demo study %s in %s (simulated patients only)\n\n"
           "Accounts (password for all: %s):\n",
           c->proto.study_id, shown, DEMO_PASSWORD);
    xfree(shown);
  }
  rc = db_open(path, &db, &e);
  if (rc == APP_OK) {
    rc = store_init(db, &c->proto, c->proto_text, "admin", DEMO_PASSWORD, &e);
  }
  if (rc == APP_OK) {
    printf("  %-22s %-13s %s\n", "admin", "admin", "accounts and sites");
    rc = store_login(db, "admin", DEMO_PASSWORD, &admin, &e);
  }
  for (i = 0; rc == APP_OK && i < SIM_N_SITES; i++) {
    rc = store_site_add(db, &admin, sim_site_codes[i],
                        site_name(sim_site_codes[i]), &id, &e);
  }
  if (rc == APP_OK) {
    rc = add_user(db, &admin, "pi", "pi", NULL, &e);
  }
  if (rc == APP_OK) {
    rc = add_user(db, &admin, "monitor", "monitor", NULL, &e);
  }
  if (rc == APP_OK) {
    rc = add_user(db, &admin, "data.manager", "data_manager", NULL, &e);
  }
  if (rc == APP_OK) {
    rc = add_user(db, &admin, "statistician", "statistician", NULL, &e);
  }
  for (i = 0; rc == APP_OK && i < SIM_N_SITES; i++) {
    char name[64], lc[16];
    lower(sim_site_codes[i], lc);
    snprintf(name, sizeof(name), "coordinator.%s", lc);
    rc = add_user(db, &admin, name, "coordinator", sim_site_codes[i], &e);
    snprintf(name, sizeof(name), "investigator.%s", lc);
    if (rc == APP_OK) {
      rc = add_user(db, &admin, name, "investigator", sim_site_codes[i], &e);
    }
  }
  /* Each centre's coordinator enters that centre's patients. */
  for (i = 0; rc == APP_OK && i < SIM_N_SITES; i++) {
    json_t *mine = json_array(), *one;
    json_t *pats = json_object_get(doc, "patients");
    json_t *problems = json_array();
    struct actor coord;
    char name[64], lc[16];
    int64_t n_rec = 0;
    size_t k;
    lower(sim_site_codes[i], lc);
    snprintf(name, sizeof(name), "coordinator.%s", lc);
    for (k = 0; k < json_array_size(pats); k++) {
      json_t *p = json_array_get(pats, k);
      if (strcmp(json_string_value(json_object_get(p, "site")),
                 sim_site_codes[i]) == 0) {
        json_array_append(mine, p);
      }
    }
    one = json_pack("{s:o}", "patients", mine);
    rc = store_login(db, name, DEMO_PASSWORD, &coord, &e);
    if (rc == APP_OK) {
      rc = store_import(db, &coord, one, problems, &n_rec, &e);
    }
    if (rc != APP_OK && json_array_size(problems) > 0) {
      json_t *p0 = json_array_get(problems, 0);
      e.code = APP_OK;
      e.msg[0] = '\0';
      ERR_SET(&e, APP_EINTERNAL, "demo: the simulator made a record the "
              "store refuses: %s: %s",
              json_string_value(json_object_get(p0, "field")),
              json_string_value(json_object_get(p0, "message")));
      rc = APP_EINTERNAL;
    }
    total += n_rec;
    json_decref(one);
    json_decref(problems);
  }
  if (rc == APP_OK) {
    rc = demo_activity(db, &e);
  }
  json_decref(doc);
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  printf("\n%ld patients at %d centres, %" PRId64 " records, entered through "
         "the audited store.\nServe it with: hccstudy serve --db %s\n",
         n, SIM_N_SITES, total, path);
  return 0;
}
