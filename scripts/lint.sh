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
# - C formatting: every tracked .c/.h file as clang-format (.clang-format) writes it; `make format` fixes.
if command -v clang-format >/dev/null; then
    if ! git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror 2>"$root/.lint-format.log"; then
        echo "lint: files not formatted as .clang-format says (run 'make format'):" >&2
        grep -oE '^[^: ]+\.[ch]:[0-9]+' "$root/.lint-format.log" | cut -d: -f1 | sort -u >&2
        fail=1
    fi
    rm -f "$root/.lint-format.log"
else
    echo "lint: clang-format missing (scripts/deps.sh installs it)" >&2
    fail=1
fi
# - Shell scripts: shellcheck at warning level (.shellcheckrc).
if command -v shellcheck >/dev/null; then
    if ! git ls-files '*.sh' | xargs shellcheck -S warning >&2; then
        echo "lint: shellcheck found problems (above)" >&2
        fail=1
    fi
else
    echo "lint: shellcheck missing (scripts/deps.sh installs it)" >&2
    fail=1
fi
if [ "$fail" = 0 ]; then
    echo "lint: 1 passed, 0 failed"
fi
exit "$fail"
