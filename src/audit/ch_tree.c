/* The ClickHouse configuration tree (ch_tree.h): nodes, the XML and YAML readers and the merge. */
#include "audit/ch_tree.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "audit/audit_int.h"

struct ch_node *ch_node_new(const char *name, size_t n, const char *file, uint64_t line, uint64_t col)
{
    struct ch_node *x = calloc(1, sizeof *x);
    if (!x || !(x->name = la_strndup(name, n))) {
        free(x);
        return NULL;
    }
    x->file = file;
    x->line = line;
    x->col = col;
    return x;
}

void ch_node_free(struct ch_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        ch_node_free(n->kids[i]);
    for (size_t i = 0; i < n->nattr; i++) {
        free(n->ak[i]);
        free(n->av[i]);
    }
    free(n->ak);
    free(n->av);
    free(n->kids);
    free(n->name);
    free(n->text);
    free(n);
}

int ch_node_add(struct ch_node *p, struct ch_node *k)
{
    if (p->nkids == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 4;
        struct ch_node **q = realloc(p->kids, nc * sizeof *q);
        if (!q) {
            ch_node_free(k);
            return -1;
        }
        p->kids = q;
        p->cap = nc;
    }
    p->kids[p->nkids++] = k;
    return 0;
}

static int set_attr(struct ch_node *n, const char *k, const char *v)
{
    for (size_t i = 0; i < n->nattr; i++)
        if (strcmp(n->ak[i], k) == 0) {
            char *c = strdup(v);
            if (!c)
                return -1;
            free(n->av[i]);
            n->av[i] = c;
            return 0;
        }
    char **a = realloc(n->ak, (n->nattr + 1) * sizeof *a), **b;
    if (!a)
        return -1;
    n->ak = a;
    if (!(b = realloc(n->av, (n->nattr + 1) * sizeof *b)))
        return -1;
    n->av = b;
    n->ak[n->nattr] = strdup(k);
    n->av[n->nattr] = strdup(v);
    if (!n->ak[n->nattr] || !n->av[n->nattr]) {
        free(n->ak[n->nattr]);
        free(n->av[n->nattr]);
        return -1;
    }
    n->nattr++;
    return 0;
}

const char *ch_attr(const struct ch_node *n, const char *k)
{
    for (size_t i = 0; n && i < n->nattr; i++)
        if (strcmp(n->ak[i], k) == 0)
            return n->av[i];
    return NULL;
}

struct ch_node *ch_child(const struct ch_node *n, const char *name)
{
    for (size_t i = 0; n && i < n->nkids; i++)
        if (strcmp(n->kids[i]->name, name) == 0)
            return n->kids[i];
    return NULL;
}

const char *ch_child_text(const struct ch_node *n, const char *name)
{
    struct ch_node *c = ch_child(n, name);
    return c ? c->text : NULL;
}

static int set_text(struct ch_node *n, const char *s, size_t len)
{
    const char *t = la_trim(s, &len);
    while (len && (*t == '\n' || *t == '\r' || *t == ' ' || *t == '\t')) {
        t++;
        len--;
    }
    while (len && (t[len - 1] == '\n' || t[len - 1] == '\r' || t[len - 1] == ' ' || t[len - 1] == '\t'))
        len--;
    char *c = la_strndup(t, len);
    if (!c)
        return -1;
    free(n->text);
    n->text = c;
    return 0;
}

/* ---- XML ---- */

struct lineix {
    const char *buf;
    size_t len;
};

/* The 1-based column of "<name" on line `line` of the buffer (1 when not found). */
static uint64_t column_of(const struct lineix *li, uint64_t line, const char *name)
{
    const char *p = li->buf, *end = li->buf + li->len;
    for (uint64_t l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *e = memchr(p, '\n', (size_t)(end - p));
    e = e ? e : end;
    size_t nl = strlen(name);
    for (const char *q = p; q + nl < e; q++)
        if (*q == '<' && strncmp(q + 1, name, nl) == 0)
            return (uint64_t)(q - p) + 1;
    return 1;
}

struct xctx {
    const char *file;
    struct lineix li;
    size_t nodes;
    bool overflow;
};

static struct ch_node *from_xml(struct xctx *c, xmlNode *x, int depth)
{
    if (++c->nodes > CH_MAX_NODES || depth > CH_MAX_DEPTH) {
        c->overflow = true;
        return NULL;
    }
    const char *name = (const char *)x->name;
    uint64_t line = (uint64_t)xmlGetLineNo(x);
    struct ch_node *n = ch_node_new(name, strlen(name), c->file, line, column_of(&c->li, line, name));
    if (!n)
        return NULL;
    for (xmlAttr *a = x->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((xmlNode *)a);
        int rc = set_attr(n, (const char *)a->name, v ? (const char *)v : "");
        xmlFree(v);
        if (rc) {
            ch_node_free(n);
            return NULL;
        }
    }
    size_t tlen = 0;
    char *tb = NULL;
    for (xmlNode *k = x->children; k; k = k->next) {
        if (k->type == XML_ELEMENT_NODE) {
            struct ch_node *kid = from_xml(c, k, depth + 1);
            if (!kid || ch_node_add(n, kid) != 0) {
                free(tb);
                ch_node_free(n);
                return NULL;
            }
        } else if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content) {
            size_t kl = strlen((const char *)k->content);
            char *nb = realloc(tb, tlen + kl + 1);
            if (!nb) {
                free(tb);
                ch_node_free(n);
                return NULL;
            }
            tb = nb;
            memcpy(tb + tlen, k->content, kl + 1);
            tlen += kl;
        }
    }
    if (tb && set_text(n, tb, tlen) != 0) {
        free(tb);
        ch_node_free(n);
        return NULL;
    }
    free(tb);
    return n;
}

static struct ch_node *parse_xml(const char *file, const char *buf, size_t len, char *err, size_t errlen)
{
    /* NONET: never fetch; no NOENT (entities are not substituted), no DTDLOAD, no HUGE (libxml2's
     * own limits on depth, text size and entity amplification stay in force). */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
    xmlDoc *doc = len > (size_t)INT32_MAX ? NULL : xmlReadMemory(buf, (int)len, NULL, NULL, opts);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        snprintf(err, errlen, "not well-formed XML%s%.*s", e && e->message ? ": " : "",
                 e && e->message ? (int)strcspn(e->message, "\n") : 0, e && e->message ? e->message : "");
        return NULL;
    }
    struct xctx c = {.file = file, .li = {buf, len}};
    xmlNode *root = xmlDocGetRootElement(doc);
    struct ch_node *n = root ? from_xml(&c, root, 0) : NULL;
    xmlFreeDoc(doc);
    if (!n)
        snprintf(err, errlen, "%s",
                 c.overflow ? "more than 200000 elements or 64 levels: not audited"
                            : "empty document or out of memory");
    return n;
}

/* ---- YAML ---- */

struct yctx {
    yaml_parser_t p;
    const char *file;
    size_t nodes;
    int depth;
    bool fail;
    char why[160];
};

static bool next(struct yctx *c, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&c->p, ev)) {
        snprintf(c->why, sizeof c->why, "YAML error at line %zu: %s", c->p.problem_mark.line + 1,
                 c->p.problem ? c->p.problem : "?");
        c->fail = true;
        return false;
    }
    return true;
}

static int yaml_value(struct yctx *c, struct ch_node *parent, const char *key, size_t klen, yaml_event_t *ev);

/* Fills element n from a mapping whose MAPPING_START was consumed. */
static int yaml_mapping(struct yctx *c, struct ch_node *n)
{
    for (;;) {
        yaml_event_t k;
        if (!next(c, &k))
            return -1;
        if (k.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&k);
            return 0;
        }
        if (k.type != YAML_SCALAR_EVENT) {
            yaml_event_delete(&k);
            snprintf(c->why, sizeof c->why, "YAML: only plain keys are understood");
            c->fail = true;
            return -1;
        }
        char *key = la_strndup((const char *)k.data.scalar.value, k.data.scalar.length);
        uint64_t line = k.start_mark.line + 1, col = k.start_mark.column + 1;
        yaml_event_delete(&k);
        if (!key)
            return -1;
        yaml_event_t v;
        if (!next(c, &v)) {
            free(key);
            return -1;
        }
        int rc;
        if (key[0] == '@' && v.type == YAML_SCALAR_EVENT) { /* attribute */
            char *val = la_strndup((const char *)v.data.scalar.value, v.data.scalar.length);
            rc = val ? set_attr(n, key + 1, val) : -1;
            free(val);
            yaml_event_delete(&v);
        } else if (strcmp(key, "#text") == 0 && v.type == YAML_SCALAR_EVENT) {
            rc = set_text(n, (const char *)v.data.scalar.value, v.data.scalar.length);
            yaml_event_delete(&v);
        } else {
            v.start_mark.line = line - 1; /* a key's element starts at the key */
            v.start_mark.column = col - 1;
            rc = yaml_value(c, n, key, strlen(key), &v);
        }
        free(key);
        if (rc)
            return -1;
    }
}

/* One value under key: scalar -> element with text; mapping -> element; sequence -> one element
 * per item (repeated keys, as ClickHouse's YAML reader does). Consumes ev. */
static int yaml_value(struct yctx *c, struct ch_node *parent, const char *key, size_t klen, yaml_event_t *ev)
{
    if (++c->nodes > CH_MAX_NODES || c->depth > CH_MAX_DEPTH) {
        yaml_event_delete(ev);
        snprintf(c->why, sizeof c->why, "more than %d elements or %d levels: not audited", CH_MAX_NODES, CH_MAX_DEPTH);
        c->fail = true;
        return -1;
    }
    uint64_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;
    if (ev->type == YAML_SEQUENCE_START_EVENT) {
        yaml_event_delete(ev);
        for (;;) {
            yaml_event_t it;
            if (!next(c, &it))
                return -1;
            if (it.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&it);
                return 0;
            }
            c->depth++;
            int rc = yaml_value(c, parent, key, klen, &it);
            c->depth--;
            if (rc)
                return -1;
        }
    }
    if (ev->type == YAML_ALIAS_EVENT) { /* never expanded: no alias bombs */
        yaml_event_delete(ev);
        return 0;
    }
    struct ch_node *n = ch_node_new(key, klen, c->file, line, col);
    if (!n) {
        yaml_event_delete(ev);
        return -1;
    }
    int rc = 0;
    if (ev->type == YAML_SCALAR_EVENT) {
        n->line = ev->start_mark.line + 1;
        rc = set_text(n, (const char *)ev->data.scalar.value, ev->data.scalar.length);
        yaml_event_delete(ev);
    } else if (ev->type == YAML_MAPPING_START_EVENT) {
        yaml_event_delete(ev);
        c->depth++;
        rc = yaml_mapping(c, n);
        c->depth--;
    } else {
        yaml_event_delete(ev);
    }
    if (rc) {
        ch_node_free(n);
        return -1;
    }
    return ch_node_add(parent, n);
}

static struct ch_node *parse_yaml(const char *file, const char *buf, size_t len, char *err, size_t errlen)
{
    struct yctx c = {.file = file};
    if (!yaml_parser_initialize(&c.p)) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&c.p, (const unsigned char *)buf, len);
    struct ch_node *root = ch_node_new("clickhouse", 10, file, 1, 1);
    bool done = false, mapping = false;
    while (root && !done) {
        yaml_event_t ev;
        if (!next(&c, &ev))
            break;
        yaml_event_type_t t = ev.type;
        if (t == YAML_MAPPING_START_EVENT) {
            mapping = true;
            yaml_event_delete(&ev);
            if (yaml_mapping(&c, root) != 0)
                break;
        } else {
            yaml_event_delete(&ev);
        }
        done = t == YAML_STREAM_END_EVENT || t == YAML_DOCUMENT_END_EVENT;
    }
    yaml_parser_delete(&c.p);
    if (!root || c.fail || !done || !mapping) {
        snprintf(err, errlen, "%s", c.fail ? c.why : "neither XML nor a YAML mapping");
        ch_node_free(root);
        return NULL;
    }
    /* a top-level `clickhouse:` (or `yandex:`) key is the root itself */
    if (root->nkids == 1 &&
        (strcmp(root->kids[0]->name, "clickhouse") == 0 || strcmp(root->kids[0]->name, "yandex") == 0)) {
        struct ch_node *in = root->kids[0];
        root->nkids = 0;
        ch_node_free(root);
        root = in;
    }
    return root;
}

struct ch_node *ch_parse(const char *file, const char *buf, size_t len, char *err, size_t errlen)
{
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
        i++;
    if (i < len && buf[i] == '<')
        return parse_xml(file, buf, len, err, errlen);
    return parse_yaml(file, buf, len, err, errlen);
}

/* ---- merge ---- */

static bool ignored_attr(const char *k)
{
    return !strcmp(k, "replace") || !strcmp(k, "remove") || !strcmp(k, "incl") || !strcmp(k, "from_env") ||
           !strcmp(k, "from_zk") || !strcmp(k, "optional");
}

/* Same name and same attributes, the merge-control and substitution ones aside. */
static bool same_identity(const struct ch_node *a, const struct ch_node *b)
{
    if (strcmp(a->name, b->name) != 0)
        return false;
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < a->nattr; i++)
        if (!ignored_attr(a->ak[i])) {
            na++;
            const char *v = ch_attr(b, a->ak[i]);
            if (!v || strcmp(v, a->av[i]) != 0)
                return false;
        }
    for (size_t i = 0; i < b->nattr; i++)
        nb += !ignored_attr(b->ak[i]);
    return na == nb;
}

/* Strips `replace` attributes and drops `remove` children of a node appended as new. */
static void clean_new(struct ch_node *n)
{
    size_t w = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        if (ch_attr(n->kids[i], "remove")) {
            ch_node_free(n->kids[i]);
            continue;
        }
        clean_new(n->kids[i]);
        n->kids[w++] = n->kids[i];
    }
    n->nkids = w;
}

int ch_merge(struct ch_node *base, struct ch_node *over)
{
    size_t nb = base->nkids;
    bool *used = nb ? calloc(nb, sizeof *used) : NULL;
    if (nb && !used) {
        ch_node_free(over);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < over->nkids; i++) {
        struct ch_node *w = over->kids[i];
        over->kids[i] = NULL;
        size_t j = 0;
        while (j < nb && (used[j] || !base->kids[j] || !same_identity(base->kids[j], w)))
            j++;
        if (j == nb) { /* no match: appended (a remove without a match is ignored) */
            if (ch_attr(w, "remove")) {
                ch_node_free(w);
                continue;
            }
            clean_new(w);
            if (ch_node_add(base, w) != 0)
                rc = -1;
            continue;
        }
        used[j] = true;
        struct ch_node *b = base->kids[j];
        if (ch_attr(w, "remove")) {
            ch_node_free(b);
            base->kids[j] = NULL;
            ch_node_free(w);
        } else if (ch_attr(w, "replace")) {
            clean_new(w);
            ch_node_free(b);
            base->kids[j] = w;
        } else {
            for (size_t k = 0; k < w->nattr && !rc; k++)
                if (strcmp(w->ak[k], "replace") != 0)
                    rc = set_attr(b, w->ak[k], w->av[k]);
            if (w->text && *w->text) { /* the leaf value is overwritten, with its place */
                free(b->text);
                b->text = w->text;
                w->text = NULL;
                b->file = w->file;
                b->line = w->line;
                b->col = w->col;
            }
            if (!rc)
                rc = ch_merge(b, w); /* consumes w */
            else
                ch_node_free(w);
        }
    }
    free(used);
    /* drop removed slots */
    size_t k = 0;
    for (size_t i = 0; i < base->nkids; i++)
        if (base->kids[i])
            base->kids[k++] = base->kids[i];
    base->nkids = k;
    over->nkids = 0;
    ch_node_free(over);
    return rc;
}
