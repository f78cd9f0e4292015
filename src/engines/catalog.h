/* Engine families (ClickHouse, Redis, …) as users know them: the single source of each one's
 * identity, apart from its interfaces (engine.h). Plain data and lookups, no model types, so the
 * port parser and the honeypot heuristic can use it without the rest of the engine layer. */
#ifndef LS_ENGINES_CATALOG_H
#define LS_ENGINES_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

/* One engine family as users know it (ClickHouse, Redis, …): the single source of its identity.
 * `-p db`, display names, the honeypot heuristic's engine list, `--engines` and `leakscan engines`
 * are all derived from these. The interfaces that assess it are the ls_engines entries with the
 * same name; a descriptor without any is found by port and reported as `unknown` until an engine
 * module assesses it. */
struct ls_engine_desc {
    const char *name;      /* "redis": the JSON `engine` */
    const char *display;   /* "Redis" */
    const uint16_t *ports; /* default ports not already listed by an interface, 0-terminated */
    bool in_db;            /* its ports (and its interfaces' ports) are part of `-p db` */
    const char *help;      /* one paragraph: what it holds and what leakscan checks on it (NULL:
                              found by port only, nothing assessed yet) */
};

/* Every known engine family, NULL-terminated, in `-p db` order. */
extern const struct ls_engine_desc *const ls_engine_descs[];
const struct ls_engine_desc *ls_engine_desc_find(const char *name);
/* Whether some compiled-in interface (engine.h, ls_engines) assesses it. */
bool ls_engine_desc_assessed(const struct ls_engine_desc *d);
/* Calls fn(port, tls, ud) for every default port of d: its interfaces' plaintext and TLS ports,
 * then its own extra ports (plaintext). */
void ls_engine_desc_ports(const struct ls_engine_desc *d, void (*fn)(uint16_t port, bool tls, void *ud), void *ud);
/* Display name of an engine id ("clickhouse" -> "ClickHouse"); the id itself if unknown. */
const char *ls_engine_display(const char *name);
/* The engines `-p db` covers: their count (at most 32, checked at start-up by a test) and, for a
 * port, the index of the engine whose default port it is (-1 if none). */
int ls_db_engine_count(void);
int ls_db_port_engine(uint16_t port);
const char *ls_db_engine_name(int engine);

#endif
