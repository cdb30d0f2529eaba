/*
 * Process entry for the guest benchmark programs. The kernel starts a
 * static executable at _start with sp pointing at argc, then the argv
 * pointers; rt_start() finds them there and calls main().
 */
    .text
    .global _start
    .type _start, %function
_start:
    mov x29, #0
    mov x30, #0
    mov x0, sp
    bl rt_start
    b .
    .size _start, . - _start
