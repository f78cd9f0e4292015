/* leakscan's entry point: dispatches to the subcommand handlers. */
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engines/engine.h"
#include "util/fmt.h"
#include "util/safe_file.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*usage)(void);
    const char *summary;
};

static void usage_rules(void)
{
    printf("usage: leakscan rules\n\nLists the detection rules: id, category and description.\n");
}

static const struct command commands[] = {
    {"scan", ls_cmd_scan, ls_usage_scan, "discover, fingerprint, assess and report exposed databases"},
    {"secrets", ls_cmd_secrets, ls_usage_secrets, "find secrets and personal data in files or stdin; --redact filter"},
    {"audit", ls_cmd_audit, ls_usage_audit, "audit database and container configuration files before they ship"},
    {"engines", ls_cmd_engines, ls_usage_engines, "the engines, their ports and what is checked on each"},
    {"rules", ls_cmd_rules, usage_rules, "list detection rules"},
    {"history", ls_cmd_history, ls_usage_history, "list the scans stored in the history"},
    {"diff", ls_cmd_diff, ls_usage_diff, "what changed between two stored scans (exit 1 if anything new)"},
};

/* One stderr line "leakscan: <message>", the whole message made terminal-safe: file names, paths,
 * arguments and server text in it cannot carry escape sequences or bidi overrides to the terminal. */
static void vprint_error(const char *fmt, va_list ap)
{
    char *msg = NULL;
    int n = vasprintf(&msg, fmt, ap);
    char *clean = n >= 0 ? ls_text_clean(msg, (size_t)n, 0) : NULL;
    fprintf(stderr, "leakscan: %s\n", clean ? clean : "out of memory (while reporting an error)");
    free(clean);
    free(n >= 0 ? msg : NULL);
}

int ls_cli_open_output(const char *output, struct ls_safe_file *sf, FILE **out)
{
    *out = stdout;
    if (!output || strcmp(output, "-") == 0)
        return LS_EXIT_OK;
    char err[512];
    int orc = ls_safe_file_open(sf, output, err, sizeof err);
    if (orc != 0) {
        ls_cli_error("%s", err);
        return orc == LS_SAFE_FILE_REFUSED ? LS_EXIT_USAGE : LS_EXIT_RUNTIME;
    }
    *out = sf->f;
    return LS_EXIT_OK;
}

bool ls_cli_color(bool text, bool no_color, FILE *out)
{
    return text && !no_color && !getenv("NO_COLOR") && isatty(fileno(out));
}

void ls_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
}

int ls_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
    return LS_EXIT_USAGE;
}

void ls_cli_end_if_reader_gone(FILE *out)
{
    /* a pipe whose reader closed reports POLLERR, a socket whose peer left POLLHUP (a tty hung up:
     * either); a full disk or a regular file neither */
    struct pollfd p = {fileno(out), 0, 0};
    if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP))) {
        signal(SIGPIPE, SIG_DFL);
        raise(SIGPIPE);
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: leakscan COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n  leakscan help COMMAND   options of a command\n  leakscan --version\n");
}

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LS_EXIT_USAGE;
    }
    ls_model_set_engine_display(ls_engine_display); /* the writers' engine names, from the registry */
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("leakscan %s\n", LS_VERSION);
        return LS_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return LS_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return LS_EXIT_OK;
        }
        const struct command *c = find(argv[2]);
        if (!c)
            return ls_usage_error("unknown command '%s'", argv[2]);
        c->usage();
        return LS_EXIT_OK;
    }
    const struct command *c = find(cmd);
    if (!c)
        return ls_usage_error("unknown command '%s' (try 'leakscan --help')", cmd);
    /* A scanned host that accepts and closes at once (a tarpit does) makes the next write to its
     * socket (OpenSSL's, among others) raise SIGPIPE, whose default action would end the whole
     * scan. Ignored, the write fails with EPIPE like any other dead connection. Output whose
     * reader went away ends the command by SIGPIPE after all (ls_cli_end_if_reader_gone), as a
     * pipeline's writer ends, where a command notices it: scan's streamed records and, below,
     * whatever was still buffered at the end. */
    signal(SIGPIPE, SIG_IGN);
    int rc = c->run(argc - 1, argv + 1);
    if (fflush(stdout) == EOF || ferror(stdout)) {
        if (rc == LS_EXIT_OK || rc == LS_EXIT_FOUND) {
            ls_cli_end_if_reader_gone(stdout);
            ls_cli_error("writing to stdout failed");
            rc = LS_EXIT_RUNTIME;
        }
    }
    return rc;
}
