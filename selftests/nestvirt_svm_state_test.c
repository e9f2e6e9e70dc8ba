// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_svm_state_test: NESTVIRT_GET_STATE and NESTVIRT_SET_STATE with
 * L2 running.
 *
 * - At each of L2's five GUEST_SYNCs the vCPU is saved (KVM's state as the
 *   kernel's state_test saves it, the nested state as a nestvirt
 *   container, whose KVM section must equal KVM_GET_NESTED_STATE's bytes),
 *   the VM is released and recreated, and the nested state restored with
 *   NESTVIRT_SET_STATE; a GET then gives the same container in everything
 *   KVM restores (below), and L2 goes on computing: its results at every
 *   stage and at the end are checked.
 * - 1000 SET/GET round trips on one vCPU give the same container each
 *   time (no drift), and L2 still finishes right.
 * - Bad calls: a descriptor that is no vCPU (a VM, /dev/kvm, /dev/null, a
 *   closed one) EBADF, another process's vCPU EPERM, a small buffer E2BIG
 *   with the size, nonzero flags or reserved EINVAL; bad containers (a
 *   broken checksum, another vendor, a reserved TLB_CONTROL in enforce
 *   mode) refused with the check's ID and the vCPU unchanged; in audit mode
 *   the TLB_CONTROL rule is counted once (not by both nestvirt's check and
 *   KVM's SET_STATE hook) and KVM applies it.
 * - The latency of GET and SET (median, p99) next to KVM_GET_NESTED_STATE
 *   and KVM_SET_NESTED_STATE in the same run, printed.
 */
#include <stddef.h>
#include <sys/wait.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kselftest.h"

#define NV_STAGES	5
#include "nestvirt_svm_state_guest.h"

#define ROUND_TRIPS	1000
#define LAT_SAMPLES	1000
#define TLB_CTL_AT	(NV_KVM_AT + 128 + offsetof(struct vmcb_control_area, tlb_ctl))

/*
 * Whether @again, saved from a fresh vCPU that @saved was restored into,
 * holds the same state wherever KVM restores it. KVM_SET_NESTED_STATE
 * takes from L1's save area only what VMRUN saves (svm_copy_vmrun_state():
 * segments ES/CS/SS/DS, GDTR, IDTR, RFLAGS, EFER, CR0/3/4, RAX/RSP/RIP;
 * CET and LBR state where the host has them, not on this host); the rest
 * of the save area KVM_GET_NESTED_STATE reports is whatever vmcb01 holds,
 * in a fresh vCPU what KVM_SET_SREGS and KVM_SET_MSRS loaded before.
 */
static bool same_where_restored(const struct nv_blob *saved, const struct nv_blob *again)
{
#define SAVE(f) NV_KVM_AT + 128 + 1024 + offsetof(struct vmcb_save_area, f), \
		sizeof(((struct vmcb_save_area *)0)->f)
	static const u32 spans[][2] = {
		{ 0, NV_HDR_CRC }, { NV_HDR_CRC + 4, NV_KVM_AT + 128 + 1024 - NV_HDR_CRC - 4 },
		{ SAVE(es) }, { SAVE(cs) }, { SAVE(ss) }, { SAVE(ds) }, { SAVE(gdtr) },
		{ SAVE(idtr) }, { SAVE(efer) }, { SAVE(cr4) }, { SAVE(cr3) }, { SAVE(cr0) },
		{ SAVE(rflags) }, { SAVE(rip) }, { SAVE(rsp) }, { SAVE(rax) },
	};
#undef SAVE
	u32 len, tail, i;

	nv_kvm_state(saved, &len);
	tail = NV_KVM_AT + ((len + 7) & ~7u);
	if (saved->size != again->size ||
	    memcmp(saved->bytes + tail, again->bytes + tail, saved->size - tail))
		return false;
	for (i = 0; i < ARRAY_SIZE(spans); i++)
		if (memcmp(saved->bytes + spans[i][0], again->bytes + spans[i][0], spans[i][1]))
			return false;
	return true;
}

/* Saves at every stage, restores into a fresh VM through nestvirt. */
static void restore_at_every_stage(int nv)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = nv_svm_vm(&vcpu);
	u64 acc = 1;
	int i;

	for (i = 1; i <= NV_STAGES; i++) {
		struct kvm_x86_state *state;
		struct nv_blob saved, again;
		struct kvm_nested_state *kvm;
		char name[64];
		u32 len;

		acc = nv_stage_value(acc, i);
		nv_run_expect(vcpu, UCALL_SYNC, acc);
		state = vcpu_save_state(vcpu);
		saved = nv_get(nv, vcpu);
		kvm = nv_kvm_state(&saved, &len);
		TEST_ASSERT(state->nested.size == len && !memcmp(kvm, &state->nested, len),
			    "stage %d: the container's KVM state (%u bytes) is not KVM_GET_NESTED_STATE's (%u)",
			    i, len, state->nested.size);
		TEST_ASSERT(kvm->flags & KVM_STATE_NESTED_GUEST_MODE,
			    "stage %d: not in guest mode (flags 0x%x)", i, kvm->flags);
		snprintf(name, sizeof(name), "svm-l2-stage%d.nvstate", i);
		nv_capture(name, saved.bytes, saved.size);
		snprintf(name, sizeof(name), "svm-l2-stage%d.kvm", i);
		nv_capture(name, &state->nested, state->nested.size);
		/* Everything but the nested state as state_test restores it. */
		state->nested.size = 0;
		kvm_vm_release(vm);
		vcpu = vm_recreate_with_one_vcpu(vm);
		vcpu_load_state(vcpu, state);
		nv_set(nv, vcpu, &saved);
		again = nv_get(nv, vcpu);
		TEST_ASSERT(same_where_restored(&saved, &again),
			    "stage %d: the restored vCPU saves another state", i);
		kvm_x86_state_cleanup(state);
		free(saved.bytes);
		free(again.bytes);
	}
	nv_run_expect(vcpu, UCALL_DONE, 0);
	kvm_vm_free(vm);
	ksft_test_result_pass("restore_in_fresh_vm_at_%d_points_l2_completes\n", NV_STAGES);
}

/* A VM stopped at L2's first GUEST_SYNC. */
static struct kvm_vm *vm_in_l2(struct kvm_vcpu **vcpu)
{
	struct kvm_vm *vm = nv_svm_vm(vcpu);

	nv_run_expect(*vcpu, UCALL_SYNC, nv_stage_value(1, 1));
	return vm;
}

/* Runs L2 from its first GUEST_SYNC to the end, checking every result. */
static void finish_l2(struct kvm_vcpu *vcpu)
{
	u64 acc = nv_stage_value(1, 1);
	int i;

	for (i = 2; i <= NV_STAGES; i++) {
		acc = nv_stage_value(acc, i);
		nv_run_expect(vcpu, UCALL_SYNC, acc);
	}
	nv_run_expect(vcpu, UCALL_DONE, 0);
}

static void round_trips(int nv)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_in_l2(&vcpu);
	struct nv_blob first = nv_get(nv, vcpu);
	struct nestvirt_info before = nestvirt_get_info(), after;
	int i;

	for (i = 0; i < ROUND_TRIPS; i++) {
		struct nv_blob b;

		nv_set(nv, vcpu, &first);
		b = nv_get(nv, vcpu);
		TEST_ASSERT(nv_same(&first, &b), "round trip %d: the container drifted", i);
		free(b.bytes);
	}
	after = nestvirt_get_info();
	TEST_ASSERT(after.states_restored - before.states_restored == ROUND_TRIPS &&
		    after.states_saved - before.states_saved == ROUND_TRIPS,
		    "counters: %llu restored, %llu saved, want %d each",
		    after.states_restored - before.states_restored,
		    after.states_saved - before.states_saved, ROUND_TRIPS);
	finish_l2(vcpu);
	free(first.bytes);
	kvm_vm_free(vm);
	ksft_test_result_pass("round_trips_%d_no_drift_l2_completes\n", ROUND_TRIPS);
}

static void expect_errno(int r, int want, const char *what)
{
	TEST_ASSERT(r == -1 && errno == want, "%s: r %d errno %s, want %s", what, r,
		    strerror(errno), strerror(want));
}

static void bad_calls(int nv, struct kvm_vm *vm, struct kvm_vcpu *vcpu)
{
	int max = nv_state_size(nv), devnull = open("/dev/null", O_RDONLY);
	int kvm = open("/dev/kvm", O_RDWR);
	u8 *buf = calloc(1, max);
	struct nestvirt_state s;
	pid_t child;
	int status;

	expect_errno(__nv_get(nv, vcpu->fd, buf, 16, &s), E2BIG, "small buffer");
	TEST_ASSERT(s.size == max, "E2BIG gives size %u, want %d", s.size, max);
	expect_errno(__nv_get(nv, vm->fd, buf, max, &s), EBADF, "a VM fd");
	expect_errno(__nv_get(nv, kvm, buf, max, &s), EBADF, "/dev/kvm");
	expect_errno(__nv_get(nv, devnull, buf, max, &s), EBADF, "/dev/null");
	expect_errno(__nv_get(nv, 1000, buf, max, &s), EBADF, "a closed fd");
	expect_errno(__nv_get(nv, nv, buf, max, &s), EBADF, "/dev/nestvirt");
	memset(&s, 0, sizeof(s));
	s.vcpu_fd = vcpu->fd;
	s.buf = (u64)(unsigned long)buf;
	s.size = max;
	s.flags = 1;
	expect_errno(ioctl(nv, NESTVIRT_GET_STATE, &s), EINVAL, "nonzero flags");
	s.flags = 0;
	s.reserved[3] = 1;
	expect_errno(ioctl(nv, NESTVIRT_SET_STATE, &s), EINVAL, "nonzero reserved");

	child = fork();
	TEST_ASSERT(child >= 0, "fork: %s", strerror(errno));
	if (!child) {
		/* Same descriptors, another process: not its VM. */
		int r = __nv_get(nv, vcpu->fd, buf, max, &s);

		_exit(r == -1 && errno == EPERM ? 0 : 1);
	}
	TEST_ASSERT(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0, "another process's vCPU: not EPERM");
	close(kvm);
	close(devnull);
	free(buf);
	ksft_test_result_pass("bad_descriptors_and_fields_refused\n");
}

/* SETs @bad, which must be refused with @want and @id, and changes nothing. */
static void refused(int nv, struct kvm_vcpu *vcpu, const struct nv_blob *good,
		    const struct nv_blob *bad, int want, const char *id)
{
	struct nestvirt_state s;
	struct nv_blob now;

	expect_errno(__nv_set(nv, vcpu->fd, bad->bytes, bad->size, &s), want, id);
	TEST_ASSERT(!strcmp(s.rule_id, id), "refused by '%s', want '%s'", s.rule_id, id);
	now = nv_get(nv, vcpu);
	TEST_ASSERT(nv_same(good, &now), "%s: the refused SET changed the vCPU", id);
	free(now.bytes);
}

static struct nv_blob copy_of(const struct nv_blob *b)
{
	struct nv_blob c = { .bytes = malloc(b->size), .size = b->size };

	memcpy(c.bytes, b->bytes, b->size);
	return c;
}

static void bad_containers(int nv)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_in_l2(&vcpu);
	struct nv_blob good = nv_get(nv, vcpu), bad;
	struct nestvirt_info before, after;
	int rule = nestvirt_rule_index("SVM-CTL-TLB-CONTROL");
	struct nestvirt_state s;
	u64 count;

	TEST_ASSERT(rule >= 0, "no rule SVM-CTL-TLB-CONTROL");
	bad_calls(nv, vm, vcpu);
	before = nestvirt_get_info();

	bad = copy_of(&good);
	bad.bytes[TLB_CTL_AT - 1] ^= 1;
	refused(nv, vcpu, &good, &bad, EBADMSG, "STATE-CHECKSUM");
	free(bad.bytes);

	bad = copy_of(&good);
	bad.bytes[10] = 2;	/* vendor: VMX */
	nv_fix_crc(bad.bytes, bad.size);
	refused(nv, vcpu, &good, &bad, EINVAL, "STATE-VENDOR");

	bad = copy_of(&good);
	TEST_ASSERT(bad.bytes[TLB_CTL_AT] != 5, "L1's TLB_CONTROL is already 5");
	bad.bytes[TLB_CTL_AT] = 5;	/* reserved; KVM 7.3.4 accepts it */
	nv_fix_crc(bad.bytes, bad.size);
	count = nestvirt_rule_failures(rule);
	refused(nv, vcpu, &good, &bad, EINVAL, "SVM-CTL-TLB-CONTROL");
	TEST_ASSERT(nestvirt_rule_failures(rule) == count + 1, "enforce: counted %lu times",
		    nestvirt_rule_failures(rule) - count);
	after = nestvirt_get_info();
	TEST_ASSERT(after.states_refused - before.states_refused == 3,
		    "states_refused grew by %llu, want 3",
		    after.states_refused - before.states_refused);
	ksft_test_result_pass("bad_containers_refused_with_rule_vcpu_unchanged\n");

	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_AUDIT);
	count = nestvirt_rule_failures(rule);
	TEST_ASSERT(__nv_set(nv, vcpu->fd, bad.bytes, bad.size, &s) == 0,
		    "audit: KVM accepts a reserved TLB_CONTROL, nestvirt refused: %s", s.rule_id);
	TEST_ASSERT(nestvirt_rule_failures(rule) == count + 1,
		    "audit: SVM-CTL-TLB-CONTROL counted %lu times, want once",
		    nestvirt_rule_failures(rule) - count);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	nv_set(nv, vcpu, &good);
	finish_l2(vcpu);
	free(bad.bytes);
	free(good.bytes);
	kvm_vm_free(vm);
	ksft_test_result_pass("audit_counts_once_and_applies\n");
}

#define DROP_VMRUN "/sys/module/kvm_amd/parameters/nestvirt_test_vmcb02_drop_vmrun"

/* Writes @value to the test parameter; false (errno set) if it could not. */
static bool set_drop_vmrun(const char *value)
{
	FILE *f = fopen(DROP_VMRUN, "w");
	bool put;

	if (!f)
		return false;
	put = fputs(value, f) >= 0;
	return !fclose(f) && put;
}

/* atexit(): a test that stopped early leaves no check failing later. */
static void clear_drop_vmrun(void)
{
	set_drop_vmrun("0");
}

/*
 * The vmcb02 L2 will run on after a restore is checked, as after VMRUN,
 * but before anything changes (hook patch 0008): once per SET. KVM never
 * builds a vmcb02 that fails, so the test parameter makes the check see
 * vmcb02 without its VMRUN intercept: the SET is refused with EINVAL by
 * KVM's set_state (no rule ID: nestvirt's own checks before it passed),
 * the rule is counted, and the vCPU is as before: L2 goes on without
 * another restore.
 */
static void restored_vmcb02(int nv)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_in_l2(&vcpu);
	struct nv_blob good = nv_get(nv, vcpu), now;
	int rule = nestvirt_rule_index("SVM-VMCB02-VMRUN");
	struct nestvirt_info before, after;
	struct nestvirt_state s;
	u64 count;

	TEST_ASSERT(rule >= 0, "no rule SVM-VMCB02-VMRUN");
	before = nestvirt_get_info();
	nv_set(nv, vcpu, &good);
	after = nestvirt_get_info();
	TEST_ASSERT(after.vmcb02_checks - before.vmcb02_checks == 1,
		    "restore: %llu vmcb02 checks, want 1",
		    after.vmcb02_checks - before.vmcb02_checks);

	count = nestvirt_rule_failures(rule);
	atexit(clear_drop_vmrun);
	TEST_ASSERT(set_drop_vmrun("1"), "write %s: %s", DROP_VMRUN, strerror(errno));
	expect_errno(__nv_set(nv, vcpu->fd, good.bytes, good.size, &s), EINVAL,
		     "a failing vmcb02 check");
	TEST_ASSERT(!s.rule_id[0], "refused before KVM's set_state, by %s", s.rule_id);
	TEST_ASSERT(kvm_get_module_param_integer("kvm_amd", "nestvirt_test_vmcb02_drop_vmrun") == 0,
		    "the vmcb02 check did not run");
	TEST_ASSERT(nestvirt_rule_failures(rule) == count + 1,
		    "SVM-VMCB02-VMRUN counted %lu times, want once",
		    nestvirt_rule_failures(rule) - count);
	now = nv_get(nv, vcpu);
	TEST_ASSERT(nv_same(&good, &now), "the refused restore changed the vCPU");
	free(now.bytes);

	finish_l2(vcpu);
	free(good.bytes);
	kvm_vm_free(vm);
	ksft_test_result_pass("restored_vmcb02_checked_before_anything_changes\n");
}

/* Median and p99 of @n calls of @fn, in ns. */
#define NV_TIME(n, median, p99, call) do {				\
	u64 *ns_ = calloc(n, sizeof(u64));				\
	int i_;								\
	for (i_ = 0; i_ < (n); i_++) {					\
		u64 t_ = nv_now_ns();					\
		call;							\
		ns_[i_] = nv_now_ns() - t_;				\
	}								\
	nv_median_p99(ns_, n, &(median), &(p99));			\
	free(ns_);							\
} while (0)

static void latency(int nv)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_in_l2(&vcpu);
	struct nv_blob c = nv_get(nv, vcpu);
	int max = nv_state_size(nv), kmax = kvm_check_cap(KVM_CAP_NESTED_STATE);
	struct kvm_nested_state *k = calloc(1, kmax);
	u8 *buf = calloc(1, max);
	u64 g, gp, s, sp, kg, kgp, ks, ksp;
	struct nestvirt_state st;
	u32 klen;

	nv_kvm_state(&c, &klen);
	NV_TIME(LAT_SAMPLES, g, gp, __nv_get(nv, vcpu->fd, buf, max, &st));
	NV_TIME(LAT_SAMPLES, s, sp, __nv_set(nv, vcpu->fd, c.bytes, c.size, &st));
	NV_TIME(LAT_SAMPLES, kg, kgp, (k->size = kmax, vcpu_nested_state_get(vcpu, k)));
	NV_TIME(LAT_SAMPLES, ks, ksp, vcpu_nested_state_set(vcpu, k));
	ksft_print_msg("state: round trip with L2 running: container %u bytes (KVM state %u); GET median %.1f us p99 %.1f (KVM %.1f / %.1f), SET median %.1f us p99 %.1f (KVM %.1f / %.1f); ratio GET %.2f SET %.2f\n",
		       c.size, klen, g / 1e3, gp / 1e3, kg / 1e3, kgp / 1e3,
		       s / 1e3, sp / 1e3, ks / 1e3, ksp / 1e3,
		       (double)g / kg, (double)s / ks);
	nv_set(nv, vcpu, &c);
	finish_l2(vcpu);
	free(buf);
	free(k);
	free(c.bytes);
	kvm_vm_free(vm);
	ksft_test_result_pass("latency_printed\n");
}

int main(int argc, char *argv[])
{
	struct nv_modes modes;
	int nv;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_NESTED_STATE));
	nv = nestvirt_open();
	ksft_print_header();
	modes = nv_modes_save(NESTVIRT_SVM_NR_CLASSES);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);
	/* scripts/bench.sh: the latency figures alone, on its clock. */
	if (getenv("NV_STATE_LATENCY_ONLY")) {
		ksft_set_plan(1);
		latency(nv);
		nv_modes_restore(&modes);
		close(nv);
		ksft_finished();
	}
	ksft_set_plan(7);
	restore_at_every_stage(nv);
	round_trips(nv);
	bad_containers(nv);
	restored_vmcb02(nv);
	latency(nv);
	nv_modes_restore(&modes);
	close(nv);
	ksft_finished();
}
