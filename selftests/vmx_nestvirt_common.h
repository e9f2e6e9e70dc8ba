/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What nestvirt's VMX selftests share: the L1 <-> host protocol (L1 stops
 * at STAGE_READY before each VMLAUNCH and reports its outcome at
 * STAGE_RESULT) and how an L1 reports a VMLAUNCH.
 */
#ifndef SELFTEST_VMX_NESTVIRT_COMMON_H
#define SELFTEST_VMX_NESTVIRT_COMMON_H

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "vmx.h"

#include "nestvirt_util.h"

#define STAGE_READY	1
#define STAGE_RESULT	2

#define RES_VMFAIL	1	/* a: VM-instruction error */
#define RES_EXIT	2	/* a: exit reason, b: exit qualification */
#define RES_NO_FIELD	3	/* a: the field L1's VMWRITE refused; no VMLAUNCH */

#define EXIT_FAILED_ENTRY(reason) (0x80000000u | (reason))

/* L1: VMLAUNCH, and how it ended (RES_*, the error or reason, the qualification). */
static inline void nv_vmlaunch(u64 *kind, u64 *a, u64 *b)
{
	if (vmlaunch()) {
		*kind = RES_VMFAIL;
		*a = vmreadz(VM_INSTRUCTION_ERROR);
		*b = 0;
	} else {
		*kind = RES_EXIT;
		*a = vmreadz(VM_EXIT_REASON);
		*b = vmreadz(EXIT_QUALIFICATION);
	}
}

#endif /* SELFTEST_VMX_NESTVIRT_COMMON_H */
