/* Redacting free text that a scanned server sent (names, DDL, notes, errors, settings) before it
 * reaches a finding, a report or the history. Two passes mark the spans to hide, then each span is
 * replaced by its redacted form (ls_redact: a few characters around an ellipsis):
 *  - the detector's matches (every secret rule), when a detector is given;
 *  - credential shapes that need no rule: the password of a URL's user:password@ (also without a
 *    scheme, as in 'user:pass@host'), values of credential-named keys (`password=`, `api_key: `,
 *    `?X-Amz-Signature=`, `&sig=`, `Password = "…"`), the argument after a credential-named option
 *    (`--token X`, `--password=X`), the credentials of an `Authorization: Bearer|Basic` header, and
 *    long random-looking path or query segments of URLs (webhook and presigned URL secrets).
 * Text without any of these comes back unchanged, byte for byte. */
#ifndef LS_DETECT_TEXTREDACT_H
#define LS_DETECT_TEXTREDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "detect/detect.h"

/* A malloc'd, NUL-terminated copy of text[0..len) with every span above redacted; d and s may be
 * NULL (then only the credential shapes are hidden). NULL on allocation failure. *changed (if
 * not NULL) tells whether anything was hidden. */
char *ls_redact_text(const struct ls_detector *d, struct ls_detect_scratch *s, const char *text, size_t len,
                     bool *changed);
/* The same in place for a NUL-terminated string in a fixed buffer of cap bytes (cut to fit, on a
 * character boundary). Returns whether anything was hidden; on allocation failure the buffer is
 * emptied rather than left raw. */
bool ls_redact_text_buf(const struct ls_detector *d, struct ls_detect_scratch *s, char *buf, size_t cap);
/* Replaces the malloc'd string *p by its redacted copy (frees the old one); on allocation failure
 * *p is emptied in place rather than left raw. NULL *p is left as it is. */
void ls_redact_text_owned(const struct ls_detector *d, struct ls_detect_scratch *s, char **p);

#endif
