/*
 * The words svc_ring_client and svc_ring_server exchange at the start of
 * their ring: one request and one answer at a time.
 */
#ifndef TESTS_PROGRAMS_SVC_RING_PROTOCOL_H
#define TESTS_PROGRAMS_SVC_RING_PROTOCOL_H

#include <stdint.h>

struct test_ring {
    uint64_t request_seq, request;
    uint64_t answer_seq, answer;
    uint64_t crashed; /* the server's mark that it crashed once */
};

#endif
