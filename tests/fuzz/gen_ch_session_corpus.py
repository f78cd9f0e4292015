#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_ch_session.c: whole ClickHouse conversations, HTTP
and native, that go deep (fingerprint, inventory, sampling, every blast-radius probe), with fake
credentials planted in server-controlled strings (names, DDL, dictionary sources, settings,
query_log, processes, macros, clusters, named collections, errors, headers, Hello fields).

Input format (see the harness): byte 0 = configuration bits, then chunks separated by SEP, each
"key\\nresponse" where the key is a piece of the SQL the response answers ("" = any request).

Usage: gen_ch_session_corpus.py [DIR]   (default: tests/fuzz/corpus/ch_session, which `make check`
replays through fuzz-corpus/fuzz_ch_session). Every seed passes since the redaction at the model
boundary (60b9f60); before it, the plant_* seeds trip the no-planted-secret invariant, the *_empty
ones UBSan (qsort(NULL, 0)) and the *_long_names ones an ASan stack-buffer-overflow."""
import os
import struct
import sys
import zlib

SEP = b"\n--chunk--\n"
CFG_NATIVE, CFG_DEEP, CFG_SMALL_CAP, CFG_STALL = 0x01, 0x08, 0x40, 0x80


def cfg(native=False, sample=2, deep=False, tables=2, small=False, stall=False):
    """sample: index into (0, 1, 3, 100) rows; tables: index into (2, 8, 50, 1000); stall: the
    server never closes, the service timeout ends the session."""
    return bytes([(CFG_NATIVE if native else 0) | (sample << 1) | (CFG_DEEP if deep else 0) | (tables << 4)
                  | (CFG_SMALL_CAP if small else 0) | (CFG_STALL if stall else 0)])


# ---- planted credentials (the harness looks for exactly these) --------------------------------
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def ghp(random30):
    c = zlib.crc32(random30.encode())
    s = ""
    for _ in range(6):
        s = B62[c % 62] + s
        c //= 62
    return "ghp_" + random30 + s


AWS = "AKIAQ7PLNTD2E2EFZK6X"
GHP = ghp("E2eFuzzPlantedTok3nZq8Lm2Wp8Xv")
PGPW = "Sup3rS3cretPw"
APIKEY = "k3yV4lu3Xq9Zt7Lm2Wp8Rb0Y"
SLACK = "E2eFuzzSlackHookS3cr3tXy"
assert GHP == "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"
PG_URL = f"postgresql://user:{PGPW}@pg.internal:5432/app"
API_URL = f"https://api.example.com/v1/export?api_key={APIKEY}&fmt=csv"
SLACK_URL = f"https://hooks.slack.com/services/T0AB12CDE/B0FG34HIJ/{SLACK}"

# ---- the SQL keys: distinctive pieces of each query the engines send ----------------------------
K_FP = "7919*7907"
K_DATABASES = "FROM system.databases WHERE name NOT IN"
K_TABLES = "ifNull(toString(total_rows)"
K_TABLES_OLD = "SELECT database, name, engine FROM system.tables"
K_PARTS = "FROM system.parts"
K_COLUMNS = "FROM system.columns"
K_IDENTITY = "hostName()"
K_CURUSER = "SELECT currentUser()"
K_WHOAMI = "WHERE query LIKE '%leakscan-whoami-"
K_SETTINGS = "FROM system.settings"
K_TFUNCS = "FROM system.table_functions"
K_GRANTS = "FROM system.grants"
K_USERS = "FROM system.users"
K_ROLES = "FROM system.roles"
K_QUOTAS = "FROM system.quotas"
K_QLOG_USERS = "GROUP BY user"
K_QLOG_TEXTS = "SELECT query FROM system.query_log"
K_PROCESSES = "SELECT user, query FROM system.processes"
K_EXTERNAL = "create_table_query FROM system.tables"
K_DICTS = "FROM system.dictionaries"
K_NAMED = "FROM system.named_collections"
K_CLUSTERS = "FROM system.clusters"
K_MACROS = "FROM system.macros"
K_RANSOM = "UNION ALL"
K_NOTHING = "SELECT 1 WHERE 0"


def k_count(db, t):
    return f"SELECT toString(count()) FROM `{db}`.`{t}`"


def k_sample(db, t):
    return f"FROM `{db}`.`{t}`"


# ---- HTTP rendering ---------------------------------------------------------------------------
def tsv_cell(v):
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").encode()


def tsv(rows):
    return b"".join(b"\t".join(tsv_cell(c) for c in r) + b"\n" for r in rows)


HDRS = ("Date: Mon, 04 Nov 2024 10:00:00 GMT\r\nConnection: Close\r\n"
        "Content-Type: text/tab-separated-values; charset=UTF-8\r\n")


def http_ok(rows, display="ch-prod-1", framing="chunked", extra=""):
    body = tsv(rows)
    head = (f"HTTP/1.1 200 OK\r\n{HDRS}X-ClickHouse-Server-Display-Name: {display}\r\n"
            "X-ClickHouse-Query-Id: 5b1f0c1e-7d3a-4c7e-9a55-0e1f2d3c4b5a\r\n"
            "X-ClickHouse-Format: TabSeparated\r\nX-ClickHouse-Timezone: UTC\r\n"
            'X-ClickHouse-Summary: {"read_rows":"1","read_bytes":"1","written_rows":"0","written_bytes":"0",'
            '"total_rows_to_read":"0","result_rows":"1","result_bytes":"80"}\r\n' + extra)
    if framing == "chunked":
        out = head.encode() + b"Transfer-Encoding: chunked\r\n\r\n"
        for i in range(0, len(body), 4096):
            part = body[i:i + 4096]
            out += b"%x\r\n" % len(part) + part + b"\r\n"
        return out + b"0\r\n\r\n"
    if framing == "length":
        return head.encode() + b"Content-Length: %d\r\n\r\n" % len(body) + body
    return head.encode() + b"\r\n" + body  # until EOF


def http_err(code, msg, status=404, display="ch-prod-1"):
    body = f"Code: {code}. DB::Exception: {msg}. (version 23.8.2.7 (official build))\n".encode()
    return (f"HTTP/1.1 {status} Not Found\r\n{HDRS}X-ClickHouse-Server-Display-Name: {display}\r\n"
            f"X-ClickHouse-Exception-Code: {code}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


# ---- native rendering -------------------------------------------------------------------------
def vu(v):
    out = b""
    while True:
        b = v & 0x7F
        v >>= 7
        out += bytes([b | (0x80 if v else 0)])
        if not v:
            return out


def nstr(s):
    s = s.encode() if isinstance(s, str) else s
    return vu(len(s)) + s


BLOCK_INFO = bytes([1, 0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0])


def n_block(names, rows, types=None):
    types = types or ["String"] * len(names)
    out = vu(1) + nstr("") + BLOCK_INFO + vu(len(names)) + vu(len(rows))
    for c, (name, typ) in enumerate(zip(names, types)):
        out += nstr(name) + nstr(typ)
        if typ.startswith("Nullable("):
            out += bytes(1 if r[c] is None else 0 for r in rows)
        for r in rows:
            out += nstr(r[c] or "")
    return out


def n_hello(display="ch-prod-1", tz="UTC", rev=54462):
    return vu(0) + nstr("ClickHouse") + vu(23) + vu(8) + vu(rev) + nstr(tz) + nstr(display) + vu(2)


def n_exception(code, msg, name="DB::Exception", trace=""):
    return vu(2) + struct.pack("<i", code) + nstr(name) + nstr(f"DB::Exception: {msg}") + nstr(trace) + b"\0"


def n_result(rows, ncols=None, progress=True):
    """A result the way a server streams it: header block, data block, ProfileInfo, Progress,
    empty block, EndOfStream."""
    n = ncols if ncols is not None else (len(rows[0]) if rows else 1)
    names = [f"c{i}" for i in range(n)]
    out = n_block(names, [])
    if rows:
        out += n_block(names, rows)
    out += vu(6) + vu(len(rows)) + vu(1) + vu(64) + b"\0" + vu(0) + b"\0"
    if progress:
        out += vu(3) + vu(len(rows)) + vu(64) + vu(0)
    return out + vu(1) + nstr("") + BLOCK_INFO + vu(0) + vu(0) + vu(5)


# ---- a server model ---------------------------------------------------------------------------
def server(**kw):
    """The default model of an open server; keyword arguments replace its parts."""
    m = {
        "version": "23.8.2.7",
        "display": "ch-prod-1",
        "tz": "UTC",
        "databases": ["default", "analytics"],
        # (db, name, engine, rows, bytes, [(column, type)], [row cells])
        "tables": [
            ("analytics", "events", "MergeTree", "3", "4096", [("id", "UInt64"), ("payload", "String")],
             [["1", "login ok"], ["2", "user clicked"], ["3", "export done"]]),
            ("default", "app_config", "MergeTree", "2", "2048", [("name", "String"), ("value", "String")],
             [["smtp", "mail.internal"], ["aws_key", "AKIAI3R2WYOJFLJOOA7L"]]),
            ("default", "audit", "Log", "", "", [("line", "String")], [["started"]]),
        ],
        "counts": {("default", "audit"): "1"},
        "settings": [("readonly", "0"), ("allow_ddl", "1"), ("log_queries", "1"), ("max_execution_time", "0")],
        "table_functions": ["file", "mysql", "numbers", "postgresql", "remote", "s3", "url"],
        "grants": ["ALL"],
        "users": [("default", "no_password", "::/0")],
        "roles": "0",
        "quotas": "1",
        "qlog_users": [("default", "1234"), ("etl", "56")],
        "qlog_texts": ["SELECT count() FROM analytics.events"],
        "processes": [("etl", "SELECT * FROM analytics.events")],
        "external": [],
        "dictionaries": [],
        "named": [],
        "clusters": [("default", "ch-node-2.internal", "127.77.4.252", "9000")],
        "macros": [("shard", "01"), ("replica", "ch-prod-1")],
        "ransom": [],
        "errors": {},  # key -> (code, message): answer that query with an error instead
        "old": False,  # system.tables without total_rows (before 20.3): answers code 47
    }
    m.update(kw)
    return m


def answers(m):
    """(key, rows or ('error', code, msg)) for every query the model answers, in engine order."""
    out = []
    def add(key, rows):
        out.append((key, ("error",) + m["errors"][key] if key in m["errors"] else rows))
    add(K_DATABASES, [[d] for d in m["databases"]])
    if m["old"]:
        out.append((K_TABLES, ("error", 47, "Missing columns: 'total_rows' while processing query")))
        add(K_TABLES_OLD, [[t[0], t[1], t[2]] for t in m["tables"]])
        add(K_PARTS, [[t[0], t[1], t[3] or "0", t[4] or "0"] for t in m["tables"] if t[3]])
    else:
        add(K_TABLES, [[t[0], t[1], t[2], t[3], t[4]] for t in m["tables"]])
    add(K_COLUMNS, [[t[0], t[1], c, ty] for t in m["tables"] for c, ty in t[5]])
    for t in m["tables"]:
        if (t[0], t[1]) in m["counts"]:
            add(k_count(t[0], t[1]), [[m["counts"][(t[0], t[1])]]])
    for t in m["tables"]:
        text_cols = [i for i, (c, ty) in enumerate(t[5]) if "String" in ty]
        if text_cols and t[6]:
            add(k_sample(t[0], t[1]), [[r[i] for i in text_cols] for r in t[6]])
    add(K_NOTHING, [])
    add(K_IDENTITY, [[m["version"], "86400", m["tz"], m["display"]]])
    add(K_CURUSER, [["default"]])
    add(K_SETTINGS, [list(s) for s in m["settings"]])
    add(K_TFUNCS, [[f] for f in m["table_functions"]])
    add(K_GRANTS, [[g] for g in m["grants"]])
    add(K_USERS, [list(u) for u in m["users"]])
    add(K_ROLES, [[m["roles"]]])
    add(K_QUOTAS, [[m["quotas"]]])
    add(K_QLOG_USERS, [list(u) for u in m["qlog_users"]])
    add(K_QLOG_TEXTS, [[q] for q in m["qlog_texts"]])
    add(K_PROCESSES, [list(p) for p in m["processes"]])
    add(K_EXTERNAL, [list(e) for e in m["external"]])
    add(K_DICTS, [list(d) for d in m["dictionaries"]])
    add(K_NAMED, [list(n) for n in m["named"]])
    add(K_CLUSTERS, [list(c) for c in m["clusters"]])
    add(K_MACROS, [list(x) for x in m["macros"]])
    add(K_RANSOM, [list(r) for r in m["ransom"]])
    return out


def conversation(m, native, framing="chunked", fp=None, hello=None):
    """The chunks of one whole conversation; the last chunk answers anything else with an error."""
    chunks = []
    if native:
        chunks.append((b"", hello if hello is not None else n_hello(m["display"], m["tz"])))
    else:
        fp_body = fp if fp is not None else http_ok([[m["version"], m["tz"], "86400", "62615533"]], m["display"],
                                                    framing)
        chunks.append((K_FP.encode(), fp_body))
    for key, ans in answers(m):
        if ans and ans[0] == "error":
            resp = n_exception(ans[1], ans[2]) if native else http_err(ans[1], ans[2], display=m["display"])
        else:
            resp = n_result(ans, ncols=len(ans[0]) if ans else 1) if native else http_ok(ans, m["display"], framing)
        chunks.append((key.encode(), resp))
    fallback = "Unknown table expression identifier. (UNKNOWN_TABLE)"
    chunks.append((b"", n_exception(60, fallback) if native else http_err(60, fallback, display=m["display"])))
    return chunks


def encode(config, chunks):
    return config + SEP.join(k + b"\n" + d for k, d in chunks)


# ---- the seeds --------------------------------------------------------------------------------
def plant_names():
    return server(
        databases=["default", f"tenant_{AWS}"],
        tables=[(f"tenant_{AWS}", "events", "MergeTree", "1", "100", [("msg", "String")], [["hello"]]),
                ("default", f"backup {GHP}", "MergeTree", "1", "100", [("msg", "String")], [["x"]]),
                ("default", f"{PG_URL}", "Memory", "", "", [("msg", "String")], [["y"]])],
        counts={("default", PG_URL): "1"})


def plant_ddl():
    return server(external=[
        ("default", "pg_users", "PostgreSQL",
         f"CREATE TABLE default.pg_users (id UInt64) ENGINE = PostgreSQL('{PG_URL}', 'app', 'users', 'loader', "
         f"'{PGPW}')"),
        ("default", "export", "URL", f"CREATE TABLE default.export (x String) ENGINE = URL('{API_URL}', 'CSV')"),
        ("default", "alerts", "URL", f"CREATE TABLE default.alerts (x String) ENGINE = URL('{SLACK_URL}', 'JSON')"),
        ("default", "s3_dump", "S3",
         f"CREATE TABLE default.s3_dump (x String) ENGINE = S3('https://bucket.s3.amazonaws.com/d.csv', '{AWS}', "
         f"'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY', 'CSV')"),
        ("default", "gh_mirror", "MergeTree",
         f"CREATE TABLE default.gh_mirror (x String) ENGINE = MergeTree ORDER BY x COMMENT 'token {GHP}'"),
    ])


def plant_system():
    return server(
        settings=[("readonly", "0"), ("allow_ddl", "1"), ("log_queries", f"1 {PG_URL}"),
                  ("max_execution_time", f"api_key={APIKEY}"), ("max_result_rows", GHP)],
        qlog_users=[(f"svc_{AWS}", "12"), ("default", "3")],
        qlog_texts=[f"CREATE TABLE t ENGINE = MySQL('db:3306', 'app', 'users', 'root', '{PGPW}')",
                    f"SELECT * FROM url('{API_URL}', CSV)", f"INSERT INTO tokens VALUES ('{GHP}')"],
        processes=[(f"etl_{AWS}", f"SELECT * FROM postgresql('{PG_URL}', 'users')")],
        dictionaries=[("geo", f"HTTP: {API_URL}"), ("users", f"PostgreSQL: {PG_URL}"),
                      ("tokens", f"Executable: /opt/fetch --token {GHP}"), ("hooks", f"HTTP: {SLACK_URL}")],
        named=[("pg_main", f"host=pg.internal, user=loader, password={PGPW}, url={PG_URL}"),
               ("s3_main", f"access_key_id={AWS}, secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY")],
        clusters=[(f"prod_{AWS}", f"{PG_URL}", "127.77.4.252", "9000"), ("backup", f"api_key={APIKEY}", "", "9000")],
        macros=[("shard", "01"), ("pg", PG_URL), ("hook", SLACK_URL), ("gh", GHP)])


def plant_errors():
    return server(errors={
        K_SETTINGS: (497, f"Not enough privileges for {PG_URL}"),
        K_GRANTS: (497, f"user etl with token {GHP} is not allowed"),
        K_DICTS: (60, f"Dictionary source {API_URL} failed"),
        K_NAMED: (60, f"Table system.named_collections doesn't exist; key {AWS}"),
        k_sample("analytics", "events"): (241, f"Memory limit exceeded while reading {SLACK_URL}"),
    })


def plant_ransom():
    return server(
        tables=[("default", "README_TO_RECOVER", "MergeTree", "1", "100", [("note", "String")],
                 [[f"Send 0.1 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh, contact: recover@proton.me {GHP}"]]),
                ("default", "users", "MergeTree", "1", "100", [("email", "String")], [["a@b.example"]])],
        ransom=[("default", "README_TO_RECOVER"), (f"pwned_{AWS}", "")])


def aws_key(i):
    """A distinct, well-formed access key id (AKIA + 16 base32 characters)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    tail = ""
    x = 0x5DEECE66D * (i + 7)
    for _ in range(16):
        tail += alphabet[x % 32]
        x = x // 32 + 0x9E3779B9 * (i + 3)
    return "AKIA" + tail


def long_names():
    """A dozen tables with ~200-byte names, each holding two distinct secrets: the rotation advice
    lists them all (issue 12, defect 1: a stack buffer overflow before the bounded builder)."""
    tables = []
    for i in range(12):
        name = f"customer_credentials_archive_{i:02d}_" + "x" * 220
        rows = [[f"aws_access_key_id={aws_key(2 * i)}"], [f"aws_access_key_id={aws_key(2 * i + 1)}"]]
        tables.append(("tenant_" + "y" * 200, name, "MergeTree", "2", "512", [("cfg", "String")], rows))
    return server(databases=["tenant_" + "y" * 200], tables=tables, counts={})


def auth_required_http():
    fp = http_err(516, f"default: Authentication failed: password is incorrect ({PG_URL})", status=401,
                  display=f"ch-{AWS}")
    return [(K_FP.encode(), fp)]


def auth_required_native():
    return [(b"", n_exception(516, f"default: Authentication failed ({PG_URL}) {GHP}",
                              trace=f"0. libclickhouse.so.18.16 api_key={APIKEY}"))]


def empty_server():
    return server(databases=[], tables=[], counts={}, qlog_users=[], qlog_texts=[], processes=[], clusters=[],
                  macros=[], grants=[], users=[], table_functions=[])


def seeds():
    """(name, bytes) of every seed."""
    out = []
    for native in (False, True):
        tag = "native" if native else "http"
        def add(name, config, model):
            out.append((f"{tag}_{name}", encode(config, conversation(model, native))))
        add("basic", cfg(native), server())
        add("empty", cfg(native, tables=1), empty_server())
        add("old_server", cfg(native, sample=1), server(old=True))
        add("deep_small_cap", cfg(native, deep=True, small=True, tables=3), server())
        add("long_names", cfg(native, tables=2), long_names())
        add("plant_names", cfg(native, tables=1), plant_names())
        add("plant_ddl", cfg(native), plant_ddl())
        add("plant_system", cfg(native), plant_system())
        add("plant_errors", cfg(native), plant_errors())
        add("plant_ransom", cfg(native), plant_ransom())
        auth = auth_required_native() if native else auth_required_http()
        out.append((f"{tag}_plant_auth", encode(cfg(native), auth)))
    # HTTP framings; a secret in the display name and time zone (HTTP headers, native Hello)
    out.append(("http_length_framing", encode(cfg(), conversation(server(), False, framing="length"))))
    out.append(("http_eof_framing", encode(cfg(), conversation(server(), False, framing="eof"))))
    planted_id = server(display=f"ch {GHP}", tz=f"UTC {AWS}")
    out.append(("http_plant_header", encode(cfg(), conversation(planted_id, False))))
    out.append(("native_plant_hello",
                encode(cfg(True), conversation(server(), True, hello=n_hello(f"ch {GHP}", f"UTC {AWS}")))))
    # native: a readonly profile refuses readonly=1 (code 164), the engine asks again without it
    conv = conversation(server(), True)
    conv.insert(1, (K_DATABASES.encode(), n_exception(164, "Cannot modify 'readonly' setting in readonly mode")))
    out.append(("native_readonly_retry", encode(cfg(True), conv)))
    # a silent server: the service timeout cancels the session mid-answer (issue 12, defect 8:
    # a native session cancelled during a Progress flood leaked its connection)
    flood = b"".join(vu(3) + vu(i) + vu(64 * i) + vu(1000000) for i in range(2000))
    conv = conversation(server(), True)
    conv.insert(1, (K_DATABASES.encode(), flood))
    out.append(("native_stall_progress", encode(cfg(True, stall=True), conv)))
    conv = conversation(server(), False)
    partial = http_ok([["default"], ["analytics"]], framing="length")[:-5]
    conv.insert(1, (K_DATABASES.encode(), partial))
    out.append(("http_stall_partial", encode(cfg(stall=True), conv)))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "ch_session")
    os.makedirs(outdir, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
