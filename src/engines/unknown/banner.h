/* The fallback for open ports that no engine identified (see banner.c): engine "unknown", the
 * protocol where the first bytes name it, and those bytes escaped as the `banner`. Not in the
 * registry's list of engines: the pipeline tries it last, on every port. */
#ifndef LS_ENGINES_UNKNOWN_BANNER_H
#define LS_ENGINES_UNKNOWN_BANNER_H

#include <stddef.h>

#include "engines/engine.h"

#define LS_BANNER_MAX 256 /* bytes of a banner kept */

extern const struct ls_engine ls_engine_unknown;

/* "http", "ssh", "tls", "ftp", "smtp", "mysql", "resp", … from a service's first bytes, or NULL. */
const char *ls_banner_protocol(const unsigned char *b, size_t n);
/* b[0..min(n, LS_BANNER_MAX)) with printable ASCII kept and every other byte as \xNN (\r \n \t
 * and \\ as such), into out (cut to cap). */
void ls_banner_escape(const unsigned char *b, size_t n, char *out, size_t cap);

#endif
