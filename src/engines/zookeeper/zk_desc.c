/* ZooKeeper as an engine family: its identity for the registry (catalog.h). Its port is that of
 * its one interface (zookeeper.c: 2181). */
#include "engines/catalog.h"

const struct ls_engine_desc ls_desc_zookeeper = {
    .name = "zookeeper",
    .display = "ZooKeeper",
    .in_db = true,
    .help = "Coordination service that holds service configuration, connection strings and leader locks. "
            "Checks the four-letter words it answers (srvr for the version, mntr for the znode count, envi), "
            "opens a session and walks the znode tree as an anonymous client (getChildren2 and getACL, bounded), "
            "counts znodes per top-level subtree (getAllChildrenNumber), reads a bounded sample of znode data "
            "through the detector, and reports which znodes let anyone write, create or delete (world:anyone "
            "ACLs).",
};
