/*
** fuzz_eligibility.c: the eligibility rule's JSON input, as
** `hccstudy eligibility --input FILE` reads it (src/cli/cmd_rules.c):
** jx_parse (an object), eligibility_from_json, eligibility_check under the
** default protocol's rules, eligibility_to_json.  Seeds: docs examples and
** screening records of the demo study.
*/
#include "fuzz.h"

#include "study/eligibility.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const struct protocol *p = fuzz_protocol();
  struct elig_input in;
  struct elig_result r;
  struct err e;
  json_t *doc = fuzz_json_object(data, size);
  if (doc == NULL) {
    return 0;
  }
  err_clear(&e);
  if (eligibility_from_json(doc, &in, &e) == APP_OK) {
    eligibility_check(&p->elig, &in, &r);
    fuzz_dump(eligibility_to_json(&r));
  } else if (e.msg[0] == '\0') {
    abort(); /* a refusal must name the field */
  }
  json_decref(doc);
  return 0;
}
