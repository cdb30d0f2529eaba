/*
 * Root's service protocol: memory under quota, the name server, and the end
 * of a component. Every component has a capability to root's endpoint
 * (bt_startinfo.root), badged so root knows who calls. Requests are calls
 * with the label below; the reply's MR0 is an enum bt_status.
 *
 * Names are at most 23 bytes, carried in MR0-MR2 (zero-padded, in order).
 */
#ifndef SERVICES_ROOT_PROTOCOL_H
#define SERVICES_ROOT_PROTOCOL_H

/* MR0 = a free slot of the caller's own CNode, MR3 = object type, MR4 =
 * size bits. Root makes the object from the caller's quota in that slot.
 * BT_E_NOMEM when the quota is used up, BT_E_EXISTS if the slot is taken.
 * Untyped memory is not given out. */
#define ROOT_ALLOC 1

/* Registers the capability sent with the call (send_caps[0], so the
 * caller's root capability needs GRANT, which it has) under the name in
 * MR0-MR2. The name must be in the caller's "provides" (BT_E_RIGHTS) and
 * not taken (BT_E_EXISTS). */
#define ROOT_NAME_REGISTER 2

/* Looks the name in MR0-MR2 up; the capability arrives in the caller's
 * recv_slots[0]. BT_E_CAP at once if nothing is registered under it;
 * BT_E_RIGHTS if the name is not in the caller's "uses". */
#define ROOT_NAME_LOOKUP 3

/* The caller is done: root reclaims everything it holds. MR3 = exit code. */
#define ROOT_EXIT 4

/* Reply MR1 = the caller's quota in bytes, MR2 = bytes used so far. */
#define ROOT_MEMORY_INFO 5

/* Starts the component or VM named in MR0-MR2: one the scenario declares
 * with start = "manual" that has not started yet, or one that has ended.
 * The name must be in the caller's "starts" (BT_E_RIGHTS); BT_E_BUSY if it
 * runs, BT_E_ARG if there is no such name, BT_E_NOMEM if root cannot give
 * it its memory (then MR1 = its quota in bytes), BT_E_GONE if it cannot be
 * built for another reason (root says which on the console). */
#define ROOT_START 6

#define ROOT_NAME_WORDS 3

/*
 * The loader's requests (only the loader's capability may make them). A
 * component is described first, then its grants, then started. Names go in
 * MR0-MR2; further arguments as listed.
 */
/* MR3 = memory quota, MR4 = priority | cpu << 8 | restart << 16 |
 * manual << 17; the program's name in IPC buffer words 5-7, the args string
 * in words 8-23. Reply MR1 = the component's id. */
#define ROOT_COMPONENT_NEW 16
/* MR3 = id, MR4 = physical address; IPC word 5 = size. */
#define ROOT_COMPONENT_DEVICE 17
/* MR3 = id, MR4 = interrupt id. */
#define ROOT_COMPONENT_IRQ 18
/* A channel: MR0-2 = its name at the client, MR3 = client id, MR4 =
 * server id, IPC words 5-7 = its name at the server; IPC word 8 (if sent)
 * = the size of a "ring" channel's shared memory, absent or 0 for "ipc";
 * IPC words 9-24 (if sent) = the ring's parameters (abi/startinfo.h).
 * A ring's size comes out of the client's quota (BT_E_NOMEM if it does not
 * fit). */
#define ROOT_COMPONENT_CHANNEL 19
/* MR3 = id: a service it provides (PROVIDES) or uses (USES). */
#define ROOT_COMPONENT_PROVIDES 20
#define ROOT_COMPONENT_USES 21
/* MR3 = id: builds it and, unless manual, starts it. */
#define ROOT_COMPONENT_START 22
/* MR3 = id: it sees the boot archive, read-only, as the memory entry
 * "archive" (a VM's monitor finds its guest's kernel and initrd there). */
#define ROOT_COMPONENT_ARCHIVE 23
/* MR3 = id: it may start the component or VM named in MR0-MR2 (ROOT_START). */
#define ROOT_COMPONENT_STARTS 24

#endif
