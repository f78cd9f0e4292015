/* Resume files: where an interrupted scan stopped, so `--resume FILE` continues it with no probe
 * lost and none repeated. Text, one key=value per line:
 *   version=1, seed=<u64>, shard=<I>/<N> (1-based, as on the command line), hash=<u64 hex of the
 *   arguments that shape the probe order>, position=<positions of the shard already done>.
 * Positions before `position` were all probed (or excluded) and finished; none after it was sent. */
#ifndef LS_CORE_RESUME_H
#define LS_CORE_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "core/targets.h"

struct ls_resume_state {
    uint64_t seed;
    uint64_t shard_idx, shard_n; /* 0-based index */
    uint64_t hash;
    uint64_t pos;
};

/* Returns 0, or -1 with err naming the file and the problem. */
int ls_resume_read(const char *path, struct ls_resume_state *st, char *err, size_t errlen);
/* Writes atomically (temporary file + rename), mode 0600. Returns 0, or -1 with err. */
int ls_resume_write(const char *path, const struct ls_resume_state *st, char *err, size_t errlen);
/* Hash of the targets as parsed, the port list and the shard count. */
uint64_t ls_resume_args_hash(const struct ls_target_list *tl, const struct ls_port_list *pl, uint64_t shard_n);

#endif
