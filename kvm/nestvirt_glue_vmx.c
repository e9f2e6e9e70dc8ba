// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt glue built into kvm-intel.ko: the common attach point, what the
 * VMX checks need to know about L1, and where their verdict is applied.
 *
 * The SDM checks a VM entry in three steps, each failing its own way: the
 * controls (VMfailValid 7), the host state (VMfailValid 8), then the guest
 * state (VM exit 33 with the entry-failure bit). nestvirt sees the entry
 * once KVM's control and host checks decided, and answers the first two
 * there (nestvirt_vmx_entry()); a guest-state failure it enforces waits
 * for the point where KVM checks the guest state, which is after KVM
 * switched to vmcs02, so the exit takes KVM's own path for exit 33.
 */
#define NESTVIRT_BACKEND NESTVIRT_BACKEND_VMX
#include "nestvirt_glue.c"

#include "cpuid.h"
#include "x86.h"
#include "msrs.h"
#include "pmu.h"
#include "regs.h"
#include "smm.h"
#include "vmx/nested.h"
#include "vmx/vmx.h"
#include "nestvirt_glue_vmx_tags.h"

/* The union is per-backend; VMX's env is set by the caller, see below. */
static __always_inline void nestvirt_fill_l1(struct kvm_vcpu *vcpu,
					     union nestvirt_l1 *l1)
{
}

static_assert(MSR_IA32_VMX_BASIC + NESTVIRT_VMX_CAP_MSRS - 1 ==
	      MSR_IA32_VMX_PROCBASED_CTLS3);
static_assert(VMCS12_SIZE == 4096);

/*
 * IA32_EFER bits L1 may set: kvm_valid_efer() asked bit by bit, for the
 * bits KVM supports at all (it refuses every other one first).
 */
static u64 nestvirt_vmx_efer_allowed(struct kvm_vcpu *vcpu)
{
	unsigned long supported = kvm_caps.supported_efer_bits;
	u64 allowed = 0;
	int bit;

	for_each_set_bit(bit, &supported, BITS_PER_LONG)
		if (kvm_valid_efer(vcpu, BIT_ULL(bit)))
			allowed |= BIT_ULL(bit);
	return allowed;
}

/*
 * nestvirt's per-vCPU state in kvm-intel (vmx->nested.nestvirt). @model is
 * the part of the env that follows from L1's CPUID and feature MSRs only,
 * kept (@model_kept) once those are final (nestvirt_l1_model_final()).
 * @memo is nestvirt.ko's scratch (struct nestvirt_vmx_l1), opaque here.
 */
struct nestvirt_vmx_state {
	struct nestvirt_vmx_env model;
	bool model_kept;
	u64 memo[NESTVIRT_VMX_MEMO_BYTES / sizeof(u64)];
	/* nestvirt's VPID mapping (nestvirt_glue_vmx_tags.c). */
	struct nestvirt_vmx_tags tags;
};

static_assert(NESTVIRT_VMX_MEMO_BYTES % sizeof(u64) == 0);

/*
 * The env's fields that depend only on L1's CPUID and feature MSRs (the
 * VMX capability MSRs, IA32_PERF_CAPABILITIES): everything but the VMCS
 * pointer, L1's mode and the quirk-dependent DEBUGCTL bit.
 */
static void nestvirt_vmx_fill_model(struct kvm_vcpu *vcpu,
				    struct nestvirt_vmx_env *env)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	int i;

	memset(env, 0, sizeof(*env));
	/* An MSR KVM does not offer L1 stays 0: nothing may be set. */
	for (i = 0; i < NESTVIRT_VMX_CAP_MSRS; i++)
		vmx_get_vmx_msr(&vmx->nested.msrs, MSR_IA32_VMX_BASIC + i,
				&env->caps[i]);
	env->efer_allowed = nestvirt_vmx_efer_allowed(vcpu);
	env->debugctl_allowed = vmx_get_supported_debugctl(vcpu, false) |
				DEBUGCTLMSR_BTF | DEBUGCTLMSR_LBR;
	env->perf_global_ctrl_allowed = ~vcpu_to_pmu(vcpu)->global_ctrl_rsvd;
	if (guest_cpu_cap_has(vcpu, X86_FEATURE_SHSTK))
		env->features |= BIT(NESTVIRT_VMX_F_SHSTK);
	if (guest_cpu_cap_has(vcpu, X86_FEATURE_IBT))
		env->features |= BIT(NESTVIRT_VMX_F_IBT);
	if (guest_cpu_cap_has(vcpu, X86_FEATURE_LAM))
		env->features |= BIT(NESTVIRT_VMX_F_LAM);
	if (guest_cpu_cap_has(vcpu, X86_FEATURE_RTM))
		env->features |= BIT(NESTVIRT_VMX_F_RTM);
	if (guest_cpu_cap_has(vcpu, X86_FEATURE_SGX))
		env->features |= BIT(NESTVIRT_VMX_F_SGX);
	env->maxphyaddr = cpuid_maxphyaddr(vcpu);
	env->linear_address_bits =
		guest_cpu_cap_has(vcpu, X86_FEATURE_LA57) ? 57 : 48;
}

/* The env's fields that may change at any time. */
static void nestvirt_vmx_fill_now(struct kvm_vcpu *vcpu,
				  struct nestvirt_vmx_env *env)
{
	/* A VM-wide quirk, which userspace may change at any time. */
	if (kvm_check_has_quirk(vcpu->kvm, KVM_X86_QUIRK_VMCS12_ALLOW_FREEZE_IN_SMM))
		env->debugctl_allowed |= DEBUGCTLMSR_FREEZE_IN_SMM;
	env->current_vmptr = to_vmx(vcpu)->nested.current_vmptr;
}

/*
 * What the checks need beyond @vmcs12, from KVM's model of L1. A check KVM
 * makes against the same model agrees with nestvirt's by construction; a
 * fact nestvirt would have to read from L1's memory (the shadow VMCS
 * header, the virtual-APIC page, the PDPTEs) is not given, and the checks
 * that need it do not run. The part that follows from L1's CPUID and
 * feature MSRs comes from @state once kept there (else it is computed for
 * this entry, as before the vCPU's first run); the rest is read each time.
 */
static void nestvirt_vmx_fill_env(struct kvm_vcpu *vcpu,
				  const struct vmcs12 *vmcs12, u32 source,
				  struct nestvirt_vmx_state *state,
				  struct nestvirt_vmx_env *env)
{
	bool restored = source == NESTVIRT_ENTRY_SET_STATE ||
			source == NESTVIRT_ENTRY_RSM;

	if (likely(state && state->model_kept)) {
		*env = state->model;
	} else {
		nestvirt_vmx_fill_model(vcpu, env);
		if (state && nestvirt_l1_model_final(vcpu)) {
			state->model = *env;
			state->model_kept = true;
		}
	}
	nestvirt_vmx_fill_now(vcpu, env);
	/*
	 * The host address-space-size check compares the VM-exit control with
	 * the CPU that executes VMLAUNCH. Restored state was entered by no
	 * instruction (and KVM does not make that check on it): take the
	 * control's own value, which makes the check hold.
	 */
	env->l1_efer_lma = restored ?
		!!(vmcs12->vm_exit_controls & VM_EXIT_HOST_ADDR_SPACE_SIZE) :
		is_long_mode(vcpu);
	env->in_smm = !restored && is_smm(vcpu);
}

/*
 * The vCPU's state, allocated on the first check without sleeping, so that
 * no entry path this glue hooks is made to sleep; without it, nestvirt
 * computes the env for each entry and checks in full. Freed with the
 * nested state (free_nested()).
 */
static struct nestvirt_vmx_state *nestvirt_vmx_state(struct vcpu_vmx *vmx)
{
	if (!vmx->nested.nestvirt)
		vmx->nested.nestvirt =
			kzalloc(sizeof(*vmx->nested.nestvirt),
				GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN);
	return vmx->nested.nestvirt;
}

static void nestvirt_vmx_tags_free(struct vcpu_vmx *vmx,
				   struct nestvirt_vmx_tags *t);

void nestvirt_vmx_free(struct vcpu_vmx *vmx)
{
	if (vmx->nested.nestvirt)
		nestvirt_vmx_tags_free(vmx, &vmx->nested.nestvirt->tags);
	kfree(vmx->nested.nestvirt);
	vmx->nested.nestvirt = NULL;
}

/*
 * The verdict on @vmcs12; returns true when nestvirt fails the entry. @gen
 * is the policy generation the caller read before the call, which the
 * memo is kept under.
 */
static bool nestvirt_vmx_check(struct kvm_vcpu *vcpu,
			       const struct vmcs12 *vmcs12, u32 source,
			       u32 kvm_error, u64 gen,
			       struct nestvirt_verdict *verdict)
{
	struct nestvirt_vmx_state *state = nestvirt_vmx_state(to_vmx(vcpu));
	struct nestvirt_vmx_env env;
	struct nestvirt_entry entry = {
		.state = vmcs12,
		.state_gpa = to_vmx(vcpu)->nested.current_vmptr,
		.state_size = VMCS12_SIZE,
		.source = source,
		.kvm_verdict = kvm_error,
	};

	nestvirt_vmx_fill_env(vcpu, vmcs12, source, state, &env);
	entry.l1.vmx.env = &env;
	entry.l1.vmx.memo_gen = gen;
	entry.l1.vmx.memo = state ? state->memo : NULL;
	return nestvirt_dispatch_verdict(vcpu, &entry, NULL, verdict);
}

u32 __nestvirt_vmx_entry(struct kvm_vcpu *vcpu, const struct vmcs12 *vmcs12,
			 u32 source, u32 kvm_error)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct nestvirt_verdict verdict = {};
	/*
	 * Before nestvirt reads its modes: a change during the check makes
	 * the kept failure stale rather than apply it under the new modes.
	 */
	u64 gen = atomic64_read_acquire(&nestvirt_policy_gen);

	/* A failure kept for an earlier entry never applies to this one. */
	vmx->nested.nestvirt_guest_fail.gen = 0;
	if (!nestvirt_vmx_check(vcpu, vmcs12, source, kvm_error, gen, &verdict))
		return kvm_error;
	/* nestvirt already chose between its error and KVM's. */
	if (verdict.vm_instruction_error)
		return verdict.vm_instruction_error;
	/* A guest-state failure comes after any KVM found. */
	if (kvm_error || verdict.exit_reason != EXIT_REASON_INVALID_STATE)
		return kvm_error;
	vmx->nested.nestvirt_guest_fail.qualification = verdict.exit_qualification;
	vmx->nested.nestvirt_guest_fail.gen = gen;
	return 0;
}

bool __nestvirt_vmx_guest_state(struct kvm_vcpu *vcpu,
				enum vm_entry_failure_code *code)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	u64 gen = vmx->nested.nestvirt_guest_fail.gen;

	vmx->nested.nestvirt_guest_fail.gen = 0;
	/* Taken under another attachment or other modes: it no longer holds. */
	if (!gen || gen != atomic64_read(&nestvirt_policy_gen))
		return false;
	*code = vmx->nested.nestvirt_guest_fail.qualification;
	return true;
}

bool __nestvirt_vmx_restored(struct kvm_vcpu *vcpu,
			     const struct vmcs12 *vmcs12, u32 source)
{
	struct nestvirt_verdict verdict = {};
	u64 gen = atomic64_read_acquire(&nestvirt_policy_gen);

	return nestvirt_vmx_check(vcpu, vmcs12, source, 0, gen, &verdict);
}

bool __nestvirt_vmx_msr_entry(struct kvm_vcpu *vcpu, u32 list, u64 gpa,
			      u32 i, const struct vmx_msr_entry *e,
			      int kvm_error, bool faulted)
{
	const struct nestvirt_hook_ops *ops;
	struct nestvirt_verdict verdict = {};
	struct nestvirt_msr_entry entry = {
		.list_gpa = gpa,
		.value = e->value,
		.list = list,
		.position = i + 1,
		.index = e->index,
		.reserved = e->reserved,
		.vcpu_id = vcpu->vcpu_id,
		.in_smm = is_smm(vcpu),
		.kvm_failed = kvm_error != 0,
		.faulted = faulted,
	};

	scoped_guard(preempt) {
		ops = rcu_dereference_sched(nestvirt_ops);
		if (ops && ops->msr_entry)
			ops->msr_entry(&entry, &verdict);
	}
	/* nestvirt can only add failures: KVM's stands in every mode. */
	return kvm_error || verdict.action == NESTVIRT_VERDICT_FAIL;
}

/* nestvirt's state ioctls: KVM_GET_NESTED_STATE's function. */
static int nestvirt_get_state(struct kvm_vcpu *vcpu, void *buf, u32 size)
{
	return vmx_get_nested_state_to(vcpu, KERNEL_SOCKPTR(buf), size);
}

/*
 * KVM_SET_NESTED_STATE's function. vmx_set_nested_state() leaves VMX
 * operation (vmx_leave_nested()) before its later checks: nestvirt makes
 * those of them that depend on the state alone before the call (the
 * container checks and, in its enforced classes, the catalogue), but an
 * allocation failure, or a check of a class nestvirt does not enforce that
 * KVM's own code fails, leaves the vCPU as KVM leaves it
 * (Documentation/nestvirt/api.rst, NESTVIRT_SET_STATE).
 */
static int nestvirt_set_state(struct kvm_vcpu *vcpu, void *buf,
			      struct kvm_nested_state *header)
{
	return vmx_set_nested_state_from(vcpu, KERNEL_SOCKPTR(buf), header);
}

/* What L1 may use, as a nested entry's env gives it. */
static void nestvirt_state_l1(struct kvm_vcpu *vcpu,
			      struct nestvirt_state_call *call)
{
	struct nestvirt_vmx_env *env = &call->env;

	nestvirt_vmx_fill_model(vcpu, env);
	nestvirt_vmx_fill_now(vcpu, env);
	env->l1_efer_lma = is_long_mode(vcpu);
	env->in_smm = is_smm(vcpu);
	call->l1.vmx.env = env;
}

#include "nestvirt_glue_vmx_tags.c"
