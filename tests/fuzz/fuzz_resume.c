/* libFuzzer harness for the resume-file parser: any bytes as a resume file must either parse into
 * a state that writes and re-reads identically, or fail with a one-line error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/resume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], path2[64];
    snprintf(path, sizeof path, "/tmp/fuzz_resume.%d", (int)getpid());
    snprintf(path2, sizeof path2, "/tmp/fuzz_resume2.%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct ls_resume_state st, st2;
    char err[512];
    err[0] = '\0';
    if (ls_resume_read(path, &st, err, sizeof err) == 0) {
        if (ls_resume_write(path2, &st, err, sizeof err) != 0 || ls_resume_read(path2, &st2, err, sizeof err) != 0 ||
            memcmp(&st, &st2, sizeof st) != 0)
            abort();
        unlink(path2);
    } else if (!err[0] || strchr(err, '\n')) {
        abort();
    }
    unlink(path);
    return 0;
}
