/* A bounded parser and builder for the PostgreSQL frontend/backend protocol v3 (the part a
 * read-only client needs): framing of backend messages (type byte + int32 length), the
 * authentication request, ErrorResponse/NoticeResponse fields, ParameterStatus, RowDescription,
 * DataRow and CommandComplete; and the StartupMessage, SSLRequest, Query and Terminate a client
 * sends. Pure functions over byte buffers, no I/O: the engine feeds it what the socket gave, the
 * fuzz harness (tests/fuzz/fuzz_pgwire.c) feeds it anything. Every length is checked against the
 * bytes at hand before it is used. */
#ifndef LS_ENGINES_POSTGRES_PGWIRE_H
#define LS_ENGINES_POSTGRES_PGWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pgw_status { PGW_OK = 0, PGW_NEED_MORE = 1, PGW_BAD = 2 };

/* One backend message: `body` points into the caller's buffer (len bytes, without the header). */
struct pgw_msg {
    char type;
    const char *body;
    size_t len;
};

/* Frames the message at buf[0..avail). PGW_OK: *m is set and *used is its whole size (header
 * included). PGW_NEED_MORE: *used is the size needed so far (5, or the whole message once the
 * header is in). PGW_BAD: not a v3 backend message (unknown type byte, length < 4 or > max_len);
 * err says why. */
enum pgw_status pgw_frame(const char *buf, size_t avail, size_t max_len, struct pgw_msg *m, size_t *used, char *err,
                          size_t errn);

/* Authentication request ('R'): code 0 ok, 2 Kerberos, 3 cleartext, 5 MD5, 7 GSS, 9 SSPI, 10 SASL
 * (mechanisms in `mechs`, comma-separated), 8/11/12 continuation messages. */
enum {
    PGW_AUTH_OK = 0,
    PGW_AUTH_KRB5 = 2,
    PGW_AUTH_CLEARTEXT = 3,
    PGW_AUTH_MD5 = 5,
    PGW_AUTH_GSS = 7,
    PGW_AUTH_GSS_CONT = 8,
    PGW_AUTH_SSPI = 9,
    PGW_AUTH_SASL = 10,
    PGW_AUTH_SASL_CONT = 11,
    PGW_AUTH_SASL_FINAL = 12
};
struct pgw_auth {
    uint32_t code;
    char mechs[128];
};
/* 0 when m is a well-formed authentication request (the length fits its code), else -1. */
int pgw_parse_auth(const struct pgw_msg *m, struct pgw_auth *a);
/* A phrase for an authentication request other than ok: "a password (SCRAM-SHA-256)", … */
const char *pgw_auth_method(const struct pgw_auth *a);

/* ErrorResponse / NoticeResponse fields (control bytes become '?', long values are cut). */
struct pgw_error {
    char severity[16]; /* V (non-localized) or else S */
    char code[6];      /* SQLSTATE, 5 characters */
    char message[256];
    char detail[256];
    char hint[160];
};
/* 0 when m is well formed (NUL-terminated fields, a final NUL) and carries a 5-character SQLSTATE
 * and a message, as every PostgreSQL server sends; else -1. */
int pgw_parse_error(const struct pgw_msg *m, struct pgw_error *e);
/* "FATAL: password authentication failed for user \"postgres\" (28P01)" into out. */
void pgw_error_text(const struct pgw_error *e, char *out, size_t n);

/* ParameterStatus: name and value (pointers into the message, NUL-terminated). */
int pgw_parse_param(const struct pgw_msg *m, const char **name, const char **value);

/* RowDescription: the column count and, by index, each column name (NUL-terminated in the body). */
int pgw_parse_rowdesc(const struct pgw_msg *m, size_t max_cols, const char **names, size_t *ncols);

/* DataRow: copies the cells into scratch (at least m->len + ncells bytes; pgw_datarow_scratch says
 * how many), each NUL-terminated; cells[i] = NULL with lens[i] = 0 for SQL NULL. -1 if malformed
 * or more than max_cols cells. */
size_t pgw_datarow_scratch(const struct pgw_msg *m);
int pgw_parse_datarow(const struct pgw_msg *m, size_t max_cols, char *scratch, size_t scratch_len, char **cells,
                      size_t *lens, size_t *ncells);

/* CommandComplete / a NUL-terminated single string message: 0 and *tag, else -1. */
int pgw_parse_cstring(const struct pgw_msg *m, const char **tag);

/* Builders: each returns the bytes written into out (0 if cap is too small). */
/* StartupMessage, protocol 3.0, with name/value pairs kv[0..2*npairs). */
size_t pgw_startup(char *out, size_t cap, const char *const *kv, size_t npairs);
size_t pgw_ssl_request(char *out, size_t cap);
size_t pgw_query(char *out, size_t cap, const char *sql);
size_t pgw_terminate(char *out, size_t cap);

/* Appends sql-quoted identifier ("a""b") into out (quote_ident semantics, always quoted); false if it
 * did not fit. */
bool pgw_quote_ident(char *out, size_t cap, size_t *pos, const char *ident);

#endif
