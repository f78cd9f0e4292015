/* One outgoing TCP (optionally TLS) connection on the event loop: connect with a timeout, write,
 * and read with a silence timeout. Wraps a libevent bufferevent (socket or OpenSSL filter) behind
 * one interface so engines do not care which. TLS peers are not verified: a scanner talks to
 * whatever answers, and reports what it saw. Callbacks always come from the event loop.
 * Ownership: the caller owns the ls_conn and frees it with ls_conn_free() (also from callbacks). */
#ifndef LS_NET_CONN_H
#define LS_NET_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct event_base;
struct evbuffer;
struct ls_conn;

enum ls_conn_event {
    LS_CONN_CONNECTED, /* connection (and TLS handshake) done */
    LS_CONN_READ,      /* new bytes in ls_conn_input() */
    LS_CONN_EOF,       /* peer closed (bytes may still be in the input) */
    LS_CONN_TIMEOUT,   /* connect or silence timeout */
    LS_CONN_ERROR,     /* refused, reset, TLS failure… (ls_conn_error() says what) */
};

typedef void (*ls_conn_cb)(struct ls_conn *c, enum ls_conn_event ev, void *ud);

struct ls_conn *ls_conn_new(struct event_base *base, const struct sockaddr *sa, socklen_t salen, bool tls,
                            const char *sni, unsigned connect_timeout_ms, unsigned io_timeout_ms, ls_conn_cb cb,
                            void *ud);
int ls_conn_write(struct ls_conn *c, const void *data, size_t len);
struct evbuffer *ls_conn_output(struct ls_conn *c); /* append, then ls_conn_flush() */
int ls_conn_flush(struct ls_conn *c);
struct evbuffer *ls_conn_input(struct ls_conn *c);
const char *ls_conn_error(const struct ls_conn *c);
void ls_conn_free(struct ls_conn *c);
/* For a long response: wake up only once `lowat` bytes are waiting (SO_RCVLOWAT), or at EOF,
 * instead of once per segment the server writes (ClickHouse writes 4 KiB HTTP chunks), and
 * read them all at once. When the read timeout passes with fewer bytes waiting, those are
 * delivered and reading goes on: the timeout still means silence, detected within at most twice
 * the timeout. Plain TCP only. */
void ls_conn_read_bulk(struct ls_conn *c, size_t lowat);

/* Shared client TLS context (created on first use, freed by ls_tls_cleanup). */
void ls_tls_cleanup(void);

/* "ip" or "[ip6]" text for a sockaddr, and its port. */
void ls_sockaddr_ip(const struct sockaddr *sa, char *out, size_t outlen);
unsigned ls_sockaddr_port(const struct sockaddr *sa);

#endif
