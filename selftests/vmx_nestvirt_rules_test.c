// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx_nestvirt_rules_test: nestvirt's VM-entry rules, live on VMLAUNCH.
 *
 * An L1 guest builds a valid vmcs12 (the selftest library's), then, for each
 * row of the table below, changes one or two fields, executes VMLAUNCH from
 * a clear VMCS and reports how it ended: VMfailValid with its
 * VM-instruction error, or a VM exit with its reason and qualification.
 * Each row runs in enforce mode, in audit mode and with the row's classes
 * off, and must end the same way each time, as hardware does: the rows are
 * rules KVM checks too, so the outcome is the architecture's either way.
 * What differs is who decides, and where:
 *
 * - enforce: the named rules' counters grow by exactly one, no other
 *   counter moves; a guest-state failure is nestvirt's own (nestvirt
 *   rejected it, NESTVIRT_GET_INFO.nestvirt_rejected + 1), reported as
 *   VM exit 33 with the rule's qualification where KVM checks the guest
 *   state, not as a VMfail at the hook;
 * - audit: the same counters grow, KVM's verdict stands, nothing counts as
 *   nestvirt's rejection;
 * - off: no counter moves.
 *
 * Rows with two rules check the SDM's order: a control failure (error 7)
 * before a host-state one (8), a host-state one before a guest-state one.
 * Rows with no rule are guards: a field invalid where its rule does not
 * apply, or on its boundary (the MSR bitmap without "use MSR bitmaps", a
 * nonzero VPID, a reserved PAT without "load IA32_PAT", the largest
 * CR3-target count, an injection without the valid bit, a reserved guest
 * EFER without "load IA32_EFER"); L2 must run in every mode and no counter
 * move. The valid vmcs12 runs first and last, in enforce mode,
 * with no counter moving.
 *
 * The rules live here are listed in Documentation/nestvirt/vmx-live-coverage.rst.
 *
 * Runs under Bochs (scripts/lib/bochs-host.sh): each VMLAUNCH is a few
 * hundred milliseconds there.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "vmx.h"
#include "kselftest.h"

#include "nestvirt_util.h"
#include "vmx_nestvirt_rows.h"

struct row {
	const char *name;
	const char *rules[NV_MAX_CHANGES];	/* whose counters grow */
	u32 classes;				/* BIT(NESTVIRT_VMX_CLASS_*) the rules are in */
	u32 n;
	struct nv_change c[NV_MAX_CHANGES];
	struct nv_result want;
	bool kvm_rejects_at_hook;		/* KVM's VMfail, seen by the hook */
	bool apicv;				/* needs L1 offered APICv (skipped if not) */
};

#define KEEP		(~0ull)
#define CTL		BIT(NESTVIRT_VMX_CLASS_CONTROLS)
#define HOST		BIT(NESTVIRT_VMX_CLASS_HOST_STATE)
#define GUEST		BIT(NESTVIRT_VMX_CLASS_GUEST_STATE)

/* PIN_BASED bit 1 is a default1 bit: IA32_VMX_PINBASED_CTLS requires it. */
#define PIN_CLEAR_DEFAULT1 { PIN_BASED_VM_EXEC_CONTROL, ~(u64)BIT(1), 0 }
#define HOST_CR4_NO_VMXE { HOST_CR4, ~(u64)X86_CR4_VMXE, 0 }
#define GUEST_CR0_BIT40 { GUEST_CR0, KEEP, BIT_ULL(40) }
#define LINK_MISALIGNED { VMCS_LINK_POINTER, 0, 0x1001 }
#define MSR_BITMAPS_ON { CPU_BASED_VM_EXEC_CONTROL, KEEP, CPU_BASED_USE_MSR_BITMAPS }
#define MSR_BITMAPS_OFF { CPU_BASED_VM_EXEC_CONTROL, ~(u64)CPU_BASED_USE_MSR_BITMAPS, 0 }
#define MSR_BITMAP_MISALIGNED { MSR_BITMAP, KEEP, 0x800 }
#define SECONDARY_ON { CPU_BASED_VM_EXEC_CONTROL, KEEP, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS }
#define VPID_ON { SECONDARY_VM_EXEC_CONTROL, KEEP, SECONDARY_EXEC_ENABLE_VPID }
#define VPID(v) { VIRTUAL_PROCESSOR_ID, 0, v }
/* VM-entry interruption information: valid, type, vector. */
#define INJECT(type, vector) { VM_ENTRY_INTR_INFO_FIELD, 0, BIT(31) | (type) << 8 | (vector) }
#define GUEST_EXIT_33 { RES_EXIT, EXIT_FAILED_ENTRY(EXIT_REASON_INVALID_STATE), 0 }
#define L2_RUNS { RES_EXIT, EXIT_REASON_VMCALL, 0 }
#define PAT_ENTRY0_RESERVED { GUEST_IA32_PAT, 0, 0x0007040600070402ull }
#define HOST_EXIT_33_FREE { RES_VMFAIL, 8 }
#define CTL_FAIL { RES_VMFAIL, 7 }
#define EPT_ON { SECONDARY_VM_EXEC_CONTROL, KEEP, SECONDARY_EXEC_ENABLE_EPT }
/*
 * APIC virtualization. Page addresses are offsets into a page main()
 * allocates (the virtual-APIC page, the posted-interrupt descriptor's).
 */
#define TPR_SHADOW_ON { CPU_BASED_VM_EXEC_CONTROL, KEEP, CPU_BASED_TPR_SHADOW }
#define TPR_SHADOW_SECONDARY_ON { CPU_BASED_VM_EXEC_CONTROL, KEEP, \
				  CPU_BASED_TPR_SHADOW | CPU_BASED_ACTIVATE_SECONDARY_CONTROLS }
#define VAPIC_PAGE(off) { VIRTUAL_APIC_PAGE_ADDR, 0, off }
#define VID_ON { SECONDARY_VM_EXEC_CONTROL, KEEP, SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY }
#define EXT_INTR_ON { PIN_BASED_VM_EXEC_CONTROL, KEEP, PIN_BASED_EXT_INTR_MASK }
#define PI_PIN_ON { PIN_BASED_VM_EXEC_CONTROL, KEEP, PIN_BASED_EXT_INTR_MASK | PIN_BASED_POSTED_INTR }
#define ACK_INTR_ON { VM_EXIT_CONTROLS, KEEP, VM_EXIT_ACK_INTR_ON_EXIT }
#define PI_NV(v) { POSTED_INTR_NV, 0, v }
#define PI_DESC(off) { POSTED_INTR_DESC_ADDR, 0, off }
#define TPR_THRESHOLD_RSVD { TPR_THRESHOLD, 0, 0x10 }
/* Posted interrupts with all they need: 7 changes. */
#define PI_ALL(nv, desc) TPR_SHADOW_SECONDARY_ON, VAPIC_PAGE(0), VID_ON, PI_PIN_ON, ACK_INTR_ON, \
			 PI_NV(nv), PI_DESC(desc)

/*
 * Rows with no rule are the rules' guards: the same field invalid where
 * the rule does not apply. They must pass in every mode, or nestvirt
 * rejects what hardware accepts.
 */
static struct row rows[] = {
	{ "valid", {}, 0, 0, {}, L2_RUNS },
	{ "ctl_pin_allowed0", { "VMX-CTL-PIN-ALLOWED0" }, CTL,
	  1, { PIN_CLEAR_DEFAULT1 }, { RES_VMFAIL, 7 }, true },
	{ "ctl_msr_bitmap_align", { "VMX-CTL-MSR-BITMAP-ALIGN" }, CTL,
	  2, { MSR_BITMAPS_ON, MSR_BITMAP_MISALIGNED }, { RES_VMFAIL, 7 }, true },
	{ "guard_msr_bitmap_unused", {}, CTL,
	  2, { MSR_BITMAPS_OFF, MSR_BITMAP_MISALIGNED }, L2_RUNS },
	{ "ctl_vpid_zero", { "VMX-CTL-VPID-ZERO" }, CTL,
	  3, { SECONDARY_ON, VPID_ON, VPID(0) }, { RES_VMFAIL, 7 }, true },
	{ "guard_vpid_nonzero", {}, CTL,
	  3, { SECONDARY_ON, VPID_ON, VPID(1) }, L2_RUNS },
	{ "ctl_event_type_rsvd", { "VMX-CTL-EVENT-TYPE-RSVD" }, CTL,
	  1, { INJECT(1, 32) }, { RES_VMFAIL, 7 }, true },
	{ "ctl_event_nmi_vector", { "VMX-CTL-EVENT-NMI-VECTOR" }, CTL,
	  1, { INJECT(2, 3) }, { RES_VMFAIL, 7 }, true },
	/* CR3-target counts: L1's IA32_VMX_MISC maximum (+1), set in main(). */
	{ "ctl_cr3_target_count", { "VMX-CTL-CR3-TARGET-COUNT" }, CTL,
	  1, { { CR3_TARGET_COUNT, 0, 0 } }, CTL_FAIL, true },
	{ "guard_cr3_target_count_max", {}, CTL,
	  1, { { CR3_TARGET_COUNT, 0, 0 } }, L2_RUNS },
	{ "ctl_io_bitmap_a_align", { "VMX-CTL-IO-BITMAP-A-ALIGN" }, CTL,
	  2, { { CPU_BASED_VM_EXEC_CONTROL, KEEP, CPU_BASED_USE_IO_BITMAPS },
	       { IO_BITMAP_A, KEEP, 0x800 } }, CTL_FAIL, true },
	{ "ctl_virtual_nmis", { "VMX-CTL-VIRTUAL-NMIS" }, CTL,
	  1, { { PIN_BASED_VM_EXEC_CONTROL, ~(u64)PIN_BASED_NMI_EXITING, PIN_BASED_VIRTUAL_NMIS } },
	  CTL_FAIL, true },
	{ "ctl_nmi_window", { "VMX-CTL-NMI-WINDOW" }, CTL,
	  2, { { PIN_BASED_VM_EXEC_CONTROL, ~(u64)PIN_BASED_VIRTUAL_NMIS, 0 },
	       { CPU_BASED_VM_EXEC_CONTROL, KEEP, CPU_BASED_NMI_WINDOW_EXITING } },
	  CTL_FAIL, true },
	{ "ctl_eptp_memtype", { "VMX-CTL-EPTP-MEMTYPE" }, CTL,
	  3, { SECONDARY_ON, EPT_ON, { EPT_POINTER, 0, 0x100000 | 3 << 3 | 1 } },
	  CTL_FAIL, true },
	{ "ctl_event_hwexc_vector", { "VMX-CTL-EVENT-HWEXC-VECTOR" }, CTL,
	  1, { INJECT(3, 40) }, CTL_FAIL, true },
	{ "ctl_event_rsvd", { "VMX-CTL-EVENT-RSVD" }, CTL,
	  1, { { VM_ENTRY_INTR_INFO_FIELD, 0, BIT(31) | BIT(12) | 3 << 8 | 6 } },
	  CTL_FAIL, true },
	{ "guard_event_not_valid", {}, CTL,
	  1, { { VM_ENTRY_INTR_INFO_FIELD, 0, 1 << 8 | 32 } }, L2_RUNS },
	{ "ctl_event_insn_len_max", { "VMX-CTL-EVENT-INSN-LEN-MAX" }, CTL,
	  2, { INJECT(4, 3), { VM_ENTRY_INSTRUCTION_LEN, 0, 16 } }, CTL_FAIL, true },
	{ "ctl_entry_msr_load_align", { "VMX-CTL-ENTRY-MSR-LOAD-ALIGN" }, CTL,
	  2, { { VM_ENTRY_MSR_LOAD_COUNT, 0, 1 }, { VM_ENTRY_MSR_LOAD_ADDR, 0, 0x100008 } },
	  CTL_FAIL, true },
	{ "ctl_exit_msr_store_align", { "VMX-CTL-EXIT-MSR-STORE-ALIGN" }, CTL,
	  2, { { VM_EXIT_MSR_STORE_COUNT, 0, 1 }, { VM_EXIT_MSR_STORE_ADDR, 0, 0x100008 } },
	  CTL_FAIL, true },
	{ "host_cr4_fixed0", { "VMX-HOST-CR4-FIXED0" }, HOST,
	  1, { HOST_CR4_NO_VMXE }, { RES_VMFAIL, 8 }, true },
	{ "host_cs_sel", { "VMX-HOST-CS-SEL" }, HOST,
	  1, { { HOST_CS_SELECTOR, KEEP, 3 } }, { RES_VMFAIL, 8 }, true },
	{ "host_tr_null", { "VMX-HOST-TR-NULL" }, HOST,
	  1, { { HOST_TR_SELECTOR, 0, 0 } }, { RES_VMFAIL, 8 }, true },
	{ "host_fs_base", { "VMX-HOST-FS-BASE" }, HOST,
	  1, { { HOST_FS_BASE, 0, BIT_ULL(63) } }, { RES_VMFAIL, 8 }, true },
	{ "host_cr0_fixed1", { "VMX-HOST-CR0-FIXED1" }, HOST,
	  1, { { HOST_CR0, KEEP, BIT_ULL(40) } }, HOST_EXIT_33_FREE, true },
	{ "host_cr3_width", { "VMX-HOST-CR3-WIDTH" }, HOST,
	  1, { { HOST_CR3, KEEP, BIT_ULL(60) } }, HOST_EXIT_33_FREE, true },
	{ "host_sysenter_esp", { "VMX-HOST-SYSENTER-ESP" }, HOST,
	  1, { { HOST_IA32_SYSENTER_ESP, 0, NONCANONICAL } }, HOST_EXIT_33_FREE, true },
	{ "host_ss_sel", { "VMX-HOST-SS-SEL" }, HOST,
	  1, { { HOST_SS_SELECTOR, KEEP, 4 } }, HOST_EXIT_33_FREE, true },
	{ "host_cs_null", { "VMX-HOST-CS-NULL" }, HOST,
	  1, { { HOST_CS_SELECTOR, 0, 0 } }, HOST_EXIT_33_FREE, true },
	{ "host_gdtr_base", { "VMX-HOST-GDTR-BASE" }, HOST,
	  1, { { HOST_GDTR_BASE, 0, NONCANONICAL } }, HOST_EXIT_33_FREE, true },
	{ "host_pat", { "VMX-HOST-PAT" }, HOST,
	  2, { { VM_EXIT_CONTROLS, KEEP, VM_EXIT_LOAD_IA32_PAT },
	       { HOST_IA32_PAT, 0, 0x0007040600070402ull } }, HOST_EXIT_33_FREE, true },
	{ "host_efer_rsvd", { "VMX-HOST-EFER-RSVD" }, HOST,
	  2, { { VM_EXIT_CONTROLS, KEEP, VM_EXIT_LOAD_IA32_EFER },
	       { HOST_IA32_EFER, 0, EFER_LME | EFER_LMA | EFER_NX | BIT(1) } },
	  HOST_EXIT_33_FREE, true },
	{ "guest_cr3_width", { "VMX-GUEST-CR3-WIDTH" }, GUEST,
	  1, { { GUEST_CR3, KEEP, BIT_ULL(60) } }, GUEST_EXIT_33 },
	{ "guest_debugctl_rsvd", { "VMX-GUEST-DEBUGCTL-RSVD" }, GUEST,
	  1, { { GUEST_IA32_DEBUGCTL, 0, BIT_ULL(63) } }, GUEST_EXIT_33 },
	{ "guest_sysenter_esp", { "VMX-GUEST-SYSENTER-ESP" }, GUEST,
	  1, { { GUEST_SYSENTER_ESP, 0, NONCANONICAL } }, GUEST_EXIT_33 },
	{ "guest_efer_lma", { "VMX-GUEST-EFER-LMA" }, GUEST,
	  2, { { VM_ENTRY_CONTROLS, KEEP, VM_ENTRY_LOAD_IA32_EFER },
	       { GUEST_IA32_EFER, 0, EFER_LME | EFER_NX } }, GUEST_EXIT_33 },
	{ "guard_guest_efer_not_loaded", {}, GUEST,
	  2, { { VM_ENTRY_CONTROLS, ~(u64)VM_ENTRY_LOAD_IA32_EFER, 0 },
	       { GUEST_IA32_EFER, 0, BIT(1) } }, L2_RUNS },
	{ "guest_activity_shutdown", { "VMX-GUEST-ACTIVITY-UNSUPPORTED" }, GUEST,
	  1, { { GUEST_ACTIVITY_STATE, 0, 2 } }, GUEST_EXIT_33 },
	{ "guest_cr0_fixed1", { "VMX-GUEST-CR0-FIXED1" }, GUEST,
	  1, { GUEST_CR0_BIT40 }, GUEST_EXIT_33 },
	{ "guest_cr4_fixed0", { "VMX-GUEST-CR4-FIXED0" }, GUEST,
	  1, { { GUEST_CR4, ~(u64)X86_CR4_VMXE, 0 } }, GUEST_EXIT_33 },
	{ "guest_dr7_high", { "VMX-GUEST-DR7-HIGH" }, GUEST,
	  1, { { GUEST_DR7, KEEP, BIT_ULL(32) } }, GUEST_EXIT_33 },
	{ "guest_pat", { "VMX-GUEST-PAT" }, GUEST,
	  2, { { VM_ENTRY_CONTROLS, KEEP, VM_ENTRY_LOAD_IA32_PAT }, PAT_ENTRY0_RESERVED },
	  GUEST_EXIT_33 },
	{ "guard_guest_pat_not_loaded", {}, GUEST,
	  2, { { VM_ENTRY_CONTROLS, ~(u64)VM_ENTRY_LOAD_IA32_PAT, 0 }, PAT_ENTRY0_RESERVED },
	  L2_RUNS },
	{ "guest_link_align", { "VMX-GUEST-LINK-ALIGN" }, GUEST,
	  1, { LINK_MISALIGNED },
	  { RES_EXIT, EXIT_FAILED_ENTRY(EXIT_REASON_INVALID_STATE), 4 } },
	/* The virtual-APIC page and the TPR threshold (TPR shadow alone). */
	{ "guard_tpr_shadow", {}, CTL, 2, { TPR_SHADOW_ON, VAPIC_PAGE(0) }, L2_RUNS },
	{ "ctl_vapic_align", { "VMX-CTL-VAPIC-ALIGN" }, CTL,
	  2, { TPR_SHADOW_ON, VAPIC_PAGE(0x800) }, CTL_FAIL, true },
	{ "ctl_tpr_threshold_rsvd", { "VMX-CTL-TPR-THRESHOLD-RSVD" }, CTL,
	  3, { TPR_SHADOW_ON, VAPIC_PAGE(0), TPR_THRESHOLD_RSVD }, CTL_FAIL, true },
	/*
	 * Virtual-interrupt delivery and posted interrupts: L1 has them only
	 * where L0 has APICv (the Bochs 3.0 host); skipped elsewhere.
	 */
	{ "guard_tpr_threshold_rsvd_with_vid", {}, CTL,
	  5, { TPR_SHADOW_SECONDARY_ON, VAPIC_PAGE(0), VID_ON, EXT_INTR_ON, TPR_THRESHOLD_RSVD },
	  L2_RUNS, .apicv = true },
	{ "ctl_vid_ext_intr", { "VMX-CTL-VID-EXT-INTR" }, CTL,
	  3, { TPR_SHADOW_SECONDARY_ON, VAPIC_PAGE(0), VID_ON }, CTL_FAIL, true, true },
	{ "ctl_vid_tpr_shadow", { "VMX-CTL-VID-TPR-SHADOW" }, CTL,
	  3, { SECONDARY_ON, VID_ON, EXT_INTR_ON }, CTL_FAIL, true, true },
	/* The descriptor 64-byte aligned, not page aligned: valid (SDM). */
	{ "guard_pi_desc_64_aligned", {}, CTL, 7, { PI_ALL(0xf2, 0x40) }, L2_RUNS, .apicv = true },
	{ "ctl_pi_desc_align", { "VMX-CTL-PI-DESC-ALIGN" }, CTL,
	  7, { PI_ALL(0xf2, 0x20) }, CTL_FAIL, true, true },
	{ "ctl_pi_nv_rsvd", { "VMX-CTL-PI-NV-RSVD" }, CTL,
	  7, { PI_ALL(0x1f2, 0x40) }, CTL_FAIL, true, true },
	{ "ctl_pi_ack_intr", { "VMX-CTL-PI-ACK-INTR" }, CTL,
	  8, { PI_ALL(0xf2, 0x40), { VM_EXIT_CONTROLS, ~(u64)VM_EXIT_ACK_INTR_ON_EXIT, 0 } },
	  CTL_FAIL, true, true },
	{ "ctl_pi_vid", { "VMX-CTL-PI-VID" }, CTL,
	  8, { PI_ALL(0xf2, 0x40),
	       { SECONDARY_VM_EXEC_CONTROL, ~(u64)SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY, 0 } },
	  CTL_FAIL, true, true },
	{ "order_controls_before_host", { "VMX-CTL-PIN-ALLOWED0", "VMX-HOST-CR4-FIXED0" },
	  CTL | HOST, 2, { PIN_CLEAR_DEFAULT1, HOST_CR4_NO_VMXE }, { RES_VMFAIL, 7 }, true },
	{ "order_host_before_guest", { "VMX-HOST-CR4-FIXED0", "VMX-GUEST-LINK-ALIGN" },
	  HOST | GUEST, 2, { HOST_CR4_NO_VMXE, LINK_MISALIGNED }, { RES_VMFAIL, 8 }, true },
};

static struct kvm_vm *vm;
static struct kvm_vcpu *vcpu;
static u32 nr_rules;
/* Whether L1 is offered virtual-interrupt delivery and posted interrupts. */
static bool l1_has_apicv;

/* One VMLAUNCH of the valid vmcs12 with @r's changes. */
static struct nv_result launch(const struct row *r)
{
	return nv_launch(vm, vcpu, r->n, r->c);
}

static void set_modes(u32 classes, u32 mode)
{
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	for (u32 c = 0; c < NESTVIRT_VMX_NR_CLASSES; c++)
		if (classes & BIT(c))
			nestvirt_set_mode(c, mode);
}

/* Runs @r in @mode and checks the outcome and every counter. */
static void check_row(const struct row *r, u32 mode)
{
	static const char *const mode_name[] = { "off", "audit", "enforce" };
	u64 before[512], after[512];
	struct nestvirt_info ib, ia;
	struct nv_result got;
	u64 want_growth[512] = {};

	TEST_ASSERT(nr_rules <= 512, "%u rules", nr_rules);
	if (r->apicv && !l1_has_apicv) {
		ksft_test_result_skip("%s/%s: L1 has no APICv controls (L0 without APICv)\n",
				      r->name, mode_name[mode]);
		return;
	}
	set_modes(r->classes, mode);
	for (int i = 0; i < NV_MAX_CHANGES && r->rules[i]; i++) {
		int idx = nestvirt_rule_index(r->rules[i]);

		TEST_ASSERT(idx >= 0, "no rule %s in the catalogue", r->rules[i]);
		if (mode != NESTVIRT_MODE_OFF)
			want_growth[idx] = 1;
	}
	nestvirt_rule_counters(before, nr_rules);
	ib = nestvirt_get_info();
	got = launch(r);
	ia = nestvirt_get_info();
	nestvirt_rule_counters(after, nr_rules);

	TEST_ASSERT(got.kind == r->want.kind && got.a == r->want.a && got.b == r->want.b,
		    "%s (%s): got %s %#lx qual %#lx, want %s %#lx qual %#lx", r->name,
		    mode_name[mode], got.kind == RES_VMFAIL ? "VMfail" : "exit", got.a, got.b,
		    r->want.kind == RES_VMFAIL ? "VMfail" : "exit", r->want.a, r->want.b);
	for (u32 i = 0; i < nr_rules; i++) {
		struct nestvirt_rule rule;

		__nestvirt_get_rule(i, &rule);
		TEST_ASSERT(after[i] - before[i] == want_growth[i],
			    "%s (%s): %s grew by %lu, want %lu", r->name, mode_name[mode],
			    rule.id, after[i] - before[i], want_growth[i]);
	}
	TEST_ASSERT(ia.nested_entries - ib.nested_entries == 1,
		    "%s: %llu entries seen, want 1", r->name, ia.nested_entries - ib.nested_entries);
	TEST_ASSERT(ia.kvm_rejected - ib.kvm_rejected == r->kvm_rejects_at_hook,
		    "%s (%s): kvm_rejected grew by %llu", r->name, mode_name[mode],
		    ia.kvm_rejected - ib.kvm_rejected);
	/* nestvirt's own rejection: enforced, and KVM had not failed it already. */
	TEST_ASSERT(ia.nestvirt_rejected - ib.nestvirt_rejected ==
		    (mode == NESTVIRT_MODE_ENFORCE && r->rules[0] && !r->kvm_rejects_at_hook),
		    "%s (%s): nestvirt_rejected grew by %llu", r->name, mode_name[mode],
		    ia.nestvirt_rejected - ib.nestvirt_rejected);
	ksft_test_result_pass("%s/%s\n", r->name, mode_name[mode]);
}

/*
 * The rows' virtual-APIC and posted-interrupt descriptor addresses are
 * offsets into pages of L1's memory: make them addresses.
 */
static void place_apicv_pages(void)
{
	gpa_t vapic = addr_gva2gpa(vm, vm_alloc_page(vm));
	gpa_t pid = addr_gva2gpa(vm, vm_alloc_page(vm));

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		for (u32 j = 0; j < rows[i].n; j++) {
			if (rows[i].c[j].field == VIRTUAL_APIC_PAGE_ADDR)
				rows[i].c[j].or += vapic;
			if (rows[i].c[j].field == POSTED_INTR_DESC_ADDR)
				rows[i].c[j].or += pid;
		}
}

int main(int argc, char *argv[])
{
	u32 saved_modes[NESTVIRT_VMX_NR_CLASSES];
	u64 cr3_targets;
	u32 c;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));
	nestvirt_check_info(NESTVIRT_BACKEND_VMX);
	nr_rules = nestvirt_nr_rules();
	for (c = 0; c < NESTVIRT_VMX_NR_CLASSES; c++)
		saved_modes[c] = nestvirt_get_mode(c);

	ksft_print_header();
	ksft_set_plan(3 * (ARRAY_SIZE(rows) - 1) + 2);

	vm = nv_rows_vm(&vcpu);
	cr3_targets = (vcpu_get_msr(vcpu, MSR_IA32_VMX_MISC) >> 16) & 0x1ff;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		if (!strcmp(rows[i].name, "ctl_cr3_target_count"))
			rows[i].c[0].or = cr3_targets + 1;
		if (!strcmp(rows[i].name, "guard_cr3_target_count_max"))
			rows[i].c[0].or = cr3_targets;
	}
	ksft_print_msg("L1's IA32_VMX_MISC allows %lu CR3-target values\n", cr3_targets);
	l1_has_apicv = (vcpu_get_msr(vcpu, MSR_IA32_VMX_TRUE_PINBASED_CTLS) >> 32 &
			PIN_BASED_POSTED_INTR) &&
		       (vcpu_get_msr(vcpu, MSR_IA32_VMX_PROCBASED_CTLS2) >> 32 &
			SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY);
	ksft_print_msg("L1 %s virtual-interrupt delivery and posted interrupts\n",
		       l1_has_apicv ? "has" : "has no");
	place_apicv_pages();

	check_row(&rows[0], NESTVIRT_MODE_ENFORCE);
	for (size_t i = 1; i < ARRAY_SIZE(rows); i++) {
		check_row(&rows[i], NESTVIRT_MODE_ENFORCE);
		check_row(&rows[i], NESTVIRT_MODE_AUDIT);
		check_row(&rows[i], NESTVIRT_MODE_OFF);
	}
	check_row(&rows[0], NESTVIRT_MODE_ENFORCE);

	nv_rows_done(vm, vcpu);
	for (c = 0; c < NESTVIRT_VMX_NR_CLASSES; c++)
		nestvirt_set_mode(c, saved_modes[c]);
	ksft_finished();
}
