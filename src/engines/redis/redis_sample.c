/* Redis sampling (stream_rows for one keyspace): SELECT the database, a bounded SCAN loop for
 * key names (never KEYS), then per key TYPE and one bounded read of its value — GETRANGE 0 65535,
 * LRANGE 0 99, SSCAN/HSCAN one page, ZRANGE 0 99, XRANGE COUNT 20 — delivered as a row
 * {key, type, value} to the detector. Keys that look like an earlier attacker's work (crontab
 * payloads backup1..4, ransom notes) mark the service compromised. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/redis/redis_int.h"
#include "util/strbuf.h"
#include "util/textutil.h"

#define SCAN_ROUNDS 64 /* SCAN calls per database at most */

struct redis_key {
    char *name;
    size_t len;
};

struct redis_sample {
    char db[16];     /* "2" for SELECT */
    char dbname[16]; /* "db2" */
    struct redis_key *keys;
    size_t nkeys, cap, next;
    char cursor[32];
    unsigned rounds;
    uint64_t bytes, max_bytes;
    ls_row_cb row;
    char type[32]; /* TYPE of the key being read */
    char *value;   /* value text of the key being read */
    size_t vlen;
};

void redis_sample_free(struct redis *r)
{
    struct redis_sample *sm = r->sample;
    if (!sm)
        return;
    for (size_t i = 0; i < sm->nkeys; i++)
        free(sm->keys[i].name);
    free(sm->keys);
    free(sm->value);
    free(sm);
    r->sample = NULL;
}

static void end_sample(struct ls_session *s, enum ls_step result, const char *why)
{
    struct redis *r = s->priv;
    if (why) {
        free(s->svc.error);
        s->svc.error = strdup(why);
    }
    redis_sample_free(r);
    redis_step_end(r, result);
}

static bool have_key(const struct redis_sample *sm, const char *k, size_t len)
{
    for (size_t i = 0; i < sm->nkeys; i++)
        if (sm->keys[i].len == len && memcmp(sm->keys[i].name, k, len) == 0)
            return true;
    return false;
}

static void add_key(struct redis_sample *sm, const char *k, size_t len)
{
    if (sm->nkeys >= sm->cap || len > REDIS_MAX_KEY || have_key(sm, k, len))
        return;
    char *c = malloc(len + 1);
    if (!c)
        return;
    memcpy(c, k, len);
    c[len] = '\0';
    sm->keys[sm->nkeys].name = c;
    sm->keys[sm->nkeys++].len = len;
}

/* ---- values ----------------------------------------------------------------------------------- */

static void value_add(struct redis_sample *sm, const char *p, size_t len, const char *sep)
{
    size_t room = REDIS_MAX_VALUE - sm->vlen;
    size_t sl = sm->vlen && sep ? strlen(sep) : 0;
    if (sl > room)
        return;
    if (sl)
        memcpy(sm->value + sm->vlen, sep, sl);
    sm->vlen += sl;
    room -= sl;
    size_t take = len < room ? len : room;
    if (take)
        memcpy(sm->value + sm->vlen, p, take);
    sm->vlen += take;
    sm->value[sm->vlen] = '\0';
}

/* Flattens a reply: strings joined by newlines, hash pairs as "field: value". */
static void value_flatten(struct redis_sample *sm, const struct resp_value *v, bool pairs)
{
    if (v->type == RESP_BULK || v->type == RESP_SIMPLE) {
        value_add(sm, v->str, v->len, "\n");
        return;
    }
    if (v->type == RESP_INTEGER) {
        char n[32];
        snprintf(n, sizeof n, "%lld", (long long)v->integer);
        value_add(sm, n, strlen(n), "\n");
        return;
    }
    if (v->type != RESP_ARRAY)
        return;
    for (size_t i = 0; i < v->nelems; i++) {
        if (pairs && i + 1 < v->nelems && v->elems[i].type == RESP_BULK && v->elems[i + 1].type == RESP_BULK) {
            value_add(sm, v->elems[i].str, v->elems[i].len, "\n");
            value_add(sm, ": ", 2, NULL);
            value_add(sm, v->elems[i + 1].str, v->elems[i + 1].len, NULL);
            i++;
            continue;
        }
        value_flatten(sm, &v->elems[i], pairs);
    }
}

static void next_key(struct ls_session *s);

static void deliver(struct ls_session *s)
{
    struct redis *r = s->priv;
    struct redis_sample *sm = r->sample;
    struct redis_key *k = &sm->keys[sm->next - 1];
    static const char *const names[] = {"key", "type", "value"};
    char *cells[3] = {k->name, sm->type, sm->value};
    size_t lens[3] = {k->len, strlen(sm->type), sm->vlen};
    sm->bytes += k->len + sm->vlen;
    char ev[400];
    if (!s->svc.compromised && redis_compromise_sign(k->name, k->len, sm->value, sm->vlen, ev, sizeof ev)) {
        char full[460];
        struct ls_strbuf b;
        ls_sb_init(&b, full, sizeof full);
        ls_sb_printf(&b, "%s: %s", sm->dbname, ev);
        s->svc.compromised = true;
        free(s->svc.compromise_evidence);
        s->svc.compromise_evidence = strdup(full);
    }
    sm->row(s, names, cells, lens, 3);
}

static void on_value(struct ls_session *s, const struct resp_value *v, const char *err)
{
    struct redis *r = s->priv;
    struct redis_sample *sm = r->sample;
    if (!v) {
        end_sample(s, LS_STEP_FAILED, err);
        return;
    }
    sm->vlen = 0;
    sm->value[0] = '\0';
    if (v->type == RESP_ERROR) {
        next_key(s); /* e.g. the key expired or changed type in between */
        return;
    }
    bool scan_reply = strcmp(sm->type, "set") == 0 || strcmp(sm->type, "hash") == 0;
    if (scan_reply && v->type == RESP_ARRAY && v->nelems == 2)
        value_flatten(sm, &v->elems[1], strcmp(sm->type, "hash") == 0);
    else
        value_flatten(sm, v, strcmp(sm->type, "stream") == 0);
    deliver(s);
    next_key(s);
}

static void on_type(struct ls_session *s, const struct resp_value *v, const char *err)
{
    struct redis *r = s->priv;
    struct redis_sample *sm = r->sample;
    if (!v) {
        end_sample(s, LS_STEP_FAILED, err);
        return;
    }
    if (v->type != RESP_SIMPLE || resp_is(v, "none")) {
        next_key(s);
        return;
    }
    ls_copy_printable(sm->type, sizeof sm->type, v->str, v->len);
    const struct redis_key *k = &sm->keys[sm->next - 1];
    const char *argv[6] = {NULL, k->name};
    size_t lens[6] = {0, k->len};
    size_t argc = 2;
    const char *t = sm->type;
#define ARGS(a, b, c, d) (argv[0] = (a), argv[2] = (b), argv[3] = (c), argv[4] = (d))
    if (strcmp(t, "string") == 0)
        ARGS("GETRANGE", "0", "65535", NULL), argc = 4;
    else if (strcmp(t, "list") == 0)
        ARGS("LRANGE", "0", "99", NULL), argc = 4;
    else if (strcmp(t, "set") == 0)
        ARGS("SSCAN", "0", "COUNT", "100"), argc = 5;
    else if (strcmp(t, "hash") == 0)
        ARGS("HSCAN", "0", "COUNT", "100"), argc = 5;
    else if (strcmp(t, "zset") == 0)
        ARGS("ZRANGE", "0", "99", NULL), argc = 4;
    else if (strcmp(t, "stream") == 0)
        ARGS("XRANGE", "-", "+", "COUNT"), argv[5] = "20", argc = 6;
#undef ARGS
    if (!argv[0]) { /* a module type: name and type only */
        sm->vlen = 0;
        sm->value[0] = '\0';
        deliver(s);
        next_key(s);
        return;
    }
    lens[0] = strlen(argv[0]);
    for (size_t i = 2; i < argc; i++)
        lens[i] = strlen(argv[i]);
    redis_command(r, argv, lens, argc, on_value);
}

static void next_key(struct ls_session *s)
{
    struct redis *r = s->priv;
    struct redis_sample *sm = r->sample;
    if (sm->next >= sm->nkeys || sm->bytes >= sm->max_bytes) {
        end_sample(s, LS_STEP_OK, NULL);
        return;
    }
    const struct redis_key *k = &sm->keys[sm->next++];
    const char *argv[2] = {"TYPE", k->name};
    size_t lens[2] = {4, k->len};
    redis_command(r, argv, lens, 2, on_type);
}

/* ---- key names -------------------------------------------------------------------------------- */

static void scan_round(struct ls_session *s);

static void on_scan(struct ls_session *s, const struct resp_value *v, const char *err)
{
    struct redis *r = s->priv;
    struct redis_sample *sm = r->sample;
    if (!v || v->type != RESP_ARRAY || v->nelems != 2 || v->elems[0].type != RESP_BULK ||
        v->elems[1].type != RESP_ARRAY) {
        char why[300];
        if (v && v->type == RESP_ERROR)
            ls_copy_printable(why, sizeof why, v->str, v->len);
        else
            snprintf(why, sizeof why, "SCAN: %s", err ? err : "unexpected reply");
        end_sample(s, LS_STEP_FAILED, why);
        return;
    }
    ls_copy_printable(sm->cursor, sizeof sm->cursor, v->elems[0].str, v->elems[0].len);
    const struct resp_value *keys = &v->elems[1];
    for (size_t i = 0; i < keys->nelems; i++)
        if (keys->elems[i].type == RESP_BULK)
            add_key(sm, keys->elems[i].str, keys->elems[i].len);
    sm->rounds++;
    bool more = strcmp(sm->cursor, "0") != 0;
    if (more && sm->nkeys < sm->cap && sm->rounds < SCAN_ROUNDS) {
        scan_round(s);
        return;
    }
    if (more) {
        /* a partial sample: still look for the crontab payloads attackers leave by name */
        static const char *const payloads[] = {"backup1", "backup2", "backup3", "backup4"};
        sm->cap += 4; /* the allocation keeps room for them */
        for (size_t i = 0; i < 4; i++)
            add_key(sm, payloads[i], strlen(payloads[i]));
    }
    sm->next = 0;
    next_key(s);
}

static void scan_round(struct ls_session *s)
{
    struct redis *r = s->priv;
    const char *argv[4] = {"SCAN", r->sample->cursor, "COUNT", "100"};
    redis_command(r, argv, NULL, 4, on_scan);
}

static void on_select(struct ls_session *s, const struct resp_value *v, const char *err)
{
    if (!v || !resp_is(v, "OK")) {
        char why[300];
        if (v && v->type == RESP_ERROR)
            ls_copy_printable(why, sizeof why, v->str, v->len);
        else
            snprintf(why, sizeof why, "SELECT: %s", err ? err : "unexpected reply");
        end_sample(s, LS_STEP_FAILED, why);
        return;
    }
    scan_round(s);
}

void redis_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done)
{
    struct redis *r = s->priv;
    r->ec.step_done = done;
    redis_sample_free(r);
    struct redis_sample *sm = calloc(1, sizeof *sm);
    uint64_t cap = s->limits->deep ? REDIS_MAX_SAMPLE_DEEP : REDIS_MAX_SAMPLE;
    if (limit && limit < cap)
        cap = limit;
    if (sm) {
        sm->keys = calloc((size_t)cap + 4, sizeof *sm->keys);
        sm->value = malloc(REDIS_MAX_VALUE + 1);
    }
    r->sample = sm;
    if (!sm || !sm->keys || !sm->value || !t->database || strncmp(t->database, "db", 2) != 0) {
        /* report from the event loop: a round trip that cannot change anything */
        static const char *const ping[] = {"PING"};
        redis_command(r, ping, NULL, 1, on_select);
        return;
    }
    sm->cap = (size_t)cap; /* the allocation has 4 more for the payload names (on_scan) */
    sm->row = row;
    sm->max_bytes = s->limits->max_response_bytes;
    snprintf(sm->dbname, sizeof sm->dbname, "%s", t->database);
    snprintf(sm->db, sizeof sm->db, "%s", t->database + 2);
    snprintf(sm->cursor, sizeof sm->cursor, "0");
    const char *argv[2] = {"SELECT", sm->db};
    redis_command(r, argv, NULL, 2, on_select);
}
