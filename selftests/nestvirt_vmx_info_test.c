// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_vmx_info_test: the VMX twin of nestvirt_info_test.
 * NESTVIRT_GET_INFO reports the VMX backend, and its nested-entry count grows
 * by exactly the number of VMLAUNCHes and VMRESUMEs an L1 guest executes.
 * Bad ioctls get ENOTTY/EFAULT.
 *
 * Runs under Bochs (scripts/lib/bochs-host.sh), about ten times slower than
 * QEMU TCG: keep L2_RUNS small.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "vmx.h"
#include "kselftest.h"

#include "nestvirt_util.h"

/* One VMLAUNCH and L2_RUNS - 1 VMRESUMEs. */
#define L2_RUNS 8

/* Written by L2, read by L1: both run in the same identity-mapped memory. */
static volatile int l2_vmcalls;

static void l2_guest_code(void)
{
	for (;;) {
		l2_vmcalls++;
		vmcall();
	}
}

static void l1_guest_code(struct vmx_pages *vmx_pages)
{
	int i;

	GUEST_ASSERT(prepare_for_vmx_operation(vmx_pages));
	GUEST_ASSERT(load_vmcs(vmx_pages));
	prepare_vmcs(vmx_pages, l2_guest_code);

	for (i = 0; i < L2_RUNS; i++) {
		GUEST_ASSERT(!(i == 0 ? vmlaunch() : vmresume()));
		GUEST_ASSERT_EQ(vmreadz(VM_EXIT_REASON), EXIT_REASON_VMCALL);
		GUEST_ASSERT_EQ(l2_vmcalls, i + 1);
		/* Resume L2 after its VMCALL, into the next loop iteration. */
		vmwrite(GUEST_RIP, vmreadz(GUEST_RIP) + vmreadz(VM_EXIT_INSTRUCTION_LEN));
	}
	GUEST_DONE();
}

static void test_entry_count_matches_vmentries(void)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	gva_t vmx_gva;

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_vmx(vm, &vmx_gva);
	vcpu_args_set(vcpu, 1, vmx_gva);
	nestvirt_check_entry_count(vm, vcpu, L2_RUNS);
}

int main(int argc, char *argv[])
{
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));

	ksft_print_header();
	ksft_set_plan(3);
	nestvirt_check_info(NESTVIRT_BACKEND_VMX);
	ksft_test_result_pass("info_reports_vmx\n");
	test_entry_count_matches_vmentries();
	ksft_test_result_pass("entry_count_matches_vmentries\n");
	nestvirt_check_bad_ioctls();
	ksft_test_result_pass("bad_ioctls\n");
	ksft_finished();
}
