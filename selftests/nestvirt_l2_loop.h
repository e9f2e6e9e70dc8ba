/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An L1 that runs its L2 (a VMMCALL) over and over until the host says
 * stop, counting its VMRUNs: the workload of the tests that attach and
 * detach nestvirt under a running nested guest (nestvirt_detach_test,
 * nestvirt_stress_test). One per VM: the selftest library's nested SVM
 * keeps L1's registers in a per-VM global.
 */
#ifndef SELFTEST_NESTVIRT_L2_LOOP_H
#define SELFTEST_NESTVIRT_L2_LOOP_H

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"

static volatile bool stop_l1;
static unsigned long l1_vmruns;

static void l2_guest_code(struct svm_test_data *svm)
{
	__asm__ __volatile__("vmmcall");
}

static void l1_guest_code(struct svm_test_data *svm)
{
	struct vmcb *vmcb = svm->vmcb;

	generic_svm_setup(svm, l2_guest_code);
	while (!READ_ONCE(stop_l1)) {
		vmcb->save.rip = (u64)l2_guest_code;
		run_guest(vmcb, svm->vmcb_gpa);
		GUEST_ASSERT(vmcb->control.exit_code == SVM_EXIT_VMMCALL);
		WRITE_ONCE(l1_vmruns, l1_vmruns + 1);
	}
	GUEST_DONE();
}

/* A VM whose one vCPU will run the L1 above (start it with run_l1()). */
static struct kvm_vm *l2_loop_vm(struct kvm_vcpu **vcpu)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, l1_guest_code);
	gva_t svm_gva;

	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(*vcpu, 1, svm_gva);
	return vm;
}

/* Thread body: runs the L1 vCPU @arg until it finishes. */
static void *run_l1(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	if (get_ucall(vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(uc.cmd == UCALL_DONE, "unexpected ucall %lu", uc.cmd);
	return NULL;
}

/* The VMRUNs @vm's L1 executed so far. */
static unsigned long guest_vmruns(struct kvm_vm *vm)
{
	return READ_ONCE(*(unsigned long *)addr_gva2hva(vm, (gva_t)&l1_vmruns));
}

/* Tells @vm's L1 to stop after its current VMRUN. */
static void stop_l2_loop(struct kvm_vm *vm)
{
	*(bool *)addr_gva2hva(vm, (gva_t)&stop_l1) = true;
}

#endif /* SELFTEST_NESTVIRT_L2_LOOP_H */
