// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_svm_tags_test: an L1 that switches between K L2 guests, each
 * with an ASID of its own (K = 2, 4, 8, 16), and counts the TLB flushes
 * KVM makes for it (the vCPU statistic tlb_flush) per 1,000 switches.
 *
 * Stock KVM flushes on every nested entry and exit (L1 and L2 share an
 * ASID); with nestvirt's ASID mapping (nestvirt.ko tags=N) a switch
 * between K <= N L2s flushes nothing once each has run. The test checks
 * what it can measure whichever is loaded:
 *  - every L2 reads its own value at the same virtual address (two
 *    address spaces, the odd L2s' mapping it to another page), also after
 *    the host changes that mapping and L1 flushes it the two ways the APM
 *    gives it: VMRUN with TLB_CONTROL 03h, and INVLPGA with the ASID;
 *  - without the mapping, at least one KVM flush per switch (so that the
 *    counter is shown to see them);
 *  - with it and K <= N, no KVM flush, and nestvirt's counters agree:
 *    two transitions per switch, each without a flush.
 * QEMU's emulated SVM ignores ASIDs, so a missing flush cannot show here
 * as a stale value; Documentation/nestvirt/tags.rst says what that leaves
 * unproven.
 *
 * Prints one line per K ("tags: ..."), the figures of the flush table.
 */
#include <time.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"

#include "nestvirt_util.h"

#define MAX_L2		16
#define SWITCHES	1000
#define VAL_A		0xa11a11a11a11a11aULL
#define VAL_B		0xb22b22b22b22b22bULL
#define VAL_C		0xc33c33c33c33c33cULL

/* The SVM test data of each L2, and where odd L2s find their tables. */
static struct svm_test_data *l2_svm[MAX_L2];
static u64 odd_cr3;
static u64 test_va;

/* Reads the test address and hands it to L1 in RAX (vmcb12 save.rax). */
static void l2_guest_code(void)
{
	__asm__ __volatile__("movq (%0), %%rax\n\tvmmcall" : : "r"(test_va) : "rax", "memory");
}

static u64 expected(int i, u64 odd_val)
{
	return i % 2 ? odd_val : VAL_A;
}

/* One switch to L2 @i: VMRUN with @tlb_control, check what it read. */
static void run_l2(int i, u8 tlb_control, u64 odd_val)
{
	struct vmcb *vmcb = l2_svm[i]->vmcb;

	vmcb->save.rip = (u64)l2_guest_code;
	vmcb->control.tlb_ctl = tlb_control;
	run_guest(vmcb, l2_svm[i]->vmcb_gpa);
	GUEST_ASSERT(vmcb->control.exit_code == SVM_EXIT_VMMCALL);
	GUEST_ASSERT_EQ(vmcb->save.rax, expected(i, odd_val));
}

static void l1_guest_code(void)
{
	static const int ks[] = { 2, 4, 8, 16 };
	int k, i, n;

	for (i = 0; i < MAX_L2; i++) {
		generic_svm_setup(l2_svm[i], l2_guest_code);
		l2_svm[i]->vmcb->control.asid = i + 1;
		if (i % 2)
			l2_svm[i]->vmcb->save.cr3 = odd_cr3;
	}
	for (k = 0; k < ARRAY_SIZE(ks); k++) {
		/* Warm-up: each L2 once, then the measured switches. */
		for (i = 0; i < ks[k]; i++)
			run_l2(i, 0, VAL_B);
		GUEST_SYNC(ks[k]);
		for (n = 0; n < SWITCHES; n++)
			run_l2(n % ks[k], 0, VAL_B);
		GUEST_SYNC(ks[k]);
	}
	/* The host maps the odd L2s' page to VAL_C: flush by TLB_CONTROL. */
	GUEST_SYNC(100);
	for (i = 1; i < 4; i += 2)
		run_l2(i, TLB_CONTROL_FLUSH_ASID, VAL_C);
	for (n = 0; n < 100; n++)
		run_l2(n % 4, 0, VAL_C);
	/* And back to VAL_B: flush by INVLPGA with each odd L2's ASID. */
	GUEST_SYNC(101);
	for (i = 1; i < 4; i += 2)
		__asm__ __volatile__("invlpga" : : "a"(test_va), "c"(i + 1) : "memory");
	for (n = 0; n < 100; n++)
		run_l2(n % 4, 0, VAL_B);
	GUEST_DONE();
}

/*
 * A copy of L1's page tables along @gva's path whose leaf maps @gva to
 * @gpa instead: the odd L2s' address space. Returns its root.
 */
static u64 tables_mapping(struct kvm_vm *vm, gva_t gva, gpa_t gpa)
{
	u64 root = vm_alloc_page_table(vm), table = root, old = vm->mmu.pgd;
	int level;

	for (level = vm->mmu.pgtable_levels; level >= 1; level--) {
		u64 *src = addr_gpa2hva(vm, old), *dst = addr_gpa2hva(vm, table);
		int idx = (gva >> (12 + 9 * (level - 1))) & 511;
		u64 next;

		memcpy(dst, src, PAGE_SIZE);
		TEST_ASSERT(dst[idx] & PTE_PRESENT_MASK(&vm->mmu), "gva 0x%lx not mapped at level %d",
			    gva, level);
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

/* The odd L2s' leaf entry for the test address, in their own tables. */
static u64 *odd_leaf(struct kvm_vm *vm, u64 root, gva_t gva)
{
	u64 table = root;
	int level;

	for (level = vm->mmu.pgtable_levels; level > 1; level--) {
		u64 *t = addr_gpa2hva(vm, table);

		table = PTE_GET_PA(t[(gva >> (12 + 9 * (level - 1))) & 511]);
	}
	return (u64 *)addr_gpa2hva(vm, table) + ((gva >> 12) & 511);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* nestvirt's mapping counters, or all zero when nestvirt is not loaded. */
static struct nestvirt_tags tags_now(void)
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

static void wait_sync(struct kvm_vcpu *vcpu, u64 stage)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	case UCALL_SYNC:
		TEST_ASSERT(uc.args[1] == stage, "stage %lu, expected %lu", uc.args[1], stage);
		return;
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
}

int main(int argc, char *argv[])
{
	static const int ks[] = { 2, 4, 8, 16 };
	struct nestvirt_tags t0, t1;
	u64 flushes, before, start_ns, *leaf;
	gpa_t page_b, page_c;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	gva_t gva;
	int i, k, mapped;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	t0 = tags_now();
	mapped = t0.capacity;
	printf("# nestvirt ASID mapping: %s (tags=%u)\n", mapped ? "on" : "off (stock KVM flushes)",
	       t0.capacity);

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	/* L1's addresses of each L2's SVM test data. */
	for (i = 0; i < MAX_L2; i++) {
		vcpu_alloc_svm(vm, &gva);
		l2_svm[i] = (struct svm_test_data *)gva;
	}
	sync_global_to_guest(vm, l2_svm);

	gva = vm_alloc_page(vm);
	*(u64 *)addr_gva2hva(vm, gva) = VAL_A;
	page_b = vm_phy_page_alloc(vm, KVM_GUEST_PAGE_TABLE_MIN_PADDR, 0);
	page_c = vm_phy_page_alloc(vm, KVM_GUEST_PAGE_TABLE_MIN_PADDR, 0);
	*(u64 *)addr_gpa2hva(vm, page_b) = VAL_B;
	*(u64 *)addr_gpa2hva(vm, page_c) = VAL_C;
	test_va = gva;
	odd_cr3 = tables_mapping(vm, gva, page_b);
	leaf = odd_leaf(vm, odd_cr3, gva);
	sync_global_to_guest(vm, test_va);
	sync_global_to_guest(vm, odd_cr3);

	for (k = 0; k < ARRAY_SIZE(ks); k++) {
		wait_sync(vcpu, ks[k]);
		before = vcpu_get_stat(vcpu, tlb_flush);
		t0 = tags_now();
		start_ns = now_ns();
		wait_sync(vcpu, ks[k]);
		flushes = vcpu_get_stat(vcpu, tlb_flush) - before;
		t1 = tags_now();
		printf("tags: K=%d switches=%d kvm_tlb_flushes=%llu per_1000_switches=%llu "
		       "ns_per_switch=%llu nestvirt(tags=%u): transitions=%llu avoided=%llu "
		       "tag_flushes=%llu evictions=%llu asids=%llu in_use=%lld\n",
		       ks[k], SWITCHES, (unsigned long long)flushes,
		       (unsigned long long)(flushes * 1000 / SWITCHES),
		       (unsigned long long)((now_ns() - start_ns) / SWITCHES), t1.capacity,
		       t1.transitions - t0.transitions, t1.flushes_avoided - t0.flushes_avoided,
		       t1.tag_flushes - t0.tag_flushes, t1.evictions - t0.evictions,
		       t1.asids - t0.asids, (long long)t1.in_use);
		if (!mapped) {
			TEST_ASSERT(flushes >= SWITCHES,
				    "K=%d: stock KVM made %lu flushes in %d switches, expected one or more per switch",
				    ks[k], flushes, SWITCHES);
			continue;
		}
		TEST_ASSERT(t1.transitions - t0.transitions == 2 * SWITCHES &&
			    t1.flushes_avoided - t0.flushes_avoided == 2 * SWITCHES,
			    "K=%d: nestvirt mapped %llu transitions (%llu without a flush), expected %d",
			    ks[k], t1.transitions - t0.transitions,
			    t1.flushes_avoided - t0.flushes_avoided, 2 * SWITCHES);
		if (ks[k] <= mapped)
			TEST_ASSERT(flushes == 0 && t1.evictions == t0.evictions,
				    "K=%d <= tags=%d: %lu KVM flushes, %llu evictions in %d switches",
				    ks[k], mapped, flushes, t1.evictions - t0.evictions, SWITCHES);
		else
			TEST_ASSERT(t1.evictions > t0.evictions,
				    "K=%d > tags=%d: no eviction", ks[k], mapped);
	}

	/* The odd L2s' page becomes VAL_C's; L1 flushes with TLB_CONTROL. */
	wait_sync(vcpu, 100);
	*leaf = (*leaf & ~PHYSICAL_PAGE_MASK) | page_c;
	/* And back to VAL_B's; L1 flushes with INVLPGA. */
	wait_sync(vcpu, 101);
	*leaf = (*leaf & ~PHYSICAL_PAGE_MASK) | page_b;
	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	if (get_ucall(vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(uc.cmd == UCALL_DONE, "unexpected ucall %lu", uc.cmd);
	printf("tags: each L2 read its own page in every switch, also after TLB_CONTROL 03h "
	       "and INVLPGA flushes of a changed mapping\n");
	kvm_vm_free(vm);
	return 0;
}
