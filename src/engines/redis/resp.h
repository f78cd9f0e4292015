/* A small bounded RESP2 reply parser (Redis serialization protocol): simple strings, errors,
 * integers, bulk strings and arrays, with caps on line length, bulk length, element count, total
 * elements and nesting depth. Incremental in the simple way: it parses a whole reply from the start
 * of the buffer or says how many bytes it needs at least (RESP_NEED_MORE), so the caller waits for
 * that many before trying again. Strings point into the caller's buffer (zero copy): the buffer
 * must stay unchanged until resp_reply_free(). */
#ifndef LS_ENGINES_REDIS_RESP_H
#define LS_ENGINES_REDIS_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum resp_type { RESP_SIMPLE, RESP_ERROR, RESP_INTEGER, RESP_BULK, RESP_ARRAY, RESP_NIL };
enum resp_status { RESP_OK = 0, RESP_NEED_MORE = 1, RESP_BAD = 2 };

struct resp_value {
    enum resp_type type;
    const char *str; /* simple, error, bulk: bytes (not NUL-terminated) */
    size_t len;
    int64_t integer;          /* integer */
    struct resp_value *elems; /* array */
    size_t nelems;
};

struct resp_limits {
    size_t max_line;    /* simple string, error, integer and header lines */
    size_t max_bulk;    /* one bulk string */
    size_t max_elems;   /* one array */
    size_t max_total;   /* values in one reply, nested ones included */
    unsigned max_depth; /* array nesting */
};

/* Sensible caps for replies a scanner asks for. */
extern const struct resp_limits resp_default_limits;

/* Parses one reply from buf[0..len). RESP_OK: *out is filled (free with resp_reply_free) and *used
 * is its length. RESP_NEED_MORE: *used is how many bytes the buffer must hold at least before a
 * retry can get further. RESP_BAD: the bytes are not RESP2 or break a cap; err says why. */
enum resp_status resp_parse(const char *buf, size_t len, const struct resp_limits *lim, struct resp_value *out,
                            size_t *used, char *err, size_t errlen);
void resp_reply_free(struct resp_value *v);

/* Appends a command as a RESP array of bulk strings to out (n bytes). Returns bytes written, or 0
 * if it does not fit. */
size_t resp_encode(char *out, size_t n, const char *const *argv, const size_t *lens, size_t argc);

/* True if v is a simple string or bulk equal to text. */
bool resp_is(const struct resp_value *v, const char *text);

#endif
