/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM state tests' guest: an L1 that runs the state tests' L2
 * (NV_STATE_L2, NV_STAGES stages; the includer defines NV_STAGES) until
 * its VMMCALL.
 */
#ifndef SELFTEST_NESTVIRT_SVM_STATE_GUEST_H
#define SELFTEST_NESTVIRT_SVM_STATE_GUEST_H

#include "svm_util.h"
#include "nestvirt_state_util.h"

NV_STATE_L2(nv_svm_l2, NV_STAGES, __asm__ __volatile__("vmmcall"))

static void nv_svm_l1(struct svm_test_data *svm)
{
	generic_svm_setup(svm, nv_svm_l2);
	run_guest(svm->vmcb, svm->vmcb_gpa);
	GUEST_ASSERT(svm->vmcb->control.exit_code == SVM_EXIT_VMMCALL);
	GUEST_DONE();
}

/* A VM whose vCPU runs that L1, not started. */
static inline struct kvm_vm *nv_svm_vm(struct kvm_vcpu **vcpu)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, nv_svm_l1);
	gva_t svm_gva;

	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(*vcpu, 1, svm_gva);
	return vm;
}

#endif /* SELFTEST_NESTVIRT_SVM_STATE_GUEST_H */
