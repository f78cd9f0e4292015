#!/usr/bin/env python3
"""Test helper: a ClickHouse native-protocol server that answers the client Hello with a valid
server Hello and then, after the first bytes of any query, floods Progress packets until the
client goes away, so a session stays mid-query until leakscan's service timeout stops it.

  native_flood.py --log FILE [--tls CERT KEY] ADDR:PORT [ADDR:PORT ...]

With --tls every listener speaks TLS (the 9440 path). Prints "ready" once every socket listens;
appends "hello", "flood" and "closed BYTES" lines per connection to FILE. Runs until killed.

The Hello declares revision 54401 and carries exactly the fields that revision has (timezone,
display name, version patch): a field the declared revision does not have (say a display name
with revision 54226) is read by the client as the next packets and ends the session at once."""
import socket, ssl, sys, threading

REVISION = 54401


def varuint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def string(s):
    b = s.encode()
    return varuint(len(b)) + b


HELLO = (varuint(0) + string("ClickHouse") + varuint(23) + varuint(8) + varuint(REVISION) +
         string("UTC") + string("flood") + varuint(1))
# Progress (type 3): rows, bytes, total rows (written rows/bytes only from revision 54420)
PROGRESS = varuint(3) + varuint(1) + varuint(10) + varuint(100)
CHUNK = PROGRESS * 4096


def serve(conn, log, lock):
    sent = 0
    try:
        conn.settimeout(30)
        if not conn.recv(4096):  # the client Hello
            return
        conn.sendall(HELLO)
        with lock:
            log.write("hello\n")
        if not conn.recv(65536):  # a Query (and its empty Data block)
            return
        with lock:
            log.write("flood\n")
        while True:
            conn.sendall(CHUNK)
            sent += len(CHUNK)
    except (OSError, ssl.SSLError):
        pass
    finally:
        with lock:
            log.write("closed %d\n" % sent)
        conn.close()


def accept_loop(lsock, ctx, log, lock):
    while True:
        try:
            c, _ = lsock.accept()
        except OSError:
            continue
        threading.Thread(target=handshake_and_serve, args=(c, ctx, log, lock), daemon=True).start()


def handshake_and_serve(c, ctx, log, lock):
    if ctx:
        try:
            c.settimeout(10)
            c = ctx.wrap_socket(c, server_side=True)
        except (OSError, ssl.SSLError):
            c.close()
            return
    serve(c, log, lock)


def main():
    args = sys.argv[1:]
    log_path, ctx = None, None
    while args and args[0].startswith("--"):
        if args[0] == "--log":
            log_path, args = args[1], args[2:]
        elif args[0] == "--tls":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(args[1], args[2])
            args = args[3:]
        else:
            sys.exit("unknown option " + args[0])
    log = open(log_path, "a", buffering=1)
    lock = threading.Lock()
    threads = []
    for spec in args:
        host, port = spec.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, int(port)))
        s.listen(64)
        t = threading.Thread(target=accept_loop, args=(s, ctx, log, lock), daemon=True)
        threads.append(t)
    for t in threads:
        t.start()
    print("ready", flush=True)
    threading.Event().wait()


main()
