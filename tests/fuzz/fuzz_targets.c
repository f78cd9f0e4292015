/* libFuzzer harness for target and port-list parsing: one input as an argument, a @file and a port spec. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/targets.h"

#define CHECK(x)                                                                                                       \
    do {                                                                                                               \
        if (!(x)) {                                                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x);                                      \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

static void check_err(const char *err)
{
    CHECK(err[0] != '\0');
    CHECK(strchr(err, '\n') == NULL);
}

/* Every address the parser accepted must print and re-parse to the same bytes. */
static void check_target(const struct ls_target *t)
{
    CHECK(t->name != NULL && t->name[0] != '\0' && strlen(t->name) <= 300);
    uint64_t n = ls_target_naddrs(t);
    CHECK(n >= 1 && n <= LS_MAX_EXPANDED_ADDRS);
    struct sockaddr_storage ss;
    socklen_t sl;
    if (t->kind == LS_TARGET_NAME) {
        CHECK(t->family == 0 && n == 1);
        CHECK(ls_target_addr(t, 0, &ss, &sl) == -1);
        return;
    }
    CHECK(t->family == AF_INET || t->family == AF_INET6);
    CHECK(t->prefix >= 1 && t->prefix <= (t->family == AF_INET ? 32 : 128));
    CHECK(ls_target_addr(t, n, &ss, &sl) == -1);
    uint64_t idx[2] = {0, n - 1};
    for (int k = 0; k < 2; k++) {
        CHECK(ls_target_addr(t, idx[k], &ss, &sl) == 0);
        CHECK(ss.ss_family == t->family);
        char text[64];
        const void *a = t->family == AF_INET ? (const void *)&((struct sockaddr_in *)&ss)->sin_addr
                                             : (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
        CHECK(inet_ntop(t->family, a, text, sizeof text) != NULL);
        struct ls_target_list l2 = {0};
        char err[256];
        CHECK(ls_targets_parse(&l2, text, err, sizeof err) == 0);
        CHECK(l2.n == 1 && l2.v[0].family == t->family);
        CHECK(memcmp(l2.v[0].addr, a, t->family == AF_INET ? 4 : 16) == 0);
        ls_target_list_free(&l2);
    }
}

/* Our IPv4/IPv6 literal parser must agree with inet_pton on bare literals. */
static void check_against_pton(const char *s, const struct ls_target_list *l, int rc)
{
    uint8_t a[16];
    if (strchr(s, ':')) {
        if (strchr(s, '[') || strchr(s, '/') || strchr(s, '-') || strchr(s, '%') || strchr(s, ':') == strrchr(s, ':'))
            return; /* brackets, CIDR, ranges, zones and host:port are not bare literals */
        int ok = inet_pton(AF_INET6, s, a) == 1;
        CHECK(ok == (rc == 0));
        if (ok)
            CHECK(memcmp(a, l->v[0].addr, 16) == 0);
    } else if (rc == 0 && l->v[0].kind == LS_TARGET_ADDR) {
        CHECK(inet_pton(AF_INET, s, a) == 1);
        CHECK(memcmp(a, l->v[0].addr, 4) == 0);
    }
}

static void parse_as_file(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz_targets", 0);
    if (fd < 0)
        return;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    char arg[64], err[512];
    snprintf(arg, sizeof arg, "@/proc/self/fd/%d", fd);
    struct ls_target_list l = {0};
    if (ls_targets_parse(&l, arg, err, sizeof err) == 0) {
        CHECK(l.n >= 1);
        uint64_t total = 0;
        for (size_t i = 0; i < l.n; i++) {
            check_target(&l.v[i]);
            total += ls_target_naddrs(&l.v[i]);
        }
        CHECK(total <= LS_MAX_EXPANDED_ADDRS);
        /* memory proportional to the text read: the array plus at most the input, NULs and one
         * minimal arena block more */
        CHECK(l.cap == l.n || l.cap <= 16);
        CHECK(l.name_used <= size + l.n && l.name_alloc <= 2 * (size + l.n) + 2048);
        CHECK(ls_target_list_bytes(&l) == l.cap * sizeof(struct ls_target) + l.name_alloc);
    } else {
        check_err(err);
        CHECK(l.n == 0);
    }
    ls_target_list_free(&l);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char err[512];

    if (s[0] != '@' && strcmp(s, "-") != 0) { /* never open files named by the input, nor stdin */
        struct ls_target_list l = {0};
        err[0] = '\0';
        int rc = ls_targets_parse(&l, s, err, sizeof err);
        if (rc == 0) {
            CHECK(l.n == 1);
            check_target(&l.v[0]);
        } else {
            check_err(err);
            CHECK(l.n == 0);
        }
        check_against_pton(s, &l, rc);
        ls_target_list_free(&l);
    }

    parse_as_file(data, size);

    struct ls_port_list pl;
    if (ls_ports_parse(&pl, s, err, sizeof err) == 0) {
        CHECK(pl.n >= 1 && pl.n <= 65535);
        CHECK(pl.v[0] >= 1);
        for (size_t i = 1; i < pl.n; i++)
            CHECK(pl.v[i - 1] < pl.v[i]);
        ls_port_list_free(&pl);
    } else {
        check_err(err);
        CHECK(pl.v == NULL && pl.n == 0);
    }
    free(s);
    return 0;
}
