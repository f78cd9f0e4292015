/* The default scope: a per-user address set that every scan must stay inside, so a typo in a target
 * list cannot send probes to someone else's network.
 * Where it comes from, first match wins:
 *   1. the command line: `--scope CIDR|@file` (repeatable) replaces any default; `--scope any`
 *      (alone) turns the default off for that run (handled by the scan command);
 *   2. the environment: LEAKSCAN_SCOPE, comma-separated addresses, CIDRs and A-B ranges (spaces
 *      around items ignored; no @file, no "-"); LEAKSCAN_SCOPE=any turns the file's scope off; an
 *      empty or unset variable counts as not set;
 *   3. the file $XDG_CONFIG_HOME/leakscan/scope (when XDG_CONFIG_HOME is an absolute path, else
 *      $HOME/.config/leakscan/scope): the @file format, one address, CIDR or range per line, '#'
 *      comments. A missing file means no default scope.
 * Anything malformed is an error, never skipped: a bad entry, an empty list, a file that exists but
 * cannot be read or is not a regular file (exit 2 in the caller, one line naming the value and
 * the source). The loaded scope's origin names its source for the refusal of a target outside it. */
#ifndef LS_CORE_SCOPE_DEFAULT_H
#define LS_CORE_SCOPE_DEFAULT_H

#include <stddef.h>

#include "core/scope.h"

#define LS_SCOPE_ENV "LEAKSCAN_SCOPE"
#define LS_SCOPE_ANY "any" /* the value that means "no scope" (--scope any, LEAKSCAN_SCOPE=any) */

/* The default scope file's path into buf. Returns 0, 1 when there is none (no usable
 * XDG_CONFIG_HOME or HOME), or -1 when it does not fit. */
int ls_scope_default_path(char *buf, size_t len);

/* Adds the default scope (environment, else file) to the empty set s and sets s->origin. Returns 0
 * (s stays empty when no default applies or it is "any"), or -1 with err set. */
int ls_scope_load_default(struct ls_scope *s, char *err, size_t errlen);

#endif
