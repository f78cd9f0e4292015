/* Unit tests for the etcd engine's parsers (src/engines/etcd/etcd_parse.c): /version, v3 gateway
 * counts, errors and key-values (base64), member lists, the v2 tree, prefix ends, and Kubernetes
 * Secrets decoded from JSON (base64 `data:`) and from protobuf ('k8s\0'). The replies are etcd
 * 3.4.23's own answers as recorded from the lab (lab/lab_etcd.sh). */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <string.h>

#include "engines/etcd/etcd_parse.h"

static json_t *load(const char *s)
{
    json_error_t err;
    json_t *j = json_loads(s, 0, &err);
    assert_non_null(j);
    return j;
}

static void test_version(void **state)
{
    (void)state;
    char sv[32], cv[32];
    json_t *j = load("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}");
    assert_true(etcd_parse_version(j, sv, sizeof sv, cv, sizeof cv));
    assert_string_equal(sv, "3.4.23");
    assert_string_equal(cv, "3.4.0");
    json_decref(j);
    j = load("{\"etcdserver\":\"3.5.0\",\"etcdcluster\":\"not_decided\"}");
    assert_true(etcd_parse_version(j, sv, sizeof sv, cv, sizeof cv));
    json_decref(j);
    /* the lab's JSON decoy, a missing field, a word where a version belongs */
    static const char *const no[] = {"{\"status\":\"ok\",\"version\":\"1.4.2\"}", "{\"etcdserver\":\"3.4.23\"}",
                                     "{\"etcdserver\":\"latest\",\"etcdcluster\":\"3.4.0\"}", "[1,2]",
                                     "{\"etcdserver\":3.4,\"etcdcluster\":\"3.4.0\"}"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        j = load(no[i]);
        assert_false(etcd_parse_version(j, sv, sizeof sv, cv, sizeof cv));
        json_decref(j);
    }
    assert_false(etcd_parse_version(NULL, sv, sizeof sv, cv, sizeof cv));
}

static void test_count_and_errors(void **state)
{
    (void)state;
    uint64_t n = 99;
    json_t *j = load("{\"header\":{\"cluster_id\":\"11762571084006073037\",\"revision\":\"2\"},\"count\":\"77\"}");
    assert_true(etcd_has_header(j));
    assert_true(etcd_int_field(j, "count", &n));
    assert_int_equal(n, 77);
    json_decref(j);
    j = load("{\"header\":{\"revision\":\"1\"}}"); /* proto3 leaves a zero count out */
    assert_true(etcd_int_field(j, "count", &n));
    assert_int_equal(n, 0);
    json_decref(j);
    j = load("{\"header\":{},\"count\":\"-3\"}");
    assert_false(etcd_int_field(j, "count", &n));
    json_decref(j);
    j = load("{\"header\":{},\"count\":\"99999999999999999999999\"}");
    assert_false(etcd_int_field(j, "count", &n));
    json_decref(j);
    j = load(
        "{\"error\":\"etcdserver: user name is empty\",\"message\":\"etcdserver: user name is empty\",\"code\":3}");
    assert_false(etcd_has_header(j));
    assert_string_equal(etcd_error_text(j), "etcdserver: user name is empty");
    assert_true(etcd_auth_error(etcd_error_text(j)));
    json_decref(j);
    assert_true(etcd_auth_error("etcdserver: invalid auth token"));
    assert_false(etcd_auth_error("etcdserver: request timed out"));
    assert_false(etcd_auth_error(NULL));
}

static void test_base64(void **state)
{
    (void)state;
    unsigned char out[64];
    char enc[64];
    assert_int_equal(etcd_b64_decode("Zm9v", 4, out, sizeof out), 3);
    assert_memory_equal(out, "foo", 3);
    assert_int_equal(etcd_b64_decode("YmFyCg==", 8, out, sizeof out), 4);
    assert_int_equal(etcd_b64_decode("YmFyCg", 6, out, sizeof out), 4); /* unpadded */
    assert_int_equal(etcd_b64_decode("AA==", 4, out, sizeof out), 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(etcd_b64_decode("Zm9v!", 5, out, sizeof out), -1);
    assert_int_equal(etcd_b64_decode("Zm9vY", 5, out, sizeof out), -1);
    assert_int_equal(etcd_b64_decode("Zm9vYmFy", 8, out, 5), -1); /* does not fit */
    assert_int_equal(etcd_b64_encode((const unsigned char *)"\0", 1, enc, sizeof enc), 0);
    assert_string_equal(enc, "AA==");
    assert_int_equal(etcd_b64_encode((const unsigned char *)"/registry/secrets/", 18, enc, sizeof enc), 0);
    assert_string_equal(enc, "L3JlZ2lzdHJ5L3NlY3JldHMv");
    assert_int_equal(etcd_b64_encode((const unsigned char *)"abcdef", 6, enc, 8), -1);
}

static void test_prefix_end(void **state)
{
    (void)state;
    unsigned char out[32];
    size_t n = etcd_prefix_end((const unsigned char *)"/registry/secrets/", 18, out);
    assert_int_equal(n, 18);
    assert_memory_equal(out, "/registry/secrets0", 18);
    n = etcd_prefix_end((const unsigned char *)"a\xff\xff", 3, out);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 'b');
    n = etcd_prefix_end((const unsigned char *)"\xff", 1, out);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 0);
}

static void test_kvs(void **state)
{
    (void)state;
    struct etcd_kv kv[4];
    bool more = false;
    json_t *j = load("{\"header\":{},\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\",\"value\":\"YmFy\"},"
                     "{\"key\":\"ZW1wdHk=\"},{\"key\":\"!!\",\"value\":\"YmFy\"},{\"value\":\"YmFy\"},"
                     "{\"key\":\"bG9uZw==\",\"value\":\"MDEyMzQ1Njc4OWFiY2RlZg==\"}],\"more\":true,\"count\":\"9\"}");
    size_t n = etcd_parse_kvs(j, kv, 4, 64, 6, &more);
    assert_true(more);
    assert_int_equal(n, 3); /* the bad key and the keyless entry are skipped */
    assert_int_equal(kv[0].klen, 3);
    assert_memory_equal(kv[0].key, "foo", 3);
    assert_int_equal(kv[0].vlen, 3);
    assert_memory_equal(kv[0].value, "bar", 3);
    assert_int_equal(kv[1].vlen, 0); /* proto3 omits an empty value */
    assert_memory_equal(kv[2].key, "long", 4);
    assert_true(kv[2].cut);
    assert_true(kv[2].vlen <= 6);
    assert_memory_equal(kv[2].value, "012345", kv[2].vlen);
    etcd_kvs_free(kv, n);
    json_decref(j);
    j = load("{\"header\":{},\"kvs\":\"nope\"}");
    assert_int_equal(etcd_parse_kvs(j, kv, 4, 64, 64, &more), 0);
    assert_false(more);
    json_decref(j);
}

struct seen {
    char text[512];
    size_t n;
};

static void on_member(void *ud, const char *name, const char *const *peer, size_t npeer, const char *const *client,
                      size_t nclient)
{
    struct seen *s = ud;
    size_t used = strlen(s->text);
    snprintf(s->text + used, sizeof s->text - used, "%s|%zu:%s|%zu:%s;", name, npeer, npeer ? peer[0] : "", nclient,
             nclient ? client[0] : "");
    s->n++;
}

static void test_members(void **state)
{
    (void)state;
    struct seen s = {0};
    json_t *j = load("{\"header\":{\"cluster_id\":\"1\"},\"members\":[{\"ID\":\"12593006296442275449\",\"name\":"
                     "\"lab-open\",\"peerURLs\":[\"http://127.77.10.1:2380\"],\"clientURLs\":[\"http://"
                     "127.77.10.1:2379\"]},{\"ID\":\"2\",\"peerURLs\":[\"http://10.0.0.2:2380\",7]},\"x\"]}");
    assert_int_equal(etcd_parse_members(j, on_member, &s), 2);
    assert_string_equal(s.text,
                        "lab-open|1:http://127.77.10.1:2380|1:http://127.77.10.1:2379;|1:http://10.0.0.2:2380|0:;");
    json_decref(j);
}

static void on_leaf(void *ud, const char *key, const char *value)
{
    struct seen *s = ud;
    size_t used = strlen(s->text);
    snprintf(s->text + used, sizeof s->text - used, "%s=%s;", key, value);
}

static void test_v2_tree(void **state)
{
    (void)state;
    struct seen s = {0};
    json_t *j = load("{\"action\":\"get\",\"node\":{\"dir\":true,\"nodes\":[{\"key\":\"/legacy\",\"dir\":true,"
                     "\"nodes\":[{\"key\":\"/legacy/region\",\"value\":\"eu-west-1\"},{\"key\":\"/legacy/b\",\"dir\":"
                     "true,\"nodes\":[{\"key\":\"/legacy/b/k\",\"value\":\"v\"}]}]}]}}");
    const json_t *node = json_object_get(j, "node");
    assert_int_equal(etcd_v2_leaves(node, 64, on_leaf, &s), 2);
    assert_string_equal(s.text, "/legacy/region=eu-west-1;/legacy/b/k=v;");
    assert_int_equal(etcd_v2_leaves(node, 2, NULL, NULL), 0); /* depth bound */
    json_decref(j);
    j = load("{\"action\":\"get\",\"node\":{\"dir\":true}}");
    assert_int_equal(etcd_v2_leaves(json_object_get(j, "node"), 64, NULL, NULL), 0);
    json_decref(j);
}

static void test_k8s_json(void **state)
{
    (void)state;
    char name[64], text[256];
    const char *key = "/registry/secrets/kube-system/cloud-keys";
    assert_true(etcd_k8s_secret_name((const unsigned char *)key, strlen(key), name, sizeof name));
    assert_string_equal(name, "kube-system/cloud-keys");
    assert_false(etcd_k8s_secret_name((const unsigned char *)"/registry/secrets/", 18, name, sizeof name));
    assert_false(etcd_k8s_secret_name((const unsigned char *)"/registry/pods/a/b", 18, name, sizeof name));
    /* data: token=ghp_… base64, stringData in clear, one value not base64 */
    const char *v = "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"},\"data\":{\"token\":"
                    "\"Z2hwX0t5OVBmMzRxWTZOYjN3V0QyNVJRNEY1WlIzcWE3eTNnbTFJTA==\",\"bad\":\"%%\"},\"stringData\":"
                    "{\"user\":\"app\"}}";
    size_t n = etcd_k8s_secret_text((const unsigned char *)v, strlen(v), text, sizeof text);
    assert_int_equal(n, strlen(text));
    assert_non_null(strstr(text, "token: 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\n"));
    assert_non_null(strstr(text, "bad: %%\n"));
    assert_non_null(strstr(text, "user: app\n"));
    const char *pod = "{\"kind\":\"Pod\",\"data\":{\"a\":\"Zm9v\"}}";
    assert_int_equal(etcd_k8s_secret_text((const unsigned char *)pod, strlen(pod), text, sizeof text), 0);
    assert_int_equal(etcd_k8s_secret_text((const unsigned char *)"plain", 5, text, sizeof text), 0);
    /* bounded: the text is cut at the buffer */
    char small[16];
    n = etcd_k8s_secret_text((const unsigned char *)v, strlen(v), small, sizeof small);
    assert_true(n < sizeof small);
}

static void test_k8s_protobuf(void **state)
{
    (void)state;
    /* what lab/lab_etcd.sh plants: k8s\0 + runtime.Unknown{TypeMeta, raw Secret, contentType} */
    static const unsigned char pb[] =
        "k8s\x00\x0a\x0c\x0a\x02v1\x12\x06Secret\x12j\x0a\x15\x0a\x09slack-bot\x1a\x08payments\x12I\x0a\x0f"
        "SLACK_BOT_TOKEN\x12\x36xoxb-2648012345-4018123456789-Ab3dEf6hIj9kLm2nOp5qRs8t\x1a\x06Opaque\x22#"
        "application/vnd.kubernetes.protobuf";
    char text[512];
    size_t n = etcd_k8s_secret_text(pb, sizeof pb - 1, text, sizeof text);
    assert_true(n > 0);
    assert_non_null(strstr(text, "\nxoxb-2648012345-4018123456789-Ab3dEf6hIj9kLm2nOp5qRs8t\n"));
    assert_non_null(strstr(text, "SLACK_BOT_TOKEN\n"));
    assert_non_null(strstr(text, "payments\n"));
    /* not a message: the printable runs */
    static const unsigned char junk[] = "k8s\x00\xff\xff\xff\xffsome-token-text\x01xy";
    n = etcd_k8s_secret_text(junk, sizeof junk - 1, text, sizeof text);
    assert_string_equal(text, "some-token-text\n");
    /* a length past the end is no message either */
    static const unsigned char cut[] = "k8s\x00\x0a\x7f\x0a\x02v1";
    n = etcd_k8s_secret_text(cut, sizeof cut - 1, text, sizeof text);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),      cmocka_unit_test(test_count_and_errors),
        cmocka_unit_test(test_base64),       cmocka_unit_test(test_prefix_end),
        cmocka_unit_test(test_kvs),          cmocka_unit_test(test_members),
        cmocka_unit_test(test_v2_tree),      cmocka_unit_test(test_k8s_json),
        cmocka_unit_test(test_k8s_protobuf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
