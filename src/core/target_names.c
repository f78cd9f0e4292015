/* The name arena of a target list; see target_names.h. */
#include "core/target_names.h"

#include <stdlib.h>
#include <string.h>

struct ls_name_block {
    struct ls_name_block *next;
    size_t used, cap;
    char data[];
};

#define NAME_BLOCK_MIN 1024
#define NAME_BLOCK_MAX (64u << 10)

const char *ls_name_store(struct ls_target_list *l, const char *s, size_t len, bool *too_much)
{
    struct ls_name_block *b = l->names;
    *too_much = len + 1 > LS_MAX_TARGET_TEXT - l->name_used;
    if (*too_much)
        return NULL;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = l->name_used < NAME_BLOCK_MIN ? NAME_BLOCK_MIN : l->name_used;
        cap = cap > NAME_BLOCK_MAX ? NAME_BLOCK_MAX : cap;
        cap = cap < len + 1 ? len + 1 : cap;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = l->names;
        b->used = 0;
        b->cap = cap;
        l->names = b;
        l->name_alloc += sizeof *b + cap;
    }
    char *p = b->data + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    l->name_used += len + 1;
    return p;
}

struct ls_name_mark ls_name_mark(const struct ls_target_list *l)
{
    return (struct ls_name_mark){l->names, l->names ? l->names->used : 0, l->name_used, l->name_alloc};
}

void ls_name_rollback(struct ls_target_list *l, const struct ls_name_mark *m)
{
    while (l->names && l->names != m->head) {
        struct ls_name_block *next = l->names->next;
        free(l->names);
        l->names = next;
    }
    if (l->names)
        l->names->used = m->head_used;
    l->name_used = m->used;
    l->name_alloc = m->alloc;
}
