/* Memcached inventory and posture. Inventory: `stats items` gives one unit per slab class (kind
 * "slab", named "slab <class>" in database "cache") with its exact item count (items:<c>:number)
 * and bytes (items:<c>:mem_requested); when `stats items` is refused, one "cache" unit with
 * `stats` curr_items. Posture: nothing more is sent — the blast radius follows from what `stats`
 * and `stats settings` said at the fingerprint: no login means anyone may set, delete and flush_all
 * (flush_enabled), change settings at run time (cache_memlimit, verbosity), stop the server
 * (shutdown_command), and a UDP port (udpport) serves reflection/amplification to spoofed
 * addresses. None of it is tried. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/memcached/memcached_int.h"
#include "util/num.h"
#include "util/strbuf.h"
#include "util/textutil.h"

static const char *const unit_columns[][2] = {{"key", "String"}, {"flags", "UInt32"}, {"value", "String"}};

static struct ls_table *add_unit(struct ls_service *svc, const char *name, const char *kind, uint64_t items,
                                 uint64_t bytes, bool bytes_known)
{
    struct ls_table *t = ls_service_add_table(svc);
    if (!t)
        return NULL;
    t->database = strdup("cache");
    t->name = strdup(name);
    t->kind = kind;
    t->rows = items;
    t->rows_known = true;
    if (bytes_known)
        t->bytes = bytes;
    t->columns = calloc(3, sizeof *t->columns);
    if (t->columns) {
        for (size_t i = 0; i < 3; i++) {
            t->columns[i].name = strdup(unit_columns[i][0]);
            t->columns[i].type = strdup(unit_columns[i][1]);
        }
        t->ncolumns = 3;
    }
    return t;
}

struct slab_count {
    bool seen;
    uint64_t number, mem;
};

static void on_items(struct ls_session *s, const struct mc_reply *r, const char *err)
{
    struct mc *m = s->priv;
    struct ls_service *svc = &s->svc;
    if (!r || r->error) {
        char why[200];
        if (r)
            ls_copy_printable(why, sizeof why, r->line, r->len);
        ls_service_add_unknown(svc, "slabs", r ? why : err);
        if (m->facts.curr_items.known)
            add_unit(svc, "*", "cache", m->facts.curr_items.v, m->facts.bytes.v, m->facts.bytes.known);
        svc->ndatabases = svc->ntables ? 1 : 0;
        mc_step_end(m, r ? LS_STEP_OK : LS_STEP_FAILED);
        return;
    }
    struct slab_count slabs[MC_MAX_SLABS] = {{0}};
    for (size_t i = 0; i < r->nfields; i++) {
        const struct mc_field *f = &r->fields[i];
        unsigned cls;
        const char *field;
        size_t flen;
        uint64_t v;
        if (!mc_items_name(f->name, f->nlen, &cls, &field, &flen) || cls >= MC_MAX_SLABS ||
            !ls_parse_count(f->value, f->vlen, &v))
            continue;
        if (flen == 6 && memcmp(field, "number", 6) == 0) {
            slabs[cls].seen = true;
            slabs[cls].number = v;
        } else if (flen == 13 && memcmp(field, "mem_requested", 13) == 0) {
            slabs[cls].mem = v;
        }
    }
    for (unsigned c = 0; c < MC_MAX_SLABS; c++) {
        if (!slabs[c].seen || !slabs[c].number)
            continue;
        if (svc->ntables >= s->limits->max_tables) {
            svc->inventory_truncated = true;
            break;
        }
        char name[32];
        snprintf(name, sizeof name, "slab %u", c);
        add_unit(svc, name, "slab", slabs[c].number, slabs[c].mem, true);
    }
    svc->ndatabases = svc->ntables ? 1 : 0;
    mc_step_end(m, LS_STEP_OK);
}

void mc_inventory(struct ls_session *s, ls_step_cb done)
{
    struct mc *m = s->priv;
    m->ec.step_done = done;
    static const char cmd[] = "stats items\r\n";
    mc_command(m, cmd, sizeof cmd - 1, MC_STATS, NULL, on_items);
}

/* ---- posture ---------------------------------------------------------------------------------- */

static enum ls_tri yes_no(const char *v)
{
    return strcmp(v, "yes") == 0 ? LS_TRI_YES : strcmp(v, "no") == 0 ? LS_TRI_NO : LS_TRI_UNKNOWN;
}

static void fact_num(struct ls_access *a, const char *key, const struct mc_num *n)
{
    ls_access_fact_int(a, key, n->known, (int64_t)(n->v > LS_COUNT_MAX ? LS_COUNT_MAX : n->v));
}

void mc_posture(struct ls_session *s, ls_step_cb done)
{
    struct mc *m = s->priv;
    const struct mc_facts *f = &m->facts;
    struct ls_access *a = &s->svc.access;
    m->ec.step_done = done;
    char ev[300];
    ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, "stats, stats items and lru_crawler metadump answered without a login");
    snprintf(ev, sizeof ev, "no login: any client may set, replace or delete any key%s (not tried)",
             yes_no(f->flush_enabled) == LS_TRI_NO ? " (flush_all is disabled)" : " and flush_all the whole cache");
    ls_access_cap(a, LS_CAP_WRITE, LS_TRI_YES, ev);
    ls_access_cap(a, LS_CAP_SCHEMA, LS_TRI_YES,
                  "no login: cache_memlimit, verbosity and the lru/slabs automove commands change server settings at "
                  "run time (not tried)");
    ls_access_cap(a, LS_CAP_RUN_CODE, LS_TRI_NO, "memcached has no command that runs code or programs");
    ls_access_cap(a, LS_CAP_READ_FILES, LS_TRI_NO, "memcached has no command that reads the server's files");
    if (f->udpport.known && f->udpport.v) {
        snprintf(ev, sizeof ev,
                 "stats settings: udpport %llu — a spoofed UDP request makes it send large replies to any address "
                 "(reflection/amplification)",
                 (unsigned long long)f->udpport.v);
        ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_YES, ev);
    } else if (f->udpport.known) {
        ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_NO,
                      "stats settings: udpport 0 (UDP off); memcached opens no connections of its own");
    } else {
        ls_access_cap(a, LS_CAP_REACH_HOSTS, LS_TRI_UNKNOWN, "stats settings did not say whether UDP is on");
    }
    fact_num(a, "udp_port", &f->udpport);
    ls_access_fact_bool(a, "flush_enabled", yes_no(f->flush_enabled));
    ls_access_fact_bool(a, "shutdown_command", yes_no(f->shutdown_command));
    ls_access_fact_bool(a, "metadump_enabled", yes_no(f->dump_enabled));
    ls_access_fact_bool(a, "auth_sasl", yes_no(f->auth_sasl));
    ls_access_fact_bool(a, "auth_ascii", yes_no(f->auth_ascii));
    fact_num(a, "curr_items", &f->curr_items);
    fact_num(a, "bytes", &f->bytes);
    fact_num(a, "limit_maxbytes", &f->limit_maxbytes);
    fact_num(a, "evictions", &f->evictions);
    fact_num(a, "curr_connections", &f->curr_connections);
    fact_num(a, "max_connections", &f->max_connections);
    fact_num(a, "get_hits", &f->get_hits);
    ls_access_basis(a, f->settings_known ? "stats and stats settings answered without a login"
                                         : "stats answered without a login (stats settings did not)");
    mc_step_end_later(m, LS_STEP_OK);
}
