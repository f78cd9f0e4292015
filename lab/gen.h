/* Lab data generator, shared declarations: the fixed-seed PRNG, a bounded string builder, and the
 * planted-value kinds (fake secrets and personal data) that lab/gen.c writes into the lab tables.
 * Everything is deterministic: the same seed gives the same bytes on every machine. */
#ifndef LAB_GEN_H
#define LAB_GEN_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64: tiny, fast, and fully specified, so output does not depend on the C library. */
typedef struct {
    uint64_t s;
} rng_t;

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform-enough integer in [0, n) (multiply-shift on the top 32 bits). */
static inline uint32_t rng_below(rng_t *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static inline rng_t rng_seeded(uint64_t a, uint64_t b)
{
    rng_t r = {a * 0xD1B54A32D192ED03ULL ^ (b + 0x632BE59BD9B4E019ULL)};
    rng_next(&r);
    return r;
}

/* A value under construction. Appends past the capacity are silently truncated (never overflow);
 * no generated value comes near the limit. */
#define VAL_CAP 6144
typedef struct {
    char b[VAL_CAP];
    size_t n;
} val_t;

void val_reset(val_t *v);
void val_cat(val_t *v, const char *s);
void val_catn(val_t *v, const char *s, size_t n);
void val_chr(val_t *v, char c);
void val_u64(val_t *v, uint64_t x);
void val_u64_pad(val_t *v, uint64_t x, int width);
/* n characters drawn uniformly from alphabet */
void val_rand(val_t *v, rng_t *r, const char *alphabet, size_t n);
void val_hex(val_t *v, rng_t *r, size_t n);
void val_uuid(val_t *v, rng_t *r);
void val_b64url(val_t *v, const unsigned char *data, size_t n);
void val_b64(val_t *v, const unsigned char *data, size_t n);
/* "YYYY-MM-DD hh:mm:ss" of a Unix time (UTC) */
void val_datetime(val_t *v, int64_t t);

/* Pick one string from a NULL-free array. */
#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])

extern const char ALNUM[];      /* A-Za-z0-9 */
extern const char BASE62[];     /* 0-9A-Za-z, the GitHub checksum alphabet */
extern const char URLSAFE[];    /* A-Za-z0-9_- */
extern const char B32UPPER[];   /* A-Z2-7 */
extern const char AWS_SECRET[]; /* A-Za-z0-9/+ */

/* Planted kinds, in the order ground-truth reports list them. */
enum plant_kind {
    PK_AWS,
    PK_GITHUB,
    PK_OPENAI,
    PK_ANTHROPIC,
    PK_SLACK,
    PK_STRIPE,
    PK_GOOGLE,
    PK_SENDGRID,
    PK_JWT,
    PK_POSTGRES,
    PK_RSA,
    PK_NSECRET, /* kinds below are personal data, not secrets */
    PK_EMAIL = PK_NSECRET,
    PK_PHONE,
    PK_COUNT
};

/* Distinct values each kind can take; rows draw from this pool, so hits exceed distinct values. */
#define SECRET_POOL 500
#define PII_POOL 2000

struct plant_info {
    const char *name;   /* stable identifier used in ground-truth output */
    const char *format; /* one-line human description */
    uint32_t pool;
};
extern const struct plant_info PLANT_INFO[PK_COUNT];

/* The credential itself (what a detector's fingerprint hashes): for AWS the 40-char secret, for
 * PostgreSQL the password, for RSA the whole BEGIN..END block, otherwise the whole token.
 * `aux` receives the companion value where there is one (AWS key id, full PostgreSQL URL), else
 * it is left empty. Deterministic in (kind, index). */
void plant_value(enum plant_kind kind, uint32_t index, val_t *secret, val_t *aux);

/* A context string containing pool value `index` of `kind`, as a log line would carry it;
 * `style` picks one of several surroundings. Writes the key name to *key. */
void plant_in_context(enum plant_kind kind, uint32_t index, uint32_t style, const char **key, val_t *out);

/* GitHub classic token checksum helpers, exposed for the self-check. */
uint32_t lab_crc32(const unsigned char *p, size_t n);
void base62_fixed6(uint32_t x, char out[6]);

/* Secrets for the small tables (users.api_key, secrets_vault.secret); independent of the pools. */
void openai_key(rng_t *r, val_t *v);
void stripe_key(rng_t *r, val_t *v);
void github_pat(rng_t *r, val_t *v);
/* "Maria Garcia" and a matching address, for the users table */
void fake_person(rng_t *r, val_t *name, val_t *email);

#endif
