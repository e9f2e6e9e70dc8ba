// SPDX-License-Identifier: GPL-2.0-only
/*
 * svm_nestvirt_rules_test: nestvirt's VMRUN rules, live in a nested guest.
 *
 * An L1 guest builds a valid vmcb12, then, for each row of the table below,
 * a vmcb12 that violates exactly that rule, and executes VMRUN:
 *
 * - enforce mode: vmcb12's exit code is VMEXIT_INVALID (-1), the rule's
 *   counter grows by exactly one and no other counter moves;
 * - audit mode: the counter grows by exactly one and the exit code is what
 *   KVM 7.3.4 alone decides: VMEXIT_INVALID when KVM checks the rule,
 *   otherwise L2 runs (its VMMCALL exits to L1);
 * - the load-time default of mode=enforce (architectural classes enforced,
 *   hardening classes audited): a rule stricter than the APM behaves as in
 *   audit mode, so a vmcb12 hardware accepts is never rejected; every
 *   architectural rule behaves as in enforce mode.
 *
 * Before each row that mutates vmcb12, the valid vmcb12 runs twice in the row's modes and the
 * second VMRUN must be answered by replay (the hooked kvm-amd repeating
 * nestvirt's clean verdict for an identical vmcb12), so every row also
 * proves that a vmcb12 differing from a replayable one in the row's field
 * is checked again, not replayed. A change of modes forgets every
 * replayable verdict (replay/...).
 *
 * Also: the valid vmcb12 (and valid variants near the rules' edges) passes
 * in enforce mode with no counter moving; per-class modes (a class that is
 * off is neither counted nor enforced); the #GP rules of the VMRUN class
 * are decided by KVM before the hook, which never sees those VMRUNs; the
 * error paths of the mode and rule ioctls, and that a rejected SET_MODE
 * changes nothing.
 *
 * Rules this test cannot exercise in the emulated host are listed, with the
 * reason, in Documentation/nestvirt/svm-live-coverage.rst.
 */
#include "kselftest.h"

#include "svm_nestvirt_common.h"

enum kvm_verdict {
	KVM_ACCEPTS,		/* L2 runs: its VMMCALL exits to L1 */
	KVM_REJECTS,		/* nested_svm_check_cached_vmcb12() */
	KVM_REJECTS_LATE,	/* after the hook: nested_svm_load_cr3() */
};

/* What L1's CPUID must (not) have for a row to be meaningful. */
enum requirement {
	REQ_NONE,
	REQ_CET,		/* SHSTK or IBT */
	REQ_NO_SHSTK,
	REQ_NO_SEV_ES,
	REQ_NO_VNMI,
	REQ_NO_AVIC,
	REQ_NO_LBRV,
	REQ_NO_ERAPS,
	REQ_MAXPHYADDR_ABOVE_32,
};

enum mutation {
	M_NONE,
	M_LEGACY,
	M_EVENT_INTR,
	M_TLB_FLUSH_ALL,
	M_TLB_FLUSH_ASID,
	M_GPAT_WB,
	M_EFER_SVME,
	M_CR0_CD_NW,
	M_CR0_HIGH,
	M_DR6_HIGH,
	M_DR7_HIGH,
	M_LONG_PAE,
	M_LONG_PE,
	M_CR3_LONG_MBZ,
	M_LONG_CS_LD,
	M_CR4_RSVD,
	M_CR4_VMXE,
	M_EFER_MBZ,
	M_GPAT_RSVD,
	M_CR3_LEGACY_HIGH,
	M_CR3_LEGACY_MAXPHYADDR,
	M_CET_WP,
	M_S_CET_RSVD,
	M_NO_VMRUN_INTERCEPT,
	M_ASID_ZERO,
	M_NCR3_MAXPHYADDR,
	M_MSRPM_MAXPHYADDR,
	M_IOPM_MAXPHYADDR,
	M_VNMI_NO_NMI_INTERCEPT,
	M_EVENT_TYPE,
	M_EVENT_VECTOR_NMI,
	M_EVENT_VECTOR_32,
	M_EVENT_VECTOR_CP,
	M_EVENT_VECTOR_VC,
	M_EVENT_RSVD,
	M_TLB_CTL_2,
	M_MISC_SEV,
	M_MISC_NP,
	M_MISC2_V_LBR,
	M_ERAP_LARGER,
	M_ERAP_RSVD,
	M_VGIF,
	M_VNMI,
	M_AVIC,
	M_X2AVIC,
	M_INTCTL_RSVD,
	M_INT_VECTOR_RSVD,
};

static void build_patch(enum mutation m, const struct nv_l1 *l1, struct nv_patch *p)
{
	u64 above = 1ULL << l1->maxphyaddr;

	memset(p, 0, sizeof(*p));
	switch (m) {
	case M_NONE:
		break;
	case M_LEGACY:
		nv_patch_legacy(p, l1);
		break;
	case M_EVENT_INTR:
		nv_set(p, F_EVENT_INJ, SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | 0x30);
		break;
	case M_TLB_FLUSH_ALL:
		nv_set(p, F_TLB_CTL, TLB_CONTROL_FLUSH_ALL_ASID);
		break;
	case M_TLB_FLUSH_ASID:
		nv_set(p, F_TLB_CTL, TLB_CONTROL_FLUSH_ASID);
		break;
	case M_GPAT_WB:
		nv_set(p, F_G_PAT, 0x0606060606060606ULL);
		break;
	case M_EFER_SVME:
		nv_clear(p, F_EFER, EFER_SVME);
		break;
	case M_CR0_CD_NW:
		nv_patch_add(p, F_CR0, ~(u64)X86_CR0_CD, X86_CR0_NW);
		break;
	case M_CR0_HIGH:
		nv_or(p, F_CR0, 1ULL << 32);
		break;
	case M_DR6_HIGH:
		nv_or(p, F_DR6, 1ULL << 32);
		break;
	case M_DR7_HIGH:
		nv_or(p, F_DR7, 1ULL << 32);
		break;
	case M_LONG_PAE:
		nv_clear(p, F_CR4, X86_CR4_PAE);
		break;
	case M_LONG_PE:
		nv_clear(p, F_CR0, X86_CR0_PE);
		break;
	case M_CR3_LONG_MBZ:
		nv_or(p, F_CR3, above);
		break;
	case M_LONG_CS_LD:
		nv_or(p, F_CS_ATTRIB, SVM_SELECTOR_DB_MASK);
		break;
	case M_CR4_RSVD:
		nv_or(p, F_CR4, 1ULL << 15);
		break;
	case M_CR4_VMXE:
		nv_or(p, F_CR4, X86_CR4_VMXE);
		break;
	case M_EFER_MBZ:
		nv_or(p, F_EFER, 1ULL << 1);
		break;
	case M_GPAT_RSVD:
		/* PA0 = 2, a reserved memory type. */
		nv_set(p, F_G_PAT, 0x0606060606060602ULL);
		break;
	case M_CR3_LEGACY_HIGH:
		nv_patch_legacy(p, l1);
		nv_patch_add(p, F_CR3, 0xffffffffULL, 1ULL << 32);
		break;
	case M_CR3_LEGACY_MAXPHYADDR:
		nv_patch_legacy(p, l1);
		nv_or(p, F_CR3, above);
		break;
	case M_CET_WP:
		nv_patch_add(p, F_CR0, ~(u64)X86_CR0_WP, 0);
		nv_or(p, F_CR4, 1ULL << 23);	/* CR4.CET */
		break;
	case M_S_CET_RSVD:
		nv_or(p, F_S_CET, 1ULL << 6);
		break;
	case M_NO_VMRUN_INTERCEPT:
		nv_clear(p, F_INTERCEPT, 1ULL << INTERCEPT_VMRUN);
		break;
	case M_ASID_ZERO:
		nv_set(p, F_ASID, 0);
		break;
	case M_NCR3_MAXPHYADDR:
		nv_or(p, F_NCR3, above);
		break;
	case M_MSRPM_MAXPHYADDR:
		/* The map's second page is the first at MAXPHYADDR. */
		nv_set(p, F_MSRPM, above - 4096);
		break;
	case M_IOPM_MAXPHYADDR:
		nv_set(p, F_IOPM, above - 8192);
		break;
	case M_VNMI_NO_NMI_INTERCEPT:
		nv_or(p, F_INT_CTL, NV_V_NMI_ENABLE);
		break;
	case M_EVENT_TYPE:
		nv_set(p, F_EVENT_INJ, SVM_EVTINJ_VALID | (1 << SVM_EVTINJ_TYPE_SHIFT) | 0x30);
		break;
	case M_EVENT_VECTOR_NMI:
		nv_set(p, F_EVENT_INJ, SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | NMI_VECTOR);
		break;
	case M_EVENT_VECTOR_32:
		nv_set(p, F_EVENT_INJ, SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | 32);
		break;
	case M_EVENT_VECTOR_CP:
		nv_set(p, F_EVENT_INJ, SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | 21);
		break;
	case M_EVENT_VECTOR_VC:
		nv_set(p, F_EVENT_INJ, SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | 29);
		break;
	case M_EVENT_RSVD:
		nv_set(p, F_EVENT_INJ, SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | (1 << 12) | 0x30);
		break;
	case M_TLB_CTL_2:
		nv_set(p, F_TLB_CTL, 2);
		break;
	case M_MISC_SEV:
		nv_or(p, F_MISC_CTL, SVM_MISC_ENABLE_SEV);
		break;
	case M_MISC_NP:
		nv_or(p, F_MISC_CTL, SVM_MISC_ENABLE_NP);
		break;
	case M_MISC2_V_LBR:
		nv_or(p, F_MISC_CTL2, SVM_MISC2_ENABLE_V_LBR);
		break;
	case M_ERAP_LARGER:
		nv_set(p, F_ERAP_CTL, 1);
		break;
	case M_ERAP_RSVD:
		nv_set(p, F_ERAP_CTL, 4);
		break;
	case M_VGIF:
		nv_or(p, F_INT_CTL, V_GIF_ENABLE_MASK);
		break;
	case M_VNMI:
		nv_or(p, F_INT_CTL, NV_V_NMI_ENABLE);
		nv_or(p, F_INTERCEPT, 1ULL << INTERCEPT_NMI);
		break;
	case M_AVIC:
		nv_or(p, F_INT_CTL, NV_AVIC_ENABLE);
		break;
	case M_X2AVIC:
		nv_or(p, F_INT_CTL, NV_X2APIC_MODE);
		break;
	case M_INTCTL_RSVD:
		nv_or(p, F_INT_CTL, 1U << 4);
		break;
	case M_INT_VECTOR_RSVD:
		nv_set(p, F_INT_VECTOR, 0x130);
		break;
	}
}

struct rule_case {
	const char *id;		/* the rule the mutation violates; NULL: valid */
	const char *name;	/* the case */
	enum mutation mut;
	u32 cfg;
	enum kvm_verdict kvm;
	enum requirement req;
	/* The rule the mutation violates instead when L1 lacks vNMI. */
	const char *instead_without_vnmi;
};

/* Valid vmcb12s, at the edges of the rules: nothing may be counted. */
static const struct rule_case valid_cases[] = {
	{ NULL, "valid", M_NONE, 0, KVM_ACCEPTS },
	{ NULL, "valid_legacy_mode", M_LEGACY, 0, KVM_ACCEPTS },
	{ NULL, "valid_without_npt", M_NONE, CFG_NO_NPT, KVM_ACCEPTS },
	{ NULL, "valid_event_intr", M_EVENT_INTR, 0, KVM_ACCEPTS },
	{ NULL, "valid_tlb_flush_all", M_TLB_FLUSH_ALL, 0, KVM_ACCEPTS },
	{ NULL, "valid_tlb_flush_asid", M_TLB_FLUSH_ASID, 0, KVM_ACCEPTS },
	{ NULL, "valid_gpat_wb_separate_pat", M_GPAT_WB, CFG_SEPARATE_PAT, KVM_ACCEPTS },
};

/* One row per rule and violation. */
static const struct rule_case rule_cases[] = {
	{ "SVM-SAVE-EFER-SVME", "efer_svme_clear", M_EFER_SVME, 0, KVM_REJECTS },
	{ "SVM-SAVE-CR0-CD-NW", "cr0_nw_without_cd", M_CR0_CD_NW, 0, KVM_REJECTS },
	{ "SVM-SAVE-CR0-HIGH", "cr0_bit32", M_CR0_HIGH, 0, KVM_REJECTS },
	{ "SVM-SAVE-DR6-HIGH", "dr6_bit32", M_DR6_HIGH, 0, KVM_REJECTS },
	{ "SVM-SAVE-DR7-HIGH", "dr7_bit32", M_DR7_HIGH, 0, KVM_REJECTS },
	{ "SVM-SAVE-LONG-PAE", "long_mode_without_pae", M_LONG_PAE, 0, KVM_REJECTS },
	{ "SVM-SAVE-LONG-PE", "long_mode_without_pe", M_LONG_PE, 0, KVM_REJECTS },
	{ "SVM-SAVE-CR3-LONG-MBZ", "long_mode_cr3_at_maxphyaddr", M_CR3_LONG_MBZ, 0, KVM_REJECTS },
	{ "SVM-SAVE-LONG-CS-LD", "long_mode_cs_l_and_d", M_LONG_CS_LD, 0, KVM_REJECTS },
	{ "SVM-SAVE-CR4-RSVD", "cr4_bit15", M_CR4_RSVD, 0, KVM_REJECTS },
	{ "SVM-SAVE-CR4-FEATURE", "cr4_vmxe", M_CR4_VMXE, 0, KVM_REJECTS },
	{ "SVM-SAVE-EFER-LM", "efer_lme_without_lm", M_NONE, CFG_NO_LM, KVM_REJECTS },
	{ "SVM-SAVE-EFER-MBZ", "efer_bit1", M_EFER_MBZ, 0, KVM_REJECTS },
	{ "SVM-SAVE-GPAT", "gpat_type2_shared_pat", M_GPAT_RSVD, 0, KVM_ACCEPTS },
	{ "SVM-SAVE-GPAT", "gpat_type2_separate_pat", M_GPAT_RSVD, CFG_SEPARATE_PAT, KVM_REJECTS },
	{ "SVM-SAVE-CR3-LEGACY-HIGH", "legacy_cr3_bit32", M_CR3_LEGACY_HIGH, 0, KVM_ACCEPTS,
	  REQ_MAXPHYADDR_ABOVE_32 },
	{ "SVM-SAVE-CR3-LEGACY-MBZ", "legacy_cr3_at_maxphyaddr", M_CR3_LEGACY_MAXPHYADDR, 0,
	  KVM_REJECTS_LATE },
	{ "SVM-SAVE-CET-WP", "cr4_cet_without_wp", M_CET_WP, 0, KVM_ACCEPTS, REQ_CET },
	{ "SVM-SAVE-S-CET-RSVD", "s_cet_bit6", M_S_CET_RSVD, 0, KVM_ACCEPTS, REQ_CET },
	{ "SVM-CTL-VMRUN-INTERCEPT", "no_vmrun_intercept", M_NO_VMRUN_INTERCEPT, 0, KVM_REJECTS },
	{ "SVM-CTL-ASID-ZERO", "asid_zero", M_ASID_ZERO, 0, KVM_REJECTS },
	{ "SVM-CTL-NCR3-MAXPHYADDR", "ncr3_at_maxphyaddr", M_NCR3_MAXPHYADDR, 0, KVM_REJECTS },
	{ "SVM-CTL-MSRPM-MAXPHYADDR", "msrpm_crosses_maxphyaddr", M_MSRPM_MAXPHYADDR, 0, KVM_REJECTS },
	{ "SVM-CTL-IOPM-MAXPHYADDR", "iopm_crosses_maxphyaddr", M_IOPM_MAXPHYADDR, 0, KVM_REJECTS },
	{ "SVM-INTCTL-VNMI-NMI-INTERCEPT", "vnmi_without_nmi_intercept", M_VNMI_NO_NMI_INTERCEPT, 0,
	  KVM_REJECTS, REQ_NONE, "SVM-INTCTL-VNMI" },
	{ "SVM-EVENT-TYPE", "event_type1", M_EVENT_TYPE, 0, KVM_REJECTS },
	{ "SVM-EVENT-VECTOR", "event_exception_nmi_vector", M_EVENT_VECTOR_NMI, 0, KVM_REJECTS },
	{ "SVM-EVENT-VECTOR", "event_exception_vector32", M_EVENT_VECTOR_32, 0, KVM_REJECTS },
	{ "SVM-EVENT-VECTOR", "event_exception_cp_without_shstk", M_EVENT_VECTOR_CP, 0, KVM_REJECTS,
	  REQ_NO_SHSTK },
	{ "SVM-EVENT-VECTOR", "event_exception_vc_without_sev_es", M_EVENT_VECTOR_VC, 0, KVM_REJECTS,
	  REQ_NO_SEV_ES },
	{ "SVM-EVENT-RSVD", "event_bit12", M_EVENT_RSVD, 0, KVM_ACCEPTS },
	{ "SVM-CTL-TLB-CONTROL", "tlb_control2", M_TLB_CTL_2, 0, KVM_ACCEPTS },
	{ "SVM-CTL-TLB-FLUSH-ASID", "tlb_flush_asid_without_flushbyasid", M_TLB_FLUSH_ASID,
	  CFG_NO_FLUSHBYASID, KVM_ACCEPTS },
	{ "SVM-CTL-MISC-UNSUPPORTED", "misc_sev", M_MISC_SEV, 0, KVM_ACCEPTS },
	{ "SVM-CTL-MISC-UNSUPPORTED", "misc_np_without_npt", M_MISC_NP, CFG_NO_NPT, KVM_ACCEPTS },
	{ "SVM-CTL-MISC2-UNSUPPORTED", "misc2_v_lbr_without_lbrv", M_MISC2_V_LBR, 0, KVM_ACCEPTS,
	  REQ_NO_LBRV },
	{ "SVM-CTL-ERAP-UNSUPPORTED", "erap_larger_rap_without_eraps", M_ERAP_LARGER, 0, KVM_ACCEPTS,
	  REQ_NO_ERAPS },
	{ "SVM-CTL-ERAP-UNSUPPORTED", "erap_bit2", M_ERAP_RSVD, 0, KVM_ACCEPTS },
	{ "SVM-INTCTL-VGIF", "v_gif_enable_without_vgif", M_VGIF, CFG_NO_VGIF, KVM_ACCEPTS },
	{ "SVM-INTCTL-VNMI", "v_nmi_enable_without_vnmi", M_VNMI, 0, KVM_ACCEPTS, REQ_NO_VNMI },
	{ "SVM-INTCTL-AVIC", "avic_enable_without_avic", M_AVIC, 0, KVM_ACCEPTS, REQ_NO_AVIC },
	{ "SVM-INTCTL-X2AVIC", "x2apic_mode_without_avic_enable", M_X2AVIC, 0, KVM_ACCEPTS },
	{ "SVM-INTCTL-RSVD", "int_ctl_bit4", M_INTCTL_RSVD, 0, KVM_ACCEPTS },
	{ "SVM-INTCTL-VECTOR-RSVD", "int_vector_bit8", M_INT_VECTOR_RSVD, 0, KVM_ACCEPTS },
};

static struct nv_catalogue cat;
static struct nv_l1 l1;

struct observation {
	u64 exit_code;
	u64 delta[ARRAY_SIZE(cat.rules)];
	struct nestvirt_info before, after;
};

/* VMRUN of @patch in L1; what exit code and which counters moved. */
static void observe(const struct nv_patch *patch, struct observation *o)
{
	u64 before[ARRAY_SIZE(cat.rules)], after[ARRAY_SIZE(cat.rules)];

	nestvirt_rule_counters(before, cat.n);
	o->before = nestvirt_get_info();
	o->exit_code = nv_l1_vmrun(&l1, patch);
	o->after = nestvirt_get_info();
	nestvirt_rule_counters(after, cat.n);
	for (u32 i = 0; i < cat.n; i++)
		o->delta[i] = after[i] - before[i];
}

/*
 * Checks that exactly the rules @want (indices, -1 ends) moved, by one each.
 * Prints what differs; returns whether all is as wanted.
 */
static bool counters_are(const struct observation *o, const int *want, int nwant)
{
	bool ok = true;

	for (u32 i = 0; i < cat.n; i++) {
		u64 expect = 0;

		for (int w = 0; w < nwant; w++)
			if (want[w] == (int)i)
				expect = 1;
		if (o->delta[i] != expect) {
			ksft_print_msg("  counter of %s moved by %lu, want %lu\n", cat.rules[i].id,
				       (unsigned long)o->delta[i], (unsigned long)expect);
			ok = false;
		}
	}
	return ok;
}

static bool check_exit(const struct observation *o, u64 want)
{
	if (o->exit_code == want)
		return true;
	ksft_print_msg("  exit code %#lx, want %#lx\n", (unsigned long)o->exit_code,
		       (unsigned long)want);
	return false;
}

/*
 * NESTVIRT_GET_INFO moved by @want_entries nested entries (1, or 0 when
 * every class is off and the hooked kvm-amd calls nestvirt for nothing),
 * with these rejections and no entry without state.
 */
static bool check_info_n(const struct observation *o, u64 want_entries, u64 kvm_rejected,
			 u64 nv_rejected)
{
	u64 entries = o->after.nested_entries - o->before.nested_entries;
	u64 kvm = o->after.kvm_rejected - o->before.kvm_rejected;
	u64 nv = o->after.nestvirt_rejected - o->before.nestvirt_rejected;
	u64 missing = o->after.state_missing - o->before.state_missing;

	if (entries == want_entries && kvm == kvm_rejected && nv == nv_rejected && !missing)
		return true;
	ksft_print_msg("  info: entries +%lu (want %lu), kvm_rejected +%lu (want %lu), "
		       "nestvirt_rejected +%lu (want %lu), state_missing +%lu (want 0)\n",
		       (unsigned long)entries, (unsigned long)want_entries,
		       (unsigned long)kvm, (unsigned long)kvm_rejected,
		       (unsigned long)nv, (unsigned long)nv_rejected, (unsigned long)missing);
	return false;
}

static bool check_info(const struct observation *o, u64 kvm_rejected, u64 nv_rejected)
{
	return check_info_n(o, 1, kvm_rejected, nv_rejected);
}

static bool has(const struct kvm_x86_cpu_feature f)
{
	return kvm_cpuid_has(l1.vcpu->cpuid, f);
}

/* NULL when @req holds for the current L1, else why the row cannot run. */
static const char *unmet(enum requirement req)
{
	switch (req) {
	case REQ_NONE:
		return NULL;
	case REQ_CET:
		return has(X86_FEATURE_SHSTK) || has(X86_FEATURE_IBT) ? NULL :
		       "L1 has no CET (SHSTK/IBT): the emulator lacks CET";
	case REQ_NO_SHSTK:
		return has(X86_FEATURE_SHSTK) ? "L1 has shadow stacks: #CP is valid" : NULL;
	case REQ_NO_SEV_ES:
		return has(X86_FEATURE_SEV_ES) ? "L1 has SEV-ES: #VC is valid" : NULL;
	case REQ_NO_VNMI:
		return has(X86_FEATURE_VNMI) ? "L1 has vNMI" : NULL;
	case REQ_NO_AVIC:
		return has(X86_FEATURE_AVIC) ? "L1 has AVIC" : NULL;
	case REQ_NO_LBRV:
		return has(X86_FEATURE_LBRV) ? "L1 has LBRV" : NULL;
	case REQ_NO_ERAPS:
		return has(X86_FEATURE_ERAPS) ? "L1 has ERAPS" : NULL;
	case REQ_MAXPHYADDR_ABOVE_32:
		return l1.maxphyaddr > 32 ? NULL : "L1's MAXPHYADDR is 32";
	}
	return "unknown requirement";
}

/*
 * Not an ABI mode: the modes the module parameters mode=enforce and
 * hardening=audit (its default) give at load.
 */
#define MODE_ENFORCE_ARCH	3

static const char *mode_name(u32 mode)
{
	return mode == NESTVIRT_MODE_ENFORCE ? "enforce" :
	       mode == NESTVIRT_MODE_AUDIT ? "audit" :
	       mode == MODE_ENFORCE_ARCH ? "enforce_arch" : "off";
}

static bool hardening_class(u32 class)
{
	return class == NESTVIRT_SVM_CLASS_FORCED || class == NESTVIRT_SVM_CLASS_HARDENING;
}

/*
 * Sets every class to @mode; MODE_ENFORCE_ARCH enforces the architectural
 * classes and audits the hardening ones. Returns the mode the rule of class
 * @class is then in.
 */
static u32 set_row_modes(u32 mode, u32 class)
{
	if (mode != MODE_ENFORCE_ARCH) {
		nestvirt_set_mode(NESTVIRT_CLASS_ALL, mode);
		return mode;
	}
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	nestvirt_set_mode(NESTVIRT_SVM_CLASS_FORCED, NESTVIRT_MODE_AUDIT);
	nestvirt_set_mode(NESTVIRT_SVM_CLASS_HARDENING, NESTVIRT_MODE_AUDIT);
	return hardening_class(class) ? NESTVIRT_MODE_AUDIT : NESTVIRT_MODE_ENFORCE;
}

/*
 * Runs vmcb12 changed by @patch twice in the current modes: L2 must run both
 * times and the second VMRUN must be a replay. @second, if given, gets the
 * second observation. Returns whether all held.
 */
static bool runs_twice_second_replayed(const struct nv_patch *patch,
				       struct observation *second)
{
	struct observation first, again;
	u64 replayed;

	observe(patch, &first);
	observe(patch, &again);
	if (second)
		*second = again;
	replayed = again.after.replayed_entries - again.before.replayed_entries;
	if (first.exit_code == SVM_EXIT_VMMCALL && again.exit_code == SVM_EXIT_VMMCALL &&
	    replayed == 1)
		return true;
	ksft_print_msg("  the same vmcb12 twice: exit codes %#lx %#lx, second replayed %lu times "
		       "(want VMMCALL twice, once)\n", (unsigned long)first.exit_code,
		       (unsigned long)again.exit_code, (unsigned long)replayed);
	return false;
}

/* Whether @o was checked by nestvirt, not answered by replay. */
static bool check_not_replayed(const struct observation *o)
{
	u64 replayed = o->after.replayed_entries - o->before.replayed_entries;

	if (!replayed)
		return true;
	ksft_print_msg("  the VMRUN was answered by replay\n");
	return false;
}

/* One row in one mode (every class in @mode): a TAP test point. */
static void run_rule_case(const struct rule_case *rc, u32 mode)
{
	struct observation o;
	struct nv_patch patch;
	int want[1], nwant = 0;
	const char *id = rc->id;
	const char *why;
	u64 want_exit;
	u32 rule_mode;
	bool ok;

	nv_l1_use(&l1, rc->cfg);
	why = unmet(rc->req);
	if (why) {
		ksft_test_result_skip("%s/%s/%s: %s\n", rc->id, rc->name, mode_name(mode), why);
		return;
	}
	if (rc->instead_without_vnmi && !has(X86_FEATURE_VNMI))
		id = rc->instead_without_vnmi;
	want[nwant] = nv_catalogue_index(&cat, id);
	TEST_ASSERT(want[nwant] >= 0, "rule %s not in the catalogue", id);
	nwant++;

	rule_mode = set_row_modes(mode, cat.rules[want[0]].class);
	/* A row without a mutation is the valid vmcb12 in an L1 it is not valid for. */
	ok = rc->mut == M_NONE || runs_twice_second_replayed(&(struct nv_patch){}, NULL);
	build_patch(rc->mut, &l1, &patch);
	observe(&patch, &o);

	if (rule_mode == NESTVIRT_MODE_ENFORCE)
		want_exit = NV_EXIT_ERR;
	else
		want_exit = rc->kvm == KVM_ACCEPTS ? SVM_EXIT_VMMCALL : NV_EXIT_ERR;
	ok &= check_exit(&o, want_exit);
	ok &= check_not_replayed(&o);
	ok &= counters_are(&o, want, nwant);
	ok &= check_info(&o, rc->kvm == KVM_REJECTS, rule_mode == NESTVIRT_MODE_ENFORCE);
	ksft_test_result(ok, "%s/%s/%s (%s, KVM %s)\n", id, rc->name, mode_name(mode),
			 hardening_class(cat.rules[want[0]].class) ? "hardening" : "architectural",
			 rc->kvm == KVM_ACCEPTS ? "accepts" : "rejects");
}

static void test_valid_vmcb(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(valid_cases); i++) {
		const struct rule_case *vc = &valid_cases[i];
		struct observation o;
		struct nv_patch patch;
		bool ok;

		nv_l1_use(&l1, vc->cfg);
		nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
		build_patch(vc->mut, &l1, &patch);
		observe(&patch, &o);
		ok = check_exit(&o, SVM_EXIT_VMMCALL);
		ok &= counters_are(&o, NULL, 0);
		ok &= check_info(&o, 0, 0);
		ksft_test_result(ok, "valid/%s/enforce\n", vc->name);
	}
}

static void test_rules(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_cases); i++) {
		run_rule_case(&rule_cases[i], NESTVIRT_MODE_ENFORCE);
		run_rule_case(&rule_cases[i], NESTVIRT_MODE_AUDIT);
		run_rule_case(&rule_cases[i], MODE_ENFORCE_ARCH);
	}
}

/*
 * The #GP rules of the VMRUN class: KVM raises #GP before the hook, which
 * never sees the VMRUN (nested_entries does not move) and counts nothing.
 */
static void test_vmrun_gp_rules(void)
{
	static const struct {
		const char *id;
		u32 cmd;
	} gp[] = {
		{ "SVM-VMRUN-RAX-ALIGN", CMD_GP_RAX_ALIGN },
		{ "SVM-VMRUN-RAX-MAXPHYADDR", CMD_GP_RAX_MAXPHYADDR },
		{ "SVM-VMRUN-HSAVE", CMD_GP_HSAVE },
	};

	nv_l1_use(&l1, 0);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	for (size_t i = 0; i < ARRAY_SIZE(gp); i++) {
		u64 before[ARRAY_SIZE(cat.rules)], after[ARRAY_SIZE(cat.rules)];
		struct nestvirt_info ib, ia;
		u64 vector;
		bool ok;

		TEST_ASSERT(nv_catalogue_index(&cat, gp[i].id) >= 0, "rule %s not in the catalogue",
			    gp[i].id);
		nestvirt_rule_counters(before, cat.n);
		ib = nestvirt_get_info();
		vector = nv_l1_cmd(&l1, gp[i].cmd, NULL);
		ia = nestvirt_get_info();
		nestvirt_rule_counters(after, cat.n);

		ok = vector == GP_VECTOR;
		if (!ok)
			ksft_print_msg("  VMRUN raised vector %lu, want #GP\n", (unsigned long)vector);
		for (u32 r = 0; r < cat.n; r++) {
			if (after[r] != before[r]) {
				ksft_print_msg("  counter of %s moved\n", cat.rules[r].id);
				ok = false;
			}
		}
		if (ia.nested_entries != ib.nested_entries) {
			ksft_print_msg("  the hook saw the faulting VMRUN\n");
			ok = false;
		}
		ksft_test_result(ok, "%s/gp_before_hook (not counted)\n", gp[i].id);
	}
}

static void set_modes(const u32 *modes)
{
	for (u32 c = 0; c < NESTVIRT_SVM_NR_CLASSES; c++) {
		nestvirt_set_mode(c, modes[c]);
		TEST_ASSERT_EQ(nestvirt_get_mode(c), modes[c]);
	}
}

/* Every class off: the hooked kvm-amd then calls nestvirt for no entry. */
static bool all_off(const u32 *modes)
{
	for (u32 c = 0; c < NESTVIRT_SVM_NR_CLASSES; c++)
		if (modes[c] != NESTVIRT_MODE_OFF)
			return false;
	return true;
}

/*
 * Per-class modes. Violations of rules KVM does not check (in KVM's default
 * shared-PAT configuration), so that only nestvirt can fail the VMRUN:
 * SVM-SAVE-GPAT (class save, architectural) and SVM-CTL-TLB-CONTROL (class
 * hardening), alone and together.
 */
static void test_class_modes(void)
{
	enum { OFF = NESTVIRT_MODE_OFF, AUD = NESTVIRT_MODE_AUDIT, ENF = NESTVIRT_MODE_ENFORCE };
	enum { SAVE_ONLY = 1, HARD_ONLY = 2, BOTH = 3 };
	static const struct {
		const char *name;
		/* vmrun save controls event int_ctl forced hardening */
		u32 modes[NESTVIRT_SVM_NR_CLASSES];
		int which;				/* violations: SAVE_ONLY, HARD_ONLY, BOTH */
		bool err;				/* VMEXIT_INVALID */
		bool save_counted, hard_counted;
	} mc[] = {
		{ "save_enforce_hardening_off/hardening_violation",
		  { ENF, ENF, ENF, ENF, ENF, ENF, OFF }, HARD_ONLY, false, false, false },
		{ "save_enforce_hardening_off/save_violation",
		  { ENF, ENF, ENF, ENF, ENF, ENF, OFF }, SAVE_ONLY, true, true, false },
		{ "save_enforce_hardening_off/both",
		  { ENF, ENF, ENF, ENF, ENF, ENF, OFF }, BOTH, true, true, false },
		{ "save_off_hardening_enforce/save_violation",
		  { OFF, OFF, OFF, OFF, OFF, OFF, ENF }, SAVE_ONLY, false, false, false },
		{ "save_off_hardening_enforce/hardening_violation",
		  { OFF, OFF, OFF, OFF, OFF, OFF, ENF }, HARD_ONLY, true, false, true },
		{ "save_audit_hardening_off/both",
		  { AUD, AUD, AUD, AUD, AUD, AUD, OFF }, BOTH, false, true, false },
		{ "save_audit_hardening_enforce/both",
		  { AUD, AUD, AUD, AUD, AUD, AUD, ENF }, BOTH, true, true, true },
		{ "save_off_hardening_audit/both",
		  { ENF, OFF, ENF, ENF, ENF, ENF, AUD }, BOTH, false, false, true },
		/* The load-time modes of mode=enforce: hardware's verdict. */
		{ "enforce_arch/hardening_violation",
		  { ENF, ENF, ENF, ENF, ENF, AUD, AUD }, HARD_ONLY, false, false, true },
		{ "enforce_arch/both",
		  { ENF, ENF, ENF, ENF, ENF, AUD, AUD }, BOTH, true, true, true },
		{ "all_off/both",
		  { OFF, OFF, OFF, OFF, OFF, OFF, OFF }, BOTH, false, false, false },
	};
	int save_rule = nv_catalogue_index(&cat, "SVM-SAVE-GPAT");
	int hard_rule = nv_catalogue_index(&cat, "SVM-CTL-TLB-CONTROL");

	TEST_ASSERT(save_rule >= 0 && hard_rule >= 0, "rules missing from the catalogue");
	TEST_ASSERT(cat.rules[save_rule].class == NESTVIRT_SVM_CLASS_SAVE &&
		    cat.rules[hard_rule].class == NESTVIRT_SVM_CLASS_HARDENING,
		    "unexpected classes %u %u", cat.rules[save_rule].class,
		    cat.rules[hard_rule].class);
	nv_l1_use(&l1, 0);
	for (size_t i = 0; i < ARRAY_SIZE(mc); i++) {
		struct observation o;
		struct nv_patch patch;
		int want[2], nwant = 0;
		bool ok;

		set_modes(mc[i].modes);
		memset(&patch, 0, sizeof(patch));
		if (mc[i].which & SAVE_ONLY)
			build_patch(M_GPAT_RSVD, &l1, &patch);
		if (mc[i].which & HARD_ONLY)
			nv_set(&patch, F_TLB_CTL, 2);
		observe(&patch, &o);
		if (mc[i].save_counted)
			want[nwant++] = save_rule;
		if (mc[i].hard_counted)
			want[nwant++] = hard_rule;
		ok = check_exit(&o, mc[i].err ? NV_EXIT_ERR : SVM_EXIT_VMMCALL);
		ok &= counters_are(&o, want, nwant);
		ok &= check_info_n(&o, all_off(mc[i].modes) ? 0 : 1, 0, mc[i].err);
		ksft_test_result(ok, "class_modes/%s\n", mc[i].name);
	}
}

/*
 * A verdict replayable under one set of modes is not replayed under the
 * next: SVM-CTL-TLB-CONTROL violated (KVM accepts it) with the hardening
 * class off passes and is replayed; once the class is enforced, the same
 * vmcb12 fails.
 */
static void test_replay_forgets_on_mode_change(void)
{
	int ctl_rule = nv_catalogue_index(&cat, "SVM-CTL-TLB-CONTROL");
	struct observation off2, enf;
	struct nv_patch patch = {};
	bool ok;

	TEST_ASSERT(ctl_rule >= 0, "SVM-CTL-TLB-CONTROL missing from the catalogue");
	nv_l1_use(&l1, 0);
	nv_set(&patch, F_TLB_CTL, 2);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	nestvirt_set_mode(NESTVIRT_SVM_CLASS_HARDENING, NESTVIRT_MODE_OFF);
	ok = runs_twice_second_replayed(&patch, &off2);
	ok &= counters_are(&off2, NULL, 0);
	nestvirt_set_mode(NESTVIRT_SVM_CLASS_HARDENING, NESTVIRT_MODE_ENFORCE);
	observe(&patch, &enf);
	ok &= check_exit(&enf, NV_EXIT_ERR);
	ok &= check_not_replayed(&enf);
	ok &= counters_are(&enf, &ctl_rule, 1);
	ok &= check_info(&enf, 0, 1);
	ksft_test_result(ok, "replay/forgotten_when_modes_change\n");
}

static bool modes_are(const u32 *modes)
{
	for (u32 c = 0; c < NESTVIRT_SVM_NR_CLASSES; c++) {
		if (nestvirt_get_mode(c) != modes[c]) {
			ksft_print_msg("  class %u: mode %u, want %u\n", c, nestvirt_get_mode(c),
				       modes[c]);
			return false;
		}
	}
	return true;
}

static bool expect_errno(const char *what, int r, int err)
{
	if (r == -1 && errno == err)
		return true;
	ksft_print_msg("  %s: r %d errno %d (%s), want %s\n", what, r, r ? errno : 0,
		       r ? strerror(errno) : "none", strerror(err));
	return false;
}

static void test_ioctl_errors(void)
{
	static const u32 pattern[NESTVIRT_SVM_NR_CLASSES] = {
		NESTVIRT_MODE_OFF, NESTVIRT_MODE_AUDIT, NESTVIRT_MODE_ENFORCE,
		NESTVIRT_MODE_AUDIT, NESTVIRT_MODE_OFF, NESTVIRT_MODE_ENFORCE,
		NESTVIRT_MODE_AUDIT,
	};
	u64 before[ARRAY_SIZE(cat.rules)], after[ARRAY_SIZE(cat.rules)];
	struct nestvirt_mode m;
	struct nestvirt_rule rule;
	bool ok = true;
	int r;

	/* SET_MODE: each bad request fails and changes no class. */
	set_modes(pattern);
	r = __nestvirt_set_mode(NESTVIRT_SVM_NR_CLASSES, NESTVIRT_MODE_AUDIT);
	ok &= expect_errno("SET_MODE class NR_CLASSES", r, EINVAL);
	r = __nestvirt_set_mode(0xfffffffe, NESTVIRT_MODE_AUDIT);
	ok &= expect_errno("SET_MODE class 0xfffffffe", r, EINVAL);
	r = __nestvirt_set_mode(NESTVIRT_SVM_CLASS_SAVE, 3);
	ok &= expect_errno("SET_MODE mode 3", r, EINVAL);
	r = __nestvirt_set_mode(NESTVIRT_CLASS_ALL, 3);
	ok &= expect_errno("SET_MODE ALL mode 3", r, EINVAL);
	r = __nestvirt_set_mode(NESTVIRT_CLASS_ALL, 0xffffffff);
	ok &= expect_errno("SET_MODE ALL mode 0xffffffff", r, EINVAL);
	for (int i = 0; i < 3; i++) {
		m = (struct nestvirt_mode){ .class = NESTVIRT_CLASS_ALL,
					    .mode = NESTVIRT_MODE_AUDIT };
		m.reserved[i] = 1ULL << 63;
		r = __nestvirt_ioctl(NESTVIRT_SET_MODE, &m);
		ok &= expect_errno("SET_MODE reserved", r, EINVAL);
	}
	r = __nestvirt_ioctl(NESTVIRT_SET_MODE, NULL);
	ok &= expect_errno("SET_MODE NULL", r, EFAULT);
	r = __nestvirt_ioctl(NESTVIRT_SET_MODE, (void *)1);
	ok &= expect_errno("SET_MODE bad pointer", r, EFAULT);
	ok &= modes_are(pattern);
	ksft_test_result(ok, "ioctl/set_mode_errors_change_nothing\n");

	/* GET_MODE. */
	ok = true;
	m = (struct nestvirt_mode){ .class = NESTVIRT_SVM_NR_CLASSES };
	r = __nestvirt_ioctl(NESTVIRT_GET_MODE, &m);
	ok &= expect_errno("GET_MODE class NR_CLASSES", r, EINVAL);
	m = (struct nestvirt_mode){ .class = NESTVIRT_CLASS_ALL };
	r = __nestvirt_ioctl(NESTVIRT_GET_MODE, &m);
	ok &= expect_errno("GET_MODE class ALL", r, EINVAL);
	m = (struct nestvirt_mode){ .class = 0, .reserved = { 0, 0, 1 } };
	r = __nestvirt_ioctl(NESTVIRT_GET_MODE, &m);
	ok &= expect_errno("GET_MODE reserved", r, EINVAL);
	r = __nestvirt_ioctl(NESTVIRT_GET_MODE, NULL);
	ok &= expect_errno("GET_MODE NULL", r, EFAULT);
	r = __nestvirt_ioctl(NESTVIRT_GET_MODE, (void *)1);
	ok &= expect_errno("GET_MODE bad pointer", r, EFAULT);
	ok &= modes_are(pattern);
	ksft_test_result(ok, "ioctl/get_mode_errors\n");

	/* GET_RULE: ENOENT past the last rule, EINVAL for dirty input. */
	ok = true;
	nestvirt_rule_counters(before, cat.n);
	r = __nestvirt_get_rule(cat.n, &rule);
	ok &= expect_errno("GET_RULE index n", r, ENOENT);
	r = __nestvirt_get_rule(0xffffffff, &rule);
	ok &= expect_errno("GET_RULE index 0xffffffff", r, ENOENT);
	rule = (struct nestvirt_rule){ .index = 0, .class = 1 };
	r = __nestvirt_ioctl(NESTVIRT_GET_RULE, &rule);
	ok &= expect_errno("GET_RULE class set", r, EINVAL);
	rule = (struct nestvirt_rule){ .index = 0, .failures = 1 };
	r = __nestvirt_ioctl(NESTVIRT_GET_RULE, &rule);
	ok &= expect_errno("GET_RULE failures set", r, EINVAL);
	rule = (struct nestvirt_rule){ .index = 0, .id = "X" };
	r = __nestvirt_ioctl(NESTVIRT_GET_RULE, &rule);
	ok &= expect_errno("GET_RULE id set", r, EINVAL);
	rule = (struct nestvirt_rule){ .index = 0, .reserved = { 0, 0, 0, 1 } };
	r = __nestvirt_ioctl(NESTVIRT_GET_RULE, &rule);
	ok &= expect_errno("GET_RULE reserved", r, EINVAL);
	r = __nestvirt_ioctl(NESTVIRT_GET_RULE, NULL);
	ok &= expect_errno("GET_RULE NULL", r, EFAULT);
	r = __nestvirt_ioctl(NESTVIRT_GET_RULE, (void *)1);
	ok &= expect_errno("GET_RULE bad pointer", r, EFAULT);
	nestvirt_rule_counters(after, cat.n);
	ok &= !memcmp(before, after, cat.n * sizeof(before[0]));
	ksft_test_result(ok, "ioctl/get_rule_errors\n");

	/* GET_RULE output: IDs NUL-terminated and unique, classes valid, reserved zero. */
	ok = true;
	for (u32 i = 0; i < cat.n; i++) {
		const struct nestvirt_rule *ri = &cat.rules[i];

		if (ri->index != i || ri->class >= NESTVIRT_SVM_NR_CLASSES || !ri->id[0] ||
		    !memchr(ri->id, 0, sizeof(ri->id)) || ri->reserved[0] || ri->reserved[1] ||
		    ri->reserved[2] || ri->reserved[3]) {
			ksft_print_msg("  rule %u (%.48s) malformed\n", i, ri->id);
			ok = false;
		}
		for (u32 j = 0; j < i; j++)
			if (!strcmp(cat.rules[j].id, ri->id)) {
				ksft_print_msg("  rule ID %s twice\n", ri->id);
				ok = false;
			}
	}
	ksft_test_result(ok, "ioctl/get_rule_output (%u rules)\n", cat.n);
}

int main(int argc, char *argv[])
{
	size_t plan;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	TEST_REQUIRE(kvm_cpu_has_npt());
	TEST_REQUIRE(nestvirt_get_info().backend == NESTVIRT_BACKEND_SVM);

	nv_modes_save();
	nv_catalogue_read(&cat);

	plan = ARRAY_SIZE(valid_cases) + 3 * ARRAY_SIZE(rule_cases) + 3 + 11 + 1 + 4;
	ksft_print_header();
	ksft_set_plan(plan);

	nv_l1_use(&l1, 0);
	ksft_print_msg("L1: MAXPHYADDR %u, NPT %d, vGIF %d, FlushByAsid %d, vNMI %d, AVIC %d, "
		       "LBRV %d, SHSTK %d, IBT %d, ERAPS %d, SEV-ES %d\n", l1.maxphyaddr,
		       has(X86_FEATURE_NPT), has(X86_FEATURE_VGIF), has(X86_FEATURE_FLUSHBYASID),
		       has(X86_FEATURE_VNMI), has(X86_FEATURE_AVIC), has(X86_FEATURE_LBRV),
		       has(X86_FEATURE_SHSTK), has(X86_FEATURE_IBT), has(X86_FEATURE_ERAPS),
		       has(X86_FEATURE_SEV_ES));

	test_valid_vmcb();
	test_rules();
	test_vmrun_gp_rules();
	test_class_modes();
	test_replay_forgets_on_mode_change();
	test_ioctl_errors();

	nv_l1_destroy(&l1);
	nv_modes_restore();
	ksft_finished();
}
