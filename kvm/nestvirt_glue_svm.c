// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt glue built into kvm-amd.ko: the common attach point plus what
 * the SVM checks need to know about L1.
 */
#define NESTVIRT_BACKEND NESTVIRT_BACKEND_SVM
#include "nestvirt_glue.c"

#include "cpuid.h"
#include "msrs.h"
#include "regs.h"
#include "svm/svm.h"

/* The image size nestvirt.ko's engine expects (its VMCB_USED). */
static_assert(NESTVIRT_VMCB12_BYTES == 1768);

/*
 * Lays KVM's vmcb12 caches out as a VMCB in the vCPU's image page: the
 * fields nestvirt's checks read (the engine's svm::FIELDS_READ, which its
 * tests compare with this function), no other. The rest of the page keeps
 * whatever it held and is never read. The masked fields come raw, as L1
 * wrote them: nestvirt checks the reserved bits KVM drops.
 */
static const struct vmcb *
nestvirt_svm_image(struct vcpu_svm *svm,
		   const struct vmcb_ctrl_area_cached *ctl,
		   const struct vmcb_save_area_cached *save)
{
	struct vmcb *img = svm->nested.nestvirt_vmcb12;

	if (!img)
		return NULL;
	memcpy(img->control.intercepts, ctl->intercepts,
	       sizeof(ctl->intercepts));
	img->control.iopm_base_pa = ctl->iopm_base_pa;
	img->control.msrpm_base_pa = ctl->msrpm_base_pa;
	img->control.asid = ctl->asid;
	img->control.tlb_ctl = ctl->nestvirt_raw.tlb_ctl;
	img->control.erap_ctl = ctl->erap_ctl;
	img->control.int_ctl = ctl->int_ctl;
	img->control.int_vector = ctl->nestvirt_raw.int_vector;
	img->control.misc_ctl = ctl->nestvirt_raw.misc_ctl;
	img->control.event_inj = ctl->nestvirt_raw.event_inj;
	img->control.nested_cr3 = ctl->nested_cr3;
	img->control.misc_ctl2 = ctl->misc_ctl2;
	img->save.cs = save->cs;
	img->save.efer = save->efer;
	img->save.cr4 = save->cr4;
	img->save.cr3 = save->cr3;
	img->save.cr0 = save->cr0;
	img->save.dr7 = save->dr7;
	img->save.dr6 = save->dr6;
	img->save.s_cet = save->s_cet;
	img->save.g_pat = save->g_pat;
	return img;
}

bool __nestvirt_svm_entry(struct kvm_vcpu *vcpu,
			  const struct vmcb_ctrl_area_cached *ctl,
			  const struct vmcb_save_area_cached *save,
			  u64 vmcb12_gpa, u32 source, bool kvm_ok)
{
	return __nestvirt_nested_entry(vcpu,
				       nestvirt_svm_image(to_svm(vcpu), ctl, save),
				       NESTVIRT_VMCB12_BYTES, vmcb12_gpa,
				       source, kvm_ok);
}

static_assert(MAX_INTERCEPT == NESTVIRT_SVM_INTERCEPT_WORDS);

bool __nestvirt_svm_vmcb02(struct kvm_vcpu *vcpu, u64 vmcb12_gpa)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	/*
	 * The image is laid out again from the caches vmcb02 was built from:
	 * nestvirt may have attached since this entry's vmcb12 hook ran.
	 */
	const struct vmcb *img = nestvirt_svm_image(svm, &svm->nested.ctl,
						    &svm->nested.save);
	struct nestvirt_entry entry = {
		.state = img,
		.state_gpa = vmcb12_gpa,
		.state_size = img ? NESTVIRT_VMCB12_BYTES : 0,
		.source = NESTVIRT_ENTRY_VMCB02,
		.vmcb02_intercepts = svm->nested.vmcb02.ptr->control.intercepts,
	};

	return nestvirt_dispatch(vcpu, &entry);
}

/*
 * A feature is reported when KVM accepts the state it governs: EFER bits as
 * kvm_valid_efer() decides, CR4 bits as __kvm_is_valid_cr4() decides, the
 * rest as L1's CPUID says. Reporting a feature KVM would refuse only makes
 * nestvirt laxer than KVM (which still refuses); omitting one KVM accepts
 * would make nestvirt reject a valid L2, so when in doubt, report.
 *
 * Computed when L1's CPUID is set (the EFER and CR4 answers depend only on
 * it), not on every VMRUN.
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

void nestvirt_svm_after_set_cpuid(struct kvm_vcpu *vcpu)
{
	to_svm(vcpu)->nested.nestvirt_l1_features = nestvirt_svm_features(vcpu);
}

static void nestvirt_fill_l1(struct kvm_vcpu *vcpu, struct nestvirt_entry *e)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	e->l1.svm.features = svm->nested.nestvirt_l1_features;
	e->l1.svm.hsave_pa = svm->nested.hsave_msr;
	e->l1.svm.maxphyaddr = cpuid_maxphyaddr(vcpu);
	/* At VMRUN, svm->vmcb is still vmcb01: its CPL is L1's. */
	e->l1.svm.cpl = svm->vmcb->save.cpl;
}
