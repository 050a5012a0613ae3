/*
** odm_read.c: reading an ODM 1.3.2 file back into an empty study
** (odm_import in odm.h; docs/odm.md).
**
** The file is read with libxml2's xmlTextReader, a streaming parser: the
** administrative elements are small, and each SubjectData and AuditRecord
** is expanded on its own (xmlTextReaderExpand) and dropped once stored, so
** memory holds one patient, whatever the study's size.  The parser never
** fetches anything from the network (XML_PARSE_NONET), does not
** substitute entities, loads no DTD, and a file with a DOCTYPE is refused
** outright: no XXE, no entity expansion.
**
** Every OID the ClinicalData uses must be declared in the file's
** MetaDataVersion (and be one this build's data dictionary knows), every
** UserRef and LocationRef in its AdminData.  All writes go through
** store/odm_store.h in one transaction: the first problem stops the
** import and nothing stays written.
*/
#include "odm.h"

#include "../core/mem.h"
#include "../store/odm_store.h"
#include "../store/store.h"
#include "../study/forms.h"

#include <inttypes.h>
#include <libxml/xmlreader.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The ODM 1.3 namespace. */
#define ODM_NS "http://www.cdisc.org/ns/odm/v1.3"

/* The reader's state. */
struct odm_in {
  struct db *db;
  xmlTextReaderPtr rd;
  const char *username; /* the importer */
  const char *password; /* its new password */
  json_t *oids;         /* declared metadata OID -> DataType ("" if none) */
  json_t *user_oids;    /* declared User OID -> true */
  json_t *loc_code;     /* declared Location OID -> site code ("" none) */
  json_t *users;        /* buffered accounts, inserted after the sites */
  json_t *sites;        /* buffered sites */
  bool admin_done;      /* AdminData stored */
  bool has_study;       /* hccstudy:Study stored */
  int64_t audit_seq;    /* the root's hccstudy:AuditSeq */
  char chain_hash[65];  /* the root's hccstudy:ChainHash */
  char created_utc[32]; /* CreationDateTime */
  char file_oid[128];   /* FileOID */
  char xml_error[200];  /* the parser's first error */
  int xml_error_line;
  struct actor importer;
  struct odm_import_report *rep;
};

/* ---- small helpers ----------------------------------------------------- */

/* Is node n an element named name in namespace ns? */
static bool is_el(const xmlNode *n, const char *ns, const char *name) {
  return n != NULL && n->type == XML_ELEMENT_NODE &&
         strcmp((const char *)n->name, name) == 0 && n->ns != NULL &&
         strcmp((const char *)n->ns->href, ns) == 0;
}

/* Attribute name (no namespace, or the hccstudy namespace when hcc) of n:
** a copy the caller frees with xmlFree, or NULL. */
static char *attr(const xmlNode *n, const char *name, bool hcc) {
  return (char *)(hcc ? xmlGetNsProp(n, (const xmlChar *)name,
                                     (const xmlChar *)ODM_NS_HCC)
                      : xmlGetNoNsProp(n, (const xmlChar *)name));
}

/* Attribute as a JSON string (null when absent); nameB64 is decoded. */
static json_t *attr_json(const xmlNode *n, const char *name, bool hcc,
                         bool *bad) {
  char *v = attr(n, name, hcc);
  json_t *out;
  if (v == NULL) {
    char b64name[64];
    snprintf(b64name, sizeof(b64name), "%sB64", name);
    v = attr(n, b64name, hcc);
    if (v != NULL) {
      size_t cap = strlen(v) + 1, len = 0;
      unsigned char *bin = xmalloc(cap);
      if (sodium_base642bin(bin, cap, v, strlen(v), NULL, &len, NULL,
                            sodium_base64_VARIANT_ORIGINAL) != 0) {
        *bad = true;
        len = 0;
      }
      bin[len] = '\0';
      xmlFree(v);
      /* A stored value that is not UTF-8 cannot be a JSON string: such
      ** rows are refused (hccstudy writes UTF-8 only). */
      out = json_stringn((const char *)bin, len);
      xfree(bin);
      if (out == NULL) {
        *bad = true;
        return json_null();
      }
      return out;
    }
    return json_null();
  }
  out = json_string(v);
  xmlFree(v);
  if (out == NULL) {
    *bad = true;
    return json_null();
  }
  return out;
}

/* Attribute as an integer into *out; false when absent or not one. */
static bool attr_int(const xmlNode *n, const char *name, bool hcc,
                     int64_t *out) {
  char *v = attr(n, name, hcc);
  char *end = NULL;
  long long x;
  if (v == NULL) {
    return false;
  }
  x = strtoll(v, &end, 10);
  if (end == v || *end != '\0') {
    xmlFree(v);
    return false;
  }
  xmlFree(v);
  *out = x;
  return true;
}

/* Text content of the first child element name of n (copy, xmlFree). */
static char *child_text(const xmlNode *n, const char *name) {
  const xmlNode *c;
  for (c = n->children; c != NULL; c = c->next) {
    if (is_el(c, ODM_NS, name)) {
      return (char *)xmlNodeGetContent(c);
    }
  }
  return NULL;
}

/* An attribute-based OID reference of the first child element name of n
** (copy, xmlFree), or NULL. */
static char *child_ref(const xmlNode *n, const char *name,
                       const char *ref_attr) {
  const xmlNode *c;
  for (c = n->children; c != NULL; c = c->next) {
    if (is_el(c, ODM_NS, name)) {
      return attr(c, ref_attr, false);
    }
  }
  return NULL;
}

/* Refuse: APP_EINVAL naming the element and its line. */
static int bad(struct err *e, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(struct err *e, const xmlNode *n, const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  return ERR_FIELD(e, APP_EINVAL, "--input", "--input: line %ld: <%s>: %s",
                   n ? xmlGetLineNo(n) : 0L, n ? (const char *)n->name : "?",
                   msg);
}

/* ---- metadata ---------------------------------------------------------- */

/* Is oid one this build's data dictionary defines (SE./F./IG./I./CL.
** with a known kind and fields)? */
static bool oid_known(const char *oid) {
  char buf[256], *parts[5];
  int n = 0;
  char *p;
  const struct form_spec *f;
  const struct field_spec *fs = NULL;
  int i;
  snprintf(buf, sizeof(buf), "%s", oid);
  for (p = buf; n < 5;) {
    parts[n++] = p;
    p = strchr(p, '.');
    if (p == NULL) {
      break;
    }
    *p++ = '\0';
  }
  if (n < 2 || n > 4) {
    return false;
  }
  f = form_find(parts[1]);
  if (f == NULL) {
    return false;
  }
  if (n == 2) {
    return strcmp(parts[0], "SE") == 0 || strcmp(parts[0], "F") == 0 ||
           strcmp(parts[0], "IG") == 0;
  }
  for (i = 0; i < f->n_fields; i++) {
    if (strcmp(f->fields[i].name, parts[2]) == 0) {
      fs = &f->fields[i];
    }
  }
  if (fs == NULL) {
    return false;
  }
  if (n == 3) {
    return ((strcmp(parts[0], "I") == 0 || strcmp(parts[0], "CL") == 0) &&
            fs->type != FT_ARRAY) ||
           (strcmp(parts[0], "IG") == 0 && fs->type == FT_ARRAY);
  }
  if (fs->type != FT_ARRAY || fs->items == NULL ||
      (strcmp(parts[0], "I") != 0 && strcmp(parts[0], "CL") != 0)) {
    return false;
  }
  for (i = 0; i < fs->items->n_fields; i++) {
    if (strcmp(fs->items->fields[i].name, parts[3]) == 0) {
      return fs->items->fields[i].type != FT_ARRAY;
    }
  }
  return false;
}

/* A metadata definition (StudyEventDef, FormDef, ItemGroupDef, ItemDef,
** CodeList, MeasurementUnit): record its OID. */
static int read_def(struct odm_in *in, const xmlNode *n, struct err *e) {
  char *oid = attr(n, "OID", false);
  char *type = attr(n, "DataType", false);
  int rc = APP_OK;
  if (oid == NULL) {
    rc = bad(e, n, "OID is missing");
  } else if (is_el(n, ODM_NS, "MeasurementUnit")) {
    /* Units are referenced by the metadata only, never by ClinicalData. */
  } else if (!oid_known(oid)) {
    rc = bad(e, n,
             "unknown OID \"%s\" (not in this hccstudy's data "
             "dictionary)",
             oid);
  } else {
    json_object_set_new(
        in->oids, oid,
        json_string(type && is_el(n, ODM_NS, "ItemDef") ? type : ""));
  }
  xmlFree(oid);
  xmlFree(type);
  return rc;
}

/* Is oid declared in the MetaDataVersion? */
static bool declared(const struct odm_in *in, const char *oid) {
  return oid != NULL && json_object_get(in->oids, oid) != NULL;
}

/* hccstudy:Study: the study row with the protocol text. */
static int read_study(struct odm_in *in, const xmlNode *n, struct err *e) {
  bool is_bad = false;
  int64_t locked = 0, version = 0;
  json_t *s;
  char *text;
  int rc;
  if (!attr_int(n, "Locked", false, &locked) ||
      !attr_int(n, "Version", false, &version)) {
    return bad(e, n, "Locked and Version must be integers");
  }
  text = (char *)xmlNodeGetContent(n);
  s = json_object();
  json_object_set_new(s, "nct_id", attr_json(n, "NCTID", false, &is_bad));
  json_object_set_new(s, "study_id", attr_json(n, "StudyID", false, &is_bad));
  json_object_set_new(s, "created_utc",
                      attr_json(n, "Created", false, &is_bad));
  json_object_set_new(s, "is_locked", json_integer(locked));
  json_object_set_new(s, "version", json_integer(version));
  json_object_set_new(s, "protocol_json",
                      text ? json_string(text) : json_null());
  xmlFree(text);
  if (is_bad || json_is_null(json_object_get(s, "protocol_json"))) {
    rc = bad(e, n, "an attribute or the protocol is not valid text");
  } else {
    rc = store_odm_import_study(in->db, s, e);
    in->has_study = rc == APP_OK;
  }
  json_decref(s);
  return rc;
}

/* ---- administrative data ----------------------------------------------- */

static int read_user(struct odm_in *in, const xmlNode *n, struct err *e) {
  char *oid = attr(n, "OID", false);
  char *sys = attr(n, "System", true);
  char *login = child_text(n, "LoginName");
  char *loc = child_ref(n, "LocationRef", "LocationOID");
  bool is_bad = false;
  int64_t id = 0, active = 0, version = 0;
  int rc = APP_OK;
  if (oid == NULL || login == NULL || strncmp(oid, "USR.", 4) != 0 ||
      strcmp(oid + 4, login) != 0) {
    rc = bad(e, n, "OID must be USR.<LoginName>");
  } else if (json_object_get(in->user_oids, oid) != NULL) {
    rc = bad(e, n, "%s is declared twice", oid);
  } else if (sys != NULL && strcmp(sys, "Yes") == 0) {
    json_object_set_new(in->user_oids, oid, json_true());
  } else if (!attr_int(n, "ID", true, &id) ||
             !attr_int(n, "Active", true, &active) ||
             !attr_int(n, "Version", true, &version)) {
    rc = bad(e, n, "hccstudy:ID, Active and Version must be integers");
  } else {
    json_t *u = json_object();
    json_object_set_new(u, "id", json_integer(id));
    json_object_set_new(u, "username", json_string(login));
    json_object_set_new(u, "role", attr_json(n, "Role", true, &is_bad));
    json_object_set_new(u, "is_active", json_integer(active));
    json_object_set_new(u, "version", json_integer(version));
    json_object_set_new(u, "created_utc",
                        attr_json(n, "Created", true, &is_bad));
    json_object_set_new(u, "location", loc ? json_string(loc) : json_null());
    json_object_set_new(u, "line", json_integer(xmlGetLineNo(n)));
    json_array_append_new(in->users, u);
    json_object_set_new(in->user_oids, oid, json_true());
    if (is_bad) {
      rc = bad(e, n, "an attribute is not valid text");
    }
  }
  xmlFree(oid);
  xmlFree(sys);
  xmlFree(login);
  xmlFree(loc);
  return rc;
}

static int read_location(struct odm_in *in, const xmlNode *n, struct err *e) {
  char *oid = attr(n, "OID", false);
  char *sys = attr(n, "System", true);
  char *code = attr(n, "Code", true);
  bool is_bad = false;
  int64_t id = 0, version = 0;
  int rc = APP_OK;
  if (oid == NULL || strncmp(oid, "LOC.", 4) != 0) {
    rc = bad(e, n, "OID must be LOC.<site code>");
  } else if (json_object_get(in->loc_code, oid) != NULL) {
    rc = bad(e, n, "%s is declared twice", oid);
  } else if (sys != NULL && strcmp(sys, "Yes") == 0) {
    json_object_set_new(in->loc_code, oid, json_string(""));
  } else if (code == NULL || strcmp(oid + 4, code) != 0 ||
             !attr_int(n, "ID", true, &id) ||
             !attr_int(n, "Version", true, &version)) {
    rc = bad(e, n,
             "hccstudy:Code (the OID's code), ID and Version are "
             "required");
  } else {
    json_t *s = json_object();
    json_object_set_new(s, "id", json_integer(id));
    json_object_set_new(s, "code", json_string(code));
    json_object_set_new(s, "name", attr_json(n, "Name", false, &is_bad));
    json_object_set_new(s, "created_utc",
                        attr_json(n, "Created", true, &is_bad));
    json_object_set_new(s, "version", json_integer(version));
    json_array_append_new(in->sites, s);
    json_object_set_new(in->loc_code, oid, json_string(code));
    if (is_bad) {
      rc = bad(e, n, "an attribute is not valid text");
    }
  }
  xmlFree(oid);
  xmlFree(sys);
  xmlFree(code);
  return rc;
}

/* End of AdminData: the sites, then the accounts (the importer with its
** new password). */
static int admin_done(struct odm_in *in, struct err *e) {
  json_t *x;
  size_t i;
  bool found = false;
  int rc = APP_OK;
  if (!in->has_study) {
    return ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: no hccstudy:Study "
                     "element before AdminData (not an hccstudy ODM file)");
  }
  json_array_foreach(in->sites, i, x) {
    rc = store_odm_import_site(in->db, x, e);
    if (rc != APP_OK) {
      return rc;
    }
  }
  json_array_foreach(in->users, i, x) {
    const char *name = json_string_value(json_object_get(x, "username"));
    const char *role = json_string_value(json_object_get(x, "role"));
    const char *loc = json_string_value(json_object_get(x, "location"));
    json_t *code = loc ? json_object_get(in->loc_code, loc) : NULL;
    bool me = strcmp(name, in->username) == 0;
    if (loc != NULL && (code == NULL || json_string_value(code)[0] == 0)) {
      return ERR_FIELD(e, APP_EINVAL, "--input",
                       "--input: line %" JSON_INTEGER_FORMAT
                       ": <User> %s: LocationRef %s is "
                       "not a declared site",
                       json_integer_value(json_object_get(x, "line")), name,
                       loc);
    }
    json_object_set(x, "site", code ? code : json_null());
    if (me) {
      int r = role_parse(role);
      /* Restoring a whole study is a backup's restore: the roles with
      ** ACCESS_BACKUP (admin, data_manager) may do it. */
      if (r < 0 || !access_role_may((enum role)r, ACCESS_BACKUP) ||
          json_integer_value(json_object_get(x, "is_active")) != 1) {
        return ERR_FIELD(e, APP_EINVAL, "--user",
                         "--user: %s is not an "
                         "active admin or data_manager account of the file",
                         name);
      }
      found = true;
      memset(&in->importer, 0, sizeof(in->importer));
      in->importer.user_id = json_integer_value(json_object_get(x, "id"));
      snprintf(in->importer.username, sizeof(in->importer.username), "%s",
               name);
      in->importer.role = (enum role)r;
    }
    rc = store_odm_import_user(in->db, x, me ? in->password : NULL, e);
    if (rc != APP_OK) {
      return rc;
    }
  }
  if (!found) {
    return ERR_FIELD(e, APP_EINVAL, "--user",
                     "--user: %s is not an account "
                     "of the file's AdminData",
                     in->username);
  }
  in->admin_done = true;
  return APP_OK;
}

/* ---- clinical data ----------------------------------------------------- */

/* The JSON value of ItemData n for an item of ODM DataType type. */
static int item_value(const xmlNode *n, const char *type, json_t **out,
                      struct err *e) {
  char *isnull = attr(n, "IsNull", false);
  bool is_bad = false;
  json_t *v;
  *out = NULL;
  if (isnull != NULL && strcmp(isnull, "Yes") == 0) {
    xmlFree(isnull);
    *out = json_null();
    return APP_OK;
  }
  xmlFree(isnull);
  v = attr_json(n, "Value", false, &is_bad);
  if (is_bad || json_is_null(v)) {
    json_decref(v);
    return bad(e, n, "Value is missing or not valid text");
  }
  if (strcmp(type, "integer") == 0 || strcmp(type, "float") == 0) {
    json_error_t je;
    json_t *num = json_loads(json_string_value(v), JSON_DECODE_ANY, &je);
    if (!json_is_number(num) ||
        (strcmp(type, "integer") == 0 && !json_is_integer(num))) {
      json_decref(num);
      json_decref(v);
      return bad(e, n, "Value is not a number");
    }
    json_decref(v);
    *out = num;
  } else if (strcmp(type, "boolean") == 0) {
    const char *s = json_string_value(v);
    if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
      json_decref(v);
      return bad(e, n, "Value is not true or false");
    }
    *out = json_boolean(s[0] == 't');
    json_decref(v);
  } else {
    *out = v;
  }
  return APP_OK;
}

/* The ItemData of group g (OID ig: "IG.kind" or "IG.kind.field") into
** object obj. */
static int read_items(struct odm_in *in, const xmlNode *g, const char *ig,
                      json_t *obj, struct err *e) {
  const xmlNode *c;
  size_t plen = strlen(ig) - 3; /* "kind" or "kind.field" */
  for (c = g->children; c != NULL; c = c->next) {
    char *oid;
    json_t *v = NULL;
    int rc;
    if (c->type != XML_ELEMENT_NODE) {
      continue;
    }
    if (!is_el(c, ODM_NS, "ItemData")) {
      return bad(e, c, "unexpected element in ItemGroupData");
    }
    oid = attr(c, "ItemOID", false);
    if (!declared(in, oid) || strncmp(oid, "I.", 2) != 0 ||
        strncmp(oid + 2, ig + 3, plen) != 0 || oid[2 + plen] != '.' ||
        strchr(oid + 3 + plen, '.') != NULL) {
      rc = bad(e, c,
               "ItemOID \"%s\" is not declared in the "
               "MetaDataVersion for group %s",
               oid ? oid : "", ig);
      xmlFree(oid);
      return rc;
    }
    rc =
        item_value(c, json_string_value(json_object_get(in->oids, oid)), &v, e);
    if (rc == APP_OK && json_object_get(obj, oid + 3 + plen) != NULL) {
      rc = bad(e, c, "%s appears twice", oid);
    }
    if (rc == APP_OK) {
      json_object_set_new(obj, oid + 3 + plen, v);
    } else {
      json_decref(v);
    }
    xmlFree(oid);
    if (rc != APP_OK) {
      return rc;
    }
  }
  return APP_OK;
}

/* One StudyEventData/FormData as a record {id, kind, version,
** created_utc, updated_utc, data}. */
static int read_record(struct odm_in *in, const xmlNode *se, json_t *recs,
                       struct err *e) {
  char *seoid = attr(se, "StudyEventOID", false);
  const xmlNode *fd = NULL, *c;
  char *foid = NULL, *keys = NULL;
  json_t *flat = json_object(), *nested = json_object(), *data, *r;
  bool is_bad = false;
  int64_t id = 0, version = 0;
  int rc = APP_OK;
  for (c = se->children; c != NULL; c = c->next) {
    if (is_el(c, ODM_NS, "FormData")) {
      if (fd != NULL) {
        rc = bad(e, c, "one FormData per StudyEventData");
      }
      fd = c;
    }
  }
  if (rc == APP_OK &&
      (!declared(in, seoid) || strncmp(seoid, "SE.", 3) != 0 || fd == NULL)) {
    rc = bad(e, se, "StudyEventOID \"%s\" is not declared, or no FormData",
             seoid ? seoid : "");
  }
  if (rc == APP_OK) {
    foid = attr(fd, "FormOID", false);
    keys = attr(fd, "Keys", true);
    if (!declared(in, foid) || strncmp(foid, "F.", 2) != 0 ||
        strcmp(foid + 2, seoid + 3) != 0) {
      rc = bad(e, fd,
               "FormOID \"%s\" is not declared or not the event's "
               "form",
               foid ? foid : "");
    } else if (!attr_int(fd, "RecordID", true, &id) ||
               !attr_int(fd, "Version", true, &version)) {
      rc = bad(e, fd,
               "hccstudy:RecordID and hccstudy:Version are "
               "required");
    }
  }
  for (c = fd ? fd->children : NULL; rc == APP_OK && c != NULL; c = c->next) {
    char *ig, *obj;
    if (c->type != XML_ELEMENT_NODE) {
      continue;
    }
    if (!is_el(c, ODM_NS, "ItemGroupData")) {
      rc = bad(e, c, "unexpected element in FormData");
      break;
    }
    ig = attr(c, "ItemGroupOID", false);
    obj = attr(c, "Object", true);
    if (!declared(in, ig) || strncmp(ig, "IG.", 3) != 0 ||
        strncmp(ig + 3, foid + 2, strlen(foid + 2)) ||
        (ig[3 + strlen(foid + 2)] != '\0' && ig[3 + strlen(foid + 2)] != '.')) {
      rc = bad(e, c, "ItemGroupOID \"%s\" is not declared for %s", ig ? ig : "",
               foid);
    } else if (ig[3 + strlen(foid + 2)] == '\0') {
      rc = read_items(in, c, ig, flat, e);
    } else {
      const char *field = ig + 4 + strlen(foid + 2);
      json_t *o = json_object();
      rc = read_items(in, c, ig, o, e);
      if (rc == APP_OK && obj != NULL && strcmp(obj, "Yes") == 0) {
        json_object_set(nested, field, o);
      } else if (rc == APP_OK) {
        json_t *arr = json_object_get(nested, field);
        if (arr == NULL) {
          arr = json_array();
          json_object_set_new(nested, field, arr);
        }
        if (!json_is_array(arr)) {
          rc = bad(e, c, "%s is both a list and an object", ig);
        } else {
          json_array_append(arr, o);
        }
      }
      json_decref(o);
    }
    xmlFree(ig);
    xmlFree(obj);
  }
  data = json_object();
  if (rc == APP_OK && keys != NULL) {
    /* The record's member order (hccstudy:Keys): a list without any
    ** ItemGroupData is an empty list. */
    char *dup = xstrdup(keys), *p = dup, *k;
    while (rc == APP_OK && (k = p) != NULL && *k) {
      json_t *v;
      p = strchr(p, ' ');
      if (p != NULL) {
        *p++ = '\0';
      }
      v = json_object_get(flat, k);
      if (v == NULL) {
        v = json_object_get(nested, k);
      }
      if (v != NULL) {
        json_object_set(data, k, v);
      } else {
        char oid[256];
        snprintf(oid, sizeof(oid), "IG.%s.%s", foid + 2, k);
        if (!declared(in, oid)) {
          rc = bad(e, fd, "hccstudy:Keys names %s, which has no value", k);
        } else {
          json_object_set_new(data, k, json_array());
        }
      }
    }
    xfree(dup);
  }
  if (rc == APP_OK) {
    /* Members the key list does not name (a file from elsewhere). */
    json_object_update_missing(data, flat);
    json_object_update_missing(data, nested);
    r = json_object();
    json_object_set_new(r, "id", json_integer(id));
    json_object_set_new(r, "kind", json_string(foid + 2));
    json_object_set_new(r, "version", json_integer(version));
    json_object_set_new(r, "created_utc",
                        attr_json(fd, "Created", true, &is_bad));
    json_object_set_new(r, "updated_utc",
                        attr_json(fd, "Updated", true, &is_bad));
    if (json_is_null(json_object_get(r, "created_utc"))) {
      json_object_set_new(r, "created_utc", json_string(in->created_utc));
    }
    if (json_is_null(json_object_get(r, "updated_utc"))) {
      json_object_set(r, "updated_utc", json_object_get(r, "created_utc"));
    }
    json_object_set(r, "data", data);
    json_array_append_new(recs, r);
    if (is_bad) {
      rc = bad(e, fd, "an attribute is not valid text");
    }
  }
  json_decref(data);
  json_decref(flat);
  json_decref(nested);
  xmlFree(seoid);
  xmlFree(foid);
  xmlFree(keys);
  return rc;
}

/* The attributes of an hccstudy element as JSON members: names[i] from
** attribute names[i]; ints[] are integers. */
static json_t *ext_json(const xmlNode *n, const char *const *names,
                        const char *const *members, int n_names,
                        const char *const *ints, const char *const *imembers,
                        int n_ints, bool *is_bad) {
  json_t *o = json_object();
  int i;
  for (i = 0; i < n_names; i++) {
    json_object_set_new(o, members[i], attr_json(n, names[i], false, is_bad));
  }
  for (i = 0; i < n_ints; i++) {
    int64_t v = 0;
    if (attr_int(n, ints[i], false, &v)) {
      json_object_set_new(o, imembers[i], json_integer(v));
    } else {
      json_object_set_new(o, imembers[i], json_null());
    }
  }
  return o;
}

/* Check that a standard Signature's references are declared. */
static int check_signature(struct odm_in *in, const xmlNode *n, struct err *e) {
  char *u = child_ref(n, "UserRef", "UserOID");
  char *l = child_ref(n, "LocationRef", "LocationOID");
  char *s = child_ref(n, "SignatureRef", "SignatureOID");
  int rc = APP_OK;
  if (u == NULL || json_object_get(in->user_oids, u) == NULL || l == NULL ||
      json_object_get(in->loc_code, l) == NULL || s == NULL ||
      strcmp(s, "SD.casebook") != 0) {
    rc = bad(e, n,
             "UserRef, LocationRef or SignatureRef names nothing "
             "declared in AdminData");
  }
  xmlFree(u);
  xmlFree(l);
  xmlFree(s);
  return rc;
}

/* One SubjectData: the patient with its records and workflow rows. */
static int read_subject(struct odm_in *in, const xmlNode *n, struct err *e) {
  static const char *const sig_a[] = {"SignedBy",      "Role",   "Meaning",
                                      "ContentSHA256", "Signed", "Voided"};
  static const char *const sig_m[] = {"signed_by",  "role",
                                      "meaning",    "content_sha256",
                                      "signed_utc", "voided_utc"};
  static const char *const sig_i[] = {"ID"};
  static const char *const sig_im[] = {"id"};
  static const char *const sdv_a[] = {"VerifiedBy", "Verified"};
  static const char *const sdv_m[] = {"verified_by", "verified_utc"};
  static const char *const sdv_i[] = {"RecordID", "RecordVersion"};
  static const char *const sdv_im[] = {"record_id", "version"};
  static const char *const q_a[] = {"field",      "check_id",    "status",
                                    "text",       "answer",      "raised_by",
                                    "raised_utc", "answered_by", "answered_utc",
                                    "closed_by",  "closed_utc"};
  static const char *const q_i[] = {"id", "record_id", "version"};
  char ctx[96];
  char *key = attr(n, "SubjectKey", false), *derived_text = NULL;
  const xmlNode *c;
  json_t *pt, *recs, *sigs, *sdv, *qs;
  bool is_bad = false;
  int64_t id = 0, locked = 0, version = 0;
  int rc = APP_OK;
  snprintf(ctx, sizeof(ctx), "SubjectData %s", key ? key : "?");
  if (key == NULL || !attr_int(n, "ID", true, &id) ||
      !attr_int(n, "Locked", true, &locked) ||
      !attr_int(n, "Version", true, &version)) {
    xmlFree(key);
    return bad(e, n,
               "SubjectKey, hccstudy:ID, Locked and Version are "
               "required");
  }
  pt = json_object();
  recs = json_array();
  sigs = json_array();
  sdv = json_array();
  qs = json_array();
  json_object_set_new(pt, "id", json_integer(id));
  json_object_set_new(pt, "code", json_string(key));
  json_object_set_new(pt, "status", attr_json(n, "Status", true, &is_bad));
  json_object_set_new(pt, "cohort", attr_json(n, "Cohort", true, &is_bad));
  json_object_set_new(pt, "locked", json_integer(locked));
  json_object_set_new(pt, "version", json_integer(version));
  json_object_set_new(pt, "created_utc",
                      attr_json(n, "Created", true, &is_bad));
  json_object_set_new(pt, "derived", json_null());
  json_object_set_new(pt, "derived_utc", json_null());
  for (c = n->children; rc == APP_OK && c != NULL; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) {
      continue;
    }
    if (is_el(c, ODM_NS, "SiteRef")) {
      char *loc = attr(c, "LocationOID", false);
      json_t *code = loc ? json_object_get(in->loc_code, loc) : NULL;
      if (code == NULL || json_string_value(code)[0] == '\0') {
        rc = bad(e, c,
                 "LocationOID \"%s\" is not a site declared in "
                 "AdminData",
                 loc ? loc : "");
      } else {
        json_object_set(pt, "site", code);
      }
      xmlFree(loc);
    } else if (is_el(c, ODM_NS, "Signature")) {
      rc = check_signature(in, c, e);
    } else if (is_el(c, ODM_NS, "StudyEventData")) {
      rc = read_record(in, c, recs, e);
    } else if (is_el(c, ODM_NS_HCC, "Derived")) {
      json_error_t je;
      json_t *d;
      xmlFree(derived_text);
      derived_text = (char *)xmlNodeGetContent(c);
      d = derived_text ? json_loads(derived_text, 0, &je) : NULL;
      if (!json_is_object(d)) {
        rc = bad(e, c, "the derived values are not a JSON object");
      }
      json_object_set_new(pt, "derived", d ? d : json_null());
      json_object_set_new(pt, "derived_utc",
                          attr_json(c, "Updated", false, &is_bad));
    } else if (is_el(c, ODM_NS_HCC, "Signature")) {
      json_t *g = ext_json(c, sig_a, sig_m, 6, sig_i, sig_im, 1, &is_bad);
      char *valid = attr(c, "Valid", false);
      json_object_set_new(g, "valid",
                          json_boolean(valid && strcmp(valid, "Yes") == 0));
      xmlFree(valid);
      json_array_append_new(sigs, g);
    } else if (is_el(c, ODM_NS_HCC, "SDV")) {
      json_array_append_new(
          sdv, ext_json(c, sdv_a, sdv_m, 2, sdv_i, sdv_im, 2, &is_bad));
    } else if (is_el(c, ODM_NS_HCC, "Query")) {
      json_array_append_new(qs,
                            ext_json(c, q_a, q_a, 11, q_i, q_i, 3, &is_bad));
    } else if (c->ns != NULL &&
               strcmp((const char *)c->ns->href, ODM_NS) == 0 &&
               !is_el(c, ODM_NS, "InvestigatorRef") &&
               !is_el(c, ODM_NS, "Annotation") &&
               !is_el(c, ODM_NS, "AuditRecord")) {
      rc = bad(e, c, "unexpected element in SubjectData");
    }
  }
  if (rc == APP_OK && json_object_get(pt, "site") == NULL) {
    rc = bad(e, n, "SiteRef is required");
  }
  if (rc == APP_OK && is_bad) {
    rc = bad(e, n, "an attribute is not valid text");
  }
  json_object_set_new(pt, "records", recs);
  json_object_set_new(pt, "signatures", sigs);
  json_object_set_new(pt, "sdv", sdv);
  json_object_set_new(pt, "queries", qs);
  if (rc == APP_OK) {
    rc = store_odm_import_patient(in->db, pt, ctx, e);
    if (rc == APP_EINVAL) {
      /* Worded by the store; name the element and line too. */
      char msg[sizeof(e->msg)];
      snprintf(msg, sizeof(msg), "%s", e->msg);
      err_clear(e);
      rc = bad(e, n, "%s", msg);
    }
  }
  if (rc == APP_OK) {
    in->rep->n_patients++;
    in->rep->n_records += (int64_t)json_array_size(recs);
  }
  json_decref(pt);
  xmlFree(key);
  xmlFree(derived_text);
  return rc;
}

/* Names of the audit row's text fields as hccstudy:Entry attributes (the
** order of struct odm_audit_row's f[]). */
static const char *const in_audit_attr[ODM_AUDIT_N_FIELDS] = {
    "TS",       "Actor", "Role",     "Site",     "Action", "Entity",
    "EntityID", "Field", "OldValue", "NewValue", "Reason"};

/* Is the text of n's child element name equal to s?  An empty element
** (the exporter leaves out text XML cannot hold) says nothing. */
static bool same_text(const xmlNode *n, const char *name, const char *s) {
  char *t = child_text(n, name);
  bool same = t != NULL && (t[0] == '\0' || strcmp(t, s) == 0);
  xmlFree(t);
  return same;
}

/* One AuditRecord: its references must be declared; its hccstudy:Entry
** is the row. */
static int read_audit(struct odm_in *in, const xmlNode *n, struct err *e) {
  const xmlNode *c, *entry = NULL;
  char *u = child_ref(n, "UserRef", "UserOID");
  char *l = child_ref(n, "LocationRef", "LocationOID");
  json_t *vals[ODM_AUDIT_N_FIELDS] = {NULL};
  json_t *prev = NULL, *hash = NULL;
  struct odm_audit_row r;
  bool is_bad = false;
  int rc = APP_OK, i;
  for (c = n->children; c != NULL; c = c->next) {
    if (is_el(c, ODM_NS_HCC, "Entry")) {
      entry = c;
    }
  }
  if (u == NULL || json_object_get(in->user_oids, u) == NULL) {
    rc = bad(e, n, "UserRef \"%s\" is not declared in AdminData", u ? u : "");
  } else if (l == NULL || json_object_get(in->loc_code, l) == NULL) {
    rc = bad(e, n, "LocationRef \"%s\" is not declared in AdminData",
             l ? l : "");
  } else if (entry == NULL || !attr_int(entry, "Seq", false, &r.seq)) {
    rc = bad(e, n, "hccstudy:Entry with Seq is required");
  }
  xmlFree(u);
  xmlFree(l);
  if (rc != APP_OK) {
    return rc;
  }
  for (i = 0; i < ODM_AUDIT_N_FIELDS; i++) {
    vals[i] = attr_json(entry, in_audit_attr[i], false, &is_bad);
    r.f[i] = json_string_value(vals[i]);
  }
  prev = attr_json(entry, "PrevHash", false, &is_bad);
  hash = attr_json(entry, "Hash", false, &is_bad);
  r.prev_hash = json_string_value(prev);
  r.hash = json_string_value(hash);
  if (is_bad || r.prev_hash == NULL || r.hash == NULL || r.f[0] == NULL ||
      r.f[1] == NULL || r.f[2] == NULL || r.f[4] == NULL || r.f[5] == NULL) {
    rc = bad(e, entry,
             "TS, Actor, Role, Action, Entity, PrevHash and Hash "
             "are required");
  } else if (!same_text(n, "DateTimeStamp", r.f[0])) {
    rc = bad(e, n, "DateTimeStamp differs from the entry's TS");
  } else if (r.seq != in->rep->n_audit + 1) {
    rc = bad(e, entry,
             "entry %" PRId64 " where %" PRId64 " was expected "
             "(the trail must be complete)",
             r.seq, in->rep->n_audit + 1);
  } else {
    rc = store_odm_import_audit(in->db, &r, e);
  }
  if (rc == APP_OK) {
    in->rep->n_audit++;
  }
  for (i = 0; i < ODM_AUDIT_N_FIELDS; i++) {
    json_decref(vals[i]);
  }
  json_decref(prev);
  json_decref(hash);
  return rc;
}

/* ---- the reader loop --------------------------------------------------- */

/* libxml2's error callback: keep the first message and its line. */
static void odm_xml_error(void *arg, const char *msg,
                          xmlParserSeverities severity,
                          xmlTextReaderLocatorPtr loc) {
  struct odm_in *in = arg;
  (void)severity;
  if (in->xml_error[0] == '\0') {
    size_t n;
    snprintf(in->xml_error, sizeof(in->xml_error), "%s", msg);
    n = strlen(in->xml_error);
    while (n > 0 &&
           (in->xml_error[n - 1] == '\n' || in->xml_error[n - 1] == ' ')) {
      in->xml_error[--n] = '\0';
    }
    in->xml_error_line = xmlTextReaderLocatorLineNumber(loc);
  }
}

/* The root element's attributes. */
static int read_root(struct odm_in *in, struct err *e) {
  xmlTextReaderPtr rd = in->rd;
  xmlChar *v;
  char *end = NULL;
  int line = xmlTextReaderGetParserLineNumber(rd);
  const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);
  if (ns == NULL || strcmp((const char *)ns, ODM_NS) != 0 ||
      strcmp((const char *)xmlTextReaderConstLocalName(rd), "ODM") != 0) {
    return ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: line %d: the root "
                     "element is not an ODM 1.3 <ODM>",
                     line);
  }
  v = xmlTextReaderGetAttribute(rd, (const xmlChar *)"ODMVersion");
  if (v == NULL || strcmp((const char *)v, "1.3.2") != 0) {
    xmlFree(v);
    return ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: line %d: <ODM>: "
                     "ODMVersion must be 1.3.2",
                     line);
  }
  xmlFree(v);
  v = xmlTextReaderGetAttributeNs(rd, (const xmlChar *)"AuditTrail",
                                  (const xmlChar *)ODM_NS_HCC);
  if (v == NULL || strcmp((const char *)v, "complete") != 0) {
    xmlFree(v);
    return ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: line %d: <ODM>: "
                     "the file does not carry the complete audit trail "
                     "(hccstudy:AuditTrail=\"complete\"): export it as a "
                     "data manager",
                     line);
  }
  xmlFree(v);
  v = xmlTextReaderGetAttributeNs(rd, (const xmlChar *)"AuditSeq",
                                  (const xmlChar *)ODM_NS_HCC);
  in->audit_seq = v ? strtoll((const char *)v, &end, 10) : -1;
  if (v == NULL || end == NULL || *end != '\0' || in->audit_seq < 1) {
    xmlFree(v);
    return ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: line %d: <ODM>: "
                     "hccstudy:AuditSeq is missing",
                     line);
  }
  xmlFree(v);
  v = xmlTextReaderGetAttributeNs(rd, (const xmlChar *)"ChainHash",
                                  (const xmlChar *)ODM_NS_HCC);
  if (v == NULL || strlen((const char *)v) != 64) {
    xmlFree(v);
    return ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: line %d: <ODM>: "
                     "hccstudy:ChainHash is missing",
                     line);
  }
  snprintf(in->chain_hash, sizeof(in->chain_hash), "%s", (const char *)v);
  xmlFree(v);
  v = xmlTextReaderGetAttribute(rd, (const xmlChar *)"CreationDateTime");
  snprintf(in->created_utc, sizeof(in->created_utc), "%s",
           v ? (const char *)v : "");
  xmlFree(v);
  v = xmlTextReaderGetAttribute(rd, (const xmlChar *)"FileOID");
  snprintf(in->file_oid, sizeof(in->file_oid), "%s", v ? (const char *)v : "");
  xmlFree(v);
  if (strlen(in->created_utc) != 20 || in->file_oid[0] == '\0') {
    return ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: line %d: <ODM>: "
                     "FileOID and CreationDateTime (UTC) are required",
                     line);
  }
  return APP_OK;
}

/* Elements handled whole (expanded, then skipped). */
enum odm_whole {
  W_NONE,
  W_DEF,
  W_STUDY,
  W_USER,
  W_LOCATION,
  W_SUBJECT,
  W_AUDIT
};

static enum odm_whole whole_kind(xmlTextReaderPtr rd) {
  const char *ns = (const char *)xmlTextReaderConstNamespaceUri(rd);
  const char *name = (const char *)xmlTextReaderConstLocalName(rd);
  if (ns == NULL) {
    return W_NONE;
  }
  if (strcmp(ns, ODM_NS_HCC) == 0) {
    return strcmp(name, "Study") == 0 ? W_STUDY : W_NONE;
  }
  if (strcmp(ns, ODM_NS) != 0) {
    return W_NONE;
  }
  if (strcmp(name, "StudyEventDef") == 0 || strcmp(name, "FormDef") == 0 ||
      strcmp(name, "ItemGroupDef") == 0 || strcmp(name, "ItemDef") == 0 ||
      strcmp(name, "CodeList") == 0 || strcmp(name, "MeasurementUnit") == 0) {
    return W_DEF;
  }
  if (strcmp(name, "User") == 0) {
    return W_USER;
  }
  if (strcmp(name, "Location") == 0) {
    return W_LOCATION;
  }
  if (strcmp(name, "SubjectData") == 0) {
    return W_SUBJECT;
  }
  if (strcmp(name, "AuditRecord") == 0) {
    return W_AUDIT;
  }
  return W_NONE;
}

/* Read the whole file, storing as it goes. */
static int read_all(struct odm_in *in, struct err *e) {
  xmlTextReaderPtr rd = in->rd;
  bool seen_root = false;
  int ret = xmlTextReaderRead(rd);
  int rc = APP_OK;
  while (ret == 1 && rc == APP_OK) {
    int type = xmlTextReaderNodeType(rd);
    enum odm_whole w;
    xmlNodePtr node;
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
      return ERR_FIELD(e, APP_EINVAL, "--input",
                       "--input: <!DOCTYPE>: a document type declaration "
                       "is not accepted in an ODM file (no DTD, no "
                       "entities)");
    }
    if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
      return ERR_FIELD(e, APP_EINVAL, "--input",
                       "--input: line %d: entity "
                       "references are not accepted",
                       xmlTextReaderGetParserLineNumber(rd));
    }
    if (type == XML_READER_TYPE_END_ELEMENT) {
      const char *name = (const char *)xmlTextReaderConstLocalName(rd);
      if (strcmp(name, "AdminData") == 0) {
        rc = admin_done(in, e);
      }
      ret = xmlTextReaderRead(rd);
      continue;
    }
    if (type != XML_READER_TYPE_ELEMENT) {
      ret = xmlTextReaderRead(rd);
      continue;
    }
    if (!seen_root) {
      seen_root = true;
      rc = read_root(in, e);
      if (rc == APP_OK) {
        rc = store_odm_import_begin(in->db, e);
      }
      ret = xmlTextReaderRead(rd);
      continue;
    }
    w = whole_kind(rd);
    if (w == W_NONE) {
      const char *name = (const char *)xmlTextReaderConstLocalName(rd);
      if (strcmp(name, "ClinicalData") == 0 && !in->admin_done) {
        return ERR_FIELD(e, APP_EINVAL, "--input",
                         "--input: line %d: "
                         "ClinicalData before AdminData",
                         xmlTextReaderGetParserLineNumber(rd));
      }
      ret = xmlTextReaderRead(rd);
      continue;
    }
    node = xmlTextReaderExpand(rd);
    if (node == NULL) {
      break; /* a parse error: reported below */
    }
    switch (w) {
    case W_DEF:
      rc = read_def(in, node, e);
      break;
    case W_STUDY:
      rc = read_study(in, node, e);
      break;
    case W_USER:
      rc = read_user(in, node, e);
      break;
    case W_LOCATION:
      rc = read_location(in, node, e);
      break;
    case W_SUBJECT:
      rc = in->admin_done ? read_subject(in, node, e)
                          : bad(e, node, "SubjectData before AdminData");
      break;
    case W_AUDIT:
      rc = in->admin_done ? read_audit(in, node, e)
                          : bad(e, node, "AuditRecord before AdminData");
      break;
    default:
      break;
    }
    ret = xmlTextReaderNext(rd);
  }
  if (rc == APP_OK && (ret < 0 || in->xml_error[0] != '\0')) {
    rc = ERR_FIELD(e, APP_EINVAL, "--input",
                   "--input: line %d: not "
                   "well-formed XML: %s",
                   in->xml_error_line,
                   in->xml_error[0] ? in->xml_error : "parse error");
  }
  if (rc == APP_OK && !seen_root) {
    rc = ERR_FIELD(e, APP_EINVAL, "--input", "--input: no ODM element");
  }
  if (rc == APP_OK && !in->admin_done) {
    rc = ERR_FIELD(e, APP_EINVAL, "--input", "--input: no AdminData");
  }
  return rc;
}

int odm_import(struct db *db, const char *path, const char *username,
               const char *password, struct odm_import_report *out,
               struct err *e) {
  struct odm_in in;
  struct odm_import_end end;
  int rc;
  memset(out, 0, sizeof(*out));
  memset(&in, 0, sizeof(in));
  if (username == NULL || username[0] == '\0') {
    return ERR_FIELD(e, APP_EINVAL, "--user",
                     "--user: the importing "
                     "account (an admin or data_manager of the file) is "
                     "required");
  }
  if (password == NULL || strlen(password) < STORE_MIN_PASSWORD) {
    return ERR_FIELD(e, APP_EINVAL, "password",
                     "password: at least %d "
                     "characters are required",
                     STORE_MIN_PASSWORD);
  }
  /* No network, no entity substitution (XML_PARSE_NOENT unset), no DTD
  ** loading or validation; libxml2's limits on sizes stay in force (no
  ** XML_PARSE_HUGE). */
  in.rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
  if (in.rd == NULL) {
    return ERR_FIELD(e, APP_EINVAL, "--input", "--input: cannot read %s", path);
  }
  xmlTextReaderSetErrorHandler(in.rd, odm_xml_error, &in);
  in.db = db;
  in.username = username;
  in.password = password;
  in.rep = out;
  in.oids = json_object();
  in.user_oids = json_object();
  in.loc_code = json_object();
  in.users = json_array();
  in.sites = json_array();
  rc = read_all(&in, e);
  if (rc == APP_OK) {
    memset(&end, 0, sizeof(end));
    end.audit_seq = in.audit_seq;
    end.chain_hash = in.chain_hash;
    end.created_utc = in.created_utc;
    end.file_oid = in.file_oid;
    end.a = &in.importer;
    rc = store_odm_import_end(db, &end, e);
    out->freeze_id = end.freeze_id;
  } else {
    store_odm_import_abort(db);
  }
  xmlFreeTextReader(in.rd);
  json_decref(in.oids);
  json_decref(in.user_oids);
  json_decref(in.loc_code);
  json_decref(in.users);
  json_decref(in.sites);
  return rc;
}
