/* ZooKeeper sampling (stream_rows for one subtree): getData for the znodes the walk listed under
 * that top-level znode, in walk order, pipelined (half the window in flight), at most
 * ZK_MAX_SAMPLE of them (--deep ZK_MAX_SAMPLE_DEEP, or the caller's limit) and
 * max_response_bytes of data in all; each znode is a row {path, acl, data} with at most
 * ZK_MAX_VALUE bytes of its data, handed to the detector. No watch is set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/zookeeper/zk_int.h"

struct zk_sample {
    size_t top;
    size_t next;  /* next node index to ask for */
    size_t asked; /* getData requests sent */
    size_t cap;   /* at most this many */
    size_t inflight;
    uint64_t bytes, max_bytes;
    bool failed;
    ls_row_cb row;
};

void zk_sample_free(struct zk *z)
{
    free(z->sample);
    z->sample = NULL;
}

static void end_sample(struct ls_session *s, enum ls_step result, const char *why)
{
    struct zk *z = s->priv;
    if (why) {
        free(s->svc.error);
        s->svc.error = strdup(why);
    }
    zk_sample_free(z);
    zk_step_end(z, result);
}

static void pump(struct ls_session *s, bool initial);

static void on_data(struct ls_session *s, uint32_t tag, const struct zk_reply_header *h, const uint8_t *body,
                    size_t len, const char *err)
{
    struct zk *z = s->priv;
    struct zk_sample *sm = z->sample;
    if (!sm)
        return;
    if (!h) {
        end_sample(s, LS_STEP_FAILED, err ? err : "session lost");
        return;
    }
    sm->inflight--;
    if (h->err == ZK_OK && tag < z->nnodes) {
        struct zk_reader r;
        const uint8_t *data;
        size_t dlen;
        zk_reader_init(&r, body, len);
        if (zk_read_buffer(&r, &data, &dlen)) {
            const struct zk_node *n = &z->nodes[tag];
            if (dlen > ZK_MAX_VALUE)
                dlen = ZK_MAX_VALUE;
            static const char *const names[] = {"path", "acl", "data"};
            char *cells[3] = {n->path, (char *)n->acl, (char *)(data ? data : (const uint8_t *)"")};
            size_t lens[3] = {strlen(n->path), strlen(n->acl), dlen};
            sm->bytes += dlen;
            sm->row(s, names, cells, lens, 3);
        }
    }
    pump(s, false);
}

static void on_empty(struct ls_session *s, uint32_t tag, const struct zk_reply_header *h, const uint8_t *body,
                     size_t len, const char *err)
{
    (void)tag, (void)body, (void)len;
    end_sample(s, h ? LS_STEP_OK : LS_STEP_FAILED, h ? NULL : (err ? err : "session lost"));
}

/* Asks for more data while the window and the caps allow; `initial`: called from stream_rows, so
 * an empty sample still ends from the event loop (after one harmless read). */
static void pump(struct ls_session *s, bool initial)
{
    struct zk *z = s->priv;
    struct zk_sample *sm = z->sample;
    while (sm->inflight < ZK_WINDOW / 2 && sm->asked < sm->cap && sm->bytes < sm->max_bytes && sm->next < z->nnodes) {
        size_t i = sm->next++;
        const struct zk_node *n = &z->nodes[i];
        if (n->top != sm->top || n->list_err != ZK_OK || !n->listed)
            continue;
        sm->asked++;
        sm->inflight++;
        zk_request(z, ZK_OP_GET_DATA, n->path, (uint32_t)i, on_data);
    }
    if (sm->inflight == 0 && initial)
        zk_request(z, ZK_OP_GET_ACL, "/", 0, on_empty);
    else if (sm->inflight == 0)
        end_sample(s, LS_STEP_OK, NULL);
}

static void on_nothing(struct ls_session *s, uint32_t tag, const struct zk_reply_header *h, const uint8_t *body,
                       size_t len, const char *err)
{
    (void)tag, (void)h, (void)body, (void)len;
    end_sample(s, LS_STEP_FAILED, err ? err : "no such subtree");
}

void zk_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct zk *z = s->priv;
    z->ec.step_done = done;
    zk_sample_free(z);
    struct zk_sample *sm = calloc(1, sizeof *sm);
    z->sample = sm;
    size_t top = z->ntops;
    for (size_t i = 0; t->database && i < z->ntops; i++)
        if (strcmp(z->tops[i].name, t->database) == 0)
            top = i;
    if (!sm || top >= z->ntops) {
        /* report from the event loop: one read that changes nothing */
        zk_request(z, ZK_OP_GET_ACL, "/", 0, on_nothing);
        return;
    }
    uint64_t cap = s->limits->deep ? ZK_MAX_SAMPLE_DEEP : ZK_MAX_SAMPLE;
    if (limit && limit < cap)
        cap = limit;
    sm->top = top;
    sm->cap = (size_t)cap;
    sm->row = row;
    sm->max_bytes = s->limits->max_response_bytes;
    sm->next = 1; /* node 0 is / */
    pump(s, true);
}
