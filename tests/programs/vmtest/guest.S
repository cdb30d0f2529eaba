/*
 * The guest of vmtest: a few dozen instructions of EL1 code, run with the
 * MMU off at guest-physical 0x40000000. Each step reports to the monitor
 * with "hvc #0", x0 = step number, x1 = a value; the monitor checks it.
 *   1  hvc answered: x0 = 0x5678 comes back
 *   2  a 32-bit load from unmapped 0x09000000 reads what the monitor gave
 *   3  a 64-bit store to 0x09000008 (the monitor sees the value)
 *   4  the virtual timer interrupt arrives while the guest waits in WFI
 *   5  an interrupt the monitor injects through the state page arrives
 *   6  an access the monitor refuses becomes a synchronous external abort
 *   7  done; the monitor then resets the vCPU and starts it at
 *      guest_reset_probe
 *   8  after the reset: x1 = VBAR_EL1 (0 from reset, not what step 4 set)
 */
    .section ".guest", "ax"
    .globl  guest_start, guest_end, guest_reset_probe
    .balign 4096
guest_start:
    /* step 1 */
    mov     x0, #1
    mov     x1, #0x1234
    hvc     #0
    mov     x19, x0             /* the reply: 0x5678 expected */
    mov     x0, #1
    mov     x1, x19
    hvc     #0
    /* step 2 (registers x0-x3 are the firmware call's: keep nothing there) */
    mov     x22, #0x09000000
    ldr     w23, [x22]
    mov     x0, #2
    mov     x1, x23
    hvc     #0
    /* step 3 */
    ldr     x4, =0x1122334455667788
    str     x4, [x22, #8]
    mov     x0, #3
    mov     x1, #0
    hvc     #0
    /* Set up vectors and the GIC CPU interface (system registers). */
    adr     x5, vectors
    msr     vbar_el1, x5
    mov     x5, #1
    msr     S3_0_C12_C12_5, x5  /* ICC_SRE_EL1 */
    isb
    mov     x5, #0xff
    msr     S3_0_C4_C6_0, x5    /* ICC_PMR_EL1 */
    mov     x5, #1
    msr     S3_0_C12_C12_7, x5  /* ICC_IGRPEN1_EL1 */
    isb
    /* step 4: timer in 100000 ticks, then wait */
    mov     x20, #0
    ldr     x5, =100000
    msr     cntv_tval_el0, x5
    mov     x5, #1
    msr     cntv_ctl_el0, x5
    msr     daifclr, #2
1:  cbnz    x20, 11f            /* it may already have arrived */
    wfi
    b       1b
11: msr     daifset, #2
    mov     x0, #4
    mov     x1, x20             /* the INTID that arrived */
    hvc     #0
    /* step 5: ask for an injected interrupt (INTID 40), wait for it */
    mov     x20, #0
    mov     x0, #5
    mov     x1, #0
    hvc     #0
    msr     daifclr, #2
2:  cbnz    x20, 12f
    wfi
    b       2b
12: msr     daifset, #2
    mov     x0, #5
    mov     x1, x20
    hvc     #0
    /* step 6: an access the monitor answers with an abort */
    mov     x21, #0
    mov     x22, #0x0a000000
    ldr     x23, [x22]
    mov     x0, #6
    mov     x1, x21             /* the fault status the handler saw */
    hvc     #0
    /* step 7 */
    mov     x0, #7
    mov     x1, #0
    hvc     #0
3:  b       3b

guest_reset_probe:
    mrs     x1, vbar_el1
    mov     x0, #8
    hvc     #0
4:  b       4b

/* IRQ: acknowledge, remember the INTID, mask the timer, end it. */
irq:
    mrs     x20, S3_0_C12_C12_0 /* ICC_IAR1_EL1 */
    mov     x6, #2
    msr     cntv_ctl_el0, x6    /* timer: masked */
    msr     S3_0_C12_C12_1, x20 /* ICC_EOIR1_EL1 */
    eret

/* Synchronous exception (the injected abort): remember ESR, skip the access. */
sync:
    mrs     x21, esr_el1
    mrs     x6, elr_el1
    add     x6, x6, #4
    msr     elr_el1, x6
    eret

    .balign 2048
vectors:
    .balign 0x80
    b       .                   /* current EL, SP0 */
    .balign 0x80
    b       .
    .balign 0x80
    b       .
    .balign 0x80
    b       .
    .balign 0x80
    b       sync                /* current EL, SPx: synchronous */
    .balign 0x80
    b       irq                 /* current EL, SPx: IRQ */
    .balign 0x80
    b       .
    .balign 0x80
    b       .
    .ltorg
    .balign 4096
guest_end:
