/* Block streaming for the detector: read, scan block + carried overlap, report each match once,
 * declare bytes final, slide the window. See stream.h for the contract. */
#include "detect/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes that lookbehinds and validators read before a confirm match's start (the widest, the
 * database URL validator, looks back 256 bytes). */
#define CTX 256

size_t ls_stream_overlap(const struct ls_detector *d)
{
    return ls_detector_reach(d) + 64;
}

/* Bytes a block keeps before the offset from which it accepts matches. Matches are deferred by
 * where their value starts, but a value starts up to max_len bytes after its match (the Azure SAS
 * rule's sv=… lies up to ~420 bytes before its sig=…), the match's confirm window opens up to
 * `back` bytes before the match, and lookbehinds and validators read CTX bytes before that: the
 * detector's reach + CTX covers every match whose value starts at or after that offset, so a
 * deferred match is confirmed in the next block exactly as in a scan of the whole input. */
size_t ls_stream_context(const struct ls_detector *d)
{
    return ls_detector_reach(d) + CTX;
}

struct run {
    ls_stream_match_fn on_match;
    void *ud;
    uint64_t base;
    uint64_t accept_from; /* absolute: matches starting below were handled in an earlier block */
    uint64_t prev_end[2]; /* per class (secret/pii, chat): end of the last match of earlier blocks */
    uint64_t cur_end[2];  /* the same, this block */
    size_t limit;         /* relative: matches starting at or after this wait for the next block */
};

static void on_det(void *ud, const struct ls_match *m, const char *buf, size_t len)
{
    struct run *r = ud;
    uint64_t abs = r->base + m->start;
    int cls = m->rule->category == LS_CAT_CHAT;
    /* the detector reduces overlaps within one scan; across blocks a value that overlaps one
     * reported from the previous block is the same secret seen through a narrower window */
    if (abs < r->accept_from || abs < r->prev_end[cls] || m->start >= r->limit)
        return;
    if (r->base + m->end > r->cur_end[cls])
        r->cur_end[cls] = r->base + m->end;
    if (r->on_match)
        r->on_match(r->ud, m, buf, len, r->base);
}

/* After a block's scan: later blocks skip what this one handled. */
static void block_done(struct run *r)
{
    if (r->accept_from < r->base + r->limit)
        r->accept_from = r->base + r->limit;
    for (int c = 0; c < 2; c++)
        if (r->cur_end[c] > r->prev_end[c])
            r->prev_end[c] = r->cur_end[c];
}

/* Fills buf[*len, cap) from fd; returns bytes read (0 at EOF) or -1. */
static ssize_t fill(int fd, char *buf, size_t *len, size_t cap, uint64_t room)
{
    size_t want = cap - *len;
    if (want > room)
        want = (size_t)room;
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, buf + *len + got, want - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    *len += got;
    return (ssize_t)got;
}

/* A mapped file that shrinks while it is scanned (log rotation with copytruncate) raises SIGBUS on
 * the next access past its new end. The handler jumps back to the window's start when a scan of
 * this thread is in progress; the file then ends with a read error (EIO) instead of a crash. Any
 * other SIGBUS keeps its default action. */
static _Thread_local sigjmp_buf *bus_env;
static struct sigaction bus_prev; /* the handler found when ours was installed */
static pthread_mutex_t bus_mu = PTHREAD_MUTEX_INITIALIZER;

static void on_sigbus(int sig)
{
    if (bus_env)
        siglongjmp(*bus_env, 1);
    if (bus_prev.sa_handler != SIG_DFL && bus_prev.sa_handler != SIG_IGN && !(bus_prev.sa_flags & SA_SIGINFO)) {
        bus_prev.sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* (Re)installs the handler if something replaced it (a test harness, an embedding program). */
static void install_sigbus(void)
{
    struct sigaction cur;
    if (sigaction(SIGBUS, NULL, &cur) != 0 || cur.sa_handler == on_sigbus)
        return;
    pthread_mutex_lock(&bus_mu);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &bus_prev);
    if (bus_prev.sa_handler == on_sigbus)
        bus_prev.sa_handler = SIG_DFL;
    pthread_mutex_unlock(&bus_mu);
}

/* Regular files are mapped window by window instead of read: no copy through the kernel, no
 * anonymous pages to clear. Each window is [off - context (whole pages), off + window + overlap);
 * matches starting at or after off + window wait for the next window. */
#define MAP_WINDOW_MIN ((size_t)1 << 20)

/* 1 MiB windows keep a window in the caches from Vectorscan's pass to the short-prefilter pass,
 * confirmations and line numbers after it (measured 3-6% faster than 4 MiB windows on the bench
 * corpus; the short pass waits on memory otherwise); the window stays at least 16 times the
 * overlap so that re-scanned bytes cost little (the chat rules need ~1 MiB of overlap). */
static size_t map_window(size_t overlap)
{
    size_t mib = (size_t)1 << 20, w = overlap * 16; /* whole MiBs: window offsets stay page-aligned */
    w = (w + mib - 1) / mib * mib;
    return w > MAP_WINDOW_MIN ? w : MAP_WINDOW_MIN;
}

static int stream_map(const struct ls_detector *d, struct ls_detect_scratch *s, int fd, uint64_t size,
                      const struct ls_stream_opts *o, ls_stream_match_fn on_match, ls_stream_final_fn on_final,
                      void *ud, int *err_no, uint64_t *total)
{
    size_t overlap = ls_stream_overlap(d);
    size_t window = map_window(overlap);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t before = (ls_stream_context(d) + page - 1) / page * page; /* mmap offsets are page-aligned */
    uint64_t cap_bytes = o && o->max_bytes ? o->max_bytes : UINT64_MAX;
    uint64_t end = size < cap_bytes ? size : cap_bytes;
    struct run r = {.on_match = on_match, .ud = ud};
    volatile int rc = LS_STREAM_OK;
    install_sigbus();
    for (uint64_t off = 0; off < end; off += window) {
        uint64_t ms = off >= before ? off - before : 0;
        uint64_t me = off + window + overlap;
        if (me > end || me < off)
            me = end;
        size_t len = (size_t)(me - ms);
        char *buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, (off_t)ms);
        if (buf == MAP_FAILED) {
            if (err_no)
                *err_no = errno;
            rc = LS_STREAM_READ_ERROR;
            break;
        }
        madvise(buf, len, MADV_SEQUENTIAL);
        /* a file not in the page cache: the disk reads the next window while this one is scanned
         * (MAP_POPULATE above waits for its own window only) */
        if (me < end)
            posix_fadvise(fd, (off_t)me, (off_t)(end - me < window ? end - me : window), POSIX_FADV_WILLNEED);
        if (off == 0 && o && o->sniff_binary && memchr(buf, 0, len < LS_STREAM_SNIFF ? len : LS_STREAM_SNIFF)) {
            munmap(buf, len);
            rc = LS_STREAM_BINARY;
            break;
        }
        bool last = me == end;
        r.base = ms;
        r.limit = last ? len : (size_t)(off + window - ms);
        char *volatile vbuf = buf;
        volatile size_t vlen = len;
        sigjmp_buf env;
        if (sigsetjmp(env, 1)) {
            bus_env = NULL;
            munmap(vbuf, vlen);
            if (err_no)
                *err_no = EIO;
            rc = ls_detect_scratch_recover(s) == 0 ? LS_STREAM_READ_ERROR : LS_STREAM_NOMEM;
            break;
        }
        bus_env = &env;
        ls_detect_scan(d, s, buf, len, on_det, &r);
        block_done(&r);
        int stop = on_final ? on_final(ud, buf, r.limit, r.base) : 0;
        bus_env = NULL;
        munmap(buf, len);
        if (stop) {
            rc = LS_STREAM_STOPPED;
            break;
        }
        if (last)
            break;
    }
    if (rc == LS_STREAM_OK && end < size)
        rc = LS_STREAM_CAPPED;
    if (total)
        *total = rc == LS_STREAM_OK || rc == LS_STREAM_CAPPED ? end : 0;
    return rc;
}

int ls_stream_fd(const struct ls_detector *d, struct ls_detect_scratch *s, int fd, const struct ls_stream_opts *o,
                 ls_stream_match_fn on_match, ls_stream_final_fn on_final, void *ud, int *err_no, uint64_t *total)
{
    struct stat st;
    /* the block-size test hook forces the read path */
    if ((!o || !o->block) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        lseek(fd, 0, SEEK_CUR) == 0)
        return stream_map(d, s, fd, (uint64_t)st.st_size, o, on_match, on_final, ud, err_no, total);

    size_t block = o && o->block ? o->block : LS_STREAM_BLOCK;
    size_t overlap = ls_stream_overlap(d), context = ls_stream_context(d);
    uint64_t cap_bytes = o && o->max_bytes ? o->max_bytes : UINT64_MAX;
    if (block < 1)
        block = 1;
    size_t cap = block + overlap + context;
    char *buf = malloc(cap);
    if (!buf)
        return LS_STREAM_NOMEM;
    struct run r = {.on_match = on_match, .ud = ud};
    size_t len = 0;
    uint64_t read_total = 0;
    bool first = true;
    int rc = LS_STREAM_OK;
    for (;;) {
        ssize_t got = fill(fd, buf, &len, cap, cap_bytes - read_total);
        if (got < 0) {
            if (err_no)
                *err_no = errno;
            rc = LS_STREAM_READ_ERROR;
            break;
        }
        read_total += (uint64_t)got;
        bool capped = read_total >= cap_bytes;
        bool eof = len < cap || capped;
        if (first && o && o->sniff_binary && memchr(buf, 0, len < LS_STREAM_SNIFF ? len : LS_STREAM_SNIFF)) {
            rc = LS_STREAM_BINARY;
            break;
        }
        first = false;
        if (len == 0)
            break;
        r.limit = eof ? len : len - overlap;
        ls_detect_scan(d, s, buf, len, on_det, &r);
        block_done(&r);
        if (on_final && on_final(ud, buf, r.limit, r.base) != 0) {
            rc = LS_STREAM_STOPPED;
            break;
        }
        if (eof) {
            if (capped) {
                /* a cap that falls exactly on the end of the input is not a truncation */
                char probe;
                ssize_t more = cap_bytes == UINT64_MAX ? 0 : read(fd, &probe, 1);
                if (more > 0)
                    rc = LS_STREAM_CAPPED;
            }
            break;
        }
        size_t keep_from = r.limit > context ? r.limit - context : 0;
        memmove(buf, buf + keep_from, len - keep_from);
        len -= keep_from;
        r.base += keep_from;
    }
    free(buf);
    if (total)
        *total = read_total;
    return rc;
}
