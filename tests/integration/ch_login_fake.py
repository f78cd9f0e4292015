#!/usr/bin/env python3
"""Test helper: a minimal ClickHouse HTTP stand-in for --default-credentials. Listens on ADDR:PORT;
requests as `default` without a password, or with a login other than USER/PASSWORD, get ClickHouse's
authentication error (516); with USER/PASSWORD as X-ClickHouse-User/-Key the fingerprint query and
SELECT version() are answered like ClickHouse 24.8 and any other query with an empty result. Every
request carrying X-ClickHouse-User is logged (user only) to --log. Prints "ready", runs until killed.
Usage: ch_login_fake.py --log FILE ADDR PORT USER PASSWORD (USER "-" refuses every login)."""
import http.server, sys, urllib.parse

VERSION = "24.8.4.13"

def main():
    _, _, log, addr, port, user, password = sys.argv

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def answer(self, status, body, code=None):
            b = body.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(b)))
            self.send_header("X-ClickHouse-Server-Display-Name", "fake")
            if code:
                self.send_header("X-ClickHouse-Exception-Code", str(code))
            self.end_headers()
            self.wfile.write(b)

        def do_GET(self):
            u = self.headers.get("X-ClickHouse-User")
            if u is not None:
                with open(log, "a") as f:
                    f.write(u + "\n")
            if u != user or self.headers.get("X-ClickHouse-Key") != password:
                who = u or "default"
                self.answer(516, "Code: 516. DB::Exception: %s: Authentication failed: password is incorrect, or "
                            "there is no user with such name. (AUTHENTICATION_FAILED) (version %s (official build))\n"
                            % (who, VERSION), 516)
                return
            q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("query", [""])[0]
            if "7919*7907" in q:
                self.answer(200, "%s\tUTC\t100\t62615533\n" % VERSION)
            elif q.strip() == "SELECT version()":
                self.answer(200, VERSION + "\n")
            else:
                self.answer(200, "")

        do_POST = do_GET

    srv = http.server.ThreadingHTTPServer((addr, int(port)), H)
    print("ready", flush=True)
    srv.serve_forever()

main()
