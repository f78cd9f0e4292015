/* A cache of compiled Vectorscan databases: compiling every prefilter costs tens of milliseconds
 * at each start, so the serialized database is kept in $XDG_CACHE_HOME/leakscan (else
 * ~/.cache/leakscan; directory 0700, files 0600, written to a temporary file and renamed) under a
 * key that hashes the patterns, flags, ids and mode with the Vectorscan version and the CPU
 * platform. A file is used only if its header, key and SHA-256 of the payload all match and
 * Vectorscan accepts it; anything else (missing, truncated, corrupt, other version) is ignored and
 * overwritten. The checksum only catches accidents: the directory is used only if it is this
 * user's and closed to others (opened without following symlinks, files created O_EXCL and renamed
 * relative to it), since Vectorscan's deserializer trusts the bytes it is given. A store keeps the
 * 8 most recently used database files (a load refreshes a file's time; ~130 KB each) and removes
 * the rest, and temporary files an hour old. LEAKSCAN_NO_CACHE=1 turns the cache off. */
#ifndef LS_DETECT_DBCACHE_H
#define LS_DETECT_DBCACHE_H

#include <stddef.h>

#include <hs/hs.h>

#define LS_DBCACHE_KEY 32

/* The key of a database compiled from these inputs on this machine. */
void ls_dbcache_key(const char *const *exprs, const unsigned *flags, const unsigned *ids, unsigned n, unsigned mode,
                    unsigned char key[LS_DBCACHE_KEY]);

/* The cached database for key, or NULL (not cached, unreadable, corrupt, or cache disabled). */
hs_database_t *ls_dbcache_load(const unsigned char key[LS_DBCACHE_KEY]);

/* Stores db under key; failures are silent (the cache is only an optimisation). */
void ls_dbcache_store(const unsigned char key[LS_DBCACHE_KEY], const hs_database_t *db);

/* The file format, exposed for tests and the fuzzer: checks magic, key, length and checksum of a
 * cache file's bytes; on success points *payload at the serialized database inside buf. Returns
 * 0 or -1. */
int ls_dbcache_parse(const unsigned char *buf, size_t len, const unsigned char key[LS_DBCACHE_KEY],
                     const unsigned char **payload, size_t *plen);

#endif
