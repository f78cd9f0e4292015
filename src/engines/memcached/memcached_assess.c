/* Memcached severity, risks and remediation from what the steps found. No login with items (or
 * secrets) is critical, an empty cache high; anyone may overwrite or flush the cache (medium, never
 * tried); a UDP port is the reflection/amplification attack (high); the ascii `shutdown` command
 * enabled (-A) is medium. A server that demands a login (auth file or SASL) is low.
 * One CVE is named, only with UDP on and a version before 1.5.6: CVE-2018-1000115 (NVD: UDP
 * network amplification in 1.5.5, "fixed in 1.5.6 due to the disabling of the UDP protocol by
 * default"; the memcached commit dbb7a8af9 "disable UDP port by default" is first in tag 1.5.6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/memcached/memcached_int.h"
#include "util/fmt.h"
#include "util/strbuf.h"

/* version < 1.5.6 (major.minor.patch); false when it cannot tell. */
static bool before_1_5_6(const char *v)
{
    unsigned a, b, c;
    if (sscanf(v, "%u.%u.%u", &a, &b, &c) != 3)
        return false;
    return a < 1 || (a == 1 && (b < 5 || (b == 5 && c < 6)));
}

static void risk_udp(struct ls_service *svc, const struct mc_facts *f)
{
    char ev[400];
    struct ls_strbuf b;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b,
                 "stats settings: udpport %llu; a spoofed UDP get or stats is answered to the victim's address with "
                 "up to ~50,000 times the request's size (not tried)",
                 (unsigned long long)f->udpport.v);
    if (svc->version[0] && before_1_5_6(svc->version))
        ls_sb_printf(&b, "; version %s is affected by CVE-2018-1000115 (UDP on by default before 1.5.6)", svc->version);
    ls_service_add_risk(svc, "MEMCACHED-UDP-AMPLIFICATION", LS_SEV_HIGH,
                        "UDP is on: the server can be used for reflection/amplification attacks", ev);
}

static void assess_open(struct ls_session *s, const struct mc_facts *f)
{
    struct ls_service *svc = &s->svc;
    char ev[512], title[200], num[LS_FMT_NUM];
    struct ls_strbuf b;
    unsigned found = ls_sampled_classes(svc);
    uint64_t items = ls_service_rows(svc);
    svc->severity = items > 0 || (found & LS_CLASS_SECRETS) ? LS_SEV_CRITICAL : LS_SEV_HIGH;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "%s answered without a login%s%s",
                 f->binary_only ? "binary VERSION and STAT" : "version, stats and stats items",
                 svc->version[0] ? "; version " : "", svc->version);
    ls_service_add_risk(svc, "MEMCACHED-NOAUTH", svc->severity, "Memcached answers commands without a login", ev);
    if (items > 0) {
        snprintf(title, sizeof title, "%s cached items are readable by anyone who can connect",
                 ls_fmt_thousands(items, num));
        ls_sb_init(&b, ev, sizeof ev);
        for (size_t i = 0; i < svc->ntables && i < 8; i++)
            ls_sb_printf(&b, "%s%s: %s items", i ? ", " : "", svc->tables[i].name,
                         ls_fmt_thousands(svc->tables[i].rows, num));
        ls_sb_mark_cut(&b, ", …");
        ls_service_add_risk(svc, "MEMCACHED-DATA-EXPOSED", LS_SEV_CRITICAL, title, ev);
    }
    ls_raise_severity(svc, ls_assess_data_risks(svc, "MEMCACHED", "items", "values", found));
    if (!f->binary_only) {
        bool flush = strcmp(f->flush_enabled, "no") != 0;
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b,
                     "no login: set/replace/delete on any key%s (cache poisoning of sessions and tokens; not tried)",
                     flush ? ", flush_all empties the cache" : "; flush_all is disabled (-F)");
        ls_service_add_risk(svc, "MEMCACHED-WRITE", LS_SEV_MEDIUM, "Anyone can overwrite, delete or flush cached data",
                            ev);
    }
    if (f->udpport.known && f->udpport.v)
        risk_udp(svc, f);
    if (strcmp(f->shutdown_command, "yes") == 0)
        ls_service_add_risk(svc, "MEMCACHED-SHUTDOWN-ENABLED", LS_SEV_MEDIUM,
                            "The shutdown command is enabled: anyone can stop the server",
                            "stats settings: shutdown_command yes (-A)");
    ls_service_add_remediation(svc, "Bind memcached to 127.0.0.1 or an internal address (-l) and firewall 11211 "
                                    "(TCP and UDP) from untrusted networks.");
    if (f->udpport.known && f->udpport.v)
        ls_service_add_remediation(svc, "Turn UDP off with -U 0 (the default since memcached 1.5.6).");
    ls_service_add_remediation(svc, "Require a login where clients support it: SASL (-S, binary protocol) or an "
                                    "auth file (-Y, text protocol); consider -F (no flush_all) and -X (no metadump).");
    ls_service_add_remediation(svc, "Rotate any credentials found in cached values, and avoid caching raw tokens.");
}

void mc_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct mc *m = s->priv;
    static const struct mc_facts none;
    const struct mc_facts *f = m ? &m->facts : &none;
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: assess_open(s, f); break;
    case LS_AUTH_REQUIRED:
        svc->severity = LS_SEV_LOW;
        ls_service_add_risk(svc, "MEMCACHED-REACHABLE", LS_SEV_LOW, "Memcached is reachable; it requires a login",
                            svc->auth_evidence ? svc->auth_evidence : "login required");
        ls_service_add_remediation(svc, "Firewall 11211 from untrusted networks: an auth file's tokens travel in "
                                        "clear text unless TLS (-Z) is on.");
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
}
