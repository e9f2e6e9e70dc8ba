// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_svm_tags_test: an L1 that switches between K L2 guests, each
 * with an ASID of its own (K = 2, 4, 8, 16), and the TLB flushes KVM makes
 * for it per 1,000 switches (nestvirt_tags_util.h).
 *
 * Stock KVM flushes on every nested entry and exit (L1 and L2 share an
 * ASID); with nestvirt's ASID mapping (nestvirt.ko tags=N) a switch
 * between K <= N L2s flushes nothing once each has run. The test checks
 * what it can measure whichever is loaded:
 *  - every L2 reads its own value at the same virtual address, also after
 *    the host changes the odd L2s' mapping and L1 flushes it the two ways
 *    the APM gives it: VMRUN with TLB_CONTROL 03h, and INVLPGA;
 *  - without the mapping, at least one KVM flush per switch (so that the
 *    counter is shown to see them);
 *  - with it and K <= N, no KVM flush, and nestvirt's counters agree:
 *    two transitions per switch, each without a flush.
 * QEMU's emulated SVM ignores ASIDs, so a missing flush cannot show here
 * as a stale value; Documentation/nestvirt/tags.rst says what that leaves
 * unproven.
 */
#include "nestvirt_tags_util.h"

#include "svm_util.h"

/* The SVM test data of each L2, and where odd L2s find their tables. */
static struct svm_test_data *l2_svm[MAX_L2];

/* Reads the test address and hands it to L1 in RAX (vmcb12 save.rax). */
static void l2_guest_code(void)
{
	__asm__ __volatile__("movq (%0), %%rax\n\tvmmcall" : : "r"(test_va) : "rax", "memory");
}

/* One switch to L2 @i: VMRUN with @tlb_control, check what it read. */
static void run_l2(int i, u8 tlb_control, u64 odd_val)
{
	struct vmcb *vmcb = l2_svm[i]->vmcb;

	vmcb->save.rip = (u64)l2_guest_code;
	vmcb->control.tlb_ctl = tlb_control;
	run_guest(vmcb, l2_svm[i]->vmcb_gpa);
	GUEST_ASSERT(vmcb->control.exit_code == SVM_EXIT_VMMCALL);
	GUEST_ASSERT_EQ(vmcb->save.rax, tags_expected(i, odd_val));
}

/* One switch with TLB_CONTROL 0: the measured switches. */
static void switch_l2(int i, u64 odd_val)
{
	run_l2(i, 0, odd_val);
}

static void l1_guest_code(void)
{
	int i, n;

	for (i = 0; i < MAX_L2; i++) {
		generic_svm_setup(l2_svm[i], l2_guest_code);
		l2_svm[i]->vmcb->control.asid = i + 1;
		if (i % 2)
			l2_svm[i]->vmcb->save.cr3 = odd_cr3;
	}
	tags_l1_switches(switch_l2);
	/* Flush by TLB_CONTROL 03h (this guest's ASID). */
	GUEST_SYNC(TAGS_STAGE_C);
	for (i = 1; i < 4; i += 2)
		run_l2(i, TLB_CONTROL_FLUSH_ASID, VAL_C);
	for (n = 0; n < 100; n++)
		run_l2(n % 4, 0, VAL_C);
	/* Flush by INVLPGA with each odd L2's ASID. */
	GUEST_SYNC(TAGS_STAGE_B);
	for (i = 1; i < 4; i += 2)
		__asm__ __volatile__("invlpga" : : "a"(test_va), "c"(i + 1) : "memory");
	for (n = 0; n < 100; n++)
		run_l2(n % 4, 0, VAL_B);
	GUEST_DONE();
}

int main(int argc, char *argv[])
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	gva_t gva;
	int i;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	/* L1's addresses of each L2's SVM test data. */
	for (i = 0; i < MAX_L2; i++) {
		vcpu_alloc_svm(vm, &gva);
		l2_svm[i] = (struct svm_test_data *)gva;
	}
	sync_global_to_guest(vm, l2_svm);
	tags_main(vm, vcpu, 2, "TLB_CONTROL 03h and INVLPGA");
	return 0;
}
