/*
 * The address range a task may use, and where the kernel places the root
 * task's stack. Programs are linked at BT_USER_IMAGE_BASE by convention.
 */
#ifndef ABI_LAYOUT_H
#define ABI_LAYOUT_H

#define BT_PAGE_SIZE 4096UL
/* A task's addresses are [BT_USER_VA_MIN, BT_USER_VA_END); the first 64 KiB
 * stay unmapped so that null-pointer accesses fault. Program segments must
 * lie in [BT_USER_VA_MIN, BT_USER_IMAGE_END), below the stacks. */
#define BT_USER_VA_MIN 0x10000UL
#define BT_USER_VA_END 0x0000800000000000UL
#define BT_USER_IMAGE_END 0x0000700000000000UL
#define BT_USER_IMAGE_BASE 0x400000UL
/* Where the kernel maps the root task's start-up pieces. */
#define BT_ROOT_STACK_TOP 0x00007fff00000000UL
#define BT_ROOT_STACK_SIZE (64 * 1024UL)
#define BT_ROOT_IPC_BUFFER 0x00007fff10000000UL
#define BT_ROOT_BOOTINFO 0x00007fff20000000UL
#define BT_ROOT_DTB 0x00007fff40000000UL
#define BT_ROOT_ARCHIVE 0x00007ff000000000UL

#endif
