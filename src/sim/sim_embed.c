/*
** sim_embed.c: links protocols/challenge06-sim.json into the binary as the
** default simulator parameters, with the assembler's .incbin (as
** src/study/protocol_embed.c does).  The Makefile makes this object depend
** on the JSON file.  A NUL is appended so the text is also a C string.
*/
#include "params.h"

#include <stddef.h>

/* The embedded bytes, defined by the assembler block below. */
extern const char sim_json_start[];
extern const char sim_json_end[];

__asm__(".section .rodata\n"
        ".global sim_json_start\n"
        ".global sim_json_end\n"
        "sim_json_start:\n"
        ".incbin \"protocols/challenge06-sim.json\"\n"
        "sim_json_end:\n"
        ".byte 0\n"
        ".previous\n");

const char *sim_default_text(size_t *len) {
  *len = (size_t)(sim_json_end - sim_json_start);
  return sim_json_start;
}
