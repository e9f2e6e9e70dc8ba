// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_info_test: NESTVIRT_GET_INFO reports the attached backend; its
 * nested-entry count grows by exactly the number of VMRUNs an L1 guest
 * executes, each with one check of the vmcb02 KVM built, and once L1 repeats
 * the same vmcb12, the hooked kvm-amd answers by replaying nestvirt's
 * verdict (counted in both, and in the replay counters); an SMI taken in L2
 * makes the return from SMM a hooked entry of its own. Bad ioctls get
 * ENOTTY/EFAULT.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "smm.h"
#include "kselftest.h"

#include "nestvirt_util.h"

#define L2_RUNS 37

#define SMRAM_GPA	0x1000000
#define SYNC_PORT	0xe
#define SMRAM_STAGE	0xfe

/* Runs in real mode inside SMM: tell the host, then return to L2. */
static u8 smi_handler[] = {
	0xb0, SMRAM_STAGE,	/* mov $SMRAM_STAGE, %al */
	0xe4, SYNC_PORT,	/* in $SYNC_PORT, %al */
	0x0f, 0xaa,		/* rsm */
};

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

/* Each VMRUN is one entry and one check of the vmcb02 KVM built. */
static void test_entry_count_matches_vmruns(void)
{
	struct nestvirt_info before = nestvirt_get_info(), after;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	gva_t svm_gva;

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vcpu, 1, svm_gva);
	nestvirt_check_entry_count(vm, vcpu, L2_RUNS);
	after = nestvirt_get_info();
	TEST_ASSERT(after.vmcb02_checks - before.vmcb02_checks == L2_RUNS,
		    "vmcb02 was checked %llu times for %d VMRUNs",
		    after.vmcb02_checks - before.vmcb02_checks, L2_RUNS);
	TEST_ASSERT(after.rsm_entries == before.rsm_entries &&
		    after.set_state_entries == before.set_state_entries,
		    "VMRUNs counted as RSM or restored state");
	/* L1 changes only RIP, which no rule reads: every VMRUN after the first is replayed. */
	TEST_ASSERT(after.replayed_entries - before.replayed_entries == L2_RUNS - 1,
		    "%llu of %d identical VMRUNs replayed, want %d",
		    after.replayed_entries - before.replayed_entries, L2_RUNS, L2_RUNS - 1);
	TEST_ASSERT(after.replayed_vmcb02_checks - before.replayed_vmcb02_checks == L2_RUNS - 1,
		    "%llu of %d vmcb02 checks replayed, want %d",
		    after.replayed_vmcb02_checks - before.replayed_vmcb02_checks, L2_RUNS,
		    L2_RUNS - 1);
	ksft_print_msg("%d VMRUNs: %llu entries and %llu vmcb02 checks replayed\n", L2_RUNS,
		       after.replayed_entries - before.replayed_entries,
		       after.replayed_vmcb02_checks - before.replayed_vmcb02_checks);
}

/* L2 stops at the host once (an SMI comes then), then exits to L1. */
static void l2_smi_guest_code(void)
{
	__asm__ __volatile__("in $" __stringify(SYNC_PORT) ", %%al" : : : "rax");
	__asm__ __volatile__("vmmcall");
}

static void l1_smi_guest_code(struct svm_test_data *svm)
{
	generic_svm_setup(svm, l2_smi_guest_code);
	run_guest(svm->vmcb, svm->vmcb_gpa);
	GUEST_ASSERT(svm->vmcb->control.exit_code == SVM_EXIT_VMMCALL);
	GUEST_DONE();
}

/*
 * An SMI while L2 runs: KVM leaves guest mode for SMM, and RSM re-enters
 * L2 from the vmcb12 L1 gave VMRUN (svm_leave_smm()). That return is an
 * entry nestvirt checks, vmcb02 included, in enforce mode.
 */
static void test_rsm_into_l2_is_hooked(void)
{
	struct nestvirt_info before, after;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	gva_t svm_gva;
	int smm_exits = 0;

	vm = vm_create_with_one_vcpu(&vcpu, l1_smi_guest_code);
	setup_smram(vm, vcpu, SMRAM_GPA, smi_handler, sizeof(smi_handler));
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vcpu, 1, svm_gva);

	before = nestvirt_get_info();
	for (;;) {
		vcpu_run(vcpu);
		TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
		if (vcpu->run->io.port == SYNC_PORT) {
			struct kvm_regs regs;

			vcpu_regs_get(vcpu, &regs);
			if ((regs.rax & 0xff) == SMRAM_STAGE) {
				smm_exits++;	/* the handler, about to RSM */
				continue;
			}
			/* L2 stopped: take an SMI before it goes on. */
			inject_smi(vcpu);
			continue;
		}
		if (get_ucall(vcpu, &uc) == UCALL_DONE)
			break;
		if (uc.cmd == UCALL_ABORT)
			REPORT_GUEST_ASSERT(uc);
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
	after = nestvirt_get_info();
	kvm_vm_free(vm);

	TEST_ASSERT(smm_exits == 1, "the SMI handler ran %d times, not once", smm_exits);
	TEST_ASSERT(after.rsm_entries - before.rsm_entries == 1,
		    "the return from SMM into L2 was hooked %llu times, not once",
		    after.rsm_entries - before.rsm_entries);
	TEST_ASSERT(after.nested_entries - before.nested_entries == 2,
		    "%llu nested entries for one VMRUN and one RSM",
		    after.nested_entries - before.nested_entries);
	TEST_ASSERT(after.vmcb02_checks - before.vmcb02_checks == 2,
		    "vmcb02 checked %llu times for one VMRUN and one RSM",
		    after.vmcb02_checks - before.vmcb02_checks);
	TEST_ASSERT(after.kvm_rejected == before.kvm_rejected &&
		    after.nestvirt_rejected == before.nestvirt_rejected,
		    "a valid return from SMM was rejected");
}

int main(int argc, char *argv[])
{
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));

	ksft_print_header();
	ksft_set_plan(4);
	nestvirt_check_info(NESTVIRT_BACKEND_SVM);
	ksft_test_result_pass("info_reports_svm\n");
	test_entry_count_matches_vmruns();
	ksft_test_result_pass("entry_count_matches_vmruns\n");
	if (kvm_has_cap(KVM_CAP_X86_SMM)) {
		test_rsm_into_l2_is_hooked();
		ksft_test_result_pass("rsm_into_l2_is_hooked\n");
	} else {
		ksft_test_result_skip("rsm_into_l2_is_hooked: no KVM_CAP_X86_SMM\n");
	}
	nestvirt_check_bad_ioctls();
	ksft_test_result_pass("bad_ioctls\n");
	ksft_finished();
}
