/*
 * The command line's key state machine: see cmdline.h for the keys.
 */
#include "cmdline.h"

enum {
    KEY_CTRL_C = 0x03,
    KEY_BACKSPACE = 0x08,
    KEY_LF = 0x0a,
    KEY_CR = 0x0d,
    KEY_ESC = 0x1b,
    KEY_DEL = 0x7f,
};

void cmdline_init(struct cmdline *c)
{
    c->state = CMDLINE_IDLE;
    c->len = 0;
    c->text[0] = 0;
}

static enum cmdline_action close_with(struct cmdline *c, enum cmdline_state next,
                                      enum cmdline_action action)
{
    c->state = next;
    return action;
}

static enum cmdline_action open_key(struct cmdline *c, uint8_t key)
{
    switch (key) {
    case CMDLINE_ESCAPE:
        /* Only right after the opening Ctrl-] is it a literal. */
        return c->len == 0 ? close_with(c, CMDLINE_IDLE, CMDLINE_LITERAL) : CMDLINE_IGNORED;
    case KEY_CR:
    case KEY_LF:
        return close_with(c, CMDLINE_IDLE, CMDLINE_EXECUTE);
    case KEY_ESC:
        return close_with(c, CMDLINE_AFTER_ESC, CMDLINE_CANCEL);
    case KEY_CTRL_C:
        return close_with(c, CMDLINE_IDLE, CMDLINE_CANCEL);
    case KEY_BACKSPACE:
    case KEY_DEL:
        if (c->len == 0) {
            return CMDLINE_IGNORED;
        }
        c->text[--c->len] = 0;
        return CMDLINE_ERASED;
    default:
        if (key < 0x20 || key > 0x7e || c->len == CMDLINE_MAX) {
            return CMDLINE_IGNORED;
        }
        c->text[c->len++] = (char)key;
        c->text[c->len] = 0;
        return CMDLINE_ADDED;
    }
}

static enum cmdline_action idle_key(struct cmdline *c, uint8_t key)
{
    if (key != CMDLINE_ESCAPE) {
        return CMDLINE_PASS;
    }
    c->state = CMDLINE_OPEN;
    c->len = 0;
    c->text[0] = 0;
    return CMDLINE_BEGIN;
}

enum cmdline_action cmdline_key(struct cmdline *c, uint8_t key)
{
    switch (c->state) {
    case CMDLINE_OPEN:
        return open_key(c, key);
    case CMDLINE_AFTER_ESC:
        if (key == '[' || key == 'O') {
            c->state = CMDLINE_IN_SEQ;
            return CMDLINE_IGNORED;
        }
        c->state = CMDLINE_IDLE;
        return idle_key(c, key);
    case CMDLINE_IN_SEQ:
        /* Parameter and intermediate bytes (0x20-0x3f) continue a CSI or
         * SS3 sequence; a final byte (0x40-0x7e) ends it. Anything else
         * is not part of a sequence after all. */
        if (key >= 0x20 && key <= 0x3f) {
            return CMDLINE_IGNORED;
        }
        c->state = CMDLINE_IDLE;
        return key >= 0x40 && key <= 0x7e ? CMDLINE_IGNORED : idle_key(c, key);
    case CMDLINE_IDLE:
    default:
        return idle_key(c, key);
    }
}
