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

static void test_info_reports_svm(void)
{
	struct nestvirt_info info = nestvirt_get_info();

	TEST_ASSERT(info.abi_version == NESTVIRT_ABI_VERSION,
		    "abi_version %u, want %u", info.abi_version, NESTVIRT_ABI_VERSION);
	TEST_ASSERT(info.backend == NESTVIRT_BACKEND_SVM, "backend %u, want svm", info.backend);
	TEST_ASSERT(info.hook_abi_version >= 1, "hook_abi_version %u", info.hook_abi_version);
	TEST_ASSERT(info.kernel_release[0] && memchr(info.kernel_release, 0, sizeof(info.kernel_release)),
		    "kernel_release not a NUL-terminated string");
	for (size_t i = 0; i < ARRAY_SIZE(info.reserved); i++)
		TEST_ASSERT(info.reserved[i] == 0, "reserved[%zu] = %llu", i, info.reserved[i]);
}

static void test_entry_count_matches_vmruns(void)
{
	struct nestvirt_info before, after;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	gva_t svm_gva;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vcpu, 1, svm_gva);

	before = nestvirt_get_info();
	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	case UCALL_DONE:
		break;
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
	after = nestvirt_get_info();
	kvm_vm_free(vm);

	TEST_ASSERT(after.nested_entries - before.nested_entries == L2_RUNS,
		    "nested_entries grew by %llu, L1 executed %d VMRUNs",
		    after.nested_entries - before.nested_entries, L2_RUNS);
	TEST_ASSERT(after.kvm_rejected == before.kvm_rejected,
		    "KVM rejected %llu valid VMRUNs", after.kvm_rejected - before.kvm_rejected);
	TEST_ASSERT(after.state_missing == before.state_missing,
		    "%llu entries came without a vmcb12 copy",
		    after.state_missing - before.state_missing);
}

static void test_bad_ioctls(void)
{
	int fd = nestvirt_open();
	int r;

	r = ioctl(fd, _IO(NESTVIRT_IO, 0x7f), 0);
	TEST_ASSERT(r == -1 && errno == ENOTTY, "unknown ioctl: r %d errno %d, want ENOTTY", r, errno);
	r = ioctl(fd, _IOR(0xAE, 0x00, struct nestvirt_info), 0);
	TEST_ASSERT(r == -1 && errno == ENOTTY, "foreign type: r %d errno %d, want ENOTTY", r, errno);
	r = ioctl(fd, NESTVIRT_GET_INFO, NULL);
	TEST_ASSERT(r == -1 && errno == EFAULT, "NULL arg: r %d errno %d, want EFAULT", r, errno);
	r = ioctl(fd, NESTVIRT_GET_INFO, (void *)1);
	TEST_ASSERT(r == -1 && errno == EFAULT, "bad pointer: r %d errno %d, want EFAULT", r, errno);
	close(fd);
}

int main(int argc, char *argv[])
{
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));

	ksft_print_header();
	ksft_set_plan(3);
	test_info_reports_svm();
	ksft_test_result_pass("info_reports_svm\n");
	test_entry_count_matches_vmruns();
	ksft_test_result_pass("entry_count_matches_vmruns\n");
	test_bad_ioctls();
	ksft_test_result_pass("bad_ioctls\n");
	ksft_finished();
}
