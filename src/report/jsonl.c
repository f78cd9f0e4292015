/* The two JSON writers: JSON Lines and one JSON document, over the model's records
 * (model/model_json.h). */
#define LS_REPORT_INTERNAL
#include "report/report.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"

/* ---- writers ---- */

/* Writes `lead` then the compact record (keys in insertion order); consumes rec. */
static int emit(struct ls_report *r, const char *lead, json_t *rec)
{
    if (!rec)
        return -1;
    char *text = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(rec);
    if (!text)
        return -1;
    ls_report_write(r, lead, strlen(lead));
    ls_report_write(r, text, strlen(text));
    free(text);
    return 0;
}

static void flush(struct ls_report *r)
{
    if (fflush(r->out) != 0)
        r->failed = true;
}

static int jsonl_service(struct ls_report *r, const struct ls_service *s)
{
    if (emit(r, "", ls_json_service(s)) < 0)
        return -1;
    ls_report_write(r, "\n", 1);
    for (size_t i = 0; i < s->ntables + s->nsysobjs; i++)
        for (size_t k = 0; k < ls_service_unit(s, i)->nsecrets; k++) {
            const struct ls_table *t = ls_service_unit(s, i);
            if (emit(r, "", ls_json_secret(s, t, &t->secrets[k], r->opts.show_secrets)) < 0)
                return -1;
            ls_report_write(r, "\n", 1);
        }
    flush(r);
    return 0;
}

static int jsonl_summary(struct ls_report *r, const struct ls_scan_summary *sum)
{
    if (emit(r, "", ls_json_summary(sum)) < 0)
        return -1;
    ls_report_write(r, "\n", 1);
    flush(r);
    return 0;
}

static int jsonl_finish(struct ls_report *r)
{
    return 0;
}

const struct ls_report_ops ls_report_ops_jsonl = {jsonl_service, jsonl_summary, jsonl_finish};

/* One document, {"services":[…],"secrets":[…],"summary":{…}}, one record per line inside. Services
 * stream out as they finish; secrets and the summary wait for the trailer. */
struct json_doc {
    bool opened;
    size_t nservices;
    json_t *secrets;
    json_t *summary;
};

static struct json_doc *doc_state(struct ls_report *r)
{
    if (!r->state) {
        struct json_doc *d = calloc(1, sizeof *d);
        if (!d || !(d->secrets = json_array())) {
            free(d);
            return NULL;
        }
        r->state = d;
    }
    return r->state;
}

static void doc_open(struct ls_report *r, struct json_doc *d)
{
    if (!d->opened) {
        ls_report_write(r, "{\"services\":[", 13);
        d->opened = true;
    }
}

static int json_service(struct ls_report *r, const struct ls_service *s)
{
    struct json_doc *d = doc_state(r);
    if (!d)
        return -1;
    /* Build the secrets first so that a failure leaves the document consistent. */
    json_t *secs = json_array();
    int err = !secs;
    for (size_t i = 0; !err && i < s->ntables + s->nsysobjs; i++)
        for (size_t k = 0; !err && k < ls_service_unit(s, i)->nsecrets; k++)
            err |=
                json_array_append_new(secs, ls_json_secret(s, ls_service_unit(s, i), &ls_service_unit(s, i)->secrets[k],
                                                           r->opts.show_secrets));
    json_t *rec = err ? NULL : ls_json_service(s);
    if (!rec || json_array_extend(d->secrets, secs) < 0) {
        json_decref(rec);
        json_decref(secs);
        return -1;
    }
    json_decref(secs);
    doc_open(r, d);
    if (emit(r, d->nservices ? ",\n" : "\n", rec) < 0)
        return -1;
    d->nservices++;
    flush(r);
    return 0;
}

static int json_summary(struct ls_report *r, const struct ls_scan_summary *sum)
{
    struct json_doc *d = doc_state(r);
    if (!d || !(d->summary = ls_json_summary(sum)))
        return -1;
    /* Only the document: JSON Lines carries each suspect as a record of its own, before the summary. */
    return ls_json_summary_add_suspects(d->summary, sum);
}

static int json_finish(struct ls_report *r)
{
    struct json_doc *d = doc_state(r);
    if (!d)
        return -1;
    int rc = 0;
    doc_open(r, d);
    ls_report_write(r, "\n],\"secrets\":[", 14);
    for (size_t i = 0; i < json_array_size(d->secrets); i++)
        if (emit(r, i ? ",\n" : "\n", json_incref(json_array_get(d->secrets, i))) < 0)
            rc = -1;
    ls_report_write(r, "\n],\"summary\":", 13);
    if (d->summary) {
        if (emit(r, "", json_incref(d->summary)) < 0)
            rc = -1;
    } else
        ls_report_write(r, "null", 4);
    ls_report_write(r, "}\n", 2);
    json_decref(d->secrets);
    json_decref(d->summary);
    free(d);
    r->state = NULL;
    return rc;
}

const struct ls_report_ops ls_report_ops_json = {json_service, json_summary, json_finish};
