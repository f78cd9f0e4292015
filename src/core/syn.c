/* SYN mode discovery: raw IP-level SYN sender (sendmmsg batches) and cookie-matching receiver
 * thread; see syn.h. */
#include "core/syn.h"

#include <errno.h>
#include <linux/filter.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/permute.h"
#include "core/ratelimit.h"
#include "core/rtt.h"

#define BATCH 64
#define PKT_LEN 44 /* IPv4 20 + TCP 20 + MSS option 4 */
#define OPEN_SET_BITS 16
#define RTT_EVERY_MASK 0x3f  /* probes whose cookie has these bits clear are timed (1 in 64) */
#define RTT_SLOTS 1024       /* send times of timed probes, by cookie; older ones overwritten */
#define RX_IDLE_NS 1000000   /* receiver naps this long when its queue is empty */
#define RX_DRAIN_NS 50000000 /* after the scan, the receiver reads on at most this long */

struct open_set { /* distinct opens, filled by the receiver, drained by the sender */
    pthread_mutex_t mu;
    struct sockaddr_in *v;
    size_t n, cap, drained;
    uint64_t *seen; /* open addressing on (addr << 16 | port) + 1 */
    size_t seen_cap, seen_n;
};

struct rx {
    int fd;
    uint64_t key;
    uint16_t sport;
    atomic_bool done;
    atomic_ullong answers;
    struct open_set opens;
    /* round trips of a sample of probes: slot = (cookie >> 6) % RTT_SLOTS holds the cookie's top
     * 16 bits and the send time in microseconds (48 bits); the receiver times the answer */
    _Atomic uint64_t sent_at[RTT_SLOTS];
    struct ls_rtt rtt;      /* receiver thread only */
    atomic_uint timeout_ms; /* ls_rtt_timeout_ms of rtt, published for the sender side */
    unsigned cap_ms;
};

static uint64_t now_us(void);

static bool timed(uint32_t c)
{
    return (c & RTT_EVERY_MASK) == 0;
}
static size_t rtt_slot(uint32_t c)
{
    return (c >> 6) % RTT_SLOTS;
}

static void rtt_sent(struct rx *r, uint32_t c, uint64_t us)
{
    atomic_store_explicit(&r->sent_at[rtt_slot(c)], (uint64_t)(c >> 16) << 48 | (us & 0xffffffffffffull),
                          memory_order_relaxed);
}

static void rtt_answered(struct rx *r, uint32_t c)
{
    uint64_t v = atomic_load_explicit(&r->sent_at[rtt_slot(c)], memory_order_relaxed);
    if (v >> 48 != c >> 16)
        return; /* overwritten by a later probe, or never sent */
    uint64_t now = now_us() & 0xffffffffffffull, t = v & 0xffffffffffffull;
    if (now < t)
        return;
    ls_rtt_sample(&r->rtt, (double)(now - t));
    atomic_store(&r->timeout_ms, ls_rtt_timeout_ms(&r->rtt, r->cap_ms));
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_us(void)
{
    return now_ns() / 1000u;
}

static uint32_t cookie(uint64_t key, uint32_t daddr, uint16_t dport)
{
    return (uint32_t)ls_mix64(key ^ ((uint64_t)daddr << 16 | dport));
}

bool ls_syn_available(void)
{
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static uint16_t csum_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        s += (uint32_t)b[n - 1] << 8;
    return s;
}

static void build_syn(uint8_t *pkt, const struct sockaddr_in *dst, struct in_addr src, uint16_t sport, uint32_t seq)
{
    memset(pkt, 0, PKT_LEN);
    struct iphdr *ip = (struct iphdr *)pkt;
    ip->version = 4;
    ip->ihl = 5;
    ip->tot_len = htons(PKT_LEN);
    ip->ttl = 64;
    ip->id = (uint16_t)(seq | 1); /* set here so the kernel does not pick one per packet */
    ip->protocol = IPPROTO_TCP;
    ip->saddr = src.s_addr;
    ip->daddr = dst->sin_addr.s_addr;
    struct tcphdr *th = (struct tcphdr *)(pkt + 20);
    th->source = htons(sport);
    th->dest = dst->sin_port;
    th->seq = htonl(seq);
    th->doff = 6;
    th->syn = 1;
    th->window = htons(1024);
    uint8_t *opt = pkt + 40;
    opt[0] = 2; /* MSS 1460 */
    opt[1] = 4;
    opt[2] = 0x05;
    opt[3] = 0xb4;
    uint8_t pseudo[12];
    memcpy(pseudo, &ip->saddr, 4);
    memcpy(pseudo + 4, &ip->daddr, 4);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_TCP;
    pseudo[10] = 0;
    pseudo[11] = 24;
    uint32_t s = csum_add(0, pseudo, sizeof pseudo);
    s = csum_add(s, th, 24);
    th->check = htons(csum_fold(s));
}

static void open_add(struct open_set *o, uint32_t addr, uint16_t port)
{
    uint64_t k = ((uint64_t)addr << 16 | port) + 1;
    pthread_mutex_lock(&o->mu);
    if (o->seen_n * 2 >= o->seen_cap) { /* grow */
        size_t ncap = o->seen_cap ? o->seen_cap * 2 : 1u << OPEN_SET_BITS;
        uint64_t *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            goto out;
        for (size_t i = 0; i < o->seen_cap; i++)
            if (o->seen[i]) {
                size_t j = (size_t)ls_mix64(o->seen[i]) & (ncap - 1);
                while (ns[j])
                    j = (j + 1) & (ncap - 1);
                ns[j] = o->seen[i];
            }
        free(o->seen);
        o->seen = ns;
        o->seen_cap = ncap;
    }
    size_t j = (size_t)ls_mix64(k) & (o->seen_cap - 1);
    while (o->seen[j]) {
        if (o->seen[j] == k)
            goto out;
        j = (j + 1) & (o->seen_cap - 1);
    }
    if (o->n == o->cap) {
        size_t ncap = o->cap ? o->cap * 2 : 256;
        struct sockaddr_in *nv = realloc(o->v, ncap * sizeof *nv);
        if (!nv)
            goto out;
        o->v = nv;
        o->cap = ncap;
    }
    o->seen[j] = k;
    o->seen_n++;
    memset(&o->v[o->n], 0, sizeof o->v[o->n]);
    o->v[o->n].sin_family = AF_INET;
    o->v[o->n].sin_addr.s_addr = addr;
    o->v[o->n].sin_port = port;
    o->n++;
out:
    pthread_mutex_unlock(&o->mu);
}

static void *rx_main(void *arg)
{
    struct rx *r = arg;
    enum { RX_BATCH = 64, RX_LEN = 128 };
    static __thread uint8_t bufs[RX_BATCH][RX_LEN];
    struct mmsghdr msgs[RX_BATCH];
    struct iovec iov[RX_BATCH];
    uint64_t stop_at = 0; /* once done: the end of the final drain */
    for (;;) {
        /* once the scan is over, read what is queued but stop after RX_DRAIN_NS even if packets
         * keep coming (a busy link or a flood to our port would otherwise keep the queue non-empty
         * forever, and the scan's pthread_join with it) */
        if (!stop_at && atomic_load(&r->done))
            stop_at = now_ns() + RX_DRAIN_NS;
        else if (stop_at && now_ns() >= stop_at)
            break;
        for (int i = 0; i < RX_BATCH; i++) {
            iov[i] = (struct iovec){bufs[i], RX_LEN};
            memset(&msgs[i], 0, sizeof msgs[i]);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        /* polled, not blocking: a sleeping reader would make every answer a wake-up (measured:
         * the largest single cost after the packets themselves) */
        int n = recvmmsg(r->fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) {
            if (atomic_load(&r->done))
                break; /* queue empty after the scan: every answer that arrived was read */
            struct timespec nap = {0, RX_IDLE_NS};
            nanosleep(&nap, NULL);
            continue;
        }
        for (int i = 0; i < n; i++) {
            const uint8_t *p = bufs[i];
            size_t len = msgs[i].msg_len;
            if (len < 40)
                continue;
            const struct iphdr *ip = (const struct iphdr *)p;
            size_t ihl = (size_t)ip->ihl * 4;
            if (ip->protocol != IPPROTO_TCP || ihl < 20 || len < ihl + 20)
                continue;
            const struct tcphdr *th = (const struct tcphdr *)(p + ihl);
            if (ntohs(th->dest) != r->sport || !th->ack || !(th->syn || th->rst))
                continue;
            uint32_t c = cookie(r->key, ip->saddr, th->source);
            if (ntohl(th->ack_seq) != c + 1)
                continue;
            atomic_fetch_add(&r->answers, 1);
            if (timed(c))
                rtt_answered(r, c);
            if (th->syn && !th->rst)
                open_add(&r->opens, ip->saddr, th->source);
        }
    }
    return NULL;
}

static void drain(struct open_set *o, void (*on_open)(void *, const struct sockaddr_in *), void *ud)
{
    for (;;) {
        struct sockaddr_in a;
        pthread_mutex_lock(&o->mu);
        bool have = o->drained < o->n;
        if (have)
            a = o->v[o->drained++];
        pthread_mutex_unlock(&o->mu);
        if (!have)
            break;
        on_open(ud, &a);
    }
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    nanosleep(&ts, NULL);
}

struct tx {
    const struct ls_syn_opts *o;
    const struct ls_syn_source *src;
    struct rx *rx;      /* for the send times of timed probes */
    pthread_mutex_t mu; /* guards src->next and the rate bucket */
    struct ls_rate rate;
    uint16_t sport;
    atomic_bool end, failed;
    atomic_ullong sent;
    atomic_int running;
    char err[160];
};

/* Takes up to BATCH destinations under the lock. */
static int take_batch(struct tx *t, struct sockaddr_in *dsts, struct in_addr *srcs)
{
    int n = 0;
    pthread_mutex_lock(&t->mu);
    while (n < BATCH && !atomic_load(&t->end) && !*t->o->stop) {
        if (t->o->rate > 0 && !ls_rate_take(&t->rate, now_ns())) {
            if (n > 0)
                break;
            uint64_t w = ls_rate_wait_ns(&t->rate, now_ns());
            pthread_mutex_unlock(&t->mu);
            sleep_ns(w);
            pthread_mutex_lock(&t->mu);
            continue;
        }
        if (!t->src->next(t->src->ud, &dsts[n], &srcs[n])) {
            atomic_store(&t->end, true);
            break;
        }
        n++;
    }
    pthread_mutex_unlock(&t->mu);
    return n;
}

static void *tx_main(void *arg)
{
    struct tx *t = arg;
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW); /* IPPROTO_RAW implies IP_HDRINCL */
    if (fd < 0) {
        snprintf(t->err, sizeof t->err, "SYN mode: cannot open a raw socket: %s (use --connect)", strerror(errno));
        atomic_store(&t->failed, true);
        atomic_store(&t->end, true);
        atomic_fetch_sub(&t->running, 1);
        return NULL;
    }
    int one = 1, big = 16 << 20;
    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
    uint8_t pkts[BATCH][PKT_LEN];
    struct sockaddr_in dsts[BATCH];
    struct in_addr srcs[BATCH];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (;;) {
        int n = take_batch(t, dsts, srcs);
        if (n == 0)
            break;
        uint64_t us = now_us();
        for (int i = 0; i < n; i++) {
            uint32_t c = cookie(t->o->key, dsts[i].sin_addr.s_addr, dsts[i].sin_port);
            if (timed(c))
                rtt_sent(t->rx, c, us);
            build_syn(pkts[i], &dsts[i], srcs[i], t->sport, c);
            iov[i] = (struct iovec){pkts[i], PKT_LEN};
            memset(&msgs[i], 0, sizeof msgs[i]);
            msgs[i].msg_hdr.msg_name = &dsts[i];
            msgs[i].msg_hdr.msg_namelen = sizeof dsts[i];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        for (int off = 0; off < n;) {
            int k = sendmmsg(fd, msgs + off, (unsigned)(n - off), 0);
            if (k < 0) {
                if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
                    sleep_ns(100000);
                    continue;
                }
                if (errno == ENETUNREACH || errno == EHOSTUNREACH || errno == EPERM || errno == EACCES) {
                    off++; /* this destination cannot be reached; skip it */
                    continue;
                }
                snprintf(t->err, sizeof t->err, "SYN mode: send failed: %s", strerror(errno));
                atomic_store(&t->failed, true);
                atomic_store(&t->end, true);
                break;
            }
            off += k;
            atomic_fetch_add(&t->sent, (unsigned long long)k);
        }
    }
    close(fd);
    atomic_fetch_sub(&t->running, 1);
    return NULL;
}

/* Accept only TCP segments to our source port (answers), snapped to 128 bytes. */
static void attach_filter(int fd, uint16_t sport)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), /* X = IP header length */
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),  /* TCP destination port */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 128),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = {sizeof code / sizeof code[0], code};
    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

static unsigned sender_threads(double rate)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (rate > 0 || n < 1)
        return 1;
    return n > 4 ? 4 : (unsigned)n;
}

int ls_syn_scan(const struct ls_syn_opts *o, const struct ls_syn_source *src,
                void (*on_open)(void *ud, const struct sockaddr_in *dst), void *open_ud, struct ls_syn_stats *st,
                char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    int rxfd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
    if (rxfd < 0) {
        snprintf(err, errlen, "SYN mode: cannot open a raw socket: %s (use --connect)", strerror(errno));
        return 3;
    }
    struct rx r = {
        .fd = rxfd, .key = o->key, .sport = (uint16_t)(61000 + ls_mix64(o->key ^ 0x5359) % 4000), .cap_ms = o->wait_ms};
    attach_filter(rxfd, r.sport);
    if (o->rx_addr.s_addr != htonl(INADDR_ANY)) {
        struct sockaddr_in me = {.sin_family = AF_INET, .sin_addr = o->rx_addr};
        bind(rxfd, (struct sockaddr *)&me, sizeof me); /* only a filter: unbound works too */
    }
    int big = 32 << 20;
    setsockopt(rxfd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    pthread_mutex_init(&r.opens.mu, NULL);
    atomic_init(&r.done, false);
    atomic_init(&r.answers, 0);
    atomic_init(&r.timeout_ms, o->wait_ms);
    pthread_t rth;
    if (pthread_create(&rth, NULL, rx_main, &r) != 0) {
        snprintf(err, errlen, "SYN mode: cannot start the receiver thread");
        close(rxfd);
        return 3;
    }
    struct tx t = {.o = o, .src = src, .rx = &r, .sport = r.sport};
    pthread_mutex_init(&t.mu, NULL);
    ls_rate_init(&t.rate, o->rate, now_ns());
    atomic_init(&t.sent, 0);
    int rc = 0;
    unsigned nthreads = sender_threads(o->rate);
    uint64_t t_send = now_ns();
    for (unsigned pass = 0; pass <= o->retries && !*o->stop && rc == 0; pass++) {
        if (pass > 0)
            src->rewind(src->ud);
        atomic_store(&t.end, false);
        atomic_store(&t.failed, false);
        atomic_store(&t.running, (int)nthreads);
        pthread_t ths[4];
        unsigned started = 0;
        for (; started < nthreads; started++)
            if (pthread_create(&ths[started], NULL, tx_main, &t) != 0) {
                atomic_fetch_sub(&t.running, (int)(nthreads - started));
                break;
            }
        while (atomic_load(&t.running) > 0) {
            sleep_ns(2000000);
            drain(&r.opens, on_open, open_ud);
        }
        for (unsigned i = 0; i < started; i++)
            pthread_join(ths[i], NULL);
        if (atomic_load(&t.failed) || started == 0) {
            snprintf(err, errlen, "%s", started ? t.err : "SYN mode: cannot start a sender thread");
            rc = 3;
        }
    }
    st->sent = atomic_load(&t.sent);
    uint64_t t_tail = now_ns();
    st->send_ns = t_tail - t_send;
    /* listen for late answers, until every probe has been answered or the tail timeout (adaptive:
     * rtt.h's policy over the timed probes; else wait_ms) has passed since the last send */
    for (;;) {
        unsigned ms = o->adaptive ? atomic_load(&r.timeout_ms) : o->wait_ms;
        if (atomic_load(&r.answers) >= st->sent || now_ns() >= t_tail + (uint64_t)ms * 1000000u)
            break;
        sleep_ns(1000000);
        drain(&r.opens, on_open, open_ud);
    }
    st->tail_ns = now_ns() - t_tail;
    st->tail_limit_ms = o->adaptive ? atomic_load(&r.timeout_ms) : o->wait_ms;
    st->rtt_samples = r.rtt.samples;
    st->srtt_us = r.rtt.srtt;
    st->rttvar_us = r.rtt.rttvar;
    atomic_store(&r.done, true);
    pthread_join(rth, NULL);
    drain(&r.opens, on_open, open_ud);
    st->answers = atomic_load(&r.answers);
    st->opens = r.opens.n;
    free(r.opens.v);
    free(r.opens.seen);
    pthread_mutex_destroy(&r.opens.mu);
    pthread_mutex_destroy(&t.mu);
    close(rxfd);
    return rc;
}
