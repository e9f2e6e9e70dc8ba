/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * L1's side of nestvirt's VMX tag tests (nestvirt_vmx_tags_test,
 * nestvirt_vmx_stale_test): L2 guests with a VPID each, and INVVPID.
 */
#ifndef SELFTEST_NESTVIRT_VMX_TAGS_UTIL_H
#define SELFTEST_NESTVIRT_VMX_TAGS_UTIL_H

#include "nestvirt_tags_util.h"

#include "vmx.h"

/* INVVPID types (SDM Vol. 3C, "INVVPID") and their capability bits. */
#define INVVPID_ADDR		0
#define INVVPID_SINGLE		1
#define INVVPID_ALL		2
#define INVVPID_SINGLE_GLOBALS	3
#define VPID_CAP_INVVPID_TYPE(t)	(1ULL << (40 + (t)))

/*
 * L1: enters VMX operation and prepares @n vmcs12s running @code, L2 @i
 * with VPID i + 1 and, for odd i, the odd L2s' address space (odd_cr3);
 * their stack pointers in @rsp.
 */
static inline void vmx_tags_prepare_l2s(struct vmx_pages **l2, int n, void (*code)(void), u64 *rsp)
{
	int i;

	GUEST_ASSERT(prepare_for_vmx_operation(l2[0]));
	for (i = 0; i < n; i++) {
		GUEST_ASSERT(load_vmcs(l2[i]));
		prepare_vmcs(l2[i], code);
		vmwrite(SECONDARY_VM_EXEC_CONTROL,
			vmreadz(SECONDARY_VM_EXEC_CONTROL) | SECONDARY_EXEC_ENABLE_VPID);
		vmwrite(VIRTUAL_PROCESSOR_ID, i + 1);
		if (i % 2)
			vmwrite(GUEST_CR3, odd_cr3);
		rsp[i] = vmreadz(GUEST_RSP);
	}
}

/*
 * L1: one switch to @l2 (VMPTRLD, then VMLAUNCH the first time, VMRESUME
 * after) running @code on the stack @rsp, which must end with its VMCALL.
 */
static inline void vmx_tags_switch(struct vmx_pages *l2, bool *launched, void (*code)(void),
				   u64 rsp)
{
	GUEST_ASSERT(!vmptrld(l2->vmcs_gpa));
	vmwrite(GUEST_RIP, (u64)code);
	vmwrite(GUEST_RSP, rsp);
	GUEST_ASSERT(!(*launched ? vmresume() : vmlaunch()));
	*launched = true;
	GUEST_ASSERT_EQ(vmreadz(VM_EXIT_REASON), EXIT_REASON_VMCALL);
}

/* L1: INVVPID of @type for @vpid (and @gla); it must succeed. */
static inline void invvpid_ok(u64 type, u64 vpid, u64 gla)
{
	struct {
		u64 vpid;
		u64 gla;
	} desc = { vpid, gla };
	u8 fail;

	__asm__ __volatile__("invvpid %1, %2\n\tsetna %0"
			     : "=q"(fail) : "m"(desc), "r"(type) : "cc", "memory");
	GUEST_ASSERT(!fail);
}

/* The host: @n vmcs pages for L1, their addresses in l2_vmx (L1's). */
#define vmx_tags_alloc_l2s(vm, l2_vmx, n)				\
	do {								\
		gva_t __gva;						\
		int __i;						\
									\
		for (__i = 0; __i < (n); __i++) {			\
			vcpu_alloc_vmx(vm, &__gva);			\
			(l2_vmx)[__i] = (struct vmx_pages *)__gva;	\
		}							\
		sync_global_to_guest(vm, l2_vmx);			\
	} while (0)

#endif /* SELFTEST_NESTVIRT_VMX_TAGS_UTIL_H */
