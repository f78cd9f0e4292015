/* The command-line front end: one handler per subcommand, dispatched from main.c. Handlers return
 * the process exit code (0 nothing at/above --fail-on, 1 found, 2 bad usage or input, 3 runtime). */
#ifndef LS_CLI_CLI_H
#define LS_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

enum { LS_EXIT_OK = 0, LS_EXIT_FOUND = 1, LS_EXIT_USAGE = 2, LS_EXIT_RUNTIME = 3 };

int ls_cmd_scan(int argc, char **argv);
int ls_cmd_rules(int argc, char **argv);
int ls_cmd_engines(int argc, char **argv);
void ls_usage_engines(void);
int ls_cmd_secrets(int argc, char **argv);
void ls_usage_secrets(void);
int ls_cmd_audit(int argc, char **argv);
void ls_usage_audit(void);
void ls_usage_scan(void);
int ls_cmd_history(int argc, char **argv);
int ls_cmd_diff(int argc, char **argv);
void ls_usage_history(void);
void ls_usage_diff(void);

/* Opens the scan history at db (NULL: the default path), printing a one-line reason on failure.
 * Returns LS_EXIT_OK with *st set, LS_EXIT_USAGE for a corrupt/foreign/newer history file,
 * LS_EXIT_RUNTIME otherwise. */
struct ls_store;
int ls_cli_open_store(const char *db, struct ls_store **st);

/* The report file of -o FILE: "-" or NULL is stdout; else a new 0600 file that is never reached
 * through a link and never a FIFO or device (util/safe_file.h), *out its stream. Prints the reason
 * and returns LS_EXIT_USAGE (refused) or LS_EXIT_RUNTIME on failure, else LS_EXIT_OK. */
struct ls_safe_file;
int ls_cli_open_output(const char *output, struct ls_safe_file *sf, FILE **out);
/* Whether a text report to out gets ANSI colours: a terminal, and neither --no-color nor NO_COLOR. */
bool ls_cli_color(bool text, bool no_color, FILE *out);

/* Prints "leakscan: <message>" on stderr (one line). The formatted message is escaped as a whole
 * (ls_text_clean: C0/DEL/C1 controls and bidi overrides become visible escapes), so file names,
 * paths and server text in it never reach the terminal raw. Every CLI error line goes through it. */
void ls_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, and returns LS_EXIT_USAGE. */
int ls_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* After a failed write to out: if its reader went away (a closed pipe, `| head`; a socket whose
 * peer left), ends the process by SIGPIPE, as a pipeline's writer ends (main ignores SIGPIPE so
 * that dead scanned hosts cannot end a scan). Returns otherwise (e.g. a full disk). */
void ls_cli_end_if_reader_gone(FILE *out);

#endif
