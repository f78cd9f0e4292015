/* Target and port-list parsing: addresses, CIDR blocks, host names, host:port and @file lists.
 *
 * Accepted TARGET syntax (nothing is resolved, nothing touches the network):
 *   IPv4       strict dotted quad "a.b.c.d", each part decimal 0-255. A part with a leading zero
 *              ("010") is an error: inet_aton() would read it as octal, so it is ambiguous.
 *              Fewer parts ("1.2.3"), hex, or anything made only of digits and dots that is not
 *              a dotted quad is an error, never a host name.
 *   IPv6       RFC 4291 text: 8 groups of 1-4 hex digits, at most one "::", optional trailing
 *              embedded IPv4 ("::ffff:1.2.3.4"). Zone ids ("fe80::1%eth0") are rejected.
 *   CIDR       ADDR/LEN, LEN decimal without leading zeros, 1-32 (v4) or 1-128 (v6); /0 is an
 *              error. Host bits are cleared. A block of more than LS_MAX_EXPANDED_ADDRS addresses
 *              (v4 shorter than /8, v6 shorter than /104) is an error. The block includes its
 *              network and broadcast addresses.
 *   NAME       RFC 1123: labels of letters, digits and '-', 1-63 bytes, not starting or ending with
 *              '-', total <= 253 bytes plus an optional trailing dot. '_' is an error. In a dotted
 *              name the last label must start with a letter (so "1.2.3.4x" and "x.1.2.3" are
 *              errors, while "10.0.0.1.nip.io" and single labels like "localhost" are fine).
 *   RANGE      A-B: two IPv4 or two IPv6 addresses (same family), A <= B, both included, at most
 *              LS_MAX_EXPANDED_ADDRS addresses ("10.0.0.1-10.0.0.9", "::1-::ff", "[::1-::ff]:80").
 *              Backwards ranges and mixed families are errors.
 *   Port       "HOST:PORT" where HOST is an IPv4 address, IPv4 CIDR or name; "[V6]:PORT",
 *              "[V6]", "[V6/LEN]" and "[V6/LEN]:PORT" for IPv6. PORT is decimal 1-65535 (leading
 *              zeros are read as decimal). A port on a CIDR applies to every address in it
 *              ("127.0.0.0/24:8123"). A bare IPv6 literal never carries a port: "::1:8123" is the
 *              address ::1:8123; write "[::1]:8123". Brackets are only for IPv6.
 *   @FILE      one target per line; '#' starts a comment (anywhere on the line), blank lines and
 *              surrounding whitespace are ignored; lines longer than 4096 bytes, NUL bytes and
 *              nested @file lines are errors; a file without targets is an error. Any bad line
 *              makes the whole argument an error (exit 2, "file:line: ..."): a scan of the wrong
 *              set of hosts is worse than no scan, so we never silently drop a line.
 *              A @FILE that is not a regular file (FIFO, device, directory, socket) is refused at
 *              once, never read: opening and reading it could block forever or never end.
 *   -          the @FILE format read from stdin (named "stdin" in messages), whatever stdin is.
 * The sum of ls_target_naddrs over a list may not exceed LS_MAX_EXPANDED_ADDRS. On any error the
 * list is left as it was before the call, and err gets one line naming the bad value in quotes,
 * e.g. "bad target '300.1.1.1': not an IPv4 address" or "targets.txt:3: bad target 'x_y': ...".
 * For ADDR/CIDR targets, name holds the address text as given (without brackets or port).
 *
 * Port lists: comma-separated items, each "N", "N-M" (inclusive, N <= M), "db" (the built-in
 * database port set) or "-" (1-65535); spaces around items are ignored. */
#include "core/targets.h"
#include "core/target_names.h"
#include "util/textutil.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TARGET_MAX_LEN 300 /* longest argument worth parsing: a 253-byte name plus ":65535" */
#define FILE_LINE_MAX 4096

/* Strict dotted quad. Sets *leading_zero when that was the only reason for refusing. */
static int parse_v4(const char *s, size_t len, uint8_t out[4], bool *leading_zero)
{
    size_t i = 0;
    bool lz = false;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= len || s[i] != '.')
                return -1;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < len && ls_is_digit(s[i]) && i - start < 4)
            v = v * 10 + (unsigned)(s[i++] - '0');
        size_t nd = i - start;
        if (nd == 0 || nd > 3 || v > 255)
            return -1;
        if (nd > 1 && s[start] == '0')
            lz = true;
        out[part] = (uint8_t)v;
    }
    if (i != len)
        return -1;
    if (lz && leading_zero)
        *leading_zero = true;
    return lz ? -1 : 0;
}

static int parse_v6(const char *s, size_t len, uint8_t out[16])
{
    uint16_t g[8];
    int ng = 0, gap = -1;
    size_t i = 0;
    if (len < 2 || len > 45)
        return -1;
    if (s[0] == ':') {
        if (s[1] != ':')
            return -1;
        gap = 0;
        i = 2;
    }
    while (i < len) {
        size_t start = i;
        unsigned v = 0;
        while (i < len && ls_hexval((unsigned char)s[i]) >= 0) {
            if (i - start == 4)
                return -1;
            v = v * 16 + (unsigned)ls_hexval((unsigned char)s[i++]);
        }
        if (i == start)
            return -1;
        if (i < len && s[i] == '.') { /* embedded IPv4 ends the address */
            uint8_t q[4];
            bool lz = false;
            if (ng > 6 || parse_v4(s + start, len - start, q, &lz) != 0)
                return -1;
            g[ng++] = (uint16_t)(q[0] << 8 | q[1]);
            g[ng++] = (uint16_t)(q[2] << 8 | q[3]);
            break;
        }
        if (ng == 8)
            return -1;
        g[ng++] = (uint16_t)v;
        if (i == len)
            break;
        if (s[i++] != ':' || i == len)
            return -1;
        if (s[i] == ':') {
            if (gap >= 0)
                return -1;
            gap = ng;
            i++;
        }
    }
    if (gap < 0 ? ng != 8 : ng > 7)
        return -1;
    memset(out, 0, 16);
    int tail = gap < 0 ? 0 : ng - gap;
    for (int k = 0; k < ng; k++) {
        int pos = (gap >= 0 && k >= gap) ? 8 - tail + (k - gap) : k;
        out[2 * pos] = (uint8_t)(g[k] >> 8);
        out[2 * pos + 1] = (uint8_t)g[k];
    }
    return 0;
}

/* RFC 1123 host name. Returns NULL when valid, else the reason. */
static const char *check_name(const char *s, size_t len, char *why, size_t whylen)
{
    if (len > 0 && s[len - 1] == '.')
        len--;
    if (len == 0)
        return "empty host name";
    if (len > 253)
        return "host name longer than 253 characters";
    size_t label = 0, last_start = 0;
    bool dotted = false;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (i == label)
                return "empty label in host name";
            if (i - label > 63)
                return "host name label longer than 63 characters";
            if (s[label] == '-' || s[i - 1] == '-')
                return "host name label starts or ends with '-'";
            if (i < len) {
                dotted = true;
                label = i + 1;
                last_start = i + 1;
            }
            continue;
        }
        char c = s[i];
        if (c == '_')
            return "'_' is not allowed in host names";
        if (!ls_is_alpha(c) && !ls_is_digit(c) && c != '-') {
            unsigned char uc = (unsigned char)c;
            if (uc >= 0x20 && uc < 0x7f)
                snprintf(why, whylen, "invalid character '%c' in host name", c);
            else
                snprintf(why, whylen, "invalid byte 0x%02x in host name", uc);
            return why;
        }
    }
    if (dotted && !ls_is_alpha(s[last_start]))
        return "not an IPv4 address or host name (last label must start with a letter)";
    return NULL;
}

/* Parses "ADDR" or "ADDR/LEN" of the given family into t. Returns NULL or the reason. */
static const char *parse_addr_or_cidr(const char *s, size_t len, int family, struct ls_target *t);

/* a[0..n) - b[0..n) + 1 as a count, saturating at UINT64_MAX; 0 when b > a. */
static uint64_t span_count(const uint8_t *lo, const uint8_t *hi, size_t n)
{
    int c = memcmp(lo, hi, n);
    if (c > 0)
        return 0;
    uint8_t d[16];
    unsigned borrow = 0;
    for (size_t k = n; k-- > 0;) {
        int v = (int)hi[k] - (int)lo[k] - (int)borrow;
        borrow = v < 0;
        d[k] = (uint8_t)(v + (borrow ? 256 : 0));
    }
    for (size_t k = 0; k + 8 < n; k++)
        if (d[k])
            return UINT64_MAX;
    uint64_t v = 0;
    for (size_t k = n > 8 ? n - 8 : 0; k < n; k++)
        v = v << 8 | d[k];
    return v == UINT64_MAX ? v : v + 1;
}

/* "A-B" of the given family (A may also be v4 when family is 0). Returns NULL or the reason. */
static const char *parse_range(const char *s, size_t len, const char *dash, int family, struct ls_target *t)
{
    struct ls_target b;
    size_t alen = (size_t)(dash - s);
    if (alen == 0 || alen + 1 == len)
        return "range needs an address on both sides of '-'";
    const char *r = parse_addr_or_cidr(s, alen, family, t);
    if (r)
        return r;
    memset(&b, 0, sizeof b);
    r = parse_addr_or_cidr(dash + 1, len - alen - 1, t->family, &b);
    if (r)
        return r;
    if (t->kind != LS_TARGET_ADDR || b.kind != LS_TARGET_ADDR)
        return "a range joins two addresses, not CIDR blocks";
    size_t n = t->family == AF_INET ? 4 : 16;
    if (memcmp(t->addr, b.addr, n) > 0)
        return "range start is after its end";
    memcpy(t->addr_end, b.addr, n);
    t->kind = LS_TARGET_RANGE;
    return NULL;
}

static const char *parse_addr_or_cidr(const char *s, size_t len, int family, struct ls_target *t)
{
    const char *dash = memchr(s, '-', len);
    if (dash)
        return parse_range(s, len, dash, family, t);
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    unsigned bits = family == AF_INET ? 32 : 128;
    if (family == AF_INET) {
        bool lz = false;
        if (parse_v4(s, alen, t->addr, &lz) != 0)
            return lz ? "not an IPv4 address (leading zeros are ambiguous)" : "not an IPv4 address";
    } else {
        if (memchr(s, '%', alen))
            return "IPv6 zone ids ('%') are not supported";
        if (parse_v6(s, alen, t->addr) != 0)
            return "not an IPv6 address";
    }
    t->family = family;
    if (!slash) {
        t->kind = LS_TARGET_ADDR;
        t->prefix = (uint8_t)bits;
        return NULL;
    }
    const char *p = slash + 1;
    size_t plen = len - alen - 1;
    unsigned v = 0;
    if (plen == 0 || plen > 3 || (plen > 1 && p[0] == '0'))
        return family == AF_INET ? "bad prefix length (must be 1-32)" : "bad prefix length (must be 1-128)";
    for (size_t i = 0; i < plen; i++) {
        if (!ls_is_digit(p[i]))
            return family == AF_INET ? "bad prefix length (must be 1-32)" : "bad prefix length (must be 1-128)";
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    if (v == 0)
        return "prefix /0 is not allowed";
    if (v > bits)
        return family == AF_INET ? "prefix length must be 1-32" : "prefix length must be 1-128";
    t->kind = LS_TARGET_CIDR;
    t->prefix = (uint8_t)v;
    for (unsigned b = 0; b < bits / 8; b++) {
        if (v >= (b + 1) * 8)
            continue;
        if (v <= b * 8)
            t->addr[b] = 0;
        else
            t->addr[b] &= (uint8_t)(0xff << (8 - (v - b * 8)));
    }
    return NULL;
}

/* Parses one target (no @file). Returns NULL or the reason (possibly written into why); on success
 * s[*name_off..+*name_len) is the text to keep as the target's name. */
static const char *parse_one(const char *s, struct ls_target *t, bool bounded, size_t *name_off, size_t *name_len,
                             char *why, size_t whylen)
{
    size_t len = strlen(s);
    memset(t, 0, sizeof *t);
    if (len == 0)
        return "empty target";
    if (len > TARGET_MAX_LEN)
        return "too long";

    const char *host = s, *port = NULL;
    size_t hlen = len, portlen = 0;
    int family = 0; /* 0: IPv4 or name */
    if (s[0] == '[') {
        const char *rb = memchr(s, ']', len);
        if (!rb)
            return "missing ']'";
        host = s + 1;
        hlen = (size_t)(rb - host);
        family = AF_INET6;
        if (rb[1] == ':') {
            port = rb + 2;
            portlen = len - (size_t)(port - s);
        } else if (rb[1] != '\0') {
            return "unexpected text after ']' (expected ':PORT')";
        }
        if (!memchr(host, ':', hlen))
            return "brackets are only for IPv6 addresses";
    } else {
        const char *c1 = memchr(s, ':', len);
        if (c1 && memchr(c1 + 1, ':', len - (size_t)(c1 - s) - 1)) {
            family = AF_INET6;
        } else if (c1) {
            hlen = (size_t)(c1 - s);
            port = c1 + 1;
            portlen = len - hlen - 1;
            if (hlen == 0)
                return "missing host before ':'";
        }
    }
    if (port) {
        if (portlen == 0)
            return "missing port after ':'";
        if (ls_parse_port_num(port, portlen, &t->port) != 0)
            return "port must be 1-65535";
    }

    const char *reason;
    if (family == AF_INET6 || memchr(host, '/', hlen)) {
        reason = parse_addr_or_cidr(host, hlen, family ? family : AF_INET, t);
    } else {
        bool numeric = true;
        const char *dash = memchr(host, '-', hlen);
        size_t nlen = dash ? (size_t)(dash - host) : hlen; /* "1.2.3.4-1.2.3.9" is a range */
        for (size_t i = 0; i < nlen; i++)
            if (host[i] != '.' && !ls_is_digit(host[i]))
                numeric = false;
        size_t dots = 0;
        for (size_t i = 0; i < nlen; i++)
            dots += host[i] == '.';
        numeric &= nlen > 0 && (!dash || dots == 3);
        if (numeric) {
            reason = parse_addr_or_cidr(host, hlen, AF_INET, t);
        } else {
            reason = check_name(host, hlen, why, whylen);
            if (reason && ls_is_digit(host[0])) {
                /* starts like a dotted quad ("1.2.3.4x", "1.2.3.4 "): call it a bad address */
                size_t i = 0, qd = 0;
                while (i < hlen && (ls_is_digit(host[i]) || host[i] == '.'))
                    qd += host[i++] == '.';
                if (qd == 3)
                    reason = "not an IPv4 address";
            }
            if (!reason) {
                t->kind = LS_TARGET_NAME;
                t->family = 0;
            }
        }
    }
    if (reason)
        return reason;
    if (bounded && t->kind == LS_TARGET_RANGE && ls_target_naddrs(t) > LS_MAX_EXPANDED_ADDRS) {
        snprintf(why, whylen, "range of more than %llu addresses", (unsigned long long)LS_MAX_EXPANDED_ADDRS);
        return why;
    }
    if (bounded && t->kind == LS_TARGET_CIDR) {
        unsigned hostbits = (t->family == AF_INET ? 32u : 128u) - t->prefix;
        if (hostbits >= 64 || (1ull << hostbits) > LS_MAX_EXPANDED_ADDRS) {
            snprintf(why, whylen, "2^%u addresses exceeds the limit of %llu", hostbits,
                     (unsigned long long)LS_MAX_EXPANDED_ADDRS);
            return why;
        }
    }
    *name_off = (size_t)(host - s);
    *name_len = hlen;
    return NULL;
}

static int list_push(struct ls_target_list *l, const struct ls_target *t)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct ls_target *nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = ncap;
    }
    l->v[l->n++] = *t;
    return 0;
}

/* After a list file: gives back the array's unused tail (up to half of it after doubling). */
static void list_shrink(struct ls_target_list *l)
{
    if (l->n == 0 || l->cap - l->n <= l->n / 16)
        return;
    struct ls_target *nv = realloc(l->v, l->n * sizeof *nv);
    if (nv) {
        l->v = nv;
        l->cap = l->n;
    }
}

/* Parses one target string and appends it; prefix ("file:3: ") goes before the message. */
static int add_target(struct ls_target_list *out, const char *s, uint64_t *total, bool bounded, const char *prefix,
                      char *err, size_t errlen)
{
    struct ls_target t;
    char why[160], q[LS_QUOTE_MAX + 8];
    size_t name_off = 0, name_len = 0;
    bool too_much = false;
    const char *reason = parse_one(s, &t, bounded, &name_off, &name_len, why, sizeof why);
    if (!reason) {
        uint64_t n = ls_target_naddrs(&t);
        if (bounded && *total > LS_MAX_EXPANDED_ADDRS - n) {
            snprintf(why, sizeof why, "the target list would exceed %llu addresses",
                     (unsigned long long)LS_MAX_EXPANDED_ADDRS);
            reason = why;
        } else if (!(t.name = ls_name_store(out, s + name_off, name_len, &too_much))) {
            if (too_much)
                snprintf(why, sizeof why, "the target list's text would exceed %u MiB", LS_MAX_TARGET_TEXT >> 20);
            reason = too_much ? why : "out of memory";
        } else if (list_push(out, &t) != 0) {
            reason = "out of memory";
        } else {
            *total += n;
        }
    }
    if (reason) {
        ls_set_err(err, errlen, "%sbad target '%s': %s", prefix, ls_quote(q, sizeof q, s, strlen(s)), reason);
        return -1;
    }
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static const char *file_kind(mode_t m)
{
    return S_ISFIFO(m)   ? "a FIFO"
           : S_ISDIR(m)  ? "a directory"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

/* Opens a list file for reading without ever blocking in open(): O_NONBLOCK (a FIFO without a writer
 * opens at once), fstat of that same descriptor (no window to swap the file), then back to blocking
 * reads. Anything but a regular file is refused: it could block forever or never end. */
static FILE *open_list_file(const char *path, const char *qp, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        ls_set_err(err, errlen, "cannot read target file '%s': %s", qp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        ls_set_err(err, errlen, "cannot read target file '%s': %s, not a regular file (give '-' to read stdin)", qp,
                   file_kind(st.st_mode));
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = fl >= 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        ls_set_err(err, errlen, "cannot read target file '%s': %s", qp, strerror(errno));
        close(fd);
    }
    return f;
}

/* path NULL = stdin */
static int parse_file(struct ls_target_list *out, const char *path, uint64_t *total, bool bounded, char *err,
                      size_t errlen)
{
    char qp[LS_QUOTE_MAX + 8], prefix[LS_QUOTE_MAX + 32];
    ls_quote(qp, sizeof qp, path ? path : "stdin", strlen(path ? path : "stdin"));
    FILE *f = path ? open_list_file(path, qp, err, errlen) : stdin;
    if (!f)
        return -1;
    char *line = malloc(FILE_LINE_MAX + 1);
    if (!line) {
        if (path)
            fclose(f);
        ls_set_err(err, errlen, "%s: out of memory", qp);
        return -1;
    }
    int rc = 0;
    size_t lineno = 0, count = 0;
    for (;;) {
        size_t n = 0;
        bool nul = false, eof = false;
        int c;
        while ((c = getc(f)) != EOF && c != '\n') {
            if (n == FILE_LINE_MAX) {
                ls_set_err(err, errlen, "%s:%zu: line longer than %d bytes", qp, lineno + 1, FILE_LINE_MAX);
                rc = -1;
                goto done;
            }
            nul |= c == '\0';
            line[n++] = (char)c;
        }
        if (c == EOF) {
            if (ferror(f)) {
                ls_set_err(err, errlen, "cannot read target file '%s': %s", qp, strerror(errno));
                rc = -1;
                goto done;
            }
            eof = true;
            if (n == 0)
                break;
        }
        lineno++;
        if (nul) {
            ls_set_err(err, errlen, "%s:%zu: NUL byte in line", qp, lineno);
            rc = -1;
            goto done;
        }
        line[n] = '\0';
        char *hash = memchr(line, '#', n);
        if (hash) {
            *hash = '\0';
            n = (size_t)(hash - line);
        }
        while (n > 0 && is_space(line[n - 1]))
            line[--n] = '\0';
        char *s = line;
        while (is_space(*s))
            s++;
        if (*s) {
            snprintf(prefix, sizeof prefix, "%s:%zu: ", qp, lineno);
            if (*s == '@') {
                char q[LS_QUOTE_MAX + 8];
                ls_set_err(err, errlen, "%sbad target '%s': @file is not allowed inside a target file", prefix,
                           ls_quote(q, sizeof q, s, strlen(s)));
                rc = -1;
                goto done;
            }
            if (add_target(out, s, total, bounded, prefix, err, errlen) != 0) {
                rc = -1;
                goto done;
            }
            count++;
        }
        if (eof)
            break;
    }
    if (count == 0) {
        ls_set_err(err, errlen, "%s: no targets", qp);
        rc = -1;
    }
done:
    free(line);
    if (path)
        fclose(f);
    return rc;
}

static int targets_parse(struct ls_target_list *out, const char *arg, bool bounded, char *err, size_t errlen)
{
    if (!out || !arg) {
        ls_set_err(err, errlen, "bad target: none given");
        return -1;
    }
    size_t n0 = out->n;
    bool was_empty = out->v == NULL;
    struct ls_name_mark mark = ls_name_mark(out);
    uint64_t total = 0;
    for (size_t i = 0; i < out->n; i++) {
        uint64_t k = ls_target_naddrs(&out->v[i]);
        total = total > UINT64_MAX - k ? UINT64_MAX : total + k;
    }
    int rc;
    if (arg[0] == '@') {
        if (arg[1] == '\0') {
            ls_set_err(err, errlen, "bad target '@': missing file name");
            rc = -1;
        } else {
            rc = parse_file(out, arg + 1, &total, bounded, err, errlen);
        }
        if (rc == 0)
            list_shrink(out);
    } else if (strcmp(arg, "-") == 0) {
        rc = parse_file(out, NULL, &total, bounded, err, errlen);
        if (rc == 0)
            list_shrink(out);
    } else {
        rc = add_target(out, arg, &total, bounded, "", err, errlen);
    }
    if (rc != 0) {
        out->n = n0;
        ls_name_rollback(out, &mark);
        if (was_empty) /* leave an unallocated list unallocated */
            ls_target_list_free(out);
    }
    return rc;
}

int ls_targets_parse(struct ls_target_list *out, const char *arg, char *err, size_t errlen)
{
    return targets_parse(out, arg, true, err, errlen);
}

int ls_targets_parse_set(struct ls_target_list *out, const char *arg, char *err, size_t errlen)
{
    return targets_parse(out, arg, false, err, errlen);
}

void ls_target_list_free(struct ls_target_list *l)
{
    if (!l)
        return;
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
    struct ls_name_mark none = {0};
    ls_name_rollback(l, &none);
}

size_t ls_target_list_bytes(const struct ls_target_list *l)
{
    return l ? l->cap * sizeof *l->v + l->name_alloc : 0;
}

uint64_t ls_target_naddrs(const struct ls_target *t)
{
    if (t && t->kind == LS_TARGET_RANGE)
        return span_count(t->addr, t->addr_end, t->family == AF_INET ? 4 : 16);
    if (!t || t->kind != LS_TARGET_CIDR)
        return 1;
    unsigned bits = t->family == AF_INET ? 32 : 128;
    unsigned p = t->prefix > bits ? bits : t->prefix;
    unsigned hostbits = bits - p;
    return hostbits >= 64 ? UINT64_MAX : 1ull << hostbits;
}

int ls_target_addr(const struct ls_target *t, uint64_t i, struct sockaddr_storage *ss, socklen_t *sslen)
{
    if (!t || !ss || t->kind == LS_TARGET_NAME || (t->family != AF_INET && t->family != AF_INET6))
        return -1;
    unsigned bits = t->family == AF_INET ? 32 : 128;
    uint8_t a[16];
    memcpy(a, t->addr, bits / 8);
    if (t->kind == LS_TARGET_CIDR) {
        unsigned p = t->prefix > bits ? bits : t->prefix;
        unsigned hostbits = bits - p;
        if (hostbits < 64 && i >= (1ull << hostbits))
            return -1;
        for (unsigned b = 0; b < bits / 8; b++) { /* clear host bits, then OR the index in */
            if (p <= b * 8)
                a[b] = 0;
            else if (p < (b + 1) * 8)
                a[b] &= (uint8_t)(0xff << (8 - (p - b * 8)));
        }
        for (unsigned k = bits / 8; k-- > 0 && i;) {
            a[k] |= (uint8_t)(i & 0xff);
            i >>= 8;
        }
    } else if (t->kind == LS_TARGET_RANGE) {
        if (i >= ls_target_naddrs(t))
            return -1;
        unsigned carry = 0;
        for (unsigned k = bits / 8; k-- > 0 && (i || carry);) {
            unsigned v = a[k] + (unsigned)(i & 0xff) + carry;
            a[k] = (uint8_t)v;
            carry = v >> 8;
            i >>= 8;
        }
    } else if (i != 0) {
        return -1;
    }
    memset(ss, 0, sizeof *ss);
    if (t->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, a, 4);
        if (sslen)
            *sslen = sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        memcpy(&sin6->sin6_addr, a, 16);
        if (sslen)
            *sslen = sizeof *sin6;
    }
    return 0;
}
