// lab/chdb/server.js — a ClickHouse 26.x for leakscan's lab: ClickHouse's HTTP interface in
// front of chDB (ClickHouse's SQL engine as a library). The SQL engine, system tables and query
// errors are chDB's own; the HTTP framing, authentication and the per-user profile are this
// file's, written from ClickHouse's documentation and source (facts only; see lab/README.md):
//   GET / and /ping → "Ok.\n"; unknown paths → 404 "There is no handle …"; queries by GET ?query=
//   or POST body; credentials by X-ClickHouse-User/-Key, Basic auth or user=/password= (mixing
//   them is refused); GET forces readonly=2 (HTTPHandler.cpp); a readonly=1 profile refuses any
//   setting change (SettingsConstraints.cpp); errors as "Code: N. DB::Exception: … (NAME)
//   (version V (official build))" with the status of exceptionCodeToHTTPStatus.cpp; responses
//   carry X-ClickHouse-Server-Display-Name, -Query-Id, -Format, -Timezone, -Summary and
//   -Exception-Code. Never runs a query that connects out (guard.js).
//
//   node server.js DIR ADDRESS PORT      (DIR holds front.json, config.xml and data/ from plant.js)
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { Session } = require('chdb');

const { refuse } = require('./guard');
const { authenticate, profileOf } = require('./users');

const [dir, address, port] = process.argv.slice(2);
if (!dir || !address || !port) {
    console.error('usage: node server.js DIR ADDRESS PORT');
    process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(path.join(dir, 'front.json'), 'utf8'));
const session = new Session(path.join(dir, 'data'), { connectionArgs: [`--config-file=${path.join(dir, 'config.xml')}`] });
const MAX_BODY = 16 << 20;

// ---- errors ----------------------------------------------------------------------------------

const ERROR_NAMES = {
    48: 'NOT_IMPLEMENTED', 62: 'SYNTAX_ERROR', 81: 'UNKNOWN_DATABASE', 115: 'UNKNOWN_SETTING', 164: 'READONLY',
    194: 'REQUIRED_PASSWORD', 497: 'ACCESS_DENIED', 516: 'AUTHENTICATION_FAILED',
};
// exceptionCodeToHTTPStatus.cpp, for the codes a scanner meets
function httpStatus(code) {
    if (code === 194) return 401;
    if ([192, 193, 497, 512, 516].includes(code)) return 403;
    if ([6, 27, 36, 38, 41, 44, 53, 62, 117, 167, 168, 321].includes(code)) return 400;
    if ([46, 47, 50, 56, 60, 73, 81, 115, 167, 511].includes(code)) return 404;
    if (code === 48) return 501;
    if (code === 159) return 408;
    return 500;
}
function exceptionText(code, message) {
    return `Code: ${code}. DB::Exception: ${message}. (${ERROR_NAMES[code] || 'UNKNOWN'}) (version ${spec.version} (official build))\n`;
}

// ---- responses -------------------------------------------------------------------------------

function baseHeaders(res) {
    res.setHeader('X-ClickHouse-Server-Display-Name', spec.display_name);
}
function sendOk(res, head) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': 4 });
    res.end(head ? undefined : 'Ok.\n');
}
function queryHeaders(res, ctx) {
    res.setHeader('X-ClickHouse-Query-Id', ctx.queryId);
    res.setHeader('X-ClickHouse-Format', ctx.format);
    res.setHeader('X-ClickHouse-Timezone', spec.timezone);
}
function sendError(res, ctx, code, text) {
    res.lsCode = code;
    if (ctx) queryHeaders(res, ctx);
    res.setHeader('X-ClickHouse-Exception-Code', String(code));
    res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
    if (code === 194) res.setHeader('WWW-Authenticate', 'Basic realm="ClickHouse server HTTP API"');
    res.writeHead(httpStatus(code));
    res.end(text);
}
function authFailed(res, user, noCredentials) {
    let msg = `${user}: Authentication failed: password is incorrect, or there is no user with such name`;
    if (user === 'default' || user === '') msg += `.\n\n${spec.reset_hint}\n`;
    // `default` without any credentials: 194 REQUIRED_PASSWORD, so that a browser asks for them
    // (AccessControl.cpp, allowInteractiveBasicAuthenticationInTheBrowser); else 516
    const code = user === 'default' && noCredentials ? 194 : 516;
    sendError(res, null, code, exceptionText(code, msg));
}

const CONTENT_TYPES = {
    TabSeparated: 'text/tab-separated-values; charset=UTF-8', TSV: 'text/tab-separated-values; charset=UTF-8',
    JSON: 'application/json; charset=UTF-8', JSONEachRow: 'application/x-ndjson; charset=UTF-8',
    JSONCompact: 'application/json; charset=UTF-8', CSV: 'text/csv; charset=UTF-8; header=absent',
};

// ---- the request ----------------------------------------------------------------------------

// URL parameters that are not settings (docs/en/interfaces/http.md)
const RESERVED = new Set(['query', 'user', 'password', 'database', 'default_format', 'query_id', 'session_id',
    'session_timeout', 'session_check', 'compress', 'decompress', 'buffer_size', 'wait_end_of_query', 'role',
    'quota_key', 'stacktrace', 'enable_http_compression']);

function credentials(req, params) {
    const hUser = req.headers['x-clickhouse-user'], hKey = req.headers['x-clickhouse-key'];
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization || '');
    const pUser = params.get('user'), pPass = params.get('password');
    const used = [hUser !== undefined || hKey !== undefined, !!basic, pUser !== null || pPass !== null].filter(Boolean).length;
    if (used > 1) return { mixed: true };
    if (basic) {
        const raw = Buffer.from(basic[1], 'base64').toString('utf8');
        const i = raw.indexOf(':');
        return { user: i < 0 ? raw : raw.slice(0, i), password: i < 0 ? '' : raw.slice(i + 1), basic: true };
    }
    if (hUser !== undefined || hKey !== undefined) return { user: hUser || 'default', password: hKey || '' };
    return { user: pUser || 'default', password: pPass || '', none: pUser === null && pPass === null };
}

// Effective settings: the profile, then readonly=2 for GET (HTTPHandler.cpp), then the request's
// own, each checked the way SettingsConstraints does in readonly mode.
function settingsFor(req, params, user) {
    const eff = Object.assign({}, profileOf(spec, user));
    const profileReadonly = Number(eff.readonly || 0);
    if (req.method === 'GET' && profileReadonly === 0) eff.readonly = 2;
    for (const [k, v] of params) {
        if (RESERVED.has(k) || k.startsWith('param_')) continue;
        const ro = Number(eff.readonly || 0);
        if (ro === 1 || (ro === 2 && k === 'readonly'))
            return { error: [164, `${user.name}: Cannot modify '${k}' setting in readonly mode`] };
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || /[\n\r]/.test(v)) return { error: [115, `Unknown setting '${k}'`] };
        eff[k] = v;
    }
    return { settings: eff };
}

function settingsClause(settings) {
    const parts = Object.entries(settings).map(([k, v]) => `${k} = ${/^-?[0-9.]+$/.test(String(v)) ? v : `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`}`);
    return parts.length ? ` SETTINGS ${parts.join(', ')}` : '';
}

// Appends the settings to the statement (before a trailing FORMAT clause, which also names the
// output format).
function prepare(sql, settings, defaultFormat) {
    let text = sql.replace(/[\s;]+$/, '');
    let format = defaultFormat;
    const fm = /\sFORMAT\s+([A-Za-z0-9_]+)\s*$/i.exec(text);
    if (fm) {
        format = fm[1];
        text = text.slice(0, fm.index);
    }
    const clause = settingsClause(settings);
    return { text: text + clause, format, clause };
}

let queue = Promise.resolve(); // chDB runs one query at a time on a connection
function serialized(fn) {
    const p = queue.then(fn);
    queue = p.catch(() => undefined);
    return p;
}

function errorFrom(e, user) {
    const text = String((e && e.message) || e);
    const m = /Code: (\d+)\. DB::Exception: ([\s\S]*?)\. \(([A-Z_0-9]+)\)/.exec(text);
    if (!m) return [1001, `Code: 1001. DB::Exception: ${text.replace(/\s+$/, '')}. (STD_EXCEPTION) (version ${spec.version} (official build))\n`];
    const code = Number(m[1]);
    ERROR_NAMES[code] = ERROR_NAMES[code] || m[3];
    return [code, exceptionText(code, m[2].replace(/^default: /, `${user.name}: `))];
}

// Streams the result as ClickHouse does (chunked; headers go out with the first block, so the
// Summary counts what was read by then; an error after that is appended to the body).
async function stream(req, res, ctx, prep, user) {
    const t0 = process.hrtime.bigint();
    let closed = false;
    res.on('close', () => {
        closed = true;
    });
    let st, it, first;
    try {
        st = session.queryStream(prep.text, { format: prep.format });
        it = st[Symbol.asyncIterator]();
        first = await it.next();
    } catch (e) {
        // chDB streams only SELECT-like queries; SHOW GRANTS and similar answer whole (a real
        // server streams every query, so the client sees the same either way)
        if (/Streaming query is not supported/.test(String((e && e.message) || e))) return whole(res, ctx, prep, user);
        const [code, text] = errorFrom(e, user);
        return sendError(res, ctx, code, prep.clause ? text.split(prep.clause).join('') : text);
    }
    queryHeaders(res, ctx);
    res.setHeader('X-ClickHouse-Summary', JSON.stringify({
        read_rows: String(first.done ? 0 : first.value.numRows), read_bytes: '0', written_rows: '0', written_bytes: '0',
        total_rows_to_read: '0', result_rows: '0', result_bytes: '0', elapsed_ns: String(process.hrtime.bigint() - t0),
    }));
    res.setHeader('Content-Type', CONTENT_TYPES[ctx.format] || 'text/plain; charset=UTF-8');
    res.writeHead(200);
    let r = first;
    try {
        while (!r.done && !closed) {
            if (req.method !== 'HEAD' && !res.write(Buffer.from(r.value.raw())))
                await new Promise((ok) => res.once('drain', ok).once('close', ok));
            r = await it.next();
        }
    } catch (e) {
        if (!closed) res.write(errorFrom(e, user)[1]);
    }
    if (!r.done) st.cancel();
    res.end();
}

// A statement chDB cannot stream, answered in one piece.
function whole(res, ctx, prep, user) {
    let body;
    try {
        body = Buffer.from(session.query(prep.text, prep.format));
    } catch (e) {
        const [code, text] = errorFrom(e, user);
        return sendError(res, ctx, code, prep.clause ? text.split(prep.clause).join('') : text);
    }
    queryHeaders(res, ctx);
    res.setHeader('X-ClickHouse-Summary', JSON.stringify({
        read_rows: '0', read_bytes: '0', written_rows: '0', written_bytes: '0', total_rows_to_read: '0',
        result_rows: '0', result_bytes: String(body.length), elapsed_ns: '0',
    }));
    res.setHeader('Content-Type', CONTENT_TYPES[ctx.format] || 'text/plain; charset=UTF-8');
    res.writeHead(200);
    res.end(body);
}

async function handleQuery(req, res, params, body) {
    const ctx = { queryId: params.get('query_id') || crypto.randomUUID(), format: req.headers['x-clickhouse-format'] || params.get('default_format') || 'TabSeparated' };
    const cred = credentials(req, params);
    if (cred.mixed) {
        sendError(res, null, 516, exceptionText(516, 'Invalid authentication: it is not allowed to use Authorization HTTP header and authentication via parameters simultaneously'));
        return;
    }
    const user = authenticate(spec, cred.user, cred.password, req.socket.remoteAddress || '');
    if (!user) {
        authFailed(res, cred.user, cred.none === true);
        return;
    }
    const q = params.get('query');
    const sql = q !== null ? (body.length ? `${q}\n${body}` : q) : body.toString('utf8');
    res.lsUser = user.name;
    res.lsQuery = sql;
    if (!sql.trim()) {
        sendError(res, ctx, 62, exceptionText(62, 'Empty query'));
        return;
    }
    const st = settingsFor(req, params, user);
    if (st.error) {
        sendError(res, ctx, st.error[0], exceptionText(st.error[0], st.error[1]));
        return;
    }
    const why = refuse(sql, spec.externals);
    if (why) {
        sendError(res, ctx, 48, exceptionText(48, `The leakscan lab server never connects to another host: ${why}`));
        return;
    }
    const db = params.get('database') || req.headers['x-clickhouse-database'];
    if (db && db !== 'default') {
        sendError(res, ctx, 48, exceptionText(48, 'The leakscan lab server only serves the default database as current'));
        return;
    }
    const prep = prepare(sql, st.settings, ctx.format);
    ctx.format = prep.format;
    await serialized(() => stream(req, res, ctx, prep, user));
}

function handle(req, res) {
    baseHeaders(res);
    const url = new URL(req.url, 'http://lab');
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
        const body = Buffer.concat(chunks);
        const hasQuery = url.searchParams.has('query') || (req.method === 'POST' && body.length > 0);
        if ((url.pathname === '/' && !hasQuery) || url.pathname === '/ping' || url.pathname === '/replicas_status') {
            if (req.method === 'GET' || req.method === 'HEAD') return sendOk(res, req.method === 'HEAD');
        }
        if (url.pathname === '/' && ['GET', 'POST', 'HEAD'].includes(req.method)) {
            if (size > MAX_BODY) return sendError(res, null, 202, exceptionText(202, 'Query is too large'));
            handleQuery(req, res, url.searchParams, body).catch((e) => {
                if (!res.headersSent) sendError(res, null, 1001, exceptionText(1001, String(e)));
                else res.destroy();
            });
            return;
        }
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' });
        res.end(`There is no handle ${url.pathname}${url.search}\n\nUse / or /ping for health checks.\nOr /replicas_status for more sophisticated health checks.\n\nSend queries from your program with POST method or GET /?query=...\n\nUse clickhouse-client:\n\nFor interactive data analysis:\n    clickhouse-client\n\nFor batch query processing:\n    clickhouse-client --query='SELECT 1' > result\n    clickhouse-client < query > result\n`);
    });
}

// one line per request on stdout (the lab's log): status, exception code, user, query
function logged(req, res) {
    res.on('finish', () => {
        const q = (res.lsQuery || '').replace(/\s+/g, ' ').slice(0, 300);
        console.log(`${new Date().toISOString()} ${req.method} ${res.statusCode} ${res.lsCode || 0} ${res.lsUser || '-'} ${q}`);
    });
    handle(req, res);
}

const server = http.createServer(logged);
server.keepAliveTimeout = 10000; // keep_alive_timeout of the stock config.xml
server.listen(Number(port), address, () => console.log(`chdb front ${spec.display_name} on ${address}:${port}`));
for (const sig of ['SIGTERM', 'SIGINT'])
    process.on(sig, () => {
        server.close();
        session.close();
        process.exit(0);
    });
