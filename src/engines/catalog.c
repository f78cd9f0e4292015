/* The engine families leakscan knows (catalog.h), and what is derived from them:
 * display names, the `-p db` port set and its per-port engine, the honeypot heuristic's engine
 * list. Families that an engine module assesses define their descriptor in that module
 * (clickhouse/, redis/, postgres/, mysql/); the others are here, found by their default
 * ports and reported as open ports not identified. */
#include <string.h>

#include "engines/engine.h"

#define PORTS(...)                                                                                                     \
    (const uint16_t[])                                                                                                 \
    {                                                                                                                  \
        __VA_ARGS__, 0                                                                                                 \
    }
#define BY_PORT_ONLY NULL /* found by its default port only: reported as an open port not identified */

extern const struct ls_engine_desc ls_desc_clickhouse;
extern const struct ls_engine_desc ls_desc_redis;
extern const struct ls_engine_desc ls_desc_postgresql;
extern const struct ls_engine_desc ls_desc_mysql;
extern const struct ls_engine_desc ls_desc_etcd;

static const struct ls_engine_desc d_elasticsearch = {"elasticsearch", "Elasticsearch", PORTS(9200), true,
                                                      BY_PORT_ONLY};
static const struct ls_engine_desc d_kibana = {"kibana", "Kibana", PORTS(5601), true, BY_PORT_ONLY};
static const struct ls_engine_desc d_mongodb = {"mongodb", "MongoDB", PORTS(27017), true, BY_PORT_ONLY};
static const struct ls_engine_desc d_mssql = {"mssql", "SQL Server", PORTS(1433), true, BY_PORT_ONLY};
static const struct ls_engine_desc d_couchdb = {"couchdb", "CouchDB", PORTS(5984), true, BY_PORT_ONLY};
static const struct ls_engine_desc d_cassandra = {"cassandra", "Cassandra", PORTS(9042), true, BY_PORT_ONLY};
extern const struct ls_engine_desc ls_desc_memcached;
extern const struct ls_engine_desc ls_desc_influxdb;
extern const struct ls_engine_desc ls_desc_prometheus;
static const struct ls_engine_desc d_neo4j = {"neo4j", "Neo4j", PORTS(7474, 7687), true, BY_PORT_ONLY};
static const struct ls_engine_desc d_kafka = {"kafka", "Kafka", PORTS(9092), true, BY_PORT_ONLY};
extern const struct ls_engine_desc ls_desc_zookeeper;
extern const struct ls_engine_desc ls_desc_rabbitmq;

const struct ls_engine_desc *const ls_engine_descs[] = {
    &ls_desc_clickhouse,
    &d_elasticsearch,
    &d_kibana,
    &ls_desc_redis,
    &d_mongodb,
    &ls_desc_postgresql,
    &ls_desc_mysql,
    &d_mssql,
    &d_couchdb,
    &d_cassandra,
    &ls_desc_memcached,
    &ls_desc_etcd,
    &ls_desc_influxdb,
    &ls_desc_prometheus,
    &d_neo4j,
    &d_kafka,
    &ls_desc_zookeeper,
    &ls_desc_rabbitmq,
    NULL,
};

const struct ls_engine_desc *ls_engine_desc_find(const char *name)
{
    for (size_t i = 0; name && ls_engine_descs[i]; i++)
        if (strcmp(ls_engine_descs[i]->name, name) == 0)
            return ls_engine_descs[i];
    return NULL;
}

bool ls_engine_desc_assessed(const struct ls_engine_desc *d)
{
    for (size_t i = 0; ls_engines[i]; i++)
        if (strcmp(ls_engines[i]->name, d->name) == 0)
            return true;
    return false;
}

void ls_engine_desc_ports(const struct ls_engine_desc *d, void (*fn)(uint16_t port, bool tls, void *ud), void *ud)
{
    for (size_t i = 0; ls_engines[i]; i++) {
        if (strcmp(ls_engines[i]->name, d->name) != 0)
            continue;
        for (const uint16_t *p = ls_engines[i]->ports; p && *p; p++)
            fn(*p, false, ud);
        for (const uint16_t *p = ls_engines[i]->tls_ports; p && *p; p++)
            fn(*p, true, ud);
    }
    for (const uint16_t *p = d->ports; p && *p; p++)
        fn(*p, false, ud);
}

const char *ls_engine_display(const char *name)
{
    const struct ls_engine_desc *d = ls_engine_desc_find(name);
    return d ? d->display : name ? name : "unknown";
}

/* ---- the `db` set ---- */

static const struct ls_engine_desc *db_desc(int engine)
{
    int k = 0;
    for (size_t i = 0; ls_engine_descs[i]; i++)
        if (ls_engine_descs[i]->in_db && k++ == engine)
            return ls_engine_descs[i];
    return NULL;
}

int ls_db_engine_count(void)
{
    int k = 0;
    for (size_t i = 0; ls_engine_descs[i]; i++)
        k += ls_engine_descs[i]->in_db;
    return k;
}

struct port_hit {
    uint16_t port;
    bool found;
};

static void hit(uint16_t port, bool tls, void *ud)
{
    struct port_hit *h = ud;
    (void)tls;
    h->found |= port == h->port;
}

int ls_db_port_engine(uint16_t port)
{
    int k = 0;
    for (size_t i = 0; ls_engine_descs[i]; i++) {
        if (!ls_engine_descs[i]->in_db)
            continue;
        struct port_hit h = {port, false};
        ls_engine_desc_ports(ls_engine_descs[i], hit, &h);
        if (h.found)
            return k;
        k++;
    }
    return -1;
}

const char *ls_db_engine_name(int engine)
{
    const struct ls_engine_desc *d = db_desc(engine);
    return d ? d->name : NULL;
}
