/* What the account the scanner got in as could do (the blast radius), in engine-neutral terms:
 * six capabilities, each yes/no/unknown with the evidence it was derived from (settings, grants,
 * catalogs; never by doing it), plus a typed key/value list of facts the engine declares
 * ("readonly"=1, "table_functions"=[…], "superuser"=true). Writers iterate both generically, so
 * an engine adds facts without touching any writer. Written as the JSON `privileges` object. */
#ifndef LS_MODEL_ACCESS_H
#define LS_MODEL_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ls_tri { LS_TRI_UNKNOWN = -1, LS_TRI_NO = 0, LS_TRI_YES = 1 };

enum ls_cap {
    LS_CAP_READ = 0,    /* read stored data */
    LS_CAP_WRITE,       /* insert, change or delete stored data */
    LS_CAP_SCHEMA,      /* create, alter or drop tables, databases, users, settings */
    LS_CAP_RUN_CODE,    /* run code or programs on the server (COPY … PROGRAM, MODULE LOAD, UDFs) */
    LS_CAP_READ_FILES,  /* read the server's own files (file(), pg_read_server_files, FILE privilege) */
    LS_CAP_REACH_HOSTS, /* make the server connect to other hosts (url(), dblink, REPLICAOF, federation) */
    LS_CAP_COUNT
};

struct ls_capability {
    bool set;          /* false: unknown */
    enum ls_tri value; /* when set */
    char *evidence;    /* one line on why, or NULL */
};

enum ls_fact_type { LS_FACT_TEXT, LS_FACT_INT, LS_FACT_BOOL, LS_FACT_LIST };

struct ls_fact {
    char *key; /* JSON key inside `privileges`, snake_case ("readonly"); text label: '_' -> ' ' */
    enum ls_fact_type type;
    bool known;  /* false: written as null / "unknown" */
    int64_t num; /* INT; BOOL as 0/1 */
    char *text;  /* TEXT */
    char **list; /* LIST (distinct items in order of addition) */
    size_t nlist;
};

struct ls_access {
    bool assessed;  /* any of the below was set: the `privileges` object is written */
    char user[128]; /* effective user name, "" if unknown */
    struct ls_capability caps[LS_CAP_COUNT];
    struct ls_fact *facts;
    size_t nfacts;
    char *basis; /* how the above was derived, one line */
};

/* JSON name ("read", "write", "schema", "run_code", "read_files", "reach_hosts") and text label
 * ("read data", …) of a capability. */
const char *ls_cap_name(enum ls_cap c);
const char *ls_cap_label(enum ls_cap c);
/* LS_TRI_UNKNOWN unless set. */
enum ls_tri ls_access_cap_value(const struct ls_access *a, enum ls_cap c);

/* Setters: each marks the access assessed; strings are copied; 0, or -1 on allocation failure or
 * a reserved fact key ("user", "capabilities", "can_write", "can_ddl", "basis"). A later call for
 * the same capability or key replaces the earlier value. */
int ls_access_user(struct ls_access *a, const char *user);
int ls_access_cap(struct ls_access *a, enum ls_cap c, enum ls_tri v, const char *evidence);
int ls_access_basis(struct ls_access *a, const char *basis);
int ls_access_fact_int(struct ls_access *a, const char *key, bool known, int64_t v);
int ls_access_fact_bool(struct ls_access *a, const char *key, enum ls_tri v);
int ls_access_fact_text(struct ls_access *a, const char *key, const char *text); /* NULL: unknown */
/* Declares a list fact, empty, known or not (known=false is written as null). */
int ls_access_fact_list(struct ls_access *a, const char *key, bool known);
/* Appends an item (unless already present) to a list fact, declaring it known if needed. */
int ls_access_fact_list_add(struct ls_access *a, const char *key, const char *item);
/* The fact named key, or NULL. */
const struct ls_fact *ls_access_fact(const struct ls_access *a, const char *key);

/* A fact for people, the same in every writer (each escapes it for its format): its label (the
 * key with spaces for underscores) and its value ("unknown", "yes"/"no", the number, the text,
 * the list joined by ", " or "none"), cut to n bytes. Both return out. */
char *ls_fact_label(const struct ls_fact *f, char *out, size_t n);
char *ls_fact_value(const struct ls_fact *f, char *out, size_t n);
/* "yes", "no" or "unknown". */
const char *ls_tri_word(enum ls_tri v);

void ls_access_free(struct ls_access *a);

#endif
