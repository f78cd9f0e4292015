/* Port-list parsing for -p LIST: "N", "N-M", "db" (the built-in database port set) and "-"
 * (1-65535), comma-separated; see targets.h for the contract. */
#include "core/targets.h"
#include "engines/catalog.h"
#include "util/textutil.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- port lists ---- */

#define PORT_BITMAP_BYTES (65536 / 8)

static void bit_set(uint8_t *bm, unsigned p)
{
    bm[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static void set_port(uint16_t port, bool tls, void *ud)
{
    (void)tls;
    bit_set(ud, port);
}

/* The `db` set: the default ports of every engine the registry marks for it (engine.h). */
static void set_db_ports(uint8_t *bm)
{
    for (size_t i = 0; ls_engine_descs[i]; i++)
        if (ls_engine_descs[i]->in_db)
            ls_engine_desc_ports(ls_engine_descs[i], set_port, bm);
}

static int bitmap_to_list(const uint8_t *bm, struct ls_port_list *out)
{
    size_t n = 0;
    for (unsigned p = 1; p <= 65535; p++)
        n += (bm[p >> 3] >> (p & 7)) & 1;
    uint16_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return -1;
    size_t k = 0;
    for (unsigned p = 1; p <= 65535; p++)
        if ((bm[p >> 3] >> (p & 7)) & 1)
            v[k++] = (uint16_t)p;
    out->v = v;
    out->n = n;
    return 0;
}

/* Parses one endpoint of a port item; on error names it in err. */
static int port_item_num(const char *s, size_t len, uint16_t *port, char *err, size_t errlen)
{
    char q[LS_QUOTE_MAX + 8];
    if (ls_parse_port_num(s, len, port) == 0)
        return 0;
    bool digits = len > 0;
    for (size_t i = 0; i < len; i++)
        digits &= ls_is_digit(s[i]);
    ls_set_err(err, errlen, "bad port '%s': %s", ls_quote(q, sizeof q, s, len),
               digits ? "must be 1-65535" : "not a number");
    return -1;
}

int ls_ports_parse(struct ls_port_list *out, const char *spec, char *err, size_t errlen)
{
    char q[LS_QUOTE_MAX + 8];
    if (!out)
        return -1;
    out->v = NULL;
    out->n = 0;
    if (!spec || !*spec) {
        ls_set_err(err, errlen, "bad port list '': empty");
        return -1;
    }
    uint8_t *bm = calloc(1, PORT_BITMAP_BYTES);
    if (!bm) {
        ls_set_err(err, errlen, "port list: out of memory");
        return -1;
    }
    const char *p = spec;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *item = p;
        while (len > 0 && (item[0] == ' ' || item[0] == '\t'))
            item++, len--;
        while (len > 0 && (item[len - 1] == ' ' || item[len - 1] == '\t'))
            len--;
        if (len == 0) {
            ls_set_err(err, errlen, "bad port list '%s': empty item", ls_quote(q, sizeof q, spec, strlen(spec)));
            goto fail;
        }
        const char *dash = memchr(item, '-', len);
        if (len == 2 && (item[0] | 0x20) == 'd' && (item[1] | 0x20) == 'b') {
            set_db_ports(bm);
        } else if (len == 1 && item[0] == '-') {
            memset(bm, 0xff, PORT_BITMAP_BYTES);
        } else if (dash) {
            size_t alen = (size_t)(dash - item), blen = len - alen - 1;
            uint16_t a, b;
            if (alen == 0 || blen == 0) {
                ls_set_err(err, errlen, "bad port range '%s': missing %s", ls_quote(q, sizeof q, item, len),
                           alen == 0 ? "start" : "end");
                goto fail;
            }
            if (port_item_num(item, alen, &a, err, errlen) != 0 || port_item_num(dash + 1, blen, &b, err, errlen) != 0)
                goto fail;
            if (a > b) {
                ls_set_err(err, errlen, "bad port range '%s': start is after end", ls_quote(q, sizeof q, item, len));
                goto fail;
            }
            for (unsigned v = a; v <= b; v++)
                bit_set(bm, v);
        } else {
            uint16_t a;
            if (port_item_num(item, len, &a, err, errlen) != 0)
                goto fail;
            bit_set(bm, a);
        }
        if (!end)
            break;
        p = end + 1;
    }
    bm[0] &= 0xfe; /* port 0 is never in a list */
    if (bitmap_to_list(bm, out) != 0) {
        ls_set_err(err, errlen, "port list: out of memory");
        goto fail;
    }
    free(bm);
    return 0;
fail:
    free(bm);
    return -1;
}

/* The list of ports of the named engines, or of the whole `db` set when engines is NULL. */
static int ports_of(struct ls_port_list *out, const char *const *engines)
{
    if (!out)
        return -1;
    out->v = NULL;
    out->n = 0;
    uint8_t *bm = calloc(1, PORT_BITMAP_BYTES);
    if (!bm)
        return -1;
    if (!engines)
        set_db_ports(bm);
    for (const char *const *e = engines; e && *e; e++) {
        const struct ls_engine_desc *d = ls_engine_desc_find(*e);
        if (d)
            ls_engine_desc_ports(d, set_port, bm);
    }
    int rc = bitmap_to_list(bm, out);
    free(bm);
    return rc;
}

int ls_ports_of_engines(struct ls_port_list *out, const char *const *engines)
{
    static const char *const none[] = {NULL};
    return ports_of(out, engines ? engines : none);
}

int ls_ports_default(struct ls_port_list *out)
{
    return ports_of(out, NULL);
}

void ls_port_list_free(struct ls_port_list *l)
{
    if (!l)
        return;
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
