/* Asynchronous resolution of NAME targets for the scan driver; see scan_dns.h. */
#include "core/scan_dns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

struct dns_run {
    struct event_base *base;
    struct ls_resolved *res;
    size_t pending;
};

struct dns_req {
    struct dns_run *run;
    size_t idx;
};

static void on_resolved(int result, struct evutil_addrinfo *ai, void *arg)
{
    struct dns_req *rq = arg;
    struct dns_run *run = rq->run;
    struct ls_resolved *r = &run->res[rq->idx];
    r->error = result;
    if (result == 0) {
        for (struct evutil_addrinfo *p = ai; p; p = p->ai_next) {
            if (p->ai_family != AF_INET && p->ai_family != AF_INET6)
                continue;
            bool dup = false;
            for (size_t i = 0; i < r->n; i++)
                if (memcmp(&r->addrs[i], p->ai_addr, p->ai_addrlen) == 0)
                    dup = true;
            if (dup || r->n >= 64)
                continue;
            struct sockaddr_storage *na = realloc(r->addrs, (r->n + 1) * sizeof *na);
            if (!na)
                break;
            r->addrs = na;
            memset(&na[r->n], 0, sizeof *na);
            memcpy(&na[r->n], p->ai_addr, p->ai_addrlen);
            r->n++;
        }
        evutil_freeaddrinfo(ai);
    }
    free(rq);
    if (--run->pending == 0)
        event_base_loopbreak(run->base);
}

static struct evdns_base *new_resolver(struct event_base *base, const char *hosts_file)
{
    struct evdns_base *dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
    if (!dns) {
        dns = evdns_base_new(base, 0);
        if (dns)
            evdns_base_load_hosts(dns, NULL);
    }
    if (!dns)
        return NULL;
    if (hosts_file)
        evdns_base_load_hosts(dns, hosts_file);
    evdns_base_set_option(dns, "timeout:", "3");
    evdns_base_set_option(dns, "attempts:", "2");
    return dns;
}

int ls_resolve_all(struct event_base *base, const struct ls_target_list *tl, const char *hosts_file,
                   struct ls_resolved **resp, char *err, size_t errlen)
{
    struct dns_run run = {.base = base};
    struct evdns_base *dns = NULL;
    run.res = *resp = calloc(tl->n ? tl->n : 1, sizeof *run.res);
    if (!run.res)
        return 3;
    int rc = 0;
    for (size_t i = 0; i < tl->n && rc == 0; i++) {
        if (tl->v[i].kind != LS_TARGET_NAME)
            continue;
        if (!dns && !(dns = new_resolver(base, hosts_file))) {
            snprintf(err, errlen, "cannot start the DNS resolver");
            rc = 3;
            break;
        }
        struct dns_req *rq = malloc(sizeof *rq);
        if (!rq) {
            rc = 3;
            break;
        }
        rq->run = &run;
        rq->idx = i;
        struct evutil_addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        run.pending++;
        evdns_getaddrinfo(dns, tl->v[i].name, NULL, &hints, on_resolved, rq); /* may answer at once */
    }
    if (run.pending)
        event_base_dispatch(base);
    for (size_t i = 0; i < tl->n && rc == 0; i++) {
        if (tl->v[i].kind == LS_TARGET_NAME && (run.res[i].error || run.res[i].n == 0)) {
            snprintf(err, errlen, "cannot resolve '%s': %s", tl->v[i].name,
                     run.res[i].error ? evutil_gai_strerror(run.res[i].error) : "no addresses");
            rc = 2;
        }
    }
    if (dns)
        evdns_base_free(dns, 0);
    return rc;
}

void ls_resolved_free(struct ls_resolved *res, size_t n)
{
    for (size_t i = 0; res && i < n; i++)
        free(res[i].addrs);
    free(res);
}
