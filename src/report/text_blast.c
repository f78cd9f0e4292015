/* The text report's blast-radius block: what the account could do (capabilities with their
 * evidence, the engine's facts, how it was derived), uptime, the system objects that revealed
 * something, honeypot doubts, compromise signs and the steps that ended unknown. */
#define LS_REPORT_INTERNAL
#include "report/report.h"

#include <stdio.h>
#include <string.h>

#include "report/text_int.h"
#include "util/fmt.h"

/* One line listing the capabilities whose value is v ("write data, change schema"), or nothing. */
static void caps_line(struct ls_buf *b, const struct ls_access *a, enum ls_tri v, const char *label)
{
    struct ls_buf line = {0};
    ls_buf_add(&line, "", 0);
    for (int c = 0; c < LS_CAP_COUNT; c++)
        if (ls_access_cap_value(a, (enum ls_cap)c) == v)
            ls_buf_printf(&line, "%s%s", line.len ? ", " : "", ls_cap_label((enum ls_cap)c));
    if (!line.oom && line.len)
        ls_text_labelled(b, "  ", label, line.p);
    b->oom |= line.oom;
    ls_buf_free(&line);
}

/* An engine fact as "label: value" (model/access.h words it). */
static void fact_line(struct ls_buf *b, const struct ls_fact *f)
{
    char label[64], value[2048];
    ls_text_labelled(b, "  ", ls_fact_label(f, label, sizeof label), ls_fact_value(f, value, sizeof value));
}

/* The account: who, what it can and cannot do (with the evidence of each "can"), the engine's
 * facts, and how that was derived. */
static void access_lines(struct ls_buf *b, const struct ls_access *a)
{
    struct ls_buf line = {0};
    ls_buf_add(&line, "", 0);
    if (a->user[0])
        ls_text_add_clean(&line, a->user, LS_CLEAN_SPACE);
    else
        ls_buf_puts(&line, "unknown");
    if (!line.oom)
        ls_text_labelled(b, "  ", "account", line.p);
    b->oom |= line.oom;
    ls_buf_free(&line);
    caps_line(b, a, LS_TRI_YES, "can");
    for (int c = 0; c < LS_CAP_COUNT; c++)
        if (ls_access_cap_value(a, (enum ls_cap)c) == LS_TRI_YES && a->caps[c].evidence)
            ls_text_labelled(b, "    ", ls_cap_label((enum ls_cap)c), a->caps[c].evidence);
    caps_line(b, a, LS_TRI_NO, "cannot");
    caps_line(b, a, LS_TRI_UNKNOWN, "not known");
    for (size_t i = 0; i < a->nfacts; i++)
        fact_line(b, &a->facts[i]);
    if (a->basis)
        ls_text_labelled(b, "    ", "derived from", a->basis);
}

void ls_text_blast_section(struct ls_buf *b, const struct ls_report *r, const struct ls_service *s)
{
    char num[LS_FMT_NUM];
    if (!s->access.assessed && !s->nsysobjs && !s->nunknowns && !s->compromised && !s->honeypot.suspected)
        return;
    ls_buf_puts(b, "\n  Blast radius\n");
    if (s->access.assessed)
        access_lines(b, &s->access);
    if (s->uptime_known) {
        char up[64];
        snprintf(up, sizeof up, "%s s", ls_fmt_thousands(s->uptime_s, num));
        ls_text_labelled(b, "  ", "uptime", up);
    }
    for (size_t i = 0; i < s->nsysobjs; i++) {
        const struct ls_table *t = &s->sysobjs[i];
        struct ls_buf line = {0};
        ls_buf_add(&line, "", 0);
        if (t->rows_known)
            ls_buf_printf(&line, "%s entries", ls_fmt_thousands(t->rows, num));
        if (t->note) {
            ls_buf_puts(&line, t->rows_known ? "; " : "");
            ls_text_add_clean(&line, t->note, LS_CLEAN_SPACE);
        }
        if (t->nsecrets)
            ls_buf_printf(&line, "; %zu distinct secrets", t->nsecrets);
        struct ls_buf name = {0};
        ls_text_table_name(&name, t);
        if (!line.oom && !name.oom)
            ls_text_labelled(b, "  ", name.p, line.p);
        b->oom |= line.oom || name.oom;
        ls_buf_free(&line);
        ls_buf_free(&name);
    }
    if (s->honeypot.suspected)
        for (size_t i = 0; i < s->honeypot.nreasons; i++)
            ls_text_labelled(b, "  ", "honeypot suspected", s->honeypot.reasons[i]);
    if (s->compromised)
        ls_text_labelled(b, "  ", "COMPROMISED", s->compromise_evidence ? s->compromise_evidence : "ransom note");
    for (size_t i = 0; i < s->nunknowns; i++) {
        struct ls_buf line = {0};
        ls_buf_add(&line, "", 0);
        ls_text_add_clean(&line, s->unknowns[i].what, LS_CLEAN_SPACE);
        ls_buf_puts(&line, ": ");
        ls_text_add_clean(&line, s->unknowns[i].reason, LS_CLEAN_SPACE);
        if (!line.oom)
            ls_text_labelled(b, "  ", "unknown", line.p);
        b->oom |= line.oom;
        ls_buf_free(&line);
    }
    for (size_t i = 0; i < s->nsysobjs; i++)
        if (s->sysobjs[i].nsecrets)
            ls_text_table_details(b, r, &s->sysobjs[i]);
}
