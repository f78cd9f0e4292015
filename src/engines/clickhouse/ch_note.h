/* Notes that list entries (passwordless users, dictionaries, users seen in query_log, …) on a
 * table or system object of the ClickHouse blast radius: entries are separated by ", ", the note
 * stays under CH_NOTE_LIST_MAX bytes, and entries that no longer fit are counted, not dropped
 * silently ("…, and 3 more"). Internal to src/engines/clickhouse/. */
#ifndef LS_ENGINES_CH_NOTE_H
#define LS_ENGINES_CH_NOTE_H

#include "model/model.h"

#define CH_NOTE_LIST_MAX 480

/* Adds `entry` to t's note; the first entry is preceded by `prefix` (may be NULL or ""). */
void ch_note_list_add(struct ls_table *t, const char *prefix, const char *entry);

#endif
