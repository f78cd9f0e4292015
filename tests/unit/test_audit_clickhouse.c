/* Unit tests for the ClickHouse auditor (src/audit/ch_tree.c, ch_audit.c): the server's merge
 * rules (users.d overrides, replace, remove, YAML mixed with XML), exposure-driven severity, and
 * hostile input (entity bombs are not expanded, YAML aliases are not followed). */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/ch_tree.h"
#include "audit_fixture.h"

static char dir[] = "/tmp/ls-audit-ch-XXXXXX";

static void put(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char users_xml[] = "<clickhouse>\n"
                                "  <profiles><default/><ro><readonly>1</readonly></ro></profiles>\n"
                                "  <users>\n"
                                "    <default>\n"
                                "      <password></password>\n"
                                "      <networks><ip>::/0</ip></networks>\n"
                                "      <profile>default</profile>\n"
                                "    </default>\n"
                                "    <old><password>x</password></old>\n"
                                "  </users>\n"
                                "</clickhouse>\n";

static void test_merge_and_exposure(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    char sub[300];
    snprintf(sub, sizeof sub, "%s/config.d", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/users.d", dir);
    mkdir(sub, 0700);
    put("config.xml",
        "<clickhouse>\n  <listen_host>127.0.0.1</listen_host>\n  <remote_url_allow_hosts/>\n</clickhouse>\n");
    put("users.xml", users_xml);
    struct ls_audit a;
    char *paths[] = {dir};
    ls_audit_init(&a, NULL, NULL);
    assert_int_equal(ls_audit_paths(&a, paths, 1, LS_AUDIT_AUTO), 0);
    const struct ls_config_finding *f = find_rule(&a, "CH-USER-NO-PASSWORD");
    assert_non_null(f);
    assert_int_equal(f->severity, LS_SEV_MEDIUM); /* loopback only */
    assert_int_equal(f->line, 5);
    assert_int_equal(f->column, 7);
    assert_null(find_rule(&a, "CH-LISTEN-ALL"));
    ls_audit_free(&a);

    /* config.d opens the server; users.d (YAML) removes one user and replaces another's networks */
    put("config.d/listen.yaml", "listen_host: '::'\n");
    put("users.d/zz.xml", "<yandex><users><old remove=\"remove\"/></users></yandex>\n");
    ls_audit_init(&a, NULL, NULL);
    assert_int_equal(ls_audit_paths(&a, paths, 1, LS_AUDIT_AUTO), 0);
    f = find_rule(&a, "CH-LISTEN-ALL");
    assert_non_null(f);
    assert_non_null(strstr(f->path, "config.d/listen.yaml"));
    assert_int_equal(f->line, 1);
    f = find_rule(&a, "CH-USER-NO-PASSWORD");
    assert_int_equal(f->severity, LS_SEV_CRITICAL);
    assert_null(find_rule(&a, "CH-PLAINTEXT-PASSWORD")); /* user 'old' was removed */
    ls_audit_free(&a);

    /* a password set in users.d: the finding moves to that file; networks replaced by loopback */
    put("users.d/pw.xml", "<clickhouse><users><default><password>s3cretpassw0rd</password>\n"
                          "<networks replace=\"replace\"><ip>::1</ip></networks></default></users></clickhouse>\n");
    ls_audit_init(&a, NULL, NULL);
    assert_int_equal(ls_audit_paths(&a, paths, 1, LS_AUDIT_AUTO), 0);
    assert_null(find_rule(&a, "CH-USER-NO-PASSWORD"));
    f = find_rule(&a, "CH-PLAINTEXT-PASSWORD");
    assert_non_null(f);
    assert_non_null(strstr(f->path, "users.d/pw.xml"));
    assert_null(strstr(f->evidence, "s3cretpassw0rd"));
    assert_null(find_rule(&a, "CH-NETWORKS-ANY"));
    ls_audit_free(&a);

    /* without replace, a shorter list overwrites the first <ip> only (the server's pairing) */
    put("users.d/pw.xml", "<clickhouse><users><default><password remove=\"1\"/><password_sha256_hex>"
                          "65e84be33532fb784c48129675f9eff3a682b27168c0ea744b2cf58ee02337c5</password_sha256_hex>"
                          "</default></users></clickhouse>\n");
    ls_audit_init(&a, NULL, NULL);
    assert_int_equal(ls_audit_paths(&a, paths, 1, LS_AUDIT_AUTO), 0);
    assert_null(find_rule(&a, "CH-USER-NO-PASSWORD"));
    assert_non_null(find_rule(&a, "CH-NETWORKS-ANY"));
    ls_audit_free(&a);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_pairing(void **state)
{
    (void)state;
    char err[128];
    const char base[] = "<c><n><ip>::1</ip><ip>127.0.0.1</ip></n></c>", over[] = "<c><n><ip>10.9.9.9</ip></n></c>";
    struct ch_node *b = ch_parse("b", base, sizeof base - 1, err, sizeof err);
    struct ch_node *o = ch_parse("o", over, sizeof over - 1, err, sizeof err);
    assert_non_null(b);
    assert_non_null(o);
    assert_int_equal(ch_merge(b, o), 0);
    const struct ch_node *n = ch_child(b, "n");
    assert_int_equal(n->nkids, 2);
    assert_string_equal(n->kids[0]->text, "10.9.9.9");
    assert_string_equal(n->kids[1]->text, "127.0.0.1");
    ch_node_free(b);
}

static void test_hostile(void **state)
{
    (void)state;
    char err[256];
    const char bomb[] = "<!DOCTYPE c [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                        "<!ENTITY d \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>"
                        "<c><listen_host>&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;</listen_host></c>";
    struct ch_node *n = ch_parse("bomb", bomb, sizeof bomb - 1, err, sizeof err);
    if (n) { /* parsed without substituting the entities */
        const char *t = ch_child_text(n, "listen_host");
        assert_true(!t || strlen(t) < 100);
        ch_node_free(n);
    }
    const char yb[] = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n";
    n = ch_parse("ybomb", yb, sizeof yb - 1, err, sizeof err);
    assert_non_null(n);
    assert_true(n->nkids <= 8); /* aliases not followed */
    ch_node_free(n);
    char deep[4000];
    size_t k = 0;
    for (int i = 0; i < 300; i++)
        deep[k++] = '[';
    deep[k] = '\0';
    n = ch_parse("deep", deep, k, err, sizeof err);
    ch_node_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_and_exposure),
        cmocka_unit_test(test_pairing),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
