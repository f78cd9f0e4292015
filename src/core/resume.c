/* Reading and writing resume files; see resume.h. */
#include "core/resume.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/permute.h"
#include "util/textutil.h"

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

uint64_t ls_resume_args_hash(const struct ls_target_list *tl, const struct ls_port_list *pl, uint64_t shard_n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < tl->n; i++) {
        const struct ls_target *t = &tl->v[i];
        uint8_t hdr[4] = {(uint8_t)t->kind, (uint8_t)t->family, t->prefix, 0};
        h = fnv(h, hdr, sizeof hdr);
        h = fnv(h, t->addr, sizeof t->addr);
        h = fnv(h, t->addr_end, sizeof t->addr_end);
        h = fnv(h, &t->port, sizeof t->port);
        h = fnv(h, t->name, strlen(t->name) + 1);
    }
    h = fnv(h, pl->v, pl->n * sizeof *pl->v);
    h = fnv(h, &shard_n, sizeof shard_n);
    return ls_mix64(h);
}

int ls_resume_read(const char *path, struct ls_resume_state *st, char *err, size_t errlen)
{
    char q[LS_QUOTE_MAX + 8], line[256];
    ls_quote(q, sizeof q, path, strlen(path));
    FILE *f = fopen(path, "r");
    if (!f) {
        ls_set_err(err, errlen, "cannot read resume file '%s': %s", q, strerror(errno));
        return -1;
    }
    memset(st, 0, sizeof *st);
    unsigned have = 0, version = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long a, b;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "version=%u", &version) == 1)
            have |= 1;
        else if (sscanf(line, "seed=%llu", &a) == 1)
            st->seed = a, have |= 2;
        else if (sscanf(line, "shard=%llu/%llu", &a, &b) == 2 && a >= 1 && a <= b)
            st->shard_idx = a - 1, st->shard_n = b, have |= 4;
        else if (sscanf(line, "hash=%llx", &a) == 1)
            st->hash = a, have |= 8;
        else if (sscanf(line, "position=%llu", &a) == 1)
            st->pos = a, have |= 16;
        else {
            line[strcspn(line, "\n")] = '\0';
            char ql[LS_QUOTE_MAX + 8];
            ls_set_err(err, errlen, "resume file '%s': bad line '%s'", q, ls_quote(ql, sizeof ql, line, strlen(line)));
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    if (have != 31 || version != 1 || st->hash == 0) {
        ls_set_err(err, errlen, "resume file '%s': incomplete or not version 1", q);
        return -1;
    }
    return 0;
}

int ls_resume_write(const char *path, const struct ls_resume_state *st, char *err, size_t errlen)
{
    char tmp[4200], q[LS_QUOTE_MAX + 8];
    ls_quote(q, sizeof q, path, strlen(path));
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        ls_set_err(err, errlen, "resume file name '%s' too long", q);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        ls_set_err(err, errlen, "cannot write resume file '%s': %s", q, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(f, "# leakscan resume file: continue with the same arguments plus --resume %s\n", path);
    fprintf(f, "version=1\nseed=%" PRIu64 "\nshard=%" PRIu64 "/%" PRIu64 "\nhash=%" PRIx64 "\nposition=%" PRIu64 "\n",
            st->seed, st->shard_idx + 1, st->shard_n, st->hash, st->pos);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        ls_set_err(err, errlen, "cannot write resume file '%s': %s", q, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
