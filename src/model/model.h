/* The finding model: what a scan learned about one service, filled by the engines and read by
 * every report writer (text, jsonl, …). Writers never re-derive facts; engines never format.
 * Ownership: every pointer in a record is owned by that record and freed by ls_service_free(). */
#ifndef LS_MODEL_MODEL_H
#define LS_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/access.h"

enum ls_auth { LS_AUTH_UNKNOWN = 0, LS_AUTH_NONE, LS_AUTH_DEFAULT_CREDENTIALS, LS_AUTH_REQUIRED };
enum ls_severity { LS_SEV_INFO = 0, LS_SEV_LOW, LS_SEV_MEDIUM, LS_SEV_HIGH, LS_SEV_CRITICAL };

/* Data classes a table can carry (bit mask). */
enum ls_class { LS_CLASS_LOGS = 1u << 0, LS_CLASS_CHAT = 1u << 1, LS_CLASS_SECRETS = 1u << 2, LS_CLASS_PII = 1u << 3 };

struct ls_column {
    char *name;
    char *type;
};

/* Per-rule tally for one table: `count` hits, `distinct` different values. */
struct ls_rule_tally {
    const char *rule;     /* static rule id, e.g. "github-classic-pat" */
    const char *category; /* static: "secret", "pii" or "chat" */
    uint64_t count;
    uint64_t distinct;
};

/* One distinct secret value found in one table (or file). Never holds the raw value. */
struct ls_secret {
    const char *rule;
    const char *category;
    char *column;         /* column the value was seen in first (may be NULL) */
    char fingerprint[72]; /* "sha256:<64 hex>" of the exact secret bytes */
    char redacted[64];    /* e.g. "ghp_…3Xk" */
    char *raw;            /* only kept when the user asked for --show-secrets, else NULL */
    uint64_t count;
};

/* One unit of stored data: a table, and likewise a keyspace, a collection, an index or a database
 * the scan could list but not read (its `kind`). */
struct ls_table {
    char *database;
    char *name;
    char *storage;    /* the server's storage engine or format ("MergeTree", "InnoDB"), or NULL;
                         written as the table's "engine" in JSON */
    const char *kind; /* static: NULL for a table, else "keyspace", "database", "collection", … */
    uint64_t rows;
    uint64_t bytes;
    bool rows_known;
    bool rows_estimated; /* `rows` is the server's estimate (e.g. PostgreSQL reltuples), not a count */
    struct ls_column *columns;
    size_t ncolumns;
    unsigned classes; /* enum ls_class bits */
    uint64_t scanned_rows;
    struct ls_rule_tally *tallies;
    size_t ntallies;
    struct ls_secret *secrets;
    size_t nsecrets;
    char *error; /* why sampling failed, or NULL */
    char *note;  /* one line on what the table or system object revealed, or NULL */
};

/* The steps the core drives for every engine (engines/engine.h), as timed in the record:
 * fingerprint = from the port's hand-over to the verdict, all candidates tried included. */
enum ls_phase {
    LS_PHASE_FINGERPRINT,
    LS_PHASE_ACCESS,
    LS_PHASE_INVENTORY,
    LS_PHASE_POSTURE,
    LS_PHASE_SAMPLING,
    LS_PHASE_COUNT
};
const char *ls_phase_name(enum ls_phase p); /* "fingerprint", "access", … */

struct ls_risk {
    char *id; /* e.g. "CH-NOAUTH" */
    enum ls_severity severity;
    char *title;
    char *evidence;
};

/* Something the scan tried to learn and could not (old version, error 164, timeout): the step
 * is reported as unknown with the reason, and the scan goes on. */
struct ls_unknown {
    char *what;   /* e.g. "grants" */
    char *reason; /* e.g. "Code: 60 … Table system.grants doesn't exist" */
};

/* Consistency checks that failed: the service may be a honeypot or tarpit. Such services are
 * reported with `honeypot.suspected` and a lowered severity, never dropped. */
struct ls_honeypot {
    bool suspected;
    char **reasons;
    size_t nreasons;
};

struct ls_service {
    char host[256]; /* as the user named it (host name or address) */
    char ip[64];    /* numeric address */
    uint16_t port;
    bool tls;
    const char *engine;    /* static, e.g. "clickhouse" */
    const char *interface; /* static, e.g. "http", "native" */
    char version[64];
    char display_name[256];
    char timezone[64];
    enum ls_auth auth;
    char *auth_evidence; /* e.g. "Code: 194 … Password required for user default" */
    enum ls_severity severity;
    uint64_t ndatabases;
    struct ls_table *tables;
    size_t ntables;
    bool inventory_truncated; /* a cap was hit: more tables/columns exist than listed */
    struct ls_risk *risks;
    size_t nrisks;
    char **remediation;
    size_t nremediation;
    char *error; /* why a step ended in `unknown`, or NULL */
    /* blast radius (engines that assess it; all optional) */
    bool uptime_known;
    uint64_t uptime_s;
    char *version_source;     /* where `version` came from, e.g. "SELECT version()" */
    struct ls_access access;  /* what the account could do: capabilities and engine facts (access.h) */
    struct ls_table *sysobjs; /* secret-bearing system objects (query log, …), scanned like tables;
                                 `rows` = entries seen, `note` = what they revealed */
    size_t nsysobjs;
    struct ls_unknown *unknowns;
    size_t nunknowns;
    struct ls_honeypot honeypot;
    bool compromised;          /* a ransom note or similar trace of an earlier attacker */
    char *compromise_evidence; /* e.g. "table README_TO_RECOVER.README: first row …" (redacted) */
    /* an open port no engine identified (engine "unknown"; `interface` names the protocol where
     * the first bytes told it, else "unknown") */
    char *banner; /* its first bytes, escaped (\xNN), at most 256 of them, or NULL */
    /* how long each step took, measured by the core (JSON `steps_ms`) */
    uint32_t phase_ms[LS_PHASE_COUNT];
    bool phase_ran[LS_PHASE_COUNT];
};

/* A host open on the default ports of many database engines at once: likely a honeypot or a tarpit
 * that accepts every connection (the scan layer's verdict, `--honeypot-engines`). A flag, not a
 * filter: its services are reported as usual. */
#define LS_SUSPECT_MAX_ENGINES 32
struct ls_suspect_host {
    char ip[64];                                 /* numeric address */
    unsigned open_db_ports;                      /* open ports of the `db` set on this host */
    unsigned nengines;                           /* at most LS_SUSPECT_MAX_ENGINES */
    const char *engines[LS_SUSPECT_MAX_ENGINES]; /* static engine ids ("redis", …), in `db` list order */
};

/* Totals for the summary record. */
struct ls_scan_summary {
    uint64_t targets;
    uint64_t probes;
    uint64_t open_ports;
    uint64_t services;
    uint64_t exposed;      /* services with auth none or default credentials */
    uint64_t unidentified; /* open ports no engine identified (counted in `services` too) */
    uint64_t duration_ms;
    /* Likely honeypots/tarpits, for the document formats (json, html, sarif, markdown; the line
     * formats carry them as records of their own). Borrowed: read only during ls_report_summary. */
    const struct ls_suspect_host *suspects;
    size_t nsuspects;
    uint64_t suspects_omitted; /* further suspect hosts the caller did not keep */
};

const char *ls_auth_name(enum ls_auth a);
const char *ls_severity_name(enum ls_severity s);
/* Parses "critical|high|medium|low|info"; returns -1 if unknown. */
int ls_severity_parse(const char *s);

/* Name of one class bit ("logs", "chat", "secrets", "pii"); NULL if not a single known bit.
 * Writers list classes in bit order, i = 0 .. LS_CLASS_COUNT-1, class bit 1u << i. */
#define LS_CLASS_COUNT 4
const char *ls_class_name(unsigned class_bit);
/* Human name of an engine id ("clickhouse" -> "ClickHouse"); the id itself if unknown, "unknown"
 * for NULL. The names come from the engine registry (engines/engine.h, ls_engine_display), which
 * the CLI hands to the model once at start-up, so the writers stay free of engine names. */
const char *ls_engine_display_name(const char *engine);
void ls_model_set_engine_display(const char *(*display)(const char *engine));

/* "open on the default ports of N database engines at once (a, b, …), M open database ports: likely a
 * honeypot or tarpit" into out (truncated to n bytes, NUL-terminated); the one wording every
 * document writer uses, each escaping it for its format. Returns out. */
char *ls_suspect_describe(const struct ls_suspect_host *h, char *out, size_t n);
/* The heading and introduction of the suspect-host section of the html and markdown reports:
 * "Likely honeypots or tarpits: 1,002 hosts" (singular for one) into out; and why they matter. */
char *ls_suspects_heading(uint64_t total, char *out, size_t n);
extern const char ls_suspects_intro[];

/* Every unit that can hold secret records: the tables, then the system objects (i < ntables +
 * nsysobjs). */
static inline const struct ls_table *ls_service_unit(const struct ls_service *s, size_t i)
{
    return i < s->ntables ? &s->tables[i] : &s->sysobjs[i - s->ntables];
}

/* An open port no engine identified (engine "unknown", see engines/unknown/banner.h): reported
 * with its protocol and banner, counted as `unidentified`. */
bool ls_service_unidentified(const struct ls_service *s);

/* How reports name units of one `kind` and the entries their `rows` count: {"table", "tables",
 * "row", "rows"} for tables (kind NULL), {"keyspace", "keyspaces", "key", "keys"}, {"queue",
 * "queues", "message", "messages"}, …; a kind not in the model's list is named as itself with
 * "entry"/"entries". */
struct ls_unit_words {
    const char *one, *many, *entry_one, *entry_many;
};
struct ls_unit_words ls_unit_words(const char *kind);
/* The kind all the service's tables share (NULL = tables), or "unit" when they differ. */
const char *ls_service_unit_kind(const struct ls_service *s);

/* Sum of rows and bytes over the service's tables. */
uint64_t ls_service_rows(const struct ls_service *s);
uint64_t ls_service_bytes(const struct ls_service *s);
/* OR of all table classes. */
unsigned ls_service_classes(const struct ls_service *s);

/* Adds an empty table / risk / remediation line; returns NULL on allocation failure. */
struct ls_table *ls_service_add_table(struct ls_service *s);
int ls_service_add_risk(struct ls_service *s, const char *id, enum ls_severity sev, const char *title,
                        const char *evidence);
int ls_service_add_remediation(struct ls_service *s, const char *text);

/* Appends to the blast-radius lists; -1 on allocation failure. */
struct ls_table *ls_service_add_sysobj(struct ls_service *s, const char *database, const char *name);
int ls_service_add_unknown(struct ls_service *s, const char *what, const char *reason);
int ls_strv_add(char ***v, size_t *n, const char *text); /* appends a copy unless already present */
void ls_strv_free(char **v, size_t n);
/* Lookup of a sysobj by database and name; NULL if absent. */
struct ls_table *ls_service_sysobj(struct ls_service *s, const char *database, const char *name);

void ls_table_free(struct ls_table *t);
void ls_service_free(struct ls_service *s); /* frees contents, not `s` itself */

#endif
