/*
 * Console client: see console.h. Bytes are packed into message words in
 * order (little-endian), the first message words in registers and the rest
 * in the IPC buffer.
 */
#include "svc/console.h"
#include "c/print.h"
#include "console/protocol.h"
#include "lib/string.h"

static void set_word(struct bt_msg *m, unsigned i, uint64_t v)
{
    if (i < BT_MSG_REG_WORDS) {
        m->mr[i] = v;
    } else {
        bt_ipc_buffer()->mr[i] = v;
    }
}

static uint64_t get_word(const struct bt_msg *m, unsigned i)
{
    return i < BT_MSG_REG_WORDS ? m->mr[i] : bt_ipc_buffer()->mr[i];
}

enum bt_status bt_console_write(bt_cptr_t console, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        size_t n = len < CONSOLE_IO_MAX ? len : CONSOLE_IO_MAX;
        unsigned words = 1 + (unsigned)((n + 7) / 8);
        struct bt_msg m = {.tag = BT_TAG(CONSOLE_WRITE, words, 0)};
        set_word(&m, 0, n);
        for (unsigned w = 0; w * 8 < n; w++) {
            uint64_t v = 0;
            size_t k = n - w * 8 < 8 ? n - w * 8 : 8;
            memcpy(&v, p + w * 8, k);
            set_word(&m, 1 + w, v);
        }
        enum bt_status st = bt_call(console, &m);
        if (st == BT_OK) {
            st = (enum bt_status)m.mr[0];
        }
        if (st != BT_OK) {
            return st;
        }
        p += n;
        len -= n;
    }
    return BT_OK;
}

enum bt_status bt_console_read(bt_cptr_t console, void *buf, size_t max, bool nonblock, size_t *got)
{
    if (max > CONSOLE_IO_MAX) {
        max = CONSOLE_IO_MAX;
    }
    struct bt_msg m = {.tag = BT_TAG(CONSOLE_READ, 2, 0),
                       .mr = {max, nonblock ? CONSOLE_NONBLOCK : 0}};
    enum bt_status st = bt_call(console, &m);
    if (st == BT_OK) {
        st = (enum bt_status)m.mr[0];
    }
    *got = 0;
    if (st != BT_OK) {
        return st;
    }
    size_t n = m.mr[1] < max ? m.mr[1] : max;
    for (unsigned w = 0; w * 8 < n; w++) {
        uint64_t v = get_word(&m, 2 + w);
        size_t k = n - w * 8 < 8 ? n - w * 8 : 8;
        memcpy((uint8_t *)buf + w * 8, &v, k);
    }
    *got = n;
    return BT_OK;
}

static bt_cptr_t attached;

/* bt_printf's text: "\n" becomes "\r\n" for the terminal on the serial line,
 * as the kernel does for its own lines (the multiplexer passes bytes on as
 * they are). */
static void console_sink(const char *s, size_t len)
{
    char buf[CONSOLE_IO_MAX];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (n + 2 > sizeof(buf)) {
            bt_console_write(attached, buf, n);
            n = 0;
        }
        if (s[i] == '\n') {
            buf[n++] = '\r';
        }
        buf[n++] = s[i];
    }
    bt_console_write(attached, buf, n);
}

void bt_console_attach(bt_cptr_t console)
{
    attached = console;
    bt_print_set_sink(console_sink);
}
