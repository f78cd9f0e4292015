/* The MySQL/MariaDB client/server protocol, the parts a read-only client needs, parsed with bounds
 * on every length: packet framing (3-byte length + sequence id, a payload cap), the server-first
 * Initial Handshake v10, OK/ERR/EOF packets, the auth-switch request, length-encoded integers and
 * strings, and the text resultset (column count, column definitions, EOF, rows of length-encoded
 * strings with NULL as 0xFB, EOF/OK/ERR terminator). It also builds the few packets the client
 * sends (HandshakeResponse41, COM_QUERY, an auth-switch answer).
 *
 * Why our own parser and not libmariadb's non-blocking API (mysql_real_connect_start/_cont): the
 * library owns the socket and its own read loop, so it would not run on our ls_conn (timeouts,
 * byte caps, TLS-off choice, loopback guard) and its reads are bounded only by max_allowed_packet;
 * it also answers a server's LOAD DATA LOCAL request by reading a local file. A pure function
 * parser over byte buffers is small, fits the event loop, and can be fuzzed directly. We never set
 * CLIENT_DEPRECATE_EOF, CLIENT_SSL or CLIENT_LOCAL_FILES; a LOCAL INFILE request is refused. */
#ifndef LS_ENGINES_MYSQL_PROTO_H
#define LS_ENGINES_MYSQL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MYSQL_HDR 4
#define MYSQL_SPLIT 0xFFFFFFu /* a payload of exactly this length continues in the next packet */

/* Capability flags (only those we use or check). */
#define MYSQL_CLIENT_LONG_PASSWORD 0x00000001u
#define MYSQL_CLIENT_LONG_FLAG 0x00000004u
#define MYSQL_CLIENT_CONNECT_WITH_DB 0x00000008u
#define MYSQL_CLIENT_LOCAL_FILES 0x00000080u
#define MYSQL_CLIENT_PROTOCOL_41 0x00000200u
#define MYSQL_CLIENT_SSL 0x00000800u
#define MYSQL_CLIENT_TRANSACTIONS 0x00002000u
#define MYSQL_CLIENT_SECURE_CONNECTION 0x00008000u
#define MYSQL_CLIENT_PLUGIN_AUTH 0x00080000u
#define MYSQL_CLIENT_PLUGIN_AUTH_LENENC 0x00200000u
#define MYSQL_CLIENT_DEPRECATE_EOF 0x01000000u

enum mysql_status { MYSQL_DONE = 0, MYSQL_MORE = 1, MYSQL_BAD = -1 };

struct mysql_packet {
    const uint8_t *p; /* payload */
    size_t len;
    uint8_t seq;
};

/* Frames one packet at buf[0..n). MYSQL_DONE: *pkt and *used (header + payload). MYSQL_MORE: *used
 * is the total the packet needs. MYSQL_BAD: the payload is over `cap` or is split (0xFFFFFF). */
enum mysql_status mysql_frame(const uint8_t *buf, size_t n, size_t cap, struct mysql_packet *pkt, size_t *used);

/* Length-encoded integer at p[*pos..n): 0 and *pos advanced; 1 for NULL (0xFB); -1 if truncated or
 * 0xFF. */
int mysql_lenenc_int(const uint8_t *p, size_t n, size_t *pos, uint64_t *out);
/* Length-encoded string: 0 with *s and *len pointing into p; 1 for NULL; -1 if it overruns p[0..n). */
int mysql_lenenc_str(const uint8_t *p, size_t n, size_t *pos, const uint8_t **s, size_t *len);

struct mysql_handshake {
    uint8_t protocol; /* 10 */
    char version[64]; /* NUL-terminated server version, printable */
    uint32_t conn_id;
    uint8_t scramble[32]; /* auth-plugin-data parts 1 and 2 (without the trailing NUL) */
    size_t scramble_len;
    uint32_t caps;
    uint8_t charset;
    uint16_t status;
    char plugin[64]; /* auth plugin name, "" if the server sent none */
};

/* A greeting: true for a well-formed Initial Handshake v10 whose version string is printable and
 * starts with a digit; why says what was wrong otherwise. */
bool mysql_parse_handshake(const uint8_t *p, size_t n, struct mysql_handshake *h, char *why, size_t whyn);

struct mysql_err {
    uint16_t code;
    char state[6]; /* SQL state, "" when the packet had none (pre-login errors) */
    char msg[512]; /* printable (control bytes become '?') */
};

/* ERR packet (0xFF, code, optional '#' + 5-char SQL state, message). */
bool mysql_parse_err(const uint8_t *p, size_t n, struct mysql_err *e);
static inline bool mysql_is_err(const uint8_t *p, size_t n)
{
    return n >= 3 && p[0] == 0xFF;
}
/* OK packet (0x00, affected rows, last insert id, status, warnings); EOF packet (0xFE, < 9 bytes). */
bool mysql_is_ok(const uint8_t *p, size_t n);
static inline bool mysql_is_eof(const uint8_t *p, size_t n)
{
    return n >= 1 && n < 9 && p[0] == 0xFE;
}

/* Auth switch request: 0xFE, plugin name NUL, plugin data. True with the plugin name copied. */
bool mysql_parse_auth_switch(const uint8_t *p, size_t n, char *plugin, size_t pn, const uint8_t **data, size_t *dlen);

/* Writes a 4-byte header for payload length len and sequence seq into out. */
void mysql_put_header(uint8_t *out, size_t len, uint8_t seq);
/* HandshakeResponse41 (header included) into out[0..cap); its length, 0 if it does not fit. */
size_t mysql_build_login(uint8_t *out, size_t cap, uint32_t caps, uint8_t charset, const char *user,
                         const uint8_t *auth, size_t alen, const char *plugin);
/* COM_QUERY with sql (header included); malloc'd, *len set; NULL if too long or out of memory. */
uint8_t *mysql_build_query(const char *sql, size_t *len);

/* The text resultset as a state machine fed one packet at a time (the answer to COM_QUERY). */
enum mysql_rs_event {
    MYSQL_RS_CONT, /* consumed; feed the next packet */
    MYSQL_RS_ROW,  /* a row: rs->cells/lens/ncells (cells point into the packet, NULL for SQL NULL) */
    MYSQL_RS_END,  /* the result is complete (or was a bare OK) */
    MYSQL_RS_ERR,  /* the server sent ERR: rs->err */
    MYSQL_RS_BAD,  /* malformed or over a cap: rs->why */
};

struct mysql_rs {
    int state;
    uint64_t ncols;
    size_t max_cols;
    size_t defs_seen;
    char **names; /* column names (NUL-terminated, at most 255 bytes each) */
    const uint8_t **cells;
    size_t *lens;
    size_t ncells;
    uint64_t rows;
    struct mysql_err err;
    char why[128];
};

void mysql_rs_init(struct mysql_rs *rs, size_t max_cols);
enum mysql_rs_event mysql_rs_feed(struct mysql_rs *rs, const uint8_t *p, size_t n);
void mysql_rs_free(struct mysql_rs *rs);

#endif
