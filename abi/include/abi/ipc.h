/*
 * IPC message layout: tags, the per-thread IPC buffer, and the labels of
 * messages the kernel sends (faults, bound notifications).
 */
#ifndef ABI_IPC_H
#define ABI_IPC_H

#include <stdint.h>

#include "abi/caps.h"

/* A message of up to BT_MSG_MAX_WORDS words and BT_MSG_MAX_CAPS
 * capabilities. MR0-MR4 travel in registers x3-x7; the others in the IPC
 * buffer. */
#define BT_MSG_MAX_WORDS 64
#define BT_MSG_REG_WORDS 5
#define BT_MSG_MAX_CAPS 3

/* tag: label (48 bits) | caps (2 bits) | length (7 bits) */
#define BT_TAG(label, words, caps)                                                                 \
    (((uint64_t)(label) << 16) | ((uint64_t)(caps) << 8) | (uint64_t)(words))
#define BT_TAG_LABEL(tag) ((uint64_t)(tag) >> 16)
#define BT_TAG_WORDS(tag) ((uint64_t)(tag)&0x7f)
#define BT_TAG_CAPS(tag) (((uint64_t)(tag) >> 8) & 0x3)

/* The IPC buffer: one 4 KiB page per thread, registered with
 * thread_configure, which also puts its address in the thread's TPIDRRO_EL0
 * (read-only to the thread). mr[0..4] are not used (those words are in
 * registers). */
struct bt_ipc_buffer {
    uint64_t mr[BT_MSG_MAX_WORDS];
    /* Capabilities to send: cptrs in the sender's space (tag says how many). */
    bt_cptr_t send_caps[BT_MSG_MAX_CAPS];
    /* Where received capabilities go: indexes in the receiver's own CNode;
     * 0 refuses that capability. The received tag counts what arrived. */
    bt_cptr_t recv_slots[BT_MSG_MAX_CAPS];
    uint64_t user[8]; /* free for the runtime */
};

_Static_assert(sizeof(struct bt_ipc_buffer) <= 4096, "the IPC buffer is one page");

/* Labels of messages from the kernel (top of the 48-bit label space). */
#define BT_LABEL_KERNEL 0xffff00000000ull
/* Faults, delivered to the thread's fault endpoint as a call: MR0 = address
 * (for memory faults), MR1 = pc, MR2 = ESR (syndrome), MR3 = sp. Replying
 * resumes the thread at pc (after a mapping, or after new registers). */
#define BT_FAULT_MEMORY (BT_LABEL_KERNEL + 1)
#define BT_FAULT_UNDEFINED (BT_LABEL_KERNEL + 2)
#define BT_FAULT_OTHER (BT_LABEL_KERNEL + 3)
/* A signal on the thread's bound notification woke its receive on an
 * endpoint: badge = the notification's bits. */
#define BT_LABEL_NOTIFICATION (BT_LABEL_KERNEL + 0x10)

#endif
