/* Unit tests for the scan history (SQLite backend) and the diff of two scans: round trip, migration
 * state, what changed (rows, version, auth, secrets by fingerprint), no raw secret in the file,
 * corrupt and foreign files refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <cmocka.h>

#include "store/diff.h"
#include "store/store.h"

#define RAW "ghp_ThisIsTheRawSecretValueThatMustNeverBeStored"

static char dir[] = "/tmp/ls-test-store-XXXXXX";
static char path[256];

static void make_service(struct ls_service *s, const char *ip, uint16_t port, const char *version, enum ls_auth auth,
                         uint64_t rows, int nsecrets)
{
    memset(s, 0, sizeof *s);
    snprintf(s->host, sizeof s->host, "%s", ip);
    snprintf(s->ip, sizeof s->ip, "%s", ip);
    s->port = port;
    s->engine = "clickhouse";
    s->interface = "http";
    snprintf(s->version, sizeof s->version, "%s", version);
    s->auth = auth;
    s->severity = auth == LS_AUTH_NONE ? LS_SEV_CRITICAL : LS_SEV_LOW;
    struct ls_table *t = ls_service_add_table(s);
    assert_non_null(t);
    t->database = strdup("default");
    t->name = strdup("log_stream");
    t->rows = rows;
    t->rows_known = true;
    t->secrets = calloc((size_t)nsecrets + 1, sizeof *t->secrets);
    for (int i = 0; i < nsecrets; i++) {
        struct ls_secret *x = &t->secrets[t->nsecrets++];
        x->rule = "github-classic-pat";
        x->category = "secret";
        x->column = strdup("message");
        snprintf(x->fingerprint, sizeof x->fingerprint, "sha256:%064d", i);
        snprintf(x->redacted, sizeof x->redacted, "ghp_…%03d", i);
        x->raw = strdup(RAW);
        x->count = 1;
    }
}

static int64_t record(struct ls_store *st, struct ls_service *svcs, size_t n)
{
    char err[256];
    int64_t id;
    assert_int_equal(ls_store_scan_begin(st, "127.77.3.14", &id, err, sizeof err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ls_store_add_service(st, id, &svcs[i], err, sizeof err), 0);
    struct ls_scan_summary sum = {
        .targets = 1, .probes = 2, .open_ports = n, .services = n, .exposed = n, .duration_ms = 10};
    assert_int_equal(ls_store_scan_end(st, id, &sum, err, sizeof err), 0);
    return id;
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/history.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void test_roundtrip_and_diff(void **state)
{
    (void)state;
    char err[256];
    struct ls_store *st;
    unlink(path);
    assert_int_equal(ls_store_open(path, &st, err, sizeof err), LS_STORE_OK);
    assert_int_equal(ls_store_opened_version(st), 0);

    struct ls_service a[2], b[2];
    make_service(&a[0], "127.77.3.14", 8123, "18.16.1", LS_AUTH_NONE, 1000, 2);
    make_service(&a[1], "127.77.3.15", 8123, "23.8", LS_AUTH_REQUIRED, 0, 0);
    make_service(&b[0], "127.77.3.14", 8123, "18.16.2", LS_AUTH_NONE, 1500, 3); /* grew, new version, +1 secret */
    make_service(&b[1], "127.77.3.16", 9000, "24.1", LS_AUTH_NONE, 10, 0);      /* new service; .15 resolved */
    int64_t id1 = record(st, a, 2), id2 = record(st, b, 2);
    assert_true(id2 > id1);

    struct ls_hist_scan *scans;
    size_t n;
    assert_int_equal(ls_store_list(st, &scans, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(scans[0].id, id1);
    assert_int_equal(scans[1].services, 2);
    assert_string_equal(scans[0].targets, "127.77.3.14");
    assert_true(scans[1].finished_at[0] != 0);
    ls_hist_scans_free(scans, n);

    struct ls_snapshot s1, s2;
    assert_int_equal(ls_store_load(st, id1, &s1, err, sizeof err), 0);
    assert_int_equal(ls_store_load(st, id2, &s2, err, sizeof err), 0);
    assert_int_equal(ls_store_load(st, id2 + 100, &(struct ls_snapshot){0}, err, sizeof err), 1);
    assert_int_equal(s1.nservices, 2);
    assert_int_equal(s1.services[0].nsecrets, 2);
    assert_string_equal(s1.services[0].secrets[0].redacted, "ghp_…000");
    assert_int_equal(s1.services[0].rows, 1000);

    struct ls_diff d;
    assert_int_equal(ls_diff_compute(&s1, &s2, &d), 0);
    assert_int_equal(d.nnew, 1);
    assert_int_equal(d.nresolved, 1);
    assert_int_equal(d.nchanged, 1);
    assert_int_equal(d.nnew_secrets, 1);
    assert_true(ls_diff_has_news(&d));
    const struct ls_diff_entry *c = NULL;
    for (size_t i = 0; i < d.n; i++)
        if (d.entries[i].kind == LS_CHANGE_CHANGED)
            c = &d.entries[i];
    assert_non_null(c);
    assert_true(c->rows_grew);
    assert_true(c->version_changed);
    assert_false(c->auth_changed);
    assert_int_equal(c->nnew_secrets, 1);
    assert_string_equal(c->new_secrets[0]->fingerprint,
                        "sha256:0000000000000000000000000000000000000000000000000000000000000002");
    ls_diff_free(&d);

    /* Same scan against itself: nothing new, exit 0 for cron. */
    assert_int_equal(ls_diff_compute(&s1, &s1, &d), 0);
    assert_int_equal(d.n, 0);
    assert_false(ls_diff_has_news(&d));
    ls_diff_free(&d);
    /* Backwards: only resolved things and gone secrets, except what was "new" then (.15) and the
     * version change. */
    assert_int_equal(ls_diff_compute(&s2, &s1, &d), 0);
    assert_int_equal(d.nnew, 1);
    assert_int_equal(d.nnew_secrets, 0);
    ls_diff_free(&d);

    /* Scan 3: the server got a password. auth and severity changed; its secrets are gone. */
    struct ls_service c3[1];
    make_service(&c3[0], "127.77.3.14", 8123, "18.16.2", LS_AUTH_REQUIRED, 0, 0);
    struct ls_snapshot s3;
    assert_int_equal(ls_store_load(st, record(st, c3, 1), &s3, err, sizeof err), 0);
    assert_int_equal(ls_diff_compute(&s2, &s3, &d), 0);
    assert_int_equal(d.nchanged, 1);
    assert_int_equal(d.nresolved, 1);
    for (size_t i = 0; i < d.n; i++)
        if (d.entries[i].kind == LS_CHANGE_CHANGED) {
            assert_true(d.entries[i].auth_changed);
            assert_true(d.entries[i].severity_changed);
            assert_true(d.entries[i].rows_shrank);
            assert_int_equal(d.entries[i].ngone_secrets, 3);
            assert_string_equal(d.entries[i].old_svc->auth, "none");
            assert_string_equal(d.entries[i].new_svc->auth, "required");
        }
    ls_diff_free(&d);
    ls_snapshot_free(&s3);
    ls_service_free(&c3[0]);

    ls_snapshot_free(&s1);
    ls_snapshot_free(&s2);
    ls_store_close(st);
    for (int i = 0; i < 2; i++) {
        ls_service_free(&a[i]);
        ls_service_free(&b[i]);
    }

    /* The file: 0600 and no raw secret anywhere in it. */
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_null(memmem(buf, len, RAW, strlen(RAW)));
    assert_non_null(memmem(buf, len, "ghp_…000", strlen("ghp_…000")));

    /* Reopening finds the current schema and runs no migration. */
    assert_int_equal(ls_store_open(path, &st, err, sizeof err), LS_STORE_OK);
    assert_int_equal(ls_store_opened_version(st), LS_STORE_SCHEMA_VERSION);
    ls_store_close(st);
}

static void write_file(const char *p, const char *content)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void test_bad_files(void **state)
{
    (void)state;
    char err[256], p[300];
    struct ls_store *st = NULL;

    snprintf(p, sizeof p, "%s/garbage.db", dir);
    write_file(p, "this is not a database at all, just some text that is long enough to be a header........"
                  "................................................................................\n");
    assert_int_equal(ls_store_open(p, &st, err, sizeof err), LS_STORE_BAD);
    assert_non_null(strstr(err, "not a leakscan history"));
    assert_null(st);

    /* Another application's SQLite database. */
    snprintf(p, sizeof p, "%s/foreign.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE contacts (name TEXT)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(ls_store_open(p, &st, err, sizeof err), LS_STORE_BAD);
    assert_non_null(strstr(err, "another application"));

    /* A history from a newer leakscan. */
    snprintf(p, sizeof p, "%s/newer.db", dir);
    assert_int_equal(ls_store_open(p, &st, err, sizeof err), LS_STORE_OK);
    ls_store_close(st);
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "UPDATE ls_meta SET value = '999' WHERE key = 'schema_version'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(ls_store_open(p, &st, err, sizeof err), LS_STORE_BAD);
    assert_non_null(strstr(err, "newer"));

    /* A directory that does not exist: a runtime failure, not "bad input". */
    snprintf(p, sizeof p, "%s/no/such/dir/h.db", dir);
    assert_int_equal(ls_store_open(p, &st, err, sizeof err), LS_STORE_FAIL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_and_diff),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
