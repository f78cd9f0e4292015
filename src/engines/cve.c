/* Version matching against CVE tables (cve.h): the fix on the version's own release branch
 * decides; a branch without a fix is affected when older than the newest fixed branch; a partial
 * version equal so far is "possibly"; a distribution build below the fix is "possibly" too. */
#include "engines/cve.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engines/assess_common.h"

int ls_version_parse(const char *v, long out[4])
{
    int n = 0;
    if (!v)
        return 0;
    while (n < 4 && isdigit((unsigned char)*v)) {
        char *end;
        out[n++] = strtol(v, &end, 10);
        v = end;
        if (*v != '.')
            break;
        v++;
    }
    return n;
}

const char *ls_version_distro(const char *version)
{
    static const struct {
        const char *mark, *name;
    } marks[] = {{"debian", "Debian"}, {"+deb", "Debian"},     {"ubuntu", "Ubuntu"},
                 {".el", "Red Hat"},   {"red hat", "Red Hat"}, {"+dfsg", "Debian"}};
    if (!version)
        return NULL;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        size_t ml = strlen(marks[i].mark);
        for (const char *p = version; *p; p++)
            if (strncasecmp(p, marks[i].mark, ml) == 0 && (marks[i].mark[0] != '.' || isdigit((unsigned char)p[ml])))
                return marks[i].name;
    }
    return NULL;
}

/* Compares the first k parts (k = min of both counts); *partial when a's parts ran out first
 * while equal so far (the answer depends on parts we do not know). */
static int cmp(const long *a, int na, const long *b, int nb, bool *partial)
{
    int k = na < nb ? na : nb;
    for (int i = 0; i < k; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    *partial = na < nb;
    return 0;
}

static enum ls_cve_verdict upstream(const struct ls_cve *c, const char *version, int bp, char *why, size_t whylen)
{
    long v[4];
    int nv = ls_version_parse(version, v);
    bool partial = false;
    if (nv == 0)
        return LS_CVE_NOT_AFFECTED;
    if (c->introduced) {
        long in[4];
        int ni = ls_version_parse(c->introduced, in);
        if (cmp(v, nv, in, ni, &partial) < 0)
            return LS_CVE_NOT_AFFECTED; /* the code did not exist yet */
    }
    /* the fix on the same release branch decides */
    long hi[4] = {0};
    int nhi = 0;
    for (int i = 0; i < LS_CVE_MAX_FIXES && c->fixed[i]; i++) {
        long f[4];
        int nf = ls_version_parse(c->fixed[i], f);
        bool p = false, same = nv >= bp && nf >= bp;
        for (int k = 0; same && k < bp; k++)
            same = f[k] == v[k];
        if (same) {
            int r = cmp(v, nv, f, nf, &p);
            if (r >= 0 && !p)
                return LS_CVE_NOT_AFFECTED;
            snprintf(why, whylen, p ? "%s: patch level unknown, fixed in %s" : "%s is below the fix %s", version,
                     c->fixed[i]);
            return p ? LS_CVE_POSSIBLY : LS_CVE_AFFECTED;
        }
        if (!nhi || cmp(f, nf, hi, nhi, &p) > 0)
            memcpy(hi, f, sizeof f), nhi = nf;
    }
    if (!nhi)
        return LS_CVE_NOT_AFFECTED;
    /* no fix on this branch: newer than the newest fixed branch means fixed, older is affected */
    partial = false;
    int r = cmp(v, nv < bp ? nv : bp, hi, bp, &partial);
    if (r > 0)
        return LS_CVE_NOT_AFFECTED;
    if (nv < bp && partial) {
        snprintf(why, whylen, "%s: only the major version is known; fixed in %s", version, c->fixed[0]);
        return LS_CVE_POSSIBLY;
    }
    const char *newest = NULL;
    for (int i = 0; i < LS_CVE_MAX_FIXES && c->fixed[i]; i++)
        newest = c->fixed[i];
    if (newest != c->fixed[0])
        snprintf(why, whylen, "%s has no fixed release on its branch (fixed in %s … %s)", version, c->fixed[0], newest);
    else
        snprintf(why, whylen, "%s is below the fix %s", version, c->fixed[0]);
    return LS_CVE_AFFECTED;
}

enum ls_cve_verdict ls_cve_match(const struct ls_cve *c, const char *version, unsigned flags, char *why, size_t whylen)
{
    why[0] = '\0';
    enum ls_cve_verdict m = upstream(c, version, flags & LS_CVE_BRANCH_MAJOR ? 1 : 2, why, whylen);
    if (m != LS_CVE_AFFECTED)
        return m;
    const char *distro = ls_version_distro(version);
    if (!distro && !(flags & LS_CVE_BACKPORTS))
        return m;
    size_t len = strlen(why);
    if (distro)
        snprintf(why + len, whylen - len, "; a %s build may carry the fix without a new version number", distro);
    else
        snprintf(why + len, whylen - len,
                 "; distribution builds backport fixes without changing the version number, and this one shows "
                 "none");
    return LS_CVE_POSSIBLY;
}

size_t ls_cve_add_risks(struct ls_service *svc, const struct ls_cve *tab, size_t n, const char *prefix, unsigned flags)
{
    if (!svc->version[0])
        return 0;
    size_t added = 0;
    char why[300], ev[500], title[300], id[48];
    for (size_t i = 0; i < n; i++) {
        enum ls_cve_verdict m = ls_cve_match(&tab[i], svc->version, flags, why, sizeof why);
        if (m == LS_CVE_NOT_AFFECTED)
            continue;
        snprintf(id, sizeof id, "%s%.*s", prefix, (int)strcspn(tab[i].ids, ","), tab[i].ids);
        snprintf(title, sizeof title, "%s%s: %s%s", tab[i].ids, m == LS_CVE_POSSIBLY ? " (possibly)" : "", tab[i].title,
                 tab[i].preauth ? " — reachable before login" : "");
        if (tab[i].source)
            snprintf(ev, sizeof ev, "%s (source: %s)", why, tab[i].source);
        else
            snprintf(ev, sizeof ev, "%s", why);
        enum ls_severity sev =
            m == LS_CVE_POSSIBLY && tab[i].severity > LS_SEV_LOW ? tab[i].severity - 1 : tab[i].severity;
        /* a password does not stop pre-auth bugs; post-auth ones need an account */
        if (svc->auth == LS_AUTH_REQUIRED && !tab[i].preauth && sev > LS_SEV_LOW)
            sev = LS_SEV_LOW;
        ls_service_add_risk(svc, id, sev, title, ev);
        added++;
        /* DESIGN: a server that demands a password stays low or info; the risk itself says more */
        if (svc->auth == LS_AUTH_NONE || svc->auth == LS_AUTH_DEFAULT_CREDENTIALS)
            ls_raise_severity(svc, sev > LS_SEV_HIGH ? LS_SEV_HIGH : sev);
    }
    return added;
}
