/*
** protocol_embed.c: links protocols/challenge06.json into the binary as the
** default protocol, with the assembler's .incbin (no code generator).  The
** Makefile makes this object depend on the JSON file.  A NUL is appended so
** the text is also a C string.
*/
#include "protocol.h"

#include <stddef.h>

/* The embedded bytes, defined by the assembler block below. */
extern const char protocol_json_start[];
extern const char protocol_json_end[];

__asm__(".section .rodata\n"
        ".global protocol_json_start\n"
        ".global protocol_json_end\n"
        "protocol_json_start:\n"
        ".incbin \"protocols/challenge06.json\"\n"
        "protocol_json_end:\n"
        ".byte 0\n"
        ".previous\n");

const char *protocol_default_text(size_t *len) {
  *len = (size_t)(protocol_json_end - protocol_json_start);
  return protocol_json_start;
}
