#!/usr/bin/env bash
# `leakscan secrets --redact` on a pipe against the same input given as a file, across the pipe's
# read blocks: Azure SAS tokens whose context (sv=…) lies up to ~420 bytes before the value
# (sig=…) are laid end to end over 4.5 MiB, shifted between runs so that some value starts just
# past every block end whatever the block layout. The pipe and file outputs must be identical,
# every token redacted and no signature left raw.
. "$(dirname "$0")/lib.sh"

# Writes $TMP/in (the input) and $TMP/sigs (one signature per line); $1 shifts the layout.
gen() {
    python3 - "$1" "$TMP/in" "$TMP/sigs" <<'PY'
import random, sys
shift, out, sigs = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rnd = random.Random(shift)
alnum = "ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789"  # no x: "xxxx" marks a placeholder
parts, values, size = ["x" * shift + "\n"], [], shift + 1
i = 0
while size < (4 << 20) + (512 << 10):
    dist = (418, 300, 380, 260)[i % 4]  # bytes from "sv=" to the value
    sig = "".join(rnd.choice(alnum) for _ in range(43)) + "%3D"
    line = "GET /c/b?sv=2022-11-02&" + "p" * (dist - 18) + "sig=" + sig + " 200\n"
    parts.append(line)
    values.append(sig)
    size += len(line)
    i += 1
open(out, "w").write("".join(parts))
open(sigs, "w").write("\n".join(values) + "\n")
PY
}

leaks=0 differs=0 counts=0
# shifts 97 bytes apart: tokens repeat every ~450 bytes and a value is lost (before the fix) when
# it starts within ~40-160 bytes past a block end
for shift in 0 97 194 291 388; do
    gen "$shift"
    n=$(wc -l <"$TMP/sigs")
    "$LEAKSCAN" secrets --redact "$TMP/in" >"$TMP/file.out"
    cat "$TMP/in" | "$LEAKSCAN" secrets --redact >"$TMP/pipe.out"
    cmp -s "$TMP/file.out" "$TMP/pipe.out" || differs=$((differs + 1))
    if grep -qF -f "$TMP/sigs" "$TMP/pipe.out" "$TMP/file.out"; then
        leaks=$((leaks + 1))
        grep -oF -f "$TMP/sigs" "$TMP/pipe.out" | head -3 | sed "s/^/shift $shift: raw in pipe output: /"
    fi
    [ "$(grep -o '\[REDACTED:azure-sas-token\]' "$TMP/pipe.out" | wc -l)" -eq "$n" ] || counts=$((counts + 1))
done
check "--redact: pipe output identical to file output across read blocks" [ "$differs" -eq 0 ]
check "--redact: no SAS signature left raw when its context lies far before it" [ "$leaks" -eq 0 ]
check "--redact: every token replaced on the pipe" [ "$counts" -eq 0 ]

finish
