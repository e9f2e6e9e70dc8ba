// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_svm_state_storm_test: 10,000 mutated containers fed to
 * NESTVIRT_SET_STATE on a vCPU stopped with L2 running.
 *
 * The mutations (a fixed xorshift seed: the same storm on every run): bit
 * flips with and without a fixed checksum, truncation, a size beyond the
 * container, header fields, section headers, KVM's header, and vmcb12
 * control and save-area bytes, all with the checksum fixed so that they
 * reach the checks behind it. Each one is either refused, and then the
 * vCPU saves exactly the container it saved before, or applied by KVM,
 * and then the vCPU restores as a migration restores it (its registers
 * as the kernel's state_test restores them, then the good container) and
 * saves the good container again. In the
 * end L2 finishes with the right result, nestvirt's counters account for
 * every call, and dmesg named each cause of refusal at most once.
 */
#include <stddef.h>
#include <sys/klog.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kselftest.h"

#define NV_STAGES	2
#include "nestvirt_svm_state_guest.h"

#define MUTATIONS	10000
#define KINDS		9
#define CAUSES		64
#define VMCB12_AT	(NV_KVM_AT + 128)
#define SAVE_AT		(VMCB12_AT + 1024)

static const char *const kind_names[KINDS] = {
	"bit flip", "bit flip, checksum fixed", "truncated", "size beyond",
	"header field", "section header", "KVM header", "vmcb12 control", "vmcb12 save",
};

/* A distinct cause of refusal: errno and the refusing check's ID. */
struct cause {
	int err;
	char id[48];
	int count;
};

static struct cause causes[CAUSES];
static int n_causes;

/* Where refusals only KVM's own set_state made came from (the first few). */
#define KVM_ONLY_SHOWN	12
static int kvm_only;

static void tally(int err, const char *id)
{
	int i;

	for (i = 0; i < n_causes; i++)
		if (causes[i].err == err && !strcmp(causes[i].id, id))
			break;
	if (i == n_causes) {
		TEST_ASSERT(n_causes < CAUSES, "more than %d causes", CAUSES);
		causes[i].err = err;
		snprintf(causes[i].id, sizeof(causes[i].id), "%s", id);
		n_causes++;
	}
	causes[i].count++;
}

/* Lines of the kernel log that name a refused container. */
static int refusal_lines(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *p;
	int n = 0;

	TEST_ASSERT(len > 0, "klogctl: %s", strerror(errno));
	buf = calloc(1, len + 1);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	TEST_ASSERT(len >= 0, "klogctl: %s", strerror(errno));
	for (p = buf; (p = strstr(p, "NESTVIRT_SET_STATE refused")); p++)
		n++;
	free(buf);
	return n;
}

/* Mutation @kind of @good into @out (room for twice its size); its size. */
static u32 mutate(int kind, const struct nv_blob *good, u8 *out, u64 *rng)
{
	u64 r = nv_xorshift64s(rng);
	u32 size = good->size, at;
	u32 kvm_len = nv_le32(good->bytes + NV_HDR_SIZE + 4);

	memcpy(out, good->bytes, size);
	switch (kind) {
	case 0:
	case 1:
		at = r % size;
		out[at] ^= 1 << (r >> 32) % 8;
		if (kind == 1)
			nv_fix_crc(out, size);
		return size;
	case 2:
		return r % size;
	case 3:
		size += 1 + r % size;
		memset(out + good->size, r >> 32, size - good->size);
		return size;
	case 4:
		/* version, vendor, header_size, total_size, section_count, flags, reserved */
		at = (u32[]){ 8, 10, 12, 16, 20, 28, 32 }[r % 7];
		nv_put_le32(out + at, nv_le32(out + at) ^ (1u << (r >> 32) % 32));
		break;
	case 5:
		/* the first section's header, or the ones after KVM's state */
		at = r % 2 ? NV_HDR_SIZE : NV_KVM_AT + ((kvm_len + 7) & ~7u);
		at += (r >> 8) % NV_SEC_HDR;
		out[at] ^= 1 << (r >> 32) % 8;
		break;
	case 6:
		out[NV_KVM_AT + (r >> 8) % 128] = r >> 32;
		break;
	case 7:
		out[VMCB12_AT + (r >> 8) % 1024] = r >> 32;
		break;
	default:
		out[SAVE_AT + (r >> 8) % (kvm_len - 128 - 1024)] = r >> 32;
		break;
	}
	nv_fix_crc(out, size);
	return size;
}

int main(int argc, char *argv[])
{
	struct nestvirt_info before, after;
	struct kvm_x86_state *state;
	struct nv_modes modes;
	int nv, i, kind, applied = 0, refused = 0, lines;
	int per_kind_applied[KINDS] = { 0 };
	struct nv_blob good, now;
	struct nestvirt_state s;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	u64 rng = 0x6e65737476697274ull;
	u8 *bad;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_NESTED_STATE));
	nv = nestvirt_open();
	ksft_print_header();
	ksft_set_plan(1);
	modes = nv_modes_save(NESTVIRT_SVM_NR_CLASSES);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);

	vm = nv_svm_vm(&vcpu);
	nv_run_expect(vcpu, UCALL_SYNC, nv_stage_value(1, 1));
	state = vcpu_save_state(vcpu);
	state->nested.size = 0;
	good = nv_get(nv, vcpu);
	bad = calloc(2, good.size);
	lines = refusal_lines();
	before = nestvirt_get_info();

	for (i = 0; i < MUTATIONS; i++) {
		u32 size;

		kind = i % KINDS;
		size = mutate(kind, &good, bad, &rng);
		if (__nv_set(nv, vcpu->fd, bad, size, &s) == 0) {
			/* Applied by KVM: the good state still restores exactly. */
			applied++;
			per_kind_applied[kind]++;
			vcpu_load_state(vcpu, state);
			nv_set(nv, vcpu, &good);
		} else {
			TEST_ASSERT(errno == EINVAL || errno == EBADMSG,
				    "mutation %d (%s): errno %s", i, kind_names[kind], strerror(errno));
			refused++;
			tally(errno, s.rule_id[0] ? s.rule_id : "(KVM)");
			if (!s.rule_id[0] && kvm_only++ < KVM_ONLY_SHOWN) {
				u32 at = NV_KVM_AT;	/* past the fixed checksum */

				while (at < size && at < good.size && bad[at] == good.bytes[at])
					at++;
				ksft_print_msg("storm: KVM alone refused mutation %d (%s): byte %u of the KVM state, 0x%02x -> 0x%02x\n",
					       i, kind_names[kind], at - NV_KVM_AT,
					       good.bytes[at], bad[at]);
			}
		}
		now = nv_get(nv, vcpu);
		TEST_ASSERT(nv_same(&good, &now), "mutation %d (%s, %s): the vCPU changed",
			    i, kind_names[kind], s.rule_id);
		free(now.bytes);
	}
	after = nestvirt_get_info();
	TEST_ASSERT(after.states_refused - before.states_refused == refused &&
		    after.states_restored - before.states_restored == 2 * applied,
		    "counters: %llu refused (want %d), %llu restored (want %d)",
		    after.states_refused - before.states_refused, refused,
		    after.states_restored - before.states_restored, 2 * applied);
	lines = refusal_lines() - lines;
	TEST_ASSERT(lines <= n_causes, "dmesg named %d refusals for %d causes", lines, n_causes);

	ksft_print_msg("storm: %d mutated containers: %d refused, %d applied by KVM; %d dmesg lines\n",
		       MUTATIONS, refused, applied, lines);
	for (kind = 0; kind < KINDS; kind++)
		ksft_print_msg("storm:   %-26s %4d applied\n", kind_names[kind],
			       per_kind_applied[kind]);
	for (i = 0; i < n_causes; i++)
		ksft_print_msg("storm:   refused %-8s %-32s %5d\n",
			       causes[i].err == EBADMSG ? "EBADMSG" : "EINVAL",
			       causes[i].id, causes[i].count);

	/* Nothing of the storm stuck: L2 finishes. */
	nv_run_expect(vcpu, UCALL_SYNC, nv_stage_value(nv_stage_value(1, 1), 2));
	nv_run_expect(vcpu, UCALL_DONE, 0);
	kvm_x86_state_cleanup(state);
	free(bad);
	free(good.bytes);
	kvm_vm_free(vm);
	ksft_test_result_pass("storm_%d_each_refused_unchanged_or_applied\n", MUTATIONS);
	nv_modes_restore(&modes);
	close(nv);
	ksft_finished();
}
