/*
** assets.c: the embedded UI files (see assets.h).  Each file is linked in
** with the assembler's .incbin and listed in the table below; the Makefile
** makes this object depend on every file in src/web/assets/.  Adding a
** file: an ASSET() line in the assembly block and a row in the table.
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

__asm__(".section .rodata\n"
        ASSET(index_html, "index.html")
        ASSET(app_css, "app.css")
        ASSET(app_js, "app.js")
        ".previous\n");

static const struct asset assets[] = {
  {"/index.html", "text/html; charset=utf-8", asset_index_html_start,
   asset_index_html_end},
  {"/app.css", "text/css; charset=utf-8", asset_app_css_start,
   asset_app_css_end},
  {"/app.js", "text/javascript; charset=utf-8", asset_app_js_start,
   asset_app_js_end},
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
