/* Shared state of the ZooKeeper engine's modules: the client (zk_client.c: one-shot connections
 * for four-letter words, one session connection with pipelined requests), the bounded tree walk
 * (zk_walk.c), and what the steps learned for posture and assess. */
#ifndef LS_ENGINES_ZK_INT_H
#define LS_ENGINES_ZK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engines/engine.h"
#include "engines/engine_client.h"
#include "engines/zookeeper/zk_jute.h"

struct ls_conn;
struct event;

#define ZK_MAX_4LW (256u << 10)          /* bytes of one four-letter-word reply kept (mntr ~20 KiB) */
#define ZK_MAX_FRAME ((1u << 20) + 4096) /* one reply frame: jute.maxbuffer's default 1 MiB + header */
#define ZK_WINDOW 32                     /* requests in flight on the session */
#define ZK_MAX_NODES 2000                /* znodes walked */
#define ZK_MAX_NODES_DEEP 20000          /* with --deep */
#define ZK_MAX_DEPTH 32                  /* path depth walked */
#define ZK_MAX_PATH 1024                 /* longer paths are not walked */
#define ZK_MAX_CHILDREN 10000            /* children of one znode listed */
#define ZK_MAX_SAMPLE 500                /* znodes whose data is read per subtree */
#define ZK_MAX_SAMPLE_DEEP 5000
#define ZK_MAX_VALUE 65536    /* bytes of one znode's data handed to the detector */
#define ZK_MAX_TOP 64         /* top-level subtrees reported as units */
#define ZK_SESSION_MS 10000   /* session timeout asked for */
#define ZK_SYSTEM "zookeeper" /* the server's own subtree under / (quota, config) */

/* A four-letter word's reply: text (NUL-terminated, len bytes), or NULL with err. `eof_empty`:
 * the server closed without a byte. */
typedef void (*zk_4lw_cb)(struct ls_session *s, const char *text, size_t len, const char *err);
/* A session reply: hdr->err is ZooKeeper's code; body points at the reply body (valid only during
 * the call). On a lost session hdr is NULL and err says why. */
typedef void (*zk_reply_cb)(struct ls_session *s, uint32_t tag, const struct zk_reply_header *hdr, const uint8_t *body,
                            size_t len, const char *err);
/* The session handshake: ok, or err. */
typedef void (*zk_connect_cb)(struct ls_session *s, const struct zk_connect_response *r, const char *err);

/* One znode met by the walk. */
struct zk_node {
    char *path;
    uint16_t depth;
    uint16_t top;       /* index of its top-level subtree (zk->tops), or UINT16_MAX for / */
    int32_t list_err;   /* getChildren2's code (0 = listed) */
    int32_t acl_err;    /* getACL's code */
    int32_t data_len;   /* from the stat, -1 unknown */
    int32_t nchildren;  /* from the stat, -1 unknown */
    int32_t world;      /* perms world:anyone holds, -1 unknown */
    char acl[160];      /* "world:anyone:cdrwa, digest:app:…:r" */
    bool listed, acled; /* replies in */
};

struct zk_top {
    char name[256]; /* "/services" */
    uint64_t walked, unreadable;
    uint64_t bytes;
    bool count_known; /* getAllChildrenNumber answered */
    uint64_t count;   /* znodes in the subtree, itself included */
};

struct zk_posture {
    bool srvr_ok;                 /* srvr answered as ZooKeeper */
    bool mntr_ok, envi_ok;        /* these answered */
    char refused[64];             /* 4lw words refused by the whitelist: "mntr, envi" */
    char mode[32];                /* srvr/mntr: standalone, leader, follower */
    char build[160];              /* srvr's build line */
    bool znode_count_known;       /* mntr zk_znode_count */
    uint64_t znode_count;         /* every znode, system ones included */
    char server_user[64];         /* envi user.name */
    char host_name[128];          /* envi host.name */
    char java_version[64];        /* envi java.version */
    bool session;                 /* a session was opened */
    int32_t root_err;             /* getChildren2 "/" */
    char root_acl[160];           /* ACL of / */
    int32_t root_world;           /* perms world:anyone holds on /, -1 unknown */
    uint64_t world_writable;      /* walked znodes where world:anyone may write/create/delete */
    uint64_t world_admin;         /* … may change the ACL */
    uint64_t readable, refused_n; /* user znodes listed / refused (NOAUTH) */
    char refused_paths[256];      /* the first refused ones */
    bool walk_truncated;
};

struct zk {
    struct ls_eclient ec; /* lifecycle, failures from the event loop, the step being run */
    /* four-letter word connection */
    struct ls_conn *c4;
    zk_4lw_cb cb4;
    char word[5];
    /* session connection */
    struct ls_conn *cs;
    bool cs_connected, cs_ready, cs_dead;
    zk_connect_cb connect_cb;
    struct zk_pending *pend; /* ring of requests in flight */
    size_t npend, pend_head;
    int32_t next_xid;
    size_t need;
    struct evbuffer *outq; /* requests written before the connection is up */
    ls_step_cb outer_done; /* a step's callback while a sub-step (the walk) runs */
    /* what the steps learned */
    struct zk_posture post;
    struct zk_node *nodes;
    size_t nnodes, capnodes, sendi, inflight;
    struct zk_top tops[ZK_MAX_TOP];
    size_t ntops;
    size_t count_next; /* getAllChildrenNumber progress */
    struct zk_sample *sample;
};

struct zk *zk_client_new(struct ls_session *s);
void zk_client_close(struct zk *z); /* safe from inside a callback */
void zk_client_cancel(struct zk *z);
void zk_step_end(struct zk *z, enum ls_step result);
/* Notes a four-letter word the whitelist refused ("mntr, envi"). */
void zk_add_refused(struct zk *z, const char *word);
/* Sends a four-letter word on a new connection; cb gets what came back before the close. */
void zk_4lw(struct zk *z, const char *word, zk_4lw_cb cb);
/* Opens the session connection and sends the ConnectRequest. */
void zk_session_connect(struct zk *z, zk_connect_cb cb);
/* Sends one request on the session; cb gets its reply (tag passed through). Replies come in the
 * order of the requests. */
void zk_request(struct zk *z, int32_t op, const char *path, uint32_t tag, zk_reply_cb cb);
size_t zk_inflight(const struct zk *z);
/* Ends the session politely (closeSession) and drops the connection; no callbacks after. */
void zk_session_close(struct zk *z);

/* The walk (zk_walk.c): lists the tree from / with getChildren2 and getACL, bounded; done gets
 * LS_STEP_OK even when parts were refused (they are counted), FAILED when the session died. */
void zk_walk(struct ls_session *s, ls_step_cb done);
void zk_nodes_free(struct zk *z);
const char *zk_err_name(int32_t err);

void zk_inventory(struct ls_session *s, ls_step_cb done);
void zk_posture(struct ls_session *s, ls_step_cb done);
void zk_stream_rows(struct ls_session *s, const struct ls_table *t, uint64_t limit, ls_row_cb row, ls_step_cb done);
void zk_sample_free(struct zk *z);
void zk_assess(struct ls_session *s);

#endif
