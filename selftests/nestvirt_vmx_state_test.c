// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_vmx_state_test: NESTVIRT_GET_STATE and NESTVIRT_SET_STATE on VMX
 * with L2 running (the Bochs Intel host).
 *
 * - At each of L2's three GUEST_SYNCs the vCPU is saved (KVM's state as the
 *   kernel's state_test saves it, the nested state as a container whose
 *   KVM section equals KVM_GET_NESTED_STATE's bytes), the VM released and
 *   recreated twice: restored by KVM (KVM_SET_NESTED_STATE, as the kernel's
 *   state_test restores) and then by nestvirt (NESTVIRT_SET_STATE), the
 *   vCPU saves the same container; L2's results are checked to the end.
 *   (Not the container saved before: KVM's restore does not give back
 *   every vmcs12 field, e.g. GUEST_LINEAR_ADDRESS, exit information that
 *   KVM's save copies from vmcs02 and no restore can set.)
 * - 100 SET/GET round trips give the same container each time.
 * - A broken checksum is refused (EBADMSG, STATE-CHECKSUM), and so is a
 *   vmcs12 whose guest CR0 violates its fixed bits (EINVAL, a
 *   VMX-GUEST-CR0 rule): refused before vmx_set_nested_state() leaves VMX
 *   operation, so the vCPU saves the same container and L2 finishes.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "vmx.h"
#include "kselftest.h"

#include "nestvirt_state_util.h"

#define STAGES		3
#define ROUND_TRIPS	100
/* struct vmcs12 (arch/x86/kvm/vmx/vmcs12.h) after KVM's 128-byte header. */
#define GUEST_CR0_AT	(NV_KVM_AT + 128 + 424)

NV_STATE_L2(l2_guest_code, STAGES, vmcall())

static void l1_guest_code(struct vmx_pages *vmx)
{
	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	prepare_vmcs(vmx, l2_guest_code);
	GUEST_ASSERT(!vmlaunch());
	GUEST_ASSERT(vmreadz(VM_EXIT_REASON) == EXIT_REASON_VMCALL);
	GUEST_DONE();
}

/*
 * For a failure message: prints where @a and @b differ past the checksum
 * (up to ten 8-byte words, as offsets into KVM's vmcs12; negative: before
 * it) and returns the first such offset.
 */
static int first_difference(const struct nv_blob *a, const struct nv_blob *b)
{
	int first = INT32_MIN, shown = 0;
	u32 i;

	for (i = NV_HDR_CRC + 4; i + 8 <= a->size && i + 8 <= b->size && shown < 10; i += 8) {
		u64 x, y;

		memcpy(&x, a->bytes + i, 8);
		memcpy(&y, b->bytes + i, 8);
		if (x == y)
			continue;
		if (first == INT32_MIN)
			first = (int)i - (NV_KVM_AT + 128);
		ksft_print_msg("  vmcs12 byte %d: 0x%lx, restored 0x%lx\n",
			       (int)i - (NV_KVM_AT + 128), (ulong)x, (ulong)y);
		shown++;
	}
	return first;
}

int main(int argc, char *argv[])
{
	struct nv_blob good, bad, now;
	struct nv_modes modes;
	struct nestvirt_state s;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	gva_t vmx_gva;
	u64 acc = 1;
	int nv, i;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_NESTED_STATE));
	nv = nestvirt_open();
	ksft_print_header();
	ksft_set_plan(3);
	modes = nv_modes_save(NESTVIRT_VMX_NR_CLASSES);
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_ENFORCE);

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_vmx(vm, &vmx_gva);
	vcpu_args_set(vcpu, 1, vmx_gva);
	for (i = 1; i <= STAGES; i++) {
		struct kvm_x86_state *state;
		struct kvm_nested_state *kvm;
		struct nv_blob again, by_kvm;
		char name[64];
		u32 len;

		acc = nv_stage_value(acc, i);
		nv_run_expect(vcpu, UCALL_SYNC, acc);
		state = vcpu_save_state(vcpu);
		good = nv_get(nv, vcpu);
		kvm = nv_kvm_state(&good, &len);
		TEST_ASSERT(state->nested.size == len && !memcmp(kvm, &state->nested, len),
			    "stage %d: the container's KVM state (%u bytes) is not KVM_GET_NESTED_STATE's (%u)",
			    i, len, state->nested.size);
		TEST_ASSERT(kvm->flags & KVM_STATE_NESTED_GUEST_MODE,
			    "stage %d: not in guest mode (flags 0x%x)", i, kvm->flags);
		snprintf(name, sizeof(name), "vmx-l2-stage%d.nvstate", i);
		nv_capture(name, good.bytes, good.size);
		snprintf(name, sizeof(name), "vmx-l2-stage%d.kvm", i);
		nv_capture(name, &state->nested, state->nested.size);
		/* KVM's own restore, in a fresh VM, as the kernel's state_test does. */
		kvm_vm_release(vm);
		vcpu = vm_recreate_with_one_vcpu(vm);
		vcpu_load_state(vcpu, state);
		by_kvm = nv_get(nv, vcpu);
		/* nestvirt's, in another fresh VM: the same vCPU state results. */
		state->nested.size = 0;
		kvm_vm_release(vm);
		vcpu = vm_recreate_with_one_vcpu(vm);
		vcpu_load_state(vcpu, state);
		nv_set(nv, vcpu, &good);
		again = nv_get(nv, vcpu);
		TEST_ASSERT(nv_same(&by_kvm, &again),
			    "stage %d: restored by nestvirt, the vCPU saves another state than restored by KVM (vmcs12 byte %d)",
			    i, first_difference(&by_kvm, &again));
		kvm_x86_state_cleanup(state);
		free(good.bytes);
		free(by_kvm.bytes);
		/* What the restored vCPU saves is what the round trips restore. */
		good = again;
	}
	ksft_print_msg("vmx state: container %u bytes, restored into a fresh VM at %d points\n",
		       good.size, STAGES);
	ksft_test_result_pass("restore_in_fresh_vm_at_%d_points\n", STAGES);

	for (i = 0; i < ROUND_TRIPS; i++) {
		nv_set(nv, vcpu, &good);
		now = nv_get(nv, vcpu);
		TEST_ASSERT(nv_same(&good, &now), "round trip %d: drifted at vmcs12 byte %d", i,
			    first_difference(&good, &now));
		free(now.bytes);
	}
	ksft_test_result_pass("round_trips_%d_no_drift\n", ROUND_TRIPS);

	bad = (struct nv_blob){ .bytes = malloc(good.size), .size = good.size };
	memcpy(bad.bytes, good.bytes, good.size);
	bad.bytes[GUEST_CR0_AT] ^= 1;
	TEST_ASSERT(__nv_set(nv, vcpu->fd, bad.bytes, bad.size, &s) == -1 && errno == EBADMSG &&
		    !strcmp(s.rule_id, "STATE-CHECKSUM"),
		    "broken checksum: errno %s, rule '%s'", strerror(errno), s.rule_id);
	memset(bad.bytes + GUEST_CR0_AT, 0, 8);
	nv_fix_crc(bad.bytes, bad.size);
	TEST_ASSERT(__nv_set(nv, vcpu->fd, bad.bytes, bad.size, &s) == -1 && errno == EINVAL &&
		    !strncmp(s.rule_id, "VMX-GUEST-CR0", 13) &&
		    s.rule != NESTVIRT_STATE_RULE_NONE,
		    "guest CR0 0: errno %s, rule '%s' (%u)", strerror(errno), s.rule_id, s.rule);
	ksft_print_msg("vmx state: guest CR0 0 refused by %s\n", s.rule_id);
	now = nv_get(nv, vcpu);
	TEST_ASSERT(nv_same(&good, &now), "a refused SET changed the vCPU (vmcs12 byte %d)",
		    first_difference(&good, &now));
	/* L2 goes on from the last stage to its end. */
	nv_run_expect(vcpu, UCALL_DONE, 0);
	ksft_test_result_pass("bad_containers_refused_vcpu_unchanged_l2_completes\n");
	free(now.bytes);
	free(bad.bytes);
	free(good.bytes);
	kvm_vm_free(vm);
	nv_modes_restore(&modes);
	close(nv);
	ksft_finished();
}
