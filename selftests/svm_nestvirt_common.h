/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nestvirt's nested-SVM VMRUN tests share: an L1 guest that keeps a
 * valid vmcb12, applies a mutation chosen by the host, executes VMRUN and
 * reports the exit code; the host side that drives it through ucalls; the
 * L2 code (a VMMCALL, valid in every CPU mode) and an L2 IDT whose every
 * gate leads to it, so that an event injected into L2 exits to L1 as
 * VMMCALL instead of running L1's exception handlers.
 */
#ifndef SELFTEST_SVM_NESTVIRT_COMMON_H
#define SELFTEST_SVM_NESTVIRT_COMMON_H

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"

#include "nestvirt_util.h"

/* CPUID bits the selftest library does not name. */
#ifndef X86_FEATURE_FLUSHBYASID
#define X86_FEATURE_FLUSHBYASID	KVM_X86_CPU_FEATURE(0x8000000A, 0, EDX, 6)
#endif
#ifndef X86_FEATURE_AVIC
#define X86_FEATURE_AVIC	KVM_X86_CPU_FEATURE(0x8000000A, 0, EDX, 13)
#endif
#ifndef X86_FEATURE_X2AVIC
#define X86_FEATURE_X2AVIC	KVM_X86_CPU_FEATURE(0x8000000A, 0, EDX, 18)
#endif
#ifndef X86_FEATURE_VNMI
#define X86_FEATURE_VNMI	KVM_X86_CPU_FEATURE(0x8000000A, 0, EDX, 25)
#endif
#ifndef X86_FEATURE_ERAPS
#define X86_FEATURE_ERAPS	KVM_X86_CPU_FEATURE(0x80000021, 0, EAX, 24)
#endif

/* int_ctl bits the selftest library does not name. */
#define NV_V_NMI_PENDING	(1U << 11)
#define NV_V_NMI_BLOCKING	(1U << 12)
#define NV_V_NMI_ENABLE		(1U << 26)
#define NV_X2APIC_MODE		(1U << 30)
#define NV_AVIC_ENABLE		(1U << 31)

#define NV_EXIT_ERR		((u64)SVM_EXIT_ERR)

/* Configurations of the L1 VM (CPUID and quirks), as flags. */
#define CFG_NO_NPT		(1U << 0)	/* L1 without nested paging */
#define CFG_SEPARATE_PAT	(1U << 1)	/* KVM_X86_QUIRK_NESTED_SVM_SHARED_PAT off */
#define CFG_NO_LM		(1U << 2)	/* L1's CPUID without long mode */
#define CFG_NO_VGIF		(1U << 3)	/* L1's CPUID without vGIF */
#define CFG_NO_FLUSHBYASID	(1U << 4)	/* L1's CPUID without FlushByAsid */
#define CFG_EXC_INTERCEPTS	(1U << 5)	/* vmcb12 intercepts every exception and shutdown */

/* ucall stages of the L1 loop. */
#define STAGE_READY		1	/* arg: L1's MAXPHYADDR */
#define STAGE_RESULT		2	/* arg: vmcb12 exit code after VMRUN */

/* Commands the host writes into nv_cmd before resuming L1. */
#define CMD_RUN			1	/* VMRUN the valid vmcb12 + nv_vmcb_patch */
#define CMD_QUIT		2
#define CMD_GP_RAX_ALIGN	3	/* VMRUN with a misaligned rAX: #GP expected */
#define CMD_GP_RAX_MAXPHYADDR	4	/* VMRUN with rAX at MAXPHYADDR: #GP expected */
#define CMD_GP_HSAVE		5	/* VMRUN with VM_HSAVE_PA zero: #GP expected */
#define CMD_LOOP		6	/* nv_loops VMRUNs of the valid vmcb12 */
#define CMD_LOOP_CHURN		7	/* the same, int_vector changing every VMRUN */

/*
 * A change L1 applies to its valid vmcb12: each listed field is replaced by
 * (old & and) | or. The host fills it; L1 applies it blindly, so the guest
 * code knows nothing of the rules.
 */
enum nv_field {
	F_NONE,
	F_EFER, F_CR0, F_CR3, F_CR4, F_DR6, F_DR7, F_CS_ATTRIB, F_G_PAT, F_S_CET,
	F_RIP,
	F_INTERCEPT, F_INTERCEPT_EXC, F_ASID, F_IOPM, F_MSRPM, F_NCR3, F_MISC_CTL,
	F_MISC_CTL2, F_EVENT_INJ, F_TLB_CTL, F_ERAP_CTL, F_INT_CTL, F_INT_VECTOR,
	NR_FIELDS,
};

#define NV_MAX_CHANGES 8

struct nv_change {
	u32 field;
	u64 and;
	u64 or;
};

struct nv_patch {
	struct nv_change c[NV_MAX_CHANGES];
};

/* Host <-> L1 mailbox (the host writes it through addr_gva2hva()). */
static volatile u32 nv_cmd;
static struct nv_patch nv_vmcb_patch;
static volatile u64 nv_loops;
static u32 nv_cfg;

/* The L2 code: VMMCALL (0f 01 d9 in 16-, 32- and 64-bit mode) forever. */
asm(".pushsection .text\n"
    ".globl nv_l2_stub\n"
    ".type nv_l2_stub, @function\n"
    "nv_l2_stub:\n"
    "1:	vmmcall\n"
    "	jmp 1b\n"
    ".popsection\n");
extern char nv_l2_stub[];

struct nv_idt_gate {
	u16 offset0;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset1;
	u32 offset2;
	u32 reserved;
} __attribute__((packed));

/*
 * Where each field lives in struct vmcb, and its size in bytes. ERAP_CTL
 * (005Dh) and S_CET (save area 1E0h, after RSP) sit in reserved arrays of
 * the selftest library's struct vmcb.
 */
_Static_assert(offsetof(struct vmcb, control.tlb_ctl) == 0x5c, "vmcb layout");
_Static_assert(offsetof(struct vmcb, save) == 0x400, "vmcb layout");
_Static_assert(offsetof(struct vmcb, save.rsp) == 0x400 + 0x1d8, "vmcb layout");
_Static_assert(offsetof(struct vmcb, save.g_pat) == 0x400 + 0x268, "vmcb layout");
static const struct {
	u16 offset;
	u8 size;
} nv_fields[NR_FIELDS] = {
#define NV_FIELD(f, member) [f] = { offsetof(struct vmcb, member), sizeof(((struct vmcb *)0)->member) }
	NV_FIELD(F_EFER, save.efer),
	NV_FIELD(F_CR0, save.cr0),
	NV_FIELD(F_CR3, save.cr3),
	NV_FIELD(F_CR4, save.cr4),
	NV_FIELD(F_DR6, save.dr6),
	NV_FIELD(F_DR7, save.dr7),
	NV_FIELD(F_CS_ATTRIB, save.cs.attrib),
	NV_FIELD(F_G_PAT, save.g_pat),
	[F_S_CET] = { offsetof(struct vmcb, save) + 0x1e0, 8 },
	NV_FIELD(F_RIP, save.rip),
	NV_FIELD(F_INTERCEPT, control.intercept),
	NV_FIELD(F_INTERCEPT_EXC, control.intercept_exceptions),
	NV_FIELD(F_ASID, control.asid),
	NV_FIELD(F_IOPM, control.iopm_base_pa),
	NV_FIELD(F_MSRPM, control.msrpm_base_pa),
	NV_FIELD(F_NCR3, control.nested_cr3),
	NV_FIELD(F_MISC_CTL, control.misc_ctl),
	NV_FIELD(F_MISC_CTL2, control.misc_ctl2),
	NV_FIELD(F_EVENT_INJ, control.event_inj),
	NV_FIELD(F_TLB_CTL, control.tlb_ctl),
	[F_ERAP_CTL] = { 0x5d, 1 },
	NV_FIELD(F_INT_CTL, control.int_ctl),
	NV_FIELD(F_INT_VECTOR, control.int_vector),
#undef NV_FIELD
};

static void nv_apply_patch(struct vmcb *vmcb, const struct nv_patch *p)
{
	for (int i = 0; i < NV_MAX_CHANGES && p->c[i].field != F_NONE; i++) {
		const struct nv_change *ch = &p->c[i];
		u8 *f;
		u64 v = 0;

		GUEST_ASSERT(ch->field < NR_FIELDS && nv_fields[ch->field].size);
		f = (u8 *)vmcb + nv_fields[ch->field].offset;
		memcpy(&v, f, nv_fields[ch->field].size);
		v = (v & ch->and) | ch->or;
		memcpy(f, &v, nv_fields[ch->field].size);
	}
}

static void nv_set_seg(struct vmcb_seg *seg, u16 selector, u64 base, u32 limit, u32 attr)
{
	seg->selector = selector;
	seg->attrib = attr;
	seg->limit = limit;
	seg->base = base;
}

/*
 * generic_svm_setup() without its EFER write: with CFG_NO_LM L1 runs in long
 * mode although its CPUID says no long mode, so KVM refuses any guest write
 * of EFER (the host set EFER.SVME before L1 started).
 */
static void nv_svm_setup(struct svm_test_data *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_save_area *save = &vmcb->save;
	struct vmcb_control_area *ctrl = &vmcb->control;
	u32 data_seg_attr = 3 | SVM_SELECTOR_S_MASK | SVM_SELECTOR_P_MASK |
			    SVM_SELECTOR_DB_MASK | SVM_SELECTOR_G_MASK;
	u32 code_seg_attr = 9 | SVM_SELECTOR_S_MASK | SVM_SELECTOR_P_MASK |
			    SVM_SELECTOR_L_MASK | SVM_SELECTOR_G_MASK;

	if (!(rdmsr(MSR_EFER) & EFER_SVME))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, svm->save_area_gpa);

	memset(vmcb, 0, sizeof(*vmcb));
	asm volatile("vmsave %0\n\t" : : "a"(svm->vmcb_gpa) : "memory");
	nv_set_seg(&save->es, get_es(), 0, -1U, data_seg_attr);
	nv_set_seg(&save->cs, get_cs(), 0, -1U, code_seg_attr);
	nv_set_seg(&save->ss, get_ss(), 0, -1U, data_seg_attr);
	nv_set_seg(&save->ds, get_ds(), 0, -1U, data_seg_attr);
	nv_set_seg(&save->gdtr, 0, get_gdt().address, get_gdt().size, 0);
	nv_set_seg(&save->idtr, 0, get_idt().address, get_idt().size, 0);

	ctrl->asid = 1;
	save->cpl = 0;
	save->efer = rdmsr(MSR_EFER);
	asm volatile("mov %%cr4, %0" : "=r"(save->cr4) : : "memory");
	asm volatile("mov %%cr3, %0" : "=r"(save->cr3) : : "memory");
	asm volatile("mov %%cr0, %0" : "=r"(save->cr0) : : "memory");
	asm volatile("mov %%dr7, %0" : "=r"(save->dr7) : : "memory");
	asm volatile("mov %%dr6, %0" : "=r"(save->dr6) : : "memory");
	asm volatile("mov %%cr2, %0" : "=r"(save->cr2) : : "memory");
	save->g_pat = rdmsr(MSR_IA32_CR_PAT);
	save->dbgctl = rdmsr(MSR_IA32_DEBUGCTLMSR);
	ctrl->intercept = (1ULL << INTERCEPT_VMRUN) | (1ULL << INTERCEPT_VMMCALL);
	ctrl->msrpm_base_pa = svm->msr_gpa;
	save->rip = (u64)nv_l2_stub;
	save->rsp = (u64)svm->stack;

	if (svm->ncr3_gpa) {
		ctrl->misc_ctl |= SVM_MISC_ENABLE_NP;
		ctrl->nested_cr3 = svm->ncr3_gpa;
	}
}

/* The valid vmcb12 every case starts from. */
static struct vmcb nv_valid_vmcb __attribute__((aligned(4096)));

static void nv_l1_guest_code(struct svm_test_data *svm, struct nv_idt_gate *idt)
{
	struct vmcb *vmcb = svm->vmcb;
	u32 maxphyaddr = this_cpu_property(X86_PROPERTY_MAX_PHY_ADDR);
	u64 rax;
	u8 vector;

	nv_svm_setup(svm);

	/* L2's IDT: every vector is an interrupt gate to nv_l2_stub. */
	for (int v = 0; v < 256; v++) {
		u64 off = (u64)nv_l2_stub;

		idt[v] = (struct nv_idt_gate) {
			.offset0 = off, .selector = get_cs(), .type_attr = 0x8e,
			.offset1 = off >> 16, .offset2 = off >> 32,
		};
	}
	vmcb->save.idtr.base = (u64)idt;
	vmcb->save.idtr.limit = 256 * sizeof(*idt) - 1;
	if (nv_cfg & CFG_EXC_INTERCEPTS) {
		vmcb->control.intercept_exceptions = ~0U;
		vmcb->control.intercept |= 1ULL << INTERCEPT_SHUTDOWN;
	}
	memcpy(&nv_valid_vmcb, vmcb, sizeof(*vmcb));

	for (;;) {
		GUEST_SYNC2(STAGE_READY, maxphyaddr);
		memcpy(vmcb, &nv_valid_vmcb, sizeof(*vmcb));
		switch (nv_cmd) {
		case CMD_QUIT:
			GUEST_DONE();
			return;
		case CMD_RUN:
			nv_apply_patch(vmcb, &nv_vmcb_patch);
			run_guest(vmcb, svm->vmcb_gpa);
			GUEST_SYNC2(STAGE_RESULT, vmcb->control.exit_code);
			break;
		case CMD_LOOP:
		case CMD_LOOP_CHURN:
			for (u64 i = 0; i < nv_loops; i++) {
				vmcb->save.rip = (u64)nv_l2_stub;
				/*
				 * A checked field, unused without V_IRQ: no
				 * two VMRUNs in a row see the same vmcb12.
				 */
				if (nv_cmd == CMD_LOOP_CHURN)
					vmcb->control.int_vector = i & 1;
				run_guest(vmcb, svm->vmcb_gpa);
				GUEST_ASSERT_EQ(vmcb->control.exit_code, SVM_EXIT_VMMCALL);
			}
			GUEST_SYNC2(STAGE_RESULT, vmcb->control.exit_code);
			break;
		case CMD_GP_RAX_ALIGN:
		case CMD_GP_RAX_MAXPHYADDR:
		case CMD_GP_HSAVE:
			rax = svm->vmcb_gpa;
			if (nv_cmd == CMD_GP_RAX_ALIGN)
				rax |= 0x10;
			else if (nv_cmd == CMD_GP_RAX_MAXPHYADDR)
				rax = 1ULL << maxphyaddr;
			else
				wrmsr(MSR_VM_HSAVE_PA, 0);
			vector = kvm_asm_safe("vmrun", "a"(rax));
			wrmsr(MSR_VM_HSAVE_PA, svm->save_area_gpa);
			GUEST_SYNC2(STAGE_RESULT, vector);
			break;
		default:
			GUEST_FAIL("unknown command %u", nv_cmd);
		}
	}
}

/* ---- host side ---- */

struct nv_l1 {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	u32 cfg;
	u32 maxphyaddr;
	u64 stub_gpa;
	u64 msrpm_gpa;		/* the valid vmcb12's MSR permission map */
};

/* Resumes L1 and returns the argument of the ucall stage it must reach. */
static u64 nv_l1_expect(struct nv_l1 *l1, u64 stage)
{
	struct ucall uc;

	vcpu_run(l1->vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(l1->vcpu, KVM_EXIT_IO);
	switch (get_ucall(l1->vcpu, &uc)) {
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	case UCALL_SYNC:
		TEST_ASSERT(uc.args[0] == stage, "L1 at stage %lu, want %lu",
			    (unsigned long)uc.args[0], (unsigned long)stage);
		return uc.args[1];
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
}

static void nv_l1_create(struct nv_l1 *l1, u32 cfg)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct svm_test_data *svm;
	gva_t svm_gva, idt_gva;

	memset(l1, 0, sizeof(*l1));
	vm = vm_create_with_one_vcpu(&vcpu, nv_l1_guest_code);
	if (cfg & CFG_SEPARATE_PAT)
		vm_enable_cap(vm, KVM_CAP_DISABLE_QUIRKS2, KVM_X86_QUIRK_NESTED_SVM_SHARED_PAT);
	if (cfg & CFG_NO_NPT)
		vcpu_clear_cpuid_feature(vcpu, X86_FEATURE_NPT);
	else
		vm_enable_npt(vm);
	if (cfg & CFG_NO_VGIF)
		vcpu_clear_cpuid_feature(vcpu, X86_FEATURE_VGIF);
	if (cfg & CFG_NO_FLUSHBYASID)
		vcpu_clear_cpuid_feature(vcpu, X86_FEATURE_FLUSHBYASID);
	if (cfg & CFG_NO_LM) {
		/* L1 may not write EFER any more: set SVME for it. */
		vcpu_set_msr(vcpu, MSR_EFER, vcpu_get_msr(vcpu, MSR_EFER) | EFER_SVME);
		vcpu_clear_cpuid_feature(vcpu, X86_FEATURE_LM);
	}
	svm = vcpu_alloc_svm(vm, &svm_gva);
	l1->msrpm_gpa = svm->msr_gpa;
	idt_gva = vm_alloc_page(vm);
	if (!(cfg & CFG_NO_NPT))
		tdp_identity_map_default_memslots(vm);
	vcpu_args_set(vcpu, 2, svm_gva, idt_gva);

	l1->vm = vm;
	l1->vcpu = vcpu;
	l1->cfg = cfg;
	l1->stub_gpa = addr_gva2gpa(vm, (gva_t)nv_l2_stub);
	*(u32 *)addr_gva2hva(vm, (gva_t)&nv_cfg) = cfg;
	l1->maxphyaddr = nv_l1_expect(l1, STAGE_READY);
}

static void nv_l1_destroy(struct nv_l1 *l1)
{
	if (!l1->vm)
		return;
	*(volatile u32 *)addr_gva2hva(l1->vm, (gva_t)&nv_cmd) = CMD_QUIT;
	{
		struct ucall uc;

		vcpu_run(l1->vcpu);
		TEST_ASSERT_KVM_EXIT_REASON(l1->vcpu, KVM_EXIT_IO);
		if (get_ucall(l1->vcpu, &uc) == UCALL_ABORT)
			REPORT_GUEST_ASSERT(uc);
		TEST_ASSERT(uc.cmd == UCALL_DONE, "L1 did not finish: ucall %lu", uc.cmd);
	}
	kvm_vm_free(l1->vm);
	l1->vm = NULL;
}

/* Makes sure @l1 is a VM of configuration @cfg. */
static inline void nv_l1_use(struct nv_l1 *l1, u32 cfg)
{
	if (l1->vm && l1->cfg == cfg)
		return;
	nv_l1_destroy(l1);
	nv_l1_create(l1, cfg);
}

/* Runs one command in L1 (which waits at STAGE_READY); returns its result. */
static u64 nv_l1_cmd(struct nv_l1 *l1, u32 cmd, const struct nv_patch *patch)
{
	u64 result;

	if (patch)
		memcpy(addr_gva2hva(l1->vm, (gva_t)&nv_vmcb_patch), patch, sizeof(*patch));
	*(volatile u32 *)addr_gva2hva(l1->vm, (gva_t)&nv_cmd) = cmd;
	result = nv_l1_expect(l1, STAGE_RESULT);
	nv_l1_expect(l1, STAGE_READY);
	return result;
}

/* VMRUN of the valid vmcb12 changed by @patch: vmcb12's exit code. */
static inline u64 nv_l1_vmrun(struct nv_l1 *l1, const struct nv_patch *patch)
{
	return nv_l1_cmd(l1, CMD_RUN, patch);
}

/* Appends a change to @p. */
static void nv_patch_add(struct nv_patch *p, u32 field, u64 and, u64 or)
{
	for (int i = 0; i < NV_MAX_CHANGES; i++) {
		if (p->c[i].field == F_NONE) {
			p->c[i] = (struct nv_change){ .field = field, .and = and, .or = or };
			return;
		}
	}
	TEST_FAIL("more than %d changes in one patch", NV_MAX_CHANGES);
}

#define nv_set(p, f, v)		nv_patch_add(p, f, 0, v)
#define nv_or(p, f, v)		nv_patch_add(p, f, ~0ULL, v)
#define nv_clear(p, f, v)	nv_patch_add(p, f, ~(u64)(v), 0)

/*
 * L2 in 32-bit protected mode without paging (valid): EFER.LME/LMA and
 * CR0.PG clear, a 32-bit code segment, RIP at the stub's physical address
 * (L2's physical addresses are L1's: identity nested page tables, or no
 * nested paging).
 */
static inline void nv_patch_legacy(struct nv_patch *p, const struct nv_l1 *l1)
{
	nv_clear(p, F_EFER, EFER_LME | EFER_LMA);
	nv_clear(p, F_CR0, X86_CR0_PG);
	nv_set(p, F_CS_ATTRIB, 0xb | SVM_SELECTOR_S_MASK | SVM_SELECTOR_P_MASK |
			       SVM_SELECTOR_DB_MASK | SVM_SELECTOR_G_MASK);
	nv_set(p, F_RIP, l1->stub_gpa);
}

/* Rule catalogue of the attached backend, and counter snapshots. */
struct nv_catalogue {
	u32 n;
	struct nestvirt_rule rules[128];
};

static inline void nv_catalogue_read(struct nv_catalogue *cat)
{
	cat->n = nestvirt_nr_rules();
	TEST_ASSERT(cat->n > 0 && cat->n <= ARRAY_SIZE(cat->rules), "%u rules", cat->n);
	for (u32 i = 0; i < cat->n; i++)
		TEST_ASSERT(__nestvirt_get_rule(i, &cat->rules[i]) == 0, "GET_RULE %u", i);
}

static inline int nv_catalogue_index(const struct nv_catalogue *cat, const char *id)
{
	for (u32 i = 0; i < cat->n; i++)
		if (!strcmp(cat->rules[i].id, id))
			return i;
	return -1;
}

/* Saves the mode of every SVM class; nv_modes_restore() puts them back. */
static u32 nv_saved_modes[NESTVIRT_SVM_NR_CLASSES];
static bool nv_modes_saved;

static void nv_modes_restore(void)
{
	if (!nv_modes_saved)
		return;
	for (u32 c = 0; c < NESTVIRT_SVM_NR_CLASSES; c++)
		__nestvirt_set_mode(c, nv_saved_modes[c]);
}

static inline void nv_modes_save(void)
{
	for (u32 c = 0; c < NESTVIRT_SVM_NR_CLASSES; c++)
		nv_saved_modes[c] = nestvirt_get_mode(c);
	nv_modes_saved = true;
	atexit(nv_modes_restore);
}

#endif /* SELFTEST_SVM_NESTVIRT_COMMON_H */
