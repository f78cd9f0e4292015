/* Shared by the text writer's files (text.c, text_blast.c): the line helpers both use. */
#ifndef LS_REPORT_TEXT_INT_H
#define LS_REPORT_TEXT_INT_H

#include "report/report.h"
#include "util/fmt.h"

/* Appends s cleaned for a terminal (ls_text_clean flags). */
void ls_text_add_clean(struct ls_buf *b, const char *s, unsigned flags);
/* "<indent><label>: text", wrapped at the report width under the text. */
void ls_text_labelled(struct ls_buf *b, const char *indent, const char *label, const char *text);
/* "database.name" of a unit, cleaned. */
void ls_text_table_name(struct ls_buf *b, const struct ls_table *t);
/* The findings and secrets listed under one unit. */
void ls_text_table_details(struct ls_buf *b, const struct ls_report *r, const struct ls_table *t);
/* The "Blast radius" block of one service (text_blast.c); nothing when there is nothing to say. */
void ls_text_blast_section(struct ls_buf *b, const struct ls_report *r, const struct ls_service *s);

#endif
