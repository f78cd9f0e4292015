/* AMQP 0-9-1 as far as a fingerprint needs it: the client's protocol header and the server's first
 * frame, Connection.Start (AMQP 0-9-1 specification, sections 2.3.5 frame format and 4.2.3 field
 * tables; class 10 method 10), whose server-properties table names the product and its version.
 * A bounded parser of that one frame: only top-level long-string fields are read, nested tables
 * and arrays are skipped by their length prefix (no recursion), at most AMQP_MAX_FIELDS fields. */
#ifndef LS_ENGINES_RABBITMQ_AMQP_PROTO_H
#define LS_ENGINES_RABBITMQ_AMQP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define AMQP_MAX_FRAME (64u * 1024) /* a Connection.Start is about 500 bytes */
#define AMQP_MAX_FIELDS 256

extern const unsigned char amqp_header[8]; /* "AMQP" 0 0 9 1 */

struct amqp_start {
    unsigned version_major, version_minor; /* of the protocol: 0 9 */
    char product[64];                      /* server-properties "product", e.g. "RabbitMQ" */
    char version[64];                      /* "version", e.g. "3.10.8" */
    char platform[64];                     /* "platform", e.g. "Erlang/OTP 25.2.3" */
    char cluster_name[128];                /* "cluster_name" (RabbitMQ) */
    char mechanisms[128];                  /* SASL mechanisms, e.g. "PLAIN AMQPLAIN" */
};

enum amqp_status {
    AMQP_NEED_MORE = 0, /* *need says how many bytes in all */
    AMQP_START = 1,     /* a Connection.Start frame, parsed into out */
    AMQP_HEADER = 2,    /* the server answered with its own protocol header (it does not speak ours) */
    AMQP_BAD = -1       /* not AMQP 0-9-1's Connection.Start; err says why */
};

/* Parses the server's first bytes b[0..n). Strings are copied with control bytes as '?'. */
enum amqp_status amqp_parse_start(const unsigned char *b, size_t n, struct amqp_start *out, size_t *need, char *err,
                                  size_t errn);

#endif
