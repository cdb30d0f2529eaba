/*
 * The console multiplexer's command line as the user sees it: the prompt
 * and its echo, and the commands (focus a console, list them, start one).
 * The key state machine is cmdline.c; the consoles are mux.c.
 *
 * After a command line closes, whatever the focused console printed
 * meanwhile is written, and notices that waited for the prompt are given.
 */
#include "lib/format.h"
#include "lib/string.h"
#include "mux_internal.h"

void mux_erase_prompt(struct mux *m)
{
    static const char spaces[] = "                                ";
    size_t n = strlen(MUX_PROMPT) + strlen(cmdline_text(&m->cmd));
    mux_emit_str(m, "\r");
    while (n > 0) {
        size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
        mux_emit(m, spaces, k);
        n -= k;
    }
    mux_emit_str(m, "\r");
    m->at_line_start = true;
}

static void switch_focus(struct mux *m, unsigned c)
{
    struct mux_console *con = &m->consoles[c];
    size_t waiting = ring_count(&con->history);
    unsigned long dropped = (unsigned long)con->history.dropped;
    if (dropped > 0) {
        mux_say(m, "focus on %s; %zu bytes follow, %lu older bytes were dropped", con->name,
                waiting, dropped);
    } else if (waiting > 0) {
        mux_say(m, "focus on %s; %zu bytes follow", con->name, waiting);
    } else {
        mux_say(m, "focus on %s", con->name);
    }
    m->focus = (int)c;
    mux_write_history(m, c);
}

static void describe(const struct mux *m, unsigned c, char *buf, size_t size)
{
    const struct mux_console *con = &m->consoles[c];
    size_t n = 0;
    if ((int)c == m->focus) {
        n = format_buf(buf, size, "focused");
    } else if (ring_count(&con->history) == 0 && con->history.dropped == 0) {
        n = format_buf(buf, size, "no output waiting");
    } else {
        n = format_buf(buf, size, "%zu bytes waiting", ring_count(&con->history));
        if (con->history.dropped > 0) {
            n += format_buf(buf + n, size - n, ", %lu older bytes dropped",
                            (unsigned long)con->history.dropped);
        }
    }
    if (ring_count(&con->input) > 0) {
        n += format_buf(buf + n, size - n, ", %zu typed bytes unread", ring_count(&con->input));
    }
    if (con->reader != 0) {
        format_buf(buf + n, size - n, ", reading");
    }
}

void mux_list(struct mux *m)
{
    size_t width = 0;
    for (unsigned i = 0; i < m->count; i++) {
        size_t len = strlen(m->consoles[i].name);
        width = len > width ? len : width;
    }
    mux_say(m, "%u console%s:", m->count, m->count == 1 ? "" : "s");
    for (unsigned i = 0; i < m->count; i++) {
        char pad[MUX_NAME_MAX];
        size_t len = strlen(m->consoles[i].name);
        memset(pad, ' ', width - len);
        pad[width - len] = 0;
        char state[120];
        describe(m, i, state, sizeof(state));
        mux_say(m, "%c %s%s  %s", (int)i == m->focus ? '*' : ' ', m->consoles[i].name, pad, state);
    }
    mux_say(m, "keys: Ctrl-] NAME Enter focuses NAME, Ctrl-] Ctrl-] sends Ctrl-], Esc cancels");
}

/* Copies the command without the blanks around it. */
static void trim(const char *s, char *out, size_t size)
{
    while (*s == ' ') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') {
        n--;
    }
    n = n < size - 1 ? n : size - 1;
    memcpy(out, s, n);
    out[n] = 0;
}

static void start(struct mux *m, const char *arg)
{
    char name[CMDLINE_MAX + 1];
    trim(arg, name, sizeof(name));
    if (name[0] == 0 || strchr(name, ' ') != NULL) {
        mux_say(m, "usage: Ctrl-] start NAME Enter");
    } else if (m->ops.start == NULL) {
        mux_say(m, "cannot start %s: starting is not available", name);
    } else {
        m->ops.start(m->ops.ctx, name);
    }
}

static void execute(struct mux *m)
{
    char text[CMDLINE_MAX + 1];
    trim(cmdline_text(&m->cmd), text, sizeof(text));
    if (text[0] == 0) {
        mux_erase_prompt(m);
        return;
    }
    mux_emit_str(m, "\r\n");
    if (strcmp(text, "?") == 0) {
        mux_list(m);
        return;
    }
    if (strncmp(text, "start ", 6) == 0) {
        start(m, text + 6);
        return;
    }
    int c = mux_find_name(m, text);
    if (c < 0 && strcmp(text, "start") == 0) {
        start(m, "");
    } else if (c < 0) {
        mux_say(m, "no console \"%s\" (Ctrl-] ? Enter lists them)", text);
    } else if (c == m->focus) {
        mux_say(m, "%s has the focus already", text);
    } else {
        switch_focus(m, (unsigned)c);
    }
}

/* The command line closed: the focused console gets the serial line back. */
static void closed(struct mux *m)
{
    if (m->focus >= 0) {
        struct mux_console *con = &m->consoles[m->focus];
        if (con->history.dropped > 0) {
            mux_say(m, "%lu bytes of %s's output were dropped while the command line was open",
                    (unsigned long)con->history.dropped, con->name);
        }
        mux_write_history(m, (unsigned)m->focus);
    }
    mux_notice_waiting(m);
}

void mux_command_key(struct mux *m, enum cmdline_action a, uint8_t key)
{
    switch (a) {
    case CMDLINE_BEGIN:
        if (!m->at_line_start) {
            mux_emit_str(m, "\r\n");
        }
        mux_emit_str(m, MUX_PROMPT);
        break;
    case CMDLINE_ADDED:
        mux_emit(m, &key, 1);
        break;
    case CMDLINE_ERASED:
        mux_emit_str(m, "\b \b");
        break;
    case CMDLINE_LITERAL:
    case CMDLINE_CANCEL:
        mux_erase_prompt(m);
        closed(m);
        break;
    case CMDLINE_EXECUTE:
        execute(m);
        closed(m);
        break;
    case CMDLINE_PASS:
    case CMDLINE_IGNORED:
    default:
        break;
    }
}
