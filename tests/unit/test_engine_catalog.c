/* The engine registry is the one source of engine identity: the `db` port set, the per-port engine
 * of the honeypot heuristic, display names and --engines ports all come from it. The `db` set is
 * pinned here as the README documents it, so a change to a descriptor that drops or adds a default
 * port fails a test instead of changing scans silently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/targets.h"
#include "engines/engine.h"

static const uint16_t readme_db[] = {1433, 2181, 2379, 3306, 5432, 5601,  5672,  5984, 6379, 6380,
                                     7474, 7687, 8086, 8123, 8443, 9000,  9004,  9005, 9009, 9042,
                                     9090, 9092, 9200, 9363, 9440, 11211, 15672, 27017};

static void test_db_set_is_the_documented_one(void **state)
{
    (void)state;
    struct ls_port_list l;
    assert_int_equal(ls_ports_default(&l), 0);
    assert_int_equal(l.n, sizeof readme_db / sizeof readme_db[0]);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.v[i], readme_db[i]);
    ls_port_list_free(&l);
    char err[128];
    assert_int_equal(ls_ports_parse(&l, "db", err, sizeof err), 0);
    assert_int_equal(l.n, sizeof readme_db / sizeof readme_db[0]);
    ls_port_list_free(&l);
}

static void test_db_engines(void **state)
{
    (void)state;
    int n = ls_db_engine_count();
    assert_true(n >= 18 && n <= 32); /* the honeypot heuristic keeps one bit per engine in 32 */
    assert_string_equal(ls_db_engine_name(ls_db_port_engine(8123)), "clickhouse");
    assert_string_equal(ls_db_engine_name(ls_db_port_engine(9440)), "clickhouse");
    assert_string_equal(ls_db_engine_name(ls_db_port_engine(9363)), "clickhouse");
    assert_string_equal(ls_db_engine_name(ls_db_port_engine(6379)), "redis");
    assert_string_equal(ls_db_engine_name(ls_db_port_engine(7687)), "neo4j");
    assert_int_equal(ls_db_port_engine(22), -1);
    assert_null(ls_db_engine_name(n));
    /* names are unique and every engine module belongs to a descriptor */
    for (size_t i = 0; ls_engine_descs[i]; i++)
        for (size_t j = i + 1; ls_engine_descs[j]; j++)
            assert_string_not_equal(ls_engine_descs[i]->name, ls_engine_descs[j]->name);
    for (size_t i = 0; ls_engines[i]; i++) {
        const struct ls_engine_desc *d = ls_engine_desc_find(ls_engines[i]->name);
        if (!d)
            fail_msg("engine module '%s' has no descriptor", ls_engines[i]->name);
        assert_true(ls_engine_desc_assessed(d));
        assert_non_null(d->help);
    }
}

static void test_display_and_engine_ports(void **state)
{
    (void)state;
    assert_string_equal(ls_engine_display("clickhouse"), "ClickHouse");
    assert_string_equal(ls_engine_display("postgresql"), "PostgreSQL");
    assert_string_equal(ls_engine_display("no-such"), "no-such");
    static const char *const sel[] = {"clickhouse", "redis", NULL};
    struct ls_port_list l;
    assert_int_equal(ls_ports_of_engines(&l, sel), 0);
    static const uint16_t want[] = {6379, 6380, 8123, 8443, 9000, 9004, 9005, 9009, 9363, 9440};
    assert_int_equal(l.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.v[i], want[i]);
    ls_port_list_free(&l);
}

static void test_candidates_filtered(void **state)
{
    (void)state;
    size_t max = 2 * ls_engine_count();
    const struct ls_engine **out = calloc(max, sizeof *out);
    bool *tls = calloc(max, sizeof *tls);
    assert_non_null(out);
    assert_non_null(tls);
    /* an unclaimed port: every engine in plaintext, then every engine over TLS, no silent cap */
    size_t n = ls_engines_for_port(12345, out, tls, max, NULL, NULL);
    assert_int_equal(n, max);
    assert_false(tls[0]);
    assert_true(tls[max - 1]);
    /* 8123 is ClickHouse HTTP's own port */
    n = ls_engines_for_port(8123, out, tls, max, NULL, NULL);
    assert_int_equal(n, 1);
    assert_string_equal(out[0]->interface, "http");
    free(out);
    free(tls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db_set_is_the_documented_one),
        cmocka_unit_test(test_db_engines),
        cmocka_unit_test(test_display_and_engine_ports),
        cmocka_unit_test(test_candidates_filtered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
