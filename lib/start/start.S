/*
 * Program entry for every native component. The kernel (root) or root (every
 * other component) starts the first thread here with its stack pointer set
 * and x0 = the boot info (root) or the start info (components); see
 * runtime.c.
 */
    .text
    .globl  _start
_start:
    mov     x29, xzr
    mov     x30, xzr
    b       bt_runtime_start
