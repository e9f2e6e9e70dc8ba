// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-amd glue: nestvirt's ASID mapping (Documentation/nestvirt/tags.rst).
 * Included at the end of nestvirt_glue_svm.c.
 *
 * Stock KVM runs L1 and L2 on one ASID and flushes it on every nested
 * entry and exit. When nestvirt maps a vCPU's tags, L1 runs on a host ASID
 * of its own and each ASID L1 gives its L2s (vmcb12's) on another, from
 * KVM's own per-CPU allocator; nestvirt's map (its engine's tags module)
 * decides which host tag serves which L1 ASID and which to flush, as L1's
 * TLB_CONTROL asks. The transitions then flush nothing, while:
 *  - every flush KVM makes for its own reasons (a remote flush after an
 *    NPT change, a guest flush, a new MMU root) flushes every host ASID of
 *    the vCPU, L1's and each L2's (__nestvirt_svm_tags_flush());
 *  - the nested NPT MMU is still synced on every transition (the patch);
 *  - a flush is a fresh ASID: an ASID KVM's allocator hands out holds no
 *    translation (a new generation flushes all of them), so the glue never
 *    depends on vmcb02's TLB_CONTROL, which KVM rewrites on each VMRUN.
 *
 * Only with NPT: without it, KVM's shadow paging of L2 relies on the
 * transition flushes in ways the mapping does not model.
 *
 * All of it runs on the vCPU's thread (nested transitions, pre_svm_run(),
 * KVM's TLB flush requests), so the per-vCPU state needs no lock.
 */

#include "nestvirt_glue_tags.c"

/* The vCPU's mapping, when nestvirt maps its tags under the current policy. */
static struct nestvirt_svm_tags *nestvirt_svm_tags_mapped(struct vcpu_svm *svm)
{
	struct nestvirt_svm_state *st = svm->nested.nestvirt;

	if (!st || !st->tags.gen ||
	    st->tags.gen != atomic64_read_acquire(&nestvirt_policy_gen))
		return NULL;
	return &st->tags;
}

/*
 * Starts the mapping afresh under policy @gen: no L1 ASID mapped, every
 * host ASID to be taken anew. KVM's own ASIDs of vmcb01 and vmcb02 are
 * forgotten as well (generation 0), so that whenever KVM takes over again
 * (detach, a mode change) it starts on fresh ASIDs, which hold nothing
 * the mapping left behind.
 */
static void nestvirt_svm_tags_start(struct vcpu_svm *svm,
				    struct nestvirt_svm_tags *t, u64 gen)
{
	nestvirt_tags_account(&t->in_use, 0);
	memset(&t->l1, 0, sizeof(t->l1));
	memset(t->host, 0, sizeof(t->host));
	t->cur = 0;
	t->gen = gen;
	svm->vmcb01.asid_generation = 0;
	svm->nested.vmcb02.asid_generation = 0;
}

/* The vCPU's mapping ends: nestvirt_svm_free(). */
static void nestvirt_svm_tags_free(struct nestvirt_svm_tags *t)
{
	nestvirt_tags_account(&t->in_use, 0);
}

/*
 * An entry into guest mode: nestvirt's map says which host tag L2 runs on
 * and which to flush first. Returns false (KVM flushes as ever) when
 * nestvirt maps nothing: detached, the mapping off (tags=0), no NPT, no
 * per-vCPU state, or an answer out of range: KVM's flushes, which are
 * always correct.
 */
static bool nestvirt_svm_tags_entry(struct vcpu_svm *svm)
{
	/*
	 * Allocated by the entry's check, which runs first; not allocated
	 * here, so that a failed allocation stays the check's to report.
	 */
	struct nestvirt_svm_state *st = svm->nested.nestvirt;
	struct nestvirt_tags_call call = {
		.op = NESTVIRT_TAGS_SVM_ENTRY,
		.l1_tag = svm->nested.ctl.asid,
		.arg = svm->nested.ctl.tlb_ctl,
	};
	struct nestvirt_svm_tags *t;
	u64 gen;
	u32 s;

	if (!st)
		goto unmapped;
	t = &st->tags;
	call.map = t->map;
	gen = nestvirt_tags_call(&call, t->gen);
	if (!gen || call.slot >= NESTVIRT_TAGS_MAX)
		goto unmapped;
	if (t->gen != gen)
		nestvirt_svm_tags_start(svm, t, gen);
	for (s = 0; s < NESTVIRT_TAGS_MAX; s++) {
		if (call.flush & BIT(s)) {
			t->host[s].generation = 0;
			this_cpu_inc(nestvirt_tag_counters.tag_flushes);
		}
	}
	t->cur = call.slot;
	nestvirt_tags_account(&t->in_use, call.in_use);
	return true;

unmapped:
	/* KVM's flushes and ASIDs from now on, fresh ones (see start()). */
	if (st && st->tags.gen)
		nestvirt_svm_tags_start(svm, &st->tags, 0);
	return false;
}

bool __nestvirt_svm_tags_transition(struct kvm_vcpu *vcpu, bool entry)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	if (!npt_enabled)
		return false;
	if (entry ? !nestvirt_svm_tags_entry(svm) : !nestvirt_svm_tags_mapped(svm))
		return false;
	this_cpu_inc(nestvirt_tag_counters.transitions);
	this_cpu_inc(nestvirt_tag_counters.flushes_avoided);
	return true;
}

bool __nestvirt_svm_tags_asid(struct vcpu_svm *svm, struct svm_cpu_data *sd)
{
	struct nestvirt_svm_tags *t = nestvirt_svm_tags_mapped(svm);
	struct nestvirt_host_asid *h;
	int cpu = svm->vcpu.cpu;

	if (!t)
		return false;
	h = is_guest_mode(&svm->vcpu) ? &t->host[t->cur] : &t->l1;
	/*
	 * Generations count per CPU: an ASID of another CPU's generation is
	 * not ours here, even when the numbers agree.
	 */
	if (h->generation != sd->asid_generation || h->cpu != cpu) {
		h->asid = svm_alloc_asid(sd, &h->generation);
		h->cpu = cpu;
		this_cpu_inc(nestvirt_tag_counters.asids);
	}
	svm->asid = h->asid;
	return true;
}

void __nestvirt_svm_tags_flush(struct kvm_vcpu *vcpu)
{
	struct nestvirt_svm_tags *t = nestvirt_svm_tags_mapped(to_svm(vcpu));
	int s;

	if (!t)
		return;
	t->l1.generation = 0;
	for (s = 0; s < NESTVIRT_TAGS_MAX; s++)
		t->host[s].generation = 0;
	this_cpu_inc(nestvirt_tag_counters.tag_flushes);
}
