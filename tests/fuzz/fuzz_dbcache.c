/* libFuzzer harness: the compiled-database cache file parser (src/detect/dbcache.c). Input: a
 * candidate cache file whose key field is taken as the expected key, so fuzzing reaches the
 * length and checksum checks. Property: no crash, and an accepted payload lies inside the input.
 * A file that passes is handed to Vectorscan's deserializer like a real load, but a mutated file
 * almost never matches its SHA-256, so in practice only the seeds reach it: this harness covers
 * our parser's bounds, not Vectorscan's (which is why the cache directory must be the user's own,
 * see dbcache.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/dbcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char key[LS_DBCACHE_KEY] = {0};
    if (size >= 8 + LS_DBCACHE_KEY)
        memcpy(key, data + 8, LS_DBCACHE_KEY);
    const unsigned char *p = NULL;
    size_t n = 0;
    if (ls_dbcache_parse(data, size, key, &p, &n) == 0) {
        if (p < data || n > size || p + n != data + size)
            abort();
        hs_database_t *db = NULL;
        if (hs_deserialize_database((const char *)p, n, &db) == HS_SUCCESS)
            hs_free_database(db);
    }
    return 0;
}
