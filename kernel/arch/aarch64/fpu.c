/*
 * The EL0 FP/SIMD trap (see fpu.h). With HCR_EL2.E2H = 1, CPTR_EL2 has the
 * CPACR layout: FPEN = 0b01 traps EL0 only, 0b11 traps nothing. The kernel
 * at EL2 is never trapped, so it can save and restore freely.
 */
#include "arch/aarch64/fpu.h"
#include "arch/aarch64/sysreg.h"

_Static_assert(sizeof(struct fp_state) == 528, "fpu.S stores FPSR/FPCR at offset 512");

void fpu_set_trap(bool trap)
{
    sysreg_write(cptr_el2, trap ? CPTR_FPEN_EL0_TRAP : CPTR_FPEN_NONE);
    isb();
}
