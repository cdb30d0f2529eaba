/*
 * Notifications: a word of signal bits. Signal ORs the signalling
 * capability's badge in; wait returns and clears the word, blocking while it
 * is zero. A notification can be bound to one thread, whose receive on an
 * endpoint then also ends when the notification is signalled.
 */
#ifndef KERNEL_OBJECT_NOTIFICATION_H
#define KERNEL_OBJECT_NOTIFICATION_H

#include "object/cap.h"

struct thread;

struct notification {
    struct kobj obj;
    uint64_t word;
    struct thread *head, *tail; /* waiters */
    struct thread *bound;
};

void notification_signal(struct notification *n, uint64_t badge);
/* Returns the bits (clearing them) or 0; blocks t when 0 and block. */
uint64_t notification_wait(struct notification *n, struct thread *t, bool block);
void notification_cancel(struct notification *n, struct thread *t);
void notification_destroy(struct notification *n);

#endif
