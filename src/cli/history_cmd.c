/* `leakscan history` and `leakscan diff`: reading the scan history, and opening it for `scan`. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/diff.h"
#include "store/store.h"

void ls_usage_history(void)
{
    printf("usage: leakscan history [--db PATH|postgres://…] [--format text|jsonl]\n"
           "\n"
           "Lists the stored scans, oldest first: id, start time, services, exposed, targets.\n"
           "  --db WHERE   SQLite file or postgres:// URI (default: $XDG_DATA_HOME/leakscan/history.db,\n"
           "               else ~/.local/share/leakscan/history.db)\n");
}

void ls_usage_diff(void)
{
    printf("usage: leakscan diff [--db PATH|postgres://…] [--format text|jsonl] [--no-color] [OLD [NEW]]\n"
           "\n"
           "Compares two stored scans (default: the last two; with only OLD, OLD against the last):\n"
           "new and resolved services, and what changed: rows grew, version, auth, severity, secrets\n"
           "new or gone (by fingerprint).\n"
           "Exit: 0 nothing new, 1 something new (made for cron: alert on change), 2 bad usage or\n"
           "input, 3 runtime failure.\n");
}

int ls_cli_open_store(const char *db, struct ls_store **st)
{
    char path[4096], err[1024];
    if (!db && !(db = ls_store_default_path(path, sizeof path, err, sizeof err))) {
        ls_cli_error("%s", err);
        return LS_EXIT_RUNTIME;
    }
    int rc = ls_store_open(db, st, err, sizeof err);
    if (rc != LS_STORE_OK) {
        ls_cli_error("%s", err);
        return rc == LS_STORE_BAD ? LS_EXIT_USAGE : LS_EXIT_RUNTIME;
    }
    return LS_EXIT_OK;
}

enum { OPT_DB = 256, OPT_FORMAT, OPT_NO_COLOR, OPT_HELP };

static const struct option long_opts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

struct hist_opts {
    const char *db;
    enum ls_format format;
    bool no_color;
};

/* Shared option parsing; returns -1 to go on, else an exit code. */
static int parse(int argc, char **argv, struct hist_opts *o, void (*usage)(void))
{
    int c, f;
    optind = 1;
    opterr = 0;
    o->format = isatty(STDOUT_FILENO) ? LS_FORMAT_TEXT : LS_FORMAT_JSONL;
    while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: o->db = optarg; break;
        case OPT_FORMAT:
            f = ls_format_parse(optarg);
            if (f != LS_FORMAT_TEXT && f != LS_FORMAT_JSONL)
                return ls_usage_error("bad value '%s' for --format: expected text or jsonl", optarg);
            o->format = (enum ls_format)f;
            break;
        case OPT_NO_COLOR: o->no_color = true; break;
        case OPT_HELP: usage(); return LS_EXIT_OK;
        case ':': return ls_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return ls_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    return -1;
}

int ls_cmd_history(int argc, char **argv)
{
    struct hist_opts o = {0};
    int rc = parse(argc, argv, &o, ls_usage_history);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return ls_usage_error("unexpected argument '%s'", argv[optind]);
    struct ls_store *st;
    if ((rc = ls_cli_open_store(o.db, &st)) != LS_EXIT_OK)
        return rc;
    struct ls_hist_scan *scans = NULL;
    size_t n = 0;
    char err[1024];
    rc = LS_EXIT_OK;
    if (ls_store_list(st, &scans, &n, err, sizeof err)) {
        ls_cli_error("%s", err);
        rc = LS_EXIT_RUNTIME;
    } else if (ls_report_history(stdout, o.format, scans, n, NULL)) {
        ls_cli_error("writing the history failed");
        rc = LS_EXIT_RUNTIME;
    }
    ls_hist_scans_free(scans, n);
    ls_store_close(st);
    return rc;
}

static int parse_id(const char *s, int64_t *id)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
        return ls_usage_error("bad scan id '%s': expected a number from 'leakscan history'", s);
    *id = strtoll(s, NULL, 10);
    return 0;
}

static int load(struct ls_store *st, int64_t id, struct ls_snapshot *snap)
{
    char err[1024];
    int rc = ls_store_load(st, id, snap, err, sizeof err);
    if (rc == 1)
        return ls_usage_error("no scan #%" PRId64 " in the history (see 'leakscan history')", id);
    if (rc) {
        ls_cli_error("%s", err);
        return LS_EXIT_RUNTIME;
    }
    return 0;
}

int ls_cmd_diff(int argc, char **argv)
{
    struct hist_opts o = {0};
    int rc = parse(argc, argv, &o, ls_usage_diff);
    if (rc >= 0)
        return rc;
    int64_t ids[2] = {0, 0};
    int nids = argc - optind;
    if (nids > 2)
        return ls_usage_error("unexpected argument '%s': diff takes at most OLD and NEW", argv[optind + 2]);
    for (int i = 0; i < nids; i++)
        if (parse_id(argv[optind + i], &ids[i]))
            return LS_EXIT_USAGE;
    struct ls_store *st;
    if ((rc = ls_cli_open_store(o.db, &st)) != LS_EXIT_OK)
        return rc;
    struct ls_snapshot a = {0}, b = {0};
    struct ls_diff d = {0};
    char err[1024];
    if (nids < 2) {
        /* Defaults from the list: the last two scans, or OLD against the last. */
        struct ls_hist_scan *scans = NULL;
        size_t n = 0;
        if (ls_store_list(st, &scans, &n, err, sizeof err)) {
            ls_cli_error("%s", err);
            rc = LS_EXIT_RUNTIME;
            goto out;
        }
        if (n < (size_t)(nids == 0 ? 2 : 1)) {
            rc = ls_usage_error("the history holds %zu scan(s): diff needs two", n);
            ls_hist_scans_free(scans, n);
            goto out;
        }
        ids[1] = scans[n - 1].id;
        if (nids == 0)
            ids[0] = scans[n - 2].id;
        ls_hist_scans_free(scans, n);
    }
    if ((rc = load(st, ids[0], &a)) || (rc = load(st, ids[1], &b)))
        goto out;
    if (ls_diff_compute(&a, &b, &d)) {
        ls_cli_error("out of memory");
        rc = LS_EXIT_RUNTIME;
        goto out;
    }
    struct ls_report_opts ropts = {.color = o.format == LS_FORMAT_TEXT && !o.no_color && !getenv("NO_COLOR") &&
                                            isatty(STDOUT_FILENO)};
    if (ls_report_diff(stdout, o.format, &d, &ropts)) {
        ls_cli_error("writing the diff failed");
        rc = LS_EXIT_RUNTIME;
    } else
        rc = ls_diff_has_news(&d) ? LS_EXIT_FOUND : LS_EXIT_OK;
out:
    ls_diff_free(&d);
    ls_snapshot_free(&a);
    ls_snapshot_free(&b);
    ls_store_close(st);
    return rc;
}
