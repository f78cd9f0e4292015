/* The MySQL engine's connection: one ls_conn per session; the server speaks first (greeting), then
 * our HandshakeResponse41 with an empty auth response (the scramble of an empty password is empty,
 * for mysql_native_password and caching_sha2_password alike) or, for --default-credentials, the
 * password's scramble (mysql_scramble.c), an auth switch answered the same way where that is correct, then COM_QUERY
 * one at a time with the text resultset parsed packet by packet (mysql_proto.c). A result over the byte cap is cut: the
 * connection is dropped, and the next query logs in again with the same user and replays the session statements.
 * Failures end the pending operation with a reason, always from the event loop. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines/mysql/mysql_int.h"
#include "engines/mysql/mysql_scramble.h"
#include "net/conn.h"
#include "util/strbuf.h"

#define CHARSET_UTF8MB4 45
#define CLIENT_CAPS                                                                                                    \
    (MYSQL_CLIENT_LONG_PASSWORD | MYSQL_CLIENT_LONG_FLAG | MYSQL_CLIENT_PROTOCOL_41 | MYSQL_CLIENT_TRANSACTIONS |      \
     MYSQL_CLIENT_SECURE_CONNECTION | MYSQL_CLIENT_PLUGIN_AUTH | MYSQL_CLIENT_PLUGIN_AUTH_LENENC)

static void maybe_free(struct my *m);
static void start_setup(struct my *m);

void my_step_end(struct my *m, enum ls_step r)
{
    ls_step_cb cb = m->step_done;
    m->step_done = NULL;
    if (cb)
        cb(m->s, r);
}

static size_t packet_cap(const struct my *m)
{
    size_t cap = m->s->limits->max_response_bytes;
    return cap && cap < MY_MAX_PACKET ? cap : MY_MAX_PACKET;
}

/* Ends the pending operation with a failure (why), or a server error (err). */
static void op_end_fail(struct my *m, const struct mysql_err *err, const char *why)
{
    enum my_op op = m->op;
    m->op = OP_NONE;
    free(m->query);
    m->query = NULL;
    if (op == OP_GREET && m->greet_cb)
        m->greet_cb(m->s, NULL, NULL, why);
    else if (op == OP_LOGIN && m->login_cb)
        m->login_cb(m->s, err ? MY_LOGIN_DENIED : MY_LOGIN_FAILED, err, why);
    else if (op == OP_QUERY && m->done_cb)
        m->done_cb(m->s, false, err, why);
}

static void drop_conn(struct my *m)
{
    ls_conn_free(m->conn);
    m->conn = NULL;
    m->phase = PH_NONE;
    mysql_rs_free(&m->rs);
}

static void go_dead(struct my *m, const char *why)
{
    snprintf(m->defer_err, sizeof m->defer_err, "%s", why);
    drop_conn(m);
    op_end_fail(m, NULL, m->defer_err);
}

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    struct my *m = arg;
    (void)fd, (void)what;
    m->in_cb++;
    op_end_fail(m, NULL, m->defer_err[0] ? m->defer_err : "connection lost");
    m->in_cb--;
    maybe_free(m);
}

static void fail_later(struct my *m, const char *why)
{
    snprintf(m->defer_err, sizeof m->defer_err, "%s", why);
    if (!m->defer)
        m->defer = evtimer_new(m->s->base, on_defer, m);
    struct timeval tv = {0, 0};
    if (!m->defer || evtimer_add(m->defer, &tv) != 0)
        m->op = OP_NONE; /* cannot report: the core's deadline ends the job */
}

static bool send_raw(struct my *m, const uint8_t *buf, size_t len)
{
    if (!m->conn || ls_conn_write(m->conn, buf, len) != 0 || ls_conn_flush(m->conn) != 0) {
        go_dead(m, "cannot send to the server");
        return false;
    }
    return true;
}

static void send_payload(struct my *m, const uint8_t *payload, size_t len)
{
    uint8_t buf[MYSQL_HDR + 256];
    if (len > 256)
        return;
    mysql_put_header(buf, len, m->seq++);
    if (len)
        memcpy(buf + MYSQL_HDR, payload, len);
    send_raw(m, buf, MYSQL_HDR + len);
}

static void send_query(struct my *m, const char *sql)
{
    size_t len = 0;
    uint8_t *q = mysql_build_query(sql, &len);
    if (!q) {
        go_dead(m, "query too long");
        return;
    }
    mysql_rs_free(&m->rs);
    mysql_rs_init(&m->rs, MY_MAX_COLS);
    m->result_bytes = 0;
    m->truncated = false;
    m->seq = 1;
    m->phase = m->phase == PH_SETUP ? PH_SETUP : PH_RESULT;
    send_raw(m, q, len);
    free(q);
}

/* ---- login ------------------------------------------------------------------------------------ */

static void send_login(struct my *m)
{
    uint32_t caps = CLIENT_CAPS & m->hs.caps;
    caps |= MYSQL_CLIENT_PROTOCOL_41 | MYSQL_CLIENT_LONG_PASSWORD;
    /* the empty password's answer is empty for the plugins we name; others get an auth switch */
    const char *plugin = m->hs.plugin[0] ? m->hs.plugin : "mysql_native_password";
    uint8_t buf[MYSQL_HDR + 512], auth[MYSQL_SCRAMBLE_MAX];
    int alen = mysql_scramble(plugin, m->password, m->hs.scramble, m->hs.scramble_len, auth);
    if (alen < 0) { /* a plugin we cannot answer: an empty answer, then the auth switch decides */
        alen = 0;
        plugin = "mysql_native_password";
    }
    size_t n = mysql_build_login(buf, sizeof buf, caps, CHARSET_UTF8MB4, m->user, auth, (size_t)alen, plugin);
    if (!n) {
        go_dead(m, "cannot build the login packet");
        return;
    }
    m->seq = 2;
    m->phase = PH_AUTH;
    send_raw(m, buf, n);
}

static void login_done(struct my *m)
{
    m->phase = PH_READY;
    m->logged_in = true;
    if (m->op == OP_LOGIN) {
        m->op = OP_NONE;
        if (m->login_cb)
            m->login_cb(m->s, MY_LOGIN_OK, NULL, NULL);
    } else if (m->op == OP_QUERY) {
        m->setup_i = 0;
        start_setup(m); /* a reconnect: session statements first, then the waiting query */
    }
}

static void login_unsupported(struct my *m, const char *why)
{
    drop_conn(m);
    enum my_op op = m->op;
    m->op = OP_NONE;
    if (op == OP_LOGIN && m->login_cb)
        m->login_cb(m->s, MY_LOGIN_UNSUPPORTED, NULL, why);
    else if (op == OP_QUERY && m->done_cb) {
        free(m->query);
        m->query = NULL;
        m->done_cb(m->s, false, NULL, why);
    }
}

static void on_auth_packet(struct my *m, const struct mysql_packet *pk)
{
    char why[200];
    m->seq = (uint8_t)(pk->seq + 1);
    if (mysql_is_ok(pk->p, pk->len)) {
        login_done(m);
        return;
    }
    if (mysql_is_err(pk->p, pk->len)) {
        struct mysql_err e;
        mysql_parse_err(pk->p, pk->len, &e);
        drop_conn(m);
        op_end_fail(m, &e, NULL);
        return;
    }
    if (pk->len && pk->p[0] == 0xFE) {
        char plugin[64];
        const uint8_t *data;
        size_t dlen;
        if (!mysql_parse_auth_switch(pk->p, pk->len, plugin, sizeof plugin, &data, &dlen)) {
            login_unsupported(m, "the server asked for the pre-4.1 password scramble (mysql_old_password)");
            return;
        }
        if (m->password[0]) { /* --default-credentials: the scramble over the switch's nonce */
            uint8_t auth[MYSQL_SCRAMBLE_MAX];
            int alen = mysql_scramble(plugin, m->password, data, dlen, auth);
            if (alen > 0) {
                send_payload(m, auth, (size_t)alen);
                return;
            }
            struct ls_strbuf eb;
            ls_sb_init(&eb, why, sizeof why);
            ls_sb_printf(&eb, "the server switched to auth plugin %s, which leakscan cannot answer with a password",
                         plugin);
            login_unsupported(m, why);
            return;
        }
        static const char *const empty_ok[] = {"mysql_native_password", "caching_sha2_password", "sha256_password",
                                               "unix_socket",           "auth_socket",           NULL};
        for (size_t i = 0; empty_ok[i]; i++)
            if (strcmp(plugin, empty_ok[i]) == 0) {
                send_payload(m, NULL, 0); /* an empty password's answer */
                return;
            }
        struct ls_strbuf b;
        ls_sb_init(&b, why, sizeof why);
        ls_sb_printf(&b, "the server switched to auth plugin %s, which an empty password cannot answer here", plugin);
        login_unsupported(m, why);
        return;
    }
    if (pk->len >= 2 && pk->p[0] == 0x01) { /* caching_sha2_password: 3 fast auth ok, 4 full auth */
        if (pk->p[1] == 0x03)
            return; /* the OK follows */
        login_unsupported(m, "caching_sha2_password wants full authentication (TLS or an RSA key exchange)");
        return;
    }
    go_dead(m, "unexpected packet during login");
}

static void on_greeting(struct my *m, const struct mysql_packet *pk)
{
    char why[160] = "";
    struct mysql_err e;
    bool is_err = pk->seq == 0 && mysql_parse_err(pk->p, pk->len, &e);
    bool ok = !is_err && pk->seq == 0 && mysql_parse_handshake(pk->p, pk->len, &m->hs, why, sizeof why);
    if (!is_err && !ok && !why[0])
        snprintf(why, sizeof why, "greeting sequence id is not 0");
    m->phase = PH_GREETED;
    if (m->op == OP_GREET) {
        m->op = OP_NONE;
        if (m->greet_cb)
            m->greet_cb(m->s, ok ? &m->hs : NULL, is_err ? &e : NULL, why);
        return;
    }
    if (is_err) {
        drop_conn(m);
        op_end_fail(m, &e, NULL);
    } else if (!ok || !(m->hs.caps & MYSQL_CLIENT_PROTOCOL_41)) {
        go_dead(m, ok ? "server without protocol 4.1" : why);
    } else {
        send_login(m);
    }
}

/* ---- results ---------------------------------------------------------------------------------- */

static bool copy_row(struct my *m)
{
    size_t need = 0;
    for (size_t i = 0; i < m->rs.ncells; i++)
        need += m->rs.lens[i] + 1;
    if (need > m->rowcap) {
        char *nb = realloc(m->rowbuf, need);
        if (!nb)
            return false;
        m->rowbuf = nb;
        m->rowcap = need;
    }
    if (!m->nullv && !(m->nullv = calloc(MY_MAX_COLS, sizeof *m->nullv)))
        return false;
    if (!m->cellv && !(m->cellv = calloc(MY_MAX_COLS, sizeof *m->cellv)))
        return false;
    return true;
}

static void deliver_row(struct my *m)
{
    if (!copy_row(m))
        return;
    char *o = m->rowbuf;
    for (size_t i = 0; i < m->rs.ncells; i++) {
        m->cellv[i] = o;
        m->nullv[i] = m->rs.cells[i] == NULL;
        if (m->rs.lens[i])
            memcpy(o, m->rs.cells[i], m->rs.lens[i]);
        o[m->rs.lens[i]] = '\0';
        o += m->rs.lens[i] + 1;
    }
    if (m->rows_cb)
        m->rows_cb(m->s, m->cellv, m->rs.lens, m->nullv, m->rs.ncells);
}

static void query_end(struct my *m, bool ok, const struct mysql_err *err, const char *why)
{
    if (m->phase == PH_SETUP) {
        m->phase = PH_READY;
        m->setup_i++;
        start_setup(m); /* a refused setup statement is not fatal (an older server) */
        return;
    }
    m->phase = PH_READY;
    m->op = OP_NONE;
    if (m->done_cb)
        m->done_cb(m->s, ok, err, why);
}

static void on_result_packet(struct my *m, const struct mysql_packet *pk)
{
    enum mysql_rs_event ev = mysql_rs_feed(&m->rs, pk->p, pk->len);
    m->result_bytes += pk->len;
    switch (ev) {
    case MYSQL_RS_CONT: break;
    case MYSQL_RS_ROW:
        if (m->phase == PH_RESULT)
            deliver_row(m);
        if (m->s->limits->max_response_bytes && m->result_bytes > m->s->limits->max_response_bytes) {
            m->truncated = true;
            drop_conn(m); /* stop reading: the next query logs in again */
            query_end(m, true, NULL, NULL);
        }
        break;
    case MYSQL_RS_END: query_end(m, true, NULL, NULL); break;
    case MYSQL_RS_ERR: {
        struct mysql_err e = m->rs.err;
        query_end(m, false, &e, NULL);
        break;
    }
    case MYSQL_RS_BAD: {
        char why[160];
        snprintf(why, sizeof why, "%s", m->rs.why);
        go_dead(m, why);
        break;
    }
    }
}

static void start_setup(struct my *m)
{
    if (m->setup_i < m->nsetup) {
        m->phase = PH_SETUP;
        send_query(m, m->setup[m->setup_i]);
        return;
    }
    char *q = m->query;
    m->query = NULL;
    if (q) {
        m->phase = PH_RESULT;
        send_query(m, q);
        free(q);
    }
}

/* ---- the connection --------------------------------------------------------------------------- */

static void on_input(struct my *m, struct ls_conn *c)
{
    while (m->conn == c && !m->closing) {
        struct evbuffer *in = ls_conn_input(c);
        size_t avail = evbuffer_get_length(in);
        if (avail < MYSQL_HDR)
            return;
        uint8_t hdr[MYSQL_HDR];
        evbuffer_copyout(in, hdr, MYSQL_HDR);
        struct mysql_packet pk;
        size_t used = 0;
        /* a greeting is a few hundred bytes: a first packet that claims more is some other
         * protocol's text (an SSH or SMTP banner read as a length), not worth waiting for */
        size_t cap = m->phase == PH_GREETING ? MY_MAX_GREETING : packet_cap(m);
        if (mysql_frame(hdr, MYSQL_HDR, cap, &pk, &used) == MYSQL_BAD) {
            go_dead(m, m->phase == PH_GREETING ? "the first bytes are not a MySQL greeting"
                                               : "packet larger than the cap");
            return;
        }
        if (avail < used)
            return;
        const uint8_t *buf = evbuffer_pullup(in, (ssize_t)used);
        if (!buf || mysql_frame(buf, used, cap, &pk, &used) != MYSQL_DONE) {
            go_dead(m, "cannot read a packet");
            return;
        }
        switch (m->phase) {
        case PH_GREETING: on_greeting(m, &pk); break;
        case PH_AUTH: on_auth_packet(m, &pk); break;
        case PH_RESULT:
        case PH_SETUP: on_result_packet(m, &pk); break;
        default: go_dead(m, "unrequested bytes from the server"); return;
        }
        if (m->conn == c && !m->closing) /* a handler may have dropped it (or opened another) */
            evbuffer_drain(in, used);
    }
}

static void on_conn(struct ls_conn *c, enum ls_conn_event ev, void *ud)
{
    struct my *m = ud;
    m->in_cb++;
    switch (ev) {
    case LS_CONN_CONNECTED: break; /* the server speaks first */
    case LS_CONN_READ: on_input(m, c); break;
    case LS_CONN_EOF:
        on_input(m, c);
        if (m->conn == c && !m->closing)
            go_dead(m, m->phase == PH_GREETING ? "connection closed without a greeting"
                                               : "connection closed by the server");
        break;
    case LS_CONN_TIMEOUT:
    case LS_CONN_ERROR:
        if (m->conn == c)
            go_dead(m, ls_conn_error(c));
        break;
    }
    m->in_cb--;
    maybe_free(m);
}

static bool open_conn(struct my *m)
{
    struct ls_session *s = m->s;
    drop_conn(m);
    m->conn = ls_conn_new(s->base, (const struct sockaddr *)&s->addr, s->addrlen, s->tls, s->sni,
                          s->limits->connect_timeout_ms, s->limits->io_timeout_ms, on_conn, m);
    if (!m->conn) {
        fail_later(m, "cannot open a connection");
        return false;
    }
    m->phase = PH_GREETING;
    return true;
}

void my_greet(struct my *m, my_greet_cb cb)
{
    m->op = OP_GREET;
    m->greet_cb = cb;
    open_conn(m);
}

void my_login_as(struct my *m, const char *user, my_login_cb cb)
{
    my_login_with_password(m, user, "", cb);
}

void my_login_with_password(struct my *m, const char *user, const char *password, my_login_cb cb)
{
    m->op = OP_LOGIN;
    m->login_cb = cb;
    snprintf(m->user, sizeof m->user, "%s", user);
    snprintf(m->password, sizeof m->password, "%s", password);
    if (m->conn && m->phase == PH_GREETED && (m->hs.caps & MYSQL_CLIENT_PROTOCOL_41)) {
        send_login(m);
        return;
    }
    open_conn(m);
}

void my_query(struct my *m, const char *sql, my_rows_cb rows, my_done_cb done)
{
    m->op = OP_QUERY;
    m->rows_cb = rows;
    m->done_cb = done;
    free(m->query);
    m->query = NULL;
    if (m->conn && m->phase == PH_READY) {
        send_query(m, sql);
        return;
    }
    if (!m->logged_in) {
        fail_later(m, "not logged in");
        return;
    }
    m->query = strdup(sql); /* reconnect, log in, replay the setup, then run it */
    if (!m->query)
        fail_later(m, "out of memory");
    else
        open_conn(m);
}

void my_add_setup(struct my *m, const char *sql)
{
    if (m->nsetup < MY_MAX_SETUP && (m->setup[m->nsetup] = strdup(sql)))
        m->nsetup++;
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

struct my *my_new(struct ls_session *s)
{
    struct my *m = calloc(1, sizeof *m);
    if (m)
        m->s = s;
    return m;
}

void my_cancel(struct my *m)
{
    drop_conn(m);
    m->op = OP_NONE;
    m->step_done = NULL;
    if (m->defer)
        evtimer_del(m->defer);
}

static void my_free(struct my *m)
{
    my_cancel(m);
    if (m->defer)
        event_free(m->defer);
    for (size_t i = 0; i < m->nsetup; i++)
        free(m->setup[i]);
    free(m->query);
    free(m->rowbuf);
    free(m->nullv);
    free(m->cellv);
    free(m->stream_names);
    free(m);
}

static void maybe_free(struct my *m)
{
    if (m->in_cb == 0 && m->closing)
        my_free(m);
}

void my_close(struct my *m)
{
    if (!m)
        return;
    my_cancel(m);
    if (m->in_cb) {
        m->closing = true;
        return;
    }
    my_free(m);
}

/* ---- helpers ---------------------------------------------------------------------------------- */

void my_err_text(const struct mysql_err *e, char *out, size_t n)
{
    struct ls_strbuf b;
    ls_sb_init(&b, out, n);
    if (e->state[0])
        ls_sb_printf(&b, "ERROR %u (%s): %s", e->code, e->state, e->msg);
    else
        ls_sb_printf(&b, "ERROR %u: %s", e->code, e->msg);
}

bool my_quote_ident(struct ls_strbuf *b, const char *id)
{
    if (!id[0])
        return false;
    ls_sb_append(b, "`");
    for (const char *c = id; *c; c++) {
        ls_sb_append_n(b, c, 1);
        if (*c == '`')
            ls_sb_append(b, "`"); /* doubled inside the quotes */
    }
    ls_sb_append(b, "`");
    return !b->truncated;
}
