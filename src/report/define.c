/*
** define.c: define.xml 2.0 (see define.h and docs/adam.md).
**
** Why: a submission's datasets travel with their metadata; a reviewer's
** tools (Pinnacle 21, the FDA's viewers) read define.xml to know each
** variable's type, length, label, code list and origin.  Everything here
** comes from the same column tables (struct ds_def) the XPORT files are
** written from, so the two cannot disagree.  Invariants: every text is
** UTF-8 and XML-escaped; every ItemRef names an ItemDef (one ItemDef a
** dataset and variable, OID IT.DATASET.VARIABLE); every CodeListRef names
** a CodeList holding the terms that occur in the data (and the known terms
** of the code lists this program defines); every derived ADaM variable
** refers to a MethodDef describing its derivation.  Define-XML 2.0 holds
** one standard a MetaDataVersion (def:StandardName/def:StandardVersion;
** def:Standards is 2.1): the ADaM standard when ADaM datasets are present,
** else the SDTM one, and each dataset names its own standard in a
** def:CommentDef.  Not written: value-level metadata (def:ValueListDef,
** def:WhereClauseDef), annotated CRF links, external dictionaries.
** Workload: a few datasets of at most a few hundred variables; the terms
** of a code list are gathered by one pass over its columns.
*/
#include "define.h"

#include "../core/mem.h"
#include "../core/str.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Most distinct terms a code list gathers from the data. */
#define DF_MAX_TERMS 200

/* Known terms of the code lists that this program's datasets use (the
** data add any other term that occurs). */
static const struct {
  const char *name;     /* code list name (ds_col.codelist) */
  const char *terms[8]; /* its terms, NULL-terminated */
} df_known[] = {
    {"MRECIST", {"CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE", NULL}},
    {"NY", {"Y", "N", NULL}},
    {"SEX", {"M", "F", "U", NULL}},
    {"AGEU", {"YEARS", NULL}},
    {"AVALU", {"DAYS", NULL}},
    {"EOSSTT", {"COMPLETED", "DISCONTINUED", "ONGOING", NULL}},
    {"NCOMPLT",
     {"DEATH", "WITHDRAWAL BY SUBJECT", "LOST TO FOLLOW-UP",
      "STUDY TERMINATED BY SPONSOR", "OTHER", NULL}},
    {"RSPARMCD", {"OVR", "BOR", NULL}},
    {"TTEPARMCD", {"PFS", "OS", NULL}},
};

/* Append s XML-escaped (attribute- and text-safe): ill-formed UTF-8
** replaced by U+FFFD, control characters other than tab and line feed
** dropped (XML 1.0 cannot hold them). */
static void df_esc(struct buf *b, const char *s) {
  struct buf clean;
  const unsigned char *p;
  buf_init(&clean, 0);
  str_utf8_clean(&clean, s ? s : "");
  for (p = (const unsigned char *)buf_str(&clean); *p; p++) {
    switch (*p) {
    case '&':
      buf_puts(b, "&amp;");
      break;
    case '<':
      buf_puts(b, "&lt;");
      break;
    case '>':
      buf_puts(b, "&gt;");
      break;
    case '"':
      buf_puts(b, "&quot;");
      break;
    case '\'':
      buf_puts(b, "&apos;");
      break;
    default:
      if (*p >= 0x20 || *p == '\t' || *p == '\n') {
        buf_putc(b, *p);
      }
    }
  }
  buf_reset(&clean);
}

/* Append <Description><TranslatedText xml:lang="en">text</...></...>. */
static void df_description(struct buf *b, const char *indent,
                           const char *text) {
  buf_appendf(b, "%s<Description><TranslatedText xml:lang=\"en\">", indent);
  df_esc(b, text);
  buf_puts(b, "</TranslatedText></Description>\n");
}

/* An OID-safe copy of s: letters, digits, '.', '-' and '_' kept, others
** as '.'. */
static void df_oid_part(const char *s, char *out, size_t n) {
  size_t i;
  for (i = 0; s[i] && i + 1 < n; i++) {
    char c = s[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    out[i] = ok ? c : '.';
  }
  out[i] = '\0';
}

/* Is d an ADaM dataset (Purpose Analysis)? */
static bool df_is_adam(const struct ds *d) {
  return d->def->standard != NULL && strncmp(d->def->standard, "ADaM", 4) == 0;
}

/* The def:Origin Type of column k (Define-XML 2.0 terms) from its source
** text: "assigned..." Assigned, "protocol..." Protocol, a predecessor
** ("ADSL.X") Predecessor, anything derived Derived; otherwise collected
** (CRF) for SDTM and Derived for ADaM. */
static const char *df_origin(const struct ds_col *k, bool adam) {
  const char *s = k->source ? k->source : "";
  if (strncmp(s, "assigned", 8) == 0) {
    return "Assigned";
  }
  if (strncmp(s, "protocol", 8) == 0) {
    return adam ? "Assigned" : "Protocol";
  }
  if (adam && strncmp(s, "AD", 2) == 0 && strchr(s, '.') != NULL &&
      strchr(s, ' ') == NULL) {
    return "Predecessor";
  }
  if (strstr(s, "derived") != NULL || adam) {
    return "Derived";
  }
  return "CRF";
}

/* Is column k's "Mandatory" Yes (core Req)? */
static bool df_mandatory(const struct ds_col *k) {
  return k->core != NULL && strcmp(k->core, "Req") == 0;
}

/* The 1-based position of name in the comma-separated key list keys, or
** 0. */
static int df_key_seq(const char *keys, const char *name) {
  const char *p = keys ? keys : "";
  size_t len = strlen(name);
  int seq = 0;
  while (*p) {
    const char *q;
    size_t n;
    while (*p == ' ' || *p == ',') {
      p++;
    }
    if (*p == '\0') {
      break;
    }
    q = p;
    while (*q && *q != ',' && *q != ' ') {
      q++;
    }
    n = (size_t)(q - p);
    seq++;
    if (n == len && strncmp(p, name, n) == 0) {
      return seq;
    }
    p = q;
  }
  return 0;
}

/* The Define-XML DataType of column k: text (dates as ISO 8601 text for
** --DTC), integer (whole numbers, SAS dates), float. */
static const char *df_datatype(const struct ds_col *k) {
  size_t n = strlen(k->name);
  if (k->type == DS_STR) {
    if (n > 3 && strcmp(k->name + n - 3, "DTC") == 0) {
      return k->width > 10 ? "datetime" : "date";
    }
    return "text";
  }
  return k->decimals == 0 || k->decimals == DS_DATE9 ? "integer" : "float";
}

/* The datasets of both sets in file order (SDTM first). */
struct df_all {
  int n;
  const struct ds *d[2 * DS_SET_MAX];
};

/* Does code list name appear earlier than column c of dataset i? (Each
** code list is written once.) */
static bool df_seen_before(const struct df_all *all, int i, int c,
                           const char *name) {
  int j, k;
  for (j = 0; j <= i; j++) {
    const struct ds_def *def = all->d[j]->def;
    for (k = 0; k < (j == i ? c : def->ncols); k++) {
      if (def->cols[k].codelist != NULL &&
          strcmp(def->cols[k].codelist, name) == 0) {
        return true;
      }
    }
  }
  return false;
}

/* Add term t to terms (n of them) when new and there is room. */
static void df_add_term(char terms[][64], int *n, const char *t) {
  int i;
  if (t[0] == '\0') {
    return;
  }
  for (i = 0; i < *n; i++) {
    if (strcmp(terms[i], t) == 0) {
      return;
    }
  }
  if (*n < DF_MAX_TERMS) {
    snprintf(terms[*n], 64, "%s", t);
    (*n)++;
  }
}

/* The CodeList of name: its known terms, then every other value that
** occurs in a column using it; DataType from the first such column. */
static void df_codelist(struct buf *b, const struct df_all *all,
                        const char *name) {
  char(*terms)[64] = xcalloc(DF_MAX_TERMS, sizeof(*terms));
  const char *dtype = NULL;
  char oid[64];
  size_t q;
  int n = 0, i, c, r, t;
  for (q = 0; q < sizeof(df_known) / sizeof(df_known[0]); q++) {
    if (strcmp(df_known[q].name, name) == 0) {
      for (t = 0; df_known[q].terms[t] != NULL; t++) {
        df_add_term(terms, &n, df_known[q].terms[t]);
      }
    }
  }
  for (i = 0; i < all->n; i++) {
    const struct ds *d = all->d[i];
    for (c = 0; c < d->def->ncols; c++) {
      const struct ds_col *k = &d->def->cols[c];
      if (k->codelist == NULL || strcmp(k->codelist, name) != 0) {
        continue;
      }
      if (dtype == NULL) {
        dtype = df_datatype(k);
      }
      for (r = 0; r < d->n; r++) {
        char num[32];
        if (k->type == DS_STR) {
          df_add_term(terms, &n, ds_get_str(d, r, c));
        } else if (isfinite(ds_get_num(d, r, c))) {
          snprintf(num, sizeof(num), "%.15g", ds_get_num(d, r, c));
          df_add_term(terms, &n, num);
        }
      }
    }
  }
  df_oid_part(name, oid, sizeof(oid));
  buf_appendf(b, "      <CodeList OID=\"CL.%s\" Name=\"", oid);
  df_esc(b, name);
  buf_appendf(b, "\" DataType=\"%s\">\n",
              dtype && strcmp(dtype, "float") == 0     ? "float"
              : dtype && strcmp(dtype, "integer") == 0 ? "integer"
                                                       : "text");
  for (t = 0; t < n; t++) {
    buf_puts(b, "        <EnumeratedItem CodedValue=\"");
    df_esc(b, terms[t]);
    buf_appendf(b, "\" OrderNumber=\"%d\"/>\n", t + 1);
  }
  buf_puts(b, "      </CodeList>\n");
  xfree(terms);
}

/* The lower-case file name of dataset d's XPORT file ("adsl.xpt"). */
static void df_leaf_name(const struct ds *d, char *out, size_t n) {
  size_t i;
  snprintf(out, n, "%s.xpt", d->def->name);
  for (i = 0; out[i]; i++) {
    if (out[i] >= 'A' && out[i] <= 'Z') {
      out[i] = (char)(out[i] - 'A' + 'a');
    }
  }
}

/* One ItemGroupDef with its ItemRefs and def:leaf. */
static void df_item_group(struct buf *b, const struct ds *d) {
  const struct ds_def *def = d->def;
  bool adam = df_is_adam(d);
  bool single = def->structure != NULL &&
                strcmp(def->structure, "One record per subject") == 0;
  char name[32], leaf[48], std[64];
  int c;
  df_oid_part(def->name, name, sizeof(name));
  df_oid_part(def->standard ? def->standard : "", std, sizeof(std));
  df_leaf_name(d, leaf, sizeof(leaf));
  buf_appendf(b, "      <ItemGroupDef OID=\"IG.%s\"", name);
  if (!adam) {
    buf_appendf(b, " Domain=\"%s\"", name);
  }
  buf_appendf(b,
              " Name=\"%s\" Repeating=\"%s\" IsReferenceData=\"No\" "
              "SASDatasetName=\"%s\" Purpose=\"%s\" def:Structure=\"",
              name, single ? "No" : "Yes", name,
              adam ? "Analysis" : "Tabulation");
  df_esc(b, def->structure);
  buf_puts(b, "\" def:Class=\"");
  df_esc(b, def->cls);
  buf_appendf(b,
              "\" def:CommentOID=\"COM.STD.%s\" "
              "def:ArchiveLocationID=\"LF.%s\">\n",
              std, name);
  df_description(b, "        ", def->label);
  for (c = 0; c < def->ncols; c++) {
    const struct ds_col *k = &def->cols[c];
    int seq = df_key_seq(def->keys, k->name);
    buf_appendf(b,
                "        <ItemRef ItemOID=\"IT.%s.%s\" OrderNumber=\"%d\" "
                "Mandatory=\"%s\"",
                name, k->name, c + 1, df_mandatory(k) ? "Yes" : "No");
    if (seq > 0) {
      buf_appendf(b, " KeySequence=\"%d\"", seq);
    }
    if (strcmp(df_origin(k, adam), "Derived") == 0) {
      buf_appendf(b, " MethodOID=\"MT.%s.%s\"", name, k->name);
    }
    buf_puts(b, "/>\n");
  }
  buf_appendf(b,
              "        <def:leaf ID=\"LF.%s\" xlink:href=\"%s\">"
              "<def:title>%s</def:title></def:leaf>\n",
              name, leaf, leaf);
  buf_puts(b, "      </ItemGroupDef>\n");
}

/* The ItemDefs of one dataset. */
static void df_item_defs(struct buf *b, const struct ds *d) {
  const struct ds_def *def = d->def;
  bool adam = df_is_adam(d);
  char name[32], cl[64];
  int c;
  df_oid_part(def->name, name, sizeof(name));
  for (c = 0; c < def->ncols; c++) {
    const struct ds_col *k = &def->cols[c];
    const char *dt = df_datatype(k);
    buf_appendf(b,
                "      <ItemDef OID=\"IT.%s.%s\" Name=\"%s\" "
                "DataType=\"%s\" Length=\"%d\"",
                name, k->name, k->name, dt, k->type == DS_STR ? k->width : 8);
    if (strcmp(dt, "float") == 0 && k->decimals > 0) {
      buf_appendf(b, " SignificantDigits=\"%d\"", k->decimals);
    }
    buf_appendf(b, " SASFieldName=\"%s\"", k->name);
    if (k->type == DS_NUM && k->decimals == DS_DATE9) {
      buf_puts(b, " def:DisplayFormat=\"DATE9.\"");
    }
    buf_puts(b, ">\n");
    df_description(b, "        ", k->label);
    if (k->codelist != NULL) {
      df_oid_part(k->codelist, cl, sizeof(cl));
      buf_appendf(b, "        <CodeListRef CodeListOID=\"CL.%s\"/>\n", cl);
    }
    buf_appendf(b, "        <def:Origin Type=\"%s\">", df_origin(k, adam));
    if (k->source != NULL && k->source[0]) {
      buf_puts(b, "<Description><TranslatedText xml:lang=\"en\">");
      df_esc(b, k->source);
      buf_puts(b, "</TranslatedText></Description>");
    }
    buf_puts(b, "</def:Origin>\n      </ItemDef>\n");
  }
}

/* The MethodDefs of the derived variables of one dataset. */
static void df_methods(struct buf *b, const struct ds *d) {
  const struct ds_def *def = d->def;
  bool adam = df_is_adam(d);
  char name[32];
  int c;
  df_oid_part(def->name, name, sizeof(name));
  for (c = 0; c < def->ncols; c++) {
    const struct ds_col *k = &def->cols[c];
    if (strcmp(df_origin(k, adam), "Derived") != 0) {
      continue;
    }
    buf_appendf(b,
                "      <MethodDef OID=\"MT.%s.%s\" Name=\"Algorithm to "
                "derive %s.%s\" Type=\"Computation\">\n",
                name, k->name, name, k->name);
    df_description(b, "        ",
                   k->source && k->source[0] ? k->source : k->label);
    buf_puts(b, "      </MethodDef>\n");
  }
}

/* The def:CommentDef of each standard used (once each). */
static void df_standards(struct buf *b, const struct df_all *all) {
  int i, j;
  for (i = 0; i < all->n; i++) {
    const char *s = all->d[i]->def->standard ? all->d[i]->def->standard : "";
    char std[64];
    bool dup = false;
    for (j = 0; j < i && !dup; j++) {
      const char *t = all->d[j]->def->standard;
      dup = strcmp(t ? t : "", s) == 0;
    }
    if (dup) {
      continue;
    }
    df_oid_part(s, std, sizeof(std));
    buf_appendf(b, "      <def:CommentDef OID=\"COM.STD.%s\">\n", std);
    {
      char text[96];
      snprintf(text, sizeof(text), "Standard: %s", s);
      df_description(b, "        ", text);
    }
    buf_puts(b, "      </def:CommentDef>\n");
  }
}

int define_xml(const struct frame_source *src, const struct ds_set *sdtm,
               const struct ds_set *adam, struct buf *out, struct err *e) {
  struct df_all all;
  char sid[40], where[200];
  bool has_adam = adam != NULL && adam->n > 0;
  int i, c;
  (void)e;
  memset(&all, 0, sizeof(all));
  for (i = 0; sdtm != NULL && i < sdtm->n; i++) {
    all.d[all.n++] = &sdtm->d[i];
  }
  for (i = 0; adam != NULL && i < adam->n; i++) {
    all.d[all.n++] = &adam->d[i];
  }
  df_oid_part(src->study_id, sid, sizeof(sid));
  if (src->freeze_id != 0) {
    snprintf(where, sizeof(where),
             "freeze %" PRId64 ", audit seq %" PRId64 ", chain hash %s",
             src->freeze_id, src->audit_seq, src->chain_hash);
  } else {
    snprintf(where, sizeof(where),
             "live data, audit seq %" PRId64 ", chain hash %s", src->audit_seq,
             src->chain_hash);
  }
  buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\"\n"
                "     xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n"
                "     xmlns:def=\"http://www.cdisc.org/ns/def/v2.0\"\n"
                "     ODMVersion=\"1.3.2\" FileType=\"Snapshot\"\n");
  if (src->freeze_id != 0) {
    buf_appendf(out, "     FileOID=\"DEFINE.%s.F%" PRId64 "\"\n", sid,
                src->freeze_id);
  } else {
    buf_appendf(out, "     FileOID=\"DEFINE.%s.A%" PRId64 "\"\n", sid,
                src->audit_seq);
  }
  buf_appendf(out,
              "     CreationDateTime=\"%s\" AsOfDateTime=\"%s\"\n"
              "     Originator=\"hccstudy\" SourceSystem=\"hccstudy\""
              " SourceSystemVersion=\"",
              src->created_utc, src->created_utc);
  df_esc(out, where);
  buf_puts(out, "\">\n");
  buf_appendf(out,
              "  <Study OID=\"STUDY.%s\">\n    <GlobalVariables>\n"
              "      <StudyName>",
              sid);
  df_esc(out, src->study_id);
  buf_puts(out, "</StudyName>\n      <StudyDescription>");
  df_esc(out, src->study_id);
  buf_puts(out, ": ");
  df_esc(out, where);
  buf_puts(out, "</StudyDescription>\n      <ProtocolName>");
  df_esc(out, src->study_id);
  buf_puts(out, "</ProtocolName>\n    </GlobalVariables>\n");
  buf_appendf(out, "    <MetaDataVersion OID=\"MDV.%s\" Name=\"", sid);
  df_esc(out, src->study_id);
  buf_puts(out, " data definitions\" Description=\"");
  df_esc(out, where);
  buf_appendf(out,
              "\"\n      def:DefineVersion=\"2.0.0\" "
              "def:StandardName=\"%s\" def:StandardVersion=\"%s\">\n",
              has_adam ? "ADaM-IG" : "SDTM-IG", has_adam ? "1.3" : "3.4");
  for (i = 0; i < all.n; i++) {
    df_item_group(out, all.d[i]);
  }
  for (i = 0; i < all.n; i++) {
    df_item_defs(out, all.d[i]);
  }
  for (i = 0; i < all.n; i++) {
    for (c = 0; c < all.d[i]->def->ncols; c++) {
      const char *cl = all.d[i]->def->cols[c].codelist;
      if (cl != NULL && !df_seen_before(&all, i, c, cl)) {
        df_codelist(out, &all, cl);
      }
    }
  }
  for (i = 0; i < all.n; i++) {
    df_methods(out, all.d[i]);
  }
  df_standards(out, &all);
  buf_puts(out, "    </MetaDataVersion>\n  </Study>\n</ODM>\n");
  return APP_OK;
}
