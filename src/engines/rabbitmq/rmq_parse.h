/* What the RabbitMQ engine reads out of the management API's JSON answers (rabbitmq.com/management.html,
 * "HTTP API"), as pure functions over parsed JSON (jansson) so the unit tests and the fuzzer can
 * drive them without a server: /api/overview, paged lists (/api/queues, /api/vhosts), user tags,
 * runtime parameter values (federation upstreams, shovels) and the passwords in their URIs, and the
 * version line of the rabbitmqadmin script the management plugin serves. Every string copied is
 * cut to its buffer; nothing here allocates except rmq_value_text. */
#ifndef LS_ENGINES_RABBITMQ_RMQ_PARSE_H
#define LS_ENGINES_RABBITMQ_RMQ_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rmq_overview {
    char version[64];      /* rabbitmq_version */
    char mgmt_version[64]; /* management_version */
    char cluster[128];     /* cluster_name */
    char erlang[64];       /* erlang_version */
    char node[128];
    bool totals_known; /* queue_totals.messages and object_totals.queues */
    uint64_t messages;
    uint64_t queues;
    bool federation_plugin; /* exchange_types lists x-federation-upstream */
};

/* True if j is a RabbitMQ overview (an object with a rabbitmq_version string); fills o. */
bool rmq_parse_overview(const json_t *j, struct rmq_overview *o);

/* A list answer: the paged form {"items":[…],"total_count":N,…} (when ?page= was sent) or a plain
 * array. items is borrowed from j; total is the server's total (else the number of items). */
struct rmq_page {
    const json_t *items;
    uint64_t total;
};
bool rmq_page(const json_t *j, struct rmq_page *p);

/* One /api/queues item (columns name, vhost, type, messages, message_bytes); strings borrowed. */
struct rmq_queue {
    const char *vhost, *name, *type;
    uint64_t messages, bytes;
    bool messages_known; /* a lazily started or crashed queue may have no count */
};
bool rmq_queue_item(const json_t *item, struct rmq_queue *q);

/* User tags: an array of strings (3.9+) or one comma-separated string (older). The tags joined by
 * ", " into out; returns the RMQ_TAG_* bits of the tags that grant something. */
#define RMQ_TAG_ADMIN 1u       /* administrator */
#define RMQ_TAG_POLICYMAKER 2u /* policymaker: policies and runtime parameters */
#define RMQ_TAG_MONITORING 4u
#define RMQ_TAG_MANAGEMENT 8u
unsigned rmq_tags(const json_t *tags, char *out, size_t n);

/* A JSON value as compact text with sorted keys, at most max bytes (NULL on failure); free(). */
char *rmq_value_text(const json_t *v, size_t max);

/* URIs ("scheme://user:password@host…") in a runtime parameter value (strings, arrays and objects,
 * nested at most 4 deep) that carry a non-empty password. Returns how many; their host parts
 * (never the userinfo) joined by ", " into hosts. */
unsigned rmq_uri_passwords(const json_t *value, char *hosts, size_t n);

/* The version in the rabbitmqadmin script the management plugin serves at /cli/rabbitmqadmin:
 * its line `VERSION = '3.10.8'`. False if there is none or it does not look like a version. */
bool rmq_admin_version(const char *body, size_t len, char *out, size_t n);

/* The permissions entry of one user on one vhost (/api/permissions items); strings borrowed. */
struct rmq_permission {
    const char *user, *vhost, *configure, *write, *read;
};
bool rmq_permission_item(const json_t *item, struct rmq_permission *p);

#endif
