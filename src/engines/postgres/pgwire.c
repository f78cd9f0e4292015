/* The PostgreSQL v3 wire protocol, bounded: framing, the backend messages a read-only client
 * reads, and the few frontend messages it sends (see pgwire.h). */
#include "engines/postgres/pgwire.h"

#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/textutil.h"

static uint32_t be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static uint16_t be16(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint16_t)(u[0] << 8 | u[1]);
}

static void put32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

/* Type bytes of the v3 backend messages. */
static bool backend_type(char t)
{
    return t && strchr("RENSKZTDCIA123nstGHWcdVv", t) != NULL;
}

enum pgw_status pgw_frame(const char *buf, size_t avail, size_t max_len, struct pgw_msg *m, size_t *used, char *err,
                          size_t errn)
{
    if (avail < 1) {
        *used = 5;
        return PGW_NEED_MORE;
    }
    if (!backend_type(buf[0])) {
        snprintf(err, errn, "unknown message type 0x%02x", (unsigned char)buf[0]);
        return PGW_BAD;
    }
    if (avail < 5) {
        *used = 5;
        return PGW_NEED_MORE;
    }
    uint32_t len = be32(buf + 1);
    if (len < 4 || (size_t)len > max_len) {
        snprintf(err, errn, "message length %u out of range", (unsigned)len);
        return PGW_BAD;
    }
    size_t total = (size_t)len + 1;
    if (avail < total) {
        *used = total;
        return PGW_NEED_MORE;
    }
    m->type = buf[0];
    m->body = buf + 5;
    m->len = len - 4;
    *used = total;
    return PGW_OK;
}

/* Length of the NUL-terminated string at p within end; SIZE_MAX if unterminated. */
static size_t cstr_len(const char *p, const char *end)
{
    const char *z = memchr(p, '\0', (size_t)(end - p));
    return z ? (size_t)(z - p) : SIZE_MAX;
}

int pgw_parse_auth(const struct pgw_msg *m, struct pgw_auth *a)
{
    memset(a, 0, sizeof *a);
    if (m->type != 'R' || m->len < 4)
        return -1;
    a->code = be32(m->body);
    size_t rest = m->len - 4;
    switch (a->code) {
    case PGW_AUTH_OK:
    case PGW_AUTH_KRB5:
    case PGW_AUTH_CLEARTEXT:
    case PGW_AUTH_GSS:
    case PGW_AUTH_SSPI: return rest == 0 ? 0 : -1;
    case PGW_AUTH_MD5: return rest == 4 ? 0 : -1;
    case PGW_AUTH_GSS_CONT:
    case PGW_AUTH_SASL_CONT:
    case PGW_AUTH_SASL_FINAL: return 0;
    case PGW_AUTH_SASL: {
        /* mechanism names, each NUL-terminated, then an empty one */
        const char *p = m->body + 4, *end = m->body + m->len;
        struct ls_strbuf b;
        ls_sb_init(&b, a->mechs, sizeof a->mechs);
        size_t n = 0;
        while (p < end) {
            size_t l = cstr_len(p, end);
            if (l == SIZE_MAX)
                return -1;
            if (l == 0)
                return n > 0 && p + 1 == end ? 0 : -1;
            char name[64];
            ls_copy_printable_utf8(name, sizeof name, p, l);
            ls_sb_printf(&b, "%s%s", n ? ", " : "", name);
            n++;
            p += l + 1;
        }
        return -1;
    }
    default: return -1;
    }
}

const char *pgw_auth_method(const struct pgw_auth *a)
{
    switch (a->code) {
    case PGW_AUTH_CLEARTEXT: return "a password (cleartext)";
    case PGW_AUTH_MD5: return "a password (MD5)";
    case PGW_AUTH_SASL: return strstr(a->mechs, "SCRAM-SHA-256") ? "a password (SCRAM-SHA-256)" : "a password (SASL)";
    case PGW_AUTH_KRB5: return "Kerberos V5";
    case PGW_AUTH_GSS: return "GSSAPI";
    case PGW_AUTH_SSPI: return "SSPI";
    default: return "an authentication exchange";
    }
}

int pgw_parse_error(const struct pgw_msg *m, struct pgw_error *e)
{
    memset(e, 0, sizeof *e);
    if ((m->type != 'E' && m->type != 'N') || m->len < 1)
        return -1;
    const char *p = m->body, *end = m->body + m->len;
    bool msg = false;
    char sev_s[16] = "";
    while (p < end && *p) {
        char f = *p++;
        size_t l = cstr_len(p, end);
        if (l == SIZE_MAX)
            return -1;
        switch (f) {
        case 'S': ls_copy_printable_utf8(sev_s, sizeof sev_s, p, l); break;
        case 'V': ls_copy_printable_utf8(e->severity, sizeof e->severity, p, l); break;
        case 'C':
            if (l != 5)
                return -1;
            for (size_t i = 0; i < 5; i++)
                if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'A' && p[i] <= 'Z')))
                    return -1;
            memcpy(e->code, p, 5);
            e->code[5] = '\0';
            break;
        case 'M':
            ls_copy_printable_utf8(e->message, sizeof e->message, p, l);
            msg = true;
            break;
        case 'D': ls_copy_printable_utf8(e->detail, sizeof e->detail, p, l); break;
        case 'H': ls_copy_printable_utf8(e->hint, sizeof e->hint, p, l); break;
        default: break;
        }
        p += l + 1;
    }
    if (p + 1 != end) /* the terminating NUL must be the last byte */
        return -1;
    if (!e->severity[0])
        memcpy(e->severity, sev_s, sizeof sev_s);
    return e->code[0] && msg ? 0 : -1;
}

void pgw_error_text(const struct pgw_error *e, char *out, size_t n)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    if (e->severity[0])
        ls_sb_printf(&b, "%s: ", e->severity);
    ls_sb_append(&b, e->message);
    if (e->code[0])
        ls_sb_printf(&b, " (%s)", e->code);
}

int pgw_parse_param(const struct pgw_msg *m, const char **name, const char **value)
{
    if (m->type != 'S')
        return -1;
    const char *p = m->body, *end = m->body + m->len;
    size_t l = cstr_len(p, end);
    if (l == SIZE_MAX)
        return -1;
    const char *v = p + l + 1;
    size_t vl = cstr_len(v, end);
    if (vl == SIZE_MAX || v + vl + 1 != end)
        return -1;
    *name = p;
    *value = v;
    return 0;
}

int pgw_parse_rowdesc(const struct pgw_msg *m, size_t max_cols, const char **names, size_t *ncols)
{
    if (m->type != 'T' || m->len < 2)
        return -1;
    size_t n = be16(m->body);
    if (n > max_cols)
        return -1;
    const char *p = m->body + 2, *end = m->body + m->len;
    for (size_t i = 0; i < n; i++) {
        size_t l = cstr_len(p, end);
        if (l == SIZE_MAX || (size_t)(end - p) < l + 1 + 18)
            return -1;
        names[i] = p;
        p += l + 1 + 18; /* table oid, attnum, type oid, typlen, typmod, format */
    }
    if (p != end)
        return -1;
    *ncols = n;
    return 0;
}

size_t pgw_datarow_scratch(const struct pgw_msg *m)
{
    return m->len + 1;
}

int pgw_parse_datarow(const struct pgw_msg *m, size_t max_cols, char *scratch, size_t scratch_len, char **cells,
                      size_t *lens, size_t *ncells)
{
    if (m->type != 'D' || m->len < 2 || scratch_len < pgw_datarow_scratch(m))
        return -1;
    size_t n = be16(m->body);
    if (n > max_cols)
        return -1;
    const char *p = m->body + 2, *end = m->body + m->len;
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (end - p < 4)
            return -1;
        uint32_t l = be32(p);
        p += 4;
        if (l == 0xffffffffu) {
            cells[i] = NULL;
            lens[i] = 0;
            continue;
        }
        if ((size_t)(end - p) < l)
            return -1;
        /* each cell keeps its 4 header bytes' worth of room, so l + 1 always fits */
        memcpy(scratch + out, p, l);
        scratch[out + l] = '\0';
        cells[i] = scratch + out;
        lens[i] = l;
        out += l + 1;
        p += l;
    }
    if (p != end)
        return -1;
    *ncells = n;
    return 0;
}

int pgw_parse_cstring(const struct pgw_msg *m, const char **tag)
{
    const char *end = m->body + m->len;
    size_t l = cstr_len(m->body, end);
    if (l == SIZE_MAX || m->body + l + 1 != end)
        return -1;
    *tag = m->body;
    return 0;
}

size_t pgw_startup(char *out, size_t cap, const char *const *kv, size_t npairs)
{
    size_t len = 8 + 1;
    for (size_t i = 0; i < 2 * npairs; i++)
        len += strlen(kv[i]) + 1;
    if (len > cap || len > 10000)
        return 0;
    put32(out, (uint32_t)len);
    put32(out + 4, 196608); /* 3.0 */
    size_t pos = 8;
    for (size_t i = 0; i < 2 * npairs; i++) {
        size_t l = strlen(kv[i]) + 1;
        memcpy(out + pos, kv[i], l);
        pos += l;
    }
    out[pos++] = '\0';
    return pos;
}

size_t pgw_ssl_request(char *out, size_t cap)
{
    if (cap < 8)
        return 0;
    put32(out, 8);
    put32(out + 4, 80877103);
    return 8;
}

size_t pgw_query(char *out, size_t cap, const char *sql)
{
    size_t l = strlen(sql);
    if (cap < l + 6 || l > 0x7fffff00u)
        return 0;
    out[0] = 'Q';
    put32(out + 1, (uint32_t)(l + 5));
    memcpy(out + 5, sql, l + 1);
    return l + 6;
}

size_t pgw_terminate(char *out, size_t cap)
{
    if (cap < 5)
        return 0;
    out[0] = 'X';
    put32(out + 1, 4);
    return 5;
}

bool pgw_quote_ident(char *out, size_t cap, size_t *pos, const char *ident)
{
    size_t p = *pos;
    if (p + 1 >= cap)
        return false;
    out[p++] = '"';
    for (const char *c = ident; *c; c++) {
        size_t need = *c == '"' ? 2 : 1;
        if (p + need + 1 >= cap)
            return false;
        out[p++] = *c;
        if (*c == '"')
            out[p++] = '"';
    }
    if (p + 1 >= cap)
        return false;
    out[p++] = '"';
    out[p] = '\0';
    *pos = p;
    return true;
}
