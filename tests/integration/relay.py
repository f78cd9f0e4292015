#!/usr/bin/env python3
"""Test helper: TCP relays on loopback. Each argument LISTEN_ADDR:PORT=TARGET_ADDR:PORT forwards
every connection to the target (both directions, until either side closes); PORT=silent accepts and
never answers (a tarpit). Prints "ready" once every socket listens. Loopback only: any address
outside 127.0.0.0/8 is refused. Runs until killed."""
import ipaddress, socket, sys, threading

def loopback(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        sys.exit(f"relay.py: {addr} is not a loopback address")
    return addr

def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

def serve(listen, target):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(listen)
    s.listen(256)
    held = []
    def run():
        while True:
            c, _ = s.accept()
            if target is None:
                held.append(c)  # silent: keep it open, say nothing
                continue
            try:
                u = socket.create_connection(target, timeout=5)
            except OSError:
                c.close()
                continue
            threading.Thread(target=pump, args=(c, u), daemon=True).start()
            threading.Thread(target=pump, args=(u, c), daemon=True).start()
    threading.Thread(target=run, daemon=True).start()

for spec in sys.argv[1:]:
    left, right = spec.split("=", 1)
    la, lp = left.rsplit(":", 1)
    target = None
    if right != "silent":
        ta, tp = right.rsplit(":", 1)
        target = (loopback(ta), int(tp))
    serve((loopback(la), int(lp)), target)
print("ready", flush=True)
threading.Event().wait()
