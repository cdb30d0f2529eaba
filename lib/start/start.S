/*
 * Program entry for every native component. The kernel (or the loader) starts
 * the first thread here with its stack pointer set and a start-up argument in
 * x0; main()'s return value ends the thread.
 */
    .text
    .globl  _start
_start:
    mov     x29, xzr
    mov     x30, xzr
    bl      main                // main(x0): root gets its boot info here
    bl      bt_thread_exit
1:  b       1b
