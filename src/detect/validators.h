/* Validators and helpers the rules share: CRC32 and base62 (GitHub token checksums), Shannon
 * entropy, the placeholder/documentation reject list, JSON unescaping, and per-rule validators. */
#ifndef LS_DETECT_VALIDATORS_H
#define LS_DETECT_VALIDATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/rules.h"

/* CRC-32/IEEE (reflected 0xEDB88320), the value zlib.crc32 returns. */
uint32_t ls_crc32(const void *p, size_t n);
/* x in base62 (0-9A-Za-z), most significant digit first, left-padded with '0' to 6 digits. */
void ls_base62_6(uint32_t x, char out[6]);
/* Shannon entropy in bits per byte. */
double ls_entropy(const char *s, size_t n);
/* Documentation samples and placeholders: EXAMPLE, xxxx, ****, ${…}, <your-…>, your_api_key,
 * dummy, changeme, … (case-insensitive). */
bool ls_is_placeholder(const char *s, size_t n);

/* Decodes JSON string escapes (\" \\ \/ \b \f \n \r \t \uXXXX incl. surrogate pairs, as UTF-8)
 * into out (room for n bytes suffices: decoding never grows). Unknown or truncated escapes are
 * copied as they are. Returns the decoded length. */
size_t ls_json_unescape(const char *s, size_t n, char *out);
bool ls_has_backslash(const char *s, size_t n);

/* Quick pre-checks (ls_quick_fn): an assignment sign, or enough digits, shortly after e. */
bool ls_q_assign(const char *buf, size_t len, size_t e);
bool ls_q_email(const char *buf, size_t len, size_t e);
bool ls_q_plus_digit(const char *buf, size_t len, size_t e);
bool ls_q_digits8(const char *buf, size_t len, size_t e);
bool ls_q_digits10(const char *buf, size_t len, size_t e);
bool ls_q_phone_word(const char *buf, size_t len, size_t e);
bool ls_q_digits13(const char *buf, size_t len, size_t e);

/* Rule validators (see rules_*.c for where each applies). */
bool ls_v_github_checksum(const struct ls_vctx *c);
bool ls_v_jwt(const struct ls_vctx *c);
bool ls_v_db_password(const struct ls_vctx *c);
bool ls_v_private_key(const struct ls_vctx *c);
bool ls_v_generic_secret(const struct ls_vctx *c);
/* generic-password-assignment (generic_value.c): references, names, paths and placeholders out */
bool ls_v_generic_password(const struct ls_vctx *c);
/* ls_q_assign from the prefilter's last byte, which may be the sign itself ("pass=") */
bool ls_q_generic_assign(const char *buf, size_t len, size_t e);
bool ls_v_email(const struct ls_vctx *c);
bool ls_v_phone(const struct ls_vctx *c);
bool ls_v_card(const struct ls_vctx *c);
bool ls_v_iban(const struct ls_vctx *c);
bool ls_v_basic_auth(const struct ls_vctx *c);
bool ls_v_putty(const struct ls_vctx *c);

#endif
