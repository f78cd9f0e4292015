/* `leakscan scan`: option parsing, output choice, and the run. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/resume.h"
#include "core/scan.h"
#include "core/scope.h"
#include "core/scope_default.h"
#include "core/targets.h"
#include "detect/detect.h"
#include "engines/engine.h"
#include "net/conn.h"
#include "report/report.h"
#include "store/store.h"
#include "util/safe_file.h"
#include "util/strbuf.h"

void ls_usage_scan(void)
{
    printf("usage: leakscan scan [options] TARGET...\n"
           "\n"
           "TARGET: 127.77.3.14, 127.77.0.0/16, ::1, db.example.internal, host:port, [v6]:port,\n"
           "        10.0.0.1-10.0.0.99, ::1-::ff, @file (one target per line, # comments), - (stdin)\n"
           "\n"
           "  -p, --ports LIST        ports: 8123,9000-9010 or 'db' (default: built-in database ports)\n"
           "      --format FMT        text (default on a terminal), jsonl (default otherwise), json,\n"
           "                          html (one self-contained page), sarif (SARIF 2.1.0), markdown\n"
           "  -o, --output FILE       write the report to FILE (0600; written whole, then renamed)\n"
           "      --concurrency N     simultaneous connections (default: from the open-file limit)\n"
           "      --timeout MS        connect and read timeout (default 3000)\n"
           "      --retries N         extra connect attempts after a timeout (default 1)\n"
           "      --rate N            new connections per second (default: unlimited)\n"
           "      --max-per-host N    probes in flight per address (default: unlimited)\n"
           "      --engines LIST      only these engines (comma-separated, see 'leakscan engines');\n"
           "                          without -p, their default ports are scanned\n"
           "      --honeypot-engines N  flag a host open on the default ports of N or more\n"
           "                          database engines as a likely honeypot/tarpit (default 8; 0 = off)\n"
           "      --scope CIDR|@file  refuse (exit 2) any target outside; repeatable; replaces the\n"
           "                          default scope (LEAKSCAN_SCOPE=CIDR,..., else the file\n"
           "                          $XDG_CONFIG_HOME/leakscan/scope); --scope any: no scope\n"
           "      --exclude CIDR|@file  never probe these addresses; repeatable\n"
           "      --seed N            probe order key (default: random; kept in resume files)\n"
           "      --shard I/N         scan only part I of N (1-based) of the probe order\n"
           "      --resume FILE       continue the scan saved in FILE (same arguments)\n"
           "      --resume-out FILE   where SIGINT/SIGTERM save the position (default leakscan.resume)\n"
           "      --connect           TCP connect probes even when SYN mode is available\n"
           "                          (SYN mode: root/CAP_NET_RAW and IPv4 targets; also LEAKSCAN_MODE=connect)\n"
           "      --service-timeout MS  whole assessment of one service (default 60000)\n"
           "      --sample N          rows sampled per table (default 1000, 0 = none)\n"
           "      --deep              stream whole tables through the detectors (no row limit); each\n"
           "                          table's stream is capped by --max-bytes (default then 4 GiB) and\n"
           "                          the service by --service-timeout (default then 600000)\n"
           "      --max-bytes N       cap on any one response body (default 67108864)\n"
           "      --default-credentials  on a service that demands a password, try a short documented\n"
           "                          list of default logins (at most 3 per service; the user name is\n"
           "                          reported, never the password)\n"
           "      --discover-only     only list open ports ({\"type\":\"open\",…}), no engine work\n"
           "      --show-secrets      print secret values in full (default: redacted + SHA-256)\n"
           "      --fail-on SEV       exit 1 if a finding is at or above SEV (default high)\n"
           "  -q, --quiet             text: one line per service plus the summary\n"
           "      --no-color          no ANSI colours (also NO_COLOR)\n"
           "      --db WHERE          store the scan in this history: SQLite file or postgres:// URI\n"
           "                          (default: $XDG_DATA_HOME/leakscan/history.db)\n"
           "      --no-history        do not store the scan\n"
           "\n"
           "Exit: 0 nothing at/above --fail-on, 1 found, 2 bad usage or input, 3 runtime failure.\n");
}

#define MAX_SUSPECTS 1000 /* likely honeypots kept for a document report; the rest are counted */

struct scan_out {
    struct ls_report *report;
    struct ls_store *store; /* NULL with --no-history or --discover-only */
    int64_t scan_id;
    bool store_failed; /* reported once; the scan goes on, the exit code becomes 3 */
    FILE *out;
    enum ls_format format;
    bool discover_only;
    int max_severity;
    struct ls_suspect_host *suspects; /* for the document formats, handed over with the summary */
    size_t nsuspects, capsuspects;
    uint64_t suspects_omitted;
};

static void stop_if_reader_gone(const struct scan_out *o)
{
    if (ferror(o->out))
        ls_cli_end_if_reader_gone(o->out);
}

static void on_service(void *ud, const struct ls_service *svc)
{
    struct scan_out *o = ud;
    if ((int)svc->severity > o->max_severity)
        o->max_severity = (int)svc->severity;
    if (ls_report_service(o->report, svc) != 0)
        stop_if_reader_gone(o);
    char err[512];
    if (o->store && !o->store_failed && ls_store_add_service(o->store, o->scan_id, svc, err, sizeof err)) {
        ls_cli_error("storing the scan in the history failed: %s", err);
        o->store_failed = true;
    }
}

/* The targets as the user gave them, space-separated, for the history. */
static char *join_args(int argc, char **argv, int from)
{
    size_t n = 1;
    for (int i = from; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = calloc(1, n);
    for (int i = from; s && i < argc; i++) {
        if (i > from)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static void on_open(void *ud, const char *ip, uint16_t port)
{
    struct scan_out *o = ud;
    if (o->format == LS_FORMAT_TEXT)
        fprintf(o->out, "open %s%s%s:%u\n", strchr(ip, ':') ? "[" : "", ip, strchr(ip, ':') ? "]" : "", port);
    else
        fprintf(o->out, "{\"type\":\"open\",\"ip\":\"%s\",\"port\":%u}\n", ip, port);
    fflush(o->out);
    stop_if_reader_gone(o);
}

/* Keeps a suspect host for the document report (json, html, sarif, markdown): at most MAX_SUSPECTS,
 * the rest (and any that memory cannot hold) counted. */
static void keep_suspect(struct scan_out *o, const struct ls_honeypot_host *h)
{
    if (o->nsuspects == o->capsuspects) {
        size_t cap = o->capsuspects ? o->capsuspects * 2 : 16;
        cap = cap < MAX_SUSPECTS ? cap : MAX_SUSPECTS;
        struct ls_suspect_host *nv = cap > o->capsuspects ? realloc(o->suspects, cap * sizeof *nv) : NULL;
        if (!nv) {
            o->suspects_omitted++;
            return;
        }
        o->suspects = nv;
        o->capsuspects = cap;
    }
    struct ls_suspect_host *s = &o->suspects[o->nsuspects++];
    memset(s, 0, sizeof *s);
    snprintf(s->ip, sizeof s->ip, "%s", h->ip);
    s->open_db_ports = h->open_db_ports;
    for (unsigned i = 0; i < h->nengines && i < LS_SUSPECT_MAX_ENGINES; i++)
        s->engines[s->nengines++] = h->engines[i];
}

/* A host open on the ports of many engines: a record in the output stream where records are lines
 * (text, JSON Lines, and every discover-only run), else a warning on stderr and, kept in `o`, a part
 * of the document report's summary. */
static void on_suspect(void *ud, const struct ls_honeypot_host *h)
{
    struct scan_out *o = ud;
    char list[1024]; /* engine ids are short static names: 32 of them fit */
    struct ls_strbuf b;
    ls_sb_init(&b, list, sizeof list);
    for (unsigned i = 0; i < h->nengines; i++)
        ls_sb_printf(
            &b, o->format == LS_FORMAT_JSONL || (o->discover_only && o->format != LS_FORMAT_TEXT) ? "%s\"%s\"" : "%s%s",
            i ? "," : "", h->engines[i]);
    if (o->format == LS_FORMAT_TEXT)
        fprintf(o->out, "likely honeypot/tarpit %s: open on the default ports of %u database engines at once (%s)\n",
                h->ip, h->nengines, list);
    else if (o->format == LS_FORMAT_JSONL || o->discover_only)
        fprintf(
            o->out,
            "{\"type\":\"honeypot\",\"ip\":\"%s\",\"engines\":[%s],\"open_db_ports\":%u,"
            "\"reason\":\"open on the default ports of %u database engines at once: likely a honeypot or tarpit\"}\n",
            h->ip, list, h->open_db_ports, h->nengines);
    else {
        ls_cli_error("%s is likely a honeypot/tarpit: open on the default ports of %u database engines (%s)", h->ip,
                     h->nengines, list);
        keep_suspect(o, h);
    }
    fflush(o->out);
    stop_if_reader_gone(o);
}

/* Strict unsigned parse: digits only, within [min, max]. */
/* --engines a,b,c: registry names (engines/engine.h); sel gets the registry's own strings,
 * NULL-terminated. 0, or -1 after a usage error naming the bad name. */
static int parse_engines(const char *list, const char **sel, size_t cap)
{
    size_t n = 0;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        const struct ls_engine_desc *d = NULL;
        for (size_t i = 0; ls_engine_descs[i]; i++)
            if (strlen(ls_engine_descs[i]->name) == len && strncmp(ls_engine_descs[i]->name, p, len) == 0)
                d = ls_engine_descs[i];
        if (!d) {
            ls_usage_error("bad value for --engines: unknown engine '%.*s' (see 'leakscan engines')",
                           (int)(len > 64 ? 64 : len), p);
            return -1;
        }
        bool dup = false;
        for (size_t i = 0; i < n; i++)
            dup |= sel[i] == d->name;
        if (!dup && n + 1 < cap)
            sel[n++] = d->name;
        if (!p[len])
            break;
        p += len + 1;
    }
    sel[n] = NULL;
    return 0;
}

static int parse_num(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
        return ls_usage_error("bad value '%s' for %s: expected a number", s, opt);
    uint64_t v = strtoull(s, NULL, 10);
    if (v < min || v > max)
        return ls_usage_error("bad value '%s' for %s: must be %" PRIu64 "-%" PRIu64, s, opt, min, max);
    *out = v;
    return 0;
}

/* "I/N", 1 <= I <= N <= 1000000; stores I-1 and N. */
static int parse_shard(const char *s, uint64_t *idx, uint64_t *n)
{
    unsigned long long a, b;
    char tail;
    if (sscanf(s, "%llu/%llu%c", &a, &b, &tail) != 2 || strspn(s, "0123456789/") != strlen(s) || a < 1 || b < 1 ||
        a > b || b > 1000000)
        return ls_usage_error("bad value '%s' for --shard: expected I/N with 1 <= I <= N", s);
    *idx = a - 1;
    *n = b;
    return 0;
}

/* Seed, shard and start position: from --resume FILE (which must match the arguments), else
 * --seed or a random seed. Returns 0, or LS_EXIT_USAGE after printing why. */
static int prepare_order(struct ls_scan_config *cfg, const struct ls_target_list *tl, const struct ls_port_list *pl,
                         const char *resume_in, bool have_seed, bool have_shard)
{
    char err[512];
    if (resume_in) {
        struct ls_resume_state st;
        if (ls_resume_read(resume_in, &st, err, sizeof err) != 0)
            return ls_usage_error("%s", err);
        if ((have_seed && st.seed != cfg->seed) ||
            (have_shard && (st.shard_idx != cfg->shard_idx || st.shard_n != cfg->shard_n)))
            return ls_usage_error("--seed/--shard differ from resume file '%s'", resume_in);
        cfg->seed = st.seed;
        cfg->shard_idx = st.shard_idx;
        cfg->shard_n = st.shard_n;
        cfg->resume.pos = st.pos;
        cfg->resume.hash = st.hash;
    } else if (!have_seed && getrandom(&cfg->seed, sizeof cfg->seed, 0) != (ssize_t)sizeof cfg->seed) {
        cfg->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    }
    cfg->args_hash = ls_resume_args_hash(tl, pl, cfg->shard_n);
    return 0;
}

/* After SIGINT/SIGTERM: saves where the scan stopped. Returns the exit code (3). */
static int save_resume(const struct ls_scan_config *cfg, const char *path)
{
    char err[512];
    struct ls_resume_state st = {.seed = cfg->seed,
                                 .shard_idx = cfg->shard_idx,
                                 .shard_n = cfg->shard_n,
                                 .hash = cfg->resume.hash,
                                 .pos = cfg->resume.pos};
    if (ls_resume_write(path, &st, err, sizeof err) != 0) {
        ls_cli_error("interrupted; %s", err);
        return LS_EXIT_RUNTIME;
    }
    ls_cli_error("interrupted; continue with the same arguments plus --resume %s", path);
    return LS_EXIT_RUNTIME;
}

enum {
    OPT_FORMAT = 256,
    OPT_CONCURRENCY,
    OPT_TIMEOUT,
    OPT_RETRIES,
    OPT_SERVICE_TIMEOUT,
    OPT_SAMPLE,
    OPT_MAX_BYTES,
    OPT_DEEP,
    OPT_DISCOVER_ONLY,
    OPT_SHOW_SECRETS,
    OPT_FAIL_ON,
    OPT_NO_COLOR,
    OPT_HELP,
    OPT_DB,
    OPT_NO_HISTORY,
    OPT_RATE,
    OPT_MAX_PER_HOST,
    OPT_SCOPE,
    OPT_EXCLUDE,
    OPT_SEED,
    OPT_SHARD,
    OPT_RESUME,
    OPT_RESUME_OUT,
    OPT_CONNECT,
    OPT_HOSTS_FILE,
    OPT_HONEYPOT,
    OPT_ENGINES,
    OPT_DEFAULT_CREDENTIALS,
};

static const struct option long_opts[] = {
    {"ports", required_argument, NULL, 'p'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"service-timeout", required_argument, NULL, OPT_SERVICE_TIMEOUT},
    {"sample", required_argument, NULL, OPT_SAMPLE},
    {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
    {"deep", no_argument, NULL, OPT_DEEP},
    {"default-credentials", no_argument, NULL, OPT_DEFAULT_CREDENTIALS},
    {"discover-only", no_argument, NULL, OPT_DISCOVER_ONLY},
    {"show-secrets", no_argument, NULL, OPT_SHOW_SECRETS},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"quiet", no_argument, NULL, 'q'},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"help", no_argument, NULL, OPT_HELP},
    {"rate", required_argument, NULL, OPT_RATE},
    {"max-per-host", required_argument, NULL, OPT_MAX_PER_HOST},
    {"scope", required_argument, NULL, OPT_SCOPE},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"seed", required_argument, NULL, OPT_SEED},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"resume-out", required_argument, NULL, OPT_RESUME_OUT},
    {"connect", no_argument, NULL, OPT_CONNECT},
    {"honeypot-engines", required_argument, NULL, OPT_HONEYPOT},
    {"engines", required_argument, NULL, OPT_ENGINES},
    {"hosts-file", required_argument, NULL, OPT_HOSTS_FILE}, /* hidden: tests (see README) */
    {"db", required_argument, NULL, OPT_DB},
    {"no-history", no_argument, NULL, OPT_NO_HISTORY},
    {NULL, 0, NULL, 0},
};

int ls_cmd_scan(int argc, char **argv)
{
    static const char *engines_sel[64]; /* --engines, the registry's names; read by every session */
    struct ls_scan_config cfg = {
        .limits = {.connect_timeout_ms = 3000,
                   .io_timeout_ms = 3000,
                   .service_timeout_ms = 60000,
                   .sample_rows = 1000,
                   .max_response_bytes = 64u << 20,
                   .max_tables = 10000},
        .retries = 1,
    };
    const char *ports_spec = NULL, *output = NULL, *db = NULL;
    bool no_history = false;
    int format = -1, fail_on = LS_SEV_HIGH;
    bool quiet = false, no_color = false, max_bytes_set = false, timeout_set = false;
    uint64_t v = 0; /* set by parse_num on success; the zero keeps -O3 -Wmaybe-uninitialized quiet */
    char err[512];
    struct ls_scope scope = {0}, exclude = {0};
    bool have_seed = false, have_shard = false, scope_any = false;
    const char *resume_in = NULL, *resume_out = "leakscan.resume";
    cfg.shard_n = 1;
    cfg.adaptive_timeout = true;
    cfg.honeypot_engines = LS_HONEYPOT_DEFAULT_ENGINES;
    cfg.warn_probes = 100000;
    if (getenv("LEAKSCAN_MODE") && strcmp(getenv("LEAKSCAN_MODE"), "connect") == 0)
        cfg.mode = LS_MODE_CONNECT; /* test suites on the host's loopback: never raw packets there */

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":p:o:q", long_opts, NULL)) != -1) {
        switch (c) {
        case 'p': ports_spec = optarg; break;
        case 'o': output = optarg; break;
        case 'q': quiet = true; break;
        case OPT_FORMAT:
            if ((format = ls_format_parse(optarg)) < 0) {
                ls_usage_error("bad value '%s' for --format: expected text, jsonl, json, html, sarif or markdown",
                               optarg);
                goto usage;
            }
            break;
        case OPT_CONCURRENCY:
            if (parse_num("--concurrency", optarg, 1, 100000, &v))
                goto usage;
            cfg.concurrency = (unsigned)v;
            break;
        case OPT_TIMEOUT:
            if (parse_num("--timeout", optarg, 1, 600000, &v))
                goto usage;
            cfg.limits.connect_timeout_ms = cfg.limits.io_timeout_ms = (unsigned)v;
            break;
        case OPT_RETRIES:
            if (parse_num("--retries", optarg, 0, 10, &v))
                goto usage;
            cfg.retries = (unsigned)v;
            cfg.retries_set = true;
            break;
        case OPT_SERVICE_TIMEOUT:
            if (parse_num("--service-timeout", optarg, 100, 86400000, &v))
                goto usage;
            cfg.limits.service_timeout_ms = (unsigned)v;
            timeout_set = true;
            break;
        case OPT_SAMPLE:
            if (parse_num("--sample", optarg, 0, 100000000, &v))
                goto usage;
            cfg.limits.sample_rows = v;
            break;
        case OPT_MAX_BYTES:
            if (parse_num("--max-bytes", optarg, 1024, (uint64_t)1 << 40, &v))
                goto usage;
            cfg.limits.max_response_bytes = (size_t)v;
            max_bytes_set = true;
            break;
        case OPT_DEEP: cfg.limits.deep = true; break;
        case OPT_DEFAULT_CREDENTIALS: cfg.limits.default_credentials = true; break;
        case OPT_DISCOVER_ONLY: cfg.discover_only = true; break;
        case OPT_SHOW_SECRETS: cfg.limits.show_secrets = true; break;
        case OPT_FAIL_ON:
            if ((fail_on = ls_severity_parse(optarg)) < 0) {
                ls_usage_error("bad value '%s' for --fail-on: expected critical, high, medium, low or info", optarg);
                goto usage;
            }
            break;
        case OPT_NO_COLOR: no_color = true; break;
        case OPT_RATE:
            if (parse_num("--rate", optarg, 1, 100000000, &v))
                goto usage;
            cfg.rate = (double)v;
            break;
        case OPT_MAX_PER_HOST:
            if (parse_num("--max-per-host", optarg, 1, 100000, &v))
                goto usage;
            cfg.max_per_host = (unsigned)v;
            break;
        case OPT_ENGINES:
            if (parse_engines(optarg, engines_sel, sizeof engines_sel / sizeof *engines_sel) != 0)
                goto usage;
            cfg.limits.engines = engines_sel;
            break;
        case OPT_HONEYPOT:
            if (parse_num("--honeypot-engines", optarg, 0, (unsigned long)ls_db_engine_count(), &v))
                goto usage;
            if (v == 1) {
                ls_usage_error("bad value '1' for --honeypot-engines: 0 (off) or 2-%d", ls_db_engine_count());
                goto usage;
            }
            cfg.honeypot_engines = (unsigned)v;
            break;
        case OPT_SCOPE:
            if (strcmp(optarg, LS_SCOPE_ANY) == 0) {
                scope_any = true;
                break;
            }
            /* fall through */
        case OPT_EXCLUDE:
            if (ls_scope_add(c == OPT_SCOPE ? &scope : &exclude, c == OPT_SCOPE ? "--scope" : "--exclude", optarg, err,
                             sizeof err) != 0) {
                ls_usage_error("%s", err);
                goto usage;
            }
            break;
        case OPT_SEED:
            if (parse_num("--seed", optarg, 0, UINT64_MAX, &v))
                goto usage;
            cfg.seed = v;
            have_seed = true;
            break;
        case OPT_SHARD:
            if (parse_shard(optarg, &cfg.shard_idx, &cfg.shard_n) != 0)
                goto usage;
            have_shard = true;
            break;
        case OPT_RESUME: resume_in = optarg; break;
        case OPT_RESUME_OUT: resume_out = optarg; break;
        case OPT_CONNECT: cfg.mode = LS_MODE_CONNECT; break;
        case OPT_HOSTS_FILE: cfg.hosts_file = optarg; break;
        case OPT_DB: db = optarg; break;
        case OPT_NO_HISTORY: no_history = true; break;
        case OPT_HELP:
            ls_usage_scan();
            ls_scope_free(&scope);
            ls_scope_free(&exclude);
            return LS_EXIT_OK;
        case ':': {
            ls_usage_error("option '%s' needs a value", argv[optind - 1]);
            goto usage;
        }
        default: {
            ls_usage_error("unknown option '%s' (try 'leakscan help scan')", argv[optind - 1]);
            goto usage;
        }
        }
    }
    if (optind >= argc) {
        ls_usage_error("no targets given (try 'leakscan help scan')");
        goto usage;
    }
    /* The command line's --scope replaces the default scope (LEAKSCAN_SCOPE, else the user's file). */
    if (scope_any && scope.n > 0) {
        ls_usage_error("--scope any contradicts the other --scope values");
        goto usage;
    }
    if (!scope_any && scope.n == 0 && ls_scope_load_default(&scope, err, sizeof err) != 0) {
        ls_usage_error("%s", err);
        goto usage;
    }
    if (cfg.limits.deep && !max_bytes_set)
        cfg.limits.max_response_bytes = (size_t)4 << 30; /* whole tables: a larger default cap */
    if (cfg.limits.deep && !timeout_set)
        cfg.limits.service_timeout_ms = 600000;

    struct ls_target_list targets = {0};
    struct ls_port_list ports = {0};
    int rc = LS_EXIT_USAGE;
    for (int i = optind; i < argc; i++) {
        if (ls_targets_parse(&targets, argv[i], err, sizeof err) != 0) {
            ls_usage_error("%s", err);
            goto out;
        }
    }
    if (ports_spec           ? ls_ports_parse(&ports, ports_spec, err, sizeof err) != 0
        : cfg.limits.engines ? ls_ports_of_engines(&ports, cfg.limits.engines) != 0
                             : ls_ports_default(&ports) != 0) {
        ls_usage_error("%s", ports_spec ? err : "cannot build the default port list");
        goto out;
    }

    if (prepare_order(&cfg, &targets, &ports, resume_in, have_seed, have_shard) != 0)
        goto out;
    cfg.scope = &scope;
    cfg.exclude = &exclude;
    cfg.progress = !quiet && isatty(STDERR_FILENO);
    cfg.stats = getenv("LEAKSCAN_STATS") && strcmp(getenv("LEAKSCAN_STATS"), "1") == 0;

    if (no_history && db) {
        ls_usage_error("--db and --no-history contradict each other");
        goto out;
    }
    /* The history opens before any packet is sent: a bad --db fails fast. */
    struct ls_store *store = NULL;
    if (!no_history && !cfg.discover_only && (rc = ls_cli_open_store(db, &store)) != LS_EXIT_OK)
        goto out;
    rc = LS_EXIT_USAGE;
    FILE *out = stdout;
    struct ls_safe_file sf = {0};
    int orc = ls_cli_open_output(output, &sf, &out);
    if (orc != LS_EXIT_OK) {
        ls_store_close(store);
        rc = orc;
        goto out;
    }
    if (format < 0)
        format = isatty(fileno(out)) ? LS_FORMAT_TEXT : LS_FORMAT_JSONL;
    struct ls_report_opts ropts = {
        .color = ls_cli_color(format == LS_FORMAT_TEXT, no_color, out),
        .show_secrets = cfg.limits.show_secrets,
        .quiet = quiet,
    };
    struct scan_out so = {.out = out, .format = (enum ls_format)format, .max_severity = -1, .store = store};
    so.report = ls_report_new((enum ls_format)format, out, &ropts);
    struct ls_detector *det = cfg.discover_only ? NULL : ls_detector_new(err, sizeof err);
    if (!so.report || (!cfg.discover_only && !det)) {
        ls_cli_error("%s", so.report ? err : "cannot create the report writer");
        ls_report_close(so.report);
        ls_detector_free(det);
        ls_safe_file_abort(&sf);
        ls_store_close(store);
        rc = LS_EXIT_RUNTIME;
        goto out;
    }
    if (store) {
        char *targets_text = join_args(argc, argv, optind);
        if (ls_store_scan_begin(store, targets_text ? targets_text : "", &so.scan_id, err, sizeof err)) {
            ls_cli_error("storing the scan in the history failed: %s", err);
            so.store_failed = true;
        }
        free(targets_text);
    }
    cfg.targets = &targets;
    cfg.ports = &ports;
    cfg.detector = det;
    cfg.on_service = on_service;
    cfg.on_open = on_open;
    cfg.on_suspect = on_suspect;
    so.discover_only = cfg.discover_only;
    cfg.ud = &so;
    struct ls_scan_summary sum;
    int src = ls_scan_run(&cfg, &sum, err, sizeof err);
    if (src != 0) {
        ls_cli_error("%s", err);
        rc = src;
    } else {
        sum.suspects = so.suspects;
        sum.nsuspects = so.nsuspects;
        sum.suspects_omitted = so.suspects_omitted;
        ls_report_summary(so.report, &sum);
        rc = so.max_severity >= fail_on ? LS_EXIT_FOUND : LS_EXIT_OK;
        if (store && !so.store_failed && ls_store_scan_end(store, so.scan_id, &sum, err, sizeof err)) {
            ls_cli_error("storing the scan in the history failed: %s", err);
            so.store_failed = true;
        }
        if (cfg.resume.interrupted)
            rc = save_resume(&cfg, resume_out);
    }
    if (so.store_failed)
        rc = LS_EXIT_RUNTIME;
    ls_store_close(store);
    bool report_failed = ls_report_close(so.report) != 0;
    if (report_failed) {
        ls_cli_error("writing the report failed");
        rc = LS_EXIT_RUNTIME;
    }
    if (out != stdout) {
        /* Only a complete report replaces the file: a failed scan leaves the old one in place. */
        if (src != 0 || report_failed)
            ls_safe_file_abort(&sf);
        else if (ls_safe_file_commit(&sf, err, sizeof err) != 0) {
            ls_cli_error("%s", err);
            rc = LS_EXIT_RUNTIME;
        }
    }
    free(so.suspects);
    ls_detector_free(det);
    ls_tls_cleanup();
out:
    ls_target_list_free(&targets);
    ls_port_list_free(&ports);
    ls_scope_free(&scope);
    ls_scope_free(&exclude);
    return rc;
usage:
    ls_scope_free(&scope);
    ls_scope_free(&exclude);
    return LS_EXIT_USAGE;
}
