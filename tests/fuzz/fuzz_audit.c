/* libFuzzer harness for the configuration auditors (src/audit): the first byte picks the parser
 * (ClickHouse XML/YAML tree + audit, redis.conf, postgresql.conf/pg_hba.conf, my.cnf), the rest
 * is the file; a second ClickHouse tree is merged over the first when the input holds a 0x01. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/ch_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 20))
        return 0;
    static const enum ls_audit_type types[] = {LS_AUDIT_CLICKHOUSE, LS_AUDIT_REDIS, LS_AUDIT_POSTGRES, LS_AUDIT_MYSQL};
    static const char *const names[] = {"config.xml", "redis.conf", "pg_hba.conf", "my.cnf"};
    unsigned k = data[0] % 5;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    if (k == 4) { /* the merge */
        const char *sep = memchr(buf, 1, len);
        size_t a = sep ? (size_t)(sep - buf) : len;
        char err[256];
        struct ch_node *b = ch_parse("a", buf, a, err, sizeof err);
        struct ch_node *o = sep ? ch_parse("b", sep + 1, len - a - 1, err, sizeof err) : NULL;
        if (b && o)
            ch_merge(b, o);
        else
            ch_node_free(o);
        ch_node_free(b);
        return 0;
    }
    struct ls_audit au;
    ls_audit_init(&au, NULL, NULL);
    ls_audit_buffer(&au, names[k], buf, len, types[k]);
    ls_audit_free(&au);
    return 0;
}
