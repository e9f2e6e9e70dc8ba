// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_svm_set_state_test: KVM_SET_NESTED_STATE is untrusted input, so
 * nestvirt checks the restored vmcb12 controls as VMRUN would. A state
 * taken while L2 runs is restored unchanged (accepted, no rule counted),
 * then with a reserved TLB_CONTROL value, which KVM 7.3.4 accepts: in
 * enforce mode the restore fails with EINVAL and changes nothing (the vCPU
 * still finishes L2 from the good state), in audit mode it succeeds and
 * SVM-CTL-TLB-CONTROL is counted once.
 */
#include <stddef.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "kselftest.h"

#include "nestvirt_state_util.h"

/* TLB_CONTROL, a byte of the vmcb12 control area; 5 is reserved. */
#define TLB_CTL_OFFSET	offsetof(struct vmcb_control_area, tlb_ctl)
#define TLB_CTL_RESERVED 5

static void l2_guest_code(void)
{
	GUEST_SYNC(1);
	__asm__ __volatile__("vmmcall");
}

static void l1_guest_code(struct svm_test_data *svm)
{
	generic_svm_setup(svm, l2_guest_code);
	run_guest(svm->vmcb, svm->vmcb_gpa);
	GUEST_ASSERT(svm->vmcb->control.exit_code == SVM_EXIT_VMMCALL);
	GUEST_DONE();
}

/* A VM whose L1 has entered L2 and stopped there at L2's GUEST_SYNC. */
static struct kvm_vm *vm_stopped_in_l2(struct kvm_vcpu **vcpu)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, l1_guest_code);
	gva_t svm_gva;

	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(*vcpu, 1, svm_gva);
	nv_run_expect(*vcpu, UCALL_SYNC, 1);
	return vm;
}

static struct kvm_nested_state *with_tlb_ctl(const struct kvm_nested_state *good, u8 tlb_ctl)
{
	struct kvm_nested_state *s = malloc(good->size);

	memcpy(s, good, good->size);
	s->data.svm[0].vmcb12[TLB_CTL_OFFSET] = tlb_ctl;
	return s;
}

int main(int argc, char *argv[])
{
	struct kvm_nested_state *good, *bad;
	struct nestvirt_info before, after;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int size, rule, r;
	u64 count;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_NESTED_STATE));
	ksft_print_header();
	ksft_set_plan(4);
	rule = nestvirt_rule_index("SVM-CTL-TLB-CONTROL");
	TEST_ASSERT(rule >= 0, "no rule SVM-CTL-TLB-CONTROL");

	vm = vm_stopped_in_l2(&vcpu);
	size = kvm_check_cap(KVM_CAP_NESTED_STATE);
	good = malloc(size);
	good->size = size;
	vcpu_nested_state_get(vcpu, good);
	TEST_ASSERT(good->format == KVM_STATE_NESTED_FORMAT_SVM &&
		    (good->flags & KVM_STATE_NESTED_GUEST_MODE),
		    "not in guest mode at L2's GUEST_SYNC (flags 0x%x)", good->flags);
	TEST_ASSERT(good->data.svm[0].vmcb12[TLB_CTL_OFFSET] != TLB_CTL_RESERVED,
		    "L1's vmcb12 already has TLB_CONTROL %d", TLB_CTL_RESERVED);
	bad = with_tlb_ctl(good, TLB_CTL_RESERVED);

	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	count = nestvirt_rule_failures(rule);
	before = nestvirt_get_info();
	vcpu_nested_state_set(vcpu, good);
	after = nestvirt_get_info();
	TEST_ASSERT(after.nestvirt_rejected == before.nestvirt_rejected &&
		    nestvirt_rule_failures(rule) == count,
		    "a valid restored state was rejected or counted");
	ksft_test_result_pass("enforce_accepts_valid_state\n");

	r = __vcpu_nested_state_set(vcpu, bad);
	TEST_ASSERT(r == -1 && errno == EINVAL,
		    "enforce: reserved TLB_CONTROL restored: r %d errno %d, want EINVAL", r, errno);
	TEST_ASSERT(nestvirt_rule_failures(rule) == count + 1,
		    "enforce: SVM-CTL-TLB-CONTROL counted %lu times, want 1",
		    nestvirt_rule_failures(rule) - count);
	TEST_ASSERT(nestvirt_get_info().nestvirt_rejected == after.nestvirt_rejected + 1,
		    "enforce: nestvirt_rejected did not grow by one");
	/* The rejected restore changed nothing: L2 finishes from the good state. */
	nv_run_expect(vcpu, UCALL_DONE, 0);
	ksft_test_result_pass("enforce_rejects_reserved_tlb_control\n");

	kvm_vm_free(vm);
	vm = vm_stopped_in_l2(&vcpu);
	vcpu_nested_state_get(vcpu, good);
	free(bad);
	bad = with_tlb_ctl(good, TLB_CTL_RESERVED);

	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_AUDIT);
	count = nestvirt_rule_failures(rule);
	r = __vcpu_nested_state_set(vcpu, bad);
	TEST_ASSERT(r == 0, "audit: KVM's verdict must stand (it accepts): errno %d", errno);
	TEST_ASSERT(nestvirt_rule_failures(rule) == count + 1,
		    "audit: SVM-CTL-TLB-CONTROL counted %lu times, want 1",
		    nestvirt_rule_failures(rule) - count);
	ksft_test_result_pass("audit_counts_reserved_tlb_control\n");

	/* Off: not evaluated, not counted. */
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_OFF);
	count = nestvirt_rule_failures(rule);
	r = __vcpu_nested_state_set(vcpu, bad);
	TEST_ASSERT(r == 0 && nestvirt_rule_failures(rule) == count,
		    "off: r %d, counted %lu", r, nestvirt_rule_failures(rule) - count);
	ksft_test_result_pass("off_neither_counts_nor_rejects\n");

	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	free(bad);
	free(good);
	kvm_vm_free(vm);
	ksft_finished();
}
