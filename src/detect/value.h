/* The bytes a secret's fingerprint and redaction are computed from: the match's value with JSON
 * string escapes decoded (a value captured inside JSON text, e.g. "…\/…" or "…\n…" in a private
 * key, hashes as the real credential bytes). */
#ifndef LS_DETECT_VALUE_H
#define LS_DETECT_VALUE_H

#include <stddef.h>

#include "detect/detect.h"

/* Writes the decoded value into out, which must have room for m->end - m->start bytes (decoding
 * never grows); returns its length. Values without a backslash are copied unchanged. */
size_t ls_match_value(const char *buf, const struct ls_match *m, char *out);

#endif
