// lab/chdb/users.js — the lab's accounts for the chDB front: one spec (front.json) becomes the
// users.xml that chDB loads (so system.users, system.grants and system.quotas are the engine's own
// answers) and drives the front's login check, which chDB cannot do (it runs every query as
// `default`). Facts used (ClickHouse docs "Settings: users" and src/Access/AccessControl.cpp):
// password / password_sha256_hex / no_password, <networks><ip>, profiles, access_management.
'use strict';

const crypto = require('crypto');
const net = require('net');

function xmlEscape(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function sha256hex(s) {
    return crypto.createHash('sha256').update(s, 'utf8').digest('hex');
}

// spec.users: [{name, password: null (no_password) | "" (empty) | "secret", networks: ["::/0"],
// profile, access_management}]; spec.profiles: {name: {setting: value}}
function usersXml(spec) {
    const out = ['<?xml version="1.0"?>', '<!-- Written by lab/chdb/users.js for leakscan\'s lab. -->', '<clickhouse>'];
    out.push('    <profiles>');
    for (const [name, settings] of Object.entries(spec.profiles)) {
        out.push(`        <${name}>`);
        for (const [k, v] of Object.entries(settings)) out.push(`            <${k}>${xmlEscape(v)}</${k}>`);
        out.push(`        </${name}>`);
    }
    out.push('    </profiles>', '    <users>');
    for (const u of spec.users) {
        out.push(`        <${u.name}>`);
        if (u.password === null) out.push('            <no_password/>');
        else if (u.password === '') out.push('            <password></password>');
        else out.push(`            <password_sha256_hex>${sha256hex(u.password)}</password_sha256_hex>`);
        out.push('            <networks>');
        for (const n of u.networks) out.push(`                <ip>${xmlEscape(n)}</ip>`);
        out.push('            </networks>');
        out.push(`            <profile>${u.profile}</profile>`, '            <quota>default</quota>');
        if (u.access_management) out.push('            <access_management>1</access_management>');
        out.push(`        </${u.name}>`);
    }
    out.push('    </users>', '    <quotas>', '        <default>', '            <interval>',
        '                <duration>3600</duration>', '                <queries>0</queries>',
        '                <errors>0</errors>', '                <result_rows>0</result_rows>',
        '                <read_rows>0</read_rows>', '                <execution_time>0</execution_time>',
        '            </interval>', '        </default>', '    </quotas>', '</clickhouse>', '');
    return out.join('\n');
}

// Is the client address inside one of the user's networks (IPv4/IPv6 CIDRs, "::/0" = anywhere)?
function allowedFrom(user, address) {
    const addr = address.startsWith('::ffff:') ? address.slice(7) : address;
    const list = new net.BlockList();
    for (const n of user.networks) {
        const [ip, bits] = n.split('/');
        const type = net.isIPv6(ip) ? 'ipv6' : 'ipv4';
        const prefix = bits === undefined ? (type === 'ipv6' ? 128 : 32) : Number(bits);
        if (type === 'ipv6' && prefix === 0) return true; // ::/0 takes IPv4 clients too
        list.addSubnet(ip, prefix, type);
    }
    return list.check(addr, net.isIPv6(addr) ? 'ipv6' : 'ipv4');
}

// Returns the user, or null when the name is unknown, the password wrong or the address not
// allowed (a real server gives the same answer for all three: AccessControl.cpp).
function authenticate(spec, name, password, address) {
    const u = spec.users.find((x) => x.name === name);
    if (!u) return null;
    if (u.password !== null && u.password !== (password || '')) return null;
    // no_password accepts any password (src/Access/Authentication.cpp: "even if the password is not empty")
    if (!allowedFrom(u, address)) return null;
    return u;
}

function profileOf(spec, user) {
    return spec.profiles[user.profile] || {};
}

module.exports = { usersXml, authenticate, profileOf, sha256hex };
