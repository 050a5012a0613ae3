/*
** odm.c: CDISC ODM 1.3.2 export (see odm.h and docs/odm.md).
**
** The file is written with fprintf and our own escaping, element by
** element, so it streams: the metadata (from the data dictionary,
** src/study/forms.c), the accounts and sites, then one SubjectData per
** casebook as frame_casebooks hands them over (one casebook in memory),
** then the audit trail from a paged cursor.  Everything the import needs
** to restore the study row for row (ids, versions, times, derived values,
** the audit rows with their hashes) travels in attributes and elements of
** the hccstudy namespace (ODM's vendor-extension mechanism); the ODM
** elements themselves stay standard for other readers.
**
** OIDs: SE.<kind> study events, F.<kind> forms, IG.<kind> a form's plain
** fields, IG.<kind>.<field> a list (or sub-object) of a form, I.<kind>.
** <field> and I.<kind>.<field>.<sub> items, CL.<...> code lists, MU.<n>
** units, USR.<username> accounts, LOC.<site code> sites.
*/
#include "odm.h"

#include "../core/buf.h"
#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../store/freeze.h"
#include "../store/odm_store.h"
#include "../study/forms.h"

#include <inttypes.h>
#include <sodium.h>
#include <string.h>

/* Units at most the dictionary uses (checked when they are collected). */
#define ODM_MAX_UNITS 64

/* The export's state. */
struct odm_out {
  FILE *fp;
  const struct frame_source *src;
  json_t *users;                    /* username -> true (declared accounts) */
  json_t *sites;                    /* site code -> true (declared locations) */
  const char *units[ODM_MAX_UNITS]; /* distinct units, MU.<index + 1> */
  int n_units;
  int64_t n_audit; /* audit rows written */
};

/* Is s valid UTF-8 holding only characters XML 1.0 allows? */
static bool xml_ok(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int n = 0, i;
    if (*p < 0x80) {
      if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
        return false;
      }
      p++;
      continue;
    }
    if ((*p & 0xE0) == 0xC0 && *p >= 0xC2) {
      n = 1;
    } else if ((*p & 0xF0) == 0xE0) {
      n = 2;
    } else if ((*p & 0xF8) == 0xF0 && *p <= 0xF4) {
      n = 3;
    } else {
      return false;
    }
    for (i = 1; i <= n; i++) {
      if ((p[i] & 0xC0) != 0x80) {
        return false;
      }
    }
    if (n == 2 && p[0] == 0xEF && p[1] == 0xBF &&
        (p[2] == 0xBE || p[2] == 0xBF)) {
      return false; /* U+FFFE, U+FFFF */
    }
    p += n + 1;
  }
  return true;
}

/* Write s escaped for an attribute value or element text: & < > " and
** the three white-space controls as character references (an attribute
** value's line breaks would otherwise be normalised to spaces). */
static void xml_esc(FILE *fp, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&':
      fputs("&amp;", fp);
      break;
    case '<':
      fputs("&lt;", fp);
      break;
    case '>':
      fputs("&gt;", fp);
      break;
    case '"':
      fputs("&quot;", fp);
      break;
    case '\n':
      fputs("&#10;", fp);
      break;
    case '\r':
      fputs("&#13;", fp);
      break;
    case '\t':
      fputs("&#9;", fp);
      break;
    default:
      fputc(*s, fp);
      break;
    }
  }
}

/* Attribute name="value" (nothing when value is NULL).  A value XML
** cannot hold (control characters, invalid UTF-8) is written as
** nameB64="base64" instead, so every stored byte survives. */
static void xml_attr(FILE *fp, const char *name, const char *value) {
  if (value == NULL) {
    return;
  }
  if (xml_ok(value)) {
    fprintf(fp, " %s=\"", name);
    xml_esc(fp, value);
    fputc('"', fp);
  } else {
    size_t n = strlen(value);
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *b = xmalloc(cap);
    sodium_bin2base64(b, cap, (const unsigned char *)value, n,
                      sodium_base64_VARIANT_ORIGINAL);
    fprintf(fp, " %sB64=\"%s\"", name, b);
    xfree(b);
  }
}

static void xml_attr_i(FILE *fp, const char *name, int64_t v) {
  fprintf(fp, " %s=\"%" PRId64 "\"", name, v);
}

/* <name>text</name> on one line, indented.  Text XML cannot hold is left
** out (the element is then empty): the elements written this way repeat
** for ODM readers what an hccstudy: attribute carries exactly. */
static void xml_elem(FILE *fp, int indent, const char *name, const char *text) {
  fprintf(fp, "%*s<%s>", indent, "", name);
  xml_esc(fp, text && xml_ok(text) ? text : "");
  fprintf(fp, "</%s>\n", name);
}

/* <Description><TranslatedText xml:lang="en">text</...></Description>. */
static void xml_description(FILE *fp, int indent, const char *tag,
                            const char *text) {
  fprintf(fp, "%*s<%s><TranslatedText xml:lang=\"en\">", indent, "", tag);
  xml_esc(fp, text ? text : "");
  fprintf(fp, "</TranslatedText></%s>\n", tag);
}

/* ---- metadata ---------------------------------------------------------- */

/* ODM DataType of a field type. */
static const char *odm_type(enum field_type t) {
  switch (t) {
  case FT_NUMBER:
    return "float";
  case FT_INTEGER:
    return "integer";
  case FT_DATE:
    return "date";
  case FT_BOOL:
    return "boolean";
  default:
    return "text";
  }
}

/* The MU index (1-based) of unit u, adding it; 0 when the table is
** full. */
static int unit_index(struct odm_out *o, const char *u) {
  int i;
  for (i = 0; i < o->n_units; i++) {
    if (strcmp(o->units[i], u) == 0) {
      return i + 1;
    }
  }
  if (o->n_units == ODM_MAX_UNITS) {
    return 0;
  }
  o->units[o->n_units++] = u;
  return o->n_units;
}

/* Collect the units of form f (and its lists). */
static void collect_units(struct odm_out *o, const struct form_spec *f) {
  int i;
  for (i = 0; i < f->n_fields; i++) {
    if (f->fields[i].unit != NULL) {
      (void)unit_index(o, f->fields[i].unit);
    }
    if (f->fields[i].type == FT_ARRAY && f->fields[i].items != NULL) {
      collect_units(o, f->fields[i].items);
    }
  }
}

/* ItemRefs of the plain fields of f under prefix ("screening" or
** "screening.child_pugh"). */
static void item_refs(FILE *fp, const struct form_spec *f, const char *prefix) {
  int i, order = 1;
  for (i = 0; i < f->n_fields; i++) {
    if (f->fields[i].type == FT_ARRAY) {
      continue;
    }
    fprintf(fp,
            "      <ItemRef ItemOID=\"I.%s.%s\" OrderNumber=\"%d\" "
            "Mandatory=\"%s\"/>\n",
            prefix, f->fields[i].name, order++,
            f->fields[i].is_required ? "Yes" : "No");
  }
}

/* ItemDefs (and then, separately, CodeLists) of the plain fields of f. */
static void item_defs(struct odm_out *o, const struct form_spec *f,
                      const char *prefix) {
  FILE *fp = o->fp;
  int i;
  for (i = 0; i < f->n_fields; i++) {
    const struct field_spec *fs = &f->fields[i];
    if (fs->type == FT_ARRAY) {
      continue;
    }
    fprintf(fp, "    <ItemDef OID=\"I.%s.%s\" Name=\"%s\" DataType=\"%s\"",
            prefix, fs->name, fs->name, odm_type(fs->type));
    if (fs->type == FT_TEXT && fs->max_len > 0) {
      fprintf(fp, " Length=\"%zu\"", fs->max_len);
    } else if (fs->type == FT_DATE) {
      fputs(" Length=\"10\"", fp);
    }
    fputs(">\n", fp);
    xml_description(fp, 6, "Description", fs->label ? fs->label : fs->name);
    if (fs->unit != NULL) {
      fprintf(fp,
              "      <MeasurementUnitRef MeasurementUnitOID=\"MU.%d\"/>"
              "\n",
              unit_index(o, fs->unit));
    }
    if (fs->type == FT_ENUM) {
      fprintf(fp, "      <CodeListRef CodeListOID=\"CL.%s.%s\"/>\n", prefix,
              fs->name);
    }
    fputs("    </ItemDef>\n", fp);
  }
}

static void code_lists(FILE *fp, const struct form_spec *f,
                       const char *prefix) {
  int i, k;
  for (i = 0; i < f->n_fields; i++) {
    const struct field_spec *fs = &f->fields[i];
    if (fs->type != FT_ENUM || fs->values == NULL) {
      continue;
    }
    fprintf(fp,
            "    <CodeList OID=\"CL.%s.%s\" Name=\"%s.%s\" "
            "DataType=\"text\">\n",
            prefix, fs->name, prefix, fs->name);
    for (k = 0; fs->values[k] != NULL; k++) {
      fputs("      <CodeListItem", fp);
      xml_attr(fp, "CodedValue", fs->values[k]);
      fputs(">", fp);
      fputs("<Decode><TranslatedText xml:lang=\"en\">", fp);
      xml_esc(fp, fs->values[k]);
      fputs("</TranslatedText></Decode></CodeListItem>\n", fp);
    }
    fputs("    </CodeList>\n", fp);
  }
}

/* The Study element: GlobalVariables, BasicDefinitions, MetaDataVersion
** and the hccstudy:Study row (with the protocol in force). */
static void write_study(struct odm_out *o, const json_t *study) {
  FILE *fp = o->fp;
  const char *sid = o->src->study_id;
  const char *nct = json_string_value(json_object_get(study, "nct_id"));
  int i, j;
  for (i = 0; i < form_n_all; i++) {
    collect_units(o, form_all[i]);
  }
  fputs("  <Study", fp);
  xml_attr(fp, "OID", sid);
  fputs(">\n    <GlobalVariables>\n", fp);
  xml_elem(fp, 6, "StudyName", sid);
  xml_elem(fp, 6, "StudyDescription",
           "TACE vs HAIC, each with a PD-1 "
           "inhibitor and lenvatinib, in unresectable hepatocellular "
           "carcinoma");
  xml_elem(fp, 6, "ProtocolName", nct);
  fputs("    </GlobalVariables>\n    <BasicDefinitions>\n", fp);
  for (i = 0; i < o->n_units; i++) {
    fprintf(fp, "      <MeasurementUnit OID=\"MU.%d\"", i + 1);
    xml_attr(fp, "Name", o->units[i]);
    fputs(">\n", fp);
    xml_description(fp, 8, "Symbol", o->units[i]);
    fputs("      </MeasurementUnit>\n", fp);
  }
  fputs("    </BasicDefinitions>\n", fp);
  fputs("    <MetaDataVersion OID=\"MDV.1\"", fp);
  xml_attr(fp, "Name", "hccstudy data dictionary");
  fputs(">\n      <Protocol>\n", fp);
  for (i = 0; i < form_n_all; i++) {
    fprintf(fp,
            "        <StudyEventRef StudyEventOID=\"SE.%s\" "
            "OrderNumber=\"%d\" Mandatory=\"No\"/>\n",
            form_all[i]->kind, i + 1);
  }
  fputs("      </Protocol>\n", fp);
  for (i = 0; i < form_n_all; i++) {
    const struct form_spec *f = form_all[i];
    fprintf(fp,
            "    <StudyEventDef OID=\"SE.%s\" Name=\"%s\" "
            "Repeating=\"%s\" Type=\"%s\">\n",
            f->kind, f->kind, f->is_repeating ? "Yes" : "No",
            f->is_repeating ? "Unscheduled" : "Scheduled");
    fprintf(fp, "      <FormRef FormOID=\"F.%s\" Mandatory=\"Yes\"/>\n",
            f->kind);
    fputs("    </StudyEventDef>\n", fp);
  }
  for (i = 0; i < form_n_all; i++) {
    const struct form_spec *f = form_all[i];
    fprintf(fp, "    <FormDef OID=\"F.%s\"", f->kind);
    xml_attr(fp, "Name", f->title);
    fprintf(fp, " Repeating=\"%s\">\n", f->is_repeating ? "Yes" : "No");
    fprintf(fp,
            "      <ItemGroupRef ItemGroupOID=\"IG.%s\" Mandatory="
            "\"Yes\"/>\n",
            f->kind);
    for (j = 0; j < f->n_fields; j++) {
      if (f->fields[j].type == FT_ARRAY) {
        fprintf(fp,
                "      <ItemGroupRef ItemGroupOID=\"IG.%s.%s\" "
                "Mandatory=\"No\"/>\n",
                f->kind, f->fields[j].name);
      }
    }
    fputs("    </FormDef>\n", fp);
  }
  for (i = 0; i < form_n_all; i++) {
    const struct form_spec *f = form_all[i];
    fprintf(fp,
            "    <ItemGroupDef OID=\"IG.%s\" Name=\"%s\" "
            "Repeating=\"No\">\n",
            f->kind, f->kind);
    item_refs(fp, f, f->kind);
    fputs("    </ItemGroupDef>\n", fp);
    for (j = 0; j < f->n_fields; j++) {
      const struct field_spec *fs = &f->fields[j];
      char prefix[128];
      if (fs->type != FT_ARRAY || fs->items == NULL) {
        continue;
      }
      snprintf(prefix, sizeof(prefix), "%s.%s", f->kind, fs->name);
      fprintf(fp,
              "    <ItemGroupDef OID=\"IG.%s\" Name=\"%s\" "
              "Repeating=\"%s\">\n",
              prefix, prefix, fs->max_len > 0 ? "Yes" : "No");
      item_refs(fp, fs->items, prefix);
      fputs("    </ItemGroupDef>\n", fp);
    }
  }
  for (i = 0; i < form_n_all; i++) {
    const struct form_spec *f = form_all[i];
    item_defs(o, f, f->kind);
    for (j = 0; j < f->n_fields; j++) {
      char prefix[128];
      if (f->fields[j].type != FT_ARRAY || f->fields[j].items == NULL) {
        continue;
      }
      snprintf(prefix, sizeof(prefix), "%s.%s", f->kind, f->fields[j].name);
      item_defs(o, f->fields[j].items, prefix);
    }
  }
  for (i = 0; i < form_n_all; i++) {
    const struct form_spec *f = form_all[i];
    code_lists(fp, f, f->kind);
    for (j = 0; j < f->n_fields; j++) {
      char prefix[128];
      if (f->fields[j].type != FT_ARRAY || f->fields[j].items == NULL) {
        continue;
      }
      snprintf(prefix, sizeof(prefix), "%s.%s", f->kind, f->fields[j].name);
      code_lists(fp, f->fields[j].items, prefix);
    }
  }
  fputs("    </MetaDataVersion>\n", fp);
  fputs("    <hccstudy:Study", fp);
  xml_attr(fp, "NCTID", nct);
  xml_attr(fp, "StudyID",
           json_string_value(json_object_get(study, "study_id")));
  xml_attr_i(fp, "Locked",
             json_integer_value(json_object_get(study, "is_locked")));
  xml_attr(fp, "Created",
           json_string_value(json_object_get(study, "created_utc")));
  xml_attr_i(fp, "Version",
             json_integer_value(json_object_get(study, "version")));
  fputs(">", fp);
  /* Valid JSON text, which escapes every control character. */
  xml_esc(fp, json_string_value(json_object_get(study, "protocol_json")));
  fputs("</hccstudy:Study>\n  </Study>\n", fp);
}

/* AdminData: the accounts (and "system"), the sites (and the study-wide
** location), the signature definition. */
static void write_admin(struct odm_out *o, const json_t *admin) {
  FILE *fp = o->fp;
  json_t *x;
  size_t i;
  fputs("  <AdminData>\n", fp);
  json_array_foreach(json_object_get(admin, "users"), i, x) {
    const char *name = json_string_value(json_object_get(x, "username"));
    const char *site = json_string_value(json_object_get(x, "site"));
    fprintf(fp, "    <User");
    fputs(" OID=\"USR.", fp);
    xml_esc(fp, name);
    fputc('"', fp);
    xml_attr_i(fp, "hccstudy:ID", json_integer_value(json_object_get(x, "id")));
    xml_attr(fp, "hccstudy:Role",
             json_string_value(json_object_get(x, "role")));
    xml_attr_i(fp, "hccstudy:Active",
               json_integer_value(json_object_get(x, "is_active")));
    xml_attr(fp, "hccstudy:Created",
             json_string_value(json_object_get(x, "created_utc")));
    xml_attr_i(fp, "hccstudy:Version",
               json_integer_value(json_object_get(x, "version")));
    fputs(">\n", fp);
    xml_elem(fp, 6, "LoginName", name);
    if (site != NULL) {
      fputs("      <LocationRef LocationOID=\"LOC.", fp);
      xml_esc(fp, site);
      fputs("\"/>\n", fp);
    }
    fputs("    </User>\n", fp);
    json_object_set_new(o->users, name, json_true());
  }
  fputs("    <User OID=\"USR.system\" hccstudy:System=\"Yes\">\n", fp);
  xml_elem(fp, 6, "LoginName", "system");
  fputs("    </User>\n", fp);
  json_array_foreach(json_object_get(admin, "sites"), i, x) {
    const char *code = json_string_value(json_object_get(x, "code"));
    fputs("    <Location OID=\"LOC.", fp);
    xml_esc(fp, code);
    fputc('"', fp);
    xml_attr(fp, "Name", json_string_value(json_object_get(x, "name")));
    fputs(" LocationType=\"Site\"", fp);
    xml_attr_i(fp, "hccstudy:ID", json_integer_value(json_object_get(x, "id")));
    xml_attr(fp, "hccstudy:Code", code);
    xml_attr(fp, "hccstudy:Created",
             json_string_value(json_object_get(x, "created_utc")));
    xml_attr_i(fp, "hccstudy:Version",
               json_integer_value(json_object_get(x, "version")));
    fputs(">\n      <MetaDataVersionRef", fp);
    xml_attr(fp, "StudyOID", o->src->study_id);
    fprintf(fp,
            " MetaDataVersionOID=\"MDV.1\" EffectiveDate=\"%.10s\"/>\n"
            "    </Location>\n",
            o->src->created_utc);
    json_object_set_new(o->sites, code, json_true());
  }
  fputs("    <Location OID=\"LOC.study\" Name=\"the study (no site)\" "
        "LocationType=\"Sponsor\" hccstudy:System=\"Yes\">\n      "
        "<MetaDataVersionRef",
        fp);
  xml_attr(fp, "StudyOID", o->src->study_id);
  fprintf(fp,
          " MetaDataVersionOID=\"MDV.1\" EffectiveDate=\"%.10s\"/>\n"
          "    </Location>\n",
          o->src->created_utc);
  fputs("    <SignatureDef OID=\"SD.casebook\" Methodology=\"Electronic\">\n"
        "      <Meaning>The investigator's review and approval of a "
        "casebook (the signature's own meaning is in "
        "hccstudy:Meaning)</Meaning>\n"
        "      <LegalReason>21 CFR 11.50: name, date and time, and meaning "
        "of the signature</LegalReason>\n"
        "    </SignatureDef>\n  </AdminData>\n",
        fp);
}

/* ---- clinical data ----------------------------------------------------- */

/* The field named key of form f, or NULL. */
static const struct field_spec *form_field(const struct form_spec *f,
                                           const char *key) {
  int i;
  for (i = 0; f != NULL && i < f->n_fields; i++) {
    if (strcmp(f->fields[i].name, key) == 0) {
      return &f->fields[i];
    }
  }
  return NULL;
}

/* ItemData for scalar v of item oid ("I.kind.field"). */
static void item_data(FILE *fp, const char *oid, const json_t *v) {
  fputs("          <ItemData", fp);
  xml_attr(fp, "ItemOID", oid);
  if (json_is_null(v)) {
    fputs(" IsNull=\"Yes\"", fp);
  } else if (json_is_string(v)) {
    xml_attr(fp, "Value", json_string_value(v));
  } else {
    char *t = jx_text(v);
    xml_attr(fp, "Value", t);
    xfree(t);
  }
  fputs("/>\n", fp);
}

/* The plain members of object obj (a form f under prefix) as ItemData;
** an undeclared member or a nested list is APP_EINTERNAL. */
static int item_datas(FILE *fp, const struct form_spec *f, const char *prefix,
                      json_t *obj, bool nested, struct err *e) {
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    const struct field_spec *fs = form_field(f, k);
    char oid[256];
    if (fs == NULL || (nested && fs->type == FT_ARRAY)) {
      return ERR_SET(e, APP_EINTERNAL,
                     "ODM: %s.%s is not in the data "
                     "dictionary",
                     prefix, k);
    }
    if (fs->type == FT_ARRAY) {
      continue;
    }
    if (json_is_object(v) || json_is_array(v)) {
      return ERR_SET(e, APP_EINTERNAL,
                     "ODM: %s.%s holds a list where the "
                     "dictionary has a value",
                     prefix, k);
    }
    snprintf(oid, sizeof(oid), "I.%s.%s", prefix, k);
    item_data(fp, oid, v);
  }
  return APP_OK;
}

/* One record as StudyEventData/FormData. */
static int write_record(struct odm_out *o, const json_t *r, const json_t *times,
                        struct err *e) {
  FILE *fp = o->fp;
  const char *kind = json_string_value(json_object_get(r, "kind"));
  const struct form_spec *f = form_find(kind ? kind : "");
  json_t *data = json_object_get(r, "data");
  json_int_t id = json_integer_value(json_object_get(r, "id"));
  const char *k;
  json_t *v;
  char idtext[32];
  struct buf keys;
  int rc;
  if (f == NULL || !json_is_object(data)) {
    return ERR_SET(e, APP_EINTERNAL,
                   "ODM: record %" JSON_INTEGER_FORMAT
                   " has an unknown kind or no data",
                   id);
  }
  snprintf(idtext, sizeof(idtext), "%" JSON_INTEGER_FORMAT, id);
  buf_init(&keys, 0);
  json_object_foreach(data, k, v) {
    buf_puts(&keys, keys.len ? " " : "");
    buf_puts(&keys, k);
  }
  fprintf(fp,
          "      <StudyEventData StudyEventOID=\"SE.%s\" "
          "StudyEventRepeatKey=\"%s\">\n        <FormData FormOID=\"F.%s\"",
          kind, idtext, kind);
  xml_attr(fp, "hccstudy:RecordID", idtext);
  xml_attr_i(fp, "hccstudy:Version",
             json_integer_value(json_object_get(r, "version")));
  xml_attr(
      fp, "hccstudy:Created",
      json_string_value(json_array_get(json_object_get(times, idtext), 0)));
  xml_attr(
      fp, "hccstudy:Updated",
      json_string_value(json_array_get(json_object_get(times, idtext), 1)));
  xml_attr(fp, "hccstudy:Keys", buf_str(&keys));
  buf_reset(&keys);
  fprintf(fp, ">\n          <ItemGroupData ItemGroupOID=\"IG.%s\">\n", kind);
  rc = item_datas(fp, f, kind, data, false, e);
  fputs("          </ItemGroupData>\n", fp);
  json_object_foreach(data, k, v) {
    const struct field_spec *fs = form_field(f, k);
    char prefix[160];
    size_t i;
    json_t *it;
    if (rc != APP_OK || fs == NULL || fs->type != FT_ARRAY) {
      continue;
    }
    snprintf(prefix, sizeof(prefix), "%s.%s", kind, k);
    if (json_is_object(v)) {
      fprintf(fp,
              "          <ItemGroupData ItemGroupOID=\"IG.%s\" "
              "hccstudy:Object=\"Yes\">\n",
              prefix);
      rc = item_datas(fp, fs->items, prefix, v, true, e);
      fputs("          </ItemGroupData>\n", fp);
      continue;
    }
    if (!json_is_array(v)) {
      rc = ERR_SET(e, APP_EINTERNAL,
                   "ODM: %s is neither a list nor an "
                   "object",
                   prefix);
      break;
    }
    json_array_foreach(v, i, it) {
      if (!json_is_object(it)) {
        rc = ERR_SET(e, APP_EINTERNAL, "ODM: %s[%zu] is not an object", prefix,
                     i);
        break;
      }
      fprintf(fp,
              "          <ItemGroupData ItemGroupOID=\"IG.%s\" "
              "ItemGroupRepeatKey=\"%zu\">\n",
              prefix, i + 1);
      rc = item_datas(fp, fs->items, prefix, it, true, e);
      fputs("          </ItemGroupData>\n", fp);
      if (rc != APP_OK) {
        break;
      }
    }
  }
  fputs("        </FormData>\n      </StudyEventData>\n", fp);
  return rc;
}

/* UserRef/LocationRef OIDs for an actor and a site (declared ones, else
** USR.system and LOC.study). */
static void user_ref(struct odm_out *o, int indent, const char *user) {
  fprintf(o->fp, "%*s<UserRef UserOID=\"USR.", indent, "");
  xml_esc(o->fp, user && json_object_get(o->users, user) ? user : "system");
  fputs("\"/>\n", o->fp);
}

static void location_ref(struct odm_out *o, int indent, const char *site) {
  fprintf(o->fp, "%*s<LocationRef LocationOID=\"LOC.", indent, "");
  xml_esc(o->fp, site && json_object_get(o->sites, site) ? site : "study");
  fputs("\"/>\n", o->fp);
}

/* One casebook as SubjectData. */
static int write_subject(void *ctx, const json_t *cb, struct err *e) {
  struct odm_out *o = ctx;
  FILE *fp = o->fp;
  const json_t *pt = json_object_get(cb, "patient");
  const char *code = json_string_value(json_object_get(pt, "code"));
  const char *site = json_string_value(json_object_get(pt, "site"));
  const json_t *sigs = json_object_get(cb, "signatures");
  const json_t *last = NULL;
  json_t *extra = NULL, *x, *sig_extra;
  size_t i;
  /* A freeze's rows as they were frozen, so that its file is the same
  ** whenever it is written; the live ones otherwise. */
  int rc = o->src->freeze_id != 0
               ? store_freeze_extra(o->src->db, o->src->a, o->src->freeze_id,
                                    code ? code : "", &extra, e)
               : store_odm_patient_extra(o->src->db, code ? code : "",
                                         &extra, e);
  if (rc != APP_OK) {
    return rc;
  }
  fputs("    <SubjectData", fp);
  xml_attr(fp, "SubjectKey", code);
  xml_attr_i(fp, "hccstudy:ID",
             json_integer_value(json_object_get(extra, "id")));
  xml_attr(fp, "hccstudy:Status",
           json_string_value(json_object_get(pt, "status")));
  xml_attr(fp, "hccstudy:Cohort",
           json_string_value(json_object_get(pt, "cohort")));
  xml_attr_i(fp, "hccstudy:Locked",
             json_is_true(json_object_get(pt, "locked")));
  xml_attr_i(fp, "hccstudy:Version",
             json_integer_value(json_object_get(pt, "version")));
  xml_attr(fp, "hccstudy:Created",
           json_string_value(json_object_get(extra, "created_utc")));
  fputs(">\n", fp);
  json_array_foreach(sigs, i, x) {
    if (json_is_true(json_object_get(x, "valid"))) {
      last = x;
    }
  }
  if (last != NULL) {
    fputs("      <Signature>\n", fp);
    user_ref(o, 8, json_string_value(json_object_get(last, "signed_by")));
    location_ref(o, 8, site);
    fputs("        <SignatureRef SignatureOID=\"SD.casebook\"/>\n", fp);
    xml_elem(fp, 8, "DateTimeStamp",
             json_string_value(json_object_get(last, "signed_utc")));
    fputs("      </Signature>\n", fp);
  }
  fputs("      <SiteRef LocationOID=\"LOC.", fp);
  xml_esc(fp, site ? site : "");
  fputs("\"/>\n", fp);
  json_array_foreach(json_object_get(cb, "records"), i, x) {
    rc = write_record(o, x, json_object_get(extra, "records"), e);
    if (rc != APP_OK) {
      break;
    }
  }
  if (rc == APP_OK && json_is_object(json_object_get(cb, "derived"))) {
    char *t = jx_text(json_object_get(cb, "derived"));
    fputs("      <hccstudy:Derived", fp);
    xml_attr(fp, "Updated",
             json_string_value(json_object_get(extra, "derived_utc")));
    fputs(">", fp);
    xml_esc(fp, t);
    fputs("</hccstudy:Derived>\n", fp);
    xfree(t);
  }
  sig_extra = json_object_get(extra, "signatures");
  json_array_foreach(rc == APP_OK ? sigs : NULL, i, x) {
    json_t *g = json_array_get(sig_extra, i);
    fputs("      <hccstudy:Signature", fp);
    xml_attr_i(fp, "ID", json_integer_value(json_object_get(g, "id")));
    xml_attr(fp, "SignedBy",
             json_string_value(json_object_get(x, "signed_by")));
    xml_attr(fp, "Role", json_string_value(json_object_get(x, "role")));
    xml_attr(fp, "Meaning", json_string_value(json_object_get(x, "meaning")));
    xml_attr(fp, "ContentSHA256",
             json_string_value(json_object_get(x, "content_sha256")));
    xml_attr(fp, "Signed", json_string_value(json_object_get(x, "signed_utc")));
    xml_attr(fp, "Valid",
             json_is_true(json_object_get(x, "valid")) ? "Yes" : "No");
    xml_attr(fp, "Voided", json_string_value(json_object_get(g, "voided_utc")));
    fputs("/>\n", fp);
  }
  json_array_foreach(rc == APP_OK ? json_object_get(cb, "sdv") : NULL, i, x) {
    fputs("      <hccstudy:SDV", fp);
    xml_attr_i(fp, "RecordID",
               json_integer_value(json_object_get(x, "record_id")));
    xml_attr_i(fp, "RecordVersion",
               json_integer_value(json_object_get(x, "version")));
    xml_attr(fp, "VerifiedBy",
             json_string_value(json_object_get(x, "verified_by")));
    xml_attr(fp, "Verified",
             json_string_value(json_object_get(x, "verified_utc")));
    fputs("/>\n", fp);
  }
  json_array_foreach(rc == APP_OK ? json_object_get(extra, "queries") : NULL, i,
                     x) {
    static const char *const cols[] = {
        "field",        "check_id",  "status",     "text",
        "answer",       "raised_by", "raised_utc", "answered_by",
        "answered_utc", "closed_by", "closed_utc"};
    size_t c, k;
    json_t *rid = json_object_get(x, "record_id"), *r;
    bool in_file = !json_is_integer(rid);
    /* A query on a record the file does not hold (deleted, or newer than
    ** a freeze) is left out: its import would name a missing record. */
    json_array_foreach(json_object_get(cb, "records"), k, r) {
      in_file = in_file || json_integer_value(json_object_get(r, "id")) ==
                               json_integer_value(rid);
    }
    if (!in_file) {
      continue;
    }
    fputs("      <hccstudy:Query", fp);
    xml_attr_i(fp, "id", json_integer_value(json_object_get(x, "id")));
    if (json_is_integer(rid)) {
      xml_attr_i(fp, "record_id", json_integer_value(rid));
    }
    for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
      xml_attr(fp, cols[c], json_string_value(json_object_get(x, cols[c])));
    }
    xml_attr_i(fp, "version",
               json_integer_value(json_object_get(x, "version")));
    fputs("/>\n", fp);
  }
  fputs("    </SubjectData>\n", fp);
  json_decref(extra);
  if (rc == APP_OK && ferror(fp)) {
    rc = ERR_SET(e, APP_EIO, "ODM: writing the file failed");
  }
  return rc;
}

/* Names of the audit row's text fields as hccstudy:Entry attributes. */
static const char *const odm_audit_attr[ODM_AUDIT_N_FIELDS] = {
    "TS",       "Actor", "Role",     "Site",     "Action", "Entity",
    "EntityID", "Field", "OldValue", "NewValue", "Reason"};

/* One audit row as an AuditRecord. */
static int write_audit(void *ctx, const struct odm_audit_row *r,
                       struct err *e) {
  struct odm_out *o = ctx;
  FILE *fp = o->fp;
  int i;
  fprintf(fp, "      <AuditRecord ID=\"AR.%" PRId64 "\">\n", r->seq);
  user_ref(o, 8, r->f[1]);
  location_ref(o, 8, r->f[3]);
  xml_elem(fp, 8, "DateTimeStamp", r->f[0]);
  if (r->f[10] != NULL && xml_ok(r->f[10])) {
    xml_elem(fp, 8, "ReasonForChange", r->f[10]);
  }
  fprintf(fp,
          "        <SourceID>hccstudy audit entry %" PRId64
          "</SourceID>\n        <hccstudy:Entry",
          r->seq);
  xml_attr_i(fp, "Seq", r->seq);
  for (i = 0; i < ODM_AUDIT_N_FIELDS; i++) {
    xml_attr(fp, odm_audit_attr[i], r->f[i]);
  }
  xml_attr(fp, "PrevHash", r->prev_hash);
  xml_attr(fp, "Hash", r->hash);
  fputs("/>\n      </AuditRecord>\n", fp);
  o->n_audit++;
  if (ferror(fp)) {
    return ERR_SET(e, APP_EIO, "ODM: writing the file failed");
  }
  return APP_OK;
}

int odm_export(const struct frame_source *src, FILE *fp, struct err *e) {
  struct odm_out o;
  json_t *admin = NULL;
  bool with_audit = access_may(src->a, ACCESS_AUDIT_LOG);
  const char *scope =
      access_role_site_scoped(src->a->role) ? src->a->site_code : NULL;
  int rc;
  memset(&o, 0, sizeof(o));
  o.fp = fp;
  o.src = src;
  rc = src->freeze_id != 0
           ? store_freeze_admin(src->db, src->a, src->freeze_id, &admin, e)
           : store_odm_admin(src->db, &admin, e);
  if (rc != APP_OK) {
    return rc;
  }
  o.users = json_object();
  o.sites = json_object();
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
  fputs("<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" "
        "xmlns:hccstudy=\"" ODM_NS_HCC "\"\n     ODMVersion=\"1.3.2\" "
        "FileType=\"Snapshot\" Granularity=\"All\"",
        fp);
  fprintf(fp, " FileOID=\"hccstudy.");
  xml_esc(fp, src->study_id);
  fprintf(fp, ".A%" PRId64 "%s%s\"", src->audit_seq, scope ? "." : "",
          scope ? scope : "");
  xml_attr(fp, "CreationDateTime", src->created_utc);
  fputs("\n     SourceSystem=\"hccstudy\" SourceSystemVersion=\"0.1.0\"", fp);
  xml_attr_i(fp, "hccstudy:FreezeID", src->freeze_id);
  xml_attr_i(fp, "hccstudy:AuditSeq", src->audit_seq);
  xml_attr(fp, "hccstudy:ChainHash", src->chain_hash);
  xml_attr(fp, "hccstudy:AuditTrail",
           !with_audit ? "none"
           : scope     ? "site"
                       : "complete");
  xml_attr(fp, "hccstudy:SiteScope", scope);
  fputs(">\n", fp);
  write_study(&o, json_object_get(admin, "study"));
  write_admin(&o, admin);
  fputs("  <ClinicalData", fp);
  xml_attr(fp, "StudyOID", src->study_id);
  fputs(" MetaDataVersionOID=\"MDV.1\">\n", fp);
  rc = frame_casebooks(src, write_subject, &o, e);
  if (rc == APP_OK && with_audit) {
    fputs("    <AuditRecords>\n", fp);
    rc = store_odm_audit_walk(src->db, src->a, src->audit_seq, write_audit, &o,
                              e);
    fputs("    </AuditRecords>\n", fp);
  }
  fputs("  </ClinicalData>\n</ODM>\n", fp);
  json_decref(admin);
  json_decref(o.users);
  json_decref(o.sites);
  if (rc == APP_OK && (fflush(fp) != 0 || ferror(fp))) {
    rc = ERR_SET(e, APP_EIO, "ODM: writing the file failed");
  }
  return rc;
}
