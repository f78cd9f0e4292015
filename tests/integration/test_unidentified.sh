#!/usr/bin/env bash
# Nothing open is dropped (issue 13): an open port that no engine identifies is reported as a
# `service` record with engine "unknown", auth "unknown", severity info, the protocol its first
# bytes name and those bytes escaped as `banner` (at most 256); the text report lists it under
# "open, not identified". Servers here are small local listeners on 127.77.9.x started by the test.
. "$(dirname "$0")/lib.sh"
ADDR=127.77.9.40
python3 - "$ADDR" >"$TMP/srv.log" 2>&1 <<'PY' &
import socket, sys, threading, time
addr = sys.argv[1]
def serve(port, first, reply):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(64)
    def handle(c):
        try:
            if first: c.sendall(first)
            c.settimeout(10)
            d = c.recv(4096)
            if d and reply: c.sendall(reply)
            time.sleep(2)
        except OSError: pass
        finally: c.close()
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()
specs = [(2222, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", None),
         (7001, None, None),                                        # silent
         (8088, None, b"HTTP/1.0 404 Not Found\r\nServer: x\x1b]0;pwned\x07\r\n\r\n"),
         (2525, b"220 mail.lab ESMTP ready\r\n" + b"A" * 600, None)]  # longer than the cap
for p in specs:
    threading.Thread(target=serve, args=p, daemon=True).start()
print("ready", flush=True)
time.sleep(600)
PY
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q ready "$TMP/srv.log" && break; sleep 0.1; done

run scan --scope 127.0.0.0/8 -p 2222,7001,8088,2525 --format jsonl "$ADDR"
check "exit 0: nothing at or above --fail-on" test "$rc" = 0
check "four open ports, four records, all unidentified" \
    jq_py "summary['open_ports']==4 and summary['services']==4 and summary['unidentified']==4 and len(services)==4"
check "every record is engine unknown, auth unknown, severity info" \
    jq_py "all(s['engine']=='unknown' and s['auth']=='unknown' and s['severity']=='info' for s in services)"
by_port="{s['port']: s for s in services}"
check "ssh: protocol and banner" \
    jq_py "${by_port}[2222]['protocol']=='ssh' and ${by_port}[2222]['banner']=='SSH-2.0-OpenSSH_9.2p1 Debian-2\\\\r\\\\n'"
check "silent port: no banner" jq_py "${by_port}[7001]['protocol']=='unknown' and ${by_port}[7001]['banner'] is None"
check "http after the request line; the escape sequence is escaped" \
    jq_py "${by_port}[8088]['protocol']=='http' and '\\\\x1b]0;pwned\\\\x07' in ${by_port}[8088]['banner'] and '\x1b' not in ${by_port}[8088]['banner']"
check "smtp, banner cut at 256 bytes" \
    jq_py "${by_port}[2525]['protocol']=='smtp' and ${by_port}[2525]['banner'].startswith('220 mail.lab ESMTP') and ${by_port}[2525]['banner'].count('A')==256-len('220 mail.lab ESMTP ready\r\n')"

run scan --scope 127.0.0.0/8 -p 2222,7001 --format text --no-color "$ADDR"
check "text: listed under 'open, not identified'" grep -q '^open, not identified:' "$TMP/out"
check "text: the ssh line" grep -qF "$ADDR:2222  ssh: SSH-2.0-OpenSSH_9.2p1 Debian-2" "$TMP/out"
check "text: the silent line" grep -qF "$ADDR:7001  unknown protocol: said nothing" "$TMP/out"
check "text: summary names them" grep -q 'open ports not identified' "$TMP/out"
finish
