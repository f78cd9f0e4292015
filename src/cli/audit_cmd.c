/* `leakscan audit`: database and container configuration files audited before they ship
 * (src/audit), the secrets written in them found by the detector, reported in any scan format
 * with file, line and column; exit codes as `scan` (--fail-on). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "detect/detect.h"
#include "detect/filescan.h"
#include "report/audit_out.h"
#include "util/safe_file.h"

void ls_usage_audit(void)
{
    printf("usage: leakscan audit [options] PATH...|-\n"
           "\n"
           "Audits database and container configuration files and directories before they ship:\n"
           "ClickHouse (config.xml/.yaml, users.xml/.yaml with config.d/, users.d/, conf.d/ merged as the\n"
           "server merges them), Redis (redis.conf), PostgreSQL (postgresql.conf, pg_hba.conf),\n"
           "MySQL/MariaDB (my.cnf with !include/!includedir), docker-compose files. One finding per\n"
           "weakness with file, line and column; severity follows exposure (reachable from other hosts\n"
           "without a password: high or critical; the same on loopback only: low or medium). Secrets\n"
           "written in the files are reported too (redacted). Unknown files are skipped with a note.\n"
           "\n"
           "      --type TYPE         auto (default), clickhouse, redis, postgres, mysql, compose\n"
           "                          ('-' reads stdin and needs --type unless the content tells)\n"
           "      --format FMT        text (default on a terminal), jsonl (default otherwise), json,\n"
           "                          sarif, markdown, html\n"
           "  -o, --output FILE       write the report to FILE (0600, replaced when complete)\n"
           "      --fail-on SEV       exit 1 if a finding is at or above SEV (default high; secrets\n"
           "                          count as high)\n"
           "      --show-secrets      print secret values in full (default: redacted + SHA-256)\n"
           "      --no-color          no ANSI colours (also NO_COLOR)\n"
           "\n"
           "Exit: 0 nothing at/above --fail-on, 1 found, 2 bad usage, 3 runtime failure (or no input\n"
           "readable at all).\n");
}

enum { OPT_FORMAT = 256, OPT_TYPE, OPT_FAIL_ON, OPT_SHOW_SECRETS, OPT_NO_COLOR, OPT_HELP };

static const struct option long_opts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"type", required_argument, NULL, OPT_TYPE},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"show-secrets", no_argument, NULL, OPT_SHOW_SECRETS},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* stdin into memory (at most LS_AUDIT_MAX_FILE bytes) and into a memfd for the secret scan. */
static int read_stdin(char **buf, size_t *len, int *memfd)
{
    size_t cap = 65536, n = 0;
    char *p = malloc(cap + 1);
    if (!p)
        return -1;
    for (;;) {
        if (n == cap) {
            if (cap > LS_AUDIT_MAX_FILE) {
                free(p);
                errno = EFBIG;
                return -1;
            }
            char *q = realloc(p, cap * 2 + 1);
            if (!q) {
                free(p);
                return -1;
            }
            p = q;
            cap *= 2;
        }
        ssize_t k = read(STDIN_FILENO, p + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(p);
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    p[n] = '\0';
    int fd = memfd_create("leakscan-audit-stdin", MFD_CLOEXEC);
    if (fd >= 0 && (write(fd, p, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)) {
        close(fd);
        fd = -1;
    }
    *buf = p;
    *len = n;
    *memfd = fd;
    return 0;
}

/* The secrets of every audited file, through the detector (redacted, first occurrence's place). */
static int scan_secrets(const struct ls_detector *d, struct ls_detect_scratch *s, const struct ls_audit *a,
                        int stdin_fd, bool show, struct ls_audit_out *w, struct ls_audit_totals *t)
{
    struct ls_filescan_opts fo = {.keep_raw = show, .skip_binary = true};
    for (size_t i = 0; i < a->nfiles; i++) {
        bool in = strcmp(a->files[i], "-") == 0;
        char why[160];
        int fd = in ? stdin_fd : ls_safe_open_read(a->files[i], why, sizeof why);
        if (fd < 0)
            continue;
        struct ls_file_result r;
        int rc = ls_filescan_fd(d, s, fd, a->files[i], &fo, &r);
        if (!in)
            close(fd);
        if (rc != 0)
            return -1;
        for (size_t k = 0; k < r.nsecrets; k++) {
            t->secrets++;
            if (t->worst < LS_SEV_HIGH)
                t->worst = LS_SEV_HIGH;
            if (ls_audit_out_secret(w, &r.secrets[k]) != 0) {
                ls_file_result_free(&r);
                return -1;
            }
        }
        ls_file_result_free(&r);
    }
    return 0;
}

int ls_cmd_audit(int argc, char **argv)
{
    const char *output = NULL;
    int format = -1, type = LS_AUDIT_AUTO, fail_on = LS_SEV_HIGH;
    bool show = false, no_color = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", long_opts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case OPT_FORMAT:
            if ((format = ls_format_parse(optarg)) < 0)
                return ls_usage_error(
                    "bad value '%s' for --format: expected text, jsonl, json, sarif, markdown or html", optarg);
            break;
        case OPT_TYPE:
            if ((type = ls_audit_type_parse(optarg)) < 0)
                return ls_usage_error("bad value '%s' for --type: expected auto, clickhouse, redis, postgres, mysql "
                                      "or compose",
                                      optarg);
            break;
        case OPT_FAIL_ON:
            if ((fail_on = ls_severity_parse(optarg)) < 0)
                return ls_usage_error("bad value '%s' for --fail-on: expected critical, high, medium, low or info",
                                      optarg);
            break;
        case OPT_SHOW_SECRETS: show = true; break;
        case OPT_NO_COLOR: no_color = true; break;
        case OPT_HELP: ls_usage_audit(); return LS_EXIT_OK;
        case ':': return ls_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return ls_usage_error("unknown option '%s' (try 'leakscan help audit')", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return ls_usage_error("audit needs a PATH (a file, a directory, or '-' for stdin with --type)");
    bool use_stdin = false;
    for (int i = optind; i < argc; i++)
        if (strcmp(argv[i], "-") == 0)
            use_stdin = true;
    if (use_stdin && argc - optind > 1)
        return ls_usage_error("'-' (stdin) cannot be mixed with other paths");

    char err[512];
    struct ls_detector *d = ls_detector_new_for(1u << LS_CAT_SECRET, err, sizeof err);
    struct ls_detect_scratch *s = d ? ls_detect_scratch_new(d) : NULL;
    if (!s) {
        ls_cli_error("%s", d ? "out of memory" : err);
        ls_detector_free(d);
        return LS_EXIT_RUNTIME;
    }
    int rc = LS_EXIT_RUNTIME, memfd = -1;
    uint64_t t0 = now_ms();
    struct ls_audit a;
    ls_audit_init(&a, d, s);
    struct ls_audit_totals t = {0};
    struct ls_safe_file sf = {0};
    FILE *out = stdout;
    char *inbuf = NULL;
    size_t inlen = 0;
    if (use_stdin) {
        if (read_stdin(&inbuf, &inlen, &memfd) != 0) {
            ls_cli_error("cannot read stdin: %s", strerror(errno));
            goto done;
        }
        if (ls_audit_buffer(&a, "-", inbuf, inlen, (enum ls_audit_type)type) != 0) {
            ls_cli_error("out of memory");
            goto done;
        }
    } else if (ls_audit_paths(&a, argv + optind, (size_t)(argc - optind), (enum ls_audit_type)type) != 0) {
        ls_cli_error("out of memory");
        goto done;
    }
    ls_audit_sort(&a);
    int orc = ls_cli_open_output(output, &sf, &out);
    if (orc != LS_EXIT_OK) {
        rc = orc;
        goto done;
    }
    if (format < 0)
        format = isatty(fileno(out)) ? LS_FORMAT_TEXT : LS_FORMAT_JSONL;
    bool color = ls_cli_color(format == LS_FORMAT_TEXT, no_color, out);
    struct ls_audit_out *w = ls_audit_out_new((enum ls_format)format, out, show, color);
    if (!w) {
        ls_cli_error("cannot create the report writer");
        goto done;
    }
    bool wfail = false;
    for (size_t i = 0; i < a.n && !wfail; i++)
        wfail = ls_audit_out_finding(w, &a.v[i]) != 0;
    t.findings = a.n;
    t.worst = ls_audit_worst(&a);
    int src = wfail ? 0 : scan_secrets(d, s, &a, memfd, show, w, &t);
    for (size_t i = 0; i < a.nnotes; i++)
        ls_cli_error("%s", a.notes[i]);
    t.files = a.nfiles;
    t.configs = a.audited;
    t.skipped = a.nnotes;
    t.errors = a.errors;
    t.duration_ms = now_ms() - t0;
    int wrc = ls_audit_out_close(w, &t, a.notes, a.nnotes);
    if (wfail || wrc != 0 || src != 0) {
        ls_cli_error("writing the report failed");
        ls_cli_end_if_reader_gone(out);
    } else if (a.nfiles == 0 && a.errors > 0) {
        ls_cli_error("no input could be read");
    } else {
        rc = (t.findings || t.secrets) && (int)t.worst >= fail_on ? LS_EXIT_FOUND : LS_EXIT_OK;
    }
done:
    if (out != stdout) {
        if (rc != LS_EXIT_OK && rc != LS_EXIT_FOUND)
            ls_safe_file_abort(&sf);
        else if (ls_safe_file_commit(&sf, err, sizeof err) != 0) {
            ls_cli_error("%s", err);
            rc = LS_EXIT_RUNTIME;
        }
    }
    if (memfd >= 0)
        close(memfd);
    free(inbuf);
    ls_audit_free(&a);
    ls_detect_scratch_free(s);
    ls_detector_free(d);
    return rc;
}
