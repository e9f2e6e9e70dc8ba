// SPDX-License-Identifier: GPL-2.0-only
/*
 * svm_nestvirt_differential_test: KVM's own VMRUN checks against nestvirt's,
 * over one generated corpus of vmcb12s.
 *
 * With every rule class in audit mode KVM alone decides each VMRUN, so both
 * verdicts are observable on the same VMRUN: KVM's is vmcb12's exit code
 * (VMEXIT_INVALID or not), nestvirt's is whether any rule counter moved
 * (and which). The corpus is deterministic (a seeded xorshift64*): single-
 * and multi-field mutations of a valid vmcb12 over the fields the rules
 * read, with values on both sides of each rule.
 *
 * Asserted:
 * - every vmcb12 KVM rejects is rejected by nestvirt, except the documented
 *   KVM-only rejection (an MSR permission map KVM cannot read, see
 *   Documentation/nestvirt/svm-differential.rst);
 * - every vmcb12 only nestvirt rejects fails only rules KVM 7.3.4 does not
 *   check (or checks in part, and then only where KVM skips the check), each
 *   justified by the APM in that document;
 * - the hook's report of KVM's verdict (nestvirt_info.kvm_rejected) matches
 *   the exit code;
 * - the corpus exercises both outcomes and every mutated field.
 * A summary (corpus size, agreement, nestvirt-only rejections by rule) is
 * printed as TAP diagnostics.
 *
 * L2 is a VMMCALL and nothing else; L2's IDT sends every vector to it, and
 * vmcb12 intercepts every exception and shutdown, so a vmcb12 KVM accepts
 * always exits to L1: any exit code but VMEXIT_INVALID means "accepted".
 * Values that could send L2 elsewhere (paging-mode changes other than the
 * 32-bit no-paging mode below, CR3 values that move the page tables) are
 * not generated.
 */
#include "kselftest.h"

#include "svm_nestvirt_common.h"

#define CORPUS_SEED	0x6e65737476697274ULL	/* "nestvirt" */

/* Cases per L1 configuration. */
static const struct {
	u32 cfg;
	u32 cases;
	const char *what;
} configs[] = {
	{ CFG_EXC_INTERCEPTS, 320, "nested paging, shared PAT (KVM's default)" },
	{ CFG_EXC_INTERCEPTS | CFG_SEPARATE_PAT, 100, "nested paging, separate L2 PAT" },
	{ CFG_EXC_INTERCEPTS | CFG_NO_NPT, 80, "L1 without nested paging" },
};

/*
 * Rules KVM 7.3.4 does not check, or checks in part (rules.rs KvmCheck
 * NotChecked / Partial): the only rules a vmcb12 KVM accepts may fail.
 */
static const char *const kvm_unchecked_rules[] = {
	"SVM-SAVE-GPAT",
	"SVM-SAVE-CR3-LEGACY-MBZ",
	"SVM-SAVE-CR3-LEGACY-HIGH",
	"SVM-SAVE-CET-WP",
	"SVM-SAVE-S-CET-RSVD",
	"SVM-EVENT-RSVD",
	"SVM-CTL-TLB-CONTROL",
	"SVM-CTL-TLB-FLUSH-ASID",
	"SVM-CTL-MISC-UNSUPPORTED",
	"SVM-CTL-MISC2-UNSUPPORTED",
	"SVM-CTL-ERAP-UNSUPPORTED",
	"SVM-INTCTL-VGIF",
	"SVM-INTCTL-VNMI",
	"SVM-INTCTL-AVIC",
	"SVM-INTCTL-X2AVIC",
	"SVM-INTCTL-X2AVIC-NO-AVIC",
	"SVM-INTCTL-RSVD",
	"SVM-INTCTL-VECTOR-RSVD",
};

static u64 rng = CORPUS_SEED;

static u64 rnd(void)
{
	return nv_xorshift64s(&rng);
}

static u32 below(u32 n)
{
	return rnd() % n;
}

static u64 pick(const u64 *v, size_t n)
{
	return v[below(n)];
}

#define PICK(...) ({ static const u64 __v[] = { __VA_ARGS__ }; pick(__v, ARRAY_SIZE(__v)); })

/* What the generators know and record about the case being built. */
struct gen_ctx {
	const struct nv_l1 *l1;
	bool legacy;		/* L2 in 32-bit protected mode, no paging */
	bool npt_cpuid;		/* L1's CPUID has nested paging */
	bool msr_prot;		/* MSR_PROT intercept set */
	bool msrpm_unbacked;	/* MSRPM base legal but outside guest memory */
	bool efer_lmsle;	/* EFER.LMSLE set */
};

/*
 * The emulated CPU's own VMRUN failed on the vmcb02 KVM built: QEMU reports
 * VMEXIT_INVALID zero-extended from 32 bits, and KVM passes that exit code
 * to L1. QEMU treats EFER.LMSLE as reserved although its CPUID does not set
 * EferLmsleUnsupported (8000_0008 EBX[20]), so KVM (and nestvirt, which
 * follows KVM's EFER feature set) accept a vmcb12 with EFER.LMSLE that the
 * emulator then refuses. It is the only such case the corpus may show.
 */
#define QEMU_EXIT_ERR32	0xffffffffULL

/* A legal physical address no memslot backs (guest memory is far below). */
#define UNBACKED_GPA	(1ULL << 32)

typedef void (*gen_fn)(struct nv_patch *p, struct gen_ctx *g);

static u64 bit_at_or_above(u32 lo)
{
	return 1ULL << (lo + below(64 - lo));
}

static void gen_efer(struct nv_patch *p, struct gen_ctx *g)
{
	u64 bit;

	switch (below(5)) {
	case 0:
		nv_clear(p, F_EFER, EFER_SVME);
		break;
	case 1:
		nv_or(p, F_EFER, 1ULL << PICK(1, 2, 3, 4, 5, 6, 7, 9, 16, 17, 18, 19, 20, 22, 31,
					      32, 47, 63));
		break;
	case 2:	/* LMSLE, FFXSR, TCE, AIBRSE: legal only with the feature */
		bit = PICK(13, 14, 15, 21);
		g->efer_lmsle |= bit == 13;
		nv_or(p, F_EFER, 1ULL << bit);
		break;
	case 3:
		nv_patch_add(p, F_EFER, ~(u64)EFER_SCE, below(2) ? EFER_SCE : 0);
		break;
	default:
		nv_clear(p, F_EFER, EFER_NX);
		break;
	}
}

static void gen_cr0(struct nv_patch *p, struct gen_ctx *g)
{
	switch (below(g->legacy ? 5 : 6)) {
	case 0:
		nv_patch_add(p, F_CR0, ~(u64)X86_CR0_CD, X86_CR0_NW);
		break;
	case 1:
		nv_or(p, F_CR0, PICK(X86_CR0_CD, X86_CR0_CD | X86_CR0_NW));
		break;
	case 2:
		nv_or(p, F_CR0, bit_at_or_above(32));
		break;
	case 3:
		nv_clear(p, F_CR0, X86_CR0_WP);
		break;
	case 4:
		nv_patch_add(p, F_CR0, ~(u64)(X86_CR0_TS | X86_CR0_MP | X86_CR0_EM | X86_CR0_AM),
			     PICK(X86_CR0_TS, X86_CR0_MP, X86_CR0_EM, X86_CR0_AM, 0));
		break;
	default:	/* long mode only: protected mode off */
		nv_clear(p, F_CR0, X86_CR0_PE);
		break;
	}
}

static void gen_cr3(struct nv_patch *p, struct gen_ctx *g)
{
	u32 maxphy = g->l1->maxphyaddr;

	if (!g->legacy) {
		/* Bits at or above MAXPHYADDR, or PWT/PCD: the tables stay. */
		if (below(3))
			nv_or(p, F_CR3, bit_at_or_above(maxphy));
		else
			nv_or(p, F_CR3, PICK((1ULL << 3), (1ULL << 4)));
		return;
	}
	/* No paging: CR3 is not used. */
	switch (below(3)) {
	case 0:	/* CR3[63:32] below MAXPHYADDR */
		nv_or(p, F_CR3, 1ULL << (32 + below(maxphy - 32)));
		break;
	case 1:
		nv_or(p, F_CR3, bit_at_or_above(maxphy));
		break;
	default:
		nv_patch_add(p, F_CR3, 0, (rnd() & 0xfffff000ULL));
		break;
	}
}

static void gen_cr4(struct nv_patch *p, struct gen_ctx *g)
{
	bool la57 = kvm_cpuid_has(g->l1->vcpu->cpuid, X86_FEATURE_LA57);

	switch (below(5)) {
	case 0:	/* reserved */
		nv_or(p, F_CR4, 1ULL << PICK(14, 15, 19, 24, 25, 26, 27, 29, 30, 31, 32, 40, 63));
		break;
	case 1:	/* features: VMXE, CET, LAM_SUP, PKE, PCIDE, UMIP, SMAP, SMEP, OSXSAVE, FSGSBASE */
		nv_or(p, F_CR4, 1ULL << PICK(13, 23, 28, 22, 17, 11, 21, 20, 18, 16));
		break;
	case 2:	/* LA57 would change the page walk: only when L1 cannot use it */
		if (!la57 && !g->legacy)
			nv_or(p, F_CR4, X86_CR4_LA57);
		else
			nv_clear(p, F_CR4, X86_CR4_PGE);
		break;
	case 3:
		nv_clear(p, F_CR4, X86_CR4_PAE);
		break;
	default:
		nv_patch_add(p, F_CR4, ~(u64)(X86_CR4_PGE | X86_CR4_TSD | X86_CR4_DE |
					       X86_CR4_OSXMMEXCPT | X86_CR4_PCE),
			     PICK(X86_CR4_TSD, X86_CR4_DE, X86_CR4_PCE, 0));
		break;
	}
}

static void gen_dr6(struct nv_patch *p, struct gen_ctx *g)
{
	if (below(2))
		nv_or(p, F_DR6, bit_at_or_above(32));
	else
		nv_set(p, F_DR6, 0xffff0ff0 | (rnd() & 0xe00f));
}

static void gen_dr7(struct nv_patch *p, struct gen_ctx *g)
{
	if (below(2))
		nv_or(p, F_DR7, bit_at_or_above(32));
	else
		nv_set(p, F_DR7, 0x400 | (rnd() & 0xffff2fff));
}

static void gen_cs(struct nv_patch *p, struct gen_ctx *g)
{
	if (below(2))
		nv_or(p, F_CS_ATTRIB, SVM_SELECTOR_DB_MASK);
	else
		nv_or(p, F_CS_ATTRIB, SVM_SELECTOR_AVL_MASK);
}

static void gen_gpat(struct nv_patch *p, struct gen_ctx *g)
{
	u32 byte = below(8);

	if (below(3)) {
		u64 bad = PICK(2, 3, 8, 0x10, 0x7f, 0xff);

		nv_patch_add(p, F_G_PAT, ~(0xffULL << (8 * byte)), bad << (8 * byte));
	} else {
		nv_set(p, F_G_PAT, PICK(0x0606060606060606ULL, 0x0007040600070406ULL,
					0x0001050406070000ULL));
	}
}

static void gen_s_cet(struct nv_patch *p, struct gen_ctx *g)
{
	nv_set(p, F_S_CET, rnd() & 0x3ff);
}

static void gen_intercept(struct nv_patch *p, struct gen_ctx *g)
{
	u64 bit;

	switch (below(4)) {
	case 0:
		nv_clear(p, F_INTERCEPT, 1ULL << INTERCEPT_VMRUN);
		break;
	case 1:	/* L2's VMMCALL becomes #UD, which exits */
		nv_clear(p, F_INTERCEPT, 1ULL << INTERCEPT_VMMCALL);
		break;
	default:
		bit = PICK(INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
			   INTERCEPT_VINTR, INTERCEPT_RDTSC, INTERCEPT_CPUID, INTERCEPT_HLT,
			   INTERCEPT_INVLPG, INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT,
			   INTERCEPT_MSR_PROT, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE, INTERCEPT_STGI,
			   INTERCEPT_CLGI, INTERCEPT_SKINIT, INTERCEPT_RDTSCP, INTERCEPT_XSETBV,
			   INTERCEPT_RDPRU, INTERCEPT_MONITOR);
		if (bit == INTERCEPT_MSR_PROT)
			g->msr_prot = true;
		nv_or(p, F_INTERCEPT, 1ULL << bit);
		break;
	}
}

static void gen_asid(struct nv_patch *p, struct gen_ctx *g)
{
	nv_set(p, F_ASID, PICK(0, 0, 2, 15, 16, 0x8000, 0xffffffff));
}

static u64 crossing(const struct gen_ctx *g, u64 size)
{
	u64 top = 1ULL << g->l1->maxphyaddr;

	/* The map's last page at or above MAXPHYADDR, or the base itself. */
	return below(2) ? top - size + 4096 * (1 + below(size / 4096)) :
			  bit_at_or_above(g->l1->maxphyaddr);
}

static void gen_iopm(struct nv_patch *p, struct gen_ctx *g)
{
	switch (below(3)) {
	case 0:
		nv_set(p, F_IOPM, crossing(g, 3 * 4096));
		break;
	case 1:
		nv_set(p, F_IOPM, PICK(0, UNBACKED_GPA, 0x123));
		break;
	default:	/* last page just below MAXPHYADDR */
		nv_set(p, F_IOPM, (1ULL << g->l1->maxphyaddr) - 3 * 4096);
		break;
	}
}

static void gen_msrpm(struct nv_patch *p, struct gen_ctx *g)
{
	switch (below(4)) {
	case 0:
		nv_set(p, F_MSRPM, crossing(g, 2 * 4096));
		break;
	case 1:	/* bits 11:0 are ignored */
		nv_set(p, F_MSRPM, g->l1->msrpm_gpa | (rnd() & 0xfff));
		break;
	case 2:
		nv_set(p, F_MSRPM, UNBACKED_GPA);
		g->msrpm_unbacked = true;
		break;
	default:
		nv_set(p, F_MSRPM, (1ULL << g->l1->maxphyaddr) - 2 * 4096);
		g->msrpm_unbacked = true;
		break;
	}
}

static void gen_npt(struct nv_patch *p, struct gen_ctx *g)
{
	switch (below(3)) {
	case 0:
		nv_or(p, F_NCR3, bit_at_or_above(g->l1->maxphyaddr));
		break;
	case 1:
		nv_or(p, F_NCR3, PICK((1ULL << 3), (1ULL << 4)));
		break;
	default:	/* NP off (L1 with nested paging) or on (L1 without) */
		if (g->npt_cpuid)
			nv_clear(p, F_MISC_CTL, SVM_MISC_ENABLE_NP);
		else
			nv_or(p, F_MISC_CTL, SVM_MISC_ENABLE_NP);
		break;
	}
}

static void gen_misc(struct nv_patch *p, struct gen_ctx *g)
{
	/* SEV, SEV-ES, GMET, undefined */
	nv_or(p, F_MISC_CTL, PICK(1ULL << 1, 1ULL << 2, 1ULL << 3, 1ULL << 4, 1ULL << 7, 1ULL << 63));
}

static void gen_misc2(struct nv_patch *p, struct gen_ctx *g)
{
	/* V_LBR, V_VMLOAD_VMSAVE, undefined */
	nv_or(p, F_MISC_CTL2, PICK(1ULL << 0, 1ULL << 1, 1ULL << 2, 1ULL << 31, 1ULL << 63));
}

static void gen_event(struct nv_patch *p, struct gen_ctx *g)
{
	static const u64 exc_ok[] = { 0, 1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 16, 17, 18,
				      19, 28, 30 };
	static const u64 exc_bad[] = { 2, 9, 15, 20, 21, 22, 27, 29, 31, 32, 0x80, 0xff };
	u32 ev;

	/*
	 * In 32-bit mode L2's IDT (64-bit gates) would not lead to the stub:
	 * no event KVM would inject there.
	 */
	switch (below(g->legacy ? 3 : 7)) {
	case 0:
		ev = SVM_EVTINJ_VALID | (PICK(1, 5, 6, 7) << SVM_EVTINJ_TYPE_SHIFT) | below(256);
		break;
	case 1:
		ev = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | pick(exc_bad, ARRAY_SIZE(exc_bad));
		break;
	case 2:	/* not valid: the rest is ignored */
		ev = (u32)rnd() & ~SVM_EVTINJ_VALID;
		break;
	case 3:
		ev = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | pick(exc_ok, ARRAY_SIZE(exc_ok)) |
		     (below(2) ? SVM_EVTINJ_VALID_ERR : 0);
		break;
	case 4:
		ev = SVM_EVTINJ_VALID | PICK(SVM_EVTINJ_TYPE_INTR, SVM_EVTINJ_TYPE_NMI,
					     SVM_EVTINJ_TYPE_SOFT) | (0x20 + below(0xe0));
		break;
	default:	/* reserved bits 30:12 */
		ev = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | (0x20 + below(0xe0)) |
		     (1U << (12 + below(19)));
		break;
	}
	nv_set(p, F_EVENT_INJ, ev);
}

static void gen_tlb(struct nv_patch *p, struct gen_ctx *g)
{
	nv_set(p, F_TLB_CTL, PICK(0, 1, 3, 7, 2, 4, 5, 6, 8, 0x10, 0xff));
}

static void gen_erap(struct nv_patch *p, struct gen_ctx *g)
{
	nv_set(p, F_ERAP_CTL, PICK(1, 2, 3, 4, 0x80));
}

static void gen_int_ctl(struct nv_patch *p, struct gen_ctx *g)
{
	switch (below(4)) {
	case 0:	/* V_TPR, V_GIF, V_INTR_PRIO, V_IGN_TPR, V_INTR_MASKING, V_GIF_ENABLE */
		nv_or(p, F_INT_CTL, PICK(0x5, 0xf, V_GIF_MASK, 0x3 << V_INTR_PRIO_SHIFT,
					 V_IGN_TPR_MASK, V_INTR_MASKING_MASK, V_GIF_ENABLE_MASK,
					 V_GIF_ENABLE_MASK | V_GIF_MASK));
		break;
	case 1:	/* vNMI */
		nv_or(p, F_INT_CTL, PICK(NV_V_NMI_ENABLE, NV_V_NMI_PENDING, NV_V_NMI_BLOCKING));
		break;
	case 2:
		nv_or(p, F_INT_CTL, PICK(NV_AVIC_ENABLE, NV_X2APIC_MODE,
					 NV_AVIC_ENABLE | NV_X2APIC_MODE));
		break;
	default:	/* reserved: 7:4, 10, 15:13, 23:21, 29:27 */
		nv_or(p, F_INT_CTL, 1U << PICK(4, 5, 6, 7, 10, 13, 14, 15, 21, 22, 23, 27, 28, 29));
		break;
	}
}

static void gen_int_vector(struct nv_patch *p, struct gen_ctx *g)
{
	nv_set(p, F_INT_VECTOR, below(2) ? below(256) : 0x100 << below(24));
}

static const struct {
	const char *name;
	gen_fn fn;
} gens[] = {
	{ "EFER", gen_efer },
	{ "CR0", gen_cr0 },
	{ "CR3", gen_cr3 },
	{ "CR4", gen_cr4 },
	{ "DR6", gen_dr6 },
	{ "DR7", gen_dr7 },
	{ "CS.attrib", gen_cs },
	{ "G_PAT", gen_gpat },
	{ "S_CET", gen_s_cet },
	{ "intercepts", gen_intercept },
	{ "ASID", gen_asid },
	{ "IOPM_BASE", gen_iopm },
	{ "MSRPM_BASE", gen_msrpm },
	{ "NP/nCR3", gen_npt },
	{ "misc_ctl", gen_misc },
	{ "misc_ctl2", gen_misc2 },
	{ "EVENTINJ", gen_event },
	{ "TLB_CONTROL", gen_tlb },
	{ "ERAP_CTL", gen_erap },
	{ "int_ctl", gen_int_ctl },
	{ "int_vector", gen_int_vector },
};

#define NR_GENS ARRAY_SIZE(gens)

/*
 * Directed cases, first in the corpus: KVM reads the MSR permission map at
 * VMRUN when MSR_PROT is intercepted (nested_svm_merge_msrpm()), the I/O map
 * only on an I/O exit.
 */
static void directed_case(u32 i, struct nv_patch *p, struct gen_ctx *g)
{
	u64 top = 1ULL << g->l1->maxphyaddr;

	memset(p, 0, sizeof(*p));
	g->legacy = g->msr_prot = g->msrpm_unbacked = g->efer_lmsle = false;
	switch (i) {
	case 0:
		nv_or(p, F_INTERCEPT, 1ULL << INTERCEPT_MSR_PROT);
		g->msr_prot = true;
		break;
	case 1:
		nv_or(p, F_INTERCEPT, 1ULL << INTERCEPT_MSR_PROT);
		nv_set(p, F_MSRPM, UNBACKED_GPA);
		g->msr_prot = g->msrpm_unbacked = true;
		break;
	case 2:
		nv_or(p, F_INTERCEPT, 1ULL << INTERCEPT_MSR_PROT);
		nv_set(p, F_MSRPM, top - 2 * 4096);
		g->msr_prot = g->msrpm_unbacked = true;
		break;
	case 3:
		nv_set(p, F_MSRPM, UNBACKED_GPA);
		g->msrpm_unbacked = true;
		break;
	case 4:
		nv_or(p, F_INTERCEPT, 1ULL << INTERCEPT_IOIO_PROT);
		nv_set(p, F_IOPM, UNBACKED_GPA);
		break;
	case 5:
		nv_or(p, F_INTERCEPT, 1ULL << INTERCEPT_IOIO_PROT);
		nv_set(p, F_IOPM, top - 3 * 4096);
		break;
	case 6:	/* see QEMU_EXIT_ERR32 */
		nv_or(p, F_EFER, EFER_LMSLE);
		g->efer_lmsle = true;
		break;
	}
}

#define NR_DIRECTED 7

/* One case: 1-3 distinct fields, after an optional switch to 32-bit mode. */
static void gen_case(struct nv_patch *p, struct gen_ctx *g, bool *used)
{
	u32 n = 1 + below(3);
	bool chosen[NR_GENS] = {};

	memset(p, 0, sizeof(*p));
	g->legacy = below(4) == 0;
	g->msr_prot = g->msrpm_unbacked = g->efer_lmsle = false;
	if (g->legacy)
		nv_patch_legacy(p, g->l1);
	for (u32 i = 0; i < n; i++) {
		u32 k = below(NR_GENS);

		if (chosen[k])
			continue;
		chosen[k] = used[k] = true;
		gens[k].fn(p, g);
	}
}

static struct nv_catalogue cat;

#define MAX_CASES 1024

/* What one VMRUN of the corpus gave. */
struct result {
	u64 exit_code;
	bool kvm_rej, hook_kvm_rej, nv_rej;
	u64 rules[2];		/* bitmap of the rules counted */
};

static struct result audit_results[MAX_CASES], enforce_results[MAX_CASES];

struct tally {
	u32 cases, both_reject, both_accept, kvm_only, kvm_only_documented, nv_only;
	u32 kvm_late;			/* KVM rejected after the hook */
	u32 nv_only_by_rule[ARRAY_SIZE(cat.rules)];
	u32 both_by_rule[ARRAY_SIZE(cat.rules)];
	u32 exit_vmmcall, exit_other, emulator_rejects;
	u64 other_exits[8];		/* some exit codes of accepted VMRUNs but VMMCALL */
	u32 failures_undocumented_kvm_only;
	u32 failures_unjustified_nv_only;
	u32 failures_hook_verdict;
	u32 failures_enforce;
	u32 failures_emulator;
};

static bool kvm_unchecked(const char *id, u32 cfg)
{
	/* With the shared-PAT quirk off KVM checks G_PAT (l2_has_separate_pat()). */
	if ((cfg & CFG_SEPARATE_PAT) && !strcmp(id, "SVM-SAVE-GPAT"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(kvm_unchecked_rules); i++)
		if (!strcmp(kvm_unchecked_rules[i], id))
			return true;
	return false;
}

static bool rule_set(const struct result *r, u32 i)
{
	return r->rules[i / 64] & (1ULL << (i % 64));
}

static void rules_text(const struct result *r, char *buf, size_t size)
{
	buf[0] = 0;
	for (u32 i = 0; i < cat.n; i++)
		if (rule_set(r, i))
			snprintf(buf + strlen(buf), size - strlen(buf), " %s", cat.rules[i].id);
}

static void print_case(u32 c, u32 cfg, const struct gen_ctx *g, const struct nv_patch *p)
{
	ksft_print_msg("case %u (L1 config %#x%s):\n", c, cfg, g->legacy ? ", 32-bit L2" : "");
	for (int i = 0; i < NV_MAX_CHANGES && p->c[i].field != F_NONE; i++)
		ksft_print_msg("    field %u: and %#lx or %#lx\n", p->c[i].field,
			       (unsigned long)p->c[i].and, (unsigned long)p->c[i].or);
}

/*
 * Runs the corpus part of @cfg (cases @first.. @first + @ncases - 1) with
 * every class in the mode already set; fills @results.
 */
static void run_part(u32 cfg, u32 first, u32 ncases, bool directed, struct result *results,
		     bool *used, struct nv_patch *patches, struct gen_ctx *ctxs)
{
	u64 before[ARRAY_SIZE(cat.rules)], after[ARRAY_SIZE(cat.rules)];
	struct nv_l1 l1;
	struct gen_ctx g = {};

	nv_l1_create(&l1, cfg);
	g.l1 = &l1;
	g.npt_cpuid = !(cfg & CFG_NO_NPT);
	for (u32 c = first; c < first + ncases; c++) {
		struct result *r = &results[c];
		struct nestvirt_info ib, ia;

		if (directed && c - first < NR_DIRECTED)
			directed_case(c - first, &patches[c], &g);
		else
			gen_case(&patches[c], &g, used);
		ctxs[c] = g;
		ctxs[c].l1 = NULL;

		nestvirt_rule_counters(before, cat.n);
		ib = nestvirt_get_info();
		r->exit_code = nv_l1_vmrun(&l1, &patches[c]);
		ia = nestvirt_get_info();
		nestvirt_rule_counters(after, cat.n);

		r->kvm_rej = r->exit_code == NV_EXIT_ERR;
		r->hook_kvm_rej = ia.kvm_rejected != ib.kvm_rejected;
		memset(r->rules, 0, sizeof(r->rules));
		r->nv_rej = false;
		for (u32 i = 0; i < cat.n; i++) {
			if (after[i] != before[i]) {
				r->rules[i / 64] |= 1ULL << (i % 64);
				r->nv_rej = true;
			}
		}
		TEST_ASSERT(ia.nested_entries - ib.nested_entries == 1,
			    "case %u: the hook saw %lu entries", c,
			    (unsigned long)(ia.nested_entries - ib.nested_entries));
	}
	nv_l1_destroy(&l1);
}

static void run_corpus(u32 mode, struct result *results, bool *used, struct nv_patch *patches,
		       struct gen_ctx *ctxs)
{
	u32 first = 0;

	rng = CORPUS_SEED;
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, mode);
	for (size_t i = 0; i < ARRAY_SIZE(configs); i++) {
		run_part(configs[i].cfg, first, configs[i].cases, i == 0, results, used, patches,
			 ctxs);
		first += configs[i].cases;
	}
}

static u32 config_of(u32 c)
{
	for (size_t i = 0; i < ARRAY_SIZE(configs); i++) {
		if (c < configs[i].cases)
			return configs[i].cfg;
		c -= configs[i].cases;
	}
	return 0;
}

static void analyse(u32 n, const struct nv_patch *patches, const struct gen_ctx *ctxs,
		    struct tally *t)
{
	char rules[1024];

	for (u32 c = 0; c < n; c++) {
		const struct result *a = &audit_results[c], *e = &enforce_results[c];
		const struct gen_ctx *g = &ctxs[c];

		t->cases++;
		rules_text(a, rules, sizeof(rules));
		if (a->hook_kvm_rej && !a->kvm_rej) {
			print_case(c, config_of(c), g, &patches[c]);
			ksft_print_msg("  the hook was told KVM rejects, exit code %#lx\n",
				       (unsigned long)a->exit_code);
			t->failures_hook_verdict++;
		}
		if (a->kvm_rej && !a->hook_kvm_rej)
			t->kvm_late++;

		if (a->kvm_rej && a->nv_rej) {
			t->both_reject++;
			for (u32 i = 0; i < cat.n; i++)
				t->both_by_rule[i] += rule_set(a, i);
		} else if (!a->kvm_rej && !a->nv_rej) {
			t->both_accept++;
		} else if (a->kvm_rej) {
			t->kvm_only++;
			if (g->msr_prot && g->msrpm_unbacked && !a->hook_kvm_rej) {
				t->kvm_only_documented++;
			} else {
				print_case(c, config_of(c), g, &patches[c]);
				ksft_print_msg("  KVM rejects, nestvirt accepts\n");
				t->failures_undocumented_kvm_only++;
			}
		} else {
			bool justified = true;

			t->nv_only++;
			for (u32 i = 0; i < cat.n; i++) {
				if (!rule_set(a, i))
					continue;
				t->nv_only_by_rule[i]++;
				justified &= kvm_unchecked(cat.rules[i].id, config_of(c));
			}
			if (!justified) {
				print_case(c, config_of(c), g, &patches[c]);
				ksft_print_msg("  KVM accepts (exit %#lx), nestvirt fails a rule "
					       "KVM checks:%s\n", (unsigned long)a->exit_code, rules);
				t->failures_unjustified_nv_only++;
			}
		}
		if (!a->kvm_rej && a->exit_code == QEMU_EXIT_ERR32) {
			t->emulator_rejects++;
			if (!g->efer_lmsle || a->nv_rej) {
				print_case(c, config_of(c), g, &patches[c]);
				ksft_print_msg("  KVM accepted, the emulated VMRUN of vmcb02 failed, "
					       "nestvirt counted:%s\n", rules);
				t->failures_emulator++;
			}
		}
		if (!a->kvm_rej) {
			if (a->exit_code == SVM_EXIT_VMMCALL) {
				t->exit_vmmcall++;
			} else {
				for (size_t k = 0; k < ARRAY_SIZE(t->other_exits); k++) {
					if (!t->other_exits[k] || t->other_exits[k] == a->exit_code) {
						t->other_exits[k] = a->exit_code;
						break;
					}
				}
				t->exit_other++;
			}
		}

		/*
		 * Enforce, same vmcb12: VMEXIT_INVALID exactly when KVM or
		 * nestvirt rejects, the same rules counted, and KVM's verdict
		 * unchanged.
		 */
		if (e->kvm_rej != (a->kvm_rej || a->nv_rej) ||
		    memcmp(e->rules, a->rules, sizeof(a->rules)) ||
		    e->hook_kvm_rej != a->hook_kvm_rej ||
		    (!e->kvm_rej && e->exit_code != a->exit_code)) {
			char erules[1024];

			rules_text(e, erules, sizeof(erules));
			print_case(c, config_of(c), g, &patches[c]);
			ksft_print_msg("  audit: exit %#lx rules%s; enforce: exit %#lx rules%s\n",
				       (unsigned long)a->exit_code, rules,
				       (unsigned long)e->exit_code, erules);
			t->failures_enforce++;
		}
	}
}

int main(int argc, char *argv[])
{
	static struct nv_patch patches[MAX_CASES], patches2[MAX_CASES];
	static struct gen_ctx ctxs[MAX_CASES], ctxs2[MAX_CASES];
	bool used[NR_GENS] = {}, used2[NR_GENS] = {};
	struct tally t = {};
	bool all_used = true;
	u32 total = 0;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	TEST_REQUIRE(kvm_cpu_has_npt());
	TEST_REQUIRE(nestvirt_get_info().backend == NESTVIRT_BACKEND_SVM);

	for (size_t i = 0; i < ARRAY_SIZE(configs); i++)
		total += configs[i].cases;
	TEST_ASSERT(total <= MAX_CASES, "corpus of %u", total);

	nv_modes_save();
	nv_catalogue_read(&cat);
	TEST_ASSERT(cat.n <= 128, "%u rules", cat.n);
	for (size_t i = 0; i < ARRAY_SIZE(kvm_unchecked_rules); i++)
		TEST_ASSERT(nv_catalogue_index(&cat, kvm_unchecked_rules[i]) >= 0,
			    "rule %s not in the catalogue", kvm_unchecked_rules[i]);

	ksft_print_header();
	ksft_set_plan(8);
	for (size_t i = 0; i < ARRAY_SIZE(configs); i++)
		ksft_print_msg("corpus part %zu: %u vmcb12s, %s\n", i, configs[i].cases,
			       configs[i].what);

	/* Audit: nestvirt counts, KVM decides. Then the same corpus in enforce. */
	run_corpus(NESTVIRT_MODE_AUDIT, audit_results, used, patches, ctxs);
	run_corpus(NESTVIRT_MODE_ENFORCE, enforce_results, used2, patches2, ctxs2);
	nv_modes_restore();
	TEST_ASSERT(!memcmp(patches, patches2, sizeof(patches)),
		    "the corpus is not deterministic");

	analyse(total, patches, ctxs, &t);

	ksft_print_msg("corpus: %u vmcb12s (seed %#llx, %d directed)\n", t.cases, CORPUS_SEED,
		       NR_DIRECTED);
	ksft_print_msg("both reject: %u (KVM after the hook: %u)\n", t.both_reject, t.kvm_late);
	ksft_print_msg("both accept: %u\n", t.both_accept);
	ksft_print_msg("KVM only: %u (documented: %u)\n", t.kvm_only, t.kvm_only_documented);
	ksft_print_msg("nestvirt only: %u\n", t.nv_only);
	ksft_print_msg("accepted by KVM, refused by the emulated CPU (EFER.LMSLE): %u\n",
		       t.emulator_rejects);
	ksft_print_msg("accepted VMRUNs: %u exited with VMMCALL, %u otherwise (exit codes:",
		       t.exit_vmmcall, t.exit_other);
	for (size_t k = 0; k < ARRAY_SIZE(t.other_exits) && t.other_exits[k]; k++)
		printf(" %#lx", (unsigned long)t.other_exits[k]);
	printf(")\n");
	ksft_print_msg("nestvirt-only rejections by rule (cases; a case may fail several):\n");
	for (u32 i = 0; i < cat.n; i++)
		if (t.nv_only_by_rule[i])
			ksft_print_msg("  %-32s %u\n", cat.rules[i].id, t.nv_only_by_rule[i]);
	ksft_print_msg("both-reject cases by rule nestvirt counted:\n");
	for (u32 i = 0; i < cat.n; i++)
		if (t.both_by_rule[i])
			ksft_print_msg("  %-32s %u\n", cat.rules[i].id, t.both_by_rule[i]);
	for (size_t k = 0; k < NR_GENS; k++) {
		if (!used[k]) {
			ksft_print_msg("field %s never mutated\n", gens[k].name);
			all_used = false;
		}
	}

	ksft_test_result(t.failures_undocumented_kvm_only == 0,
			 "kvm_rejects_implies_nestvirt_rejects (%u both, %u documented KVM-only)\n",
			 t.both_reject, t.kvm_only_documented);
	ksft_test_result(t.failures_unjustified_nv_only == 0,
			 "nestvirt_only_rejections_by_unchecked_rules (%u)\n", t.nv_only);
	ksft_test_result(t.failures_hook_verdict == 0, "hook_reports_kvm_verdict\n");
	ksft_test_result(t.failures_enforce == 0,
			 "enforce_rejects_what_kvm_or_nestvirt_rejects (same corpus)\n");
	ksft_test_result(t.failures_emulator == 0 && t.emulator_rejects > 0,
			 "emulator_refuses_only_efer_lmsle (%u)\n", t.emulator_rejects);
	ksft_test_result(t.kvm_only_documented > 0 && t.kvm_only_documented == t.kvm_only,
			 "documented_kvm_only_rejection_seen (%u)\n", t.kvm_only_documented);
	ksft_test_result(t.cases == total && t.both_reject && t.both_accept && t.nv_only,
			 "corpus_exercises_all_outcomes (%u cases)\n", t.cases);
	ksft_test_result(all_used, "corpus_mutates_every_field (%zu fields)\n", NR_GENS);
	ksft_finished();
}
