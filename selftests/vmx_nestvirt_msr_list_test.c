// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx_nestvirt_msr_list_test: the VM-entry MSR-load, VM-exit MSR-store and
 * VM-exit MSR-load lists (SDM 27.4, 28.4, 28.6), live, with nestvirt
 * deciding each entry.
 *
 * The host writes the lists into L1's memory; L1 points vmcs12 at them and
 * executes VMLAUNCH. L2 reads IA32_KERNEL_GS_BASE (the value the VM-entry
 * list loaded), writes a value of its own and executes VMCALL. Checked:
 *
 * - empty lists, one entry, and the maximum count L1's IA32_VMX_MISC
 *   allows: L2 reads the value the last entry loaded;
 * - a failing VM-entry entry of each kind (IA32_FS_BASE, an x2APIC MSR,
 *   IA32_SMM_MONITOR_CTL outside SMM, a microcode MSR, reserved bits set,
 *   a value WRMSR refuses) at the first, a middle and the last position of
 *   a list: VM exit 34 with the failed-entry bit and the entry's 1-based
 *   position as qualification; the entries before it took effect (L1
 *   reads the last one's value); the rule's counter grows by one, in
 *   enforce and in audit mode (where KVM decides, and counts the x2APIC
 *   MSR as a refused WRMSR too);
 * - the VM-exit MSR-store list: L1 finds L2's IA32_KERNEL_GS_BASE, and
 *   IA32_TSC stored at two exits apart by what L1's TSC advanced between
 *   them (see store_tsc_once());
 * - the VM-exit MSR-load list: L1 runs on with the value it loaded;
 * - a VM-exit MSR-store entry for IA32_SMBASE outside SMM: VMX abort,
 *   which KVM turns into a shutdown of L1; the rule's counter grows;
 * - a failing VM-exit MSR-load entry of each kind at the first, a middle
 *   and the last position (enforce; audit at the middle one, where KVM
 *   decides): VMX abort, L1 shut down, the entries before it loaded (the
 *   host reads L1's IA32_KERNEL_GS_BASE), exactly the rule's counters
 *   moved. Each abort ends its VM: every case gets a new one.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "vmx.h"
#include "kselftest.h"

#include "nestvirt_util.h"
#include "vmx_nestvirt_common.h"



#define EXIT_REASON_MSR_LOAD_FAIL 34

#define MSR_SMM_MONITOR_CTL	0x9b
#define MSR_SMBASE		0x9e
#define MSR_UCODE_WRITE		0x79
#define MSR_X2APIC_TPR		0x808

#define L1_KGS		0x1111000ull	/* L1's IA32_KERNEL_GS_BASE before each launch */
#define L2_KGS		0x2222000ull	/* what L2 writes */
#define MAX_ENTRIES	4096		/* 512 * 8: the most IA32_VMX_MISC can allow */
#define LIST_PAGES	(MAX_ENTRIES * 16 / 4096)

struct msr_entry {
	u32 index;
	u32 reserved;
	u64 value;
};

/* Set by the host before each launch. */
static struct {
	u64 quit;
	u64 gpa[3];		/* entry load, exit store, exit load */
	u32 count[3];
} nv_lists;

/* Set by L1/L2, read by the host. */
static u64 l2_seen, tsc_before, tsc_after;

static void l2_guest_code(void)
{
	for (;;) {
		l2_seen = rdmsr(MSR_KERNEL_GS_BASE);
		wrmsr(MSR_KERNEL_GS_BASE, L2_KGS);
		vmcall();
	}
}

static void l1_guest_code(struct vmx_pages *vmx)
{
	u64 kind, a, b, l2_rip, l2_rsp;

	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	prepare_vmcs(vmx, l2_guest_code);
	l2_rip = vmreadz(GUEST_RIP);
	l2_rsp = vmreadz(GUEST_RSP);

	for (;;) {
		GUEST_SYNC(STAGE_READY);
		if (nv_lists.quit)
			GUEST_DONE();
		GUEST_ASSERT(!vmclear(vmx->vmcs_gpa));
		GUEST_ASSERT(!vmptrld(vmx->vmcs_gpa));
		/* L2 starts over: it reads what this entry's list loaded. */
		GUEST_ASSERT(!vmwrite(GUEST_RIP, l2_rip));
		GUEST_ASSERT(!vmwrite(GUEST_RSP, l2_rsp));
		/* L2's RDMSR/WRMSR of IA32_KERNEL_GS_BASE do not exit. */
		GUEST_ASSERT(!vmwrite(CPU_BASED_VM_EXEC_CONTROL,
				      vmreadz(CPU_BASED_VM_EXEC_CONTROL) |
				      CPU_BASED_USE_MSR_BITMAPS));
		GUEST_ASSERT(!vmwrite(VM_ENTRY_MSR_LOAD_ADDR, nv_lists.gpa[0]));
		GUEST_ASSERT(!vmwrite(VM_ENTRY_MSR_LOAD_COUNT, nv_lists.count[0]));
		GUEST_ASSERT(!vmwrite(VM_EXIT_MSR_STORE_ADDR, nv_lists.gpa[1]));
		GUEST_ASSERT(!vmwrite(VM_EXIT_MSR_STORE_COUNT, nv_lists.count[1]));
		GUEST_ASSERT(!vmwrite(VM_EXIT_MSR_LOAD_ADDR, nv_lists.gpa[2]));
		GUEST_ASSERT(!vmwrite(VM_EXIT_MSR_LOAD_COUNT, nv_lists.count[2]));
		wrmsr(MSR_KERNEL_GS_BASE, L1_KGS);
		l2_seen = 0;
		tsc_before = rdtsc();
		nv_vmlaunch(&kind, &a, &b);
		tsc_after = rdtsc();
		GUEST_SYNC_ARGS(STAGE_RESULT, kind, a, b, rdmsr(MSR_KERNEL_GS_BASE));
	}
}

static struct kvm_vm *vm;
static struct kvm_vcpu *vcpu;
static struct msr_entry *list_hva[3];
static gpa_t list_gpa[3];
static u32 nr_rules;
static u32 max_entries;

struct result {
	u64 kind, a, b, l1_kgs;
};

static struct ucall run_to(u64 stage)
{
	return nv_run_to(vcpu, stage);
}

/* A new L1 (the last one's, if any, is freed), ready to launch. */
static void new_vm(void)
{
	gva_t vmx_gva;

	if (vm)
		kvm_vm_free(vm);
	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_vmx(vm, &vmx_gva);
	vcpu_args_set(vcpu, 1, vmx_gva);
	for (int l = 0; l < 3; l++) {
		gva_t gva = vm_alloc_pages(vm, LIST_PAGES);

		list_hva[l] = addr_gva2hva(vm, gva);
		list_gpa[l] = addr_gva2gpa(vm, gva);
	}
	run_to(STAGE_READY);
}

static void set_counts(u32 entry_load, u32 exit_store, u32 exit_load)
{
	for (int l = 0; l < 3; l++)
		nv_lists.gpa[l] = list_gpa[l];
	nv_lists.count[0] = entry_load;
	nv_lists.count[1] = exit_store;
	nv_lists.count[2] = exit_load;
	sync_global_to_guest(vm, nv_lists);
}

static struct result launch(void)
{
	struct ucall uc = run_to(STAGE_RESULT);

	run_to(STAGE_READY);
	return (struct result){ uc.args[2], uc.args[3], uc.args[4], uc.args[5] };
}

static void fill(int list, u32 n)
{
	for (u32 i = 0; i < n; i++)
		list_hva[list][i] = (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, 0x10000ull * (i + 1) };
}

static void expect_l2_ran(struct result r, const char *what)
{
	TEST_ASSERT(r.kind == RES_EXIT && r.a == EXIT_REASON_VMCALL,
		    "%s: kind %lu reason %#lx qual %#lx, want L2's VMCALL", what, r.kind, r.a, r.b);
}

static void test_loads(void)
{
	struct result r;

	set_counts(0, 0, 0);
	r = launch();
	expect_l2_ran(r, "empty lists");
	sync_global_from_guest(vm, l2_seen);
	TEST_ASSERT(l2_seen == L1_KGS, "empty lists: L2 read %#lx, want L1's %#llx", l2_seen, L1_KGS);
	ksft_test_result_pass("empty_lists\n");

	fill(0, 1);
	set_counts(1, 0, 0);
	r = launch();
	expect_l2_ran(r, "one entry");
	sync_global_from_guest(vm, l2_seen);
	TEST_ASSERT(l2_seen == 0x10000, "one entry: L2 read %#lx", l2_seen);
	ksft_test_result_pass("one_entry_loaded\n");

	fill(0, max_entries);
	set_counts(max_entries, 0, 0);
	r = launch();
	expect_l2_ran(r, "maximum count");
	sync_global_from_guest(vm, l2_seen);
	TEST_ASSERT(l2_seen == 0x10000ull * max_entries, "max count %u: L2 read %#lx",
		    max_entries, l2_seen);
	ksft_test_result_pass("maximum_count_%u_loaded\n", max_entries);
}

struct bad_kind {
	const char *name;
	struct msr_entry e;
	const char *rule;
	const char *audit_also;	/* counted too in audit, where KVM tries the WRMSR */
	bool nestvirt_only;	/* KVM's own check passes the entry */
	const char *exit_rule;	/* the same entry in the VM-exit MSR-load list */
	const char *exit_audit_also;
};

static const struct bad_kind bad_kinds[] = {
	{ "fs_base", { MSR_FS_BASE, 0, 0 }, "VMX-MSR-ENTRY-LOAD-FS-BASE", NULL, false,
	  "VMX-MSR-EXIT-LOAD-FS-BASE" },
	{ "x2apic", { MSR_X2APIC_TPR, 0, 0 }, "VMX-MSR-ENTRY-LOAD-X2APIC",
	  "VMX-MSR-ENTRY-LOAD-WRMSR", true, "VMX-MSR-EXIT-LOAD-X2APIC", "VMX-MSR-EXIT-LOAD-WRMSR" },
	{ "smm_monitor_ctl", { MSR_SMM_MONITOR_CTL, 0, 0 }, "VMX-MSR-ENTRY-LOAD-SMM", NULL, false,
	  "VMX-MSR-EXIT-LOAD-SMM" },
	{ "microcode", { MSR_UCODE_WRITE, 0, 0 }, "VMX-MSR-ENTRY-LOAD-MODEL", NULL, false,
	  "VMX-MSR-EXIT-LOAD-MODEL" },
	{ "reserved", { MSR_KERNEL_GS_BASE, 1, 0x1000 }, "VMX-MSR-ENTRY-LOAD-RSVD", NULL, false,
	  "VMX-MSR-EXIT-LOAD-RSVD" },
	{ "wrmsr_refuses", { MSR_KERNEL_GS_BASE, 0, 0x8000000000000000ull },
	  "VMX-MSR-ENTRY-LOAD-WRMSR", NULL, false, "VMX-MSR-EXIT-LOAD-WRMSR" },
};

/* Exactly the rules @want names grew, by one each, between @before and @after. */
static void expect_rule_deltas(const u64 *before, const u64 *after, const u64 *want,
			       const char *list, const struct bad_kind *k, u32 pos, u32 n,
			       u32 mode)
{
	for (u32 i = 0; i < nr_rules; i++) {
		struct nestvirt_rule rule;

		__nestvirt_get_rule(i, &rule);
		TEST_ASSERT(after[i] - before[i] == want[i], "%s %s at %u/%u (mode %u): %s grew by %lu",
			    list, k->name, pos, n, mode, rule.id, after[i] - before[i]);
	}
}

static void test_bad_entry(const struct bad_kind *k, u32 pos, u32 n, u32 mode)
{
	u64 before[512], after[512], want[512] = {};
	struct nestvirt_info ib, ia;
	struct result r;
	u64 want_kgs = pos > 1 ? 0x10000ull * (pos - 1) : L1_KGS;

	nestvirt_set_mode(NESTVIRT_VMX_CLASS_MSR_LIST, mode);
	want[nestvirt_rule_index(k->rule)] = 1;
	if (mode == NESTVIRT_MODE_AUDIT && k->audit_also)
		want[nestvirt_rule_index(k->audit_also)] = 1;
	fill(0, n);
	list_hva[0][pos - 1] = k->e;
	set_counts(n, 0, 0);
	nestvirt_rule_counters(before, nr_rules);
	ib = nestvirt_get_info();
	r = launch();
	ia = nestvirt_get_info();
	nestvirt_rule_counters(after, nr_rules);

	TEST_ASSERT(r.kind == RES_EXIT && r.a == EXIT_FAILED_ENTRY(EXIT_REASON_MSR_LOAD_FAIL) &&
		    r.b == pos, "%s at %u/%u: kind %lu reason %#lx qual %lu, want exit 34 qual %u",
		    k->name, pos, n, r.kind, r.a, r.b, pos);
	TEST_ASSERT(r.l1_kgs == want_kgs, "%s at %u/%u: L1's IA32_KERNEL_GS_BASE %#lx, want %#lx",
		    k->name, pos, n, r.l1_kgs, want_kgs);
	expect_rule_deltas(before, after, want, "entry load", k, pos, n, mode);
	TEST_ASSERT(ia.nestvirt_rejected - ib.nestvirt_rejected ==
		    (mode == NESTVIRT_MODE_ENFORCE && k->nestvirt_only),
		    "%s: nestvirt_rejected grew by %llu", k->name,
		    ia.nestvirt_rejected - ib.nestvirt_rejected);
}

static void test_bad_entries(void)
{
	const u32 n = 5;

	for (size_t k = 0; k < ARRAY_SIZE(bad_kinds); k++) {
		for (u32 mode = NESTVIRT_MODE_AUDIT; mode <= NESTVIRT_MODE_ENFORCE; mode++) {
			test_bad_entry(&bad_kinds[k], 1, n, mode);
			test_bad_entry(&bad_kinds[k], 3, n, mode);
			test_bad_entry(&bad_kinds[k], n, n, mode);
		}
		ksft_test_result_pass("entry_load_%s_first_middle_last\n", bad_kinds[k].name);
	}
	nestvirt_set_mode(NESTVIRT_VMX_CLASS_MSR_LIST, NESTVIRT_MODE_ENFORCE);
}

/*
 * IA32_TSC in the store list, twice: the two stored values are apart by
 * what L1's TSC advanced between the exits. Compared as a difference, not
 * as values: under Bochs the stored TSC is off by a constant (Bochs stores
 * the value with L0's TSC offset applied, and KVM converts it to L1's as
 * if hardware had stored it without), which a difference cancels.
 */
static u64 store_tsc_once(u64 *before, u64 *after)
{
	struct result r;

	fill(0, 1);
	list_hva[1][0] = (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, 0 };
	list_hva[1][1] = (struct msr_entry){ MSR_IA32_TSC, 0, 0 };
	set_counts(1, 2, 0);
	r = launch();
	expect_l2_ran(r, "exit store");
	TEST_ASSERT(list_hva[1][0].value == L2_KGS, "stored IA32_KERNEL_GS_BASE %#lx, want L2's %#llx",
		    list_hva[1][0].value, L2_KGS);
	sync_global_from_guest(vm, tsc_before);
	sync_global_from_guest(vm, tsc_after);
	*before = tsc_before;
	*after = tsc_after;
	return list_hva[1][1].value;
}

static void test_exit_lists(void)
{
	u64 b1, a1, b2, a2, s1, s2;
	struct result r;

	s1 = store_tsc_once(&b1, &a1);
	s2 = store_tsc_once(&b2, &a2);
	ksft_print_msg("stored IA32_TSC %lu, %lu; L1's TSC around the exits %lu..%lu, %lu..%lu\n",
		       s1, s2, b1, a1, b2, a2);
	TEST_ASSERT(s2 - s1 >= b2 - a1 && s2 - s1 <= a2 - b1,
		    "stored IA32_TSC advanced by %lu, L1's TSC by %lu..%lu", s2 - s1, b2 - a1, a2 - b1);
	ksft_test_result_pass("exit_store_kernel_gs_base_and_tsc\n");

	list_hva[2][0] = (struct msr_entry){ MSR_KERNEL_GS_BASE, 0, 0x3333000 };
	set_counts(1, 0, 1);
	r = launch();
	expect_l2_ran(r, "exit load");
	TEST_ASSERT(r.l1_kgs == 0x3333000, "exit load: L1 runs with %#lx", r.l1_kgs);
	ksft_test_result_pass("exit_load_kernel_gs_base\n");
}

/* The last test: the VMX abort ends L1. */
static void test_exit_store_abort(void)
{
	int idx = nestvirt_rule_index("VMX-MSR-EXIT-STORE-SMM");
	u64 before = nestvirt_rule_failures(idx);

	list_hva[1][0] = (struct msr_entry){ MSR_SMBASE, 0, 0 };
	set_counts(0, 1, 0);
	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_SHUTDOWN);
	TEST_ASSERT(nestvirt_rule_failures(idx) - before == 1, "VMX-MSR-EXIT-STORE-SMM grew by %lu",
		    nestvirt_rule_failures(idx) - before);
	ksft_test_result_pass("exit_store_smbase_vmx_abort\n");
}

/*
 * A failing VM-exit MSR-load entry (SDM 28.6): VMX abort, which KVM turns
 * into a shutdown of L1. The entries before it were loaded: L2 wrote
 * L2_KGS, the list's entries 1..pos-1 load 0x10000 * i into
 * IA32_KERNEL_GS_BASE, which the host reads from the dead L1.
 */
static void test_exit_load_abort(const struct bad_kind *k, u32 pos, u32 n, u32 mode)
{
	u64 before[512], after[512], want[512] = {};
	u64 want_kgs = pos > 1 ? 0x10000ull * (pos - 1) : L2_KGS;

	new_vm();
	nestvirt_set_mode(NESTVIRT_VMX_CLASS_MSR_LIST, mode);
	want[nestvirt_rule_index(k->exit_rule)] = 1;
	if (mode == NESTVIRT_MODE_AUDIT && k->exit_audit_also)
		want[nestvirt_rule_index(k->exit_audit_also)] = 1;
	fill(2, n);
	list_hva[2][pos - 1] = k->e;
	set_counts(0, 0, n);
	nestvirt_rule_counters(before, nr_rules);
	vcpu_run(vcpu);
	nestvirt_rule_counters(after, nr_rules);
	TEST_ASSERT(vcpu->run->exit_reason == KVM_EXIT_SHUTDOWN,
		    "%s at %u/%u (mode %u): exit reason %u, want the VMX abort's shutdown",
		    k->name, pos, n, mode, vcpu->run->exit_reason);
	TEST_ASSERT(vcpu_get_msr(vcpu, MSR_KERNEL_GS_BASE) == want_kgs,
		    "%s at %u/%u: L1's IA32_KERNEL_GS_BASE %#lx, want %#lx", k->name, pos, n,
		    vcpu_get_msr(vcpu, MSR_KERNEL_GS_BASE), want_kgs);
	expect_rule_deltas(before, after, want, "exit load", k, pos, n, mode);
}

static void test_exit_load_aborts(void)
{
	const u32 n = 5;

	for (size_t k = 0; k < ARRAY_SIZE(bad_kinds); k++) {
		test_exit_load_abort(&bad_kinds[k], 1, n, NESTVIRT_MODE_ENFORCE);
		test_exit_load_abort(&bad_kinds[k], 3, n, NESTVIRT_MODE_ENFORCE);
		test_exit_load_abort(&bad_kinds[k], n, n, NESTVIRT_MODE_ENFORCE);
		test_exit_load_abort(&bad_kinds[k], 3, n, NESTVIRT_MODE_AUDIT);
		ksft_test_result_pass("exit_load_%s_vmx_abort_first_middle_last\n", bad_kinds[k].name);
	}
	nestvirt_set_mode(NESTVIRT_VMX_CLASS_MSR_LIST, NESTVIRT_MODE_ENFORCE);
}

int main(int argc, char *argv[])
{
	u32 saved_mode;
	u64 misc;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));
	nestvirt_check_info(NESTVIRT_BACKEND_VMX);
	nr_rules = nestvirt_nr_rules();
	TEST_ASSERT(nr_rules <= 512, "%u rules", nr_rules);
	saved_mode = nestvirt_get_mode(NESTVIRT_VMX_CLASS_MSR_LIST);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);

	ksft_print_header();
	ksft_set_plan(3 + ARRAY_SIZE(bad_kinds) + 3 + ARRAY_SIZE(bad_kinds));

	new_vm();
	misc = vcpu_get_msr(vcpu, MSR_IA32_VMX_MISC);
	max_entries = 512 * (((misc >> 25) & 7) + 1);
	TEST_ASSERT(max_entries <= MAX_ENTRIES, "IA32_VMX_MISC %#lx", misc);

	test_loads();
	test_bad_entries();
	test_exit_lists();
	test_exit_store_abort();
	test_exit_load_aborts();

	kvm_vm_free(vm);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	nestvirt_set_mode(NESTVIRT_VMX_CLASS_MSR_LIST, saved_mode);
	ksft_finished();
}
