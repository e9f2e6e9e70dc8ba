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
#include <asm/vmx.h>
#include <nestvirt/hooks.h>

DECLARE_STATIC_KEY_FALSE(nestvirt_hooks_key);
DECLARE_STATIC_KEY_FALSE(nestvirt_tags_key);

/* Whether nestvirt.ko is attached; free (a patched jump) when it is not. */
static __always_inline bool nestvirt_attached(void)
{
	return static_branch_unlikely(&nestvirt_hooks_key);
}

/*
 * Whether the attached nestvirt maps VPIDs/ASIDs (tags > 0); free when it
 * does not, so that the mapping's hooks cost nothing with tags=0.
 */
static __always_inline bool nestvirt_tags_on(void)
{
	return static_branch_unlikely(&nestvirt_tags_key);
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

/*
 * kvm-amd: frees nestvirt's per-vCPU state (svm->nested.nestvirt, which
 * the first nested entry nestvirt checks allocates) with nested SVM.
 */
void nestvirt_svm_free(struct vcpu_svm *svm);

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

bool __nestvirt_svm_restored_vmcb02(struct kvm_vcpu *vcpu,
				    const struct vmcb_ctrl_area_cached *ctl,
				    const u32 *vmcb02_intercepts, u64 vmcb12_gpa);

/*
 * kvm-amd: KVM_SET_NESTED_STATE restores guest mode with the vmcb12
 * controls @ctl, on a vmcb02 that will carry @vmcb02_intercepts; nothing
 * has changed yet. nestvirt checks them as it checks vmcb02 after VMRUN.
 * Returns true when nestvirt refuses the state.
 */
static __always_inline bool
nestvirt_svm_restored_vmcb02(struct kvm_vcpu *vcpu,
			     const struct vmcb_ctrl_area_cached *ctl,
			     const u32 *vmcb02_intercepts, u64 vmcb12_gpa)
{
	if (!nestvirt_attached())
		return false;
	return __nestvirt_svm_restored_vmcb02(vcpu, ctl, vmcb02_intercepts,
					      vmcb12_gpa);
}

bool __nestvirt_svm_tags_transition(struct kvm_vcpu *vcpu, bool entry);

/*
 * kvm-amd: a nested entry (@entry) or exit, where KVM flushes the TLB
 * because L1 and L2 share an ASID. Returns true when nestvirt maps the
 * vCPU's ASIDs (L1 and L2 on host ASIDs of their own) and has applied what
 * L1's TLB_CONTROL asks for: KVM's flush is not needed.
 */
static __always_inline bool nestvirt_svm_tags_transition(struct kvm_vcpu *vcpu,
							 bool entry)
{
	if (!nestvirt_tags_on())
		return false;
	return __nestvirt_svm_tags_transition(vcpu, entry);
}

struct svm_cpu_data;
bool __nestvirt_svm_tags_asid(struct vcpu_svm *svm, struct svm_cpu_data *sd);

/*
 * kvm-amd: before VMRUN, on this CPU (@sd). Returns true when nestvirt maps
 * the vCPU's ASIDs and has set svm->asid to the host ASID of L1, or of the
 * L2 tag that runs, taking a fresh one from KVM's allocator when needed.
 */
static __always_inline bool nestvirt_svm_tags_asid(struct vcpu_svm *svm,
						   struct svm_cpu_data *sd)
{
	if (!nestvirt_tags_on())
		return false;
	return __nestvirt_svm_tags_asid(svm, sd);
}

void __nestvirt_svm_tags_flush(struct kvm_vcpu *vcpu);

/*
 * kvm-amd: KVM flushes the vCPU's TLB (its current ASID). With nestvirt's
 * mapping, every host ASID of the vCPU gets flushed: L1's and each L2's.
 */
static __always_inline void nestvirt_svm_tags_flush(struct kvm_vcpu *vcpu)
{
	if (nestvirt_tags_on())
		__nestvirt_svm_tags_flush(vcpu);
}

struct vmcs12;
struct vcpu_vmx;

/* kvm-intel: frees nestvirt's per-vCPU memo with the nested state. */
void nestvirt_vmx_free(struct vcpu_vmx *vmx);

u32 __nestvirt_vmx_entry(struct kvm_vcpu *vcpu, const struct vmcs12 *vmcs12,
			 u32 source, u32 kvm_error);

/*
 * kvm-intel: VMLAUNCH (@launch) or VMRESUME of @vmcs12, KVM's cached copy,
 * once KVM's checks of the controls and the host state decided: @kvm_error
 * is the VM-instruction error KVM fails the entry with (7 or 8), 0 when
 * they passed. Returns the VM-instruction error the entry fails with:
 * KVM's, or nestvirt's when it is earlier in the SDM's check order (a
 * control failure before a host-state one). A guest-state failure
 * nestvirt enforces is reported later, by nestvirt_vmx_guest_state().
 * Detached, returns @kvm_error.
 */
static __always_inline u32 nestvirt_vmx_entry(struct kvm_vcpu *vcpu,
					      const struct vmcs12 *vmcs12,
					      bool launch, u32 kvm_error)
{
	if (!nestvirt_attached())
		return kvm_error;
	return __nestvirt_vmx_entry(vcpu, vmcs12,
				    launch ? NESTVIRT_ENTRY_VMLAUNCH
					   : NESTVIRT_ENTRY_VMRESUME,
				    kvm_error);
}

bool __nestvirt_vmx_guest_state(struct kvm_vcpu *vcpu,
				enum vm_entry_failure_code *code);

/*
 * kvm-intel: where KVM checks the guest state of a VM entry (after its own
 * check passed). Returns true, with the exit qualification in @code, when
 * nestvirt enforced a guest-state failure on this entry: the entry then
 * fails with VM exit 33 as for KVM's own.
 */
static __always_inline bool
nestvirt_vmx_guest_state(struct kvm_vcpu *vcpu, enum vm_entry_failure_code *code)
{
	if (!nestvirt_attached())
		return false;
	return __nestvirt_vmx_guest_state(vcpu, code);
}

bool __nestvirt_vmx_restored(struct kvm_vcpu *vcpu,
			     const struct vmcs12 *vmcs12, u32 source);

/*
 * kvm-intel: L2 state restored into guest mode without a VM entry
 * (@source: KVM_SET_NESTED_STATE or the return from SMM), after KVM's own
 * checks of it passed. Returns true when nestvirt fails it; the caller
 * fails it as for KVM's checks (-EINVAL, or a triple fault on RSM).
 */
static __always_inline bool nestvirt_vmx_restored(struct kvm_vcpu *vcpu,
						  const struct vmcs12 *vmcs12,
						  u32 source)
{
	if (!nestvirt_attached())
		return false;
	return __nestvirt_vmx_restored(vcpu, vmcs12, source);
}

bool __nestvirt_vmx_msr_entry(struct kvm_vcpu *vcpu, u32 list, u64 gpa,
			      u32 i, const struct vmx_msr_entry *e,
			      int kvm_error, bool faulted);

/*
 * kvm-intel: entry @i (0-based) of the MSR list @list at @gpa, as KVM read
 * it; @kvm_error is KVM's own check of it (0: passed). Returns true when
 * the entry fails: KVM's verdict, or nestvirt's in enforce mode. With
 * @faulted, the entry passed and KVM's WRMSR/RDMSR for it faulted: the
 * entry fails whatever this returns. Detached (or @list
 * NESTVIRT_MSR_NONE), KVM's verdict alone.
 */
static __always_inline bool
nestvirt_vmx_msr_entry(struct kvm_vcpu *vcpu, u32 list, u64 gpa, u32 i,
		       const struct vmx_msr_entry *e, int kvm_error,
		       bool faulted)
{
	if (!nestvirt_attached() || list == NESTVIRT_MSR_NONE)
		return kvm_error != 0;
	return __nestvirt_vmx_msr_entry(vcpu, list, gpa, i, e, kvm_error,
					faulted);
}

void __nestvirt_vmx_tags_entry(struct vcpu_vmx *vmx, struct vmcs12 *vmcs12);

/*
 * kvm-intel: a VM entry, vmcs02 loaded on this CPU and being prepared from
 * @vmcs12. With nestvirt's VPID mapping, vpid02 becomes the VPID of the
 * host tag vmcs12's VPID is mapped to (flushed first when it must be) and
 * vmcs02's VPID is written; KVM's last_vpid becomes vmcs12's VPID, so KVM
 * flushes nothing for a VPID that changed.
 */
static __always_inline void nestvirt_vmx_tags_entry(struct vcpu_vmx *vmx,
						    struct vmcs12 *vmcs12)
{
	if (nestvirt_tags_on())
		__nestvirt_vmx_tags_entry(vmx, vmcs12);
}

bool __nestvirt_vmx_tags_invvpid(struct vcpu_vmx *vmx, u32 type, u16 vpid,
				 int cpu);

/*
 * kvm-intel: L1's INVVPID of @type and @vpid, checked, on @cpu with
 * preemption off. Returns true when nestvirt maps the vCPU's VPIDs and has
 * flushed (or, vmcs02 last loaded elsewhere, will flush at the next VM
 * entry) the host tags INVVPID names; KVM then flushes nothing itself.
 */
static __always_inline bool nestvirt_vmx_tags_invvpid(struct vcpu_vmx *vmx,
						      u32 type, u16 vpid,
						      int cpu)
{
	if (!nestvirt_tags_on())
		return false;
	return __nestvirt_vmx_tags_invvpid(vmx, type, vpid, cpu);
}

#endif /* _NESTVIRT_GLUE_H */
