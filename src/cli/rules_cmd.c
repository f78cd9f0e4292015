/* `leakscan rules`: lists the detection rules. */
#include <stdio.h>

#include "cli/cli.h"
#include "detect/detect.h"

int ls_cmd_rules(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return ls_usage_error("rules takes no arguments");
    size_t n;
    const struct ls_rule *r = ls_rules(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-32s %-7s %s\n", r[i].id, ls_category_name(r[i].category), r[i].description);
    return LS_EXIT_OK;
}
