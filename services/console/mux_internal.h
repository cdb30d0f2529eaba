/*
 * What mux.c and command.c share inside the multiplexer; not for main.c.
 */
#ifndef SERVICES_CONSOLE_MUX_INTERNAL_H
#define SERVICES_CONSOLE_MUX_INTERNAL_H

#include "mux.h"

/* Writes to the serial line, keeping track of whether a line is open. */
void mux_emit(struct mux *m, const void *buf, size_t len);
void mux_emit_str(struct mux *m, const char *s);

/* Writes console c's history to the serial line and empties it. */
void mux_write_history(struct mux *m, unsigned c);

/* Gives the notice for every console with output waiting that has not had
 * one. */
void mux_notice_waiting(struct mux *m);

/* Removes the prompt and the command typed so far from the serial line. */
void mux_erase_prompt(struct mux *m);

/* Acts on a key that cmdline_key did not pass to a console: prompt, echo,
 * erase, execute. Called after the state machine moved on. */
void mux_command_key(struct mux *m, enum cmdline_action a, uint8_t key);

#endif
