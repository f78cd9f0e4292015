/* libFuzzer harness: block streaming (src/detect/stream.c) and the redacting filter. Property: the
 * redacted output does not depend on the block size (tiny blocks put every match across a
 * boundary), a clean pass-through keeps every byte, and per-file records are in bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "detect/filescan.h"
#include "detect/stream.h"

static struct ls_detector *det;
static struct ls_detect_scratch *scr;

static int memfd_of(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        abort();
    if (size && write(fd, data, size) != (ssize_t)size)
        abort();
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static char *redact(const uint8_t *data, size_t size, size_t block, size_t *olen, uint64_t *n)
{
    int fd = memfd_of(data, size);
    char *out = NULL;
    FILE *o = open_memstream(&out, olen);
    if (!o || ls_redact_fd(det, scr, fd, o, block, n, NULL) != LS_STREAM_OK)
        abort();
    fclose(o);
    close(fd);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!det) {
        char err[256];
        det = ls_detector_new(err, sizeof err);
        scr = det ? ls_detect_scratch_new(det) : NULL;
        if (!scr)
            abort();
    }
    size_t la, lb;
    uint64_t na, nb;
    char *a = redact(data, size, 0, &la, &na);
    char *b = redact(data, size, 1 + size % 61, &lb, &nb);
    if (la != lb || na != nb || memcmp(a, b, la) != 0)
        abort();
    if (na == 0 && (la != size || memcmp(a, data, size) != 0))
        abort();
    free(a);
    free(b);

    int fd = memfd_of(data, size);
    struct ls_filescan_opts o = {.keep_raw = true, .block = 1 + size % 37, .include_chat = true};
    struct ls_file_result r;
    if (ls_filescan_fd(det, scr, fd, "fuzz", &o, &r) != 0)
        abort();
    for (size_t i = 0; i < r.nsecrets; i++)
        if (r.secrets[i].line < 1 || r.secrets[i].column < 1 || r.secrets[i].sec.count < 1 ||
            r.secrets[i].line > (uint64_t)size + 1 || !r.secrets[i].sec.raw)
            abort();
    ls_file_result_free(&r);
    close(fd);
    return 0;
}
