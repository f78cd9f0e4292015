/* Parsers of etcd's JSON answers and of Kubernetes Secret values (see etcd_parse.h). No I/O, no
 * global state; every loop is bounded by its input and every write by its caller's capacity. */
#include "engines/etcd/etcd_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"
#include "util/strbuf.h"
#include "util/textutil.h"

static bool version_like(const char *v)
{
    if (!v || v[0] < '0' || v[0] > '9' || strlen(v) > 40)
        return false;
    for (const char *c = v; *c; c++)
        if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '+' || (*c >= 'a' && *c <= 'z')))
            return false;
    return strchr(v, '.') != NULL;
}

bool etcd_parse_version(const json_t *j, char *server, size_t ns, char *cluster, size_t nc)
{
    if (!json_is_object(j))
        return false;
    const char *sv = json_string_value(json_object_get(j, "etcdserver"));
    const char *cv = json_string_value(json_object_get(j, "etcdcluster"));
    /* etcdcluster is "not_decided" until the members agree on a version */
    if (!version_like(sv) || !cv || (!version_like(cv) && strcmp(cv, "not_decided") != 0))
        return false;
    snprintf(server, ns, "%s", sv);
    snprintf(cluster, nc, "%s", cv);
    return true;
}

bool etcd_has_header(const json_t *j)
{
    return json_is_object(json_object_get(j, "header"));
}

bool etcd_int_field(const json_t *j, const char *key, uint64_t *out)
{
    const json_t *v = json_object_get(j, key);
    *out = 0;
    if (!v)
        return true;
    if (json_is_string(v))
        return ls_parse_count(json_string_value(v), json_string_length(v), out);
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return true;
    }
    return false;
}

const char *etcd_error_text(const json_t *j)
{
    const char *e = json_string_value(json_object_get(j, "error"));
    if (!e || !e[0])
        e = json_string_value(json_object_get(j, "message"));
    return e && e[0] ? e : NULL;
}

bool etcd_auth_error(const char *err)
{
    static const char *const words[] = {"user name is empty",    "invalid auth token",  "permission denied",
                                        "authentication failed", "user name not found", NULL};
    for (const char *const *w = words; err && *w; w++)
        if (strstr(err, *w))
            return true;
    return false;
}

/* ---- base64 ----------------------------------------------------------------------------------- */

long etcd_b64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
    while (len && in[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return -1;
    size_t n = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = ls_b64_value((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= cap)
                return -1;
            out[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return (long)n;
}

int etcd_b64_encode(const unsigned char *in, size_t len, char *out, size_t cap)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (len > (SIZE_MAX - 1) / 4 * 3 - 3 || cap < (len + 2) / 3 * 4 + 1)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < len ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return 0;
}

size_t etcd_prefix_end(const unsigned char *p, size_t n, unsigned char *out)
{
    size_t k = n;
    while (k > 0 && p[k - 1] == 0xff)
        k--;
    if (k == 0) {
        out[0] = '\0';
        return 1;
    }
    memcpy(out, p, k);
    out[k - 1]++;
    return k;
}

/* ---- range replies ---------------------------------------------------------------------------- */

/* A base64 string field decoded into a fresh buffer of at most cap bytes (longer input is decoded
 * from its head: a multiple of 4 characters). */
static bool decode_field(const json_t *kv, const char *name, size_t cap, unsigned char **out, size_t *len, bool *cut)
{
    const json_t *f = json_object_get(kv, name);
    *out = NULL;
    *len = 0;
    if (!f) /* proto3 omits empty bytes */
        return (*out = calloc(1, 1)) != NULL;
    if (!json_is_string(f))
        return false;
    size_t slen = json_string_length(f);
    size_t need = slen / 4 * 3 + 3;
    if (need > cap) {
        slen = (cap / 3) * 4;
        need = cap;
        *cut = true;
    }
    *out = malloc(need + 1);
    if (!*out)
        return false;
    long n = etcd_b64_decode(json_string_value(f), slen, *out, need);
    if (n < 0) {
        free(*out);
        *out = NULL;
        return false;
    }
    (*out)[n] = '\0';
    *len = (size_t)n;
    return true;
}

size_t etcd_parse_kvs(const json_t *j, struct etcd_kv *out, size_t max, size_t max_key, size_t max_value, bool *more)
{
    const json_t *kvs = json_object_get(j, "kvs");
    const json_t *m = json_object_get(j, "more");
    *more = json_is_true(m);
    size_t n = 0;
    for (size_t i = 0; json_is_array(kvs) && i < json_array_size(kvs) && n < max; i++) {
        const json_t *kv = json_array_get(kvs, i);
        struct etcd_kv e = {0};
        if (!json_is_object(kv))
            continue;
        bool ok = decode_field(kv, "key", max_key, &e.key, &e.klen, &e.cut) && e.klen > 0 &&
                  decode_field(kv, "value", max_value, &e.value, &e.vlen, &e.cut);
        if (!ok || json_object_get(kv, "key") == NULL) {
            free(e.key);
            free(e.value);
            continue;
        }
        out[n++] = e;
    }
    return n;
}

void etcd_kvs_free(struct etcd_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
        kv[i].key = kv[i].value = NULL;
    }
}

/* ---- members ---------------------------------------------------------------------------------- */

#define MEMBER_URLS 8

static size_t urls(const json_t *a, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && n < MEMBER_URLS; i++) {
        const char *u = json_string_value(json_array_get(a, i));
        if (u && u[0])
            out[n++] = u;
    }
    return n;
}

size_t etcd_parse_members(const json_t *j, etcd_member_fn fn, void *ud)
{
    const json_t *ms = json_object_get(j, "members");
    size_t count = 0;
    for (size_t i = 0; json_is_array(ms) && i < json_array_size(ms); i++) {
        const json_t *m = json_array_get(ms, i);
        if (!json_is_object(m))
            continue;
        const char *name = json_string_value(json_object_get(m, "name"));
        const char *peer[MEMBER_URLS], *client[MEMBER_URLS];
        size_t np = urls(json_object_get(m, "peerURLs"), peer);
        size_t nc = urls(json_object_get(m, "clientURLs"), client);
        fn(ud, name ? name : "", peer, np, client, nc);
        count++;
    }
    return count;
}

/* ---- v2 --------------------------------------------------------------------------------------- */

uint64_t etcd_v2_leaves(const json_t *node, unsigned max_depth, etcd_leaf_fn fn, void *ud)
{
    if (!json_is_object(node) || max_depth == 0)
        return 0;
    if (json_is_true(json_object_get(node, "dir"))) {
        const json_t *nodes = json_object_get(node, "nodes");
        uint64_t n = 0;
        for (size_t i = 0; json_is_array(nodes) && i < json_array_size(nodes); i++)
            n = ls_count_add(n, etcd_v2_leaves(json_array_get(nodes, i), max_depth - 1, fn, ud));
        return n;
    }
    const char *key = json_string_value(json_object_get(node, "key"));
    const char *value = json_string_value(json_object_get(node, "value"));
    if (!key)
        return 0;
    if (fn)
        fn(ud, key, value ? value : "");
    return 1;
}

/* ---- Kubernetes Secrets ----------------------------------------------------------------------- */

bool etcd_k8s_secret_name(const unsigned char *k, size_t klen, char *out, size_t n)
{
    size_t pl = strlen(ETCD_K8S_SECRETS);
    if (klen <= pl || memcmp(k, ETCD_K8S_SECRETS, pl) != 0 || n == 0)
        return false;
    size_t o = 0;
    for (size_t i = pl; i < klen && o + 1 < n; i++)
        out[o++] = k[i] >= 0x20 && k[i] < 0x7f ? (char)k[i] : '?';
    out[o] = '\0';
    return strchr(out, '/') != NULL;
}

/* ---- protobuf (the apiserver's 'k8s\0' storage) ---------------------------------------------- */

#define PB_MAX_DEPTH 8

static bool pb_varint(const unsigned char *p, size_t n, size_t *i, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*i >= n)
            return false;
        unsigned char c = p[(*i)++];
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return true;
    }
    return false;
}

static bool all_printable(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\n' && p[i] != '\t')
            return false;
    return n > 0;
}

/* Walks one protobuf message: length-delimited fields that are printable text become lines of b;
 * those that parse as messages are walked in turn. Returns false (writing nothing) if p[0..n) is
 * not a well-formed message. */
static bool pb_walk(const unsigned char *p, size_t n, unsigned depth, struct ls_strbuf *b, bool emit)
{
    size_t i = 0;
    while (i < n) {
        uint64_t tag, v;
        if (!pb_varint(p, n, &i, &tag) || (tag >> 3) == 0)
            return false;
        switch (tag & 7) {
        case 0:
            if (!pb_varint(p, n, &i, &v))
                return false;
            break;
        case 1:
        case 5: {
            size_t w = (tag & 7) == 1 ? 8 : 4;
            if (n - i < w)
                return false;
            i += w;
            break;
        }
        case 2:
            if (!pb_varint(p, n, &i, &v) || v > n - i)
                return false;
            if (emit) {
                const unsigned char *f = p + i;
                if (all_printable(f, (size_t)v)) {
                    ls_sb_append_n(b, (const char *)f, (size_t)v);
                    ls_sb_append(b, "\n");
                } else if (depth + 1 < PB_MAX_DEPTH && pb_walk(f, (size_t)v, depth + 1, b, false)) {
                    pb_walk(f, (size_t)v, depth + 1, b, true);
                }
            }
            i += (size_t)v;
            break;
        default: return false;
        }
    }
    return true;
}

/* Printable runs of at least 4 bytes, one per line: what is left when the bytes are no message. */
static void printable_runs(const unsigned char *v, size_t vlen, struct ls_strbuf *b)
{
    size_t start = 0;
    for (size_t i = 0; i <= vlen; i++) {
        bool pr = i < vlen && v[i] >= 0x20 && v[i] < 0x7f;
        if (pr)
            continue;
        if (i - start >= 4) {
            ls_sb_append_n(b, (const char *)v + start, i - start);
            ls_sb_append(b, "\n");
        }
        start = i + 1;
    }
}

static void json_secret(const json_t *root, struct ls_strbuf *b)
{
    const char *name;
    const json_t *val;
    json_object_foreach((json_t *)json_object_get(root, "data"), name, val)
    {
        const char *s = json_string_value(val);
        if (!s)
            continue;
        size_t sl = json_string_length(val);
        unsigned char *dec = malloc(sl / 4 * 3 + 4);
        long n = dec ? etcd_b64_decode(s, sl, dec, sl / 4 * 3 + 3) : -1;
        ls_sb_printf(b, "%s: ", name);
        if (n >= 0)
            ls_sb_append_n(b, (const char *)dec, (size_t)n);
        else
            ls_sb_append_n(b, s, sl); /* not base64: as stored */
        ls_sb_append(b, "\n");
        free(dec);
    }
    json_object_foreach((json_t *)json_object_get(root, "stringData"), name, val)
    {
        if (json_is_string(val))
            ls_sb_printf(b, "%s: %s\n", name, json_string_value(val));
    }
}

size_t etcd_k8s_secret_text(const unsigned char *v, size_t vlen, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    struct ls_strbuf b;
    ls_sb_init(&b, out, cap);
    if (vlen >= 4 && memcmp(v, "k8s\0", 4) == 0) {
        if (pb_walk(v + 4, vlen - 4, 0, &b, false))
            pb_walk(v + 4, vlen - 4, 0, &b, true);
        else
            printable_runs(v + 4, vlen - 4, &b);
        return b.len;
    }
    size_t i = 0;
    while (i < vlen && (v[i] == ' ' || v[i] == '\n' || v[i] == '\r' || v[i] == '\t'))
        i++;
    if (i >= vlen || v[i] != '{')
        return 0;
    json_error_t err;
    json_t *root = json_loadb((const char *)v, vlen, 0, &err);
    const char *kind = json_string_value(json_object_get(root, "kind"));
    if (kind && strcmp(kind, "Secret") == 0)
        json_secret(root, &b);
    json_decref(root);
    return b.len;
}
