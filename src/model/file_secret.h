/* A secret found in a file (or stdin) by `leakscan secrets`: the table-free counterpart of a
 * secret record, with where the first occurrence of the value is. Shared by the file scanner
 * (src/detect/filescan.c) and the writers (jsonl, text, sarif). */
#ifndef LS_MODEL_FILE_SECRET_H
#define LS_MODEL_FILE_SECRET_H

#include <stdint.h>

#include "model/model.h"

struct ls_file_secret {
    const char *path;     /* as named on the command line or found by the walk; "-" for stdin */
    uint64_t line;        /* 1-based line of the first occurrence */
    uint64_t column;      /* 1-based byte column of the first occurrence */
    uint32_t rule_index;  /* index into ls_rules() */
    struct ls_secret sec; /* sec.column is unused (NULL); sec.raw only with --show-secrets */
};

#endif
