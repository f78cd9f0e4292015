/* A small bounded parser of memcached replies (doc/protocol.txt of the memcached sources): a
 * one-line reply (`VERSION 1.6.18`, `ERROR`, `CLIENT_ERROR …`), a `STAT name value` block ending in
 * END (stats, stats items, stats settings), a `VALUE key flags bytes [cas]` block of get, the
 * `key=… exp=… cls=… size=…` lines of `lru_crawler metadump` (a number of them kept, the rest read
 * to END and dropped; cut at a byte cap, after which the caller drops the connection), and one binary-protocol response
 * header with its body (only to recognise a SASL server that refuses text commands). Incremental like resp.c: a whole
 * reply is parsed from the start of the buffer, or the parser says how many bytes it needs at least. Strings point into
 * the caller's buffer (zero copy) until mc_reply_free(). */
#ifndef LS_ENGINES_MEMCACHED_MC_PROTO_H
#define LS_ENGINES_MEMCACHED_MC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mc_kind { MC_LINE, MC_STATS, MC_VALUES, MC_DUMP, MC_BINARY };
enum mc_status { MC_OK = 0, MC_NEED_MORE = 1, MC_BAD = 2 };

/* STATS: one `STAT name value` line; DUMP: one line in name (value empty). */
struct mc_field {
    const char *name;
    size_t nlen;
    const char *value;
    size_t vlen;
};

/* VALUES: one `VALUE key flags bytes` entry and its data block. */
struct mc_item {
    const char *key;
    size_t klen;
    uint32_t flags;
    const char *data;
    size_t dlen;
};

struct mc_reply {
    enum mc_kind kind;
    bool error;       /* ERROR / CLIENT_ERROR / SERVER_ERROR (DUMP: any first line that is not a key,
                         e.g. BUSY); BINARY: a status other than 0 */
    const char *line; /* LINE and errors: the line without CR LF; BINARY: the value of the body */
    size_t len;
    struct mc_field *fields; /* STATS, DUMP */
    size_t nfields;
    struct mc_item *items; /* VALUES */
    size_t nitems;
    bool truncated;  /* DUMP: more lines than max_items (those past it are read and dropped) */
    bool cut;        /* DUMP: stopped at max_total bytes before END: the rest is still coming */
    uint8_t opcode;  /* BINARY */
    uint16_t status; /* BINARY */
};

struct mc_limits {
    size_t max_line;  /* one text line */
    size_t max_items; /* STAT lines, VALUE entries, dump lines kept (DUMP reads on to END) */
    size_t max_value; /* one VALUE data block, one binary body */
    size_t max_total; /* bytes of one reply */
};

extern const struct mc_limits mc_default_limits;

/* Parses one reply of `kind` from buf[0..len). MC_OK: *out is filled (free with mc_reply_free)
 * and *used is its length. MC_NEED_MORE: *used is how many bytes the buffer must hold at least
 * before a retry gets further. MC_BAD: not such a reply, or a cap broken; err says why. */
enum mc_status mc_parse(const char *buf, size_t len, enum mc_kind kind, const struct mc_limits *lim,
                        struct mc_reply *out, size_t *used, char *err, size_t errlen);
void mc_reply_free(struct mc_reply *r);

/* The value of STAT `name` in a STATS reply: true with *v, *vlen. */
bool mc_stat(const struct mc_reply *r, const char *name, const char **v, size_t *vlen);
/* The same as a count (digits only): true with *out. */
bool mc_stat_count(const struct mc_reply *r, const char *name, uint64_t *out);

/* A `stats items` name "items:<class>:<field>": true with the class and field. */
bool mc_items_name(const char *name, size_t nlen, unsigned *cls, const char **field, size_t *flen);

#define MC_MAX_KEY 250 /* the text protocol's key length limit */

/* One line of lru_crawler metadump. */
struct mc_dump_entry {
    char key[MC_MAX_KEY + 1]; /* URI-decoded, NUL-terminated */
    size_t klen;
    unsigned cls;  /* slab class (cls=) */
    uint64_t size; /* item size in bytes, overhead included (size=) */
    bool expires;  /* exp= is not -1 */
};
/* Parses a dump line; false when it has no usable key (missing, badly encoded, longer than
 * MC_MAX_KEY, or holding a space or control byte the text protocol cannot ask for). */
bool mc_dump_entry(const char *line, size_t len, struct mc_dump_entry *e);

/* A binary-protocol request header (24 bytes) for opcode with no body, into out. */
void mc_binary_request(unsigned char out[24], uint8_t opcode);
#define MC_BIN_VERSION 0x0b
#define MC_BIN_STAT 0x10
#define MC_BIN_SASL_LIST_MECHS 0x20

#endif
