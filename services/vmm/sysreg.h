/*
 * Decoding a trapped system register access (BT_VM_EXIT_SYSREG: the ISS of
 * ESR_EL2 for EC 0x18): which register, which direction. The guest's SGI
 * registers (ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1) are what the
 * VMM emulates; everything else reads as zero and ignores writes.
 */
#ifndef VMM_SYSREG_H
#define VMM_SYSREG_H

#include <stdbool.h>
#include <stdint.h>

/* op0, op1, CRn, CRm, op2 packed as in the MRS/MSR encoding. */
#define SYSREG(op0, op1, crn, crm, op2)                                                            \
    ((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | (uint32_t)(crm) << 3 | \
     (uint32_t)(op2))

#define SYSREG_ICC_SGI1R_EL1 SYSREG(3, 0, 12, 11, 5)
#define SYSREG_ICC_ASGI1R_EL1 SYSREG(3, 0, 12, 11, 6)
#define SYSREG_ICC_SGI0R_EL1 SYSREG(3, 0, 12, 11, 7)

/* The register an ISS names. */
static inline uint32_t sysreg_of_iss(uint64_t iss)
{
    return SYSREG((iss >> 20) & 3, (iss >> 14) & 7, (iss >> 10) & 0xf, (iss >> 1) & 0xf,
                  (iss >> 17) & 7);
}

static inline bool sysreg_iss_is_read(uint64_t iss)
{
    return (iss & 1) != 0;
}

static inline bool sysreg_is_sgi(uint32_t reg)
{
    return reg == SYSREG_ICC_SGI1R_EL1 || reg == SYSREG_ICC_ASGI1R_EL1 ||
           reg == SYSREG_ICC_SGI0R_EL1;
}

#endif
