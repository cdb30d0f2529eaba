/*
 * The console multiplexer's protocol. Each client channel to the console
 * server is one named console (the channel's name at the server); the
 * client calls the server's endpoint with one of the labels below, and the
 * badge of its capability says which console. Bytes travel packed into
 * message words, in order, little-endian (byte i of the data is byte i % 8
 * of its word); words beyond MR4 travel in the IPC buffers.
 *
 * Every reply's MR0 is an enum bt_status. Common ones:
 *   BT_E_RIGHTS  the call came on a capability that is no console's channel
 *   BT_E_ARG     unknown label, a count out of range, or fewer message
 *                words than the count needs
 */
#ifndef SERVICES_CONSOLE_PROTOCOL_H
#define SERVICES_CONSOLE_PROTOCOL_H

#include "abi/ipc.h"

/* Output. MR0 = byte count (0..CONSOLE_IO_MAX), the bytes from MR1 on; the
 * tag carries at least 1 + ceil(count / 8) words. Never blocks: the bytes
 * go to the serial line if the console has the focus, else into its
 * history (the oldest history is dropped when it is full). Reply: MR0. */
#define CONSOLE_WRITE 1

/* Input. MR0 = the most bytes wanted (1..CONSOLE_IO_MAX), MR1 = flags. The
 * reply comes when input typed for this console is available, or at once
 * with CONSOLE_NONBLOCK (then possibly with 0 bytes): MR0 = status,
 * MR1 = count, the bytes from MR2 on. Bytes arrive raw, as typed (Enter is
 * CR); there is no echo and no line editing. One read waits per console:
 *   BT_E_BUSY   a newer read on the same console replaced this one
 *   BT_E_FULL   the server cannot keep another read waiting; try again */
#define CONSOLE_READ 2
#define CONSOLE_NONBLOCK 1

/* Bytes per request: the message words after the two header words. */
#define CONSOLE_IO_MAX ((BT_MSG_MAX_WORDS - 2) * 8)

#endif
