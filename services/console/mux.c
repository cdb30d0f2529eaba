/*
 * The console multiplexer's state: consoles, focus, output and input, waiting
 * reads, and the lines it says itself. The command line's commands are in
 * command.c. See mux.h.
 *
 * Invariant: while the focused console has the serial line (no command being
 * typed), its history is empty; output it prints while a command is typed is
 * held in its history and written when the command line closes.
 */
#include "mux.h"
#include "mux_internal.h"
#include "lib/format.h"
#include "lib/string.h"

#include <stdarg.h>

void mux_init(struct mux *m, const struct mux_ops *ops)
{
    m->ops = *ops;
    cmdline_init(&m->cmd);
    m->focus = -1;
    m->at_line_start = true;
    m->count = 0;
}

void mux_emit(struct mux *m, const void *buf, size_t len)
{
    if (len == 0) {
        return;
    }
    m->ops.serial_write(m->ops.ctx, buf, len);
    m->at_line_start = ((const char *)buf)[len - 1] == '\n';
}

void mux_emit_str(struct mux *m, const char *s)
{
    mux_emit(m, s, strlen(s));
}

static bool name_valid(const char *name)
{
    size_t n = strnlen(name, MUX_NAME_MAX);
    if (n == 0 || n == MUX_NAME_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (name[i] <= ' ' || name[i] > '~') {
            return false;
        }
    }
    return true;
}

int mux_add(struct mux *m, const char *name, uint64_t key)
{
    if (m->count == MUX_MAX_CONSOLES || !name_valid(name) || mux_find_name(m, name) >= 0 ||
        mux_find_key(m, key) >= 0) {
        return -1;
    }
    struct mux_console *con = &m->consoles[m->count];
    size_t len = strnlen(name, MUX_NAME_MAX - 1);
    memcpy(con->name, name, len);
    con->name[len] = 0;
    con->key = key;
    ring_init(&con->history, con->history_buf, sizeof(con->history_buf));
    ring_init(&con->input, con->input_buf, sizeof(con->input_buf));
    con->noticed = false;
    con->reader = 0;
    con->reader_max = 0;
    if (m->focus < 0) {
        m->focus = (int)m->count;
    }
    return (int)m->count++;
}

int mux_find_key(const struct mux *m, uint64_t key)
{
    for (unsigned i = 0; i < m->count; i++) {
        if (m->consoles[i].key == key) {
            return (int)i;
        }
    }
    return -1;
}

int mux_find_name(const struct mux *m, const char *name)
{
    for (unsigned i = 0; i < m->count; i++) {
        if (strncmp(m->consoles[i].name, name, MUX_NAME_MAX) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* The line "console: TEXT", begun on a fresh line. */
static void say_line(struct mux *m, const char *text)
{
    if (!m->at_line_start) {
        mux_emit_str(m, "\r\n");
    }
    mux_emit_str(m, MUX_PREFIX);
    mux_emit_str(m, text);
    mux_emit_str(m, "\r\n");
}

void mux_say(struct mux *m, const char *fmt, ...)
{
    char text[208];
    va_list ap;
    va_start(ap, fmt);
    format_vbuf(text, sizeof(text), fmt, ap);
    va_end(ap);
    bool open = cmdline_is_open(&m->cmd);
    if (open) {
        mux_erase_prompt(m);
    }
    say_line(m, text);
    if (open) {
        mux_emit_str(m, MUX_PROMPT);
        mux_emit_str(m, cmdline_text(&m->cmd));
    }
}

/* Console c has output waiting: say so once, unless a command is being typed
 * (mux_command_closed says it then). */
static void notice(struct mux *m, unsigned c)
{
    struct mux_console *con = &m->consoles[c];
    if (con->noticed || cmdline_is_open(&m->cmd) || (int)c == m->focus) {
        return;
    }
    con->noticed = true;
    mux_say(m, "%s has output waiting (Ctrl-] %s Enter)", con->name, con->name);
}

void mux_notice_waiting(struct mux *m)
{
    for (unsigned i = 0; i < m->count; i++) {
        if (ring_count(&m->consoles[i].history) > 0 || m->consoles[i].history.dropped > 0) {
            notice(m, i);
        }
    }
}

void mux_write_history(struct mux *m, unsigned c)
{
    struct mux_console *con = &m->consoles[c];
    const uint8_t *p;
    size_t n;
    while ((n = ring_chunk(&con->history, &p)) > 0) {
        mux_emit(m, p, n);
        ring_consume(&con->history, n);
    }
    ring_reset(&con->history);
    con->noticed = false;
}

bool mux_set_focus(struct mux *m, int c)
{
    if (c < 0 || (unsigned)c >= m->count) {
        return false;
    }
    m->focus = c;
    mux_write_history(m, (unsigned)c);
    return true;
}

void mux_apply_args(struct mux *m, const char *args)
{
    const char *p = args;
    while (*p != 0) {
        while (*p == ' ') {
            p++;
        }
        size_t n = 0;
        while (p[n] != 0 && p[n] != ' ') {
            n++;
        }
        if (n > 6 && strncmp(p, "focus=", 6) == 0) {
            char name[MUX_NAME_MAX];
            size_t len = n - 6 < MUX_NAME_MAX - 1 ? n - 6 : MUX_NAME_MAX - 1;
            memcpy(name, p + 6, len);
            name[len] = 0;
            if (!mux_set_focus(m, mux_find_name(m, name))) {
                mux_say(m, "args: no console \"%s\" to focus", name);
            }
        }
        p += n;
    }
}

void mux_banner(struct mux *m)
{
    if (m->focus < 0) {
        mux_say(m, "no consoles");
        return;
    }
    mux_say(m, "%u console%s, focus on %s (Ctrl-] NAME Enter switches, Ctrl-] ? Enter lists)",
            m->count, m->count == 1 ? "" : "s", m->consoles[m->focus].name);
}

void mux_output(struct mux *m, unsigned c, const void *buf, size_t len)
{
    if (c >= m->count || len == 0) {
        return;
    }
    if ((int)c == m->focus && !cmdline_is_open(&m->cmd)) {
        mux_emit(m, buf, len);
        return;
    }
    ring_put_overwrite(&m->consoles[c].history, buf, len);
    notice(m, c);
}

/* A typed key for the focused console. */
static void deliver(struct mux *m, uint8_t key)
{
    if (m->focus >= 0) {
        ring_put(&m->consoles[m->focus].input, &key, 1);
    }
}

void mux_serial_input(struct mux *m, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        enum cmdline_action a = cmdline_key(&m->cmd, buf[i]);
        if (a == CMDLINE_PASS) {
            deliver(m, buf[i]);
        } else {
            if (a == CMDLINE_LITERAL) {
                deliver(m, CMDLINE_ESCAPE);
            }
            mux_command_key(m, a, buf[i]);
        }
    }
}

size_t mux_read(struct mux *m, unsigned c, void *buf, size_t max)
{
    return c < m->count ? ring_get(&m->consoles[c].input, buf, max) : 0;
}

uint64_t mux_park_read(struct mux *m, unsigned c, uint64_t token, size_t max)
{
    if (c >= m->count) {
        return token; /* nothing to wait for: hand it straight back */
    }
    struct mux_console *con = &m->consoles[c];
    uint64_t old = con->reader;
    con->reader = token;
    con->reader_max = max;
    return old;
}

bool mux_take_ready_read(struct mux *m, struct mux_read_done *done, void *buf, size_t cap)
{
    for (unsigned i = 0; i < m->count; i++) {
        struct mux_console *con = &m->consoles[i];
        if (con->reader == 0 || ring_count(&con->input) == 0) {
            continue;
        }
        done->console = i;
        done->token = con->reader;
        done->count = ring_get(&con->input, buf, con->reader_max < cap ? con->reader_max : cap);
        con->reader = 0;
        return true;
    }
    return false;
}
