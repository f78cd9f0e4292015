/* The RabbitMQ engine's parsers: management API answers (overview, paged lists, queue items, user
 * tags in both shapes, permissions, passwords in federation/shovel URIs, the rabbitmqadmin version
 * line) and AMQP 0-9-1 Connection.Start, including the bytes a real 3.10.8 broker sent the lab. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engines/rabbitmq/amqp_proto.h"
#include "engines/rabbitmq/rmq_parse.h"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    assert_non_null(j);
    return j;
}

static void test_overview(void **state)
{
    (void)state;
    json_t *j =
        load("{\"rabbitmq_version\":\"3.10.8\",\"management_version\":\"3.10.8\",\"cluster_name\":\"orders-eu\","
             "\"queue_totals\":{\"messages\":42},\"object_totals\":{\"queues\":6},"
             "\"exchange_types\":[{\"name\":\"direct\"},{\"name\":\"x-federation-upstream\"}]}");
    struct rmq_overview o;
    assert_true(rmq_parse_overview(j, &o));
    assert_string_equal(o.version, "3.10.8");
    assert_string_equal(o.cluster, "orders-eu");
    assert_true(o.totals_known);
    assert_int_equal(o.messages, 42);
    assert_int_equal(o.queues, 6);
    assert_true(o.federation_plugin);
    json_decref(j);
    /* a decoy's JSON is not an overview */
    j = load("{\"status\":\"ok\"}");
    assert_false(rmq_parse_overview(j, &o));
    json_decref(j);
    j = load("{\"rabbitmq_version\":\"\",\"queue_totals\":{\"messages\":-1}}");
    assert_false(rmq_parse_overview(j, &o));
    json_decref(j);
    assert_false(rmq_parse_overview(NULL, &o));
}

static void test_page_and_queues(void **state)
{
    (void)state;
    json_t *j = load("{\"items\":[{\"name\":\"orders\",\"vhost\":\"/\",\"type\":\"classic\",\"messages\":20,"
                     "\"message_bytes\":1125},{\"name\":\"lazy\",\"vhost\":\"prod\"},{\"vhost\":\"x\"}],"
                     "\"total_count\":900,\"page\":1}");
    struct rmq_page p;
    assert_true(rmq_page(j, &p));
    assert_int_equal(p.total, 900);
    assert_int_equal(json_array_size(p.items), 3);
    struct rmq_queue q;
    assert_true(rmq_queue_item(json_array_get(p.items, 0), &q));
    assert_string_equal(q.name, "orders");
    assert_string_equal(q.vhost, "/");
    assert_string_equal(q.type, "classic");
    assert_true(q.messages_known);
    assert_int_equal(q.messages, 20);
    assert_int_equal(q.bytes, 1125);
    assert_true(rmq_queue_item(json_array_get(p.items, 1), &q));
    assert_false(q.messages_known);
    assert_false(rmq_queue_item(json_array_get(p.items, 2), &q));
    json_decref(j);
    /* a plain array; a total smaller than the items is not believed */
    j = load("[1,2,3]");
    assert_true(rmq_page(j, &p));
    assert_int_equal(p.total, 3);
    json_decref(j);
    j = load("{\"items\":[1,2],\"total_count\":1}");
    assert_true(rmq_page(j, &p));
    assert_int_equal(p.total, 2);
    json_decref(j);
    j = load("{\"items\":{}}");
    assert_false(rmq_page(j, &p));
    json_decref(j);
}

static void test_tags(void **state)
{
    (void)state;
    char out[64];
    json_t *j = load("[\"administrator\",\"monitoring\"]");
    assert_int_equal(rmq_tags(j, out, sizeof out), RMQ_TAG_ADMIN | RMQ_TAG_MONITORING);
    assert_string_equal(out, "administrator, monitoring");
    json_decref(j);
    j = load("\"policymaker, management ,custom\""); /* before 3.9: one comma-separated string */
    assert_int_equal(rmq_tags(j, out, sizeof out), RMQ_TAG_POLICYMAKER | RMQ_TAG_MANAGEMENT);
    assert_string_equal(out, "policymaker, management, custom");
    json_decref(j);
    j = load("[]");
    assert_int_equal(rmq_tags(j, out, sizeof out), 0);
    assert_string_equal(out, "");
    json_decref(j);
    j = load("[\"administratorx\"]");
    assert_int_equal(rmq_tags(j, out, sizeof out), 0);
    json_decref(j);
}

static void test_uri_passwords(void **state)
{
    (void)state;
    char hosts[128];
    json_t *j = load("{\"src-uri\":\"amqp://shovel:Sh0vel-9pQ@10.1.2.3:5672/billing\","
                     "\"dest-uri\":[\"amqps://u:p%40ss@mq.internal/x\",\"amqp://nopass@h2\",\"amqp://u:@h3\","
                     "\"amqp://h4\"],\"expires\":3600000,\"note\":\"not a uri: a:b@c\"}");
    assert_int_equal(rmq_uri_passwords(j, hosts, sizeof hosts), 2);
    assert_non_null(strstr(hosts, "10.1.2.3:5672"));
    assert_non_null(strstr(hosts, "mq.internal"));
    assert_null(strstr(hosts, "Sh0vel")); /* never the userinfo */
    json_decref(j);
    j = load("\"amqp://a:b:c@d@host:1/v\""); /* the last '@' ends the userinfo */
    assert_int_equal(rmq_uri_passwords(j, hosts, sizeof hosts), 1);
    assert_string_equal(hosts, "host:1");
    json_decref(j);
    j = load("[[[[[[\"amqp://a:b@deep\"]]]]]]"); /* deeper than 4 is not walked */
    assert_int_equal(rmq_uri_passwords(j, hosts, sizeof hosts), 0);
    json_decref(j);
}

static void test_value_text(void **state)
{
    (void)state;
    json_t *j = load("{\"b\":1,\"a\":\"x\"}");
    char *t = rmq_value_text(j, 100);
    assert_string_equal(t, "{\"a\":\"x\",\"b\":1}");
    free(t);
    t = rmq_value_text(j, 4);
    assert_string_equal(t, "{\"a\"");
    free(t);
    json_decref(j);
}

static void test_admin_version(void **state)
{
    (void)state;
    char v[16];
    static const char script[] = "#!/usr/bin/env python3\nimport sys\nVERSION = '3.10.8'\n\nLISTABLE = {}\n";
    assert_true(rmq_admin_version(script, sizeof script - 1, v, sizeof v));
    assert_string_equal(v, "3.10.8");
    static const char bad[] = "\nVERSION = '%%VSN%%'\n";
    assert_false(rmq_admin_version(bad, sizeof bad - 1, v, sizeof v));
    static const char cut[] = "\nVERSION = '3.10";
    assert_false(rmq_admin_version(cut, sizeof cut - 1, v, sizeof v));
    static const char longv[] = "\nVERSION = '1.2.3.4.5.6.7.8.9.10.11.12'\n";
    assert_false(rmq_admin_version(longv, sizeof longv - 1, v, sizeof v)); /* does not fit: refused */
}

static void test_permission(void **state)
{
    (void)state;
    json_t *j = load("{\"user\":\"guest\",\"vhost\":\"/\",\"configure\":\".*\",\"write\":\"\",\"read\":\".*\"}");
    struct rmq_permission p;
    assert_true(rmq_permission_item(j, &p));
    assert_string_equal(p.user, "guest");
    assert_string_equal(p.write, "");
    json_decref(j);
    j = load("{\"user\":\"guest\",\"vhost\":\"/\"}");
    assert_false(rmq_permission_item(j, &p));
    json_decref(j);
}

/* What RabbitMQ 3.10.8 sent the lab (capabilities shortened to one entry). */
static const unsigned char start_frame[] = {
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x93, 0x00, 0x0a, 0x00, 0x0a, 0x00, 0x09, 0x00, 0x00, 0x00, 0x6e,
    /* capabilities F { publisher_confirms t 1 } */
    0x0c, 'c', 'a', 'p', 'a', 'b', 'i', 'l', 'i', 't', 'i', 'e', 's', 'F', 0x00, 0x00, 0x00, 0x15, 0x12, 'p', 'u', 'b',
    'l', 'i', 's', 'h', 'e', 'r', '_', 'c', 'o', 'n', 'f', 'i', 'r', 'm', 's', 't', 0x01,
    /* cluster_name S "orders-eu-lab" */
    0x0c, 'c', 'l', 'u', 's', 't', 'e', 'r', '_', 'n', 'a', 'm', 'e', 'S', 0x00, 0x00, 0x00, 0x0d, 'o', 'r', 'd', 'e',
    'r', 's', '-', 'e', 'u', '-', 'l', 'a', 'b',
    /* product S "RabbitMQ" */
    0x07, 'p', 'r', 'o', 'd', 'u', 'c', 't', 'S', 0x00, 0x00, 0x00, 0x08, 'R', 'a', 'b', 'b', 'i', 't', 'M', 'Q',
    /* version S "3.10.8" */
    0x07, 'v', 'e', 'r', 's', 'i', 'o', 'n', 'S', 0x00, 0x00, 0x00, 0x06, '3', '.', '1', '0', '.', '8',
    /* mechanisms, locales */
    0x00, 0x00, 0x00, 0x0e, 'P', 'L', 'A', 'I', 'N', ' ', 'A', 'M', 'Q', 'P', 'L', 'A', 'I', 'N', 0x00, 0x00, 0x00,
    0x05, 'e', 'n', '_', 'U', 'S', 0xce};

static void test_amqp_start(void **state)
{
    (void)state;
    struct amqp_start st;
    size_t need;
    char err[128];
    assert_int_equal(sizeof start_frame, 7 + 0x93 + 1);
    assert_int_equal(amqp_parse_start(start_frame, sizeof start_frame, &st, &need, err, sizeof err), AMQP_START);
    assert_string_equal(st.product, "RabbitMQ");
    assert_string_equal(st.version, "3.10.8");
    assert_string_equal(st.cluster_name, "orders-eu-lab");
    assert_string_equal(st.mechanisms, "PLAIN AMQPLAIN");
    assert_int_equal(st.version_major, 0);
    assert_int_equal(st.version_minor, 9);
    /* every prefix asks for more, and for no more than the frame */
    for (size_t n = 0; n < sizeof start_frame; n++) {
        assert_int_equal(amqp_parse_start(start_frame, n, &st, &need, err, sizeof err), AMQP_NEED_MORE);
        assert_true(need > n && need <= sizeof start_frame);
    }
    /* a broken frame end, a field cut short, a header echoed back, an HTTP answer */
    unsigned char bad[sizeof start_frame];
    memcpy(bad, start_frame, sizeof bad);
    bad[sizeof bad - 1] = 0;
    assert_int_equal(amqp_parse_start(bad, sizeof bad, &st, &need, err, sizeof err), AMQP_BAD);
    memcpy(bad, start_frame, sizeof bad);
    bad[17 + 13 + 4] = 0x7f; /* capabilities' length beyond the table */
    assert_int_equal(amqp_parse_start(bad, sizeof bad, &st, &need, err, sizeof err), AMQP_BAD);
    assert_int_equal(amqp_parse_start(amqp_header, 8, &st, &need, err, sizeof err), AMQP_HEADER);
    assert_int_equal(amqp_parse_start(amqp_header, 3, &st, &need, err, sizeof err), AMQP_NEED_MORE);
    static const unsigned char http[] = "HTTP/1.1 200 OK\r\n";
    assert_int_equal(amqp_parse_start(http, sizeof http - 1, &st, &need, err, sizeof err), AMQP_BAD);
    /* a frame size past the cap is refused before waiting for it */
    static const unsigned char huge[] = {1, 0, 0, 0x7f, 0xff, 0xff, 0xff};
    assert_int_equal(amqp_parse_start(huge, sizeof huge, &st, &need, err, sizeof err), AMQP_BAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overview),   cmocka_unit_test(test_page_and_queues),
        cmocka_unit_test(test_tags),       cmocka_unit_test(test_uri_passwords),
        cmocka_unit_test(test_value_text), cmocka_unit_test(test_admin_version),
        cmocka_unit_test(test_permission), cmocka_unit_test(test_amqp_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
