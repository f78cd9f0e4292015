/* RabbitMQ as an engine family: its identity for the registry (catalog.h). Its ports are those of
 * its two interfaces: the management HTTP API (rmq_http.c, 15672) and AMQP 0-9-1 (rmq_amqp.c, 5672,
 * fingerprint and version only). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_rabbitmq = {
    .name = "rabbitmq",
    .display = "RabbitMQ",
    .in_db = true,
    .help = "Message broker whose queues carry orders, notifications and tokens. On the management API "
            "(15672): the version, whether it needs a password (it always does; --default-credentials tries "
            "guest/guest, which RabbitMQ accepts from remote hosts when loopback_users is emptied), vhosts, "
            "queues with their message counts (messages are never fetched), federation upstreams and shovels "
            "whose URIs carry passwords (through the detector), users and their tags, the account's "
            "permissions. On AMQP (5672): the product and version from the server's Connection.Start.",
};
