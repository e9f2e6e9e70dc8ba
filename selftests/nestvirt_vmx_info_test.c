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

static void test_info_reports_vmx(void)
{
	struct nestvirt_info info = nestvirt_get_info();

	TEST_ASSERT(info.abi_version == NESTVIRT_ABI_VERSION,
		    "abi_version %u, want %u", info.abi_version, NESTVIRT_ABI_VERSION);
	TEST_ASSERT(info.backend == NESTVIRT_BACKEND_VMX, "backend %u, want vmx", info.backend);
	TEST_ASSERT(info.hook_abi_version >= 1, "hook_abi_version %u", info.hook_abi_version);
	TEST_ASSERT(info.kernel_release[0] && memchr(info.kernel_release, 0, sizeof(info.kernel_release)),
		    "kernel_release not a NUL-terminated string");
	for (size_t i = 0; i < ARRAY_SIZE(info.reserved); i++)
		TEST_ASSERT(info.reserved[i] == 0, "reserved[%zu] = %llu", i, info.reserved[i]);
}

static void test_entry_count_matches_vmentries(void)
{
	struct nestvirt_info before, after;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	gva_t vmx_gva;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_vmx(vm, &vmx_gva);
	vcpu_args_set(vcpu, 1, vmx_gva);

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
		    "nested_entries grew by %llu, L1 executed %d VMLAUNCH/VMRESUMEs",
		    after.nested_entries - before.nested_entries, L2_RUNS);
	TEST_ASSERT(after.kvm_rejected == before.kvm_rejected,
		    "KVM rejected %llu valid VM entries", after.kvm_rejected - before.kvm_rejected);
	TEST_ASSERT(after.state_missing == before.state_missing,
		    "%llu entries came without a vmcs12 copy",
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
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));

	ksft_print_header();
	ksft_set_plan(3);
	test_info_reports_vmx();
	ksft_test_result_pass("info_reports_vmx\n");
	test_entry_count_matches_vmentries();
	ksft_test_result_pass("entry_count_matches_vmentries\n");
	test_bad_ioctls();
	ksft_test_result_pass("bad_ioctls\n");
	ksft_finished();
}
