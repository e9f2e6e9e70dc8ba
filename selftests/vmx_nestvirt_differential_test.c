// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx_nestvirt_differential_test: nestvirt's VMX catalogue against KVM's own
 * VM-entry checks, over one generated corpus of vmcs12s, live.
 *
 * An L1 guest builds the selftest library's valid vmcs12; the host
 * generates a corpus (fixed seed) of that vmcs12 with one or two fields
 * changed: one bit flipped, in a field drawn from the table below, at a
 * bit drawn from the bits the table allows for that field. Each vmcs12 is
 * VMLAUNCHed from a clear VMCS with every nestvirt class in audit mode, so
 * KVM (and, behind it, the emulated CPU running vmcs02) alone decides how
 * the VMLAUNCH ends, and nestvirt's per-rule counters say what its
 * catalogue found. Then:
 *
 * - every vmcs12 KVM rejects (VMfailValid, or VM exit 33 or 34 with the
 *   failed-entry bit) must fail at least one nestvirt rule
 *   (differential/kvm_rejects_nestvirt_rejects);
 * - the first rule nestvirt counts, in the SDM's check order, must be of
 *   the class whose consequence KVM gave: controls for VMfailValid 7,
 *   host state for 8, guest state for exit 33
 *   (differential/same_consequence);
 * - every vmcs12 only nestvirt rejects is listed by rule (the table the
 *   test prints; Documentation/nestvirt/vmx-differential.rst gives the
 *   SDM sentence that decides each).
 *
 * The host-state bits are those whose flip an L1 survives when the entry
 * succeeds (L1 resumes on the host state of vmcs12): the selectors' TI and
 * RPL, the non-canonical bits of the bases and of RIP, CR0/CR4 bits an
 * entry checks, reserved PAT types. MSR-list counts are left to
 * vmx_nestvirt_msr_list_test (a list at address 0 would load L1 memory as
 * MSRs), and the activity state never gets HLT or shutdown (L2 would never
 * come back).
 *
 * A vmcs12 the entry accepts may leave L2 anywhere (a flipped CR3 or RIP,
 * an injected event): every corpus entry also sets "HLT exiting" and the
 * VMX-preemption timer, both valid, so that L2 comes back to L1 whatever
 * it runs into (a halt, a loop) instead of hanging the test, and
 * intercepts every exception: L2 shares L1's IDT, whose handlers would
 * report L2's fault (e.g. a non-canonical RIP KVM let through) as L1's.
 *
 * A field the emulated CPU's VMCS lacks (L1's VMWRITE fails) ends that
 * entry unlaunched; such entries are counted as skipped and named.
 *
 * NV_CORPUS=N in the environment sets the corpus size (default 1000). Each
 * entry is announced on /dev/console before its VMLAUNCH, so that a run
 * cut short names the vmcs12 it stopped at.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "vmx.h"
#include "kselftest.h"

#include "nestvirt_util.h"
#include "vmx_nestvirt_rows.h"

#define CORPUS_SEED	0x6e657374766d78ull	/* "nestvmx" */
#define MAX_RULES	512

#define ALL16	0xffffull
#define ALL32	0xffffffffull
#define ALL64	(~0ull)
#define ABOVE_BIT_46	(~0ull << 47)

static const struct {
	const char *name;
	u64 field;
	u64 bits;	/* the bits a flip may hit */
} fields[] = {
	/* VM-execution, VM-exit and VM-entry controls */
	/* Not the backstops' bits (below): L2 must come back. */
	{ "pin_controls", PIN_BASED_VM_EXEC_CONTROL, ALL32 & ~PIN_BASED_VMX_PREEMPTION_TIMER },
	{ "proc_controls", CPU_BASED_VM_EXEC_CONTROL, ALL32 & ~CPU_BASED_HLT_EXITING },
	{ "proc2_controls", SECONDARY_VM_EXEC_CONTROL, ALL32 },
	{ "exit_controls", VM_EXIT_CONTROLS, ALL32 },
	{ "entry_controls", VM_ENTRY_CONTROLS, ALL32 },
	{ "entry_intr_info", VM_ENTRY_INTR_INFO_FIELD, ALL32 },
	{ "entry_error_code", VM_ENTRY_EXCEPTION_ERROR_CODE, ALL32 },
	{ "entry_insn_len", VM_ENTRY_INSTRUCTION_LEN, 0xff },
	{ "tpr_threshold", TPR_THRESHOLD, ALL32 },
	{ "cr3_target_count", CR3_TARGET_COUNT, 0x3ff },
	{ "vpid", VIRTUAL_PROCESSOR_ID, ALL16 },
	{ "ept_pointer", EPT_POINTER, ALL64 },
	{ "io_bitmap_a", IO_BITMAP_A, ALL64 },
	{ "io_bitmap_b", IO_BITMAP_B, ALL64 },
	{ "msr_bitmap", MSR_BITMAP, ALL64 },
	{ "virtual_apic_page", VIRTUAL_APIC_PAGE_ADDR, ALL64 },
	{ "apic_access_page", APIC_ACCESS_ADDR, ALL64 },
	{ "vmread_bitmap", VMREAD_BITMAP, ALL64 },
	/* host state */
	{ "host_cr0", HOST_CR0, BIT_ULL(0) | BIT_ULL(5) | BIT_ULL(31) | (~0ull << 32) },
	{ "host_cr4", HOST_CR4, BIT_ULL(5) | BIT_ULL(13) | (~0ull << 32) },
	{ "host_cr3", HOST_CR3, ~0ull << 52 },
	{ "host_es_selector", HOST_ES_SELECTOR, 0x7 },
	{ "host_cs_selector", HOST_CS_SELECTOR, 0x7 },
	{ "host_ss_selector", HOST_SS_SELECTOR, 0x7 },
	{ "host_ds_selector", HOST_DS_SELECTOR, 0x7 },
	{ "host_fs_selector", HOST_FS_SELECTOR, 0x7 },
	{ "host_gs_selector", HOST_GS_SELECTOR, 0x7 },
	{ "host_tr_selector", HOST_TR_SELECTOR, 0x7 },
	{ "host_fs_base", HOST_FS_BASE, ABOVE_BIT_46 },
	{ "host_gs_base", HOST_GS_BASE, ABOVE_BIT_46 },
	{ "host_tr_base", HOST_TR_BASE, ABOVE_BIT_46 },
	{ "host_gdtr_base", HOST_GDTR_BASE, ABOVE_BIT_46 },
	{ "host_idtr_base", HOST_IDTR_BASE, ABOVE_BIT_46 },
	{ "host_sysenter_esp", HOST_IA32_SYSENTER_ESP, ABOVE_BIT_46 },
	{ "host_sysenter_eip", HOST_IA32_SYSENTER_EIP, ABOVE_BIT_46 },
	{ "host_rip", HOST_RIP, ABOVE_BIT_46 },
	{ "host_efer", HOST_IA32_EFER, ~(BIT_ULL(0) | BIT_ULL(11)) },
	{ "host_pat", HOST_IA32_PAT, 0xf8f8f8f8f8f8f8f8ull },
	/* guest state */
	{ "guest_cr0", GUEST_CR0, ALL64 },
	/*
	 * Not the page-frame bits: L2 on another page table hung the emulated
	 * host (L0 stopped answering signals) at a CS-selector-and-CR3 entry.
	 */
	{ "guest_cr3", GUEST_CR3, ~0ull << 40 },
	{ "guest_cr4", GUEST_CR4, ALL64 },
	{ "guest_dr7", GUEST_DR7, ALL64 },
	{ "guest_rflags", GUEST_RFLAGS, ALL64 },
	{ "guest_rip", GUEST_RIP, ABOVE_BIT_46 },
	{ "guest_efer", GUEST_IA32_EFER, ALL64 },
	{ "guest_pat", GUEST_IA32_PAT, ALL64 },
	{ "guest_debugctl", GUEST_IA32_DEBUGCTL, ALL64 },
	{ "guest_sysenter_esp", GUEST_SYSENTER_ESP, ALL64 },
	{ "guest_sysenter_eip", GUEST_SYSENTER_EIP, ALL64 },
	{ "guest_interruptibility", GUEST_INTERRUPTIBILITY_INFO, ALL32 },
	{ "guest_activity_state", GUEST_ACTIVITY_STATE, ALL32 & ~3ull },
	{ "guest_pending_dbg", GUEST_PENDING_DBG_EXCEPTIONS, ALL64 },
	{ "vmcs_link_pointer", VMCS_LINK_POINTER, ALL64 },
	{ "guest_es_selector", GUEST_ES_SELECTOR, ALL16 },
	{ "guest_cs_selector", GUEST_CS_SELECTOR, ALL16 },
	{ "guest_ss_selector", GUEST_SS_SELECTOR, ALL16 },
	{ "guest_tr_selector", GUEST_TR_SELECTOR, ALL16 },
	{ "guest_ldtr_selector", GUEST_LDTR_SELECTOR, ALL16 },
	{ "guest_cs_base", GUEST_CS_BASE, ALL64 },
	{ "guest_ss_base", GUEST_SS_BASE, ALL64 },
	{ "guest_fs_base", GUEST_FS_BASE, ALL64 },
	{ "guest_tr_base", GUEST_TR_BASE, ALL64 },
	{ "guest_ldtr_base", GUEST_LDTR_BASE, ALL64 },
	{ "guest_gdtr_base", GUEST_GDTR_BASE, ALL64 },
	{ "guest_cs_limit", GUEST_CS_LIMIT, ALL32 },
	{ "guest_ss_limit", GUEST_SS_LIMIT, ALL32 },
	{ "guest_tr_limit", GUEST_TR_LIMIT, ALL32 },
	{ "guest_gdtr_limit", GUEST_GDTR_LIMIT, ALL32 },
	{ "guest_es_ar", GUEST_ES_AR_BYTES, ALL32 },
	{ "guest_cs_ar", GUEST_CS_AR_BYTES, ALL32 },
	{ "guest_ss_ar", GUEST_SS_AR_BYTES, ALL32 },
	{ "guest_ds_ar", GUEST_DS_AR_BYTES, ALL32 },
	{ "guest_fs_ar", GUEST_FS_AR_BYTES, ALL32 },
	{ "guest_tr_ar", GUEST_TR_AR_BYTES, ALL32 },
	{ "guest_ldtr_ar", GUEST_LDTR_AR_BYTES, ALL32 },
};

static u64 rng = CORPUS_SEED;

static u64 rnd(void)
{
	return nv_xorshift64s(&rng);
}

/* A uniformly drawn set bit of @mask (not 0). */
static u64 pick_bit(u64 mask)
{
	u32 n = __builtin_popcountll(mask), k = rnd() % n;

	for (;;) {
		u64 low = mask & -mask;

		if (!k--)
			return low;
		mask &= mask - 1;
	}
}

/* L2 always comes back: HLT exits, and the preemption timer runs out. */
#define NV_BACKSTOPS	4
static const struct nv_change backstops[NV_BACKSTOPS] = {
	{ .field = CPU_BASED_VM_EXEC_CONTROL, .and = ~0ull, .or = CPU_BASED_HLT_EXITING },
	{ .field = PIN_BASED_VM_EXEC_CONTROL, .and = ~0ull, .or = PIN_BASED_VMX_PREEMPTION_TIMER },
	{ .field = VMX_PREEMPTION_TIMER_VALUE, .and = 0, .or = 0x100000 },
	{ .field = EXCEPTION_BITMAP, .and = 0, .or = 0xffffffff },
};

/*
 * One corpus entry: the backstops, then one or (a quarter of the time) two
 * bit flips; @c gets them all, @which the flipped fields. Returns the
 * number of flips.
 */
static u32 generate(struct nv_change *all, u32 *which)
{
	struct nv_change *c = all + NV_BACKSTOPS;
	u32 n = rnd() % 4 ? 1 : 2;

	memcpy(all, backstops, sizeof(backstops));
	for (u32 i = 0; i < n; i++) {
		u32 f = rnd() % ARRAY_SIZE(fields);
		u64 bit = pick_bit(fields[f].bits);

		which[i] = f;
		c[i] = (struct nv_change){ .field = fields[f].field, .and = ~0ull, .xor = bit };
	}
	return n;
}

static struct kvm_vm *vm;
static struct kvm_vcpu *vcpu;
static u32 nr_rules;
static struct nestvirt_rule rules[MAX_RULES];

/* KVM's verdict: 0 accepted, else the VMfail error or 1000 + exit reason. */
static u64 kvm_verdict(const struct nv_result *r)
{
	if (r->kind == RES_VMFAIL)
		return r->a;
	if (r->a & 0x80000000u)
		return 1000 + (r->a & 0xffff);
	return 0;
}

/* The verdict the class of nestvirt's first counted rule stands for. */
static u64 class_verdict(u32 class)
{
	switch (class) {
	case NESTVIRT_VMX_CLASS_CONTROLS:
		return 7;
	case NESTVIRT_VMX_CLASS_HOST_STATE:
		return 8;
	case NESTVIRT_VMX_CLASS_GUEST_STATE:
		return 1000 + EXIT_REASON_INVALID_STATE;
	case NESTVIRT_VMX_CLASS_MSR_LIST:
		return 1000 + EXIT_REASON_MSR_LOAD_FAIL;
	}
	return ~0ull;	/* hardening: a KVM policy; any verdict */
}

int main(int argc, char *argv[])
{
	u32 corpus = getenv("NV_CORPUS") ? atoi(getenv("NV_CORPUS")) : 1000;
	FILE *console = fopen("/dev/console", "w");
	u64 only_nestvirt[MAX_RULES] = {}, before[MAX_RULES], after[MAX_RULES];
	u32 saved_modes[NESTVIRT_VMX_NR_CLASSES];
	u32 accepted = 0, both = 0, nestvirt_only = 0, missed = 0, mismatched = 0, skipped = 0;
	u32 by_verdict[4] = {};	/* VMfail 7, VMfail 8, exit 33, other */

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));
	nestvirt_check_info(NESTVIRT_BACKEND_VMX);
	nr_rules = nestvirt_nr_rules();
	TEST_ASSERT(nr_rules <= MAX_RULES, "%u rules", nr_rules);
	for (u32 i = 0; i < nr_rules; i++)
		TEST_ASSERT(!__nestvirt_get_rule(i, &rules[i]), "GET_RULE %u", i);
	for (u32 c = 0; c < NESTVIRT_VMX_NR_CLASSES; c++)
		saved_modes[c] = nestvirt_get_mode(c);

	ksft_print_header();
	ksft_set_plan(3);
	vm = nv_rows_vm(&vcpu);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_AUDIT);
	nv_row.field_may_be_missing = 1;

	/* The valid vmcs12 runs L2, and nothing is counted. */
	nestvirt_rule_counters(before, nr_rules);
	{
		struct nv_result r = nv_launch(vm, vcpu, NV_BACKSTOPS, backstops);

		TEST_ASSERT(r.kind == RES_EXIT && r.a == EXIT_REASON_VMCALL,
			    "the valid vmcs12: kind %lu reason %#lx", r.kind, r.a);
	}
	nestvirt_rule_counters(after, nr_rules);
	for (u32 i = 0; i < nr_rules; i++)
		TEST_ASSERT(after[i] == before[i], "the valid vmcs12 fails %s", rules[i].id);

	ksft_print_msg("corpus: %u vmcs12s, seed %#llx, %zu fields\n", corpus, CORPUS_SEED,
		       ARRAY_SIZE(fields));
	for (u32 k = 0; k < corpus; k++) {
		struct nv_change all[NV_BACKSTOPS + 2], *c = all + NV_BACKSTOPS;
		u32 which[2], n = generate(all, which);
		int first = -1;
		struct nv_result r;
		u64 kvm, want;

		if (console) {
			fprintf(console, "# vmx differential %u: %s bit %d", k,
				fields[which[0]].name, __builtin_ctzll(c[0].xor));
			if (n > 1)
				fprintf(console, ", %s bit %d", fields[which[1]].name,
					__builtin_ctzll(c[1].xor));
			fprintf(console, "\n");
			fflush(console);
		}
		nestvirt_rule_counters(before, nr_rules);
		r = nv_launch(vm, vcpu, NV_BACKSTOPS + n, all);
		nestvirt_rule_counters(after, nr_rules);
		if (r.kind == RES_NO_FIELD) {
			skipped++;
			ksft_print_msg("  entry %u not launched: L1's VMCS has no field %#lx\n", k,
				       (unsigned long)r.a);
			continue;
		}
		kvm = kvm_verdict(&r);
		for (u32 i = 0; i < nr_rules; i++) {
			if (after[i] != before[i] && first < 0)
				first = i;
		}
		by_verdict[kvm == 7 ? 0 : kvm == 8 ? 1 :
			   kvm == 1000 + EXIT_REASON_INVALID_STATE ? 2 : 3]++;
		if (!kvm && first < 0) {
			accepted++;
			continue;
		}
		if (kvm && first < 0) {
			missed++;
			ksft_print_msg("  KVM rejects (%s %lu), nestvirt counts nothing: %s bit %d%s%s\n",
				       r.kind == RES_VMFAIL ? "VMfail" : "exit",
				       (unsigned long)(r.a & 0xffff), fields[which[0]].name,
				       __builtin_ctzll(c[0].xor), n > 1 ? ", " : "",
				       n > 1 ? fields[which[1]].name : "");
			continue;
		}
		if (!kvm) {
			nestvirt_only++;
			for (u32 i = 0; i < nr_rules; i++)
				if (after[i] != before[i])
					only_nestvirt[i]++;
			continue;
		}
		both++;
		want = class_verdict(rules[first].class);
		if (want != ~0ull && want != kvm) {
			mismatched++;
			ksft_print_msg("  KVM: %s %lu; nestvirt's first rule %s (%s bit %d%s%s)\n",
				       r.kind == RES_VMFAIL ? "VMfail" : "exit",
				       (unsigned long)(r.a & 0xffff), rules[first].id,
				       fields[which[0]].name, __builtin_ctzll(c[0].xor),
				       n > 1 ? ", " : "", n > 1 ? fields[which[1]].name : "");
		}
	}

	ksft_print_msg("KVM: %u VMfail 7, %u VMfail 8, %u exit 33, %u other (L2 ran or other)\n",
		       by_verdict[0], by_verdict[1], by_verdict[2], by_verdict[3]);
	ksft_print_msg("both accept %u, both reject %u, only nestvirt rejects %u, "
		       "only KVM rejects %u, different consequence %u, not launched %u\n",
		       accepted, both, nestvirt_only, missed, mismatched, skipped);
	ksft_print_msg("rejected by nestvirt only, by rule (vmcs12s):\n");
	for (u32 i = 0; i < nr_rules; i++)
		if (only_nestvirt[i])
			ksft_print_msg("  %-34s %lu\n", rules[i].id, (unsigned long)only_nestvirt[i]);

	ksft_test_result(!missed, "differential/kvm_rejects_nestvirt_rejects\n");
	ksft_test_result(!mismatched, "differential/same_consequence\n");
	ksft_test_result(both > 0 && accepted > 0,
			 "differential/corpus_has_both_verdicts\n");

	if (console)
		fclose(console);
	nv_rows_done(vm, vcpu);
	for (u32 c = 0; c < NESTVIRT_VMX_NR_CLASSES; c++)
		nestvirt_set_mode(c, saved_modes[c]);
	ksft_finished();
}
