/* Memcached sampling (stream_rows for one slab class): `lru_crawler metadump <class>` lists key
 * names (read-only: the crawler only reads item headers); the sample's number of keys is kept and
 * the rest read to END, or up to MC_DUMP_BYTES, after which the connection is dropped so the rest
 * is never read (the crawler then stays BUSY for about a second: asked again); then the
 * values, a few keys per `get` (items larger than MC_MAX_ITEM by their metadump size are listed by
 * name only), each delivered as a row {key, flags, value} to the detector with at most
 * MC_MAX_VALUE bytes of value. `get` changes no data (it counts a hit and refreshes the item's LRU
 * position). A crawler busy with another request (BUSY) is asked again a few times. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/memcached/memcached_int.h"
#include "util/strbuf.h"
#include "util/textutil.h"

#define BUSY_TRIES 30
#define BUSY_WAIT_MS 50

struct mc_key {
    char name[MC_MAX_KEY + 1];
    size_t len;
    uint64_t size;
};

struct mc_sample {
    unsigned cls;
    struct mc_key *keys;
    size_t nkeys, cap, next;
    uint64_t bytes, max_bytes;
    ls_row_cb row;
    unsigned busy_tries;
    struct mc_limits dump_lim;
    struct event *retry;
    char cmd[64];
};

void mc_sample_free(struct mc *m)
{
    struct mc_sample *sm = m->sample;
    if (!sm)
        return;
    if (sm->retry)
        event_free(sm->retry);
    free(sm->keys);
    free(sm);
    m->sample = NULL;
}

static void end_sample(struct ls_session *s, enum ls_step result, const char *why)
{
    struct mc *m = s->priv;
    if (why) {
        free(s->svc.error);
        s->svc.error = strdup(why);
    }
    mc_sample_free(m);
    mc_step_end(m, result);
}

static void deliver(struct ls_session *s, const struct mc_key *k, const char *flags, const char *value, size_t vlen)
{
    struct mc_sample *sm = ((struct mc *)s->priv)->sample;
    static const char *const names[] = {"key", "flags", "value"};
    char kbuf[MC_MAX_KEY + 1], fbuf[16];
    memcpy(kbuf, k->name, k->len + 1);
    snprintf(fbuf, sizeof fbuf, "%s", flags);
    char *cells[3] = {kbuf, fbuf, (char *)value};
    size_t lens[3] = {k->len, strlen(fbuf), vlen};
    sm->bytes += k->len + vlen;
    sm->row(s, names, cells, lens, 3);
}

static void next_batch(struct ls_session *s);

static const struct mc_key *find_key(const struct mc_sample *sm, size_t from, size_t to, const char *k, size_t len)
{
    for (size_t i = from; i < to; i++)
        if (sm->keys[i].len == len && memcmp(sm->keys[i].name, k, len) == 0)
            return &sm->keys[i];
    return NULL;
}

static void on_get(struct ls_session *s, const struct mc_reply *r, const char *err)
{
    struct mc *m = s->priv;
    struct mc_sample *sm = m->sample;
    if (!r) {
        end_sample(s, LS_STEP_FAILED, err);
        return;
    }
    if (r->error) {
        char why[200];
        ls_copy_printable(why, sizeof why, r->line, r->len);
        end_sample(s, LS_STEP_FAILED, why);
        return;
    }
    for (size_t i = 0; i < r->nitems; i++) {
        const struct mc_item *it = &r->items[i];
        const struct mc_key *k = find_key(sm, 0, sm->next, it->key, it->klen);
        if (!k)
            continue; /* not asked for: ignore */
        char flags[16];
        snprintf(flags, sizeof flags, "%u", (unsigned)it->flags);
        deliver(s, k, flags, it->data, it->dlen < MC_MAX_VALUE ? it->dlen : MC_MAX_VALUE);
    }
    next_batch(s);
}

static void next_batch(struct ls_session *s)
{
    struct mc *m = s->priv;
    struct mc_sample *sm = m->sample;
    char line[MC_GET_BATCH * (MC_MAX_KEY + 1) + 16];
    struct ls_strbuf b;
    ls_sb_init(&b, line, sizeof line);
    ls_sb_append(&b, "get");
    size_t n = 0;
    uint64_t bytes = 0;
    while (sm->next < sm->nkeys && n < MC_GET_BATCH && sm->bytes < sm->max_bytes) {
        const struct mc_key *k = &sm->keys[sm->next];
        if (k->size > MC_MAX_ITEM) { /* listed by name only */
            sm->next++;
            deliver(s, k, "", "", 0);
            continue;
        }
        if (n && bytes + k->size > MC_GET_BYTES)
            break;
        sm->next++;
        ls_sb_append(&b, " ");
        ls_sb_append_n(&b, k->name, k->len);
        bytes += k->size;
        n++;
    }
    if (!n) {
        end_sample(s, LS_STEP_OK, NULL);
        return;
    }
    ls_sb_append(&b, "\r\n");
    mc_command(m, line, b.len, MC_VALUES, NULL, on_get);
}

static void send_dump(struct ls_session *s);

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    send_dump(arg);
}

static void on_dump(struct ls_session *s, const struct mc_reply *r, const char *err)
{
    struct mc *m = s->priv;
    struct mc_sample *sm = m->sample;
    if (!r) {
        end_sample(s, LS_STEP_FAILED, err);
        return;
    }
    if (r->error) {
        char why[200];
        ls_copy_printable(why, sizeof why, r->line, r->len);
        if (strncmp(why, "BUSY", 4) == 0 && sm->busy_tries++ < BUSY_TRIES) {
            struct timeval tv = {0, BUSY_WAIT_MS * 1000};
            if (!sm->retry)
                sm->retry = evtimer_new(s->base, on_retry, s);
            if (sm->retry && evtimer_add(sm->retry, &tv) == 0)
                return;
        }
        char msg[260];
        snprintf(msg, sizeof msg, "lru_crawler metadump: %s", why);
        end_sample(s, LS_STEP_FAILED, msg);
        return;
    }
    for (size_t i = 0; i < r->nfields && sm->nkeys < sm->cap; i++) {
        struct mc_dump_entry e;
        if (!mc_dump_entry(r->fields[i].name, r->fields[i].nlen, &e) || (e.cls && e.cls != sm->cls) ||
            find_key(sm, 0, sm->nkeys, e.key, e.klen))
            continue;
        struct mc_key *k = &sm->keys[sm->nkeys++];
        memcpy(k->name, e.key, e.klen + 1);
        k->len = e.klen;
        k->size = e.size;
    }
    if (r->cut)
        mc_drop(m); /* the rest of the dump is never read */
    sm->next = 0;
    next_batch(s);
}

static void send_dump(struct ls_session *s)
{
    struct mc *m = s->priv;
    struct mc_sample *sm = m->sample;
    mc_command(m, sm->cmd, strlen(sm->cmd), MC_DUMP, &sm->dump_lim, on_dump);
}

void mc_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct mc *m = s->priv;
    m->ec.step_done = done;
    mc_sample_free(m);
    struct mc_sample *sm = calloc(1, sizeof *sm);
    uint64_t cap = s->limits->deep ? MC_MAX_SAMPLE_DEEP : MC_MAX_SAMPLE;
    if (limit && limit < cap)
        cap = limit;
    if (sm)
        sm->keys = calloc((size_t)cap, sizeof *sm->keys);
    m->sample = sm;
    unsigned cls = 0;
    bool all = t->name && strcmp(t->name, "*") == 0;
    if (!sm || !sm->keys || !t->name || (!all && sscanf(t->name, "slab %u", &cls) != 1)) {
        free(s->svc.error);
        s->svc.error = strdup("cannot sample this unit");
        mc_sample_free(m);
        mc_step_end_later(m, LS_STEP_FAILED); /* never from inside the call */
        return;
    }
    sm->cls = cls;
    sm->cap = (size_t)cap;
    sm->row = row;
    sm->max_bytes = s->limits->max_response_bytes;
    sm->dump_lim =
        (struct mc_limits){.max_line = 4096, .max_items = sm->cap, .max_value = 0, .max_total = MC_DUMP_BYTES};
    if (all)
        snprintf(sm->cmd, sizeof sm->cmd, "lru_crawler metadump all\r\n");
    else
        snprintf(sm->cmd, sizeof sm->cmd, "lru_crawler metadump %u\r\n", cls);
    send_dump(s);
}
