/*
** fuzz_mrecist.c: the mRECIST rule's JSON input, as
** `hccstudy mrecist --input FILE` reads it (src/cli/cmd_response.c):
** mr_options_from_protocol (default protocol), mr_options_from_json,
** mr_input_from_json (baseline required), mrecist_evaluate,
** mr_result_to_json.  Seeds: docs/response-and-endpoints.md examples and
** tests/golden inputs.
*/
#include "fuzz.h"

#include "study/mrecist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct mr_options o;
  struct mr_input in;
  struct mr_result r;
  struct err e;
  json_t *doc = fuzz_json_object(data, size);
  if (doc == NULL) {
    return 0;
  }
  err_clear(&e);
  mr_options_from_protocol(&fuzz_protocol()->response, &o);
  if (mr_options_from_json(doc, &o, &e) == APP_OK) {
    if (mr_input_from_json(doc, true, &in, &e) == APP_OK &&
        mrecist_evaluate(&in, &o, &r, &e) == APP_OK) {
      fuzz_dump(mr_result_to_json(&r));
      mr_result_free(&r);
    } else if (e.msg[0] == '\0') {
      abort(); /* a refusal must name the field */
    }
    mr_input_free(&in);
  }
  json_decref(doc);
  return 0;
}
