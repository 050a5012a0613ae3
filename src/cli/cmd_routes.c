/*
** cmd_routes.c: `hccstudy routes [--json]`, the JSON API's route table as
** the dispatcher holds it (web_routes_json, src/web/routes.c), so a test or
** a reviewer reads the table itself rather than a copy of it.
*/
#include "commands.h"

#include "../web/web.h"

#include <stdio.h>

int cmd_routes(struct cli *c) {
  struct err e;
  bool json = cli_flag(c, "--json");
  json_t *arr;
  size_t i, k;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  arr = web_routes_json();
  if (json) {
    json_t *o = json_pack("{s:o}", "routes", arr);
    cli_print_json(o);
    json_decref(o);
    return 0;
  }
  printf("%-7s %-44s %-32s %s\n", "method", "pattern", "flags", "max_body");
  for (i = 0; i < json_array_size(arr); i++) {
    json_t *r = json_array_get(arr, i);
    json_t *flags = json_object_get(r, "flags");
    char fl[64] = "";
    size_t n = 0;
    for (k = 0; k < json_array_size(flags); k++) {
      n += (size_t)snprintf(fl + n, sizeof(fl) - n, "%s%s", k ? "," : "",
                            json_string_value(json_array_get(flags, k)));
      if (n >= sizeof(fl)) {
        break;
      }
    }
    printf("%-7s /%-43s %-32s %lld\n",
           json_string_value(json_object_get(r, "method")),
           json_string_value(json_object_get(r, "pattern")), fl[0] ? fl : "-",
           (long long)json_integer_value(json_object_get(r, "max_body")));
  }
  json_decref(arr);
  return 0;
}
