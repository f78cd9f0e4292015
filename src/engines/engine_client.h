/* The client lifecycle shared by engines that speak one request/reply protocol on one connection
 * (Redis, Memcached) and, for the lifecycle alone, by ZooKeeper. An engine embeds a struct
 * ls_eclient named `ec` in its per-session object and gives ops. The module carries: close that is
 * safe from inside a callback (the `closing` flag; the object is freed when the callback
 * unwinds), failures reported once from the event loop (the deferred event, never from inside the
 * call that failed), the step's callback, and the connection, opened by the first write, with the
 * bytes written before it is up kept until it is. The engine parses its own replies (ops->input)
 * and ends its own waiter (ops->fail). */
#ifndef LS_ENGINES_ENGINE_CLIENT_H
#define LS_ENGINES_ENGINE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "engines/engine.h"

struct ls_eclient;

struct ls_eclient_ops {
    /* Bytes arrived on ec->conn: parse them and hand replies to the waiter (it may close). */
    void (*input)(struct ls_eclient *ec);
    /* Ends what waits with why (it may close the client). */
    void (*fail)(struct ls_eclient *ec, const char *why);
    /* Forgets the waiter without calling it (a failure that cannot be reported). */
    void (*forget)(struct ls_eclient *ec);
    /* Also done on cancel (the engine's own connections and timers); may be NULL. */
    void (*cancel)(struct ls_eclient *ec);
    /* Frees the engine's object and what it owns; ec is cancelled and its event freed already. */
    void (*destroy)(struct ls_eclient *ec);
    /* The failure when the server closes without a byte (NULL: "connection closed by the server"). */
    const char *silent_eof;
};

struct ls_eclient {
    struct ls_session *s;
    const struct ls_eclient_ops *ops;
    struct ls_conn *conn;
    unsigned gen; /* connections opened so far */
    bool connected, dead;
    bool got_bytes;    /* the current connection received something */
    bool silent_close; /* the connection was closed without a byte from the server */
    char *pending;     /* bytes written before the connection is up */
    size_t pending_len;
    size_t need;         /* bytes the next reply needs at least (the engine's input sets it) */
    struct event *defer; /* reports a failure, or ends a step, from the event loop */
    char err[200];       /* why the connection is dead */
    bool defer_step;     /* the deferred event ends the step with defer_result */
    enum ls_step defer_result;
    unsigned in_cb; /* inside a callback: close is deferred */
    bool closing;
    ls_step_cb step_done; /* the step being run */
};

/* The engine's object from its embedded `ec`. */
#define LS_EC_OWNER(ecp, type) ((type *)(void *)((char *)(ecp)-offsetof(type, ec)))

void ls_ec_init(struct ls_eclient *ec, struct ls_session *s, const struct ls_eclient_ops *ops);
/* Ends the current step: calls step_done once. _later does it from the event loop. */
void ls_ec_step_end(struct ls_eclient *ec, enum ls_step result);
void ls_ec_step_end_later(struct ls_eclient *ec, enum ls_step result);
/* Reports why to ops->fail from the event loop (ops->forget if it cannot be scheduled). */
void ls_ec_fail_later(struct ls_eclient *ec, const char *why);
/* Marks the connection dead, closes it and calls ops->fail with why now. */
void ls_ec_dead(struct ls_eclient *ec, const char *why);
/* Opens the connection if there is none. False (the failure reported later) when it is dead or
 * cannot be opened. */
bool ls_ec_open(struct ls_eclient *ec);
/* Writes n bytes (kept until the connection is up); a failure marks it dead, reported later. */
void ls_ec_write(struct ls_eclient *ec, const void *buf, size_t n);
/* Closes the connection and forgets that it was dead; the next ls_ec_open opens a new one. */
void ls_ec_drop(struct ls_eclient *ec);
/* Around a callback of the engine's own connections: the object is freed on leave if it was
 * closed inside. */
void ls_ec_enter(struct ls_eclient *ec);
void ls_ec_leave(struct ls_eclient *ec);
void ls_ec_cancel(struct ls_eclient *ec);
/* Cancels and frees the object (ops->destroy), later if inside a callback. NULL is a no-op. */
void ls_ec_close(struct ls_eclient *ec);

#endif
