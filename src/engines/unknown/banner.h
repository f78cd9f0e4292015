/* The fallback for open ports that no engine identified (see banner.c): engine "unknown", the
 * protocol where the first bytes name it, and those bytes escaped as the `banner`. Not in the
 * registry's list of engines: the pipeline tries it last, on every port. */
#ifndef LS_ENGINES_UNKNOWN_BANNER_H
#define LS_ENGINES_UNKNOWN_BANNER_H

#include <stddef.h>

#include "engines/engine.h"

#define LS_BANNER_MAX 256 /* bytes of a banner kept */

extern const struct ls_engine ls_engine_unknown;

/* What the fallback saw, for the pipeline's first look on unclaimed ports (valid until the
 * session closes): the first bytes (the service's own, or its answer to the HTTP line), whether it
 * then closed, whether it spoke first. */
struct ls_first_look {
    const unsigned char *bytes;
    size_t n;
    bool closed;
    bool spoke_first;
};
/* Of a session of ls_engine_unknown whose fingerprint step finished; false if it has none. */
bool ls_banner_look(struct ls_session *s, struct ls_first_look *look);

/* "http", "ssh", "tls", "ftp", "smtp", "mysql", "resp", … from a service's first bytes, or NULL. */
const char *ls_banner_protocol(const unsigned char *b, size_t n);
/* b[0..min(n, LS_BANNER_MAX)) with printable ASCII kept and every other byte as \xNN (\r \n \t
 * and \\ as such), into out (cut to cap). */
void ls_banner_escape(const unsigned char *b, size_t n, char *out, size_t cap);

#endif
