// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_demo: the main job's payload. An L1 hypervisor runs an L2 guest
 * many times; the demo prints what nestvirt saw while it did.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"

#include "nestvirt_util.h"

#define L2_RUNS 1000

static void l2_guest_code(struct svm_test_data *svm)
{
	__asm__ __volatile__("vmmcall");
}

static void l1_guest_code(struct svm_test_data *svm)
{
	struct vmcb *vmcb = svm->vmcb;

	generic_svm_setup(svm, l2_guest_code);
	for (int i = 0; i < L2_RUNS; i++) {
		vmcb->save.rip = (u64)l2_guest_code;
		run_guest(vmcb, svm->vmcb_gpa);
		GUEST_ASSERT(vmcb->control.exit_code == SVM_EXIT_VMMCALL);
	}
	GUEST_DONE();
}

static const char *backend_name(__u32 backend)
{
	switch (backend) {
	case NESTVIRT_BACKEND_SVM: return "svm (kvm_amd)";
	case NESTVIRT_BACKEND_VMX: return "vmx (kvm_intel)";
	default: return "none";
	}
}

static const char *mode_name(__u32 mode)
{
	static const char *const names[] = { "off", "audit", "enforce" };

	return mode < ARRAY_SIZE(names) ? names[mode] : "?";
}

int main(int argc, char *argv[])
{
	struct nestvirt_info before, after;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	gva_t svm_gva;
	struct ucall uc;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	before = nestvirt_get_info();
	printf("nestvirt: ABI %u, attached to %s, hook ABI %u, vendor module built from %s\n",
	       before.abi_version, backend_name(before.backend), before.hook_abi_version,
	       before.kernel_release);

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vcpu, 1, svm_gva);
	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	if (get_ucall(vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(uc.cmd == UCALL_DONE, "unexpected ucall %lu", uc.cmd);
	kvm_vm_free(vm);

	after = nestvirt_get_info();
	printf("L1 ran its L2 guest %d times (VMRUN -> VMMCALL -> #VMEXIT)\n", L2_RUNS);
	printf("nestvirt saw: %llu nested entries, %llu rejected by KVM, %llu rejected by nestvirt, "
	       "%llu without a vmcb12 copy (validation mode: %s)\n",
	       after.nested_entries - before.nested_entries,
	       after.kvm_rejected - before.kvm_rejected,
	       after.nestvirt_rejected - before.nestvirt_rejected,
	       after.state_missing - before.state_missing, mode_name(after.mode));
	printf("of those, %llu answered by kvm-amd replaying nestvirt's clean verdict for an "
	       "unchanged vmcb12; %llu vmcb02 checks, %llu of them replayed\n",
	       after.replayed_entries - before.replayed_entries,
	       after.vmcb02_checks - before.vmcb02_checks,
	       after.replayed_vmcb02_checks - before.replayed_vmcb02_checks);
	TEST_ASSERT(after.nested_entries - before.nested_entries == L2_RUNS,
		    "nestvirt missed nested entries");
	return 0;
}
