/*
** commands.c: the command table, sorted by name (a unit test checks it), so
** that lookup by unique prefix is well defined (Fossil dispatch.c).
*/
#include "commands.h"

const struct cli_command cli_commands[] = {
  {"audit", cmd_audit,
   "audit log|verify|keygen|checkpoint --db DB [--user NAME] ...",
   "Show the audit trail (log, newest --limit entries, default 50) or verify\n"
   "its hash chain (verify: exit 0 when intact, 1 naming the first broken\n"
   "entry).  Roles: admin, pi, monitor, data_manager.  The password comes\n"
   "from HCCSTUDY_PASSWORD or is asked for at the terminal.\n"
   "  verify --anchor FILE --public-key FILE.pub   also check every signed\n"
   "        checkpoint of FILE (a checkpoint file or an anchor log): a\n"
   "        tail cut off or history rewritten before the newest checkpoint\n"
   "        is reported (exit 1)\n"
   "  verify --log FILE      also append the result to the anchor log FILE\n"
   "        (a line of type hccstudy-verify; checkpoint checks skip it)\n"
   "  keygen --out FILE      a new Ed25519 key pair: FILE (secret, mode\n"
   "                         0600) and FILE.pub; keep FILE off the database\n"
   "  checkpoint --db DB [--key FILE] [--out FILE] [--log FILE] [--syslog]\n"
   "        sign the newest entry's sequence number and chain hash with\n"
   "        the key (or $HCCSTUDY_CHECKPOINT_KEY), keep it in --out,\n"
   "        append it to the anchor log --log, print it; needs no account\n"
   "        and writes nothing into the database\n"},
  {"backup", cmd_backup, "backup --db DB --user NAME --to FILE",
   "Write a consistent copy of the study database to a new SQLite file\n"
   "while it stays in use (admin, data_manager; audited).  Never\n"
   "overwrites a file.  From PostgreSQL the copy is table by table from one\n"
   "snapshot, verified like 'migrate'; for PostgreSQL's own backups and\n"
   "point-in-time recovery see docs/deployment.md.\n"},
  {"demo", cmd_demo, "demo --db DB [--seed S] [--patients N]",
   "Create a demo study: 6 centres, one account per role (passwords\n"
   "printed), and 364 simulated patients entered through the audited store\n"
   "by each centre's coordinator, dated so that today is the data cut 30\n"
   "months after the first enrolment, with queries, signatures and locks.\n"
   "Simulated data only.\n"},
  {"dictionary", cmd_dictionary, "dictionary [--json]",
   "The data dictionary: every record kind (form), its fields, types,\n"
   "units, ranges and allowed values (Markdown, or JSON with --json).\n"},
  {"dose", cmd_dose, "dose --weight-kg W [--reduction N] [--json]",
   "Lenvatinib and PD-1 inhibitor dose for a body weight.\n"
   "  --weight-kg W     body weight at screening, kg (required)\n"
   "  --reduction N     number of lenvatinib dose reductions so far (0)\n"
   "Lenvatinib starts at 12 mg daily when W >= 60 kg, else 8 mg daily, and\n"
   "steps down the protocol's ladder: 12 -> 8 -> 4 -> 4 mg every other day\n"
   "(-> discontinued), 8 -> 4 -> 4 mg every other day -> discontinued.\n"
   "PD-1 inhibitor: 200 mg IV every 21 days.\n"},
  {"eligibility", cmd_eligibility,
   "eligibility [--input FILE] [--json]",
   "Check a screening record (JSON on stdin or --input) against the\n"
   "protocol's inclusion and exclusion criteria, and score Child-Pugh and\n"
   "ALBI.  'eligible' is true, false, or null when nothing failed but some\n"
   "input is missing.  See README.md for the input keys.\n"},
  {"endpoints", cmd_endpoints, "endpoints [--input FILE] [--json]",
   "Derive PFS and OS (FDA censoring rules) and the best overall response\n"
   "from a patient's assessments, death, new-therapy, last-contact and\n"
   "cut-off dates (JSON on stdin or --input).\n"},
  {"export", cmd_export,
   "export --db DB --user NAME [--patient CODE] [--freeze ID] "
   "[--format FMT --out DIR-or-FILE]",
   "Print the casebooks the user may see (or one) as JSON: each patient's\n"
   "header, every record with its id and version, and the derived values\n"
   "(eligibility, schedule with window status, mRECIST, PFS, OS).\n"
   "With --format, write the study's datasets instead (docs/exports.md):\n"
   "  sdtm     DIR: the SDTM domains (DM, SV, EX, AE, LB, DS, TU, TR, RS,\n"
   "           SUPPxx) as SAS XPORT v5, one NAME.xpt a domain\n"
   "  adam     DIR: ADSL, ADRS and ADTTE as SAS XPORT v5\n"
   "  csv      DIR: every SDTM and ADaM dataset as NAME.csv (RFC 4180,\n"
   "           UTF-8) with NAME_dictionary.csv\n"
   "  xpt|dta|sav  DIR: the same datasets as SAS XPORT v5, Stata, SPSS\n"
   "  define   FILE: define.xml 2.0 of the SDTM and ADaM datasets\n"
   "  odm      FILE: CDISC ODM 1.3.2 with the audit trail and signatures\n"
   "  all      DIR: every format at once (DIR/sdtm, adam, csv, xpt, dta,\n"
   "           sav, DIR/define.xml, DIR/odm.xml), the datasets built once\n"
   "A directory gets manifest.json (SHA-256 and rows of every file).  A\n"
   "site-scoped role exports only its site.  --freeze ID reads a data\n"
   "freeze ('hccstudy freeze'): the files are then byte-identical whenever\n"
   "they are written; every file carries the freeze id and the audit\n"
   "chain hash.  The paths written are printed.\n"},
  {"freeze", cmd_freeze, "freeze create|list|show --db DB --user NAME ...",
   "Data freezes: named, immutable snapshots of every casebook.\n"
   "  create --label TEXT   (data_manager; audited) freeze the study now:\n"
   "                        the audit sequence number and chain hash at\n"
   "                        this moment, and every casebook as it is\n"
   "  list [--json]         every freeze, newest first\n"
   "  show ID [--json]      one freeze\n"
   "Exports, 'hccstudy stats --db' and the API's ?freeze=ID read a freeze\n"
   "with --freeze ID and give the same bytes however the data change\n"
   "later; a snapshot altered in the database is refused.\n"},
  {"import", cmd_import,
   "import --db DB --user NAME [--format json|odm] [--input FILE] [--json]",
   "Import casebooks (JSON: {\"patients\": [{\"site\" or \"code\",\n"
   "\"records\": [{\"kind\", \"data\", and for updates \"id\",\n"
   "\"version\", \"reason\"}]}]}).  All or nothing: every problem is\n"
   "listed with its path and nothing is written unless there are none.\n"
   "'hccstudy dictionary' lists the record kinds and fields.\n"
   "\n"
   "--format odm --input FILE.xml restores a whole study from an ODM\n"
   "1.3.2 file written by 'hccstudy export --format odm' into a NEW\n"
   "database (no 'hccstudy init': the original audit trail is restored\n"
   "entry for entry, so the trail must start empty): sites, accounts,\n"
   "patients, records, derived values, signatures, SDV, queries and the\n"
   "audit trail, with their ids and times.  --user names an admin or\n"
   "data_manager account of the file; HCCSTUDY_PASSWORD (or the\n"
   "terminal) becomes its password.  Other accounts need a new password\n"
   "('hccstudy user set --reset-password').  Freeze 1 holds the imported\n"
   "casebooks at the file's audit position.  Bad XML or an undeclared OID:\n"
   "exit 2, nothing written.  See docs/odm.md.\n"},
  {"init", cmd_init, "init --db DB [--admin NAME]",
   "Create a study database (a SQLite file, or a PostgreSQL database given\n"
   "as postgresql://USER@HOST/DBNAME) from the protocol in force, with an\n"
   "administrator account (default name admin) whose password comes from\n"
   "HCCSTUDY_ADMIN_PASSWORD or is asked for at the terminal (at least 12\n"
   "characters).  Refuses a database that already holds a study.\n"},
  {"lock", cmd_lock,
   "lock --db DB --user NAME --patient CODE [--unlock --reason TEXT]",
   "Lock a casebook (data managers): a locked casebook refuses every\n"
   "write.  --unlock needs a reason.  Audited.\n"},
  {"migrate", cmd_migrate, "migrate --from DB --to DB",
   "Move a study to another database with its complete audit trail, e.g.\n"
   "from SQLite to PostgreSQL:\n"
   "  hccstudy migrate --from study.db --to postgresql://hcc@db1/hcc\n"
   "The target must hold no study.  The source keeps its write lock during\n"
   "the copy (stop the servers first: writes meanwhile wait, none is left\n"
   "behind) and is not changed.  On arrival every table's row count is\n"
   "compared, the audit chain is verified from its first entry and must\n"
   "end in the source's last hash; the move is then audited in the target.\n"
   "A PostgreSQL DB is a postgresql:// URL or a libpq connection string\n"
   "(docs/deployment.md); anything else is a SQLite file.\n"},
  {"mrecist", cmd_mrecist, "mrecist [--input FILE] [--json]",
   "mRECIST time-point responses and best overall response (with\n"
   "confirmation and minimum SD duration) for one patient's baseline and\n"
   "assessments (JSON on stdin or --input).\n"},
  {"patient", cmd_patient, "patient add --db DB --user NAME [--site CODE]",
   "Register a patient at a site (the user's own site for investigators\n"
   "and coordinators) and print the new study id (SITE-0001).\n"},
  {"protocol", cmd_protocol, "protocol [--json]",
   "Show the protocol in force (the embedded CHALLENGE-06 protocol, or the\n"
   "file given with --protocol FILE), after validating it.\n"},
  {"query", cmd_query,
   "query raise|answer|close|list --db DB --user NAME ...",
   "Queries on patient data.\n"
   "  raise  --patient CODE [--record ID] [--field F] --text T  (monitor,\n"
   "         data_manager)\n"
   "  answer --id N --text T        (investigator, coordinator, "
   "data_manager)\n"
   "  close  --id N [--text NOTE]   (monitor, data_manager)\n"
   "  list   [--patient CODE] [--status open|answered|closed] [--json]\n"
   "Edit checks raise queries by themselves (raised_by 'system') and close\n"
   "them when the data no longer trigger them.\n"},
  {"routes", cmd_routes, "routes [--json]",
   "The JSON API's route table (src/web/routes.c): method, path pattern,\n"
   "what the dispatcher enforces before the handler (R_AUTH a session or\n"
   "token, R_CSRF the X-CSRF-Token header, R_JSON a JSON object body,\n"
   "R_NO_TOKEN a session only, never an API token) and the body cap in\n"
   "bytes.  Needs no database.  tests/http/matrix.sh reads --json.\n"},
  {"schedule", cmd_schedule,
   "schedule --start DATE [--progression DATE] [--until DATE] [--json]",
   "Visit schedule: tumour assessments every 56 days (+/- 3) from treatment\n"
   "start until progression, then survival contacts every 56 days (+/- 7)\n"
   "from progression, up to --until (default: the study completion date).\n"},
  {"sdv", cmd_sdv, "sdv --db DB --user NAME --record ID",
   "Mark a record verified against source at its current version\n"
   "(monitors).  A later change of the record makes the mark stale.\n"},
  {"serve", cmd_serve,
   "serve --db DB [--listen ADDR:PORT] [--threads N] [--tls-cert F "
   "--tls-key F] [--behind-tls-proxy]",
   "Serve the browser interface and the JSON API (/api/v1/..., docs/api.md)\n"
   "over a study database with a thread pool.  Sessions live in the\n"
   "database; writes are group-committed; stop with Ctrl-C.  With a TLS\n"
   "certificate and key (PEM) it serves HTTPS, and the session cookie is\n"
   "__Host- prefixed and Secure, with HSTS.  --behind-tls-proxy: reached\n"
   "only through a reverse proxy that terminates TLS (nginx): the same\n"
   "cookie and HSTS over plain HTTP from the proxy.  Several servers can\n"
   "share one PostgreSQL database (docs/deployment.md); each opens one\n"
   "connection per thread plus one for its writer.\n"
   "Signed audit checkpoints (docs/store.md, 'Checkpoints'):\n"
   "  --checkpoint-key FILE    the secret key of 'audit keygen' (or\n"
   "                           $HCCSTUDY_CHECKPOINT_KEY)\n"
   "  --checkpoint-log FILE    append each checkpoint to this anchor log\n"
   "  --checkpoint-out FILE    and/or keep the newest in this file\n"
   "  --checkpoint-syslog      and/or send it to syslog (authpriv)\n"
   "  --checkpoint-every T     minutes (10) or seconds (30s); one more at\n"
   "                           shutdown, after the last write\n"},
  {"sign", cmd_sign,
   "sign --db DB --user NAME --patient CODE [--meaning TEXT]",
   "Sign a casebook electronically (investigators, PI): the password is\n"
   "asked again, the meaning is stored with a SHA-256 of the signed data,\n"
   "and any later change voids the signature visibly.\n"},
  {"simulate", cmd_simulate,
   "simulate cohort|calibrate|power [--sim FILE] [--seed S] ...",
   "Virtual cohort simulator (docs/simulator.md); parameters and their\n"
   "sources in protocols/challenge06-sim.json (built in; --sim FILE).\n"
   "  cohort --n 364 --seed S [--out FILE.json | --csv DIR]\n"
   "      one virtual study as casebooks (import format) or as the\n"
   "      analysis CSV DIR/patients.csv (id, cohort, pfs_days, pfs_event,\n"
   "      os_days, os_event, bor, baseline covariates)\n"
   "  calibrate [--n 20000] [--seed S] [--json]\n"
   "      medians, ORR, DCR, AE and baseline shares per cohort beside the\n"
   "      published targets of the sim file\n"
   "  power --trials N [--threads T] [--hr H] [--n 364] [--seed S]\n"
   "        [--model lesion|exponential] [--alpha a] [--json]\n"
   "      Monte Carlo power / type I error (H = 1) of the crude log-rank,\n"
   "      IPTW Cox (robust SE) and PS matching; HR bias and coverage.\n"
   "      --model exponential (event times only, as rpact) needs\n"
   "      --median-control M --accrual-time A and --events D or\n"
   "      --follow-up F; optional --dropout d --dropout-time t.\n"},
  {"site", cmd_site, "site add --db DB --user NAME --code CODE --name NAME",
   "Add a participating site (admin only; audited).\n"},
  {"stats", cmd_stats, "stats SUBCOMMAND ... [--json]",
   "Statistics, equal to R (docs/stats.md, docs/cox.md, docs/propensity.md,\n"
   "docs/sample-size.md).  On a CSV file (--data FILE.csv or -) or on a\n"
   "study's analysis population (--db DB [--freeze ID] [--user NAME]; the\n"
   "columns of the patient-level frame, named as in the export's adsl.csv:\n"
   "e.g. ARM, AGE, PFSDY, PFSCNSR), with --time COL and --event\n"
   "COL (1/0 or R's 2/1) or --censor COL (ADaM CNSR: 1 censored, 0 event):\n"
   "  km [--group COL] [--conf-type log|log-log|plain] [--conf-level 0.95]\n"
   "     [--times t1,t2,...] [--tau T]\n"
   "  logrank --group COL [--strata COL] [--rho R]\n"
   "  cox --covariates a,b [--factor c,d] [--strata COL] [--weights COL]\n"
   "      [--robust] [--cluster COL] [--ties efron|breslow] [--timing]\n"
   "  zph (the cox options) [--transform km|rank|identity]\n"
   "  logistic --outcome COL --covariates a,b [--factor c] [--weights COL]\n"
   "  ps --treatment COL --covariates ... [--factor ...]\n"
   "     --method iptw|overlap|match [--estimand ate|att] [--stabilize]\n"
   "     [--caliper 0.2] [--out FILE (with --data only)]\n"
   "Without data:\n"
   "  binom --x K --n N [--method clopper-pearson|wilson|jeffreys]\n"
   "        [--conf-level C] [--p0 P]\n"
   "  fisher --table a,b,c,d        chisq --table ... [--no-correct]\n"
   "  samplesize --hr H --alpha A --power P [--sided 2] [--ratio 1]\n"
   "     [--median-control M --accrual-time A --follow-up F]\n"
   "     [--dropout D --dropout-time T] [--method schoenfeld|freedman]\n"
   "  power --n N (the samplesize design options, without --power)\n"
   "  evalue --hr H [--lower L --upper U]\n"},
  {"status", cmd_status, "status --db DB --user NAME [--json]",
   "Enrolment by site, status and cohort against the target enrolment.\n"},
  {"terms", cmd_terms,
   "terms import|search --db DB --user NAME ...",
   "The adverse-event terminology.\n"
   "  import --input FILE.csv [--name NAME]  (admin) load a terminology in\n"
   "         CTCAE v5.0 layout: meddra_code, soc, term, grade1..grade5,\n"
   "         definition; replaces the one in force\n"
   "  search --text WORDS [--json]           terms containing WORDS\n"
   "With a terminology loaded, an adverse event whose term is not in it or\n"
   "whose grade the term does not define raises a query (ae_term).\n"},
  {"test-writer", cmd_test_writer,
   "test-writer --db DB --user NAME [--patients P] [--records R]",
   "(hidden; tests and benchmarks) audited record saves in a loop.\n"},
  {"token", cmd_token,
   "token create|list|revoke --db DB --user NAME ...",
   "API tokens for scripts (an R or Python job pulling data), sent as\n"
   "'Authorization: Bearer hcc_...' to the JSON API (docs/api.md).\n"
   "  create --name NAME [--scope read|ROUTE,...] [--expires DAYS]\n"
   "         [--for USER] [--json]\n"
   "         prints the token once (only its SHA-256 is stored); scope\n"
   "         read (the default) allows GET only, or a list of routes as\n"
   "         in docs/api.md, each '[METHOD ]ROUTE' (e.g. 'GET patients,\n"
   "         GET patients/:code'); DAYS 1 to 365, default 90; --for\n"
   "         another user needs the admin role\n"
   "  list [--json]     your tokens (an admin: everyone's), never the text\n"
   "  revoke ID         your token (an admin: anyone's)\n"
   "A token acts as its user, with the same role and sites; every use,\n"
   "creation and revocation is audited (the token's id, never its text).\n"},
  {"user", cmd_user, "user add|set|list --db DB --user NAME ...",
   "User accounts (admin only; every change audited).\n"
   "  add  --username NEW --role ROLE [--site CODE]\n"
   "  set  --username NAME [--role ROLE] [--site CODE | --no-site]\n"
   "       [--active true|false] [--reset-password]\n"
   "  list [--json]\n"
   "Roles: admin, pi, investigator, coordinator, monitor, data_manager,\n"
   "statistician; investigators and coordinators belong to one site and see\n"
   "only its patients.  A new password comes from HCCSTUDY_NEW_PASSWORD or\n"
   "the terminal (at least 12 characters; stored as an argon2id hash).\n"
   "Reactivating an account clears its failed logins.\n"},
};

const int cli_n_commands =
    (int)(sizeof(cli_commands) / sizeof(cli_commands[0]));
