/* `leakscan secrets`: scan files, directories and stdin for secrets and personal data, or with
 * --redact copy the input to stdout with every secret replaced by a marker. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "detect/detect.h"
#include "detect/filescan.h"
#include "detect/stream.h"
#include "report/secrets_out.h"
#include "util/safe_file.h"

void ls_usage_secrets(void)
{
    printf("usage: leakscan secrets [options] [PATH...|-]\n"
           "\n"
           "Scans files, directories (recursively; binary files are skipped) and stdin ('-', the default\n"
           "when no PATH is given) for secrets and personal data. One record per distinct value per file.\n"
           "\n"
           "      --format FMT        text (default on a terminal), jsonl (default otherwise), sarif\n"
           "  -o, --output FILE       write the report to FILE (0600, replaced when complete; a symlink,\n"
           "                          FIFO or device is refused; '-' is stdout)\n"
           "      --show-secrets      print secret values in full (default: redacted + SHA-256)\n"
           "      --redact            filter: copy the input to stdout, every secret replaced by\n"
           "                          [REDACTED:<rule>]; all other bytes unchanged\n"
           "  -j, --threads N         files scanned in parallel (default: online CPUs)\n"
           "      --no-color          no ANSI colours (also NO_COLOR)\n"
           "\n"
           "Exit: 0 nothing found, 1 found, 2 bad usage, 3 runtime failure (or no input readable at all).\n"
           "An unreadable input is reported on stderr and the others are still scanned; --redact exits 0\n"
           "when every input was copied.");
}

enum { OPT_FORMAT = 256, OPT_SHOW_SECRETS, OPT_REDACT, OPT_NO_COLOR, OPT_HELP };

static const struct option long_opts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"show-secrets", no_argument, NULL, OPT_SHOW_SECRETS},
    {"redact", no_argument, NULL, OPT_REDACT},
    {"threads", required_argument, NULL, 'j'},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

struct emit_ctx {
    struct ls_secrets_out *w;
    struct ls_secrets_totals t;
    uint64_t readable;
    bool write_failed;
};

static int on_result(void *ud, const struct ls_file_result *r)
{
    struct emit_ctx *c = ud;
    if (r->error) {
        ls_cli_error("%s (skipped)", r->error);
        c->t.errors++;
        return 0;
    }
    c->readable++;
    if (r->binary) {
        c->t.binary_skipped++;
        return 0;
    }
    c->t.files++;
    c->t.bytes += r->bytes;
    for (size_t i = 0; i < r->nsecrets; i++) {
        c->t.secrets++;
        if (ls_secrets_out_add(c->w, &r->secrets[i]) != 0) {
            c->write_failed = true;
            return 1;
        }
    }
    if (r->nsecrets && ls_secrets_out_flush(c->w) != 0) {
        c->write_failed = true;
        return 1;
    }
    return 0;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int run_redact(const struct ls_detector *d, char *const *paths, int n)
{
    struct ls_detect_scratch *s = ls_detect_scratch_new(d);
    if (!s) {
        ls_cli_error("out of memory");
        return LS_EXIT_RUNTIME;
    }
    static char *const stdin_only[] = {"-"};
    if (n == 0) {
        paths = stdin_only;
        n = 1;
    }
    int rc = LS_EXIT_OK;
    for (int i = 0; i < n && rc != LS_EXIT_RUNTIME; i++) {
        bool in = strcmp(paths[i], "-") == 0;
        char why[160];
        int fd = in ? STDIN_FILENO : ls_safe_open_read(paths[i], why, sizeof why); /* never a FIFO */
        if (fd < 0) {
            ls_cli_error("cannot open '%s': %s (skipped)", paths[i], why);
            rc = LS_EXIT_RUNTIME;
            continue;
        }
        int e = 0;
        int src = ls_redact_fd(d, s, fd, stdout, 0, NULL, &e);
        if (src == LS_STREAM_READ_ERROR) {
            ls_cli_error("cannot read '%s': %s", paths[i], strerror(e));
            rc = LS_EXIT_RUNTIME;
        } else if (src < 0) {
            ls_cli_error("writing the redacted output failed");
            rc = LS_EXIT_RUNTIME;
        }
        if (!in)
            close(fd);
    }
    ls_detect_scratch_free(s);
    return rc;
}

int ls_cmd_secrets(int argc, char **argv)
{
    const char *output = NULL;
    int format = -1;
    bool show = false, redact = false, no_color = false;
    unsigned threads = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:j:", long_opts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'j': {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (!*optarg || *end || errno || v < 1 || v > 256 || optarg[0] == '-')
                return ls_usage_error("bad value '%s' for --threads: must be 1-256", optarg);
            threads = (unsigned)v;
            break;
        }
        case OPT_FORMAT:
            if ((format = ls_secrets_format_parse(optarg)) < 0)
                return ls_usage_error("bad value '%s' for --format: expected text, jsonl or sarif", optarg);
            break;
        case OPT_SHOW_SECRETS: show = true; break;
        case OPT_REDACT: redact = true; break;
        case OPT_NO_COLOR: no_color = true; break;
        case OPT_HELP: ls_usage_secrets(); return LS_EXIT_OK;
        case ':': return ls_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return ls_usage_error("unknown option '%s' (try 'leakscan help secrets')", argv[optind - 1]);
        }
    }
    if (redact && (output || format >= 0 || show))
        return ls_usage_error("--redact writes the filtered input to stdout; it takes no --format, -o or "
                              "--show-secrets");
    char err[512];
    /* chat markers are neither reported nor redacted here: leave them out of the matcher */
    struct ls_detector *d = ls_detector_new_for((1u << LS_CAT_SECRET) | (1u << LS_CAT_PII), err, sizeof err);
    if (!d) {
        ls_cli_error("%s", err);
        return LS_EXIT_RUNTIME;
    }
    if (redact) {
        int rc = run_redact(d, argv + optind, argc - optind);
        ls_detector_free(d);
        return rc;
    }

    int rc = LS_EXIT_RUNTIME;
    struct ls_path_list paths = {0};
    static char *const stdin_only[] = {"-"};
    FILE *out = stdout;
    struct ls_safe_file sf = {0};
    struct emit_ctx ec = {0};
    uint64_t t0 = now_ms();
    if (ls_paths_expand(&paths, optind < argc ? argv + optind : stdin_only,
                        optind < argc ? (size_t)(argc - optind) : 1) != 0) {
        ls_cli_error("out of memory");
        goto done;
    }
    int orc = ls_cli_open_output(output, &sf, &out); /* the same safe report file as scan */
    if (orc != LS_EXIT_OK) {
        rc = orc;
        goto done;
    }
    if (format < 0)
        format = isatty(fileno(out)) ? LS_SFORMAT_TEXT : LS_SFORMAT_JSONL;
    bool color = ls_cli_color(format == LS_SFORMAT_TEXT, no_color, out);
    ec.w = ls_secrets_out_new((enum ls_secrets_format)format, out, show, color);
    if (!ec.w) {
        ls_cli_error("cannot create the report writer");
        goto done;
    }
    struct ls_filescan_opts fo = {.keep_raw = show, .skip_binary = true};
    int frc = ls_filescan_paths(d, &paths, threads, &fo, on_result, &ec);
    ec.t.duration_ms = now_ms() - t0;
    int wrc = ls_secrets_out_close(ec.w, &ec.t);
    if (frc != 0)
        ls_cli_error("out of memory or cannot start threads");
    else if (wrc != 0 || ec.write_failed)
        ls_cli_error("writing the report failed");
    else if (ec.readable == 0 && paths.n > 0)
        ls_cli_error("no input could be read");
    else
        rc = ec.t.secrets ? LS_EXIT_FOUND : LS_EXIT_OK;
done:
    if (out != stdout) {
        /* a complete report replaces the file; after a failure (exit 2 or 3) the old one stays */
        if (rc != LS_EXIT_OK && rc != LS_EXIT_FOUND)
            ls_safe_file_abort(&sf);
        else if (ls_safe_file_commit(&sf, err, sizeof err) != 0) {
            ls_cli_error("%s", err);
            rc = LS_EXIT_RUNTIME;
        }
    }
    ls_path_list_free(&paths);
    ls_detector_free(d);
    return rc;
}
