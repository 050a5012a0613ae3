/*
** fuzz_endpoints.c: the endpoints rule's JSON input, as
** `hccstudy endpoints --input FILE` reads it (src/cli/cmd_response.c):
** mr_options_from_protocol + mr_options_from_json, then
** endpoints_input_from_json and endpoints_derive with the default
** protocol's PFS gap, endpoints_result_to_json.  Seeds: docs examples and
** tests/golden inputs.
*/
#include "fuzz.h"

#include "study/endpoints.h"
#include "study/mrecist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const struct protocol *p = fuzz_protocol();
  struct mr_options o;
  struct ep_input in;
  struct ep_result r;
  struct err e;
  json_t *doc = fuzz_json_object(data, size);
  if (doc == NULL) {
    return 0;
  }
  err_clear(&e);
  mr_options_from_protocol(&p->response, &o);
  if (mr_options_from_json(doc, &o, &e) == APP_OK) {
    if (endpoints_input_from_json(doc, &in, &e) == APP_OK &&
        endpoints_derive(&in, &o, p->endpoints.pfs_max_gap_days, &r, &e) ==
            APP_OK) {
      fuzz_dump(endpoints_result_to_json(&r));
    } else if (e.msg[0] == '\0') {
      abort(); /* a refusal must name the field */
    }
    endpoints_input_free(&in);
  }
  json_decref(doc);
  return 0;
}
