/* ZooKeeper four-letter-word replies as text (zk_text.h). */
#include <string.h>

#include "engines/zookeeper/zk_text.h"
#include "util/textutil.h"

static bool find(const char *text, size_t len, const char *needle, size_t from)
{
    size_t n = strlen(needle);
    for (size_t i = from; n <= len && i + n <= len; i++)
        if (memcmp(text + i, needle, n) == 0)
            return true;
    return false;
}

bool zk_4lw_refused(const char *text, size_t len, const char *cmd)
{
    static const char tail[] = " is not executed because it is not in the whitelist.";
    size_t cl = strlen(cmd), tl = sizeof tail - 1;
    return len >= cl + tl && memcmp(text, cmd, cl) == 0 && memcmp(text + cl, tail, tl) == 0;
}

bool zk_text_field(const char *text, size_t len, const char *name, char sep, char *out, size_t n)
{
    const char *v;
    size_t vl;
    if (!ls_line_value(text, len, name, sep, &v, &vl))
        return false;
    if (sep == ':' && vl && *v == ' ') { /* "name: value" (srvr, stat) */
        v++;
        vl--;
    }
    ls_copy_printable(out, n, v, vl);
    return true;
}

bool zk_srvr_parse(const char *text, size_t len, char *version, size_t vn, char *build, size_t bn)
{
    static const char head[] = "Zookeeper version: ";
    size_t hl = sizeof head - 1;
    if (vn)
        version[0] = '\0';
    if (bn)
        build[0] = '\0';
    if (len <= hl || memcmp(text, head, hl) != 0 || !find(text, len, "\nMode: ", hl))
        return false;
    const char *v = text + hl, *end = text + len;
    const char *eol = memchr(v, '\n', (size_t)(end - v));
    size_t bl = (size_t)((eol ? eol : end) - v);
    ls_copy_printable(build, bn, v, bl);
    size_t k = 0;
    while (k < bl && ((v[k] >= '0' && v[k] <= '9') || v[k] == '.'))
        k++;
    if (k == 0)
        return false;
    ls_copy_printable(version, vn, v, k);
    return true;
}

bool zk_version_at_least(const char *version, int major, int minor)
{
    int part[2] = {0, 0};
    const char *p = version;
    for (int i = 0; i < 2; i++) {
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9' && part[i] < 100000)
            part[i] = part[i] * 10 + (*p++ - '0');
        if (i == 0 && *p++ != '.')
            return false;
    }
    return part[0] > major || (part[0] == major && part[1] >= minor);
}
