/*
** fuzz.h: what every libFuzzer harness in tests/fuzz/ shares.
**
** Each harness is one fuzz_NAME.c with LLVMFuzzerTestOneInput (and, when it
** needs a database or a protocol, LLVMFuzzerInitialize); `make fuzz-build`
** links it against build/fuzz/libhcc.a (the library under clang with
** ASan+UBSan and -fsanitize=fuzzer-no-link), never against src/main.c.
** Every run frees what it made: the leak check is on.  Seeds are in
** tests/fuzz/corpus/NAME/; tests/fuzz/run.sh runs them all.
*/
#ifndef HCC_FUZZ_H
#define HCC_FUZZ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "study/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The embedded default protocol, loaded once (abort when it cannot be:
** a broken build, not a finding). */
static inline const struct protocol *fuzz_protocol(void) {
  static struct protocol p;
  static int loaded;
  if (!loaded) {
    struct err e;
    err_clear(&e);
    if (protocol_default(&p, &e) != APP_OK) {
      fprintf(stderr, "fuzz: default protocol: %s\n", e.msg);
      abort();
    }
    loaded = 1;
  }
  return &p;
}

/* The input parsed the way the CLI reads a JSON document (cli_read_json:
** jx_parse, an object required), or NULL. */
static inline json_t *fuzz_json_object(const uint8_t *data, size_t size) {
  struct err e;
  json_t *v;
  err_clear(&e);
  if (size == 0) {
    return NULL;
  }
  v = jx_parse((const char *)data, size, "fuzz input", &e);
  if (v != NULL && !json_is_object(v)) {
    json_decref(v);
    v = NULL;
  }
  return v;
}

/* Encode a result document to text and free both (so to_json's output is
** exercised as far as jansson's encoder). */
static inline void fuzz_dump(json_t *v) {
  if (v != NULL) {
    char *s = json_dumps(v, JSON_COMPACT);
    free(s);
    json_decref(v);
  }
}

#endif
