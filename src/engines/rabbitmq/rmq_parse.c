/* RabbitMQ management API answers, parsed (see rmq_parse.h). Field names are those of the HTTP API
 * reference of the management plugin (rabbitmq.com/management.html and the plugin's
 * priv/www/api/index.html): rabbitmq_version, cluster_name, queue_totals, object_totals, items,
 * total_count, messages, message_bytes, tags. */
#include "engines/rabbitmq/rmq_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

static void copy_str(const json_t *o, const char *key, char *out, size_t n)
{
    const json_t *v = json_object_get(o, key);
    if (n)
        out[0] = '\0';
    if (json_is_string(v) && n)
        snprintf(out, n, "%s", json_string_value(v));
}

/* A non-negative JSON integer (RabbitMQ sends counts as integers). */
static bool get_count(const json_t *o, const char *key, uint64_t *out)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = (uint64_t)json_integer_value(v);
    return true;
}

bool rmq_parse_overview(const json_t *j, struct rmq_overview *o)
{
    memset(o, 0, sizeof *o);
    if (!json_is_object(j) || !json_is_string(json_object_get(j, "rabbitmq_version")))
        return false;
    copy_str(j, "rabbitmq_version", o->version, sizeof o->version);
    copy_str(j, "management_version", o->mgmt_version, sizeof o->mgmt_version);
    copy_str(j, "cluster_name", o->cluster, sizeof o->cluster);
    copy_str(j, "erlang_version", o->erlang, sizeof o->erlang);
    copy_str(j, "node", o->node, sizeof o->node);
    const json_t *qt = json_object_get(j, "queue_totals"), *ot = json_object_get(j, "object_totals");
    bool m = get_count(qt, "messages", &o->messages);
    bool q = get_count(ot, "queues", &o->queues);
    o->totals_known = m && q;
    const json_t *types = json_object_get(j, "exchange_types");
    for (size_t i = 0; json_is_array(types) && i < json_array_size(types); i++) {
        const json_t *name = json_object_get(json_array_get(types, i), "name");
        if (json_is_string(name) && strcmp(json_string_value(name), "x-federation-upstream") == 0)
            o->federation_plugin = true;
    }
    return o->version[0] != '\0';
}

bool rmq_page(const json_t *j, struct rmq_page *p)
{
    p->items = NULL;
    p->total = 0;
    if (json_is_array(j)) {
        p->items = j;
        p->total = json_array_size(j);
        return true;
    }
    const json_t *items = json_object_get(j, "items");
    if (!json_is_array(items))
        return false;
    p->items = items;
    if (!get_count(j, "total_count", &p->total) || p->total < json_array_size(items))
        p->total = json_array_size(items);
    return true;
}

bool rmq_queue_item(const json_t *item, struct rmq_queue *q)
{
    memset(q, 0, sizeof *q);
    const json_t *name = json_object_get(item, "name"), *vhost = json_object_get(item, "vhost");
    if (!json_is_string(name) || !json_is_string(vhost))
        return false;
    q->name = json_string_value(name);
    q->vhost = json_string_value(vhost);
    const json_t *type = json_object_get(item, "type");
    q->type = json_is_string(type) ? json_string_value(type) : NULL;
    q->messages_known = get_count(item, "messages", &q->messages);
    if (!get_count(item, "message_bytes", &q->bytes))
        q->bytes = 0;
    return true;
}

static unsigned tag_bit(const char *t, size_t n)
{
    static const struct {
        const char *name;
        unsigned bit;
    } known[] = {{"administrator", RMQ_TAG_ADMIN},
                 {"policymaker", RMQ_TAG_POLICYMAKER},
                 {"monitoring", RMQ_TAG_MONITORING},
                 {"management", RMQ_TAG_MANAGEMENT}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i].name) == n && memcmp(known[i].name, t, n) == 0)
            return known[i].bit;
    return 0;
}

/* One tag (t[0..n), blanks around it dropped) added to the list. */
static unsigned add_tag(struct ls_strbuf *b, const char *t, size_t n)
{
    while (n && isspace((unsigned char)*t))
        t++, n--;
    while (n && isspace((unsigned char)t[n - 1]))
        n--;
    if (!n)
        return 0;
    if (b->len)
        ls_sb_append(b, ", ");
    ls_sb_append_n(b, t, n);
    return tag_bit(t, n);
}

unsigned rmq_tags(const json_t *tags, char *out, size_t n)
{
    struct ls_strbuf b;
    unsigned bits = 0;
    ls_sb_init(&b, out, n);
    if (json_is_array(tags)) {
        for (size_t i = 0; i < json_array_size(tags) && i < 32; i++) {
            const json_t *t = json_array_get(tags, i);
            if (json_is_string(t))
                bits |= add_tag(&b, json_string_value(t), json_string_length(t));
        }
    } else if (json_is_string(tags)) {
        const char *p = json_string_value(tags), *end = p + json_string_length(tags);
        while (p < end) {
            const char *c = memchr(p, ',', (size_t)(end - p));
            const char *e = c ? c : end;
            bits |= add_tag(&b, p, (size_t)(e - p));
            p = e + 1;
        }
    }
    ls_sb_mark_cut(&b, ", …");
    return bits;
}

char *rmq_value_text(const json_t *v, size_t max)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (text && strlen(text) > max)
        text[max] = '\0';
    return text;
}

/* "scheme://user:password@host[:port][/…]": the host part into hosts when a password is there. */
static bool uri_password(const char *s, size_t len, struct ls_strbuf *hosts)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= len && i < 32; i++)
        if (memcmp(s + i, "://", 3) == 0) {
            sep = s + i + 3;
            break;
        }
    if (!sep)
        return false;
    const char *end = s + len;
    const char *auth_end = sep;
    while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#')
        auth_end++;
    const char *at = NULL;
    for (const char *p = sep; p < auth_end; p++)
        if (*p == '@')
            at = p; /* the last '@' ends the userinfo (RFC 3986 3.2) */
    if (!at)
        return false;
    const char *colon = memchr(sep, ':', (size_t)(at - sep));
    if (!colon || colon + 1 >= at)
        return false; /* no password, or an empty one */
    if (hosts->len)
        ls_sb_append(hosts, ", ");
    ls_sb_append_n(hosts, at + 1, (size_t)(auth_end - at - 1));
    return true;
}

static unsigned walk_uris(const json_t *v, struct ls_strbuf *hosts, int depth)
{
    if (depth > 4)
        return 0;
    if (json_is_string(v))
        return uri_password(json_string_value(v), json_string_length(v), hosts) ? 1 : 0;
    unsigned n = 0;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && i < 256; i++)
            n += walk_uris(json_array_get(v, i), hosts, depth + 1);
    } else if (json_is_object(v)) {
        const char *key;
        const json_t *item;
        size_t k = 0;
        json_object_foreach((json_t *)v, key, item)
        {
            (void)key;
            if (k++ >= 256)
                break;
            n += walk_uris(item, hosts, depth + 1);
        }
    }
    return n;
}

unsigned rmq_uri_passwords(const json_t *value, char *hosts, size_t n)
{
    struct ls_strbuf b;
    ls_sb_init(&b, hosts, n);
    unsigned count = walk_uris(value, &b, 0);
    ls_sb_mark_cut(&b, ", …");
    return count;
}

bool rmq_admin_version(const char *body, size_t len, char *out, size_t n)
{
    static const char key[] = "\nVERSION = '";
    size_t kl = sizeof key - 1;
    if (n)
        out[0] = '\0';
    for (size_t i = 0; i + kl < len; i++) {
        if (memcmp(body + i, key, kl) != 0)
            continue;
        const char *v = body + i + kl;
        size_t vl = 0;
        while (i + kl + vl < len && vl < 32 && (isdigit((unsigned char)v[vl]) || v[vl] == '.'))
            vl++;
        bool closed = i + kl + vl < len && v[vl] == '\'';
        if (!closed || vl == 0 || !isdigit((unsigned char)v[0]) || vl >= n)
            return false;
        memcpy(out, v, vl);
        out[vl] = '\0';
        return true;
    }
    return false;
}

bool rmq_permission_item(const json_t *item, struct rmq_permission *p)
{
    const char *keys[5] = {"user", "vhost", "configure", "write", "read"};
    const char **dst[5] = {&p->user, &p->vhost, &p->configure, &p->write, &p->read};
    for (size_t i = 0; i < 5; i++) {
        const json_t *v = json_object_get(item, keys[i]);
        if (!json_is_string(v))
            return false;
        *dst[i] = json_string_value(v);
    }
    return true;
}
