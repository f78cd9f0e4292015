#!/usr/bin/env python3
"""Test helper: an HTTP relay on loopback that logs in to a ClickHouse HTTP interface for its
client. leakscan never sends a password it was not given, so this is how a test lets it scan a
server as an account that needs one (the chdb lab's protected twin, whose `default` has no
access_management: 26.x refuses it system.grants). Every request is forwarded as is, except that
credentials (Authorization, X-ClickHouse-User/-Key, user=/password= parameters) are replaced by
X-ClickHouse-User/-Key of USER and PASSWORD; answers come back whole (Content-Length), each capped.

    ch_auth_relay.py LISTEN_ADDR PORT TARGET_ADDR TARGET_PORT USER PASSWORD

Prints "ready" once it listens. Loopback only. Runs until killed."""
import http.client
import http.server
import ipaddress
import sys
import urllib.parse

MAX_BODY = 64 << 20
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "authorization",
       "x-clickhouse-user", "x-clickhouse-key", "host"}


def loopback(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        sys.exit(f"ch_auth_relay.py: {addr} is not a loopback address")
    return addr


def main():
    laddr, lport, taddr, tport, user, password = sys.argv[1:7]
    loopback(laddr)
    loopback(taddr)

    class Relay(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def relay(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(n, MAX_BODY)) if n else b""
            url = urllib.parse.urlsplit(self.path)
            query = [(k, v) for k, v in urllib.parse.parse_qsl(url.query, keep_blank_values=True)
                     if k not in ("user", "password")]
            path = urllib.parse.urlunsplit(("", "", url.path, urllib.parse.urlencode(query), ""))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            headers.update({"X-ClickHouse-User": user, "X-ClickHouse-Key": password})
            up = http.client.HTTPConnection(taddr, int(tport), timeout=120)
            try:
                up.request(self.command, path, body=body or None, headers=headers)
                r = up.getresponse()
                data = r.read(MAX_BODY)
            except OSError as e:
                self.send_error(502, str(e))
                return
            finally:
                up.close()
            self.send_response(r.status, r.reason)
            for k, v in r.getheaders():
                if k.lower() not in HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_HEAD = relay

    server = http.server.ThreadingHTTPServer((laddr, int(lport)), Relay)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
