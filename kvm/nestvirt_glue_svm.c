// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt glue built into kvm-amd.ko: the common attach point plus what
 * the SVM checks need to know about L1.
 */
#define NESTVIRT_BACKEND NESTVIRT_BACKEND_SVM
#include "nestvirt_glue.c"

#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "cpuid.h"
#include "msrs.h"
#include "regs.h"
#include "svm/svm.h"
#include "nestvirt_glue_svm_tags.h"

/*
 * Per vCPU, allocated with nested SVM: nestvirt's view of vmcb12 and the
 * verdicts the glue may replay.
 */
struct nestvirt_svm_state {
	/*
	 * KVM's vmcb12 caches laid out as a VMCB (struct vmcb's control and
	 * save areas): what the last check saw.
	 */
	struct vmcb_control_area control;
	struct vmcb_save_area save;
	/* The VMRUN check of the image above. */
	struct nestvirt_memo vmrun;
	/* The vmcb02 check of the image above and of these intercepts. */
	struct nestvirt_memo vmcb02;
	u32 vmcb02_intercepts[NESTVIRT_SVM_INTERCEPT_WORDS];
	/*
	 * What L1 may use (NESTVIRT_SVM_F_*), kept once the vCPU has run:
	 * KVM then refuses any CPUID change (kvm_set_cpuid()).
	 */
	u64 l1_features;
	bool l1_features_kept;
	/* nestvirt's ASID mapping (nestvirt_glue_svm_tags.c). */
	struct nestvirt_svm_tags tags;
};

/* The image nestvirt.ko's engine reads (its VMCB_USED): a struct vmcb's start. */
static_assert(offsetof(struct nestvirt_svm_state, save) == offsetof(struct vmcb, save));
static_assert(offsetof(struct nestvirt_svm_state, vmrun) == NESTVIRT_VMCB12_BYTES);
static_assert(NESTVIRT_VMCB12_BYTES == 1768);
static_assert(MAX_INTERCEPT == NESTVIRT_SVM_INTERCEPT_WORDS);

static void __nestvirt_svm_l1_features(struct kvm_vcpu *vcpu,
				       struct nestvirt_svm_state *img);

/* What L1 may use, in @img, unless kept there already. */
static __always_inline void nestvirt_svm_l1_features(struct kvm_vcpu *vcpu,
						     struct nestvirt_svm_state *img)
{
	if (unlikely(!img->l1_features_kept))
		__nestvirt_svm_l1_features(vcpu, img);
}

/*
 * Test only: the next N per-vCPU allocations fail as a failed kzalloc()
 * would, so that a test can prove that nestvirt then fails nested entries
 * closed (selftests/run-in-guest.sh, fail_closed_without_state). The test
 * kernel has no fault injection; this reaches the one allocation exactly.
 */
static unsigned int nestvirt_test_fail_alloc;
module_param(nestvirt_test_fail_alloc, uint, 0600);
MODULE_PARM_DESC(nestvirt_test_fail_alloc,
		 "Test only: fail the next N per-vCPU nestvirt state allocations (nestvirt then fails each nested entry that finds no state while any class enforces). Default 0.");

/*
 * Test only: the next N vmcb02 checks see vmcb02 without its VMRUN
 * intercept (vmcb02 itself is not touched), so that a test can prove what
 * a failing vmcb02 check does where KVM never builds a failing vmcb02:
 * a restore is refused before anything changes (hook patch 0008).
 */
static unsigned int nestvirt_test_vmcb02_drop_vmrun;
module_param(nestvirt_test_vmcb02_drop_vmrun, uint, 0600);
MODULE_PARM_DESC(nestvirt_test_vmcb02_drop_vmrun,
		 "Test only: the next N nestvirt vmcb02 checks see vmcb02 without its VMRUN intercept (vmcb02 is unchanged). Default 0.");

/*
 * The vCPU's nestvirt state, allocated by the first nested entry nestvirt
 * checks rather than with the nested state, so that a hooked module that
 * never had nestvirt attached allocates nothing KVM does not. NULL when the
 * allocation failed: the entry then reaches nestvirt without state, which
 * fails it in every enforced class; the next entry tries again. Nested
 * entries run in process context, where GFP_KERNEL may sleep.
 */
static struct nestvirt_svm_state *nestvirt_svm_state(struct vcpu_svm *svm)
{
	unsigned int fail;

	if (likely(svm->nested.nestvirt))
		return svm->nested.nestvirt;
	fail = READ_ONCE(nestvirt_test_fail_alloc);
	if (unlikely(fail)) {
		WRITE_ONCE(nestvirt_test_fail_alloc, fail - 1);
		return NULL;
	}
	/* Zeroed: no memo holds (gen 0), no features kept. */
	svm->nested.nestvirt = kzalloc(sizeof(*svm->nested.nestvirt),
				       GFP_KERNEL_ACCOUNT);
	return svm->nested.nestvirt;
}

static void nestvirt_svm_tags_free(struct nestvirt_svm_tags *t);

void nestvirt_svm_free(struct vcpu_svm *svm)
{
	if (svm->nested.nestvirt)
		nestvirt_svm_tags_free(&svm->nested.nestvirt->tags);
	kfree(svm->nested.nestvirt);
	svm->nested.nestvirt = NULL;
}

/* nestvirt_dispatch_verdict() for a caller that needs only pass or fail. */
static bool nestvirt_dispatch(struct kvm_vcpu *vcpu,
			      struct nestvirt_entry *entry,
			      struct nestvirt_memo *memo)
{
	struct nestvirt_verdict verdict = {};

	return nestvirt_dispatch_verdict(vcpu, entry, memo, &verdict);
}

/*
 * The entry for @state (@state_size bytes at @state_gpa in L1, NULL when
 * there is no copy), handed to nestvirt by nestvirt_dispatch().
 */
static bool nestvirt_dispatch_state(struct kvm_vcpu *vcpu, const void *state,
				    u32 state_size, u64 state_gpa, u32 source,
				    bool kvm_ok, const u32 *vmcb02_intercepts,
				    struct nestvirt_memo *memo)
{
	struct nestvirt_entry entry = {
		.state = state,
		.state_gpa = state_gpa,
		.state_size = state ? state_size : 0,
		.source = source,
		.kvm_verdict = kvm_ok ? 0 : 1,
		.vmcb02_intercepts = vmcb02_intercepts,
	};

	return nestvirt_dispatch(vcpu, &entry, memo);
}

/*
 * Stores @val in the image field @field, noting in @changed whether the
 * field held another value: every field the checks read goes through it,
 * so an unchanged image is one the last check saw, value by value.
 */
#define NV_FILL(field, val) do {				\
	typeof(field) __nv_val = (val);				\
								\
	changed |= (field) != __nv_val;				\
	(field) = __nv_val;					\
} while (0)

static_assert(MAX_INTERCEPT % 2 == 0);

/* Copies intercept words; returns whether one changed. */
static bool nestvirt_copy_intercepts(u32 *dst, const u32 *src)
{
	/* Two words at a time: this runs twice on every VMRUN. */
	u64 *d = (u64 *)dst, diff = 0;
	const u64 *s = (const u64 *)src;
	int i;

	for (i = 0; i < MAX_INTERCEPT / 2; i++) {
		diff |= d[i] ^ s[i];
		d[i] = s[i];
	}
	return diff;
}

/* NV_FILL for an array of intercept words. */
#define NV_FILL_INTERCEPTS(field, val) \
	(changed |= nestvirt_copy_intercepts(field, val))

/*
 * Stores the fields the vmcb02 check reads (the engine's
 * svm::VMCB02_FIELDS_READ, which its tests compare with this function) in
 * the image. Returns whether one of them changed.
 */
static bool nestvirt_svm_fill_vmcb02_fields(struct nestvirt_svm_state *img,
					    const struct vmcb_ctrl_area_cached *ctl)
{
	bool changed = false;

	NV_FILL_INTERCEPTS(img->control.intercepts, ctl->intercepts);
	NV_FILL(img->control.misc_ctl, ctl->nestvirt_raw.misc_ctl);
	NV_FILL(img->control.misc_ctl2, ctl->misc_ctl2);
	return changed;
}

/* No memo of the image holds any more: a field it was taken for changed. */
static void nestvirt_svm_forget(struct nestvirt_svm_state *img)
{
	img->vmrun.gen = 0;
	img->vmcb02.gen = 0;
}

/*
 * Lays KVM's vmcb12 caches out as a VMCB in the vCPU's image: the fields
 * nestvirt's checks read (the engine's svm::FIELDS_READ, which its tests
 * compare with this function), no other. The masked fields come raw, as L1
 * wrote them: nestvirt checks the reserved bits KVM drops. When a field
 * changed, the VMRUN check's memo no longer holds, and the vmcb02 check's
 * only if the field is one that check reads.
 */
static struct nestvirt_svm_state *
nestvirt_svm_image(struct vcpu_svm *svm,
		   const struct vmcb_ctrl_area_cached *ctl,
		   const struct vmcb_save_area_cached *save)
{
	struct nestvirt_svm_state *img = nestvirt_svm_state(svm);
	bool changed = false;

	if (!img)
		return NULL;
	nestvirt_svm_l1_features(&svm->vcpu, img);
	/* The vmcb02 check reads these only: they alone void its memo. */
	if (nestvirt_svm_fill_vmcb02_fields(img, ctl))
		nestvirt_svm_forget(img);
	NV_FILL(img->control.iopm_base_pa, ctl->iopm_base_pa);
	NV_FILL(img->control.msrpm_base_pa, ctl->msrpm_base_pa);
	NV_FILL(img->control.asid, ctl->asid);
	NV_FILL(img->control.tlb_ctl, ctl->nestvirt_raw.tlb_ctl);
	NV_FILL(img->control.erap_ctl, ctl->erap_ctl);
	NV_FILL(img->control.int_ctl, ctl->int_ctl);
	NV_FILL(img->control.int_vector, ctl->nestvirt_raw.int_vector);
	NV_FILL(img->control.event_inj, ctl->nestvirt_raw.event_inj);
	NV_FILL(img->control.nested_cr3, ctl->nested_cr3);
	NV_FILL(img->save.cs.selector, save->cs.selector);
	NV_FILL(img->save.cs.attrib, save->cs.attrib);
	NV_FILL(img->save.cs.limit, save->cs.limit);
	NV_FILL(img->save.cs.base, save->cs.base);
	NV_FILL(img->save.efer, save->efer);
	NV_FILL(img->save.cr4, save->cr4);
	NV_FILL(img->save.cr3, save->cr3);
	NV_FILL(img->save.cr0, save->cr0);
	NV_FILL(img->save.dr7, save->dr7);
	NV_FILL(img->save.dr6, save->dr6);
	NV_FILL(img->save.s_cet, save->s_cet);
	NV_FILL(img->save.g_pat, save->g_pat);
	if (changed)
		img->vmrun.gen = 0;
	return img;
}

bool __nestvirt_svm_entry(struct kvm_vcpu *vcpu,
			  const struct vmcb_ctrl_area_cached *ctl,
			  const struct vmcb_save_area_cached *save,
			  u64 vmcb12_gpa, u32 source, bool kvm_ok)
{
	struct nestvirt_svm_state *img = nestvirt_svm_image(to_svm(vcpu), ctl, save);
	/*
	 * Only a VMRUN KVM accepted is replayed: nestvirt counts the others
	 * (RSM, restored state, KVM's rejections) on their own.
	 */
	struct nestvirt_memo *memo = img && source == NESTVIRT_ENTRY_VMRUN &&
				     kvm_ok ? &img->vmrun : NULL;

	if (memo && nestvirt_replay(vcpu, memo, vmcb12_gpa,
				    &nestvirt_replays.entries))
		return false;

	return nestvirt_dispatch_state(vcpu, img, NESTVIRT_VMCB12_BYTES,
				       vmcb12_gpa, source, kvm_ok, NULL, memo);
}

/*
 * The vmcb02 check: L2 runs on a vmcb02 with @vmcb02_intercepts for the
 * vmcb12 controls @ctl (after VMRUN the vCPU's caches, on a restore the
 * restored ones).
 */
static bool nestvirt_svm_check_vmcb02(struct kvm_vcpu *vcpu,
				      const struct vmcb_ctrl_area_cached *ctl,
				      const u32 *vmcb02_intercepts, u64 vmcb12_gpa)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct nestvirt_svm_state *img = svm->nested.nestvirt;
	u32 dropped[MAX_INTERCEPT];
	unsigned int drop = READ_ONCE(nestvirt_test_vmcb02_drop_vmrun);
	bool changed = false;

	if (unlikely(drop)) {
		WRITE_ONCE(nestvirt_test_vmcb02_drop_vmrun, drop - 1);
		memcpy(dropped, vmcb02_intercepts, sizeof(dropped));
		dropped[INTERCEPT_VMRUN / 32] &= ~BIT(INTERCEPT_VMRUN % 32);
		vmcb02_intercepts = dropped;
	}

	if (img) {
		/*
		 * The fields this check reads, again from the caches vmcb02
		 * was built from: nestvirt may have attached since this
		 * entry's vmcb12 hook ran, which then computed no features
		 * either. It reads no other field of the image.
		 */
		nestvirt_svm_l1_features(vcpu, img);
		if (nestvirt_svm_fill_vmcb02_fields(img, ctl))
			nestvirt_svm_forget(img);
		/* vmcb02's intercepts only matter to this check's memo. */
		NV_FILL_INTERCEPTS(img->vmcb02_intercepts, vmcb02_intercepts);
		if (changed)
			img->vmcb02.gen = 0;
		if (nestvirt_replay(vcpu, &img->vmcb02, vmcb12_gpa,
				    &nestvirt_replays.vmcb02_checks))
			return false;
	}

	return nestvirt_dispatch_state(vcpu, img, NESTVIRT_VMCB12_BYTES,
				       vmcb12_gpa, NESTVIRT_ENTRY_VMCB02, true,
				       vmcb02_intercepts,
				       img ? &img->vmcb02 : NULL);
}

bool __nestvirt_svm_vmcb02(struct kvm_vcpu *vcpu, u64 vmcb12_gpa)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	return nestvirt_svm_check_vmcb02(vcpu, &svm->nested.ctl,
					 svm->nested.vmcb02.ptr->control.intercepts,
					 vmcb12_gpa);
}

bool __nestvirt_svm_restored_vmcb02(struct kvm_vcpu *vcpu,
				    const struct vmcb_ctrl_area_cached *ctl,
				    const u32 *vmcb02_intercepts, u64 vmcb12_gpa)
{
	return nestvirt_svm_check_vmcb02(vcpu, ctl, vmcb02_intercepts, vmcb12_gpa);
}

#undef NV_FILL_INTERCEPTS
#undef NV_FILL

/*
 * A feature is reported when KVM accepts the state it governs: EFER bits as
 * kvm_valid_efer() decides, CR4 bits as __kvm_is_valid_cr4() decides, the
 * rest as L1's CPUID says. Reporting a feature KVM would refuse only makes
 * nestvirt laxer than KVM (which still refuses); omitting one KVM accepts
 * would make nestvirt reject a valid L2, so when in doubt, report.
 *
 * The EFER and CR4 answers depend only on L1's CPUID: the result is kept
 * once the CPUID can no longer change (__nestvirt_svm_l1_features()), not
 * recomputed on every VMRUN.
 */
static u64 nestvirt_svm_features(struct kvm_vcpu *vcpu)
{
	u64 f = 0;

#define NV_IF(bit, cond) do { if (cond) f |= BIT_ULL(NESTVIRT_SVM_F_##bit); } while (0)
#define NV_CPUID(bit, feature) NV_IF(bit, guest_cpu_cap_has(vcpu, X86_FEATURE_##feature))
#define NV_EFER(bit, efer) NV_IF(bit, kvm_valid_efer(vcpu, efer))
#define NV_CR4(bit, cr4) NV_IF(bit, __kvm_is_valid_cr4(vcpu, cr4))
	NV_CPUID(LM, LM);
	NV_EFER(NX, EFER_NX);
	NV_EFER(FFXSR, EFER_FFXSR);
	NV_EFER(LMSLE, EFER_LMSLE);
	NV_EFER(TCE, EFER_TCE);
	NV_EFER(AUTOIBRS, EFER_AUTOIBRS);
	NV_CR4(XSAVE, X86_CR4_OSXSAVE);
	NV_CR4(SMEP, X86_CR4_SMEP);
	NV_CR4(SMAP, X86_CR4_SMAP);
	NV_CR4(FSGSBASE, X86_CR4_FSGSBASE);
	NV_CR4(PKU, X86_CR4_PKE);
	NV_CR4(LA57, X86_CR4_LA57);
	NV_CR4(UMIP, X86_CR4_UMIP);
	NV_CR4(VMX, X86_CR4_VMXE);
	NV_CR4(PCID, X86_CR4_PCIDE);
	NV_CR4(LAM, X86_CR4_LAM_SUP);
	NV_IF(SHSTK, guest_cpu_cap_has(vcpu, X86_FEATURE_SHSTK) ||
		     __kvm_is_valid_cr4(vcpu, X86_CR4_CET));
	NV_IF(IBT, guest_cpu_cap_has(vcpu, X86_FEATURE_IBT) ||
		   __kvm_is_valid_cr4(vcpu, X86_CR4_CET));
	NV_CPUID(SEV_ES, SEV_ES);
	NV_CPUID(NPT, NPT);
	NV_CPUID(FLUSHBYASID, FLUSHBYASID);
	NV_CPUID(VGIF, VGIF);
	NV_CPUID(VNMI, VNMI);
	NV_CPUID(LBRV, LBRV);
	NV_CPUID(V_VMSAVE_VMLOAD, V_VMSAVE_VMLOAD);
	NV_CPUID(AVIC, AVIC);
	NV_CPUID(X2AVIC, X2AVIC);
	NV_CPUID(GMET, GMET);
	NV_CPUID(ERAPS, ERAPS);
	NV_CPUID(INVPCID, INVPCID);
	NV_CPUID(RDTSCP, RDTSCP);
	NV_CPUID(SKINIT, SKINIT);
	NV_CPUID(RDPRU, RDPRU);
#undef NV_CR4
#undef NV_EFER
#undef NV_CPUID
#undef NV_IF
	return f;
}

/*
 * What L1 may use, for the checks of @img: computed by each entry that
 * lays out the image until it is final (nestvirt_l1_model_final()), then
 * kept. Out of line: the replayed entries never get here.
 */
static noinline void __nestvirt_svm_l1_features(struct kvm_vcpu *vcpu,
						struct nestvirt_svm_state *img)
{
	img->l1_features = nestvirt_svm_features(vcpu);
	img->l1_features_kept = nestvirt_l1_model_final(vcpu);
}

static __always_inline void nestvirt_fill_l1(struct kvm_vcpu *vcpu,
					     union nestvirt_l1 *l1)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct nestvirt_svm_state *img = svm->nested.nestvirt;

	/*
	 * Without state there is nothing to check; with it, the entry that
	 * laid out the image (this VMRUN's, for its vmcb02 check) computed
	 * the features.
	 */
	l1->svm.features = img ? img->l1_features : 0;
	l1->svm.hsave_pa = svm->nested.hsave_msr;
	l1->svm.maxphyaddr = cpuid_maxphyaddr(vcpu);
	/*
	 * L1's CPL is vmcb01's: at VMRUN that is still the current VMCB, but
	 * by the vmcb02 check svm->vmcb is vmcb02 and its CPL is L2's.
	 */
	l1->svm.cpl = svm->vmcb01.ptr->save.cpl;
}

/* nestvirt's state ioctls: KVM_GET_NESTED_STATE's function. */
static int nestvirt_get_state(struct kvm_vcpu *vcpu, void *buf, u32 size)
{
	return svm_get_nested_state_to(vcpu, KERNEL_SOCKPTR(buf), size);
}

/*
 * KVM_SET_NESTED_STATE's function, with the one check it makes only after
 * it changed the vCPU made before: svm_set_nested_state() leaves the vCPU
 * in guest mode on vmcb02 when nested_svm_load_cr3() then refuses the
 * vCPU's CR3. Every other refusal of it comes before any change.
 */
static int nestvirt_set_state(struct kvm_vcpu *vcpu, void *buf,
			      struct kvm_nested_state *header)
{
	if ((header->flags & KVM_STATE_NESTED_GUEST_MODE) &&
	    !kvm_vcpu_is_legal_cr3(vcpu, vcpu->arch.cr3))
		return -EINVAL;
	return svm_set_nested_state_from(vcpu, KERNEL_SOCKPTR(buf), header);
}

/*
 * What L1 may use, as for a nested entry, with the features computed now:
 * the nested entries' copy may be unset (no entry yet) or not yet final.
 */
static void nestvirt_state_l1(struct kvm_vcpu *vcpu,
			      struct nestvirt_state_call *call)
{
	nestvirt_fill_l1(vcpu, &call->l1);
	call->l1.svm.features = nestvirt_svm_features(vcpu);
}

#include "nestvirt_glue_svm_tags.c"
