/*
 * Message transfer: see ipc.h. Every word read from a task's IPC buffer is
 * read exactly once into the kernel before it is used.
 */
#include "core/ipc.h"
#include "abi/errors.h"
#include "abi/ipc.h"
#include "core/fault.h"
#include "core/sched.h"
#include "object/cspace.h"
#include "object/thread.h"

static unsigned transfer_caps(struct thread *sender, struct thread *receiver, unsigned count)
{
    struct bt_ipc_buffer *sbuf = (struct bt_ipc_buffer *)sender->ipcbuf;
    struct bt_ipc_buffer *rbuf = (struct bt_ipc_buffer *)receiver->ipcbuf;
    struct cnode *scn = thread_cspace(sender);
    struct cnode *rcn = thread_cspace(receiver);
    if (sbuf == NULL || rbuf == NULL || scn == NULL || rcn == NULL) {
        return 0;
    }
    unsigned done = 0;
    for (; done < count; done++) {
        bt_cptr_t from = __atomic_load_n(&sbuf->send_caps[done], __ATOMIC_RELAXED);
        bt_cptr_t to = __atomic_load_n(&rbuf->recv_slots[done], __ATOMIC_RELAXED);
        struct slot *src = cnode_slot(scn, from);
        struct slot *dst = cnode_slot(rcn, to);
        struct cap copy;
        if (src == NULL || dst == NULL || slot_empty(src) || !slot_empty(dst) ||
            cap_derive(&src->cap, BT_RIGHTS_ALL, &copy) != BT_OK) {
            break;
        }
        cap_insert(dst, &copy, src);
    }
    return done;
}

void ipc_transfer(struct thread *sender, struct thread *receiver, uint64_t badge, bool grant)
{
    uint64_t *rx = receiver->regs.x;
    if (sender->send_flags & SEND_FAULT) {
        rx[0] = BT_OK;
        /* Fault reports have four words; VM exits five (HVC's x0-x4). */
        unsigned words = sender->vcpu.is ? 5 : 4;
        rx[1] = BT_TAG(fault_label(sender), words, 0);
        rx[2] = badge;
        for (unsigned i = 0; i < BT_MSG_REG_WORDS; i++) {
            rx[3 + i] = i < words ? sender->fault_msg[i] : 0;
        }
        return;
    }
    const uint64_t *sx = sender->regs.x;
    uint64_t tag = sx[1];
    uint64_t words = BT_TAG_WORDS(tag);
    unsigned caps = (unsigned)BT_TAG_CAPS(tag);
    if (words > BT_MSG_MAX_WORDS) {
        words = BT_MSG_MAX_WORDS;
    }
    if (words > BT_MSG_REG_WORDS) {
        if (sender->ipcbuf != 0 && receiver->ipcbuf != 0) {
            const uint64_t *from = ((struct bt_ipc_buffer *)sender->ipcbuf)->mr;
            uint64_t *to = ((struct bt_ipc_buffer *)receiver->ipcbuf)->mr;
            for (uint64_t i = BT_MSG_REG_WORDS; i < words; i++) {
                to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
            }
        } else {
            words = BT_MSG_REG_WORDS;
        }
    }
    unsigned sent = caps != 0 && grant ? transfer_caps(sender, receiver, caps) : 0;
    rx[0] = BT_OK;
    rx[1] = BT_TAG(BT_TAG_LABEL(tag), words, sent);
    rx[2] = badge;
    for (unsigned i = 0; i < BT_MSG_REG_WORDS; i++) {
        rx[3 + i] = sx[3 + i];
    }
}

void ipc_abort(struct thread *t)
{
    if (t->send_flags & SEND_FAULT) {
        t->blocked_on = NULL;
        t->state = THREAD_INACTIVE;
        t->send_flags = 0;
        fault_report_unhandled(t, "its fault handler went away");
        return;
    }
    t->send_flags = 0;
    thread_wake_with(t, BT_E_GONE);
}
