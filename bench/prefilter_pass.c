/* Bench helper: the detector's prefilter passes alone (Vectorscan's and the short pass, no
 * confirmation, no output) over one file, with the rules `leakscan secrets` uses by default
 * (secrets and personal data) and the file mapped in 1 MiB windows as it maps it.
 * bench/detect.sh times it next to the whole tool: no detection over these prefilters can be
 * faster than this pass on the same core. Prints the number of prefilter hits. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect/detect.h"

#define WINDOW ((size_t)1 << 20)

static void count_hit(void *ud, size_t end)
{
    (void)end;
    ++*(unsigned long long *)ud;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_prefilter FILE\n");
        return 2;
    }
    char err[256];
    struct ls_detector *d = ls_detector_new_for((1u << LS_CAT_SECRET) | (1u << LS_CAT_PII), err, sizeof err);
    struct ls_detect_scratch *s = d ? ls_detect_scratch_new(d) : NULL;
    if (!s) {
        fprintf(stderr, "bench_prefilter: %s\n", d ? "out of memory" : err);
        return 1;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    unsigned long long hits = 0;
    for (off_t off = 0; off < st.st_size; off += (off_t)WINDOW) {
        size_t len = st.st_size - off < (off_t)WINDOW ? (size_t)(st.st_size - off) : WINDOW;
        char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, off);
        if (p == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        ls_detect_prefilter(d, s, p, len, count_hit, &hits);
        munmap(p, len);
    }
    close(fd);
    printf("%llu prefilter hits\n", hits);
    ls_detect_scratch_free(s);
    ls_detector_free(d);
    return 0;
}
