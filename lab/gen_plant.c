/* Lab data generator: the FAKE credentials and personal data planted into the lab tables, in the
 * exact formats real ones have (prefixes, lengths, alphabets, the GitHub CRC32 checksum), and the
 * log-line surroundings they appear in. Every value is a deterministic function of (kind, index),
 * so the ground truth can be recomputed without storing it. None of these values is real. */
#include "gen.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct plant_info PLANT_INFO[PK_COUNT] = {
    [PK_AWS] = {"aws-access-key", "AKIA+16[A-Z2-7] with aws_secret_access_key=40[A-Za-z0-9/+]", SECRET_POOL},
    [PK_GITHUB] = {"github-classic-pat", "ghp_+30 base62+6 base62 CRC32 checksum", SECRET_POOL},
    [PK_OPENAI] = {"openai-project-key", "sk-proj-+40..64[A-Za-z0-9_-] containing T3BlbkFJ", SECRET_POOL},
    [PK_ANTHROPIC] = {"anthropic-api-key", "sk-ant-api03-+93[A-Za-z0-9_-]+AA", SECRET_POOL},
    [PK_SLACK] = {"slack-bot-token", "xoxb-digits-digits-24[A-Za-z0-9]", SECRET_POOL},
    [PK_STRIPE] = {"stripe-live-secret-key", "sk_live_+24..99[A-Za-z0-9]", SECRET_POOL},
    [PK_GOOGLE] = {"google-api-key", "AIza+35[A-Za-z0-9_-]", SECRET_POOL},
    [PK_SENDGRID] = {"sendgrid-api-key", "SG.+22[A-Za-z0-9_-].+43[A-Za-z0-9_-]", SECRET_POOL},
    [PK_JWT] = {"jwt", "HS256 JWT, three base64url parts", SECRET_POOL},
    [PK_POSTGRES] = {"postgres-url-password", "postgres://svc_user:<pw>@db-internal:5432/app", SECRET_POOL},
    [PK_RSA] = {"rsa-private-key", "-----BEGIN RSA PRIVATE KEY----- PEM block", SECRET_POOL},
    [PK_EMAIL] = {"email", "e-mail address", PII_POOL},
    [PK_PHONE] = {"phone", "phone number, E.164 or national form", PII_POOL},
};

uint32_t lab_crc32(const unsigned char *p, size_t n)
{
    /* CRC-32/IEEE (reflected polynomial 0xEDB88320), bit by bit: only a few thousand calls. */
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

void base62_fixed6(uint32_t x, char out[6])
{
    for (int i = 5; i >= 0; i--) {
        out[i] = BASE62[x % 62];
        x /= 62;
    }
}

/* Values that a detector's allow-list might treat as documentation samples are regenerated. */
static int placeholderish(const char *s)
{
    return strcasestr(s, "example") != NULL || strcasestr(s, "xxxx") != NULL;
}

static void ghp_body(rng_t *r, val_t *v)
{
    char body[30], sum[6];
    for (int i = 0; i < 30; i++)
        body[i] = BASE62[rng_below(r, 62)];
    base62_fixed6(lab_crc32((const unsigned char *)body, 30), sum);
    val_cat(v, "ghp_");
    val_catn(v, body, 30);
    val_catn(v, sum, 6);
}

static void openai_body(rng_t *r, val_t *v)
{
    size_t len = 40 + rng_below(r, 25); /* 40..64 after the prefix */
    size_t left = (len - 8) / 2;
    val_cat(v, "sk-proj-");
    val_rand(v, r, URLSAFE, left);
    val_cat(v, "T3BlbkFJ");
    val_rand(v, r, URLSAFE, len - 8 - left);
}

static void stripe_body(rng_t *r, val_t *v)
{
    uint32_t pick = rng_below(r, 10);
    size_t len = pick < 5 ? 24 : pick < 8 ? 99 : 25 + rng_below(r, 74);
    val_cat(v, "sk_live_");
    val_rand(v, r, ALNUM, len);
}

static void digits(val_t *v, rng_t *r, size_t n)
{
    val_chr(v, (char)('1' + rng_below(r, 9)));
    val_rand(v, r, "0123456789", n - 1);
}

static void jwt_body(rng_t *r, val_t *v)
{
    static const char *roles[] = {"user", "admin", "service", "support", "billing"};
    val_t payload;
    unsigned char sig[32];
    int64_t iat = 1736121600 + (int64_t)rng_below(r, 30 * 86400);
    val_reset(&payload);
    val_cat(&payload, "{\"sub\":\"usr_");
    val_u64(&payload, 100000 + rng_below(r, 900000));
    val_cat(&payload, "\",\"role\":\"");
    val_cat(&payload, PICK(r, roles));
    val_cat(&payload, "\",\"iat\":");
    val_u64(&payload, (uint64_t)iat);
    val_cat(&payload, ",\"exp\":");
    val_u64(&payload, (uint64_t)iat + 3600);
    val_chr(&payload, '}');
    for (size_t i = 0; i < sizeof sig; i++)
        sig[i] = (unsigned char)rng_next(r);
    /* base64url of {"alg":"HS256","typ":"JWT"} */
    val_cat(v, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.");
    val_b64url(v, (const unsigned char *)payload.b, payload.n);
    val_chr(v, '.');
    val_b64url(v, sig, sizeof sig);
}

static void rsa_block(rng_t *r, val_t *v)
{
    /* 1192 bytes shaped like a 2048-bit PKCS#1 key (so the base64 starts MIIEpAIBAAKCAQEA),
     * random after the header; 64-column lines as openssl writes them. */
    unsigned char der[1192];
    static const unsigned char head[] = {0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00};
    val_t b64;
    memcpy(der, head, sizeof head);
    for (size_t i = sizeof head; i < sizeof der; i++)
        der[i] = (unsigned char)rng_next(r);
    val_reset(&b64);
    val_b64(&b64, der, sizeof der);
    val_cat(v, "-----BEGIN RSA PRIVATE KEY-----\n");
    for (size_t off = 0; off < b64.n; off += 64) {
        size_t n = b64.n - off < 64 ? b64.n - off : 64;
        val_catn(v, b64.b + off, n);
        val_chr(v, '\n');
    }
    val_cat(v, "-----END RSA PRIVATE KEY-----");
}

static const char *FIRST[] = {"james", "maria", "wei",   "olga",   "ahmed", "lucia", "kenji", "fatima",
                              "noah",  "emma",  "liam",  "sofia",  "arjun", "chloe", "mateo", "hana",
                              "david", "ines",  "omar",  "zoe",    "pavel", "amara", "tomas", "yuki",
                              "grace", "ravi",  "elena", "samuel", "leila", "jonas"};
static const char *LAST[] = {"smith",  "garcia",  "chen",    "ivanova", "hassan",   "rossi",   "tanaka",
                             "okafor", "muller",  "johnson", "silva",   "kowalski", "nguyen",  "patel",
                             "dubois", "larsen",  "kim",     "moreau",  "fischer",  "oconnor", "haddad",
                             "novak",  "bianchi", "sato",    "mendes",  "walker",   "yilmaz"};
static const char *MAILDOM[] = {"gmail.com", "outlook.com", "yahoo.com", "proton.me",    "icloud.com",
                                "gmx.de",    "mail.ru",     "qq.com",    "fastmail.com", "hey.com"};

static void email_body(rng_t *r, val_t *v)
{
    const char *f = PICK(r, FIRST), *l = PICK(r, LAST);
    switch (rng_below(r, 4)) {
    case 0: val_cat(v, f), val_chr(v, '.'), val_cat(v, l); break;
    case 1: val_cat(v, f), val_cat(v, l), val_u64(v, rng_below(r, 1000)); break;
    case 2: val_chr(v, f[0]), val_cat(v, l); break;
    default: val_cat(v, f), val_chr(v, '_'), val_cat(v, l), val_u64(v, 1960 + rng_below(r, 45)); break;
    }
    val_chr(v, '@');
    val_cat(v, PICK(r, MAILDOM));
}

static void phone_body(rng_t *r, uint32_t index, val_t *v)
{
    /* North American numbers: area code and exchange start 2..9. */
    uint32_t npa = 200 + rng_below(r, 800), nxx = 200 + rng_below(r, 800), line = rng_below(r, 10000);
    switch (index % 5) {
    case 0: /* E.164, US */ val_cat(v, "+1"), val_u64(v, npa), val_u64(v, nxx), val_u64_pad(v, line, 4); break;
    case 1: /* E.164, UK mobile */ val_cat(v, "+447"), val_u64_pad(v, 100000000 + rng_below(r, 900000000), 9); break;
    case 2: /* US national, (NPA) NXX-XXXX */
        val_chr(v, '('), val_u64(v, npa), val_cat(v, ") "), val_u64(v, nxx), val_chr(v, '-'), val_u64_pad(v, line, 4);
        break;
    case 3: /* US national, NPA-NXX-XXXX */
        val_u64(v, npa), val_chr(v, '-'), val_u64(v, nxx), val_chr(v, '-'), val_u64_pad(v, line, 4);
        break;
    default: /* UK national mobile, 07xxx xxxxxx */
        val_cat(v, "07"), val_u64_pad(v, 100 + rng_below(r, 900), 3), val_chr(v, ' ');
        val_u64_pad(v, rng_below(r, 1000000), 6);
        break;
    }
}

static void plant_once(enum plant_kind kind, uint32_t index, rng_t *r, val_t *secret, val_t *aux)
{
    switch (kind) {
    case PK_AWS:
        val_cat(aux, "AKIA");
        val_rand(aux, r, B32UPPER, 16);
        val_rand(secret, r, AWS_SECRET, 40);
        break;
    case PK_GITHUB: ghp_body(r, secret); break;
    case PK_OPENAI: openai_body(r, secret); break;
    case PK_ANTHROPIC:
        val_cat(secret, "sk-ant-api03-");
        val_rand(secret, r, URLSAFE, 93);
        val_cat(secret, "AA");
        break;
    case PK_SLACK:
        val_cat(secret, "xoxb-");
        digits(secret, r, 10 + rng_below(r, 4));
        val_chr(secret, '-');
        digits(secret, r, 10 + rng_below(r, 4));
        val_chr(secret, '-');
        val_rand(secret, r, ALNUM, 24);
        break;
    case PK_STRIPE: stripe_body(r, secret); break;
    case PK_GOOGLE:
        val_cat(secret, "AIza");
        val_rand(secret, r, URLSAFE, 35);
        break;
    case PK_SENDGRID:
        val_cat(secret, "SG.");
        val_rand(secret, r, URLSAFE, 22);
        val_chr(secret, '.');
        val_rand(secret, r, URLSAFE, 43);
        break;
    case PK_JWT: jwt_body(r, secret); break;
    case PK_POSTGRES:
        val_rand(secret, r, ALNUM, 16 + rng_below(r, 9));
        val_cat(aux, "postgres://svc_user:");
        val_catn(aux, secret->b, secret->n);
        val_cat(aux, "@db-internal:5432/app");
        break;
    case PK_RSA: rsa_block(r, secret); break;
    case PK_EMAIL: email_body(r, secret); break;
    case PK_PHONE:
    default: phone_body(r, index, secret); break;
    }
}

void plant_value(enum plant_kind kind, uint32_t index, val_t *secret, val_t *aux)
{
    rng_t r = rng_seeded(0x1ab5eed00 + (uint64_t)kind, index);
    do {
        val_reset(secret);
        val_reset(aux);
        plant_once(kind, index, &r, secret, aux);
    } while (placeholderish(secret->b) || placeholderish(aux->b));
}

/* How the value reads inside an environment dump, a config line or a message. */
static void inline_form(enum plant_kind kind, const val_t *s, const val_t *aux, uint32_t style, val_t *o)
{
    static const char *env[PK_COUNT] = {
        [PK_GITHUB] = "GITHUB_TOKEN=",       [PK_OPENAI] = "OPENAI_API_KEY=",    [PK_ANTHROPIC] = "ANTHROPIC_API_KEY=",
        [PK_SLACK] = "SLACK_BOT_TOKEN=",     [PK_STRIPE] = "STRIPE_SECRET_KEY=", [PK_GOOGLE] = "GOOGLE_API_KEY=",
        [PK_SENDGRID] = "SENDGRID_API_KEY=", [PK_JWT] = "SESSION_TOKEN=",        [PK_EMAIL] = "NOTIFY_EMAIL=",
        [PK_PHONE] = "ONCALL_PHONE="};
    switch (kind) {
    case PK_AWS:
        val_cat(o, style == 2 ? "[default]\naws_access_key_id=" : "aws_access_key_id=");
        val_catn(o, aux->b, aux->n);
        val_cat(o, style == 2 ? "\naws_secret_access_key=" : " aws_secret_access_key=");
        val_catn(o, s->b, s->n);
        if (style == 2)
            val_cat(o, "\nregion=us-east-1");
        return;
    case PK_POSTGRES: val_catn(o, aux->b, aux->n); return;
    case PK_RSA: val_catn(o, s->b, s->n); return;
    default:
        val_cat(o, env[kind]);
        val_catn(o, s->b, s->n);
        return;
    }
}

static const char *CHAT_LEAD[] = {
    "why does this not work? ",
    "can you check my config: ",
    "I keep getting 401 with ",
    "is it safe to share this? ",
    "fix the deploy script, current env is ",
    "my teammate sent me ",
};

void plant_in_context(enum plant_kind kind, uint32_t index, uint32_t style, const char **key, val_t *o)
{
    val_t s, aux;
    plant_value(kind, index, &s, &aux);
    val_reset(o);
    style %= 4;
    if (style == 3 && kind != PK_RSA) {
        /* a user pasting the value into a chat turn (JSON, as the API logs it) */
        val_t in;
        val_reset(&in);
        if (kind >= PK_NSECRET)
            val_cat(&in, "please update my contact details to "), val_catn(&in, s.b, s.n);
        else
            val_cat(&in, CHAT_LEAD[index % (sizeof CHAT_LEAD / sizeof CHAT_LEAD[0])]),
                inline_form(kind, &s, &aux, 0, &in);
        *key = "prompt";
        val_cat(o, "{\"role\":\"user\",\"content\":\"");
        val_catn(o, in.b, in.n);
        val_cat(o, "\"}");
        return;
    }
    switch (kind) {
    case PK_AWS:
        *key = style == 0 ? "env" : style == 1 ? "error" : "config";
        if (style == 1)
            val_cat(o, "botocore.exceptions.ClientError: SignatureDoesNotMatch (");
        else if (style == 0)
            val_cat(o, "AWS_REGION=eu-west-1 ");
        inline_form(kind, &s, &aux, style, o);
        if (style == 1)
            val_chr(o, ')');
        return;
    case PK_POSTGRES:
        *key = style == 0 ? "env" : style == 1 ? "error" : "config";
        val_cat(o, style == 0 ? "DATABASE_URL=" : style == 1 ? "could not connect to " : "dsn: ");
        val_catn(o, aux.b, aux.n);
        if (style == 1)
            val_cat(o, ": connection refused");
        return;
    case PK_RSA:
        *key = style == 0 ? "tls_private_key" : style == 1 ? "config" : "message";
        if (style == 1)
            val_cat(o, "# key material loaded from vault\n");
        else if (style != 0)
            val_cat(o, "loaded signing key:\n");
        val_catn(o, s.b, s.n);
        if (style == 1)
            val_cat(o, "\n# end");
        return;
    case PK_EMAIL:
        *key = style == 0 ? "email" : style == 1 ? "message" : "customer";
        if (style == 2) {
            char first[16];
            snprintf(first, sizeof first, "%s", FIRST[index % (sizeof FIRST / sizeof FIRST[0])]);
            first[0] = (char)(first[0] - 'a' + 'A');
            val_cat(o, first), val_cat(o, " <");
        }
        val_cat(o, style == 1 ? "password reset link sent to " : "");
        val_catn(o, s.b, s.n);
        if (style == 2)
            val_chr(o, '>');
        return;
    case PK_PHONE:
        *key = style == 0 ? "phone" : style == 1 ? "message" : "billing_contact";
        val_cat(o, style == 1 ? "sms verification code sent to " : style == 2 ? "tel: " : "");
        val_catn(o, s.b, s.n);
        return;
    default: break;
    }
    /* token-shaped kinds */
    if (style == 0) {
        *key = "env";
        inline_form(kind, &s, &aux, 0, o);
        return;
    }
    if (style == 1) {
        *key = "upstream_headers";
        val_cat(o, kind == PK_ANTHROPIC ? "content-type: application/json\nx-api-key: "
                   : kind == PK_GITHUB  ? "accept: application/vnd.github+json\nauthorization: token "
                                        : "content-type: application/json\nauthorization: Bearer ");
        val_catn(o, s.b, s.n);
        return;
    }
    *key = "message";
    switch (kind) {
    case PK_GITHUB:
        val_cat(o, "git clone https://"), val_catn(o, s.b, s.n);
        val_cat(o, "@github.com/acme-corp/infra-deploy.git failed: exit status 128");
        break;
    case PK_GOOGLE:
        val_cat(o, "GET https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=");
        val_catn(o, s.b, s.n), val_cat(o, " -> 403");
        break;
    case PK_STRIPE: val_cat(o, "payments init: stripe.api_key = '"), val_catn(o, s.b, s.n), val_chr(o, '\''); break;
    case PK_JWT: val_cat(o, "token rejected (expired): "), val_catn(o, s.b, s.n); break;
    case PK_SLACK:
        val_cat(o, "POST https://slack.com/api/chat.postMessage token="), val_catn(o, s.b, s.n);
        val_cat(o, " channel=#oncall ok=false");
        break;
    default: val_cat(o, "fallback provider configured with key "), val_catn(o, s.b, s.n); break;
    }
}

/* Stand-alone keys for the small tables: same formats, their own random streams. */
void openai_key(rng_t *r, val_t *v)
{
    do {
        val_reset(v);
        openai_body(r, v);
    } while (placeholderish(v->b));
}

void stripe_key(rng_t *r, val_t *v)
{
    do {
        val_reset(v);
        stripe_body(r, v);
    } while (placeholderish(v->b));
}

void github_pat(rng_t *r, val_t *v)
{
    do {
        val_reset(v);
        ghp_body(r, v);
    } while (placeholderish(v->b));
}

void fake_person(rng_t *r, val_t *name, val_t *email)
{
    const char *f = PICK(r, FIRST), *l = PICK(r, LAST);
    val_reset(name);
    val_reset(email);
    val_chr(name, (char)(f[0] - 'a' + 'A')), val_cat(name, f + 1), val_chr(name, ' ');
    val_chr(name, (char)(l[0] - 'a' + 'A')), val_cat(name, l + 1);
    val_cat(email, f), val_chr(email, '.'), val_cat(email, l), val_u64(email, rng_below(r, 10000));
    val_chr(email, '@'), val_cat(email, PICK(r, MAILDOM));
}
