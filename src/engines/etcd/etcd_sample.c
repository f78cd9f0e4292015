/* etcd sampling (stream_rows for one unit). v3 units: pages of POST /v3/kv/range with a `limit`
 * (ETCD_PAGE) over the unit's key segments — the Secrets unit is [/registry/secrets/, its prefix
 * end); the "*" unit is the whole keyspace around it — each next page starting just after the
 * last key seen; a page larger than ETCD_PAGE_REPLY is asked again with half the limit, and a
 * single key-value larger than that is skipped after a keys_only read of its name. Each key-value
 * is a row {key, value (at most ETCD_MAX_VALUE bytes), data}; `data` is the decoded text of a
 * Kubernetes Secret (etcd_k8s_secret_text). The v2 unit: the recursive /v2/keys tree again, its
 * leaves as rows {key, value}. Bounded by the row cap, the byte cap and ETCD_MAX_PAGES. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/etcd/etcd_int.h"
#include "util/strbuf.h"

struct seg {
    unsigned char start[64], end[64];
    size_t slen, elen;
};

struct etcd_sample {
    ls_row_cb row;
    struct seg segs[2];
    size_t nseg, cur;
    unsigned char cursor[ETCD_MAX_KEY + 1];
    size_t clen;
    uint64_t cap, rows, bytes, max_bytes;
    unsigned limit, pages;
    bool skip_next; /* the next key is too large: read its name only, then step over it */
    char data[ETCD_MAX_VALUE + 1];
    struct etcd_kv kvs[ETCD_PAGE];
    size_t nkvs;
};

void etcd_sample_free(struct etcd *e)
{
    if (!e->sample)
        return;
    etcd_kvs_free(e->sample->kvs, e->sample->nkvs);
    free(e->sample);
    e->sample = NULL;
}

static void end_sample(struct ls_session *s, enum ls_step result, const char *why)
{
    struct etcd *e = s->priv;
    if (why) {
        free(s->svc.error);
        s->svc.error = strdup(why);
    }
    etcd_sample_free(e);
    etcd_step_end(e, result);
}

static void note_secret(struct etcd *e, const char *name, bool read)
{
    size_t used = strlen(e->f.secret_names);
    struct ls_strbuf b;
    ls_sb_init(&b, e->f.secret_names + used, sizeof e->f.secret_names - used);
    ls_sb_printf(&b, "%s%s", used ? ", " : "", name);
    ls_sb_mark_cut(&b, "…");
    e->f.secrets_read += read;
}

static void deliver(struct ls_session *s, const struct etcd_kv *kv)
{
    struct etcd *e = s->priv;
    struct etcd_sample *sm = e->sample;
    static const char *const names[] = {"key", "value", "data"};
    size_t dlen = etcd_k8s_secret_text(kv->value, kv->vlen, sm->data, sizeof sm->data);
    char sname[256];
    if (etcd_k8s_secret_name(kv->key, kv->klen, sname, sizeof sname))
        note_secret(e, sname, dlen > 0);
    char *cells[3] = {(char *)kv->key, (char *)kv->value, sm->data};
    size_t lens[3] = {kv->klen, kv->vlen, dlen};
    sm->rows++;
    sm->bytes += kv->klen + kv->vlen;
    sm->row(s, names, cells, lens, dlen ? 3 : 2);
}

static void next_page(struct ls_session *s);

/* The cursor moves just past key k (k + "\0"); false if k was cut (its successor is unknown). */
static bool step_past(struct etcd_sample *sm, const struct etcd_kv *kv)
{
    if (kv->klen >= ETCD_MAX_KEY)
        return false;
    memcpy(sm->cursor, kv->key, kv->klen);
    sm->cursor[kv->klen] = '\0';
    sm->clen = kv->klen + 1;
    return true;
}

static void next_segment(struct ls_session *s)
{
    struct etcd_sample *sm = ((struct etcd *)s->priv)->sample;
    if (++sm->cur >= sm->nseg) {
        end_sample(s, LS_STEP_OK, NULL);
        return;
    }
    memcpy(sm->cursor, sm->segs[sm->cur].start, sm->segs[sm->cur].slen);
    sm->clen = sm->segs[sm->cur].slen;
    next_page(s);
}

static void on_page(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct etcd *e = s->priv;
    struct etcd_sample *sm = e->sample;
    char why[300];
    if (!r->ok && r->err && strstr(r->err, "byte cap") && !sm->skip_next) {
        if (sm->limit > 1)
            sm->limit /= 2;
        else
            sm->skip_next = true;
        next_page(s);
        return;
    }
    if (!r->ok || r->status != 200 || !etcd_has_header(r->json)) {
        const char *err = r->json ? etcd_error_text(r->json) : NULL;
        snprintf(why, sizeof why, "POST /v3/kv/range: %s",
                 !r->ok ? (r->err ? r->err : "no response")
                 : err  ? err
                        : "not a range reply");
        end_sample(s, LS_STEP_FAILED, why);
        return;
    }
    bool more;
    sm->nkvs = etcd_parse_kvs(r->json, sm->kvs, ETCD_PAGE, ETCD_MAX_KEY, ETCD_MAX_VALUE, &more);
    bool cont = sm->nkvs > 0;
    for (size_t i = 0; i < sm->nkvs && sm->rows < sm->cap; i++)
        deliver(s, &sm->kvs[i]);
    if (sm->nkvs)
        cont = step_past(sm, &sm->kvs[sm->nkvs - 1]);
    etcd_kvs_free(sm->kvs, sm->nkvs);
    sm->nkvs = 0;
    sm->skip_next = false;
    if (sm->rows >= sm->cap || sm->bytes >= sm->max_bytes || sm->pages >= ETCD_MAX_PAGES) {
        end_sample(s, LS_STEP_OK, NULL);
        return;
    }
    if (more && cont) {
        next_page(s);
        return;
    }
    next_segment(s);
}

static void next_page(struct ls_session *s)
{
    struct etcd *e = s->priv;
    struct etcd_sample *sm = e->sample;
    const struct seg *g = &sm->segs[sm->cur];
    uint64_t want = sm->cap - sm->rows;
    unsigned limit = want < sm->limit ? (unsigned)want : sm->limit;
    char extra[64], body[12288];
    if (sm->skip_next)
        snprintf(extra, sizeof extra, "\"limit\":1,\"keys_only\":true");
    else
        snprintf(extra, sizeof extra, "\"limit\":%u", limit);
    if (etcd_range_body(sm->cursor, sm->clen, g->end, g->elen, extra, body, sizeof body) < 0) {
        next_segment(s);
        return;
    }
    sm->pages++;
    uint64_t cap = sm->max_bytes < ETCD_PAGE_REPLY ? sm->max_bytes : ETCD_PAGE_REPLY;
    etcd_request(e, "POST", "/v3/kv/range", body, cap, on_page);
}

/* ---- v2 --------------------------------------------------------------------------------------- */

struct leaf_ctx {
    struct ls_session *s;
    uint64_t left;
};

static void v2_leaf(void *ud, const char *key, const char *value)
{
    struct leaf_ctx *c = ud;
    struct etcd_sample *sm = ((struct etcd *)c->s->priv)->sample;
    if (!c->left || sm->bytes >= sm->max_bytes)
        return;
    c->left--;
    static const char *const names[] = {"key", "value"};
    size_t vlen = strlen(value);
    if (vlen > ETCD_MAX_VALUE)
        vlen = ETCD_MAX_VALUE;
    char *cells[2] = {(char *)key, (char *)value};
    size_t lens[2] = {strlen(key), vlen};
    sm->rows++;
    sm->bytes += lens[0] + vlen;
    sm->row(c->s, names, cells, lens, 2);
}

static void on_v2_tree(struct ls_session *s, const struct ls_http_json_reply *r)
{
    struct etcd *e = s->priv;
    const json_t *node = r->json ? json_object_get(r->json, "node") : NULL;
    if (!r->ok || r->status != 200 || !json_is_object(node)) {
        char why[300];
        snprintf(why, sizeof why, "GET /v2/keys: %s", !r->ok ? (r->err ? r->err : "no response") : "not a v2 tree");
        end_sample(s, LS_STEP_FAILED, why);
        return;
    }
    struct leaf_ctx c = {s, e->sample->cap};
    etcd_v2_leaves(node, 64, v2_leaf, &c);
    end_sample(s, LS_STEP_OK, NULL);
}

/* ---- start ------------------------------------------------------------------------------------ */

static void set_seg(struct seg *g, const unsigned char *st, size_t sl, const unsigned char *en, size_t el)
{
    memcpy(g->start, st, sl);
    g->slen = sl;
    memcpy(g->end, en, el);
    g->elen = el;
}

void etcd_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct etcd *e = s->priv;
    e->step_done = done;
    etcd_sample_free(e);
    struct etcd_sample *sm = e->sample = calloc(1, sizeof *sm);
    if (!sm || !t->database || !t->name) {
        free(s->svc.error);
        s->svc.error = strdup(sm ? "not an etcd unit" : "out of memory");
        etcd_step_end_later(e, LS_STEP_FAILED);
        return;
    }
    uint64_t cap = s->limits->deep ? ETCD_MAX_SAMPLE_DEEP : ETCD_MAX_SAMPLE;
    sm->cap = limit && limit < cap ? limit : cap;
    sm->row = row;
    sm->max_bytes = s->limits->max_response_bytes;
    sm->limit = ETCD_PAGE;
    if (strcmp(t->database, ETCD_DB_V2) == 0) {
        uint64_t vcap = sm->max_bytes < ETCD_V2_REPLY ? sm->max_bytes : ETCD_V2_REPLY;
        etcd_request(e, "GET", "/v2/keys/?recursive=true&sorted=true", NULL, vcap, on_v2_tree);
        return;
    }
    static const unsigned char nul = 0;
    const unsigned char *p = (const unsigned char *)ETCD_K8S_SECRETS;
    size_t plen = strlen(ETCD_K8S_SECRETS);
    unsigned char pend[64];
    size_t pelen = etcd_prefix_end(p, plen, pend);
    bool secrets_apart = e->f.secrets_known && e->f.secrets > 0;
    if (strcmp(t->name, ETCD_K8S_SECRETS) == 0) {
        set_seg(&sm->segs[0], p, plen, pend, pelen);
        sm->nseg = 1;
    } else if (secrets_apart) {
        set_seg(&sm->segs[0], &nul, 1, p, plen);
        set_seg(&sm->segs[1], pend, pelen, &nul, 1);
        sm->nseg = 2;
    } else {
        set_seg(&sm->segs[0], &nul, 1, &nul, 1);
        sm->nseg = 1;
    }
    sm->cur = 0;
    memcpy(sm->cursor, sm->segs[0].start, sm->segs[0].slen);
    sm->clen = sm->segs[0].slen;
    next_page(s);
}
