/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of nestvirt's VPID/ASID switch tests
 * (nestvirt_svm_tags_test, nestvirt_vmx_tags_test): an L1 switches between
 * K L2 guests, each with a tag of its own (K = 2, 4, 8, 16), reading the
 * same virtual address, which the odd L2s map to another page. The host
 * counts KVM's TLB flushes (the vCPU statistic tlb_flush) and nestvirt's
 * counters over each K's measured switches, prints a "tags:" line per K,
 * then changes the odd L2s' mapping twice for L1 to flush.
 *
 * L1's side, per vendor, follows the stage protocol below: for each K,
 * one warm-up switch to each L2, GUEST_SYNC(K), SWITCHES switches,
 * GUEST_SYNC(K); then GUEST_SYNC(TAGS_STAGE_C) and switches that must read
 * VAL_C after a flush, GUEST_SYNC(TAGS_STAGE_B) and switches that must read
 * VAL_B after another, GUEST_DONE().
 */
#ifndef SELFTEST_NESTVIRT_TAGS_UTIL_H
#define SELFTEST_NESTVIRT_TAGS_UTIL_H

#include <time.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"

#include "nestvirt_util.h"

#define MAX_L2		16
#define SWITCHES	1000
#define VAL_A		0xa11a11a11a11a11aULL
#define VAL_B		0xb22b22b22b22b22bULL
#define VAL_C		0xc33c33c33c33c33cULL
#define TAGS_STAGE_C	100
#define TAGS_STAGE_B	101

static const int tags_ks[] = { 2, 4, 8, 16 };

/*
 * L1: the measured stages. For each K, one switch to each L2 (warm-up),
 * then SWITCHES switches round-robin; @run_l2 switches to L2 @i and checks
 * it read tags_expected(@i, @odd_val).
 */
static inline void tags_l1_switches(void (*run_l2)(int i, u64 odd_val))
{
	int k, i, n;

	for (k = 0; k < ARRAY_SIZE(tags_ks); k++) {
		for (i = 0; i < tags_ks[k]; i++)
			run_l2(i, VAL_B);
		GUEST_SYNC(tags_ks[k]);
		for (n = 0; n < SWITCHES; n++)
			run_l2(n % tags_ks[k], VAL_B);
		GUEST_SYNC(tags_ks[k]);
	}
}

/* What L2 @i reads at the test address when the odd L2s see @odd_val. */
static inline u64 tags_expected(int i, u64 odd_val)
{
	return i % 2 ? odd_val : VAL_A;
}

/*
 * A copy of L1's page tables along @gva's path whose leaf maps @gva to
 * @gpa instead: the odd L2s' address space. Returns its root.
 */
static u64 tags_tables_mapping(struct kvm_vm *vm, gva_t gva, gpa_t gpa)
{
	u64 root = vm_alloc_page_table(vm), table = root, old = vm->mmu.pgd;
	int level;

	for (level = vm->mmu.pgtable_levels; level >= 1; level--) {
		u64 *src = addr_gpa2hva(vm, old), *dst = addr_gpa2hva(vm, table);
		int idx = (gva >> (12 + 9 * (level - 1))) & 511;
		u64 next;

		memcpy(dst, src, PAGE_SIZE);
		TEST_ASSERT(dst[idx] & PTE_PRESENT_MASK(&vm->mmu),
			    "gva 0x%lx not mapped at level %d", gva, level);
		if (level == 1) {
			dst[idx] = (dst[idx] & ~PHYSICAL_PAGE_MASK) | gpa;
			break;
		}
		TEST_ASSERT(!(dst[idx] & PTE_HUGE_MASK(&vm->mmu)), "gva 0x%lx in a large page", gva);
		next = vm_alloc_page_table(vm);
		old = PTE_GET_PA(dst[idx]);
		dst[idx] = (dst[idx] & ~PHYSICAL_PAGE_MASK) | next;
		table = next;
	}
	return root;
}

/* The leaf entry for @gva in the tables at @root. */
static u64 *tags_leaf(struct kvm_vm *vm, u64 root, gva_t gva)
{
	u64 table = root;
	int level;

	for (level = vm->mmu.pgtable_levels; level > 1; level--) {
		u64 *t = addr_gpa2hva(vm, table);

		table = PTE_GET_PA(t[(gva >> (12 + 9 * (level - 1))) & 511]);
	}
	return (u64 *)addr_gpa2hva(vm, table) + ((gva >> 12) & 511);
}

/* L1's view: the address every L2 reads, and the odd L2s' CR3. */
static u64 test_va;
static u64 odd_cr3;

/* The pages the odd L2s map, and their leaf entry for test_va. */
struct tags_pages {
	gpa_t page_b, page_c;
	u64 *leaf;
};

/* Sets up test_va (VAL_A) and odd_cr3 (VAL_B there), in L1 too. */
static inline struct tags_pages tags_setup(struct kvm_vm *vm)
{
	struct tags_pages p;
	gva_t gva = vm_alloc_page(vm);

	*(u64 *)addr_gva2hva(vm, gva) = VAL_A;
	p.page_b = vm_phy_page_alloc(vm, KVM_GUEST_PAGE_TABLE_MIN_PADDR, 0);
	p.page_c = vm_phy_page_alloc(vm, KVM_GUEST_PAGE_TABLE_MIN_PADDR, 0);
	*(u64 *)addr_gpa2hva(vm, p.page_b) = VAL_B;
	*(u64 *)addr_gpa2hva(vm, p.page_c) = VAL_C;
	test_va = gva;
	odd_cr3 = tags_tables_mapping(vm, gva, p.page_b);
	p.leaf = tags_leaf(vm, odd_cr3, gva);
	sync_global_to_guest(vm, test_va);
	sync_global_to_guest(vm, odd_cr3);
	return p;
}

static inline u64 tags_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* nestvirt's mapping counters, or all zero when nestvirt is not loaded. */
static inline struct nestvirt_tags tags_now(void)
{
	struct nestvirt_tags t = {};
	int fd = open("/dev/nestvirt", O_RDWR);

	if (fd >= 0) {
		TEST_ASSERT(!ioctl(fd, NESTVIRT_GET_TAGS, &t), "NESTVIRT_GET_TAGS: %s",
			    strerror(errno));
		close(fd);
	}
	return t;
}

/*
 * Runs L1 through the stages, measuring each K; @transitions: the nested
 * transitions per switch nestvirt maps (SVM: entry and exit; VMX: entry).
 */
static inline void tags_host_run(struct kvm_vcpu *vcpu, struct tags_pages *p, int transitions)
{
	struct nestvirt_tags t0 = tags_now(), t1;
	int k, mapped = t0.capacity;
	u64 flushes, before, start_ns;

	printf("# nestvirt tag mapping: %s (tags=%u)\n", mapped ? "on" : "off (stock KVM flushes)",
	       t0.capacity);
	for (k = 0; k < ARRAY_SIZE(tags_ks); k++) {
		int K = tags_ks[k];

		nv_run_to(vcpu, K);
		before = vcpu_get_stat(vcpu, tlb_flush);
		t0 = tags_now();
		start_ns = tags_now_ns();
		nv_run_to(vcpu, K);
		flushes = vcpu_get_stat(vcpu, tlb_flush) - before;
		t1 = tags_now();
		printf("tags: K=%d switches=%d kvm_tlb_flushes=%llu per_1000_switches=%llu "
		       "ns_per_switch=%llu nestvirt(tags=%u): transitions=%llu avoided=%llu "
		       "tag_flushes=%llu evictions=%llu asids=%llu in_use=%lld\n",
		       K, SWITCHES, (unsigned long long)flushes,
		       (unsigned long long)(flushes * 1000 / SWITCHES),
		       (unsigned long long)((tags_now_ns() - start_ns) / SWITCHES), t1.capacity,
		       t1.transitions - t0.transitions, t1.flushes_avoided - t0.flushes_avoided,
		       t1.tag_flushes - t0.tag_flushes, t1.evictions - t0.evictions,
		       t1.asids - t0.asids, (long long)t1.in_use);
		if (!mapped) {
			TEST_ASSERT(flushes >= SWITCHES,
				    "K=%d: stock KVM made %lu flushes in %d switches, expected one or more per switch",
				    K, flushes, SWITCHES);
			continue;
		}
		TEST_ASSERT(t1.transitions - t0.transitions == transitions * SWITCHES,
			    "K=%d: nestvirt mapped %llu transitions, expected %d", K,
			    t1.transitions - t0.transitions, transitions * SWITCHES);
		if (K <= mapped)
			TEST_ASSERT(flushes == 0 && t1.evictions == t0.evictions &&
				    t1.flushes_avoided - t0.flushes_avoided >= SWITCHES,
				    "K=%d <= tags=%d: %lu KVM flushes, %llu evictions, %llu avoided in %d switches",
				    K, mapped, flushes, t1.evictions - t0.evictions,
				    t1.flushes_avoided - t0.flushes_avoided, SWITCHES);
		else
			TEST_ASSERT(t1.evictions > t0.evictions, "K=%d > tags=%d: no eviction", K, mapped);
	}

	/* The odd L2s' page becomes VAL_C's, then VAL_B's again: L1 flushes. */
	nv_run_to(vcpu, TAGS_STAGE_C);
	*p->leaf = (*p->leaf & ~PHYSICAL_PAGE_MASK) | p->page_c;
	nv_run_to(vcpu, TAGS_STAGE_B);
	*p->leaf = (*p->leaf & ~PHYSICAL_PAGE_MASK) | p->page_b;
	nv_run_expect(vcpu, UCALL_DONE, 0);
}

/*
 * The test's host side once L1's L2s are allocated: sets up the pages,
 * runs and measures (see tags_host_run()), says how L1 flushed, frees @vm.
 */
static inline void tags_main(struct kvm_vm *vm, struct kvm_vcpu *vcpu, int transitions,
			     const char *flushes)
{
	struct tags_pages p = tags_setup(vm);

	tags_host_run(vcpu, &p, transitions);
	printf("tags: each L2 read its own page in every switch, also after %s flushes of a "
	       "changed mapping\n", flushes);
	kvm_vm_free(vm);
}

#endif /* SELFTEST_NESTVIRT_TAGS_UTIL_H */
