/* lab_gen: writes the lab's synthetic ClickHouse tables as TabSeparated rows on stdout, from a
 * fixed-seed PRNG, so every machine loads byte-identical data. It also prints each table's
 * CREATE statement and expected row count (lab/lab.sh uses them) and the ground truth of what
 * was planted in default.log_stream (how many rows carry each fake secret kind, how many
 * distinct values), which tests compare scan results against.
 *
 *   lab_gen TABLE             rows of TABLE (log_stream, users, page_views, secrets_vault)
 *   lab_gen --schema TABLE    CREATE TABLE statement
 *   lab_gen --count TABLE     expected number of rows
 *   lab_gen --stats           per planted kind: rows, distinct values (log_stream)
 *   lab_gen --planted         every distinct planted value with its hit count (log_stream)
 *   lab_gen --list | --version */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAB_DATA_VERSION "leakscan-lab-data 1"
#define LOG_ROWS 1100000
#define LOG_T0 1736121600 /* 2025-01-06 00:00:00 UTC */

/* ---- output: one large buffer, ClickHouse TabSeparated escaping ---- */

static struct {
    char buf[1 << 20];
    size_t n;
    int discard; /* --stats / --planted: generate, count, write nothing */
    int failed;
} OUT;

static void out_flush(void)
{
    if (!OUT.discard && OUT.n && fwrite(OUT.buf, 1, OUT.n, stdout) != OUT.n)
        OUT.failed = 1;
    OUT.n = 0;
}

static inline void out_chr(char c)
{
    if (OUT.n == sizeof OUT.buf)
        out_flush();
    OUT.buf[OUT.n++] = c;
}

static void out_raw(const char *s, size_t n)
{
    if (OUT.n + n > sizeof OUT.buf)
        out_flush();
    if (n > sizeof OUT.buf) {
        while (n--)
            out_chr(*s++);
        return;
    }
    memcpy(OUT.buf + OUT.n, s, n);
    OUT.n += n;
}

static void out_str(const char *s)
{
    out_raw(s, strlen(s));
}

/* Escapes for a TabSeparated field; with quote, also the single-quoted form used inside arrays. */
static void out_escaped(const char *s, size_t n, int quote)
{
    if (quote)
        out_chr('\'');
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (c) {
        case '\\': out_raw("\\\\", 2); break;
        case '\t': out_raw("\\t", 2); break;
        case '\n': out_raw("\\n", 2); break;
        case '\r': out_raw("\\r", 2); break;
        case '\0': out_raw("\\0", 2); break;
        case '\'':
            if (quote)
                out_raw("\\'", 2);
            else
                out_chr(c);
            break;
        default: out_chr(c); break;
        }
    }
    if (quote)
        out_chr('\'');
}

static void out_val(const val_t *v)
{
    out_escaped(v->b, v->n, 0);
}

static void out_u64(uint64_t x)
{
    val_t v;
    val_reset(&v);
    val_u64(&v, x);
    out_raw(v.b, v.n);
}

/* A Float64 held as thousandths, printed exactly ("12.345", "200"). */
static void out_milli(int64_t m)
{
    if (m < 0)
        out_chr('-'), m = -m;
    out_u64((uint64_t)m / 1000);
    if (m % 1000) {
        val_t v;
        val_reset(&v);
        val_u64_pad(&v, (uint64_t)m % 1000, 3);
        while (v.n && v.b[v.n - 1] == '0')
            v.n--;
        out_chr('.');
        out_raw(v.b, v.n);
    }
}

static void out_datetime(int64_t t)
{
    val_t v;
    val_reset(&v);
    val_datetime(&v, t);
    out_raw(v.b, v.n);
}

/* ---- ground truth for log_stream ---- */

static struct {
    uint64_t rows[PK_COUNT];
    uint32_t hits[PK_COUNT][PII_POOL];
    uint64_t secret_rows, pii_rows, chat_rows;
} TRUTH;

/* ---- one log_stream row: parallel key/value arrays built in an arena ---- */

#define ROW_FIELDS 24
static struct {
    int ns, nn;
    const char *skey[ROW_FIELDS], *nkey[ROW_FIELDS];
    size_t soff[ROW_FIELDS], slen[ROW_FIELDS];
    int64_t nval[ROW_FIELDS];
    char arena[65536];
    size_t used;
} ROW;

static void row_reset(void)
{
    ROW.ns = ROW.nn = 0;
    ROW.used = 0;
}

/* Adds key=value; a key already present gets the new value (a planted line replaces the noise). */
static void row_str(const char *key, const char *s, size_t n)
{
    int i;
    if (ROW.used + n > sizeof ROW.arena)
        return;
    for (i = 0; i < ROW.ns && strcmp(ROW.skey[i], key); i++)
        ;
    if (i == ROW_FIELDS)
        return;
    memcpy(ROW.arena + ROW.used, s, n);
    ROW.skey[i] = key;
    ROW.soff[i] = ROW.used;
    ROW.slen[i] = n;
    ROW.used += n;
    if (i == ROW.ns)
        ROW.ns++;
}

static void row_val(const char *key, const val_t *v)
{
    row_str(key, v->b, v->n);
}

static void row_num(const char *key, int64_t milli)
{
    if (ROW.nn == ROW_FIELDS)
        return;
    ROW.nkey[ROW.nn] = key;
    ROW.nval[ROW.nn++] = milli;
}

static void row_emit(int64_t ts, const char *span, const char *service, const char *source, const val_t *host)
{
    out_datetime(ts);
    out_chr('\t');
    out_str(span);
    out_raw("\t[", 2);
    for (int i = 0; i < ROW.ns; i++) {
        if (i)
            out_chr(',');
        out_escaped(ROW.skey[i], strlen(ROW.skey[i]), 1);
    }
    out_raw("]\t[", 3);
    for (int i = 0; i < ROW.ns; i++) {
        if (i)
            out_chr(',');
        out_escaped(ROW.arena + ROW.soff[i], ROW.slen[i], 1);
    }
    out_raw("]\t[", 3);
    for (int i = 0; i < ROW.nn; i++) {
        if (i)
            out_chr(',');
        out_escaped(ROW.nkey[i], strlen(ROW.nkey[i]), 1);
    }
    out_raw("]\t[", 3);
    for (int i = 0; i < ROW.nn; i++) {
        if (i)
            out_chr(',');
        out_milli(ROW.nval[i]);
    }
    out_raw("]\t", 2);
    out_str(service);
    out_chr('\t');
    out_str(source);
    out_chr('\t');
    out_val(host);
    out_chr('\n');
}

/* ---- log noise ---- */

static const struct endpoint {
    const char *span, *service, *method;
    unsigned weight;
} ENDPOINTS[] = {
    {"/api/v0/chat/completion", "chat-api", "POST", 0}, /* chat rows only */
    {"/api/v0/chat/create_pow_challenge", "chat-api", "POST", 14},
    {"/api/v0/chat_session/create", "chat-api", "POST", 8},
    {"/api/v0/chat_session/fetch_page", "chat-api", "GET", 12},
    {"/api/v0/chat/history_messages", "chat-api", "GET", 10},
    {"/api/v0/users/current", "user-service", "GET", 14},
    {"/api/v0/users/settings", "user-service", "POST", 3},
    {"/api/v0/auth/login", "auth-service", "POST", 5},
    {"/api/v0/auth/refresh", "auth-service", "POST", 6},
    {"/api/v0/file/upload_file", "file-service", "POST", 4},
    {"/api/v0/file/fetch_files", "file-service", "GET", 4},
    {"/api/v0/billing/usage", "billing", "GET", 3},
    {"/v1/chat/completions", "openapi-gateway", "POST", 0}, /* chat rows only */
    {"/v1/models", "openapi-gateway", "GET", 4},
    {"/v1/embeddings", "openapi-gateway", "POST", 3},
    {"/healthz", "gateway", "GET", 6},
    {"/metrics", "gateway", "GET", 4},
};
#define N_ENDPOINTS (sizeof ENDPOINTS / sizeof ENDPOINTS[0])

static const char *SOURCES[] = {"stdout", "stdout", "stdout", "stderr", "access-log", "otel-collector"};
static const char *AGENTS[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "okhttp/4.12.0",
    "python-requests/2.32.3",
    "OpenAI/Python 1.59.3",
    "curl/8.5.0",
    "node-fetch/1.0"};
static const char SYSTEM_TURN[] = "{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"}";
static const char *MODELS[] = {"chat-v3", "chat-v3", "reasoner-r1", "coder-v2.5"};

static void host_name(unsigned svc, unsigned pod, val_t *v)
{
    static const char *k8s = "bcdfghjklmnpqrstvwxz2456789";
    rng_t r = rng_seeded(0x9057 + svc, pod);
    val_reset(v);
    val_cat(v, ENDPOINTS[svc].service);
    val_chr(v, '-');
    val_hex(v, &r, 9);
    val_chr(v, '-');
    val_rand(v, &r, k8s, 5);
}

static void client_ip(rng_t *r, val_t *v)
{
    /* documentation ranges only (TEST-NET-2/3, 2001:db8::/32) */
    uint32_t k = rng_below(r, 10);
    val_reset(v);
    if (k < 8) {
        val_cat(v, k < 4 ? "198.51.100." : "203.0.113.");
        val_u64(v, 1 + rng_below(r, 254));
    } else {
        val_cat(v, "2001:db8:");
        val_hex(v, r, 4);
        val_cat(v, "::");
        val_hex(v, r, 3);
    }
}

static void message_noise(rng_t *r, const struct endpoint *ep, val_t *v)
{
    val_reset(v);
    switch (rng_below(r, 9)) {
    case 0: val_cat(v, "object cache hit sha256:"), val_hex(v, r, 64); break;
    case 1:
        val_cat(v, "stored upload etag="), val_hex(v, r, 32), val_cat(v, " size="), val_u64(v, rng_below(r, 5000000));
        break;
    case 2: val_cat(v, "session "), val_uuid(v, r), val_cat(v, " resumed"); break;
    case 3: val_cat(v, "pow challenge issued difficulty=144000 salt="), val_hex(v, r, 20); break;
    case 4: {
        /* a pagination cursor: base64url of small JSON, looks like a JWT header but is not one */
        val_t js;
        val_reset(&js);
        val_cat(&js, "{\"page\":"), val_u64(&js, 1 + rng_below(r, 40)), val_cat(&js, ",\"size\":50}");
        val_cat(v, "next cursor="), val_b64url(v, (const unsigned char *)js.b, js.n);
        break;
    }
    case 5:
        val_cat(v, "api key verified key_id=key_"), val_hex(v, r, 12), val_cat(v, " key_hash=sha256:"),
            val_hex(v, r, 64);
        break;
    case 6:
        val_cat(v, "upstream model-router answered in "), val_u64(v, 20 + rng_below(r, 900)), val_cat(v, "ms");
        break;
    case 7: val_cat(v, "retrying after 502 from upstream, attempt "), val_u64(v, 1 + rng_below(r, 3)); break;
    default: val_cat(v, ep->method), val_chr(v, ' '), val_cat(v, ep->span), val_cat(v, " completed"); break;
    }
}

/* ---- chat turns ---- */

static const char *TASKS[] = {"parse a CSV file",         "reverse a linked list", "center a div",
                              "read a file line by line", "sort a map by value",   "retry an HTTP request",
                              "write a unit test",        "deploy to Kubernetes",  "profile memory usage",
                              "connect to a database"};
static const char *LANGS[] = {"Python", "Go", "Rust", "TypeScript", "Java", "C", "Kotlin", "SQL"};
static const char *TOPICS[] = {"the ocean at night", "a cat who's learning to code",
                               "autumn in Kyoto",    "a lighthouse keeper",
                               "the first snow",     "coffee and deadlines"};
static const char *CONCEPTS[] = {
    "backpropagation", "public-key cryptography", "the CAP theorem",        "recursion",
    "inflation",       "photosynthesis",          "TCP congestion control", "compound interest"};

static void chat_turns(rng_t *r, val_t *user, val_t *assistant)
{
    val_reset(user);
    val_reset(assistant);
    val_cat(user, "{\"role\":\"user\",\"content\":\"");
    val_cat(assistant, "{\"role\":\"assistant\",\"content\":\"");
    switch (rng_below(r, 4)) {
    case 0: {
        const char *t = PICK(r, TASKS), *l = PICK(r, LANGS);
        val_cat(user, "How do I "), val_cat(user, t), val_cat(user, " in "), val_cat(user, l), val_chr(user, '?');
        val_cat(assistant, "Here's a simple way to "), val_cat(assistant, t), val_cat(assistant, " in ");
        val_cat(assistant, l), val_cat(assistant, ". First, make sure you don't block the main thread; then ");
        val_cat(assistant, "wrap it in a small function and test it with a few edge cases.");
        break;
    }
    case 1: {
        const char *c = PICK(r, CONCEPTS);
        val_cat(user, "Can you explain "), val_cat(user, c), val_cat(user, " like I'm five?");
        val_cat(assistant, "Sure! Think of "), val_cat(assistant, c);
        val_cat(assistant, " as a game with simple rules: each step builds on the last one, and that's the ");
        val_cat(assistant, "whole trick.");
        break;
    }
    case 2: {
        const char *p = PICK(r, TOPICS);
        val_cat(user, "Write a short poem about "), val_cat(user, p), val_chr(user, '.');
        val_cat(assistant, "A quiet verse on "), val_cat(assistant, p);
        val_cat(assistant, ":\\nthe hours drift, the lanterns glow,\\nand what we keep is what we know.");
        break;
    }
    default:
        val_cat(user, "Summarize: we agreed to ship the \\\"export\\\" feature by Friday and revisit pricing in ");
        val_u64(user, 2 + rng_below(r, 6)), val_cat(user, " weeks.");
        val_cat(assistant, "Summary: the export feature ships Friday; pricing is revisited later.");
        break;
    }
    val_cat(user, "\"}");
    val_cat(assistant, "\"}");
}

/* ---- tables ---- */

static void gen_log_stream(void)
{
    rng_t r = rng_seeded(0x106573ea, 1);
    unsigned weight_total = 0;
    int64_t ts = LOG_T0;
    val_t host, a, b;
    for (size_t e = 0; e < N_ENDPOINTS; e++)
        weight_total += ENDPOINTS[e].weight;
    for (uint64_t i = 0; i < LOG_ROWS; i++) {
        uint32_t cat = rng_below(&r, 1000);
        int chat = cat >= 60 && cat < 160;
        const struct endpoint *ep;
        unsigned svc;
        row_reset();
        ts += rng_below(&r, 3) ? 1 : 0;
        if (chat) {
            svc = rng_below(&r, 5) ? 0 : 12;
        } else {
            unsigned w = rng_below(&r, weight_total);
            for (svc = 0; w >= ENDPOINTS[svc].weight; svc++)
                w -= ENDPOINTS[svc].weight;
        }
        ep = &ENDPOINTS[svc];
        host_name(svc, rng_below(&r, 6), &host);

        uint32_t lv = rng_below(&r, 100);
        const char *level = lv < 85 ? "INFO" : lv < 93 ? "WARN" : lv < 97 ? "ERROR" : "DEBUG";
        row_str("level", level, strlen(level));
        val_reset(&a), val_uuid(&a, &r), row_val("request_id", &a);
        val_reset(&a), val_hex(&a, &r, 32), row_val("trace_id", &a);
        val_reset(&a), val_hex(&a, &r, 16), row_val("span_id", &a);
        row_str("method", ep->method, strlen(ep->method));
        client_ip(&r, &a), row_val("client_ip", &a);
        if (rng_below(&r, 3) == 0) {
            const char *ua = PICK(&r, AGENTS);
            row_str("user_agent", ua, strlen(ua));
        }
        val_reset(&a), val_u64(&a, 10000000 + rng_below(&r, 90000000)), row_val("user_id", &a);

        if (chat) {
            const char *m = PICK(&r, MODELS);
            row_str("model", m, strlen(m));
            if (rng_below(&r, 8) == 0)
                row_str("system", SYSTEM_TURN, sizeof SYSTEM_TURN - 1);
            chat_turns(&r, &a, &b);
            row_val("prompt", &a);
            row_val("completion", &b);
            TRUTH.chat_rows++;
        } else {
            message_noise(&r, ep, &a);
            row_val("message", &a);
        }
        if (cat < 10) { /* planted secret */
            enum plant_kind k = (enum plant_kind)rng_below(&r, PK_NSECRET);
            uint32_t idx = rng_below(&r, SECRET_POOL), style = rng_below(&r, 4);
            const char *key;
            plant_in_context(k, idx, style, &key, &a);
            row_val(key, &a);
            TRUTH.rows[k]++, TRUTH.hits[k][idx]++, TRUTH.secret_rows++;
            if (style == 3 && k != PK_RSA)
                TRUTH.chat_rows++;
        } else if (cat < 60) {                 /* personal data */
            uint32_t which = rng_below(&r, 4); /* 0,1 e-mail; 2 phone; 3 both */
            for (int k = PK_EMAIL; k <= PK_PHONE; k++) {
                if ((k == PK_EMAIL && which == 2) || (k == PK_PHONE && which < 2))
                    continue;
                uint32_t idx = rng_below(&r, PII_POOL), style = rng_below(&r, 4);
                if (k == PK_PHONE && which == 3)
                    style = style & 1 ? 0 : 2; /* own key, so it never replaces the e-mail line */
                const char *key;
                plant_in_context((enum plant_kind)k, idx, style, &key, &a);
                row_val(key, &a);
                TRUTH.rows[k]++, TRUTH.hits[k][idx]++;
            }
            TRUTH.pii_rows++;
        }

        uint32_t st = rng_below(&r, 100);
        int64_t status = st < 90 ? 200 : st < 94 ? 401 : st < 97 ? 429 : st < 99 ? 502 : 500;
        row_num("latency_ms", 1000 + (int64_t)rng_below(&r, chat ? 9000000 : 400000));
        row_num("status_code", status * 1000);
        row_num("response_bytes", (int64_t)(64 + rng_below(&r, 20000)) * 1000);
        if (chat) {
            row_num("tokens_prompt", (int64_t)(10 + rng_below(&r, 2000)) * 1000);
            row_num("tokens_completion", (int64_t)(20 + rng_below(&r, 4000)) * 1000);
        }
        row_emit(ts, ep->span, ep->service, PICK(&r, SOURCES), &host);
    }
}

static void gen_users(void)
{
    rng_t r = rng_seeded(0x05e25, 2);
    val_t name, email, key;
    for (uint64_t id = 1; id <= 2000; id++) {
        fake_person(&r, &name, &email);
        if (rng_below(&r, 10) < 7)
            openai_key(&r, &key);
        else
            stripe_key(&r, &key);
        out_u64(id), out_chr('\t');
        out_val(&email), out_chr('\t');
        out_val(&name), out_chr('\t');
        out_val(&key), out_chr('\t');
        out_datetime(1672531200 + (int64_t)id * 6000 + rng_below(&r, 6000)); /* from 2023-01-01 */
        out_chr('\n');
    }
}

static void gen_page_views(void)
{
    static const char *paths[] = {
        "/",        "/pricing", "/docs",  "/docs/getting-started", "/blog", "/blog/release-notes", "/about",
        "/careers", "/login",   "/signup"};
    static const char *refs[] = {"",
                                 "",
                                 "https://www.google.com/",
                                 "https://duckduckgo.com/",
                                 "https://news.ycombinator.com/",
                                 "https://t.co/",
                                 "https://www.bing.com/"};
    static const char *countries[] = {"US", "DE", "IN", "BR", "JP", "GB", "FR", "CN", "NG", "CA"};
    static const char *devices[] = {"desktop", "desktop", "mobile", "mobile", "tablet"};
    rng_t r = rng_seeded(0xa7a1, 3);
    int64_t ts = LOG_T0;
    val_t v;
    for (int i = 0; i < 10000; i++) {
        ts += rng_below(&r, 120);
        out_datetime(ts), out_chr('\t');
        val_reset(&v), val_uuid(&v, &r), out_val(&v), out_chr('\t');
        out_str(PICK(&r, paths)), out_chr('\t');
        out_str(PICK(&r, refs)), out_chr('\t');
        out_str(PICK(&r, countries)), out_chr('\t');
        out_str(PICK(&r, devices)), out_chr('\t');
        out_u64(200 + rng_below(&r, 300000)), out_chr('\n');
    }
}

static void gen_secrets_vault(void)
{
    static const char *teams[] = {"payments", "ci", "ml-platform", "growth", "infra"};
    rng_t r = rng_seeded(0x7a017, 4);
    val_t v;
    for (uint64_t id = 1; id <= 100; id++) {
        uint32_t k = rng_below(&r, 3);
        const char *team = PICK(&r, teams);
        if (k == 0)
            stripe_key(&r, &v);
        else if (k == 1)
            github_pat(&r, &v);
        else
            openai_key(&r, &v);
        out_u64(id), out_chr('\t');
        out_str(team), out_chr('/'), out_str(k == 0 ? "stripe-live" : k == 1 ? "github-bot" : "openai-batch");
        out_u64(id), out_chr('\t');
        out_val(&v), out_chr('\t');
        out_datetime(1704067200 + (int64_t)id * 86400), out_chr('\n');
    }
}

static const struct table {
    const char *name; /* database.table */
    uint64_t rows;
    void (*gen)(void);
    const char *columns_engine;
} TABLES[] = {
    {"default.log_stream", LOG_ROWS, gen_log_stream,
     "(timestamp DateTime, span_name String, `string.names` Array(String), `string.values` Array(String), "
     "`number.names` Array(String), `number.values` Array(Float64), _service String, _source String, "
     "_host String) ENGINE = MergeTree ORDER BY timestamp"},
    {"default.users", 2000, gen_users,
     "(id UInt64, email String, name String, api_key String, created DateTime) ENGINE = MergeTree ORDER BY id"},
    {"analytics.page_views", 10000, gen_page_views,
     "(ts DateTime, session_id String, path String, referrer String, country String, device String, "
     "duration_ms UInt32) ENGINE = MergeTree ORDER BY ts"},
    {"default.secrets_vault", 100, gen_secrets_vault,
     "(id UInt64, name String, secret String, updated DateTime) ENGINE = MergeTree ORDER BY id"},
};
#define N_TABLES (sizeof TABLES / sizeof TABLES[0])

static const struct table *find_table(const char *name)
{
    for (size_t i = 0; i < N_TABLES; i++) {
        const char *dot = strchr(TABLES[i].name, '.');
        if (!strcmp(name, TABLES[i].name) || !strcmp(name, dot + 1))
            return &TABLES[i];
    }
    fprintf(stderr, "lab_gen: unknown table '%s' (try --list)\n", name);
    return NULL;
}

static void print_truth(int values)
{
    val_t s, aux;
    if (!values) {
        printf("# kind\trows\tdistinct\tpool\tformat\n");
    } else {
        printf("# kind\tpool_index\thits\tcredential\tcompanion\n");
    }
    for (int k = 0; k < PK_COUNT; k++) {
        uint32_t distinct = 0;
        for (uint32_t i = 0; i < PLANT_INFO[k].pool; i++) {
            if (!TRUTH.hits[k][i])
                continue;
            distinct++;
            if (!values)
                continue;
            plant_value((enum plant_kind)k, i, &s, &aux);
            printf("%s\t%u\t%u\t", PLANT_INFO[k].name, i, TRUTH.hits[k][i]);
            out_val(&s), out_chr('\t'), out_val(&aux), out_chr('\n');
            out_flush();
        }
        if (!values)
            printf("%s\t%llu\t%u\t%u\t%s\n", PLANT_INFO[k].name, (unsigned long long)TRUTH.rows[k], distinct,
                   PLANT_INFO[k].pool, PLANT_INFO[k].format);
    }
    if (!values)
        printf("# rows\t%d total, %llu with a secret, %llu with personal data, %llu with chat turns\n", LOG_ROWS,
               (unsigned long long)TRUTH.secret_rows, (unsigned long long)TRUTH.pii_rows,
               (unsigned long long)TRUTH.chat_rows);
}

static int usage(void)
{
    fprintf(stderr,
            "usage: lab_gen TABLE | --schema TABLE | --count TABLE | --stats | --planted | --list | --version\n");
    return 2;
}

int main(int argc, char **argv)
{
    const struct table *t;
    if (argc == 2 && !strcmp(argv[1], "--version")) {
        puts(LAB_DATA_VERSION);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (size_t i = 0; i < N_TABLES; i++)
            printf("%s\t%llu\n", TABLES[i].name, (unsigned long long)TABLES[i].rows);
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "--stats") || !strcmp(argv[1], "--planted"))) {
        OUT.discard = 1;
        gen_log_stream();
        OUT.discard = 0;
        OUT.n = 0;
        print_truth(!strcmp(argv[1], "--planted"));
        return fflush(stdout) == 0 && !OUT.failed ? 0 : 3;
    }
    if (argc == 3 && !strcmp(argv[1], "--schema")) {
        if (!(t = find_table(argv[2])))
            return 2;
        printf("CREATE TABLE IF NOT EXISTS %s %s\n", t->name, t->columns_engine);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--count")) {
        if (!(t = find_table(argv[2])))
            return 2;
        printf("%llu\n", (unsigned long long)t->rows);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-')
        return usage();
    if (!(t = find_table(argv[1])))
        return 2;
    t->gen();
    out_flush();
    if (fflush(stdout) != 0 || OUT.failed) {
        perror("lab_gen: write");
        return 3;
    }
    return 0;
}
