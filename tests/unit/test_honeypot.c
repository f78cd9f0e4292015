/* Unit tests for the many-engines honeypot verdict (honeypot.h): counts distinct engines, not
 * ports (ClickHouse's 8 ports are one engine), ignores ports outside the `db` set, keeps hosts
 * apart through table growth, IPv4 and IPv6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/honeypot.h"

static void open4(struct ls_honeypot *h, const char *ip, uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    ls_honeypot_open(h, (struct sockaddr *)&a);
}

static void open6(struct ls_honeypot *h, const char *ip, uint16_t port)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    ls_honeypot_open(h, (struct sockaddr *)&a);
}

struct seen {
    char hosts[8][64];
    unsigned engines[8], ports[8], n;
};

static void collect(void *ud, const struct ls_honeypot_host *host)
{
    struct seen *s = ud;
    assert_true(s->n < 8);
    snprintf(s->hosts[s->n], sizeof s->hosts[0], "%s", host->ip);
    s->engines[s->n] = host->nengines;
    s->ports[s->n++] = host->open_db_ports;
}

static void test_distinct_engines_not_ports(void **state)
{
    (void)state;
    struct ls_honeypot *h = ls_honeypot_new(3);
    const uint16_t ch[] = {8123, 8443, 9000, 9440, 9004, 9005, 9009, 9363};
    for (size_t i = 0; i < 8; i++)
        open4(h, "127.88.0.1", ch[i]); /* one engine, 8 ports */
    open4(h, "127.88.0.1", 22);        /* not a db port */
    open4(h, "127.88.0.1", 6379);      /* 2 engines: below 3 */
    for (int i = 0; i < 3000; i++) {   /* growth: many one-engine hosts */
        char ip[32];
        snprintf(ip, sizeof ip, "127.89.%d.%d", i / 250, i % 250 + 1);
        open4(h, ip, 5432);
    }
    open4(h, "127.88.9.9", 5432);
    open4(h, "127.88.9.9", 3306);
    open4(h, "127.88.9.9", 27017); /* 3 engines */
    open6(h, "fd00::7", 9200);
    open6(h, "fd00::7", 5601);
    open6(h, "fd00::7", 7474);
    open6(h, "fd00::7", 7687); /* Neo4j twice: 3 engines, 4 ports */
    struct seen s = {0};
    assert_int_equal(ls_honeypot_report(h, collect, &s), 2);
    unsigned v4 = strcmp(s.hosts[0], "127.88.9.9") == 0 ? 0 : 1;
    assert_string_equal(s.hosts[v4], "127.88.9.9");
    assert_int_equal(s.engines[v4], 3);
    assert_int_equal(s.ports[v4], 3);
    assert_string_equal(s.hosts[1 - v4], "fd00::7");
    assert_int_equal(s.engines[1 - v4], 3);
    assert_int_equal(s.ports[1 - v4], 4);
    ls_honeypot_free(h);
}

static void test_threshold_at_least_two(void **state)
{
    (void)state;
    struct ls_honeypot *h = ls_honeypot_new(1); /* raised to 2: one engine is never suspect */
    open4(h, "127.88.0.2", 9200);
    struct seen s = {0};
    assert_int_equal(ls_honeypot_report(h, collect, &s), 0);
    open4(h, "127.88.0.2", 2181);
    assert_int_equal(ls_honeypot_report(h, collect, &s), 1);
    ls_honeypot_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distinct_engines_not_ports),
        cmocka_unit_test(test_threshold_at_least_two),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
