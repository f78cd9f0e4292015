/* libFuzzer harness: one whole fuzzed ClickHouse server conversation, end to end. A loopback
 * server on 127.x.y.z:8123 (HTTP engine) or :9000 (native engine) answers every request the
 * scanner sends with a chunk of the input; the session runs through the core pipeline (engine
 * choice by port, fingerprint, access, inventory, sampling through the detector, blast radius,
 * assess), then through every report writer into memory and into a SQLite history, under
 * ASan/UBSan. Invariants (abort() on violation):
 *  - the session ends within its service timeout (plus slack), the event loop returns;
 *  - bounded memory: inventory caps hold and the model stays proportional to the input;
 *  - json and sarif are valid JSON documents, every jsonl line a JSON object;
 *  - no planted credential (PLANTED below) appears raw in any output or in the history file
 *    when the detector recognizes it there, or recognized it everywhere the server sent it.
 *
 * Input: byte 0 chooses the engine and limits (CFG_* bits), then chunks separated by SEP. Each
 * chunk is "key\nresponse": a request is answered with the first unused chunk whose non-empty
 * key occurs in it (HTTP requests URL-decoded), else the first unused chunk with an empty key,
 * else the last empty-key chunk again; none closes the connection. The server answers only when
 * the event loop is idle (the scanner waits for it): HTTP answers end with a FIN; a native
 * connection gets one chunk per request and a FIN when the scanner waits without asking again.
 * With CFG_STALL the server never closes and a native one repeats its last answer while the
 * scanner waits (a flood): the service timeout (150 ms) ends the session, the cancel paths run.
 * tests/fuzz/gen_ch_session_corpus.py writes the seed corpus. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "core/pipeline.h"
#include "detect/detect.h"
#include "report/report.h"
#include "store/diff.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\n--chunk--\n"
#define MAX_CHUNKS 512
#define REQ_CAP (64u << 10)
#define SERVICE_TIMEOUT_MS 2000
#define SLACK_MS 3000
#define CFG_NATIVE 0x01u
#define CFG_SAMPLE(c) (((c) >> 1) & 3u) /* sample rows 0, 1, 3, 100 */
#define CFG_DEEP 0x08u
#define CFG_TABLES(c) (((c) >> 4) & 3u) /* max_tables 2, 8, 50, 1000 */
#define CFG_SMALL_CAP 0x40u             /* max_response_bytes 2 KiB instead of 1 MiB */
#define CFG_STALL 0x80u                 /* a silent server: it never closes, the scanner's own timers end the session */
#define STALL_SERVICE_TIMEOUT_MS 150

/* Fake credentials the seeds plant in server-controlled strings (see the generator). */
static const char *const PLANTED[] = {
    "AKIAQ7PLNTD2E2EFZK6X",                     /* AWS access key id */
    "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", /* GitHub classic PAT, valid checksum */
    "Sup3rS3cretPw",                            /* postgresql://user:Sup3rS3cretPw@host */
    "k3yV4lu3Xq9Zt7Lm2Wp8Rb0Y",                 /* ?api_key=… */
    "E2eFuzzSlackHookS3cr3tXy",                 /* Slack webhook secret part */
};
#define NPLANTED (sizeof PLANTED / sizeof *PLANTED)

struct chunk {
    const uint8_t *key, *data;
    size_t klen, dlen;
    bool used;
};

struct sconn {
    int fd;
    struct event *rd, *wr;
    uint8_t *req; /* what arrived since the last answer (first REQ_CAP bytes) */
    size_t reqlen;
    bool fresh; /* a request arrived since the last answer */
    const uint8_t *out;
    size_t outlen;
    const struct chunk *last; /* the last answer, repeated by a stalled native server */
    bool shut_after, shut;
    bool flood; /* repeat `last` for as long as the scanner reads */
    struct sconn *next;
};

static struct {
    struct ls_detector *det;
    struct ls_detect_scratch *scratch;
    int lfd[2]; /* listeners: 8123, 9000 */
    struct sockaddr_in addr;
    char ip[32];
    const char *tmp; /* where each session's history directory is made */
    bool debug;      /* LS_FUZZ_DEBUG=1: trace the conversation and print the text report */
} G;

static struct {
    struct event_base *base;
    bool native;
    struct chunk ch[MAX_CHUNKS];
    size_t nch;
    struct sconn *conns;
    struct event *accept_ev, *idle_ev, *watchdog;
    unsigned idle_streak;
    bool job_done, serviced;
    const uint8_t *input;
    size_t input_len;
    bool armed_in[NPLANTED];
    struct ls_scan_limits limits;
    unsigned char cfg;
} S;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_ch_session: invariant violated: %s\n", what);
    abort();
}

/* ---- planted secrets ----------------------------------------------------------------------- */

struct overlap {
    size_t start, end;
    bool hit;
};

static void on_overlap(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    struct overlap *o = ud;
    (void)buf, (void)len;
    if (m->rule->category == LS_CAT_SECRET && m->start < o->end && m->end > o->start)
        o->hit = true;
}

static bool is_delim(unsigned char c, bool output)
{
    return c < 0x20 || c == 0x7f || (output && (c == '"' || c == '<' || c == '>'));
}

/* Whether the detector finds a secret over buf[at, at+n) within the surrounding run of bytes
 * that holds no framing (control bytes; in outputs also quotes and tag brackets). */
static bool recognized(const uint8_t *buf, size_t len, size_t at, size_t n, bool output)
{
    size_t a = at, b = at + n;
    while (a > 0 && at - a < 300 && !is_delim(buf[a - 1], output))
        a--;
    while (b < len && b - at < 300 && !is_delim(buf[b], output))
        b++;
    struct overlap o = {at - a, at - a + n, false};
    ls_detect_scan(G.det, G.scratch, (const char *)buf + a, b - a, on_overlap, &o);
    return o.hit;
}

/* Armed from the input: the planted value occurs and every occurrence is a recognizable secret
 * where the server sent it (a bare copy elsewhere is the fuzzer's, not a leak). */
static void arm_from_input(void)
{
    for (size_t i = 0; i < NPLANTED; i++) {
        size_t n = strlen(PLANTED[i]), seen = 0, rec = 0;
        const uint8_t *p = S.input, *end = S.input + S.input_len;
        while (p < end && (p = memmem(p, (size_t)(end - p), PLANTED[i], n))) {
            seen++;
            rec += recognized(S.input, S.input_len, (size_t)(p - S.input), n, false);
            p += n;
        }
        S.armed_in[i] = seen && rec == seen;
    }
}

static void check_no_planted(const char *what, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < NPLANTED; i++) {
        size_t n = strlen(PLANTED[i]);
        const uint8_t *p = buf, *end = buf + len;
        while (p < end && (p = memmem(p, (size_t)(end - p), PLANTED[i], n))) {
            if (S.armed_in[i] || recognized(buf, len, (size_t)(p - buf), n, true)) {
                size_t at = (size_t)(p - buf), from = at > 80 ? at - 80 : 0;
                fprintf(stderr, "fuzz_ch_session: planted secret %s raw in %s: …%.*s…\n", PLANTED[i], what,
                        (int)((at + n + 40 < len ? at + n + 40 : len) - from), (const char *)buf + from);
                die("a planted secret reached an output raw");
            }
            p += n;
        }
    }
}

/* ---- model bounds ----------------------------------------------------------------------------- */

static size_t slen(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static size_t table_bytes(const struct ls_table *t, bool inventory)
{
    size_t b = sizeof *t + slen(t->database) + slen(t->name) + slen(t->storage) + slen(t->error) + slen(t->note);
    if (inventory && t->ncolumns > 4096)
        die("more columns in a table than the 4096 cap");
    if (t->note && strlen(t->note) > 2048)
        die("a note longer than 2 KiB");
    for (size_t i = 0; i < t->ncolumns; i++)
        b += sizeof t->columns[i] + slen(t->columns[i].name) + slen(t->columns[i].type);
    for (size_t i = 0; i < t->nsecrets; i++)
        b += sizeof t->secrets[i] + slen(t->secrets[i].column) + slen(t->secrets[i].raw);
    return b + t->ntallies * sizeof *t->tallies;
}

static void check_bounds(const struct ls_service *s)
{
    if (s->ntables > S.limits.max_tables)
        die("more tables than max_tables");
    size_t b = sizeof *s + slen(s->auth_evidence) + slen(s->error) + slen(s->version_source) + slen(s->access.basis) +
               slen(s->compromise_evidence);
    for (size_t i = 0; i < s->ntables; i++)
        b += table_bytes(&s->tables[i], true);
    for (size_t i = 0; i < s->nsysobjs; i++)
        b += table_bytes(&s->sysobjs[i], false);
    for (size_t i = 0; i < s->nrisks; i++)
        b += sizeof s->risks[i] + slen(s->risks[i].id) + slen(s->risks[i].title) + slen(s->risks[i].evidence);
    for (size_t i = 0; i < s->nremediation; i++)
        b += slen(s->remediation[i]);
    for (size_t i = 0; i < s->nunknowns; i++)
        b += slen(s->unknowns[i].what) + slen(s->unknowns[i].reason);
    for (size_t i = 0; i < LS_CAP_COUNT; i++)
        b += slen(s->access.caps[i].evidence);
    for (size_t i = 0; i < s->access.nfacts; i++) {
        b += sizeof s->access.facts[i] + slen(s->access.facts[i].key) + slen(s->access.facts[i].text);
        for (size_t j = 0; j < s->access.facts[i].nlist; j++)
            b += slen(s->access.facts[i].list[j]);
    }
    for (size_t i = 0; i < s->honeypot.nreasons; i++)
        b += slen(s->honeypot.reasons[i]);
    /* everything the model holds came from the input: a constant factor of it, plus fixed texts */
    if (b > 64 * S.input_len + (256u << 10)) {
        fprintf(stderr, "fuzz_ch_session: model %zu bytes for %zu input bytes\n", b, S.input_len);
        die("model not proportional to the input");
    }
}

/* ---- outputs ---------------------------------------------------------------------------------- */

static void check_json(enum ls_format f, const char *buf, size_t len)
{
    json_error_t e;
    if (f == LS_FORMAT_JSON || f == LS_FORMAT_SARIF) {
        json_t *j = json_loadb(buf, len, 0, &e);
        if (!j) {
            fprintf(stderr, "fuzz_ch_session: %s: %s\n", ls_format_name(f), e.text);
            die("json/sarif output is not one JSON document");
        }
        json_decref(j);
    } else if (f == LS_FORMAT_JSONL) {
        for (const char *p = buf, *end = buf + len; p < end;) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            json_t *j = json_loadb(p, n, 0, &e);
            if (!json_is_object(j)) {
                fprintf(stderr, "fuzz_ch_session: jsonl: %s: %.*s\n", e.text, (int)(n < 200 ? n : 200), p);
                die("a jsonl line is not a JSON object");
            }
            json_decref(j);
            p += n + 1;
        }
    }
}

static void write_report(enum ls_format f, bool color, const struct ls_service *svc, const struct ls_scan_summary *sum)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return;
    struct ls_report_opts o = {.color = color, .quiet = color};
    struct ls_report *r = ls_report_new(f, out, &o);
    if (!r)
        die("ls_report_new failed");
    int rc = ls_report_service(r, svc);
    rc |= ls_report_summary(r, sum);
    rc |= ls_report_close(r);
    fclose(out);
    if (rc != 0)
        die("a report writer failed on a memory stream");
    check_json(f, buf, len);
    if (G.debug && f == LS_FORMAT_TEXT)
        fwrite(buf, 1, len, stderr);
    check_no_planted(ls_format_name(f), (const uint8_t *)buf, len);
    free(buf);
}

static void check_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap && !(buf = realloc(buf, cap = cap ? cap * 2 : 65536)))
            abort();
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n);
    fclose(f);
    check_no_planted(path, buf, len);
    free(buf);
}

static void history_views(struct ls_store *st, int64_t id)
{
    char err[256], *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return;
    struct ls_hist_scan *scans = NULL;
    size_t nscans = 0;
    struct ls_snapshot snap = {0}, empty = {0};
    struct ls_diff d = {0};
    if (ls_store_list(st, &scans, &nscans, err, sizeof err) == 0) {
        ls_report_history(out, LS_FORMAT_TEXT, scans, nscans, NULL);
        ls_report_history(out, LS_FORMAT_JSONL, scans, nscans, NULL);
        ls_hist_scans_free(scans, nscans);
    }
    if (ls_store_load(st, id, &snap, err, sizeof err) == 0) {
        if (ls_diff_compute(&empty, &snap, &d) == 0) {
            ls_report_diff(out, LS_FORMAT_TEXT, &d, NULL);
            ls_report_diff(out, LS_FORMAT_JSONL, &d, NULL);
            ls_diff_free(&d);
        }
        ls_snapshot_free(&snap);
    }
    fclose(out);
    check_no_planted("history views", (const uint8_t *)buf, len);
    free(buf);
}

/* A fresh history in a directory of its own, checked and removed (an abort leaves it for the
 * reproducer). */
static void write_history(const struct ls_service *svc, const struct ls_scan_summary *sum)
{
    static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
    char dir[128], path[160], side[176], err[256];
    snprintf(dir, sizeof dir, "%s/ls-chsession-XXXXXX", G.tmp);
    if (!mkdtemp(dir))
        die("cannot make a directory for the history");
    snprintf(path, sizeof path, "%s/history.db", dir);
    struct ls_store *st = NULL;
    int64_t id = 0;
    if (ls_store_open(path, &st, err, sizeof err) != LS_STORE_OK)
        die("cannot open a fresh history");
    if (ls_store_scan_begin(st, G.ip, &id, err, sizeof err) == 0) {
        if (ls_store_add_service(st, id, svc, err, sizeof err) != 0)
            fprintf(stderr, "fuzz_ch_session: history: %s\n", err);
        ls_store_scan_end(st, id, sum, err, sizeof err);
        history_views(st, id);
    }
    ls_store_close(st);
    for (size_t i = 0; i < 4; i++) {
        snprintf(side, sizeof side, "%s%s", path, sfx[i]);
        check_file(side);
        unlink(side);
    }
    rmdir(dir);
}

/* ---- the pipeline's callbacks ----------------------------------------------------------------- */

static void on_service(void *ud, const struct ls_service *svc)
{
    (void)ud;
    S.serviced = true;
    check_bounds(svc);
    struct ls_scan_summary sum = {.targets = 1,
                                  .probes = 1,
                                  .open_ports = 1,
                                  .services = 1,
                                  .exposed = svc->auth == LS_AUTH_NONE || svc->auth == LS_AUTH_DEFAULT_CREDENTIALS};
    static const enum ls_format formats[] = {LS_FORMAT_TEXT, LS_FORMAT_JSONL, LS_FORMAT_JSON,
                                             LS_FORMAT_HTML, LS_FORMAT_SARIF, LS_FORMAT_MARKDOWN};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        write_report(formats[i], false, svc, &sum);
    write_report(LS_FORMAT_TEXT, true, svc, &sum);
    write_history(svc, &sum);
}

static void on_job_end(void *ud, struct ls_job *job)
{
    (void)ud, (void)job;
    S.job_done = true;
    event_base_loopbreak(S.base);
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what, (void)arg;
    die("the session did not end within its service timeout");
}

/* ---- the loopback server ---------------------------------------------------------------------- */

static void conn_free(struct sconn *c)
{
    for (struct sconn **pp = &S.conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    event_free(c->rd);
    event_free(c->wr);
    close(c->fd);
    free(c->req);
    free(c);
}

static void conn_shut(struct sconn *c)
{
    shutdown(c->fd, SHUT_WR);
    c->shut = true;
}

static void flush_out(struct sconn *c)
{
    for (;;) {
        while (c->outlen) {
            ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                event_add(c->wr, NULL);
                return;
            }
            if (n <= 0) {
                c->outlen = 0;
                c->flood = false;
                break;
            }
            c->out += n, c->outlen -= (size_t)n;
        }
        if (!c->flood)
            break;
        c->out = c->last->data; /* until the socket is full: the scanner always has more to read */
        c->outlen = c->last->dlen;
    }
    if (c->shut_after)
        conn_shut(c);
}

static void on_conn_write(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    S.idle_streak = 0;
    flush_out(arg);
}

static void on_conn_read(evutil_socket_t fd, short what, void *arg)
{
    struct sconn *c = arg;
    (void)what;
    S.idle_streak = 0;
    uint8_t buf[16384];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            size_t take = (size_t)n < REQ_CAP - c->reqlen ? (size_t)n : REQ_CAP - c->reqlen;
            memcpy(c->req + c->reqlen, buf, take);
            c->reqlen += take;
            c->fresh = true;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        conn_free(c); /* the scanner closed (or reset) its end */
        return;
    }
}

static void on_accept(evutil_socket_t fd, short what, void *arg)
{
    (void)what, (void)arg;
    S.idle_streak = 0;
    int cfd;
    while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        struct sconn *c = calloc(1, sizeof *c);
        if (!c || !(c->req = malloc(REQ_CAP)))
            abort();
        c->fd = cfd;
        c->rd = event_new(S.base, cfd, EV_READ | EV_PERSIST, on_conn_read, c);
        c->wr = event_new(S.base, cfd, EV_WRITE, on_conn_write, c);
        event_add(c->rd, NULL);
        c->next = S.conns;
        S.conns = c;
    }
}

static int hexval(uint8_t c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The request as matched against keys: HTTP requests percent-decoded in place. */
static size_t request_text(struct sconn *c)
{
    if (S.native)
        return c->reqlen;
    size_t o = 0;
    for (size_t i = 0; i < c->reqlen; i++) {
        if (c->req[i] == '%' && i + 2 < c->reqlen && hexval(c->req[i + 1]) >= 0 && hexval(c->req[i + 2]) >= 0) {
            c->req[o++] = (uint8_t)(hexval(c->req[i + 1]) << 4 | hexval(c->req[i + 2]));
            i += 2;
        } else
            c->req[o++] = c->req[i];
    }
    return o;
}

static struct chunk *pick(const uint8_t *req, size_t len)
{
    struct chunk *last_empty = NULL;
    for (size_t i = 0; i < S.nch; i++)
        if (!S.ch[i].used && S.ch[i].klen && memmem(req, len, S.ch[i].key, S.ch[i].klen))
            return &S.ch[i];
    for (size_t i = 0; i < S.nch; i++)
        if (!S.ch[i].klen) {
            if (!S.ch[i].used)
                return &S.ch[i];
            last_empty = &S.ch[i];
        }
    return last_empty;
}

/* The loop is idle: whoever waits for the server gets its answer, or an end of stream. */
static void answer_waiting(void)
{
    for (struct sconn *c = S.conns; c; c = c->next) {
        if (c->shut || c->outlen)
            continue;
        if (!c->fresh) {
            if (!(S.cfg & CFG_STALL)) {
                conn_shut(c); /* the scanner waits for more than this conversation holds */
            } else if (S.native && c->last && c->last->dlen) {
                c->flood = true; /* until the scanner gives up */
                flush_out(c);
            }
            continue;
        }
        size_t rl = request_text(c);
        struct chunk *k = pick(c->req, rl);
        if (G.debug)
            fprintf(stderr, "request: %.*s\n", (int)(rl < 300 ? rl : 300), (const char *)c->req);
        c->fresh = false;
        c->reqlen = 0;
        if (!k) {
            if (!(S.cfg & CFG_STALL))
                conn_shut(c);
            continue;
        }
        if (G.debug)
            fprintf(stderr, "answer [%.*s] (%zu bytes)\n", (int)k->klen, (const char *)k->key, k->dlen);
        k->used = true;
        c->last = k;
        c->out = k->data;
        c->outlen = k->dlen;
        c->shut_after = !S.native;
        flush_out(c);
    }
}

static bool bytes_in_flight(void)
{
    for (struct sconn *c = S.conns; c; c = c->next) {
        int q = 0;
        if (ioctl(c->fd, SIOCOUTQ, &q) == 0 && q > 0)
            return true;
    }
    return false;
}

/* A zero timer, not event_active(): an event activated from its own callback would run again in
 * the same pass, before the loop polls. */
static void rearm_idle(void)
{
    static const struct timeval zero = {0, 0};
    evtimer_add(S.idle_ev, &zero);
}

static void on_idle(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what, (void)arg;
    if (S.job_done)
        return;
    if (!bytes_in_flight() && ++S.idle_streak >= 2) {
        S.idle_streak = 0;
        answer_waiting();
    }
    rearm_idle();
}

/* ---- setup ------------------------------------------------------------------------------------ */

static int listen_on(uint32_t ip, uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip)};
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void init_once(void)
{
    if (G.det)
        return;
    setenv("LEAKSCAN_NO_CACHE", "1", 0); /* never write the user's cache from a test */
    G.debug = getenv("LS_FUZZ_DEBUG") && strcmp(getenv("LS_FUZZ_DEBUG"), "1") == 0;
    char err[256];
    G.det = ls_detector_new(err, sizeof err);
    if (!G.det || !(G.scratch = ls_detect_scratch_new(G.det))) {
        fprintf(stderr, "fuzz_ch_session: detector: %s\n", err);
        abort();
    }
    /* 127.213.a.b, picked by pid: the whole 127/8 is local, the ports are the engines' own */
    unsigned pid = (unsigned)getpid();
    for (unsigned i = 0; i < 4096; i++) {
        uint32_t ip = (127u << 24) | (213u << 16) | (((pid + i) & 0xfffu) + 1);
        G.lfd[0] = listen_on(ip, 8123);
        G.lfd[1] = G.lfd[0] >= 0 ? listen_on(ip, 9000) : -1;
        if (G.lfd[1] >= 0) {
            G.addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(ip)};
            inet_ntop(AF_INET, &G.addr.sin_addr, G.ip, sizeof G.ip);
            break;
        }
        if (G.lfd[0] >= 0)
            close(G.lfd[0]);
    }
    if (G.lfd[1] < 0) {
        fprintf(stderr, "fuzz_ch_session: no free 127.213.x.y for ports 8123 and 9000\n");
        abort();
    }
    G.tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
}

static void split_chunks(const uint8_t *d, size_t n)
{
    const size_t seplen = sizeof SEP - 1;
    S.nch = 0;
    while (S.nch < MAX_CHUNKS) {
        const uint8_t *sep = memmem(d, n, SEP, seplen);
        size_t len = sep ? (size_t)(sep - d) : n;
        const uint8_t *nl = memchr(d, '\n', len);
        struct chunk *c = &S.ch[S.nch++];
        c->key = d;
        c->klen = nl ? (size_t)(nl - d) : len;
        c->data = nl ? nl + 1 : d + len;
        c->dlen = nl ? len - c->klen - 1 : 0;
        c->used = false;
        if (!sep)
            break;
        d = sep + seplen;
        n -= len + seplen;
    }
}

static void set_limits(unsigned char cfg)
{
    static const uint64_t samples[] = {0, 1, 3, 100};
    static const unsigned tables[] = {2, 8, 50, 1000};
    /* a stalled session outlives its service timeout: no connection or read timeout comes first */
    bool stall = (cfg & CFG_STALL) != 0;
    S.limits = (struct ls_scan_limits){
        .connect_timeout_ms = SERVICE_TIMEOUT_MS / 2,
        .io_timeout_ms = SERVICE_TIMEOUT_MS / 2,
        .service_timeout_ms = stall ? STALL_SERVICE_TIMEOUT_MS : SERVICE_TIMEOUT_MS,
        .sample_rows = samples[CFG_SAMPLE(cfg)],
        .deep = (cfg & CFG_DEEP) != 0,
        .max_response_bytes = (cfg & CFG_SMALL_CAP) ? 2048 : (1u << 20),
        .max_tables = tables[CFG_TABLES(cfg)],
        .show_secrets = false,
    };
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void drain_listener(int fd)
{
    int c;
    while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
        close(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    init_once();
    memset(&S, 0, sizeof S);
    S.cfg = data[0];
    S.native = (S.cfg & CFG_NATIVE) != 0;
    S.input = data + 1;
    S.input_len = size - 1;
    set_limits(S.cfg);
    split_chunks(S.input, S.input_len);
    arm_from_input();

    struct event_config *ec = event_config_new();
    event_config_avoid_method(ec, "select"); /* epoll; nothing else matters here */
    S.base = event_base_new_with_config(ec);
    event_config_free(ec);
    if (!S.base || event_base_priority_init(S.base, 3) != 0)
        abort();
    int lfd = G.lfd[S.native ? 1 : 0];
    S.accept_ev = event_new(S.base, lfd, EV_READ | EV_PERSIST, on_accept, NULL);
    S.idle_ev = evtimer_new(S.base, on_idle, NULL);
    S.watchdog = evtimer_new(S.base, on_watchdog, NULL);
    event_priority_set(S.idle_ev, 2); /* runs only when nothing else is ready */
    event_add(S.accept_ev, NULL);
    unsigned wd_ms = S.limits.service_timeout_ms + SLACK_MS;
    struct timeval wd = {wd_ms / 1000, (wd_ms % 1000) * 1000};
    evtimer_add(S.watchdog, &wd);
    rearm_idle();

    struct ls_pipeline p = {
        .base = S.base, .limits = &S.limits, .detector = G.det, .on_service = on_service, .on_job_end = on_job_end};
    struct sockaddr_in a = G.addr;
    a.sin_port = htons(S.native ? 9000 : 8123);
    uint64_t t0 = now_ms();
    if (ls_job_start(&p, (struct sockaddr *)&a, sizeof a, G.ip, false) != 0)
        abort();
    while (!S.job_done)
        if (event_base_loop(S.base, EVLOOP_ONCE) < 0)
            abort();
    if (now_ms() - t0 > wd_ms)
        die("the session ran past its service timeout");

    while (S.conns)
        conn_free(S.conns);
    drain_listener(lfd);
    event_free(S.accept_ev);
    event_free(S.idle_ev);
    event_free(S.watchdog);
    event_base_free(S.base);
    return 0;
}
