/* One open port's assessment: fingerprint candidates, then access, inventory, sampling, assess
 * (see pipeline.h). Everything runs on the event loop; a deadline bounds the whole job. */
#include "core/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <time.h>

#include "core/service_redact.h"
#include "detect/tablescan.h"
#include "engines/unknown/banner.h"
#include "net/conn.h"

struct ls_job {
    const struct ls_pipeline *p;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char host[256];
    bool host_is_name;
    const struct ls_engine **cand; /* every engine the port suggests, then the unknown fallback */
    bool *cand_tls;
    size_t ncand, next, maxcand;
    bool looking;                /* the current session is the first look of an unclaimed port */
    const struct ls_engine *eng; /* engine of the current session */
    bool open;                   /* eng->ops->open succeeded */
    bool identified;
    struct ls_session s;
    size_t table; /* table being sampled */
    struct ls_tablescan *ts;
    struct event *deadline;
    uint64_t started_us, phase_start_us; /* the job's start; the running step's start */
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Records how long step `ph` took (from phase_start_us, or the job's start for the fingerprint)
 * and starts the clock of the next one. */
static void phase_done(struct ls_job *j, enum ls_phase ph)
{
    uint64_t now = now_us(), from = ph == LS_PHASE_FINGERPRINT ? j->started_us : j->phase_start_us;
    uint64_t ms = (now - from) / 1000u;
    j->s.svc.phase_ms[ph] = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
    j->s.svc.phase_ran[ph] = true;
    j->phase_start_us = now;
}

static void try_next_candidate(struct ls_job *j);
static void sample_next(struct ls_job *j);

static struct ls_job *job_of(struct ls_session *s)
{
    return (struct ls_job *)((char *)s - offsetof(struct ls_job, s));
}

static void close_session(struct ls_job *j)
{
    if (j->open) {
        j->eng->ops->cancel(&j->s);
        j->eng->ops->close(&j->s);
        j->open = false;
    }
    ls_tablescan_free(j->ts);
    j->ts = NULL;
    ls_service_free(&j->s.svc);
}

static void job_end(struct ls_job *j)
{
    close_session(j);
    if (j->deadline)
        event_free(j->deadline);
    j->p->on_job_end(j->p->ud, j);
    free(j->cand);
    free(j->cand_tls);
    free(j);
}

static void report(struct ls_job *j)
{
    if (j->ts || (j->s.svc.phase_ran[LS_PHASE_POSTURE] && !j->s.svc.phase_ran[LS_PHASE_SAMPLING]))
        phase_done(j, LS_PHASE_SAMPLING); /* ended by the samples, or cut by the deadline */
    j->eng->ops->assess(&j->s);
    if (!j->p->limits->show_secrets)
        ls_service_redact(&j->s.svc, j->p->detector);
    j->p->on_service(j->p->ud, &j->s.svc);
    job_end(j);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
    struct ls_job *j = arg;
    (void)fd, (void)what;
    if (!j->identified) {
        job_end(j);
        return;
    }
    j->eng->ops->cancel(&j->s);
    char msg[128];
    snprintf(msg, sizeof msg, "assessment stopped after %u ms (service timeout)", j->p->limits->service_timeout_ms);
    free(j->s.svc.error);
    j->s.svc.error = strdup(msg);
    if (j->ts && j->table < j->s.svc.ntables) {
        struct ls_table *t = &j->s.svc.tables[j->table];
        ls_tablescan_finish(j->ts, t);
        free(t->error);
        t->error = strdup("sampling interrupted by the service timeout");
    }
    report(j);
}

static void on_row(struct ls_session *s, const char *const *names, char **cells, const size_t *lens, size_t n)
{
    struct ls_job *j = job_of(s);
    for (size_t i = 0; i < n; i++)
        ls_tablescan_cell(j->ts, names[i], cells[i], lens[i]);
    ls_tablescan_row_end(j->ts);
}

static void on_sampled(struct ls_session *s, enum ls_step r)
{
    struct ls_job *j = job_of(s);
    struct ls_table *t = &s->svc.tables[j->table];
    ls_tablescan_finish(j->ts, t);
    ls_tablescan_free(j->ts);
    j->ts = NULL;
    if (r != LS_STEP_OK && s->svc.error) {
        /* a failed table is noted on the table; the service goes on */
        free(t->error);
        t->error = s->svc.error;
        s->svc.error = NULL;
    }
    j->table++;
    sample_next(j);
}

static void sample_next(struct ls_job *j)
{
    struct ls_service *svc = &j->s.svc;
    bool deep = j->p->limits->deep;
    uint64_t limit = deep ? 0 : j->p->limits->sample_rows; /* 0 rows = no LIMIT when deep */
    while (j->table < svc->ntables) {
        struct ls_table *t = &svc->tables[j->table];
        if ((limit || deep) && (t->rows > 0 || !t->rows_known) && t->ncolumns > 0) {
            j->ts = ls_tablescan_new(j->p->detector, j->p->limits->show_secrets);
            if (!j->ts)
                break;
            j->eng->ops->stream_rows(&j->s, t, limit, on_row, on_sampled);
            return;
        }
        /* not sampled: still class it by name and columns */
        struct ls_tablescan *ts = ls_tablescan_new(j->p->detector, false);
        if (ts) {
            ls_tablescan_finish(ts, t);
            ls_tablescan_free(ts);
        }
        j->table++;
    }
    report(j);
}

static void on_posture(struct ls_session *s, enum ls_step r)
{
    struct ls_job *j = job_of(s);
    (void)r; /* what could not be learnt is in the service's unknowns */
    phase_done(j, LS_PHASE_POSTURE);
    j->table = 0;
    sample_next(j);
}

static void on_inventory(struct ls_session *s, enum ls_step r)
{
    struct ls_job *j = job_of(s);
    (void)r; /* a partial inventory is still worth assessing, sampling and reporting */
    phase_done(j, LS_PHASE_INVENTORY);
    if (j->eng->ops->posture) {
        j->eng->ops->posture(s, on_posture);
        return;
    }
    on_posture(s, LS_STEP_OK);
}

static void on_access(struct ls_session *s, enum ls_step r)
{
    struct ls_job *j = job_of(s);
    phase_done(j, LS_PHASE_ACCESS);
    if (r == LS_STEP_OK)
        j->eng->ops->inventory(s, on_inventory);
    else
        report(j);
}

/* --engines: only the engines the user named are tried (the unknown fallback always is) */
static bool engine_allowed(const char *name, void *ud)
{
    for (const char *const *e = ud; *e; e++)
        if (strcmp(*e, name) == 0)
            return true;
    return false;
}

static bool allowed_here(const struct ls_job *j, const struct ls_engine *e)
{
    return !j->p->limits->engines || engine_allowed(e->name, (void *)j->p->limits->engines);
}

/* After the first look at an unclaimed port: the engines whose first_look recognises what the
 * service said; when it closed without a word (it may want a protocol of its own, or TLS), every
 * engine, in plaintext then over TLS. Then the unknown fallback. Returns the candidates set, 0 if
 * none: the look itself is then the report (a silent tarpit, SSH, a web server…). */
static size_t plan_after_look(struct ls_job *j, const struct ls_first_look *look)
{
    size_t n = 0;
    for (size_t i = 0; ls_engines[i] && n + 1 < j->maxcand; i++)
        if (allowed_here(j, ls_engines[i]) && ls_engines[i]->first_look &&
            ls_engines[i]->first_look(look->bytes, look->n, look->closed)) {
            j->cand[n] = ls_engines[i];
            j->cand_tls[n++] = false;
        }
    if (look->n == 0 && look->closed)
        for (int tls = 0; tls < 2; tls++)
            for (size_t i = 0; ls_engines[i] && n + 1 < j->maxcand; i++) {
                bool dup = false;
                for (size_t k = 0; k < n; k++)
                    dup |= j->cand[k] == ls_engines[i] && j->cand_tls[k] == (bool)tls;
                if (!dup && allowed_here(j, ls_engines[i])) {
                    j->cand[n] = ls_engines[i];
                    j->cand_tls[n++] = tls;
                }
            }
    if (!n)
        return 0;
    j->cand[n] = &ls_engine_unknown;
    j->cand_tls[n++] = false;
    return n;
}

static void on_fingerprint(struct ls_session *s, enum ls_step r)
{
    struct ls_job *j = job_of(s);
    if (r == LS_STEP_OK && j->looking) {
        j->looking = false;
        struct ls_first_look look;
        size_t n = ls_banner_look(s, &look) ? plan_after_look(j, &look) : 0;
        if (n) {
            close_session(j);
            j->ncand = n;
            j->next = 0;
            try_next_candidate(j);
            return;
        }
        /* nothing an engine recognises: the look is the report */
    }
    if (r == LS_STEP_OK) {
        j->identified = true;
        phase_done(j, LS_PHASE_FINGERPRINT);
        j->eng->ops->access(s, on_access);
        return;
    }
    close_session(j);
    try_next_candidate(j);
}

static void try_next_candidate(struct ls_job *j)
{
    while (j->next < j->ncand) {
        size_t i = j->next++;
        const struct ls_engine *e = j->cand[i];
        struct ls_session *s = &j->s;
        memset(s, 0, sizeof *s);
        s->base = j->p->base;
        s->limits = j->p->limits;
        s->detector = j->p->detector;
        s->engines_tried = i > 0 && !j->looking; /* the fallback after the port's engines said no */
        memcpy(&s->addr, &j->addr, j->addrlen);
        s->addrlen = j->addrlen;
        s->tls = j->cand_tls[i];
        s->sni = j->host_is_name ? j->host : NULL;
        snprintf(s->svc.host, sizeof s->svc.host, "%s", j->host);
        ls_sockaddr_ip((const struct sockaddr *)&j->addr, s->svc.ip, sizeof s->svc.ip);
        s->svc.port = (uint16_t)ls_sockaddr_port((const struct sockaddr *)&j->addr);
        s->svc.tls = s->tls;
        s->svc.engine = e->name;
        s->svc.interface = e->interface;
        j->eng = e;
        if (e->ops->open(s) != 0)
            continue;
        j->open = true;
        e->ops->fingerprint(s, on_fingerprint);
        return;
    }
    job_end(j);
}

int ls_job_start(const struct ls_pipeline *p, const struct sockaddr *addr, socklen_t addrlen, const char *host,
                 bool host_is_name)
{
    struct ls_job *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->p = p;
    memcpy(&j->addr, addr, addrlen);
    j->addrlen = addrlen;
    snprintf(j->host, sizeof j->host, "%s", host);
    j->host_is_name = host_is_name;
    uint16_t port = (uint16_t)ls_sockaddr_port(addr);
    size_t max = 2 * ls_engine_count() + 1; /* each engine in plaintext and TLS, then the fallback */
    j->cand = calloc(max, sizeof *j->cand);
    j->cand_tls = calloc(max, sizeof *j->cand_tls);
    j->deadline = j->cand && j->cand_tls ? evtimer_new(p->base, on_deadline, j) : NULL;
    if (!j->deadline) {
        free(j->cand);
        free(j->cand_tls);
        free(j);
        return -1;
    }
    j->maxcand = max;
    j->started_us = now_us();
    /* the engines the port belongs to go first; a port no engine claims gets a first look (what
     * it says by itself, or to one HTTP line) that picks the engines to try */
    j->ncand = ls_engines_claiming(port, j->cand, j->cand_tls, max - 1, p->limits->engines ? engine_allowed : NULL,
                                   (void *)p->limits->engines);
    j->looking = j->ncand == 0;
    j->cand[j->ncand] = &ls_engine_unknown; /* nothing open is dropped */
    j->cand_tls[j->ncand++] = false;
    struct timeval tv = {p->limits->service_timeout_ms / 1000, (p->limits->service_timeout_ms % 1000) * 1000};
    evtimer_add(j->deadline, &tv);
    try_next_candidate(j);
    return 0;
}
