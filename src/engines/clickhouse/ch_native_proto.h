/* ClickHouse native protocol codec, client side, declaring revision 54401 (see
 * shared reference §2). Encoders append to a libevent evbuffer; the decoder is a bounded push
 * parser over a contiguous byte range: it returns CH_NEED_MORE until a whole packet is present,
 * never reads past `len`, and rejects sizes and counts beyond the CH_MAX_* limits.
 * Decoded strings point into the caller's buffer (no copies) unless stated otherwise, so the
 * packet is valid only while that buffer is unchanged. */
#ifndef LS_ENGINES_CH_NATIVE_PROTO_H
#define LS_ENGINES_CH_NATIVE_PROTO_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;

#define CH_CLIENT_REVISION 54401
#define CH_MAX_PACKET (32u << 20) /* one server packet larger than this is an error */
#define CH_MAX_STRING (16u << 20)
#define CH_MAX_COLUMNS 4096
#define CH_MAX_ROWS 1000000

enum ch_status { CH_OK = 0, CH_NEED_MORE = 1, CH_ERROR = -1 };

enum ch_server_packet {
    CH_SRV_HELLO = 0,
    CH_SRV_DATA = 1,
    CH_SRV_EXCEPTION = 2,
    CH_SRV_PROGRESS = 3,
    CH_SRV_PONG = 4,
    CH_SRV_END_OF_STREAM = 5,
    CH_SRV_PROFILE_INFO = 6,
    CH_SRV_TOTALS = 7,
    CH_SRV_EXTREMES = 8,
};

struct ch_str {
    const char *p;
    size_t len;
};

struct ch_hello {
    struct ch_str name; /* "ClickHouse" */
    uint64_t major, minor, revision, patch;
    struct ch_str timezone; /* empty if the effective revision is too old */
    struct ch_str display_name;
};

struct ch_exception {
    int32_t code;
    struct ch_str name;    /* "DB::Exception" */
    struct ch_str message; /* display text of the outermost exception */
    struct ch_str stack_trace;
    unsigned nested; /* how many nested exceptions followed (skipped) */
};

/* A column of a Data block. Every value is exposed as text: String/FixedString as their bytes,
 * integers, floats, Date and DateTime rendered into `text_storage`. NULLs of Nullable(T) have
 * is_null set. */
struct ch_column {
    struct ch_str name, type;
    struct ch_str *cells;   /* nrows entries (owned array; the bytes may point into the input) */
    unsigned char *is_null; /* nrows entries, or NULL when the column is not Nullable */
    char *text_storage;     /* owned backing store for rendered numbers */
};

struct ch_block {
    struct ch_str table_name;
    uint64_t ncols, nrows;
    struct ch_column *cols; /* owned */
};

struct ch_progress {
    uint64_t rows, bytes, total_rows;
};

struct ch_packet {
    enum ch_server_packet type;
    union {
        struct ch_hello hello;
        struct ch_exception exception;
        struct ch_block block; /* DATA, TOTALS, EXTREMES */
        struct ch_progress progress;
    } u;
};

/* Client Hello as `user`/`password` (declares CH_CLIENT_REVISION). */
int ch_encode_hello(struct evbuffer *out, const char *client_name, const char *user, const char *password);
/* Query packet (stage Complete, no compression) followed by the empty external-tables Data block.
 * `settings` is an array of name/value pairs (BINARY form: values sent as VarUInt when they parse
 * as unsigned integers, else as strings), `nsettings` pairs; may be 0. */
int ch_encode_query(struct evbuffer *out, const char *query_id, const char *sql, const char *const (*settings)[2],
                    size_t nsettings);
int ch_encode_ping(struct evbuffer *out);

/* Decodes one server packet from buf[0..len). `server_revision` is 0 until the Hello is decoded
 * (the Hello itself carries it); afterwards pass the server's revision. On CH_OK sets *consumed;
 * on CH_ERROR writes a one-line reason into err. Call ch_packet_clear() after every CH_OK.
 * On CH_NEED_MORE sets *consumed to a lower bound (> len) of the packet's total length: waiting
 * until that many bytes are buffered avoids re-scanning a large partial block on every read. */
enum ch_status ch_decode_packet(const uint8_t *buf, size_t len, uint64_t server_revision, struct ch_packet *pkt,
                                size_t *consumed, char *err, size_t errlen);
void ch_packet_clear(struct ch_packet *pkt);

/* Low-level primitives, exposed for tests. Return CH_OK/CH_NEED_MORE/CH_ERROR; advance *pos. */
enum ch_status ch_read_varuint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *out);
enum ch_status ch_read_string(const uint8_t *buf, size_t len, size_t *pos, struct ch_str *out);
int ch_write_varuint(struct evbuffer *out, uint64_t v);
int ch_write_string(struct evbuffer *out, const char *s, size_t len);

#endif
