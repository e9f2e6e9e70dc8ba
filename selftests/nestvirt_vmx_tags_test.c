// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_vmx_tags_test: an L1 that switches between K L2 guests, each
 * with a VPID of its own (K = 2, 4, 8, 16), and the TLB flushes KVM makes
 * for it per 1,000 switches (nestvirt_tags_util.h).
 *
 * Stock KVM runs every L2 on one VPID (vpid02) and flushes it whenever
 * vmcs12's VPID changes; with nestvirt's VPID mapping (nestvirt.ko
 * tags=N) a switch between K <= N L2s flushes nothing once each has run.
 * Checked whichever is loaded: every L2 reads its own value at the same
 * virtual address, also after the host changes the odd L2s' mapping and
 * L1 flushes it with INVVPID single-context, then all-context; without
 * the mapping, at least one KVM flush per switch; with it and K <= N, no
 * KVM flush, and nestvirt's counters agree. Bochs 2.7's TLB carries no
 * VPID and flushes on every VM entry and exit, so a missing flush cannot
 * show here as a stale value: nestvirt_vmx_stale_test, under the Bochs
 * with a VPID-tagged TLB, is the test that can (Documentation/nestvirt/tags.rst).
 */
#include "nestvirt_vmx_tags_util.h"

static struct vmx_pages *l2_vmx[MAX_L2];
static u64 l2_rsp[MAX_L2];
static bool launched[MAX_L2];
static volatile u64 l2_read;

/* Reads the test address for L1, then exits to it. */
static void l2_guest_code(void)
{
	l2_read = *(volatile u64 *)test_va;
	vmcall();
}

/* One switch to L2 @i: VMPTRLD, VMLAUNCH or VMRESUME, check what it read. */
static void run_l2(int i, u64 odd_val)
{
	l2_read = 0;
	vmx_tags_switch(l2_vmx[i], &launched[i], l2_guest_code, l2_rsp[i]);
	GUEST_ASSERT_EQ(l2_read, tags_expected(i, odd_val));
}

static void l1_guest_code(void)
{
	int i, n;

	vmx_tags_prepare_l2s(l2_vmx, MAX_L2, l2_guest_code, l2_rsp);
	tags_l1_switches(run_l2);
	/* Flush each odd L2's VPID by INVVPID single-context. */
	GUEST_SYNC(TAGS_STAGE_C);
	for (i = 1; i < 4; i += 2)
		invvpid_ok(INVVPID_SINGLE, i + 1, 0);
	for (n = 0; n < 100; n++)
		run_l2(n % 4, VAL_C);
	/* And every VPID by INVVPID all-context. */
	GUEST_SYNC(TAGS_STAGE_B);
	invvpid_ok(INVVPID_ALL, 0, 0);
	for (n = 0; n < 100; n++)
		run_l2(n % 4, VAL_B);
	GUEST_DONE();
}

int main(int argc, char *argv[])
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));
	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	TEST_REQUIRE((vcpu_get_msr(vcpu, MSR_IA32_VMX_PROCBASED_CTLS2) >> 32) &
		     SECONDARY_EXEC_ENABLE_VPID);
	TEST_REQUIRE(vcpu_get_msr(vcpu, MSR_IA32_VMX_EPT_VPID_CAP) & (1ULL << 32));
	vmx_tags_alloc_l2s(vm, l2_vmx, MAX_L2);
	tags_main(vm, vcpu, 1, "INVVPID single-context and all-context");
	return 0;
}
