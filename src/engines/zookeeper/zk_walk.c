/* The bounded walk of a ZooKeeper tree as an anonymous client: breadth-first from /, for every
 * znode one getChildren2 (its children and stat: data length, child count) and one getACL,
 * pipelined (ZK_WINDOW requests in flight). Bounded by node count (ZK_MAX_NODES, --deep
 * ZK_MAX_NODES_DEEP), depth, path length and children per znode; children are walked in sorted
 * order so two scans of one tree agree. /zookeeper (the server's quota and config nodes) is not
 * walked. A znode whose ACL refuses the anonymous client (NOAUTH) is counted, not an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/zookeeper/zk_int.h"
#include "util/num.h"
#include "util/strbuf.h"

#define TAG_LIST 0u
#define TAG_ACL 1u

const char *zk_err_name(int32_t err)
{
    switch (err) {
    case 0: return "OK";
    case -1: return "SYSTEMERROR";
    case -4: return "CONNECTIONLOSS";
    case -6: return "UNIMPLEMENTED";
    case -8: return "BADARGUMENTS";
    case -101: return "NONODE";
    case -102: return "NOAUTH";
    case -115: return "AUTHFAILED";
    case -124: return "SESSIONCLOSEDREQUIRESASLAUTH";
    default: return "error";
    }
}

void zk_nodes_free(struct zk *z)
{
    for (size_t i = 0; i < z->nnodes; i++)
        free(z->nodes[i].path);
    free(z->nodes);
    z->nodes = NULL;
    z->nnodes = z->capnodes = z->sendi = z->inflight = 0;
}

static size_t max_nodes(const struct zk *z)
{
    return z->ec.s->limits->deep ? ZK_MAX_NODES_DEEP : ZK_MAX_NODES;
}

static struct zk_node *add_node(struct zk *z, char *path, uint16_t depth, uint16_t top)
{
    if (z->nnodes >= z->capnodes) {
        size_t cap = z->capnodes ? z->capnodes * 2 : 64;
        if (cap > max_nodes(z) + 1)
            cap = max_nodes(z) + 1;
        struct zk_node *n = cap > z->nnodes ? realloc(z->nodes, cap * sizeof *n) : NULL;
        if (!n)
            return NULL;
        z->nodes = n;
        z->capnodes = cap;
    }
    struct zk_node *n = &z->nodes[z->nnodes++];
    memset(n, 0, sizeof *n);
    n->path = path;
    n->depth = depth;
    n->top = top;
    n->data_len = -1;
    n->nchildren = -1;
    n->world = -1;
    return n;
}

static void walk_end(struct ls_session *s, enum ls_step result)
{
    struct zk *z = s->priv;
    struct zk_posture *p = &z->post;
    for (size_t i = 0; i < z->nnodes; i++) {
        const struct zk_node *n = &z->nodes[i];
        if (n->world >= 0 && (n->world & (ZK_PERM_WRITE | ZK_PERM_CREATE | ZK_PERM_DELETE)))
            p->world_writable++;
        if (n->world >= 0 && (n->world & ZK_PERM_ADMIN))
            p->world_admin++;
    }
    zk_step_end(z, result);
}

struct child {
    const uint8_t *name;
    size_t len;
};

static int cmp_child(const void *a, const void *b)
{
    const struct child *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static bool valid_name(const uint8_t *p, size_t n)
{
    if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '/' || p[i] < 0x20 || p[i] == 0x7f)
            return false;
    return true;
}

struct kids {
    struct child *v;
    size_t n, cap;
};

static void on_child(void *ud, const uint8_t *name, size_t len)
{
    struct kids *k = ud;
    if (k->n < k->cap && valid_name(name, len))
        k->v[k->n++] = (struct child){name, len};
}

/* Children of node i (a GetChildren2Response: vector<ustring> then a Stat). */
static void on_children(struct zk *z, size_t i, const uint8_t *body, size_t len)
{
    struct zk_reader peek;
    zk_reader_init(&peek, body, len);
    int32_t listed = zk_read_int(&peek); /* the vector's count, checked again by the parser */
    size_t cap = listed > 0 ? (size_t)listed : 1;
    if (cap > ZK_MAX_CHILDREN)
        cap = ZK_MAX_CHILDREN;
    if (cap > len / 4 + 1)
        cap = len / 4 + 1;
    struct kids list = {malloc(cap * sizeof(struct child)), 0, cap};
    struct zk_stat st;
    size_t count = 0;
    if (!list.v)
        return;
    if (!zk_parse_children2(body, len, cap, on_child, &list, &count, &st)) {
        free(list.v);
        ls_service_add_unknown(&z->ec.s->svc, "znodes", "getChildren2: malformed reply");
        return;
    }
    struct child *kids = list.v;
    size_t nk = list.n;
    if (count > ZK_MAX_CHILDREN)
        z->post.walk_truncated = true;
    z->nodes[i].data_len = st.data_length;
    z->nodes[i].nchildren = st.num_children;
    ls_sort(kids, nk, sizeof *kids, cmp_child);
    bool root = z->nodes[i].depth == 0;
    for (size_t k = 0; k < nk; k++) {
        const struct zk_node *parent = &z->nodes[i];
        if (root && kids[k].len == strlen(ZK_SYSTEM) && memcmp(kids[k].name, ZK_SYSTEM, kids[k].len) == 0)
            continue;
        size_t pl = root ? 0 : strlen(parent->path);
        if (z->nnodes >= max_nodes(z) || parent->depth + 1 > ZK_MAX_DEPTH || pl + 1 + kids[k].len > ZK_MAX_PATH ||
            (root && z->ntops >= ZK_MAX_TOP)) {
            z->post.walk_truncated = true;
            continue;
        }
        char *path = malloc(pl + kids[k].len + 2);
        if (!path)
            break;
        memcpy(path, parent->path, pl);
        path[pl] = '/';
        memcpy(path + pl + 1, kids[k].name, kids[k].len);
        path[pl + 1 + kids[k].len] = '\0';
        uint16_t top = parent->top;
        uint16_t depth = (uint16_t)(parent->depth + 1);
        if (root) {
            top = (uint16_t)z->ntops++;
            memset(&z->tops[top], 0, sizeof z->tops[top]);
            snprintf(z->tops[top].name, sizeof z->tops[top].name, "%s", path);
        }
        if (!add_node(z, path, depth, top)) {
            free(path);
            break;
        }
    }
    free(kids);
}

/* An ACL (GetACLResponse: vector<ACL> then a Stat) as text, and what world:anyone holds. */
static void on_acl(struct zk *z, size_t i, const uint8_t *body, size_t len)
{
    struct zk_node *n = &z->nodes[i];
    int32_t world;
    if (zk_parse_acl_list(body, len, n->acl, sizeof n->acl, &world))
        n->world = world;
}

static void pump(struct ls_session *s);

static void on_reply(struct ls_session *s, uint32_t tag, const struct zk_reply_header *h, const uint8_t *body,
                     size_t len, const char *err)
{
    struct zk *z = s->priv;
    if (!h) {
        free(s->svc.error);
        s->svc.error = strdup(err ? err : "session lost");
        z->inflight = 0;
        walk_end(s, LS_STEP_FAILED);
        return;
    }
    z->inflight--;
    size_t i = tag >> 1;
    if (i >= z->nnodes) {
        pump(s);
        return;
    }
    struct zk_node *n = &z->nodes[i];
    if ((tag & 1u) == TAG_LIST) {
        n->listed = true;
        n->list_err = h->err;
        if (h->err == ZK_OK)
            on_children(z, i, body, len);
        n = &z->nodes[i]; /* the array may have moved */
        if (n->depth == 0) {
            z->post.root_err = h->err;
        } else if (n->top < z->ntops) {
            struct zk_top *t = &z->tops[n->top];
            t->walked++;
            if (h->err == ZK_OK) {
                z->post.readable++;
                if (n->data_len > 0)
                    t->bytes += (uint64_t)n->data_len;
            } else {
                t->unreadable++;
                z->post.refused_n++;
                size_t used = strlen(z->post.refused_paths);
                if (used + strlen(n->path) + 3 < sizeof z->post.refused_paths)
                    snprintf(z->post.refused_paths + used, sizeof z->post.refused_paths - used, "%s%s",
                             used ? ", " : "", n->path);
            }
        }
    } else {
        n->acled = true;
        n->acl_err = h->err;
        if (h->err == ZK_OK)
            on_acl(z, i, body, len);
        if (n->depth == 0) {
            memcpy(z->post.root_acl, n->acl, sizeof z->post.root_acl);
            z->post.root_world = n->world;
        }
    }
    pump(s);
}

static void pump(struct ls_session *s)
{
    struct zk *z = s->priv;
    while (z->sendi < z->nnodes && z->inflight + 2 <= ZK_WINDOW) {
        size_t i = z->sendi++;
        z->inflight += 2;
        zk_request(z, ZK_OP_GET_CHILDREN2, z->nodes[i].path, (uint32_t)(i << 1) | TAG_LIST, on_reply);
        zk_request(z, ZK_OP_GET_ACL, z->nodes[i].path, (uint32_t)(i << 1) | TAG_ACL, on_reply);
    }
    if (z->sendi >= z->nnodes && z->inflight == 0)
        walk_end(s, LS_STEP_OK);
}

void zk_walk(struct ls_session *s, ls_step_cb done)
{
    struct zk *z = s->priv;
    z->ec.step_done = done;
    zk_nodes_free(z);
    z->ntops = 0;
    char *root = strdup("/");
    if (!root || !add_node(z, root, 0, UINT16_MAX)) {
        free(root);
        free(s->svc.error);
        s->svc.error = strdup("out of memory");
        z->inflight = 1;
        zk_request(z, ZK_OP_GET_CHILDREN2, "/", 0, on_reply); /* ends from the event loop */
        return;
    }
    pump(s);
}
