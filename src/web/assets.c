/*
** assets.c: the embedded UI files (see assets.h).  Each file is linked in
** with the assembler's .incbin and listed in the table below; the Makefile
** makes this object depend on every file in src/web/assets/.  Adding a
** file: an ASSET_SYMS() line, an ASSET() line in the assembly block and a
** row in the table.  The UI is ES modules (app.js imports the others), so
** every module must be listed here; keep the directory flat (the Makefile's
** dependency wildcard does not look into subdirectories).
*/
#include "assets.h"

#include <string.h>

/* Declares the start and end symbols of one embedded file. */
#define ASSET_SYMS(sym)                                                       \
  extern const char asset_##sym##_start[];                                   \
  extern const char asset_##sym##_end[]

/* Assembly that embeds file as sym (NUL appended after the end symbol). */
#define ASSET(sym, file)                                                      \
  ".global asset_" #sym "_start\n.global asset_" #sym "_end\n"              \
  "asset_" #sym "_start:\n.incbin \"src/web/assets/" file "\"\n"          \
  "asset_" #sym "_end:\n.byte 0\n"

ASSET_SYMS(index_html);
ASSET_SYMS(app_css);
ASSET_SYMS(app_js);
ASSET_SYMS(api_js);
ASSET_SYMS(dom_js);
ASSET_SYMS(i18n_js);
ASSET_SYMS(view_dashboard_js);
ASSET_SYMS(view_patients_js);
ASSET_SYMS(view_casebook_js);
ASSET_SYMS(view_form_js);
ASSET_SYMS(view_queries_js);
ASSET_SYMS(view_analysis_js);
ASSET_SYMS(view_exports_js);

__asm__(".section .rodata\n"
        ASSET(index_html, "index.html")
        ASSET(app_css, "app.css")
        ASSET(app_js, "app.js")
        ASSET(api_js, "api.js")
        ASSET(dom_js, "dom.js")
        ASSET(i18n_js, "i18n.js")
        ASSET(view_dashboard_js, "view-dashboard.js")
        ASSET(view_patients_js, "view-patients.js")
        ASSET(view_casebook_js, "view-casebook.js")
        ASSET(view_form_js, "view-form.js")
        ASSET(view_queries_js, "view-queries.js")
        ASSET(view_analysis_js, "view-analysis.js")
        ASSET(view_exports_js, "view-exports.js")
        ".previous\n");

/* URL path, MIME type and bytes of every embedded file. */
static const struct asset assets[] = {
  {"/index.html", "text/html; charset=utf-8",
   asset_index_html_start, asset_index_html_end},
  {"/app.css", "text/css; charset=utf-8",
   asset_app_css_start, asset_app_css_end},
  {"/app.js", "text/javascript; charset=utf-8",
   asset_app_js_start, asset_app_js_end},
  {"/api.js", "text/javascript; charset=utf-8",
   asset_api_js_start, asset_api_js_end},
  {"/dom.js", "text/javascript; charset=utf-8",
   asset_dom_js_start, asset_dom_js_end},
  {"/i18n.js", "text/javascript; charset=utf-8",
   asset_i18n_js_start, asset_i18n_js_end},
  {"/view-dashboard.js", "text/javascript; charset=utf-8",
   asset_view_dashboard_js_start, asset_view_dashboard_js_end},
  {"/view-patients.js", "text/javascript; charset=utf-8",
   asset_view_patients_js_start, asset_view_patients_js_end},
  {"/view-casebook.js", "text/javascript; charset=utf-8",
   asset_view_casebook_js_start, asset_view_casebook_js_end},
  {"/view-form.js", "text/javascript; charset=utf-8",
   asset_view_form_js_start, asset_view_form_js_end},
  {"/view-queries.js", "text/javascript; charset=utf-8",
   asset_view_queries_js_start, asset_view_queries_js_end},
  {"/view-analysis.js", "text/javascript; charset=utf-8",
   asset_view_analysis_js_start, asset_view_analysis_js_end},
  {"/view-exports.js", "text/javascript; charset=utf-8",
   asset_view_exports_js_start, asset_view_exports_js_end},
};

const struct asset *asset_find(const char *path) {
  size_t i;
  if (strcmp(path, "/") == 0) {
    path = "/index.html";
  }
  for (i = 0; i < sizeof(assets) / sizeof(assets[0]); i++) {
    if (strcmp(assets[i].path, path) == 0) {
      return &assets[i];
    }
  }
  return NULL;
}
