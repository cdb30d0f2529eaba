/*
 * System call numbers and register conventions (docs/kernel-api.md explains
 * each call).
 *
 * A task enters the kernel with "svc #0", the call number in x8 and the
 * arguments in x0-x7. The status (enum bt_status) comes back in x0, results
 * in the registers each call names; every other register is preserved.
 *
 * IPC calls share one layout so that short messages never touch memory:
 *   in:  x0 = capability (endpoint, or notification for signal/wait/poll)
 *        x1 = message tag (BT_TAG)
 *        x2 = reply object (recv, nbrecv, reply_recv, reply)
 *        x3-x7 = message words MR0-MR4
 *   out: x0 = status, x1 = tag, x2 = badge, x3-x7 = MR0-MR4
 * Words MR5 and up travel in the thread's IPC buffer (abi/ipc.h).
 */
#ifndef ABI_SYSCALL_H
#define ABI_SYSCALL_H

enum bt_syscall {
    /* Debugging and scheduling */
    BT_SYS_DEBUG_WRITE = 0, /* x0 = address, x1 = length (<= BT_DEBUG_WRITE_MAX) */
    BT_SYS_THREAD_EXIT = 1, /* ends the calling thread */
    BT_SYS_NULL = 2,        /* does nothing: the cheapest kernel round trip */
    BT_SYS_YIELD = 3,       /* gives the rest of the time slice to equal priority */
    BT_SYS_DEBUG_NAME = 4,  /* x0 = thread or task, x1 = address, x2 = length: a
                               name for fault reports (at most 23 bytes) */

    /* IPC (register layout above) */
    BT_SYS_CALL = 8,
    BT_SYS_REPLY_RECV = 9,
    BT_SYS_SEND = 10,
    BT_SYS_NBSEND = 11,
    BT_SYS_RECV = 12,
    BT_SYS_NBRECV = 13,
    BT_SYS_REPLY = 14,
    BT_SYS_SIGNAL = 15, /* x0 = notification */
    BT_SYS_WAIT = 16,   /* x0 = notification; out x2 = bits */
    BT_SYS_POLL = 17,   /* x0 = notification; out x2 = bits (0: none) */

    /* Capabilities. A slot is named by a CNode capability and an index in
     * that CNode: (cnode, index). */
    BT_SYS_CAP_COPY = 24,     /* x0,x1 = dst; x2,x3 = src; x4 = rights mask */
    BT_SYS_CAP_MINT = 25,     /* x0,x1 = dst; x2,x3 = src; x4 = rights; x5 = badge */
    BT_SYS_CAP_MOVE = 26,     /* x0,x1 = dst; x2,x3 = src */
    BT_SYS_CAP_DELETE = 27,   /* x0,x1 = slot */
    BT_SYS_CAP_REVOKE = 28,   /* x0,x1 = slot: deletes everything derived from it */
    BT_SYS_CAP_IDENTIFY = 29, /* x0 = cptr; out x1 = type, x2 = rights,
                                 x3 = badge, x4 = size bits, x5 = physical
                                 address (frames, untyped) */

    /* Kernel objects */
    BT_SYS_UNTYPED_RETYPE = 32,           /* x0 = untyped, x1 = type, x2 = size bits,
                                             x3 = dst cnode, x4 = first index, x5 = count */
    BT_SYS_TASK_MAP = 40,                 /* x0 = task, x1 = frame, x2 = vaddr, x3 = rights,
                                             x4 = BT_MAP_* attributes */
    BT_SYS_TASK_UNMAP = 41,               /* x0 = frame */
    BT_SYS_TASK_MAP_TABLE = 42,           /* x0 = task, x1 = page table, x2 = vaddr;
                                             out x1 = level (1-3) */
    BT_SYS_TASK_UNMAP_TABLE = 43,         /* x0 = page table */
    BT_SYS_THREAD_CONFIGURE = 48,         /* x0 = thread, x1 = cspace cnode, x2 = task,
                                             x3 = IPC buffer frame, x4 = its vaddr,
                                             x5 = fault endpoint (0: none) */
    BT_SYS_THREAD_WRITE_REGS = 49,        /* x0 = thread, x1 = pc, x2 = sp, x3 = x0,
                                             x4 = x1 of the thread */
    BT_SYS_THREAD_READ_REGS = 50,         /* x0 = thread; out x1 = pc, x2 = sp,
                                             x3 = x0, x4 = x1 */
    BT_SYS_THREAD_SET_SCHED = 51,         /* x0 = thread, x1 = priority, x2 = cpu,
                                             x3 = max controlled priority */
    BT_SYS_THREAD_RESUME = 52,            /* x0 = thread */
    BT_SYS_THREAD_SUSPEND = 53,           /* x0 = thread */
    BT_SYS_THREAD_BIND_NOTIFICATION = 54, /* x0 = thread, x1 = notification (0: unbind) */
    BT_SYS_IRQ_CONTROL_GET = 56,          /* x0 = IRQ control, x1 = interrupt id,
                                             x2 = dst cnode, x3 = index,
                                             x4 = BT_IRQ_* flags, x5 = target cpu */
    BT_SYS_IRQ_SET_NOTIFICATION = 57,     /* x0 = irq, x1 = notification (0: none) */
    BT_SYS_IRQ_ACK = 58,                  /* x0 = irq */
    BT_SYS_SYSTEM_POWER = 60,             /* x0 = system capability, x1 = BT_POWER_* */

    /* Virtual machines (abi/vm.h). task_map, task_map_table, task_unmap and
     * task_unmap_table also take a VM capability where a task goes. */
    BT_SYS_VCPU_CONFIGURE = 64,  /* x0 = thread (inactive), x1 = VM, x2 = state frame,
                                    x3 = vCPU number (its MPIDR), x4 = exit endpoint */
    BT_SYS_VCPU_WRITE_REGS = 65, /* x0 = thread, x1 = pc, x2-x5 = guest x0-x3,
                                    x6 = pstate (EL1h/EL1t/EL0t, AArch64) */
    BT_SYS_VCPU_READ_REG = 66,   /* x0 = thread, x1 = 0-30: x0-x30, 31: sp_el1,
                                    32: pc, 33: pstate, 34: sp_el0; out x1 */
    BT_SYS_VCPU_KICK = 67,       /* x0 = thread: take new pending interrupts now
                                    (wakes it from WFI, interrupts it if running) */

    BT_SYSCALL_COUNT,

    /* Only in the test kernel (build/test-kernel.img): makes the kernel take
     * an unexpected exception, to test its panic report. */
    BT_SYS_TEST_KERNEL_FAULT = 0x7f00,
};

#define BT_DEBUG_WRITE_MAX 4096

/* task_map attributes */
#define BT_MAP_CACHED 0   /* normal write-back memory (RAM frames) */
#define BT_MAP_UNCACHED 1 /* normal non-cacheable memory */

/* system_power operations */
#define BT_POWER_OFF 0
#define BT_POWER_RESET 1

/* irq_control_get flags */
#define BT_IRQ_LEVEL 0
#define BT_IRQ_EDGE 1

#endif
