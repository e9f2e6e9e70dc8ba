/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An L1 that VMLAUNCHes the selftest library's valid vmcs12 with a few
 * fields changed, as the host asks, from a clear VMCS each time, and reports
 * how the VMLAUNCH ended: the rule test's rows and the differential test's
 * corpus both run through it.
 */
#ifndef SELFTEST_VMX_NESTVIRT_ROWS_H
#define SELFTEST_VMX_NESTVIRT_ROWS_H

#include "vmx_nestvirt_common.h"

#define NV_MAX_CHANGES	8

/* A field change: field = ((field & and) | or) ^ xor. */
struct nv_change {
	u64 field;
	u64 and;
	u64 or;
	u64 xor;
};

/* What the host asks of L1 for the next VMLAUNCH; synced before each. */
static struct {
	u32 n;
	u32 quit;
	/* A field L1's VMCS lacks ends the row with RES_NO_FIELD, not a failure. */
	u32 field_may_be_missing;
	struct nv_change c[NV_MAX_CHANGES];
} nv_row;

struct nv_result {
	u64 kind, a, b;
};

static void nv_rows_l2_guest_code(void)
{
	for (;;)
		vmcall();
}

static void nv_rows_l1_guest_code(struct vmx_pages *vmx)
{
	u64 saved[NV_MAX_CHANGES];
	u64 kind, a, b;
	int i;

	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	prepare_vmcs(vmx, nv_rows_l2_guest_code);

	for (;;) {
		GUEST_SYNC(STAGE_READY);
		if (nv_row.quit)
			GUEST_DONE();
		/* A clear VMCS: every row starts with VMLAUNCH. */
		GUEST_ASSERT(!vmclear(vmx->vmcs_gpa));
		GUEST_ASSERT(!vmptrld(vmx->vmcs_gpa));
		kind = 0;
		for (i = 0; i < nv_row.n; i++) {
			saved[i] = vmreadz(nv_row.c[i].field);
			if (vmwrite(nv_row.c[i].field,
				    ((saved[i] & nv_row.c[i].and) | nv_row.c[i].or) ^
				    nv_row.c[i].xor)) {
				GUEST_ASSERT(nv_row.field_may_be_missing);
				kind = RES_NO_FIELD;
				a = nv_row.c[i].field;
				b = 0;
				break;
			}
		}
		if (kind == RES_NO_FIELD)
			nv_row.n = i;	/* undo only what was written */
		else
			nv_vmlaunch(&kind, &a, &b);
		for (i = nv_row.n - 1; i >= 0; i--)
			GUEST_ASSERT(!vmwrite(nv_row.c[i].field, saved[i]));
		GUEST_SYNC_ARGS(STAGE_RESULT, kind, a, b, 0);
	}
}

/* Host: a VM whose vCPU runs the L1 above, stopped at its first STAGE_READY. */
static struct kvm_vm *nv_rows_vm(struct kvm_vcpu **vcpu)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, nv_rows_l1_guest_code);
	gva_t vmx_gva;

	vcpu_alloc_vmx(vm, &vmx_gva);
	vcpu_args_set(*vcpu, 1, vmx_gva);
	nv_run_to(*vcpu, STAGE_READY);
	return vm;
}

/* Host: one VMLAUNCH of the valid vmcs12 with the @n changes @c. */
static struct nv_result nv_launch(struct kvm_vm *vm, struct kvm_vcpu *vcpu, u32 n,
				  const struct nv_change *c)
{
	struct ucall uc;

	TEST_ASSERT(n <= NV_MAX_CHANGES, "%u changes", n);
	nv_row.n = n;
	nv_row.quit = 0;
	memset(nv_row.c, 0, sizeof(nv_row.c));
	memcpy(nv_row.c, c, n * sizeof(*c));
	sync_global_to_guest(vm, nv_row);
	uc = nv_run_to(vcpu, STAGE_RESULT);
	nv_run_to(vcpu, STAGE_READY);
	return (struct nv_result){ uc.args[2], uc.args[3], uc.args[4] };
}

/* Host: lets L1 finish and frees the VM. */
static void nv_rows_done(struct kvm_vm *vm, struct kvm_vcpu *vcpu)
{
	nv_row.quit = 1;
	sync_global_to_guest(vm, nv_row);
	vcpu_run(vcpu);
	kvm_vm_free(vm);
}

#endif /* SELFTEST_VMX_NESTVIRT_ROWS_H */
