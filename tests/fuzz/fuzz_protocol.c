/*
** fuzz_protocol.c: the protocol file parser (src/study/protocol.h):
** protocol_parse on the input's text, as `--protocol FILE` and
** store_protocol read one.  A refusal must carry a message.  Seeds:
** protocols/challenge06.json and variants.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct protocol p;
  struct err e;
  err_clear(&e);
  if (protocol_parse((const char *)data, size, "fuzz.json", &p, &e) != APP_OK &&
      e.msg[0] == '\0') {
    abort();
  }
  return 0;
}
