/* Honeypot / tarpit heuristic at the scan layer. A real server runs one database, sometimes a
 * handful (an all-in-one dev box: a SQL server, a cache, a metrics store); a host that accepts
 * connections on the default ports of many different engines at once is almost always a honeypot
 * or a tarpit that accepts every connection. The scan records every open port of the `db` set per
 * host (ls_honeypot_open, thread-safe) and, when discovery is over, reports each host whose open
 * ports belong to at least `min_engines` distinct engines. The verdict is a flag, not a filter:
 * the open ports are still reported and assessed. */
#ifndef LS_CORE_HONEYPOT_H
#define LS_CORE_HONEYPOT_H

#include <stdint.h>
#include <sys/socket.h>

#define LS_HONEYPOT_DEFAULT_ENGINES 8

struct ls_honeypot;

struct ls_honeypot_host {
    const char *ip;
    unsigned open_db_ports; /* open ports of the `db` set on this host */
    unsigned nengines;
    const char *engines[32]; /* their engines' names, in the `db` list order */
};

/* min_engines >= 2. NULL on allocation failure. */
struct ls_honeypot *ls_honeypot_new(unsigned min_engines);
/* An open port (port set in sa); ports outside the `db` set are ignored. */
void ls_honeypot_open(struct ls_honeypot *h, const struct sockaddr *sa);
/* Calls cb once per suspect host; returns how many there were. */
unsigned ls_honeypot_report(struct ls_honeypot *h, void (*cb)(void *ud, const struct ls_honeypot_host *host), void *ud);
void ls_honeypot_free(struct ls_honeypot *h);

#endif
