/* ClickHouse configuration as the server sees it: one element tree whatever the file format (XML
 * through libxml2, YAML through libyaml), each node remembering the file, line and column that
 * defined it, and the server's merge of config.d/users.d/conf.d files into the main file
 * (reference: ClickHouse src/Common/Config/ConfigProcessor.cpp mergeRecursive, as summarised in
 * the project's ClickHouse brief §5.2). Bounded: CH_MAX_NODES per tree, CH_MAX_DEPTH nesting. */
#ifndef LS_AUDIT_CH_TREE_H
#define LS_AUDIT_CH_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CH_MAX_NODES 200000
#define CH_MAX_DEPTH 64

struct ch_node {
    char *name;
    char **ak, **av; /* attributes */
    size_t nattr;
    char *text; /* trimmed text content, or NULL */
    struct ch_node **kids;
    size_t nkids, cap;
    const char *file; /* borrowed: the audit's file list */
    uint64_t line, col;
};

struct ch_node *ch_node_new(const char *name, size_t n, const char *file, uint64_t line, uint64_t col);
void ch_node_free(struct ch_node *n);
int ch_node_add(struct ch_node *parent, struct ch_node *kid); /* 0, -1 on OOM (kid freed) */
const char *ch_attr(const struct ch_node *n, const char *k);
struct ch_node *ch_child(const struct ch_node *n, const char *name);
/* The text of a child, or NULL. */
const char *ch_child_text(const struct ch_node *n, const char *name);

/* Parses one file into a tree whose root is the document's root element (XML) or a synthetic
 * "clickhouse" root (YAML, with a top-level `clickhouse:` key unwrapped). XML: no network, no
 * entity substitution, no DTD loading; entity references are dropped. YAML: aliases are not
 * followed (counted in *aliases). Returns NULL with a one-line reason in err. */
struct ch_node *ch_parse(const char *file, const char *buf, size_t len, char *err, size_t errlen);

/* Merges `over` into `base` as the server does (identity = name + attributes other than replace,
 * remove, incl, from_env, from_zk; repeated names pair in order; replace/remove honoured); `over`
 * is consumed. Returns 0, or -1 when out of memory. */
int ch_merge(struct ch_node *base, struct ch_node *over);

#endif
