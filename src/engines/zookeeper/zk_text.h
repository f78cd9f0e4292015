/* ZooKeeper's four-letter words (4lw) as text: `srvr` ("Zookeeper version: 3.8.0-…, built on …",
 * "Mode: standalone", "Node count: 5"), `mntr` (tab-separated "zk_znode_count\t5" lines), `envi`
 * ("user.name=zookeeper" lines), and the refusal a server sends for a word its
 * 4lw.commands.whitelist does not allow ("mntr is not executed because it is not in the
 * whitelist."). Pure, bounded parsing of a reply already read into memory. */
#ifndef LS_ENGINES_ZK_TEXT_H
#define LS_ENGINES_ZK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether text is ZooKeeper's whitelist refusal of `cmd` (the server's words). */
bool zk_4lw_refused(const char *text, size_t len, const char *cmd);
/* A `srvr` reply as ZooKeeper writes it: a first line "Zookeeper version: <v>" and a "Mode: "
 * line. Copies the release ("3.8.0", the part before '-' or ',') into version and the whole
 * build line ("3.8.0-…, built on …") into build; false if the reply is not one. */
bool zk_srvr_parse(const char *text, size_t len, char *version, size_t vn, char *build, size_t bn);
/* Value of the line "<name><sep>value" (sep ':' plus a space for srvr, '\t' for mntr, '=' for
 * envi) copied into out (control bytes become '?'); false if absent. */
bool zk_text_field(const char *text, size_t len, const char *name, char sep, char *out, size_t n);
/* Parses "3.8.0" into major/minor; false if it does not start with two numbers. */
bool zk_version_at_least(const char *version, int major, int minor);

#endif
