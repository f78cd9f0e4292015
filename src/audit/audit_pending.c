/* Auditors not built yet: the file is named in a note, not audited. */
#include "audit/audit_int.h"

int la_audit_postgres(struct ls_audit *a, const char *path, const char *buf, size_t len)
{
    (void)buf, (void)len;
    la_note(a, path, "PostgreSQL configuration: no auditor yet (skipped)");
    return 0;
}
int la_audit_mysql(struct ls_audit *a, const char *path, const char *buf, size_t len)
{
    (void)buf, (void)len;
    la_note(a, path, "MySQL configuration: no auditor yet (skipped)");
    return 0;
}
int la_audit_clickhouse(struct ls_audit *a, const char *path, const char *buf, size_t len)
{
    (void)buf, (void)len;
    la_note(a, path, "ClickHouse configuration: no auditor yet (skipped)");
    return 0;
}
int la_audit_compose(struct ls_audit *a, const char *path, const char *buf, size_t len)
{
    (void)buf, (void)len;
    la_note(a, path, "docker-compose file: no auditor yet (skipped)");
    return 0;
}
