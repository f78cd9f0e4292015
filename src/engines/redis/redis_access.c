/* What the connection's Redis user could do, from the posture probes (model/access.h): Redis has
 * no read-only login, so a user that ran INFO and CONFIG unauthenticated is the default user, who
 * may write unless an ACL says otherwise; a readable CONFIG means CONFIG SET dir/dbfilename + SAVE
 * would write a crontab or authorized_keys (code on the host); MODULE LIST answered means MODULE
 * LOAD is not blocked; +@all includes REPLICAOF and MIGRATE, which connect to other hosts.
 * Stated from what answered, never tried. */
#include "engines/redis/redis_int.h"

void redis_fill_access(struct ls_session *s)
{
    struct redis *r = s->priv;
    const struct redis_posture *p = &r->post;
    struct ls_access *a = &s->svc.access;
    if (p->whoami[0])
        ls_access_user(a, p->whoami);
    bool writes = p->all_commands || p->config_readable;
    ls_access_cap(a, LS_CAP_READ, LS_TRI_YES, "INFO keyspace and SCAN answered on this connection");
    ls_access_cap(a, LS_CAP_WRITE, writes ? LS_TRI_YES : LS_TRI_UNKNOWN,
                  p->all_commands ? "ACL LIST: the connection's user has +@all"
                  : writes        ? "CONFIG GET answered without AUTH (no ACL restricts the default user)"
                                  : NULL);
    ls_access_cap(a, LS_CAP_SCHEMA, p->config_readable ? LS_TRI_YES : LS_TRI_UNKNOWN,
                  p->config_readable ? "CONFIG GET answered: CONFIG SET and ACL SETUSER are in the same reach" : NULL);
    enum ls_tri code = p->config_readable || p->module_allowed ? LS_TRI_YES : LS_TRI_UNKNOWN;
    ls_access_cap(a, LS_CAP_RUN_CODE, code,
                  p->module_allowed    ? "MODULE LIST answered: MODULE LOAD of a shared object is not blocked"
                  : p->config_readable ? "CONFIG SET dir/dbfilename + SAVE would write a crontab or authorized_keys"
                                       : NULL);
    ls_access_cap(a, LS_CAP_READ_FILES, LS_TRI_UNKNOWN, NULL);
    ls_access_cap(a, LS_CAP_REACH_HOSTS, p->all_commands ? LS_TRI_YES : LS_TRI_UNKNOWN,
                  p->all_commands ? "+@all includes REPLICAOF and MIGRATE, which connect to other hosts" : NULL);
    if (p->protected_mode[0])
        ls_access_fact_text(a, "protected_mode", p->protected_mode);
    if (p->role[0])
        ls_access_fact_text(a, "role", p->role);
    if (p->master_host[0])
        ls_access_fact_text(a, "master_host", p->master_host);
    if (p->config_readable) {
        ls_access_fact_text(a, "dir", p->dir);
        ls_access_fact_text(a, "dbfilename", p->dbfilename);
    }
    if (p->module_allowed)
        ls_access_fact_text(a, "modules", p->modules[0] ? p->modules : "none");
    if (p->acl_known)
        ls_access_fact_text(a, "users_without_password", p->nopass_users[0] ? p->nopass_users : "none");
    ls_access_fact_bool(a, "cluster", p->cluster ? LS_TRI_YES : LS_TRI_NO);
    ls_access_basis(a, p->all_commands
                           ? "ACL LIST (the connection's user has +@all), CONFIG GET, MODULE LIST, INFO "
                             "replication; nothing was exercised"
                           : "CONFIG GET, MODULE LIST and INFO answered without AUTH; nothing was exercised");
}
