/* The detection engine's seam: a compiled set of rules (secrets, personal data, chat markers) that
 * scans a byte range and reports each confirmed match. Rules are data compiled into the binary
 * (rules.c); all rules live in one Vectorscan block database, and each hit is confirmed and its
 * capture extracted by PCRE2-JIT in a window bounded by the rule's maximum match length.
 * A detector is immutable after ls_detector_new() and may be shared by threads; each thread
 * passes its own ls_detect_scratch. */
#ifndef LS_DETECT_DETECT_H
#define LS_DETECT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ls_category { LS_CAT_SECRET = 0, LS_CAT_PII, LS_CAT_CHAT };

struct ls_rule {
    const char *id; /* stable id, e.g. "github-classic-pat" */
    enum ls_category category;
    const char *description;
};

struct ls_match {
    const struct ls_rule *rule;
    size_t start, end; /* the secret value itself (the rule's capture, else the whole match) */
};

struct ls_detector;
struct ls_detect_scratch;

/* Returns NULL and a one-line reason in err on failure. */
struct ls_detector *ls_detector_new(char *err, size_t errlen);
/* The same with only the rules of some categories (bit 1u << enum ls_category each), e.g. without
 * the chat markers when only secrets and personal data are reported: less work per byte. Rule
 * indexes and ls_rules() are unchanged. */
#define LS_CATS_ALL 0x7u
struct ls_detector *ls_detector_new_for(unsigned categories, char *err, size_t errlen);
void ls_detector_free(struct ls_detector *d);
/* The longest span a confirmation of this detector can cover, from the start of its search window
 * (back) to the end of a match (max_len): what a streaming caller must carry between blocks. A
 * detector without the chat rules needs ~16 KB instead of ~1 MB. */
size_t ls_detector_reach(const struct ls_detector *d);
struct ls_detect_scratch *ls_detect_scratch_new(const struct ls_detector *d);
void ls_detect_scratch_free(struct ls_detect_scratch *s);
/* After a scan was abandoned by a non-local jump (SIGBUS on a truncated mapped file), makes the
 * scratch usable again. Returns 0 or -1 (out of memory; then free it). */
int ls_detect_scratch_recover(struct ls_detect_scratch *s);

/* Calls cb once per confirmed match, in input order. Returns the number of matches. */
typedef void (*ls_match_cb)(void *ud, const struct ls_match *m, const char *buf, size_t len);
size_t ls_detect_scan(const struct ls_detector *d, struct ls_detect_scratch *s, const char *buf, size_t len,
                      ls_match_cb cb, void *ud);
/* Whether the last ls_detect_scan with s ran out of memory (its result may then be incomplete). */
bool ls_detect_scan_incomplete(const struct ls_detect_scratch *s);
/* Newlines in buf[from, to). The last ls_detect_scan with s indexed the newlines of its buffer on
 * the way (when the detector has short prefilters): for that buffer, unchanged since, this sums
 * the index and counts only the partial blocks at the edges; any other buffer is counted. */
uint64_t ls_detect_newlines(const struct ls_detect_scratch *s, const char *buf, size_t from, size_t to);

/* The prefilter pass of ls_detect_scan alone, without confirmation: calls hit(ud, end) for every
 * offset at which some rule's prefilter match ends (Vectorscan hits, then the short
 * prefilters; an end may be reported more than once). Prefilters have no anchors, word
 * boundaries or lookaround (but for a start-of-range alternative "(?:^|[^...])" and the short
 * prefilters' "(?<![A-Za-z])", which a separator byte before the sub-range satisfies as well), so every hit that
 * ls_detect_scan(buf + a, b - a) would confirm is reported here with an end in (a, b]: a sub-range without such an end
 * is one where ls_detect_scan finds nothing. Batch scanners use this to screen many small cells with one call and
 * confirm only the cells that have hits. Returns the number of hits reported. */
typedef void (*ls_hit_cb)(void *ud, size_t end);
size_t ls_detect_prefilter(const struct ls_detector *d, struct ls_detect_scratch *s, const char *buf, size_t len,
                           ls_hit_cb hit, void *ud);

const char *ls_category_name(enum ls_category c);
/* All rules, for `leakscan rules`. */
const struct ls_rule *ls_rules(size_t *n);

#endif
