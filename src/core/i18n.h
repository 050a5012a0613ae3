/*
** i18n.h: the languages of server text (English, Simplified Chinese), the
** choice of one from a request's Accept-Language, and the translation of
** English messages by a catalog of templates (docs/api.md, "Language").
**
** Pure: no I/O, no global state that changes.  The English text stays the
** source of truth (logs, the command line, `code` and `field` of the error
** shape); a translation is made at the edge, for a reader, and falls back to
** the English text when no template matches.
*/
#ifndef HCC_I18N_H
#define HCC_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* A language of the interface.  I18N_EN is the default and the fallback. */
enum i18n_lang {
  I18N_EN = 0, /* English */
  I18N_ZH = 1  /* Simplified Chinese (zh, zh-CN, zh-Hans) */
};

/* Number of languages. */
#define I18N_N_LANGS 2

/* One pair of a catalog: an English template and its translation.
**
** In `en`, "%s" matches one or more characters of the text, copied as is;
** "%t" matches the same and is a term: replaced by the term table's
** translation when it has one (role names, record kinds), else copied; "%m"
** matches a nested message, which must itself translate (recursion, at most
** I18N_MAX_DEPTH deep); "%%" is a literal percent sign.  Placeholders match
** the shortest text that lets the rest of the template match.  In the
** translation, "%s" is the next captured value (translated for %t and %m),
** "%N$s" (N = 1..9) the N-th, and "%%" a percent sign.  For a term table
** both members are plain words without placeholders. */
struct i18n_entry {
  const char *en; /* English template (or term) */
  const char *tr; /* the translation */
};

/* A message catalog of one language: templates tried in order (the first
** that matches wins, so specific ones come before generic ones), and terms
** for %t. */
struct i18n_catalog {
  const struct i18n_entry *messages; /* templates, in order of priority */
  size_t n_messages;                 /* number of messages */
  const struct i18n_entry *terms;    /* exact words and their translation */
  size_t n_terms;                    /* number of terms */
};

/* Most placeholders in one template. */
#define I18N_MAX_CAPTURES 9
/* Deepest nesting of %m. */
#define I18N_MAX_DEPTH 4
/* Longest text (bytes) that is translated; longer text stays English. */
#define I18N_MAX_TEXT 1024

/* The built-in Simplified Chinese catalog (i18n.c). */
extern const struct i18n_catalog i18n_zh;

/* The language of one language tag (RFC 5646, case-insensitive), e.g.
** "zh-CN" -> I18N_ZH.  Returns true and sets *out when the tag names a
** language served here: "en" and "en-*"; "zh", "zh-CN", "zh-SG",
** "zh-Hans" and "zh-Hans-*" (any zh tag without a Traditional script or
** region: Hant, TW, HK, MO); "*" (the default, English).  Returns false
** (and leaves *out) otherwise.  n is the tag's length in bytes (the tag
** need not be NUL-terminated). */
bool i18n_lang_of_tag(const char *tag, size_t n, enum i18n_lang *out);

/* The language for an Accept-Language header (RFC 9110 12.5.4): among the
** tags served here, the one with the highest q-value (the first of equal
** ones); q=0 means "not this one".  NULL, empty, malformed or only other
** languages: I18N_EN. */
enum i18n_lang i18n_negotiate(const char *accept_language);

/* The language for a `lang` argument (a single tag, e.g. "zh"): its
** language when served here, else I18N_EN. */
enum i18n_lang i18n_lang_arg(const char *tag);

/* The Content-Language value of a language ("en", "zh-CN"); static. */
const char *i18n_tag(enum i18n_lang l);

/* Translate text (NUL-terminated, UTF-8) with catalog c, appending the
** result to out.  Returns true when a template matched; false when none
** did (or text is longer than I18N_MAX_TEXT), and then appends text
** unchanged.  Captured values are copied byte for byte (never used as a
** format), so text holding '%' or any UTF-8 is safe. */
bool i18n_translate(const struct i18n_catalog *c, const char *text,
                    struct buf *out);

/* The message text in language l, appended to out: a copy for I18N_EN,
** i18n_translate with the built-in catalog otherwise. */
void i18n_message(enum i18n_lang l, const char *text, struct buf *out);

/* Number of templates and terms of the built-in catalog of l (0 for
** English); for the documentation and the tests. */
size_t i18n_catalog_size(enum i18n_lang l);

#endif
