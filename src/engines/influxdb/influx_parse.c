/* InfluxDB 1.x answers read defensively from parsed JSON (see influx_parse.h). */
#include "engines/influxdb/influx_parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/textutil.h"

/* s into out[0..n), cut on a character boundary, control bytes as '?'. */
static void copy_clean(char *out, size_t n, const char *s)
{
    ls_copy_printable_utf8(out, n, s, s && n ? strnlen(s, n - 1) : 0);
}

bool ifx_ping_is_influx(int status, const struct ls_http_response *r, char *version, size_t vn, char *build, size_t bn)
{
    if (vn)
        version[0] = '\0';
    if (bn)
        build[0] = '\0';
    if (!r || (status != 204 && status != 200 && status != 401))
        return false;
    const char *v = ls_http_header(r, "X-Influxdb-Version");
    if (!v || !v[0])
        return false;
    copy_clean(version, vn, v);
    const char *b = ls_http_header(r, "X-Influxdb-Build");
    copy_clean(build, bn, b ? b : "");
    return true;
}

const char *ifx_top_error(const json_t *root)
{
    if (!json_is_object(root))
        return NULL;
    const char *e = json_string_value(json_object_get(root, "error"));
    if (e)
        return e;
    return json_string_value(json_object_get(root, "message"));
}

const json_t *ifx_result(const json_t *root, size_t stmt)
{
    if (!json_is_object(root))
        return NULL;
    const json_t *results = json_object_get(root, "results");
    const json_t *r = json_is_array(results) ? json_array_get(results, stmt) : NULL;
    return json_is_object(r) ? r : NULL;
}

const char *ifx_result_error(const json_t *result)
{
    return json_is_object(result) ? json_string_value(json_object_get(result, "error")) : NULL;
}

static const json_t *series_array(const json_t *result)
{
    const json_t *s = json_is_object(result) ? json_object_get(result, "series") : NULL;
    return json_is_array(s) ? s : NULL;
}

size_t ifx_nseries(const json_t *result)
{
    const json_t *s = series_array(result);
    return s ? json_array_size(s) : 0;
}

const json_t *ifx_series(const json_t *result, size_t i)
{
    const json_t *s = series_array(result);
    const json_t *e = s ? json_array_get(s, i) : NULL;
    return json_is_object(e) ? e : NULL;
}

const char *ifx_series_name(const json_t *series)
{
    const char *n = json_is_object(series) ? json_string_value(json_object_get(series, "name")) : NULL;
    return n ? n : "";
}

static const json_t *member_array(const json_t *series, const char *key)
{
    const json_t *a = json_is_object(series) ? json_object_get(series, key) : NULL;
    return json_is_array(a) ? a : NULL;
}

size_t ifx_ncolumns(const json_t *series)
{
    const json_t *c = member_array(series, "columns");
    return c ? json_array_size(c) : 0;
}

const char *ifx_column(const json_t *series, size_t i)
{
    const json_t *c = member_array(series, "columns");
    return c ? json_string_value(json_array_get(c, i)) : NULL;
}

size_t ifx_nrows(const json_t *series)
{
    const json_t *v = member_array(series, "values");
    return v ? json_array_size(v) : 0;
}

int ifx_column_index(const json_t *series, const char *name)
{
    size_t n = ifx_ncolumns(series);
    for (size_t i = 0; i < n && i < 4096; i++) {
        const char *c = ifx_column(series, i);
        if (c && strcmp(c, name) == 0)
            return (int)i;
    }
    return -1;
}

const json_t *ifx_cell(const json_t *series, size_t r, size_t c)
{
    const json_t *v = member_array(series, "values");
    const json_t *row = v ? json_array_get(v, r) : NULL;
    return json_is_array(row) ? json_array_get(row, c) : NULL;
}

const char *ifx_cell_str(const json_t *series, size_t r, size_t c)
{
    return json_string_value(ifx_cell(series, r, c));
}

size_t ifx_cell_text(const json_t *cell, char *out, size_t n)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    if (!cell)
        return 0; /* a row shorter than its columns */
    switch (json_typeof(cell)) {
    case JSON_STRING: ls_sb_append_n(&b, json_string_value(cell), json_string_length(cell)); break;
    case JSON_INTEGER: ls_sb_printf(&b, "%" JSON_INTEGER_FORMAT, json_integer_value(cell)); break;
    case JSON_REAL: ls_sb_printf(&b, "%.17g", json_real_value(cell)); break;
    case JSON_TRUE: ls_sb_append(&b, "true"); break;
    case JSON_FALSE: ls_sb_append(&b, "false"); break;
    case JSON_ARRAY:
        for (size_t i = 0; i < json_array_size(cell) && i < 256 && ls_sb_room(&b); i++) {
            const json_t *e = json_array_get(cell, i);
            if (json_is_string(e)) {
                ls_sb_append(&b, i ? ", " : "");
                ls_sb_append_n(&b, json_string_value(e), json_string_length(e));
            }
        }
        break;
    default: break; /* null, objects */
    }
    return b.len;
}

bool ifx_count_points(const json_t *result, uint64_t *points, bool *uneven)
{
    *points = 0;
    *uneven = false;
    if (!json_is_object(result) || ifx_result_error(result))
        return false;
    if (ifx_nseries(result) == 0)
        return true;
    const json_t *s = ifx_series(result, 0);
    size_t nc = ifx_ncolumns(s);
    if (!s || nc < 2 || ifx_nrows(s) < 1)
        return false;
    bool seen = false;
    uint64_t first = 0;
    for (size_t c = 0; c < nc && c < 4096; c++) {
        const char *name = ifx_column(s, c);
        if (!name || strncmp(name, "count", 5) != 0)
            continue;
        const json_t *v = ifx_cell(s, 0, c);
        if (json_is_null(v))
            continue;
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return false;
        uint64_t n = (uint64_t)json_integer_value(v);
        if (seen && n != first)
            *uneven = true;
        if (!seen)
            first = n;
        seen = true;
        if (n > *points)
            *points = n;
    }
    return seen;
}

bool ifx_quote_ident(const char *name, char *out, size_t n)
{
    size_t o = 0;
    if (n < 3)
        return false;
    out[o++] = '"';
    for (const char *p = name; *p; p++) {
        bool esc = *p == '"' || *p == '\\';
        if (o + (esc ? 2 : 1) + 2 > n)
            return false;
        if (esc)
            out[o++] = '\\';
        out[o++] = *p;
    }
    out[o++] = '"';
    out[o] = '\0';
    return true;
}

void ifx_strip_userinfo(const char *url, char *out, size_t n, bool *had_userinfo)
{
    *had_userinfo = false;
    char tmp[512];
    struct ls_strbuf b;
    ls_sb_init(&b, tmp, sizeof tmp);
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    size_t auth_len = strcspn(host, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (host[i] == '@')
            at = host + i;
    if (at) {
        *had_userinfo = true;
        ls_sb_append_n(&b, url, (size_t)(host - url));
        ls_sb_append(&b, at + 1);
    } else {
        ls_sb_append(&b, url);
    }
    copy_clean(out, n, tmp);
}

bool ifx_version_below(const char *v, long major, long minor, long patch, bool *below)
{
    long part[3] = {0, 0, 0};
    const char *p = v;
    if (!p || !isdigit((unsigned char)*p))
        return false;
    for (int i = 0; i < 3; i++) {
        long x = 0;
        while (isdigit((unsigned char)*p) && x < 1000000)
            x = x * 10 + (*p++ - '0');
        part[i] = x;
        if (*p != '.' || !isdigit((unsigned char)p[1]))
            break;
        p++;
    }
    long want[3] = {major, minor, patch};
    *below = false;
    for (int i = 0; i < 3; i++)
        if (part[i] != want[i]) {
            *below = part[i] < want[i];
            break;
        }
    return true;
}
