/* etcd's JSON answers, parsed without I/O (so they are unit-tested and fuzzed on their own): the
 * /version object, the v3 gRPC-gateway replies (range counts and key-values with base64 keys and
 * values, member lists, maintenance status, errors), the v2 /v2/keys tree, and Kubernetes Secrets
 * as the apiserver stores them (JSON with base64 `data:` values, or protobuf after a 'k8s\0'
 * magic), turned into text the detector can read. Every output is bounded by its caller's buffer.
 * Facts from etcd's API reference (etcd.io/docs/v3.4/dev-guide/api_grpc_gateway/,
 * api_reference_v3): int64 fields are JSON strings, zero values are omitted, bytes are base64. */
#ifndef LS_ENGINES_ETCD_PARSE_H
#define LS_ENGINES_ETCD_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETCD_K8S_SECRETS "/registry/secrets/" /* where the apiserver keeps Secrets */

/* GET /version: {"etcdserver":"3.4.23","etcdcluster":"3.4.0"}. True only when both are version
 * strings (digits and dots, starting with a digit); copies them out. */
bool etcd_parse_version(const json_t *j, char *server, size_t ns, char *cluster, size_t nc);

/* A v3 reply's `header` object is present (every successful gateway answer carries one). */
bool etcd_has_header(const json_t *j);
/* An int64 field, given as a JSON string of digits or an integer; absent = 0 (proto3 omits zeros).
 * False if present but not a count. */
bool etcd_int_field(const json_t *j, const char *key, uint64_t *out);
/* The gateway's error: {"error":"etcdserver: user name is empty","code":3} -> "etcdserver: …",
 * or NULL when the object carries none. */
const char *etcd_error_text(const json_t *j);
/* Whether an error says that the request needs a user (auth is enabled). */
bool etcd_auth_error(const char *err);

/* Standard base64 (with or without padding) into out; -1 on a bad character or if it does not fit
 * in cap bytes, else the decoded length. */
long etcd_b64_decode(const char *in, size_t len, unsigned char *out, size_t cap);
/* Base64 of in[0..len) into out (NUL-terminated); -1 if it does not fit. */
int etcd_b64_encode(const unsigned char *in, size_t len, char *out, size_t cap);
/* The range_end of a prefix: the prefix with its last byte below 0xff incremented and the rest cut;
 * "\0" (the whole keyspace after it) when every byte is 0xff. Returns the length written (<= n). */
size_t etcd_prefix_end(const unsigned char *p, size_t n, unsigned char *out);

/* One key-value of a range reply, decoded (key and value each cut at their caps; `cut` says so). */
struct etcd_kv {
    unsigned char *key;
    size_t klen;
    unsigned char *value;
    size_t vlen;
    bool cut;
};
/* The `kvs` of a range reply: at most max entries decoded into out (keys up to max_key bytes,
 * values up to max_value), *more from the reply's `more`. Returns the count; entries whose key or
 * value is not base64 are skipped. Free with etcd_kvs_free. */
size_t etcd_parse_kvs(const json_t *j, struct etcd_kv *out, size_t max, size_t max_key, size_t max_value, bool *more);
void etcd_kvs_free(struct etcd_kv *kv, size_t n);

/* Members of /v3/cluster/member/list: calls fn for each, with its name ("" when unnamed) and its
 * peer and client URLs (at most 8 each). Returns the member count. */
typedef void (*etcd_member_fn)(void *ud, const char *name, const char *const *peer, size_t npeer,
                               const char *const *client, size_t nclient);
size_t etcd_parse_members(const json_t *j, etcd_member_fn fn, void *ud);

/* The v2 tree of GET /v2/keys/?recursive=true: calls fn for each leaf (key, value) in document
 * order, at most max_depth levels deep, and returns the leaf count. */
typedef void (*etcd_leaf_fn)(void *ud, const char *key, const char *value);
uint64_t etcd_v2_leaves(const json_t *node, unsigned max_depth, etcd_leaf_fn fn, void *ud);

/* "<ns>/<name>" of a key under /registry/secrets/ into out; false if k is not such a key. */
bool etcd_k8s_secret_name(const unsigned char *k, size_t klen, char *out, size_t n);
/* The readable text of a Kubernetes Secret value: for JSON (kind Secret), one line per `data`
 * entry "name: <decoded value>" and per `stringData` entry; for protobuf ('k8s\0' magic, then a
 * runtime.Unknown message whose raw field holds the Secret), every printable length-delimited
 * field, one per line, walking nested messages (at most 8 deep); bytes that are no well-formed
 * message give their printable runs of at least 4 bytes. Returns the length written into out (cut at
 * cap - 1, NUL-terminated), 0 when v is neither. */
size_t etcd_k8s_secret_text(const unsigned char *v, size_t vlen, char *out, size_t cap);

#endif
