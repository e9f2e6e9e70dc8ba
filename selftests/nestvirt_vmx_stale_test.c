// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_vmx_stale_test: a staleness test that can fail. Four L2 guests,
 * VPIDs 1 to 4, read the same virtual address; the odd ones map it to
 * another page (CR3 of their own). L1 switches between them, then the host
 * moves the odd L2s' mapping and L1 invalidates it with each INVVPID type
 * in turn (individual-address, single-context, all-context,
 * single-context-retaining-globals); after each, every L2 must read its
 * own current value, or the test fails with "stale translation".
 *
 * On hardware, and under the Bochs the project builds with a VPID-tagged
 * TLB (BOCHS_TAGGED_TLB, scripts/bochs/patches/3.0), translations survive
 * VM entries and exits with VPIDs on: an L2 that runs on a host VPID still
 * holding another L2's translations, or whose INVVPID never reaches its
 * host VPID, reads the other page. Stock KVM runs every L2 on one VPID and
 * flushes it at each switch; nestvirt's mapping (tags=N) gives each L2 a
 * host VPID and owes a flush when it reuses one (tags=3: four L2s evict)
 * and when L1 invalidates. nestvirt.ko tags_break_flush=1 skips those
 * flushes: then this test must fail (scripts/bochs/init, suite "stale").
 * Under stock Bochs (full flush at every VM entry and exit) it always
 * passes and proves nothing (Documentation/nestvirt/tags.rst).
 */
#include "nestvirt_vmx_tags_util.h"

#define STALE_L2	4
#define STALE_SWITCHES	200

#define STAGE_MOVED		200

static struct vmx_pages *l2_vmx[STALE_L2];
static u64 l2_rsp[STALE_L2];
static bool launched[STALE_L2];
static volatile u64 l2_read;
/* What the odd L2s must read now, and what the test is doing. */
static u64 odd_now;
static int phase;

static void l2_guest_code(void)
{
	l2_read = *(volatile u64 *)test_va;
	vmcall();
}

static void run_l2(int i)
{
	u64 want = tags_expected(i, odd_now);

	l2_read = 0;
	vmx_tags_switch(l2_vmx[i], &launched[i], l2_guest_code, l2_rsp[i]);
	__GUEST_ASSERT(l2_read == want,
		       "stale translation: L2 %d (VPID %d) read 0x%lx, want 0x%lx, phase %d",
		       i, i + 1, l2_read, want, phase);
}

/* The order L1 runs its L2s in after an INVVPID. */
static const int after_invvpid[STALE_L2] = { 1, 3, 0, 2 };

static void l1_guest_code(u64 types)
{
	int i, n, type;

	vmx_tags_prepare_l2s(l2_vmx, STALE_L2, l2_guest_code, l2_rsp);

	/* Switches: with fewer host tags than L2s, every one reuses a tag. */
	odd_now = VAL_B;
	phase = -1;
	for (n = 0; n < STALE_SWITCHES; n++)
		run_l2(n % STALE_L2);

	for (type = INVVPID_ADDR; type <= INVVPID_SINGLE_GLOBALS; type++) {
		if (!(types & (1 << type)))
			continue;
		phase = type;
		/* Warm: each odd L2 caches the old page under its tag. */
		run_l2(1);
		run_l2(3);
		GUEST_SYNC(STAGE_MOVED);
		odd_now = odd_now == VAL_B ? VAL_C : VAL_B;
		if (type == INVVPID_ALL)
			invvpid_ok(type, 0, 0);
		else
			for (i = 1; i < STALE_L2; i += 2)
				invvpid_ok(type, i + 1, test_va);
		/* The odd L2s first, while their host tags are still theirs. */
		for (n = 0; n < 2 * STALE_L2; n++)
			run_l2(after_invvpid[n % STALE_L2]);
	}
	GUEST_DONE();
}

int main(int argc, char *argv[])
{
	struct tags_pages p;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	u64 cap, types = 0, moves = 0;
	int i;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));
	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	TEST_REQUIRE((vcpu_get_msr(vcpu, MSR_IA32_VMX_PROCBASED_CTLS2) >> 32) &
		     SECONDARY_EXEC_ENABLE_VPID);
	cap = vcpu_get_msr(vcpu, MSR_IA32_VMX_EPT_VPID_CAP);
	TEST_REQUIRE(cap & (1ULL << 32));
	for (i = INVVPID_ADDR; i <= INVVPID_SINGLE_GLOBALS; i++)
		if (cap & VPID_CAP_INVVPID_TYPE(i))
			types |= 1 << i;
	vmx_tags_alloc_l2s(vm, l2_vmx, STALE_L2);
	p = tags_setup(vm);
	vcpu_args_set(vcpu, 1, types);

	printf("# nestvirt tag mapping: tags=%u; INVVPID types offered to L1: 0x%lx\n",
	       tags_now().capacity, types);
	/* One stage per INVVPID type: move the odd L2s' page, B -> C -> B ... */
	for (i = 0; i < __builtin_popcountll(types); i++, moves++) {
		nv_run_to(vcpu, STAGE_MOVED);
		*p.leaf = (*p.leaf & ~PHYSICAL_PAGE_MASK) | (moves % 2 ? p.page_b : p.page_c);
	}
	nv_run_expect(vcpu, UCALL_DONE, 0);
	printf("stale: %d switches between %d L2s and %lu INVVPID invalidations of a moved "
	       "mapping: every L2 read its own current page\n", STALE_SWITCHES, STALE_L2, moves);
	kvm_vm_free(vm);
	return 0;
}
