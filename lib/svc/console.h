/*
 * Writing to and reading from a console of the console multiplexer
 * (services/console/protocol.h). bt_console_attach makes bt_printf write to
 * that console (with "\n" turned into "\r\n", as the kernel does for its
 * lines); the runtime attaches a component's "console" channel at start.
 * bt_console_write and bt_console_read move bytes as they are.
 */
#ifndef LIB_SVC_CONSOLE_H
#define LIB_SVC_CONSOLE_H

#include <stddef.h>

#include "sys/sys.h"

void bt_console_attach(bt_cptr_t console);

/* Writes all of buf (in pieces of CONSOLE_IO_MAX). */
enum bt_status bt_console_write(bt_cptr_t console, const void *buf, size_t len);

/* Reads up to max bytes; blocks for at least one unless nonblock. Returns
 * the count in *got. BT_E_BUSY: another read on the same console replaced
 * this one; BT_E_FULL: the server could not keep the read waiting (try
 * again). */
enum bt_status bt_console_read(bt_cptr_t console, void *buf, size_t max, bool nonblock,
                               size_t *got);

#endif
