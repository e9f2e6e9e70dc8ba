// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_info_test: NESTVIRT_GET_INFO reports the attached backend, and
 * its nested-entry count grows by exactly the number of VMRUNs an L1 guest
 * executes. Bad ioctls get ENOTTY/EFAULT.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "kselftest.h"

#include "nestvirt_util.h"

#define L2_RUNS 37

static void l2_guest_code(struct svm_test_data *svm)
{
	__asm__ __volatile__("vmmcall");
}

static void l1_guest_code(struct svm_test_data *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	int i;

	generic_svm_setup(svm, l2_guest_code);
	for (i = 0; i < L2_RUNS; i++) {
		vmcb->save.rip = (u64)l2_guest_code;
		run_guest(vmcb, svm->vmcb_gpa);
		GUEST_ASSERT(vmcb->control.exit_code == SVM_EXIT_VMMCALL);
	}
	GUEST_DONE();
}

static void test_entry_count_matches_vmruns(void)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	gva_t svm_gva;

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vcpu, 1, svm_gva);
	nestvirt_check_entry_count(vm, vcpu, L2_RUNS);
}

int main(int argc, char *argv[])
{
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));

	ksft_print_header();
	ksft_set_plan(3);
	nestvirt_check_info(NESTVIRT_BACKEND_SVM);
	ksft_test_result_pass("info_reports_svm\n");
	test_entry_count_matches_vmruns();
	ksft_test_result_pass("entry_count_matches_vmruns\n");
	nestvirt_check_bad_ioctls();
	ksft_test_result_pass("bad_ioctls\n");
	ksft_finished();
}
