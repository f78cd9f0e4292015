/* Keeping secrets secret: the SHA-256 fingerprint of a secret's exact bytes and its redacted form
 * (a few leading and trailing characters around an ellipsis; short values show less). */
#ifndef LS_DETECT_REDACT_H
#define LS_DETECT_REDACT_H

#include <stddef.h>

/* SHA-256 of val into md, with one reused digest context per thread (the project's one SHA-256).
 * Returns 0, or -1 (md zeroed) if libcrypto fails. */
int ls_sha256(const void *val, size_t len, unsigned char md[32]);
/* Writes "sha256:<64 lowercase hex>" (71 chars + NUL) into out (size >= 72). */
void ls_fingerprint(const char *val, size_t len, char out[72]);
/* Writes e.g. "ghp_…3Xk" (UTF-8 ellipsis) into out; never reveals more than a third of the value
 * and at most 4 leading + 3 trailing characters. */
void ls_redact(const char *val, size_t len, char *out, size_t outlen);

#endif
