/* The name arena of a target list (internal to targets.c): every target's text, NUL-terminated, in
 * blocks that never move, so a target's name pointer stays valid while the list grows. Blocks grow
 * with the text stored (1 KiB up to 64 KiB), so the arena stays proportional to the text read (plus
 * at most one partly used block), and the total is capped at LS_MAX_TARGET_TEXT. A mark taken
 * before a parse lets a failed parse give back everything it stored. */
#ifndef LS_CORE_TARGET_NAMES_H
#define LS_CORE_TARGET_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/targets.h"

/* Copies s[0..len) plus a NUL into l's arena. Returns the copy, or NULL: out of memory, or (with
 * *too_much set) over LS_MAX_TARGET_TEXT. */
const char *ls_name_store(struct ls_target_list *l, const char *s, size_t len, bool *too_much);

/* Where the arena stood. A zeroed mark is the empty arena (rolling back to it frees everything). */
struct ls_name_mark {
    struct ls_name_block *head;
    size_t head_used, used, alloc;
};
struct ls_name_mark ls_name_mark(const struct ls_target_list *l);
void ls_name_rollback(struct ls_target_list *l, const struct ls_name_mark *m);

#endif
