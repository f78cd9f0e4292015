/* Redis severity, risks and remediation from what the steps found. No AUTH with keys (or secrets)
 * is critical, with an empty keyspace high; a readable CONFIG means the well-known file-write
 * attack (CONFIG SET dir/dbfilename + SAVE writes a crontab or authorized_keys) is open — stated,
 * never tried; traces of an earlier attacker (crontab payload keys backup1..4, ransom notes) are
 * critical. A password-protected server is low. No CVEs are claimed: the version alone is shown. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "engines/assess_common.h"
#include "engines/default_creds.h"
#include "engines/redis/redis_cves.h"
#include "engines/redis/redis_int.h"
#include "util/fmt.h"
#include "util/strbuf.h"
#include "util/textutil.h"

/* Case-insensitive search for needle in the first 4 KiB of p[0..len). */
static bool has_word(const char *p, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (len > 4096)
        len = 4096;
    for (size_t i = 0; i + n <= len; i++) {
        size_t j = 0;
        while (j < n && tolower((unsigned char)p[i + j]) == needle[j])
            j++;
        if (j == n)
            return true;
    }
    return false;
}

static bool has_any(const char *p, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (has_word(p, len, *words))
            return true;
    return false;
}

bool redis_compromise_sign(const char *key, size_t klen, const char *value, size_t vlen, char *ev, size_t n)
{
    static const char *const cron[] = {"* * *", "curl ", "wget ", "/bin/sh", "| sh", "|sh", NULL};
    static const char *const note_names[] = {"readme", "recover", "ransom", "warning", "how_to", NULL};
    static const char *const note_words[] = {"bitcoin", "btc", "restore", "recover", "ransom", NULL};
    char name[80], head[120];
    ls_copy_printable(name, sizeof name, key, klen);
    ls_copy_printable(head, sizeof head, value, vlen);
    for (char *c = head; *c; c++)
        if (*c == '?')
            *c = ' ';
    struct ls_strbuf b;
    ls_sb_init(&b, ev, n);
    bool payload_name = klen == 7 && memcmp(key, "backup", 6) == 0 && key[6] >= '1' && key[6] <= '4';
    if (payload_name && has_any(value, vlen, cron)) {
        ls_sb_printf(&b, "key '%s' holds a crontab line (the CONFIG SET dir + SAVE attack's payload): %s", name, head);
        return true;
    }
    if (has_word(value, vlen, "ssh-rsa ") && vlen > 2 && value[0] == '\n' && value[1] == '\n') {
        ls_sb_printf(&b, "key '%s' holds an SSH public key framed by blank lines (an authorized_keys payload)", name);
        return true;
    }
    if (has_any(key, klen, note_names) && has_any(value, vlen, note_words)) {
        ls_sb_printf(&b, "key '%s' looks like a ransom note: %s", name, head);
        return true;
    }
    return false;
}

static void assess_open(struct ls_session *s, const struct redis_posture *p)
{
    struct ls_service *svc = &s->svc;
    char ev[512], title[200], num[LS_FMT_NUM];
    struct ls_strbuf b;
    unsigned found = ls_sampled_classes(svc);
    bool secrets = found & LS_CLASS_SECRETS;
    uint64_t keys = ls_service_rows(svc);
    svc->severity = keys > 0 || secrets ? LS_SEV_CRITICAL : LS_SEV_HIGH;
    ls_sb_init(&b, ev, sizeof ev);
    ls_sb_printf(&b, "INFO server answered without a login%s%s", svc->version[0] ? "; version " : "", svc->version);
    if (svc->auth == LS_AUTH_DEFAULT_CREDENTIALS)
        ls_default_creds_risk(svc, "REDIS", "Redis", svc->severity);
    else
        ls_service_add_risk(svc, "REDIS-NOAUTH", svc->severity, "Redis answers commands without a password", ev);
    if (keys > 0) {
        snprintf(title, sizeof title, "%s keys in %zu databases are readable and writable by anyone who can connect",
                 ls_fmt_thousands(keys, num), svc->ntables);
        ls_sb_init(&b, ev, sizeof ev);
        for (size_t i = 0; i < svc->ntables && i < 8; i++)
            ls_sb_printf(&b, "%s%s: %s keys", i ? ", " : "", svc->tables[i].database,
                         ls_fmt_thousands(svc->tables[i].rows, num));
        ls_sb_mark_cut(&b, ", …");
        ls_service_add_risk(svc, "REDIS-DATA-EXPOSED", LS_SEV_CRITICAL, title, ev);
    }
    ls_assess_data_risks(svc, "REDIS", "keys", "values", found);
    if (p->config_readable) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b,
                     "CONFIG GET answered: dir=%s dbfilename=%s; CONFIG SET dir/dbfilename followed by SAVE "
                     "would write a file as the redis user (a crontab or ~/.ssh/authorized_keys) — not tried",
                     p->dir, p->dbfilename[0] ? p->dbfilename : "?");
        ls_service_add_risk(svc, "REDIS-CONFIG-WRITE", LS_SEV_HIGH,
                            "CONFIG is allowed: the server can be made to write files (crontab, SSH keys)", ev);
    }
    if (p->nopass_users[0]) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "ACL LIST: enabled users with nopass: %s", p->nopass_users);
        ls_service_add_risk(svc, "REDIS-ACL-NOPASS", LS_SEV_HIGH, "ACL users that need no password", ev);
    }
    if (p->module_allowed) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b,
                     "MODULE LIST answered (loaded: %s); MODULE LOAD of a file written through CONFIG SET + SAVE "
                     "would run code in the server",
                     p->modules[0] ? p->modules : "none");
        ls_service_add_risk(svc, "REDIS-MODULE-COMMAND", LS_SEV_HIGH, "MODULE commands are enabled", ev);
    }
    if (p->role[0]) {
        ls_sb_init(&b, ev, sizeof ev);
        ls_sb_printf(&b, "INFO replication: role=%s", p->role);
        if (p->connected_slaves)
            ls_sb_printf(&b, ", %llu connected replicas", (unsigned long long)p->connected_slaves);
        if (p->master_host[0])
            ls_sb_printf(&b, ", master %s", p->master_host);
        ls_sb_append(&b, "; REPLICAOF would let anyone make it copy an attacker's data set (not tried)");
        ls_service_add_risk(svc, "REDIS-REPLICATION", LS_SEV_INFO, "Replication role and peers revealed", ev);
    }
    if (strcmp(p->protected_mode, "no") == 0)
        ls_service_add_risk(svc, "REDIS-PROTECTED-MODE-OFF", LS_SEV_MEDIUM,
                            "protected-mode is off: without a password Redis serves every network",
                            "CONFIG GET protected-mode: no");
    ls_service_add_remediation(
        svc, "Require authentication: the requirepass setting (or ACL users with strong passwords and "
             "'ACL SETUSER default off'), then restart clients with AUTH.");
    ls_service_add_remediation(svc, "Bind Redis to 127.0.0.1 or an internal address (bind ...) and keep "
                                    "protected-mode yes.");
    ls_service_add_remediation(svc, "Disable dangerous commands for the application user: rename-command CONFIG \"\" "
                                    "(and FLUSHALL, FLUSHDB, DEBUG, MODULE, REPLICAOF), or ACL -@dangerous.");
    ls_service_add_remediation(svc, "Firewall 6379/6380 from untrusted networks; rotate any credentials found in "
                                    "keys.");
}

void redis_assess(struct ls_session *s)
{
    struct ls_service *svc = &s->svc;
    struct redis *r = s->priv;
    const struct redis_posture *p = &r->post;
    switch (svc->auth) {
    case LS_AUTH_NONE:
    case LS_AUTH_DEFAULT_CREDENTIALS: assess_open(s, p); break;
    case LS_AUTH_REQUIRED:
        svc->severity = LS_SEV_LOW;
        if (p->protected_denied) {
            ls_service_add_risk(svc, "REDIS-PROTECTED-MODE", LS_SEV_LOW,
                                "Redis runs without a password but protected mode refuses remote clients",
                                svc->auth_evidence ? svc->auth_evidence : "DENIED");
            ls_service_add_remediation(svc, "Set requirepass: protected mode only holds while no bind or "
                                            "protected-mode setting is changed.");
        } else {
            ls_service_add_risk(svc, "REDIS-REACHABLE", LS_SEV_LOW, "Redis is reachable; it requires a password",
                                svc->auth_evidence ? svc->auth_evidence : "NOAUTH");
        }
        ls_service_add_remediation(svc, "Firewall 6379/6380 from untrusted networks; a password alone leaves the "
                                        "server open to guessing.");
        break;
    case LS_AUTH_UNKNOWN: svc->severity = LS_SEV_INFO; break;
    }
    redis_cve_risks(svc);
    if (svc->compromised) {
        svc->severity = LS_SEV_CRITICAL;
        ls_service_add_risk(svc, "REDIS-COMPROMISED", LS_SEV_CRITICAL,
                            "An earlier attacker's traces are stored in the keyspace",
                            svc->compromise_evidence ? svc->compromise_evidence : "compromise sign");
        ls_service_add_remediation(svc, "Treat the host as compromised: check crontabs (/var/spool/cron, /etc/cron.d) "
                                        "and ~/.ssh/authorized_keys of the redis user and root, then rebuild.");
    }
}
