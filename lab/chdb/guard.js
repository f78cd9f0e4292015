// lab/chdb/guard.js — the lab server never runs a query that would connect to another host:
// table functions that read or write elsewhere (url, s3, remote, mysql, …), dictionary loads
// (dictGet*, reading a dictionary), reads of the planted external-engine tables, SYSTEM RELOAD,
// and databases of remote engines. Such a query is refused before chDB sees it, with a
// ClickHouse-style error. A second line of defence is the server config's
// <remote_url_allow_hosts> (only an address of the lab's range where nothing listens).
'use strict';

// table functions of ClickHouse 26.x that reach another host or run a program
// (SELECT name FROM system.table_functions, read with chDB 26.7)
const NETWORK_FUNCTIONS = new Set([
    'url', 'urlcluster', 's3', 's3cluster', 'gcs', 'cosn', 'oss', 'remote', 'remotesecure', 'cluster',
    'clusterallreplicas', 'mysql', 'postgresql', 'mongodb', 'redis', 'hdfs', 'hdfscluster', 'jdbc', 'odbc',
    'azureblobstorage', 'azureblobstoragecluster', 'executable', 'executablepool', 'arrowflight', 'ytsaurus',
    'dictionary', 'dictget', 'dicthas', 'dictgethierarchy', 'dictisin', 'dictgetchildren',
    'dictgetdescendants', 'dictgetall', 'prometheusquery', 'prometheusqueryrange', 'timeseriesdata',
    'paimon', 'paimons3', 'paimonazure', 'paimonhdfs', 'paimonlocal',
]);
const NETWORK_PREFIXES = ['iceberg', 'deltalake', 'hudi', 'dictget', 'paimon'];

// Removes quoted strings and comments so that only the query's own words are checked.
function words(sql) {
    return sql
        .replace(/--[^\n]*/g, ' ')
        .replace(/\/\*[\s\S]*?\*\//g, ' ')
        .replace(/'(?:[^'\\]|\\.|'')*'/g, "''");
}

// Returns the reason a query is refused, or null. `externals` holds the names (db.table and
// table) of the tables whose engine reads from elsewhere and of the dictionaries.
function refuse(sql, externals) {
    const w = words(sql);
    const fn = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
    let m;
    while ((m = fn.exec(w)) !== null) {
        const name = m[1].toLowerCase();
        if (NETWORK_FUNCTIONS.has(name) || NETWORK_PREFIXES.some((p) => name.startsWith(p)))
            return `function ${m[1]} would connect to another host`;
    }
    if (/\bSYSTEM\s+RELOAD\b/i.test(w)) return 'SYSTEM RELOAD would load dictionaries or models from their sources';
    if (/\bCREATE\s+DATABASE\b/i.test(w) && /\bENGINE\b/i.test(w) && !/\bENGINE\s*=\s*(Atomic|Memory|Ordinary|Lazy)\b/i.test(w))
        return 'a database of that engine would connect to another host';
    const idents = w.replace(/`([^`]*)`/g, '$1').replace(/"([^"]*)"/g, '$1');
    for (const name of externals) {
        const re = new RegExp(`(^|[^A-Za-z0-9_.])${name.replace(/\./g, '\\.')}($|[^A-Za-z0-9_])`);
        if (re.test(idents)) return `table ${name} reads from another host`;
    }
    return null;
}

module.exports = { refuse, words };
