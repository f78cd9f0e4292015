/* Per-address in-flight counts for --max-per-host; see hostcount.h. */
#include "core/hostcount.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/permute.h"

struct node {
    struct node *next;
    uint8_t key[17]; /* family byte + address */
    unsigned count;
};

struct ls_hostcount {
    struct node **b;
    size_t mask;
};

static void key_of(const struct sockaddr *sa, uint8_t key[17])
{
    memset(key, 0, 17);
    key[0] = (uint8_t)sa->sa_family;
    if (sa->sa_family == AF_INET)
        memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    else
        memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

static size_t slot(const struct ls_hostcount *h, const uint8_t key[17])
{
    uint64_t a, b;
    memcpy(&a, key + 1, 8);
    memcpy(&b, key + 9, 8);
    return (size_t)(ls_mix64(a ^ ls_mix64(b + key[0])) & h->mask);
}

struct ls_hostcount *ls_hostcount_new(size_t buckets)
{
    size_t n = 64;
    while (n < buckets)
        n <<= 1;
    struct ls_hostcount *h = calloc(1, sizeof *h);
    if (!h || !(h->b = calloc(n, sizeof *h->b))) {
        free(h);
        return NULL;
    }
    h->mask = n - 1;
    return h;
}

static struct node **find(const struct ls_hostcount *h, const uint8_t key[17])
{
    struct node **pp = &h->b[slot(h, key)];
    while (*pp && memcmp((*pp)->key, key, 17) != 0)
        pp = &(*pp)->next;
    return pp;
}

unsigned ls_hostcount_get(const struct ls_hostcount *h, const struct sockaddr *sa)
{
    uint8_t key[17];
    key_of(sa, key);
    struct node **pp = find(h, key);
    return *pp ? (*pp)->count : 0;
}

int ls_hostcount_inc(struct ls_hostcount *h, const struct sockaddr *sa)
{
    uint8_t key[17];
    key_of(sa, key);
    struct node **pp = find(h, key);
    if (!*pp) {
        struct node *n = calloc(1, sizeof *n);
        if (!n)
            return -1;
        memcpy(n->key, key, 17);
        *pp = n;
    }
    (*pp)->count++;
    return 0;
}

void ls_hostcount_dec(struct ls_hostcount *h, const struct sockaddr *sa)
{
    uint8_t key[17];
    key_of(sa, key);
    struct node **pp = find(h, key);
    if (*pp && --(*pp)->count == 0) {
        struct node *n = *pp;
        *pp = n->next;
        free(n);
    }
}

void ls_hostcount_free(struct ls_hostcount *h)
{
    if (!h)
        return;
    for (size_t i = 0; i <= h->mask; i++)
        for (struct node *n = h->b[i], *nx; n; n = nx) {
            nx = n->next;
            free(n);
        }
    free(h->b);
    free(h);
}
