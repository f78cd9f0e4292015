/* ZooKeeper's client wire format, bounded: jute encoding (big-endian int/long, bool as one byte,
 * buffer and ustring as a 4-byte length then bytes, -1 = null; vectors as a 4-byte count) in
 * frames with a 4-byte length prefix. Encoders for the few requests leakscan sends (the
 * ConnectRequest and read-only requests on one path) and decoders for their replies. Every decoder
 * checks every length against the bytes it was given; no allocation. Facts from the ZooKeeper
 * source (zookeeper.jute, ZooDefs.OpCode, KeeperException.Code) as shipped in Debian's
 * zookeeper 3.8.0 jars. */
#ifndef LS_ENGINES_ZK_JUTE_H
#define LS_ENGINES_ZK_JUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ZooDefs.OpCode: only the read-only requests leakscan sends (and closeSession). */
enum {
    ZK_OP_GET_DATA = 4,
    ZK_OP_GET_ACL = 6,
    ZK_OP_GET_CHILDREN2 = 12,
    ZK_OP_GET_ALL_CHILDREN_NUMBER = 104, /* 3.6+ */
    ZK_OP_CLOSE_SESSION = -11,
};
/* KeeperException.Code values leakscan names. */
enum {
    ZK_OK = 0,
    ZK_ERR_UNIMPLEMENTED = -6,
    ZK_ERR_NONODE = -101,
    ZK_ERR_NOAUTH = -102,
    ZK_ERR_AUTHFAILED = -115,
    ZK_ERR_SASL_REQUIRED = -124, /* SESSIONCLOSEDREQUIRESASLAUTH */
};
/* ZooDefs.Perms */
enum { ZK_PERM_READ = 1, ZK_PERM_WRITE = 2, ZK_PERM_CREATE = 4, ZK_PERM_DELETE = 8, ZK_PERM_ADMIN = 16 };

#define ZK_CONNECT_REQUEST_LEN 49 /* frame prefix + protocolVersion … passwd(16) + readOnly */
#define ZK_STAT_LEN 68

struct zk_reader {
    const uint8_t *p;
    size_t len, off;
    bool bad; /* a read went past the end or a length was impossible: every later read fails */
};

void zk_reader_init(struct zk_reader *r, const void *p, size_t len);
int32_t zk_read_int(struct zk_reader *r);
int64_t zk_read_long(struct zk_reader *r);
bool zk_read_bool(struct zk_reader *r);
/* A buffer or ustring: *p points into the input (NULL and *len 0 for a null one). false (and bad)
 * when its length is below -1 or beyond the input. */
bool zk_read_buffer(struct zk_reader *r, const uint8_t **p, size_t *len);
/* A vector's count: -1 (null) reads as 0; false (and bad) when negative otherwise or when the
 * remaining input cannot hold `count` items of at least min_item bytes. */
bool zk_read_count(struct zk_reader *r, size_t min_item, size_t *count);
static inline bool zk_reader_done(const struct zk_reader *r)
{
    return !r->bad && r->off == r->len;
}

/* Framing: the 4-byte big-endian length of the frame at buf. ZK_FRAME_OK with the payload at
 * buf+4, *payload_len bytes, *used = 4 + payload; NEED_MORE (need *used bytes in all); BAD for a
 * negative length or one above max. */
enum zk_frame { ZK_FRAME_OK, ZK_FRAME_NEED_MORE, ZK_FRAME_BAD };
enum zk_frame zk_frame(const uint8_t *buf, size_t avail, size_t max, size_t *payload_len, size_t *used);

/* The ConnectRequest of a new session (protocolVersion 0, lastZxidSeen 0, timeOut ms, sessionId
 * 0, a zeroed 16-byte password, readOnly false), framed. Writes ZK_CONNECT_REQUEST_LEN bytes. */
size_t zk_encode_connect(uint8_t *out, size_t cap, int32_t timeout_ms);
/* A request on one path, framed: RequestHeader {xid, op} then the path (a ustring), then
 * `watch` = false for getData and getChildren2. closeSession has no path (path NULL). Returns
 * the length written, 0 if it does not fit or the path is longer than 65535. */
size_t zk_encode_request(uint8_t *out, size_t cap, int32_t xid, int32_t op, const char *path);

/* The ConnectResponse: protocolVersion, timeOut, sessionId, passwd (16 bytes), optionally
 * readOnly. Valid only as ZooKeeper sends it: version 0, a 16-byte password, 36 or 37 bytes. */
struct zk_connect_response {
    int32_t protocol_version;
    int32_t timeout_ms;
    int64_t session_id;
    bool read_only;
};
bool zk_parse_connect_response(const uint8_t *payload, size_t len, struct zk_connect_response *out);

/* ReplyHeader {xid, zxid, err}; the body follows at r->off. */
struct zk_reply_header {
    int32_t xid;
    int64_t zxid;
    int32_t err;
};
bool zk_read_reply_header(struct zk_reader *r, struct zk_reply_header *h);

struct zk_stat {
    int64_t czxid, mzxid, ctime, mtime;
    int32_t version, cversion, aversion;
    int64_t ephemeral_owner;
    int32_t data_length, num_children;
    int64_t pzxid;
};
bool zk_read_stat(struct zk_reader *r, struct zk_stat *st);

/* One ACL entry of a GetACLResponse: perms, then the Id {scheme, id}, pointing into the input. */
struct zk_acl {
    int32_t perms;
    const uint8_t *scheme, *id;
    size_t scheme_len, id_len;
};
bool zk_read_acl(struct zk_reader *r, struct zk_acl *a);
/* "cdrwa" letters of perms (ZooKeeper's own order) into out (at least 6 bytes). */
void zk_perms_text(int32_t perms, char *out);
/* "scheme:id:perms" of one ACL into out; a digest id keeps only its user ("digest:app:…"), never
 * the password hash. Control bytes become '?'. */
void zk_acl_text(const struct zk_acl *a, char *out, size_t n);
/* Whether a grants the anyone-identity (world:anyone) */
bool zk_acl_is_world(const struct zk_acl *a);

/* A GetACLResponse body (vector<ACL>, Stat): the entries as text, ", "-separated, into out, and
 * the perms world:anyone holds into *world. false if malformed. */
bool zk_parse_acl_list(const uint8_t *body, size_t len, char *out, size_t n, int32_t *world);
/* A GetChildren2Response body (vector<ustring>, Stat): calls each(ud, name, len) for the first
 * `max` children (names point into body), sets *count to how many the server listed and *st to the
 * stat. false if malformed (children may have been delivered already). */
bool zk_parse_children2(const uint8_t *body, size_t len, size_t max,
                        void (*each)(void *ud, const uint8_t *name, size_t len), void *ud, size_t *count,
                        struct zk_stat *st);

#endif
