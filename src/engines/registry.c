/* The engine registry: every compiled-in engine, and which to try on a given port. */
#include <string.h>

#include "engines/engine.h"

extern const struct ls_engine ls_engine_clickhouse_http;
extern const struct ls_engine ls_engine_clickhouse_native;
extern const struct ls_engine ls_engine_postgresql;
extern const struct ls_engine ls_engine_mysql;
extern const struct ls_engine ls_engine_redis;
extern const struct ls_engine ls_engine_memcached;
extern const struct ls_engine ls_engine_etcd;
extern const struct ls_engine ls_engine_influxdb;
extern const struct ls_engine ls_engine_prometheus;
extern const struct ls_engine ls_engine_zookeeper;
extern const struct ls_engine ls_engine_rabbitmq_http;
extern const struct ls_engine ls_engine_rabbitmq_amqp;

const struct ls_engine *const ls_engines[] = {
    &ls_engine_clickhouse_http,
    &ls_engine_clickhouse_native,
    &ls_engine_postgresql,
    &ls_engine_mysql,
    &ls_engine_redis,
    &ls_engine_memcached,
    &ls_engine_influxdb,
    &ls_engine_etcd,
    &ls_engine_prometheus,
    &ls_engine_zookeeper,
    &ls_engine_rabbitmq_http,
    &ls_engine_rabbitmq_amqp,
    NULL,
};

const struct ls_engine *ls_engine_find(const char *name, const char *interface)
{
    for (size_t i = 0; ls_engines[i]; i++)
        if (strcmp(ls_engines[i]->name, name) == 0 && (!interface || strcmp(ls_engines[i]->interface, interface) == 0))
            return ls_engines[i];
    return NULL;
}

size_t ls_engine_count(void)
{
    size_t n = 0;
    while (ls_engines[n])
        n++;
    return n;
}

static bool lists_port(const uint16_t *ports, uint16_t port)
{
    for (; ports && *ports; ports++)
        if (*ports == port)
            return true;
    return false;
}

size_t ls_engines_claiming(uint16_t port, const struct ls_engine **out, bool *tls_out, size_t max,
                           bool (*allowed)(const char *name, void *ud), void *ud)
{
    size_t n = 0;
    for (size_t i = 0; ls_engines[i] && n < max; i++) {
        if (allowed && !allowed(ls_engines[i]->name, ud))
            continue;
        if (lists_port(ls_engines[i]->ports, port)) {
            out[n] = ls_engines[i];
            tls_out[n++] = false;
        } else if (lists_port(ls_engines[i]->tls_ports, port)) {
            out[n] = ls_engines[i];
            tls_out[n++] = true;
        }
    }
    return n;
}

size_t ls_engines_for_port(uint16_t port, const struct ls_engine **out, bool *tls_out, size_t max,
                           bool (*allowed)(const char *name, void *ud), void *ud)
{
    size_t n = ls_engines_claiming(port, out, tls_out, max, allowed, ud);
    if (n)
        return n;
    /* a port no engine claims: try each engine in plaintext, then over TLS */
    for (int tls = 0; tls < 2; tls++)
        for (size_t i = 0; ls_engines[i] && n < max; i++) {
            if (allowed && !allowed(ls_engines[i]->name, ud))
                continue;
            out[n] = ls_engines[i];
            tls_out[n++] = tls;
        }
    return n;
}
