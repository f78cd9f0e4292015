/* `leakscan engines`: every engine the registry knows, its default ports (TLS marked), whether
 * leakscan assesses it or only finds it by port, and what it checks there; text, or one JSON
 * object per engine with --format jsonl. All of it is read from the registry (engines/engine.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "engines/engine.h"
#include "util/fmt.h"

void ls_usage_engines(void)
{
    printf("usage: leakscan engines [--format text|jsonl]\n\n"
           "Lists the engines leakscan knows: their default ports (those in the `db` port set that -p db\n"
           "and the default scan use), whether leakscan assesses them or only finds them by port, and\n"
           "what it checks on each. Names are what --engines takes.\n");
}

struct port_text {
    struct ls_buf *b;
    json_t *arr;
    unsigned n;
};

static void add_port(uint16_t port, bool tls, void *ud)
{
    struct port_text *p = ud;
    if (p->b)
        ls_buf_printf(p->b, "%s%u%s", p->n ? ", " : "", (unsigned)port, tls ? " (TLS)" : "");
    if (p->arr) {
        json_t *o = json_pack("{s:i,s:b}", "port", (json_int_t)port, "tls", tls);
        if (o)
            json_array_append_new(p->arr, o);
    }
    p->n++;
}

static void interfaces(const struct ls_engine_desc *d, struct ls_buf *b, json_t *arr)
{
    unsigned n = 0;
    for (size_t i = 0; ls_engines[i]; i++) {
        if (strcmp(ls_engines[i]->name, d->name) != 0)
            continue;
        if (b)
            ls_buf_printf(b, "%s%s", n ? ", " : "", ls_engines[i]->interface);
        if (arr)
            json_array_append_new(arr, json_string(ls_engines[i]->interface));
        n++;
    }
}

int ls_cmd_engines(int argc, char **argv)
{
    bool jsonl = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "jsonl") == 0)
            jsonl = true, i++;
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "text") == 0)
            i++;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            ls_usage_engines();
            return LS_EXIT_OK;
        } else
            return ls_usage_error("engines: unknown option '%s' (--format text|jsonl)", argv[i]);
    }
    for (size_t i = 0; ls_engine_descs[i]; i++) {
        const struct ls_engine_desc *d = ls_engine_descs[i];
        bool assessed = ls_engine_desc_assessed(d);
        if (jsonl) {
            json_t *ports = json_array(), *ifs = json_array();
            struct port_text p = {NULL, ports, 0};
            ls_engine_desc_ports(d, add_port, &p);
            interfaces(d, NULL, ifs);
            json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:b,s:o,s:s?}", "type", "engine", "engine", d->name, "display",
                                  d->display, "ports", ports, "in_db", d->in_db, "interfaces", ifs, "checks", d->help);
            char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
            json_decref(o);
            if (!line) {
                ls_cli_error("out of memory");
                return LS_EXIT_RUNTIME;
            }
            printf("%s\n", line);
            free(line);
            continue;
        }
        struct ls_buf b = {0};
        ls_buf_printf(&b, "%s (%s)\n  ports: ", d->name, d->display);
        struct port_text p = {&b, NULL, 0};
        ls_engine_desc_ports(d, add_port, &p);
        ls_buf_puts(&b, d->in_db ? " (in -p db)\n" : "\n");
        if (assessed) {
            ls_buf_puts(&b, "  assessed over: ");
            interfaces(d, &b, NULL);
            ls_buf_puts(&b, "\n");
        } else {
            ls_buf_puts(&b, "  not assessed yet (found by port, reported as not identified)\n");
        }
        if (!b.oom && d->help)
            ls_buf_wrap(&b, "  ", 2, 2, d->help, 100);
        ls_buf_puts(&b, "\n");
        if (b.oom) {
            ls_buf_free(&b);
            ls_cli_error("out of memory");
            return LS_EXIT_RUNTIME;
        }
        fwrite(b.p, 1, b.len, stdout);
        ls_buf_free(&b);
    }
    return LS_EXIT_OK;
}
