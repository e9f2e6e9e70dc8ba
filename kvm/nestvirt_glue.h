/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nestvirt glue inside a hooked KVM vendor module (kvm-amd, kvm-intel).
 * Included by the files nestvirt's patch series touches; never by nestvirt.ko.
 */
#ifndef _NESTVIRT_GLUE_H
#define _NESTVIRT_GLUE_H

#include <linux/jump_label.h>
#include <linux/kvm_host.h>
#include <asm/svm.h>
#include <nestvirt/hooks.h>

DECLARE_STATIC_KEY_FALSE(nestvirt_hooks_key);

/* Whether nestvirt.ko is attached; free (a patched jump) when it is not. */
static __always_inline bool nestvirt_attached(void)
{
	return static_branch_unlikely(&nestvirt_hooks_key);
}

/*
 * nSVM's vmcb12 as nestvirt reads it: the control area and the save area,
 * laid out as in the VMCB.
 */
#define NESTVIRT_VMCB12_BYTES \
	(offsetof(struct vmcb, save) + sizeof(struct vmcb_save_area))

struct vmcb_ctrl_area_cached;
struct vmcb_save_area_cached;
struct vcpu_svm;

/*
 * A verdict the glue may replay, with the inputs it depended on besides
 * the state, which its owner compares on its own (see nestvirt_glue.c).
 */
struct nestvirt_memo {
	u64 gen;		/* nestvirt_policy_gen it holds for; 0: none */
	u64 state_gpa;
	union nestvirt_l1 l1;
};

bool __nestvirt_nested_entry(struct kvm_vcpu *vcpu, const void *state,
			     u32 state_size, u64 state_gpa, u32 source,
			     bool kvm_ok);

/*
 * kvm-amd: nestvirt's per-vCPU state, allocated and freed with nested SVM
 * (svm->nested.nestvirt; NULL when allocation failed: the hooks then see
 * no state).
 */
void nestvirt_svm_alloc(struct vcpu_svm *svm);
void nestvirt_svm_free(struct vcpu_svm *svm);

/* kvm-amd: L1's CPUID changed; recompute what nestvirt reports of it. */
void nestvirt_svm_after_set_cpuid(struct kvm_vcpu *vcpu);

/*
 * Tell nestvirt about a nested entry. @state is KVM's own copy of vmcb12 or
 * vmcs12, @state_size bytes (NULL when none could be made). Returns true
 * when nestvirt, in enforce mode, fails the entry; the caller then fails it the way KVM fails
 * its own checks. nestvirt can only add failures: an entry KVM rejects stays
 * rejected (@kvm_ok is for audit and statistics).
 */
static __always_inline bool nestvirt_nested_entry(struct kvm_vcpu *vcpu,
						  const void *state,
						  u32 state_size,
						  u64 state_gpa, u32 source,
						  bool kvm_ok)
{
	if (!nestvirt_attached())
		return false;
	return __nestvirt_nested_entry(vcpu, state, state_size, state_gpa,
				       source, kvm_ok);
}

bool __nestvirt_svm_entry(struct kvm_vcpu *vcpu,
			  const struct vmcb_ctrl_area_cached *ctl,
			  const struct vmcb_save_area_cached *save,
			  u64 vmcb12_gpa, u32 source, bool kvm_ok);

/*
 * kvm-amd: a nested entry from vmcb12, once KVM has cached it (@ctl, @save)
 * and run its own checks. nestvirt checks the cached values, never guest
 * memory. Returns true when nestvirt fails the entry.
 */
static __always_inline bool nestvirt_svm_entry(struct kvm_vcpu *vcpu,
				const struct vmcb_ctrl_area_cached *ctl,
				const struct vmcb_save_area_cached *save,
				u64 vmcb12_gpa, u32 source, bool kvm_ok)
{
	if (!nestvirt_attached())
		return false;
	return __nestvirt_svm_entry(vcpu, ctl, save, vmcb12_gpa, source, kvm_ok);
}

bool __nestvirt_svm_vmcb02(struct kvm_vcpu *vcpu, u64 vmcb12_gpa);

/*
 * kvm-amd: KVM built vmcb02 for the nested entry from vmcb12 and L2 has not
 * run yet; nestvirt checks the intercepts vmcb02 carries. Returns true when
 * nestvirt fails the entry.
 */
static __always_inline bool nestvirt_svm_vmcb02(struct kvm_vcpu *vcpu,
						u64 vmcb12_gpa)
{
	if (!nestvirt_attached())
		return false;
	return __nestvirt_svm_vmcb02(vcpu, vmcb12_gpa);
}

#endif /* _NESTVIRT_GLUE_H */
