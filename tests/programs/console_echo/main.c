/*
 * A client of the console multiplexer for its system test
 * (tests/system/test_console.py): greets through bt_printf (which the
 * runtime sends to the component's "console" channel), then reads what is
 * typed for its console, echoes each printable key, and at Enter prints the line it
 * got, quoted, with non-printable bytes as \xNN.
 */
#include "c/print.h"
#include "start/startinfo.h"
#include "svc/console.h"

#define LINE_MAX 128

static void report(const char *line, size_t len)
{
    char out[LINE_MAX * 4 + 1];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
            out[n++] = (char)c;
        } else {
            n += bt_snprintf(out + n, sizeof(out) - n, "\\x%02x", c);
        }
    }
    out[n] = 0;
    bt_printf("%s: got \"%s\"\n", bt_start->name, out);
}

int main(uint64_t arg)
{
    (void)arg;
    bt_cptr_t console = bt_start_cap("console");
    if (console == 0) {
        bt_printf("console_echo: no \"console\" channel\n");
        return 1;
    }
    /* Longer than five message words, so it travels partly in the IPC
     * buffer. */
    bt_printf("%s: hello from %s, a client of the console multiplexer\n", bt_start->name,
              bt_start->name);
    char line[LINE_MAX];
    size_t len = 0;
    for (;;) {
        char buf[64];
        size_t got = 0;
        enum bt_status st = bt_console_read(console, buf, sizeof(buf), false, &got);
        if (st == BT_E_FULL) {
            continue;
        }
        if (st != BT_OK) {
            bt_printf("%s: read failed (status %d)\n", bt_start->name, st);
            return 1;
        }
        for (size_t i = 0; i < got; i++) {
            if (buf[i] == '\r' || buf[i] == '\n') {
                bt_printf("\n");
                report(line, len);
                len = 0;
            } else if (len < LINE_MAX) {
                if (buf[i] >= 0x20 && buf[i] < 0x7f) {
                    bt_console_write(console, &buf[i], 1);
                }
                line[len++] = buf[i];
            }
        }
    }
}
