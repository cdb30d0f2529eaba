/*
 * The key state machine of the console multiplexer's command line. Every
 * byte from the serial line passes through cmdline_key, which says what it
 * means: a key for the focused console (most of the time), or part of a
 * command that Ctrl-] (0x1d) began. The caller (mux.c) does the printing and
 * carries the commands out; this file only decides.
 *
 * Keys while a command is open:
 *   printable ASCII     appended (up to CMDLINE_MAX characters, then ignored)
 *   Backspace, DEL      remove the last character
 *   Enter (CR or LF)    execute the command (cmdline_text)
 *   Esc, Ctrl-C         cancel; an escape sequence that follows the Esc at
 *                       once (arrow keys: ESC [ A, ESC O A) is swallowed
 *   Ctrl-] first        (right after the opening Ctrl-]) a literal 0x1d
 *                       for the focused console
 *   anything else       ignored
 *
 * Pure code, no system calls.
 */
#ifndef SERVICES_CONSOLE_CMDLINE_H
#define SERVICES_CONSOLE_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_ESCAPE 0x1d /* Ctrl-] */
#define CMDLINE_MAX 63

enum cmdline_state {
    CMDLINE_IDLE,      /* keys go to the focused console */
    CMDLINE_OPEN,      /* a command is being typed */
    CMDLINE_AFTER_ESC, /* cancelled by Esc: '[' or 'O' now begins a sequence */
    CMDLINE_IN_SEQ,    /* swallowing an escape sequence up to its final byte */
};

enum cmdline_action {
    CMDLINE_PASS,    /* the key is for the focused console */
    CMDLINE_BEGIN,   /* Ctrl-]: a command was opened (show the prompt) */
    CMDLINE_ADDED,   /* the key was appended to the command (echo it) */
    CMDLINE_ERASED,  /* the last character was removed */
    CMDLINE_IGNORED, /* the key means nothing here */
    CMDLINE_LITERAL, /* Ctrl-] Ctrl-]: the command is closed and 0x1d goes to the focused console */
    CMDLINE_CANCEL,  /* the command is closed without effect */
    CMDLINE_EXECUTE, /* Enter: the command is closed; its text is cmdline_text() */
};

struct cmdline {
    enum cmdline_state state;
    size_t len;
    char text[CMDLINE_MAX + 1]; /* NUL-terminated */
};

void cmdline_init(struct cmdline *c);

/* Feeds one key; returns what it means (see the table above). */
enum cmdline_action cmdline_key(struct cmdline *c, uint8_t key);

/* True while a command is being typed (keys do not reach any console). */
static inline bool cmdline_is_open(const struct cmdline *c)
{
    return c->state == CMDLINE_OPEN;
}

/* The command typed so far, or the one just executed (until the next
 * Ctrl-]). */
static inline const char *cmdline_text(const struct cmdline *c)
{
    return c->text;
}

#endif
