/* List notes of the ClickHouse blast radius (ch_note.h): "prefix: a, b, c, and N more", bounded
 * by CH_NOTE_LIST_MAX; an entry that does not fit raises the count of the tail instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"
#include "util/strbuf.h"

#include "engines/clickhouse/ch_blast.h"
#include "engines/clickhouse/ch_note.h"

#define MORE_FMT ", and %llu more"

/* Length of the note without its ", and N more" tail; *more gets N (0 without a tail). */
static size_t body_len(const char *note, unsigned long long *more)
{
    *more = 0;
    const char *tail = strstr(note, ", and ");
    const char *last = NULL;
    for (; tail; tail = strstr(tail + 1, ", and "))
        last = tail;
    if (last) {
        const char *d = last + 6, *e = d;
        while (*e >= '0' && *e <= '9')
            e++;
        uint64_t n;
        if (e > d && strcmp(e, " more") == 0 && ls_parse_count(d, (size_t)(e - d), &n)) {
            *more = n;
            return (size_t)(last - note);
        }
    }
    return strlen(note);
}

void ch_note_list_add(struct ls_table *t, const char *prefix, const char *entry)
{
    char line[CH_NOTE_LIST_MAX + 1];
    struct ls_strbuf b;
    ls_sb_init(&b, line, sizeof line);
    if (!t->note || !t->note[0]) {
        ls_sb_printf(&b, "%s%s", prefix ? prefix : "", entry);
        if (!b.truncated) {
            ch_set_note(t, line);
            return;
        }
        ls_sb_init(&b, line, sizeof line);
        ls_sb_printf(&b, "%s" MORE_FMT, prefix ? prefix : "", 1ull);
        ch_set_note(t, line);
        return;
    }
    unsigned long long more;
    size_t have = body_len(t->note, &more);
    /* room for the entry and for a tail that may have to be written later */
    char tail[40];
    snprintf(tail, sizeof tail, MORE_FMT, more + 1);
    if (!more && have + 2 + strlen(entry) + strlen(tail) <= CH_NOTE_LIST_MAX) {
        ls_sb_printf(&b, "%s, %s", t->note, entry);
        ch_set_note(t, line);
        return;
    }
    ls_sb_printf(&b, "%.*s" MORE_FMT, (int)have, t->note, more + 1);
    ch_set_note(t, line);
}
