#!/usr/bin/env python3
"""Test helper: listens on every ADDR:PORT given (IPv6 as [addr]:port), accepts and closes
connections, and appends one line per accepted connection to the file named by --log. Prints
"ready" on stdout once every socket listens. Runs until killed."""
import selectors, socket, sys

def main():
    args = sys.argv[1:]
    log = None
    if args[:1] == ["--log"]:
        log, args = args[1], args[2:]
    sel = selectors.DefaultSelector()
    for spec in args:
        host, port = spec.rsplit(":", 1)
        fam = socket.AF_INET6 if host.startswith("[") else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host.strip("[]"), int(port)))
        s.listen(4096)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    print("ready", flush=True)
    out = open(log, "a", buffering=1) if log else None
    while True:
        for key, _ in sel.select():
            try:
                c, peer = key.fileobj.accept()
            except OSError:
                continue
            if out:
                out.write("%s %s\n" % (key.fileobj.getsockname()[0], peer[0]))
            c.close()

main()
