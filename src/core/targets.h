/* Target and port-list parsing (the command line's TARGET… and -p LIST).
 * TARGET: IPv4/IPv6 address, CIDR (v4 or v6), range A-B (v4 or v6), host name, any of those with
 * :port (IPv6 as [addr]:port), @file (one target per line, '#' comments, blank lines ignored) or
 * "-" (the same format read from stdin).
 * Parsing never resolves names (the scanner does that asynchronously) and never touches the
 * network. Errors: a one-line reason naming the bad value, written into err. */
#ifndef LS_CORE_TARGETS_H
#define LS_CORE_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define LS_MAX_EXPANDED_ADDRS (1ull << 24) /* refuse a target list larger than a /8 */

enum ls_target_kind { LS_TARGET_ADDR, LS_TARGET_CIDR, LS_TARGET_NAME, LS_TARGET_RANGE };

struct ls_target {
    enum ls_target_kind kind;
    int family;            /* AF_INET or AF_INET6 for ADDR/CIDR; 0 for NAME */
    uint8_t addr[16];      /* network byte order; CIDR: host bits cleared */
    uint8_t prefix;        /* 32/128 for ADDR and RANGE */
    uint8_t addr_end[16];  /* RANGE: the last address (inclusive), network byte order */
    uint16_t port;         /* from host:port, else 0 = use the port list */
    char name[256];        /* NAME: the host name; others: the literal as given */
};

struct ls_target_list {
    struct ls_target *v;
    size_t n, cap;
};

/* Appends the targets of one command-line argument. Returns 0, or -1 with err set. */
int ls_targets_parse(struct ls_target_list *out, const char *arg, char *err, size_t errlen);
/* The same syntax for address sets (--scope, --exclude): no size limit on CIDRs, ranges or the
 * list total (prefix /0 is still refused). */
int ls_targets_parse_set(struct ls_target_list *out, const char *arg, char *err, size_t errlen);
void ls_target_list_free(struct ls_target_list *l);
/* Number of addresses the target covers (1 for ADDR and NAME; saturates at UINT64_MAX). */
uint64_t ls_target_naddrs(const struct ls_target *t);
/* The i-th address of an ADDR/CIDR/RANGE target as a sockaddr (port 0). Returns 0 or -1 if out of range. */
int ls_target_addr(const struct ls_target *t, uint64_t i, struct sockaddr_storage *ss, socklen_t *sslen);

struct ls_port_list {
    uint16_t *v;  /* sorted, unique */
    size_t n;
};

/* "8123", "8123,9000", "9000-9010", "db" (the built-in database port set), "-" = all 1-65535,
 * combinations separated by commas. Returns 0, or -1 with err naming the bad item. */
int ls_ports_parse(struct ls_port_list *out, const char *spec, char *err, size_t errlen);
/* The built-in default list (`db`). */
int ls_ports_default(struct ls_port_list *out);
void ls_port_list_free(struct ls_port_list *l);
/* The engine (0 <= id < LS_DB_ENGINES) whose default port this is among the `db` set, or -1. */
#define LS_DB_ENGINES 18
int ls_db_port_engine(uint16_t port);
const char *ls_db_engine_name(int engine);

#endif
