#!/usr/bin/env bash
# Source rules that the compiler cannot enforce, run by `make check` (ctest lint/source-rules).
# - No `x += snprintf(...)`: snprintf returns the length it WOULD have written, so the sum runs past
#   the buffer and the next call writes out of bounds (a server-sent name once did exactly that).
#   Build strings with util/strbuf.h instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
fail=0
if hits=$(grep -rnE '[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\+=[[:space:]]*(\([a-z_ ]+\)[[:space:]]*)?v?snprintf[[:space:]]*\(' \
    src lab tests bench --include='*.c' --include='*.h' | grep -v '`'); then
    echo "lint: 'x += snprintf(...)' found; use util/strbuf.h (ls_sb_printf):" >&2
    echo "$hits" >&2
    fail=1
fi
# - No bare qsort: qsort(NULL, 0, …) is undefined and aborts sanitizer builds on empty lists; use
#   ls_sort (util/num.h), which accepts them.
if hits=$(grep -rnE '(^|[^_a-z])qsort[[:space:]]*\(' src --include='*.c' --include='*.h' | grep -v '^src/util/num\.[ch]:' | grep -v '`'); then
    echo "lint: bare qsort found; use ls_sort (util/num.h):" >&2
    echo "$hits" >&2
    fail=1
fi
if [ "$fail" = 0 ]; then
    echo "lint: 1 passed, 0 failed"
fi
exit "$fail"
