/*
 * A block port's parameters (abi/startinfo.h: the ring's parameter string,
 * from the scenario's port properties): read-only, and which part of the
 * disk the port sees. The string comes from the loader, through root; it is
 * parsed as untrusted all the same, and anything unexpected refuses the
 * port rather than give it more than the scenario meant.
 */
#ifndef SERVICES_BLK_PARAMS_H
#define SERVICES_BLK_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

enum blk_extent_kind {
    BLK_WHOLE_DISK,
    BLK_PARTITION, /* partition number `partition` */
    BLK_RANGE,     /* bytes [offset, offset + length) */
};

struct blk_params {
    bool read_only;
    enum blk_extent_kind kind;
    unsigned partition; /* 1..128 */
    uint64_t offset, length;
};

#define BLK_PARTITION_MAX 128u
#define BLK_PARAMS_MAX 128u /* longest parameter string accepted */

/* Parses s: words separated by single spaces, each "ro", "partition=N"
 * (decimal, 1..128) or "range=OFF+LEN" (0x-hex or decimal; both multiples
 * of 512, LEN non-zero, OFF + LEN without overflow); each at most once,
 * partition and range not together. False with a reason in *why for
 * anything else, including words meant for other servers (mac, peers): a
 * block server that cannot enforce a property refuses the port. */
bool blk_params_parse(const char *s, struct blk_params *p, const char **why);

#endif
