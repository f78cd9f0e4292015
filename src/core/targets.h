/* Target and port-list parsing (the command line's TARGET… and -p LIST).
 * TARGET: IPv4/IPv6 address, CIDR (v4 or v6), range A-B (v4 or v6), host name, any of those with
 * :port (IPv6 as [addr]:port), @file (one target per line, '#' comments, blank lines ignored) or
 * "-" (the same format read from stdin). A @file that is not a regular file (a FIFO, device or
 * directory) is refused without blocking; stdin is read whatever it is.
 * Parsing never resolves names (the scanner does that asynchronously) and never touches the
 * network. Errors: a one-line reason naming the bad value, written into err. */
#ifndef LS_CORE_TARGETS_H
#define LS_CORE_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define LS_MAX_EXPANDED_ADDRS (1ull << 24) /* refuse a target list larger than a /8 */

enum ls_target_kind { LS_TARGET_ADDR, LS_TARGET_CIDR, LS_TARGET_NAME, LS_TARGET_RANGE };

/* 48 bytes on LP64; the text lives in the list's name arena (see ls_target_list_bytes). */
struct ls_target {
    uint8_t kind;         /* enum ls_target_kind */
    uint8_t family;       /* AF_INET or AF_INET6 for ADDR/CIDR/RANGE; 0 for NAME */
    uint8_t prefix;       /* 32/128 for ADDR and RANGE */
    uint16_t port;        /* from host:port, else 0 = use the port list */
    uint8_t addr[16];     /* network byte order; CIDR: host bits cleared */
    uint8_t addr_end[16]; /* RANGE: the last address (inclusive), network byte order */
    const char *name;     /* NAME: the host name; others: the literal as given. Owned by the list,
                           * valid until ls_target_list_free (never moves while the list grows). */
};

#define LS_MAX_TARGET_TEXT (512u << 20) /* bytes of target text (names plus NULs) in one list */

struct ls_name_block; /* an arena block of NUL-terminated names (targets.c) */

struct ls_target_list {
    struct ls_target *v;
    size_t n, cap;
    struct ls_name_block *names; /* newest block first */
    size_t name_used;            /* bytes of text stored, NULs included (<= LS_MAX_TARGET_TEXT) */
    size_t name_alloc;           /* bytes allocated for the arena, block headers included */
};

/* Appends the targets of one command-line argument. Returns 0, or -1 with err set. */
int ls_targets_parse(struct ls_target_list *out, const char *arg, char *err, size_t errlen);
/* The same syntax for address sets (--scope, --exclude): no size limit on CIDRs, ranges or the
 * list total (prefix /0 is still refused). */
int ls_targets_parse_set(struct ls_target_list *out, const char *arg, char *err, size_t errlen);
void ls_target_list_free(struct ls_target_list *l);
/* Heap bytes the list holds: the target array (its capacity) plus the name arena. About 48 bytes
 * plus the length of the text as given per target: a list is proportional to what was read. */
size_t ls_target_list_bytes(const struct ls_target_list *l);
/* Number of addresses the target covers (1 for ADDR and NAME; saturates at UINT64_MAX). */
uint64_t ls_target_naddrs(const struct ls_target *t);
/* The i-th address of an ADDR/CIDR/RANGE target as a sockaddr (port 0). Returns 0 or -1 if out of range. */
int ls_target_addr(const struct ls_target *t, uint64_t i, struct sockaddr_storage *ss, socklen_t *sslen);

struct ls_port_list {
    uint16_t *v; /* sorted, unique */
    size_t n;
};

/* "8123", "8123,9000", "9000-9010", "db" (the built-in database port set), "-" = all 1-65535,
 * combinations separated by commas. Returns 0, or -1 with err naming the bad item. */
int ls_ports_parse(struct ls_port_list *out, const char *spec, char *err, size_t errlen);
/* The built-in default list (`db`). */
int ls_ports_default(struct ls_port_list *out);
/* The default ports of the named engines (registry names, NULL-terminated; unknown names skipped):
 * the port list of `--engines` without `-p`. */
int ls_ports_of_engines(struct ls_port_list *out, const char *const *engines);
void ls_port_list_free(struct ls_port_list *l);
/* The engines of the `db` set and their ports come from the engine registry (engines/engine.h:
 * ls_db_engine_count, ls_db_port_engine, ls_db_engine_name). */

#endif
