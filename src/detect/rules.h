/* Internal shape of a detection rule: prefilter variants for the Vectorscan database, PCRE2 confirm
 * patterns, bounds of the confirm window, validator, entropy floor, examples and negative examples. */
#ifndef LS_DETECT_RULES_H
#define LS_DETECT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "detect/detect.h"

/* What a validator sees: the whole scanned buffer, the whole confirmed match [ms, me) and the
 * secret value [vs, ve) (the `v` capture, else the whole match). */
struct ls_vctx {
    const char *buf;
    size_t len;
    size_t ms, me;
    size_t vs, ve;
};
typedef bool (*ls_validator_fn)(const struct ls_vctx *c);

/* Optional cheap test run before PCRE2 for a prefilter hit ending at e (e.g. "a digit run follows
 * the context word"); false skips the confirmation. */
typedef bool (*ls_quick_fn)(const char *buf, size_t len, size_t e);

/* One way a rule can match. `prefilter` is Vectorscan syntax (no lookaround, no backreferences),
 * except that single bytes and caseless words of up to three letters (optionally
 * "(?i)(?<![A-Za-z])(?:tel|sms)") go to the short pass instead (shortscan.h; eight needles in all);
 * it must match inside every confirm match, ending at most `back` bytes after the confirm match's
 * start. `confirm` is PCRE2 syntax; a named group `v` marks the secret value. A confirm match is
 * at most `max_len` bytes long. */
struct ls_rule_variant {
    const char *prefilter;
    const char *confirm;
    unsigned back;
    unsigned max_len;
    ls_quick_fn quick; /* optional */
};

struct ls_rule_example {
    const char *text;  /* input */
    const char *value; /* the expected reported value (raw bytes as in text) */
};

#define LS_MAX_VARIANTS 5

struct ls_rule_def {
    struct ls_rule rule;
    int prio;                                         /* lower wins when confirmations of different rules overlap */
    struct ls_rule_variant variants[LS_MAX_VARIANTS]; /* ends at the first NULL prefilter */
    ls_validator_fn validate;                         /* optional */
    double min_entropy;                               /* bits per byte of the value; 0 = no floor */
    bool no_global_rejects;                           /* skip the placeholder/documentation reject list (chat) */
    const struct ls_rule_example *examples;           /* ends at text == NULL */
    const char *const *negatives;                     /* ends at NULL; must not match this rule */
};

/* Rule groups, one file per vendor family; each array ends with rule.id == NULL. */
extern const struct ls_rule_def ls_rules_vendor[];
extern const struct ls_rule_def ls_rules_cloud[];
extern const struct ls_rule_def ls_rules_ai[];
extern const struct ls_rule_def ls_rules_devtools[];
extern const struct ls_rule_def ls_rules_auth[];
extern const struct ls_rule_def ls_rules_generic[];
extern const struct ls_rule_def ls_rules_pii[];

/* All rule definitions, in the same order as ls_rules(). */
const struct ls_rule_def *ls_rule_def_at(size_t i);
size_t ls_rule_count(void);
/* Index of a rule (from ls_rules()) or of a rule id; (size_t)-1 if unknown. */
size_t ls_rule_index(const struct ls_rule *r);
size_t ls_rule_index_by_id(const char *id);

/* Test hook: Vectorscan scans at most this many bytes per call (hs_scan takes an unsigned int
 * length); longer buffers are scanned in overlapping chunks. Default 1 GiB. */
extern size_t ls_detect_hs_chunk;

/* Reusable lookbehind: the position is not preceded by a token character, or it follows a JSON
 * escape such as \n (so "…\nghp_…" inside JSON still starts a token at the g). */
#define LS_LB_TOKEN "(?:(?<=\\\\[nrt])|(?<![A-Za-z0-9_\\\\-]))"
#define LS_LB_ALNUM "(?:(?<=\\\\[nrt])|(?<![A-Za-z0-9\\\\]))"
#define LS_LA_TOKEN "(?![A-Za-z0-9_-])"

#endif
