/* libFuzzer harness: the ZooKeeper engine's parsers (src/engines/zookeeper/zk_jute.c, zk_text.c)
 * over arbitrary bytes: the frame splitter as the session feeds it (frame after frame, with a small
 * cap), each frame as a ConnectResponse, and each frame's body after a ReplyHeader as a
 * GetChildren2Response, a GetACLResponse, a GetDataResponse and a stat; the whole input also as
 * four-letter-word text (srvr, mntr, envi, the whitelist refusal). */
#include <stdint.h>
#include <string.h>

#include "engines/zookeeper/zk_jute.h"
#include "engines/zookeeper/zk_text.h"

static void on_name(void *ud, const uint8_t *name, size_t len)
{
    size_t *sum = ud;
    for (size_t i = 0; i < len; i++)
        *sum += name[i];
}

static void body(const uint8_t *p, size_t len)
{
    size_t sum = 0, count;
    struct zk_stat st;
    zk_parse_children2(p, len, 16, on_name, &sum, &count, &st);
    char acl[160];
    int32_t world;
    zk_parse_acl_list(p, len, acl, sizeof acl, &world);
    struct zk_reader r;
    const uint8_t *data;
    size_t dlen;
    zk_reader_init(&r, p, len);
    if (zk_read_buffer(&r, &data, &dlen) && zk_read_stat(&r, &st))
        sum += dlen;
    (void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    for (int frames = 0; frames < 64 && off < size; frames++) {
        size_t plen, used;
        if (zk_frame(data + off, size - off, 4096, &plen, &used) != ZK_FRAME_OK)
            break;
        const uint8_t *p = data + off + 4;
        struct zk_connect_response cr;
        zk_parse_connect_response(p, plen, &cr);
        struct zk_reader r;
        struct zk_reply_header h;
        zk_reader_init(&r, p, plen);
        if (zk_read_reply_header(&r, &h))
            body(p + r.off, plen - r.off);
        off += used;
    }
    const char *t = (const char *)data;
    char v[64], build[160], f[64];
    zk_srvr_parse(t, size, v, sizeof v, build, sizeof build);
    zk_text_field(t, size, "zk_znode_count", '\t', f, sizeof f);
    zk_text_field(t, size, "user.name", '=', f, sizeof f);
    zk_text_field(t, size, "Mode", ':', f, sizeof f);
    zk_4lw_refused(t, size, "srvr");
    if (size < sizeof f) {
        memcpy(f, data, size);
        f[size] = '\0';
        zk_version_at_least(f, 3, 6);
    }
    return 0;
}
