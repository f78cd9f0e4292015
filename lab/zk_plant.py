#!/usr/bin/env python3
# lab/zk_plant.py — a tiny ZooKeeper client for lab/lab_zookeeper.sh: plants (or replaces) the lab's
# znodes with create/setData/setACL over the jute protocol (4-byte length framing, RequestHeader
# {xid, type}; opcodes from ZooDefs.OpCode: create 1, delete 2, getChildren 8, setData 5,
# setACL 7, auth 100), much faster than a zkCli.sh JVM per command. Used only against the lab's
# own servers on loopback.
#   zk_plant.py ADDR PORT open        the open server's tree (world:anyone cdrwa everywhere)
#   zk_plant.py ADDR PORT protected   the same kind of tree under digest ACLs, / included
#   zk_plant.py ADDR PORT count       prints the znodes outside /zookeeper
#   zk_plant.py ADDR PORT tops        prints "name=count" per top-level subtree
import base64
import hashlib
import json
import socket
import struct
import sys
import time

ADMIN_USER, ADMIN_PW = "admin", "lab-zk-admin-pw"


def digest_id(user, pw):
    h = base64.b64encode(hashlib.sha1(f"{user}:{pw}".encode()).digest()).decode()
    return f"{user}:{h}"


WORLD_ALL = [(31, "world", "anyone")]
ADMIN_ALL = [(31, "digest", digest_id(ADMIN_USER, ADMIN_PW))]


class Zk:
    def __init__(self, addr, port):
        self.s = socket.create_connection((addr, port), timeout=10)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.xid = 0
        req = struct.pack(">iqiqi16s?", 0, 0, 10000, 0, 16, b"\0" * 16, False)
        self._send(req)
        self._recv()

    def _send(self, b):
        self.s.sendall(struct.pack(">i", len(b)) + b)

    def _recv(self):
        n = struct.unpack(">i", self._read(4))[0]
        return self._read(n)

    def _read(self, n):
        b = b""
        while len(b) < n:
            x = self.s.recv(n - len(b))
            if not x:
                raise EOFError("server closed")
            b += x
        return b

    @staticmethod
    def _str(s):
        b = s.encode() if isinstance(s, str) else s
        return struct.pack(">i", len(b)) + b

    @staticmethod
    def _acl(acl):
        out = struct.pack(">i", len(acl))
        for perms, scheme, ident in acl:
            out += struct.pack(">i", perms) + Zk._str(scheme) + Zk._str(ident)
        return out

    def call(self, op, body, xid=None):
        if xid is None:
            self.xid += 1
            xid = self.xid
        self._send(struct.pack(">ii", xid, op) + body)
        while True:
            r = self._recv()
            rxid, _zxid, err = struct.unpack(">iqi", r[:16])
            if rxid == xid:
                return err, r[16:]

    def auth(self, user, pw):
        err, _ = self.call(100, struct.pack(">i", 0) + self._str("digest") + self._str(f"{user}:{pw}"), xid=-4)
        assert err == 0, f"auth {err}"

    def children(self, path):
        err, body = self.call(8, self._str(path) + b"\0")
        if err:
            return []
        n = struct.unpack(">i", body[:4])[0]
        out, off = [], 4
        for _ in range(n):
            ln = struct.unpack(">i", body[off:off + 4])[0]
            out.append(body[off + 4:off + 4 + ln].decode())
            off += 4 + ln
        return out

    def delete_tree(self, path):
        for c in self.children(path):
            self.delete_tree(path.rstrip("/") + "/" + c)
        if path != "/":
            self.call(2, self._str(path) + struct.pack(">i", -1))

    def create(self, path, data, acl):
        body = self._str(path) + self._str(data) + self._acl(acl) + struct.pack(">i", 0)
        err, _ = self.call(1, body)
        if err == -110:  # NODEEXISTS: replace the data
            err, _ = self.call(5, self._str(path) + self._str(data) + struct.pack(">i", -1))
        assert err == 0, f"create {path}: {err}"

    def set_acl(self, path, acl):
        err, _ = self.call(7, self._str(path) + self._acl(acl) + struct.pack(">i", -1))
        assert err == 0, f"setACL {path}: {err}"

    def count(self, path="/"):
        n = 0
        for c in self.children(path):
            if path == "/" and c == "zookeeper":
                continue
            n += 1 + self.count(path.rstrip("/") + "/" + c)
        return n


def tree():
    """The planted znodes: (path, data), parents first. Fake credentials of formats the detector
    knows among ordinary service configuration."""
    t = [("/services", ""), ("/services/orders", ""),
         ("/services/orders/db", "DATABASE_URL=postgresql://orders:Ord3rs-Prod-2024@db-orders.internal:5432/orders"),
         ("/services/orders/replicas", "3"),
         ("/services/billing", ""),
         ("/services/billing/jdbc",
          "jdbc:mysql://db-billing.internal:3306/billing?user=billing&password=B1ll-Secr3t-77"),
         ("/services/billing/stripe", json.dumps({"provider": "stripe",
                                                  "api_key": "sk_live_51Hx9QmT4vRzK8pLw2NcYb7Ds"})),
         ("/services/storage", ""),
         ("/services/storage/s3", "aws_access_key_id=AKIAQ3EGRZP5TVKN4M7B\nregion=eu-west-1\nbucket=app-uploads"),
         ("/services/notify", ""),
         ("/services/notify/slack", "SLACK_BOT_TOKEN=xoxb-2417359051-5820419378243-Xq7RmT2bWn9KfL4dPz8sVh3c"),
         ("/services/ai", ""),
         ("/services/ai/openai", json.dumps({"model": "gpt-4o", "api_key":
                                             "sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f"})),
         ("/ci", ""), ("/ci/github", "GITHUB_TOKEN=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"),
         ("/app", ""), ("/app/users", ""),
         ("/app/users/admins", "alice.moreau@fastmail.com\nbob.keller@gmx.net\ncarol.diaz@outlook.com"),
         ("/app/support", ""),
         ("/app/support/chat-42", json.dumps([
             {"role": "user", "content": "My card was charged twice, can you refund order 8812?"},
             {"role": "assistant", "content": "I am sorry about that. I have opened a refund for order 8812."}])),
         ("/brokers", ""), ("/brokers/ids", "")]
    for i in range(1, 4):
        t.append((f"/brokers/ids/{i}", json.dumps({"host": f"kafka-{i}.internal", "port": 9092, "version": 5})))
    t.append(("/brokers/topics", ""))
    for i in range(1, 41):
        t.append((f"/brokers/topics/events-{i:02d}", json.dumps({"partitions": {"0": [1, 2], "1": [2, 3]}})))
    return t


def connect(addr, port):
    # the port listens a moment before the server serves sessions: retry for up to 30 s
    for _ in range(300):
        try:
            return Zk(addr, port)
        except (OSError, EOFError):
            time.sleep(0.1)
    return Zk(addr, port)


def main():
    addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    zk = connect(addr, port)
    if mode == "count":
        print(zk.count())
        return
    if mode == "tops":  # "services=13 ci=2 …": znodes per top-level subtree, itself included
        print(" ".join(f"{c}={1 + zk.count('/' + c)}" for c in sorted(zk.children("/")) if c != "zookeeper"))
        return
    if mode == "protected":
        zk.auth(ADMIN_USER, ADMIN_PW)
    top = {p.split("/")[1] for p, _ in tree()}
    for c in zk.children("/"):  # start from the same tree every time
        if c in top:
            zk.delete_tree("/" + c)
    acl = WORLD_ALL if mode == "open" else ADMIN_ALL
    for path, data in tree():
        zk.create(path, data, acl)
    zk.set_acl("/", acl)
    print(zk.count())


if __name__ == "__main__":
    main()
