// lab/chdb/plant.js — writes a chDB lab server's files and plants the seed's situation in it,
// before server.js opens the same data directory (chDB holds one engine per process).
//
//   node plant.js DIR open|protected LAB_GEN PASSWORD
//
// open: log_stream (lab_gen's 1.1 million rows with chats and planted keys), default.users and
//   analytics.page_views as on the 18.16 lab server; `default` without a password; a dozen
//   accounts with <no_password/>; `viewer` with a readonly=1 profile; `admin` (password) with
//   access_management; tables of external engines (MySQL, PostgreSQL, URL, S3) with credentials in
//   their DDL and an HTTP-sourced dictionary, all pointing at an address of the lab range where
//   nothing listens (and the front never reads them: guard.js).
// protected: `default` with a password (PASSWORD), default.secrets_vault.
// Idempotent: a table already holding lab_gen's row count for this data version is kept.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { Session } = require('chdb');
const { usersXml } = require('./users');

const [dir, mode, labGen, password] = process.argv.slice(2);
if (!dir || !['open', 'protected'].includes(mode) || !labGen) {
    console.error('usage: node plant.js DIR open|protected LAB_GEN [PASSWORD]');
    process.exit(2);
}
const NOWHERE = '127.77.17.19'; // in the lab's range; nothing listens there
const EXTERNAL_DB = 'integrations';
const PASSWORDLESS = ['analyst', 'etl_loader', 'grafana', 'metabase', 'superset', 'airflow', 'dbt_runner',
    'jupyter', 'tableau', 'looker', 'reporting', 'debezium'];

function spec() {
    const users = [];
    if (mode === 'open') {
        // the seed's full control: `default` also manages accounts (reads system.users and grants)
        users.push({ name: 'default', password: '', networks: ['::/0'], profile: 'default', access_management: true });
        for (const n of PASSWORDLESS) users.push({ name: n, password: null, networks: ['::/0'], profile: 'default' });
        users.push({ name: 'viewer', password: null, networks: ['::/0'], profile: 'readonly' });
        users.push({ name: 'admin', password: 'lab-chdb-admin-pw', networks: ['::/0'], profile: 'default', access_management: true });
    } else {
        users.push({ name: 'default', password: password || 'lab-chdb-secret-pw', networks: ['::/0'], profile: 'default' });
    }
    return {
        version: '', // filled from SELECT version()
        timezone: 'UTC',
        display_name: mode === 'open' ? 'clickhouse-modern-01.lab.internal' : 'clickhouse-modern-protected-01.lab.internal',
        reset_hint: 'If you use ClickHouse Cloud, the password can be reset at https://clickhouse.cloud/\non the settings page for the corresponding service.\n\nIf you have installed ClickHouse and forgot password you can reset it in the configuration file.\nThe password for default user is typically located at /etc/clickhouse-server/users.d/default-password.xml\nand deleting this file will reset the password.\nSee also /etc/clickhouse-server/users.xml on the server where ClickHouse is installed.\n',
        profiles: { default: { max_memory_usage: 4000000000, load_balancing: 'random' }, readonly: { readonly: 1 } },
        users,
        externals: [],
    };
}

function configXml() {
    return `<?xml version="1.0"?>
<!-- Written by lab/chdb/plant.js for leakscan's lab: chDB's server configuration. -->
<clickhouse>
    <users_config>${dir}/users.xml</users_config>
    <user_files_path>${dir}/user_files/</user_files_path>
    <timezone>UTC</timezone>
    <display_name>${mode === 'open' ? 'clickhouse-modern-01' : 'clickhouse-modern-protected-01'}</display_name>
    <!-- url()/s3()/URL/S3 engines and HTTP dictionaries may only reach an address where nothing listens -->
    <remote_url_allow_hosts><host>${NOWHERE}</host></remote_url_allow_hosts>
    <dictionaries_lazy_load>true</dictionaries_lazy_load>
    <send_crash_reports><enabled>false</enabled></send_crash_reports>
</clickhouse>
`;
}

const EXTERNAL_DDL = [
    `CREATE DATABASE IF NOT EXISTS ${EXTERNAL_DB}`,
    `CREATE TABLE IF NOT EXISTS ${EXTERNAL_DB}.orders_mirror (id UInt32, total Float64) ENGINE = MySQL('${NOWHERE}:3306', 'shop', 'orders', 'shop_ro', 'Mysql-Chdb-Pw-5120')`,
    `CREATE TABLE IF NOT EXISTS ${EXTERNAL_DB}.warehouse_events (id UInt64, kind String) ENGINE = PostgreSQL('${NOWHERE}:5432', 'dw', 'events', 'etl', 'Pg-Chdb-Pw-7733')`,
    `CREATE TABLE IF NOT EXISTS ${EXTERNAL_DB}.partner_feed (sku String, price Float64) ENGINE = URL('http://feed:UrlChdbPw-2291@${NOWHERE}:8080/feed.csv', CSV)`,
    `CREATE TABLE IF NOT EXISTS ${EXTERNAL_DB}.archive_logs (line String) ENGINE = S3('http://${NOWHERE}:9001/lab-archive/logs.csv', 'AKIAIOSFODNN7LABCHDB', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYLABCHDBKEY', 'CSV')`,
    `CREATE DICTIONARY IF NOT EXISTS ${EXTERNAL_DB}.geo_dict (id UInt64, country String) PRIMARY KEY id SOURCE(HTTP(url 'http://${NOWHERE}:8080/geo.tsv' format 'TabSeparated')) LIFETIME(300) LAYOUT(HASHED())`,
];

function q(s, sql, format = 'TabSeparated') {
    return s.query(sql, format);
}

function loadTable(s, table, version) {
    const expected = execFileSync(labGen, ['--count', table], { encoding: 'utf8' }).trim();
    const stamp = path.join(dir, 'loaded', table);
    let have = '';
    try {
        have = q(s, `SELECT count() FROM ${table}`).trim();
    } catch (e) {
        have = 'none';
    }
    if (have === expected && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === version) return;
    const db = table.split('.')[0];
    q(s, `CREATE DATABASE IF NOT EXISTS ${db}`);
    q(s, `DROP TABLE IF EXISTS ${table}`);
    q(s, execFileSync(labGen, ['--schema', table], { encoding: 'utf8' }));
    const file = path.join(dir, 'user_files', `${table}.tsv`);
    const fd = fs.openSync(file, 'w');
    try {
        execFileSync(labGen, [table], { stdio: ['ignore', fd, 'inherit'], maxBuffer: 1 << 20 });
    } finally {
        fs.closeSync(fd);
    }
    const t0 = Date.now();
    q(s, `INSERT INTO ${table} FROM INFILE '${file}' FORMAT TabSeparated`);
    fs.unlinkSync(file);
    have = q(s, `SELECT count() FROM ${table}`).trim();
    if (have !== expected) throw new Error(`${table} holds ${have} rows after loading, expected ${expected}`);
    fs.writeFileSync(stamp, version);
    console.error(`plant: loaded ${table}: ${have} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function main() {
    for (const d of ['data', 'user_files', 'loaded']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const sp = spec();
    // chDB itself logs in as `default` without a password (it fails to start otherwise), so the
    // engine's users.xml keeps that password empty; the front checks the real one (front.json)
    const engineUsers = sp.users.map((u) => (u.name === 'default' ? Object.assign({}, u, { password: '' }) : u));
    fs.writeFileSync(path.join(dir, 'users.xml'), usersXml(Object.assign({}, sp, { users: engineUsers })));
    fs.writeFileSync(path.join(dir, 'config.xml'), configXml());
    const s = new Session(path.join(dir, 'data'), { connectionArgs: [`--config-file=${path.join(dir, 'config.xml')}`] });
    try {
        sp.version = q(s, 'SELECT version()').trim();
        sp.timezone = q(s, 'SELECT timezone()').trim();
        const version = execFileSync(labGen, ['--version'], { encoding: 'utf8' }).trim();
        const tables = mode === 'open' ? ['default.log_stream', 'default.users', 'analytics.page_views'] : ['default.secrets_vault'];
        for (const t of tables) loadTable(s, t, version);
        if (mode === 'open') {
            for (const ddl of EXTERNAL_DDL) q(s, ddl);
            const rows = q(s, `SELECT database, name FROM system.tables WHERE database = '${EXTERNAL_DB}'`, 'TabSeparated');
            for (const line of rows.split('\n').filter(Boolean)) {
                const [db, name] = line.split('\t');
                sp.externals.push(`${db}.${name}`, name);
            }
        }
        fs.writeFileSync(path.join(dir, 'front.json'), JSON.stringify(sp, null, 2) + '\n');
        process.stdout.write(`${sp.version}\n`);
    } finally {
        s.close();
    }
}

main();
