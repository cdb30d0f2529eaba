/*
 * The console multiplexer's logic: named consoles, the focus, what each
 * console printed while it was not focused (a bounded history), what was
 * typed for it, the Ctrl-] command line, and the notices. One console has
 * the focus: its output goes to the serial line as it is, and serial input
 * goes to it. The others' output waits in their history until they get the
 * focus, when it is replayed.
 *
 * Pure code with no system calls: the serial line is a callback, and a
 * console is an index the caller maps to its transport (today the badge of
 * an IPC channel; later the ring of a VM's virtio console). main.c drives it;
 * test/mux_test.c runs it on the host. One thread owns a struct mux.
 *
 * Everything the multiplexer says itself is one line that starts with
 * "console: " (MUX_PREFIX), on a line of its own; the command line's prompt
 * is "console> ".
 */
#ifndef SERVICES_CONSOLE_MUX_H
#define SERVICES_CONSOLE_MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "ring.h"

#define MUX_MAX_CONSOLES 32
#define MUX_NAME_MAX 32        /* names are 1-31 characters */
#define MUX_HISTORY_SIZE 16384 /* output kept per unfocused console */
#define MUX_INPUT_SIZE 1024    /* typed bytes kept per console until read */
#define MUX_PREFIX "console: "
#define MUX_PROMPT "console> "

struct mux_ops {
    /* Writes all of buf to the serial line, in order. */
    void (*serial_write)(void *ctx, const void *buf, size_t len);
    /* "Ctrl-] start NAME Enter": asks that NAME be started (a VM or a
     * component the scenario declares with start = "manual"). The hook
     * reports the outcome with mux_say, now or later. NULL: the command
     * says that starting is not available. */
    void (*start)(void *ctx, const char *name);
    void *ctx;
};

struct mux_console {
    char name[MUX_NAME_MAX];
    uint64_t key;        /* the caller's name for it (an IPC badge) */
    struct ring history; /* output not yet shown on the serial line */
    struct ring input;   /* typed for it and not yet read */
    bool noticed;        /* the "has output waiting" notice was given */
    uint64_t reader;     /* the token of a read waiting for input, or 0 */
    size_t reader_max;   /* the most bytes that read takes */
    uint8_t history_buf[MUX_HISTORY_SIZE];
    uint8_t input_buf[MUX_INPUT_SIZE];
};

struct mux {
    struct mux_ops ops;
    struct cmdline cmd;
    int focus;          /* index of the focused console, -1 while there is none */
    bool at_line_start; /* the last byte written to the serial line was '\n' */
    unsigned count;
    struct mux_console consoles[MUX_MAX_CONSOLES];
};

/* A read that mux_take_ready_read completed. */
struct mux_read_done {
    unsigned console;
    uint64_t token;
    size_t count;
};

void mux_init(struct mux *m, const struct mux_ops *ops);

/* Adds a console; the first one added gets the focus. Returns its index, or
 * -1 when the name is not 1-31 printable characters without spaces, the
 * name or the key is taken, or MUX_MAX_CONSOLES are in use. */
int mux_add(struct mux *m, const char *name, uint64_t key);

/* The index of the console with that key / name, or -1. */
int mux_find_key(const struct mux *m, uint64_t key);
int mux_find_name(const struct mux *m, const char *name);

/* Gives console c the focus without a word (at start: the scenario's
 * choice). Its waiting output, if any, is replayed. False if c is not a
 * console. */
bool mux_set_focus(struct mux *m, int c);

/* The component's start arguments (the scenario's args): "focus=NAME"
 * gives NAME the focus (mux_set_focus); other words are ignored. An unknown
 * NAME is reported with mux_say and the focus stays. */
void mux_apply_args(struct mux *m, const char *args);

/* Prints the start-up line: how many consoles, which has the focus, how to
 * switch. */
void mux_banner(struct mux *m);

/* Console c printed buf[0..len): to the serial line if it has the focus and
 * no command is being typed, else into its history (a notice says, once,
 * that it has output waiting). */
void mux_output(struct mux *m, unsigned c, const void *buf, size_t len);

/* Bytes from the serial line: keys for the focused console, or commands. */
void mux_serial_input(struct mux *m, const uint8_t *buf, size_t len);

/* Takes up to max typed bytes of console c (0 if none). */
size_t mux_read(struct mux *m, unsigned c, void *buf, size_t max);

/* Console c's client waits for input: token (non-zero) names its read, max
 * the most bytes it takes. One read waits per console: returns the token of
 * the read this one replaces (the caller must answer it), or 0. */
uint64_t mux_park_read(struct mux *m, unsigned c, uint64_t token, size_t max);

/* Finds a waiting read whose console has input now, moves the bytes (up to
 * the read's max and cap) to buf and forgets the read. False if none. */
bool mux_take_ready_read(struct mux *m, struct mux_read_done *done, void *buf, size_t cap);

/* Prints "console: TEXT" as a line of its own (keeping an open command
 * line intact). printf-style, at most 200 characters. */
void mux_say(struct mux *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the list of consoles and their state (Ctrl-] ? Enter). */
void mux_list(struct mux *m);

#endif
