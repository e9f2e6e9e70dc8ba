// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-intel glue: nestvirt's VPID mapping (Documentation/nestvirt/tags.rst).
 * Included at the end of nestvirt_glue_vmx.c.
 *
 * KVM runs every L2 of a vCPU on one VPID, vpid02, and flushes it whenever
 * vmcs12's VPID differs from the last VM entry's (it keeps no history of
 * L1's VPIDs). When nestvirt maps a vCPU's tags, each VPID L1 gives its
 * L2s runs on a VPID of its own from KVM's allocator, and nestvirt's map
 * (its engine's tags module) decides which host tag serves which L1 VPID
 * and what INVVPID flushes; switching between mapped VPIDs flushes
 * nothing. The glue does it where vmcs02 is prepared, before the entry:
 *  - vpid02 becomes the host tag's VPID, and KVM's last_vpid L1's VPID,
 *    so KVM's own transition code sees no change of VPID (and flushes
 *    nothing) while its other users of vpid02 (INVVPID emulation, guest
 *    TLB flushes of L2) act on the right VPID;
 *  - a host tag to flush (new, newly allocated, or left by an INVVPID on
 *    another CPU) is flushed with INVVPID single-context on this CPU,
 *    with vmcs02 loaded here: a vCPU that moves to another CPU, or back,
 *    has all of that CPU's VPID contexts flushed when its VMCS loads there
 *    (vmx_vcpu_load_vmcs()), so stale entries elsewhere never serve.
 *
 * Only with EPT: without it, KVM's shadow paging of L2 follows vpid12
 * changes in ways the mapping does not model.
 *
 * All of it runs on the vCPU's thread, so the per-vCPU state needs no lock.
 */

#include "nestvirt_glue_tags.c"

/* Frees the host tags' VPIDs but the one vpid02 holds (KVM frees that). */
static void nestvirt_vmx_tags_release(struct vcpu_vmx *vmx,
				      struct nestvirt_vmx_tags *t)
{
	int s;

	for (s = 0; s < NESTVIRT_TAGS_MAX; s++) {
		if (t->vpid[s] && t->vpid[s] != vmx->nested.vpid02)
			free_vpid(t->vpid[s]);
		t->vpid[s] = 0;
	}
	if (t->kvm_vpid02 && t->kvm_vpid02 != vmx->nested.vpid02)
		free_vpid(t->kvm_vpid02);
	t->kvm_vpid02 = 0;
	nestvirt_tags_account(&t->in_use, 0);
}

/*
 * Stops the mapping: KVM's vpid02 back, every host tag's VPID freed, and
 * KVM's next VM entry flushes vpid02 (last_vpid 0), as after VMXON.
 */
static void nestvirt_vmx_tags_stop(struct vcpu_vmx *vmx,
				   struct nestvirt_vmx_tags *t)
{
	/* vpid02 holds a host tag's VPID (or KVM's, if none was used yet). */
	if (t->kvm_vpid02) {
		vmx->nested.vpid02 = t->kvm_vpid02;
		t->kvm_vpid02 = 0;
	}
	nestvirt_vmx_tags_release(vmx, t);
	t->gen = 0;
	t->pending = 0;
	vmx->nested.last_vpid = 0;
}

/* nestvirt_vmx_free(): the vCPU's nested state goes. */
static void nestvirt_vmx_tags_free(struct vcpu_vmx *vmx,
				   struct nestvirt_vmx_tags *t)
{
	nestvirt_vmx_tags_release(vmx, t);
}

/* Flushes the host tags in @mask on this CPU. */
static void nestvirt_vmx_tags_flush(struct nestvirt_vmx_tags *t, u32 mask)
{
	int s;

	for (s = 0; s < NESTVIRT_TAGS_MAX; s++) {
		if (!(mask & BIT(s)) || !t->vpid[s])
			continue;
		vpid_sync_context(t->vpid[s]);
		this_cpu_inc(nestvirt_tag_counters.tag_flushes);
	}
}

/*
 * A VM entry with vmcs02 loaded on this CPU: maps vmcs12's VPID, or stops
 * mapping. Returns whether L2 runs on a host tag of the map.
 */
static bool nestvirt_vmx_tags_map(struct vcpu_vmx *vmx, struct vmcs12 *vmcs12)
{
	struct nestvirt_vmx_state *st = vmx->nested.nestvirt;
	struct nestvirt_tags_call call = {
		.op = NESTVIRT_TAGS_VMX_ENTRY,
		.l1_tag = vmcs12->virtual_processor_id,
	};
	struct nestvirt_vmx_tags *t;
	u32 flush;
	u64 gen;
	u16 *vpid;

	if (!st)
		return false;
	t = &st->tags;
	if (!enable_ept || !enable_vpid || !vmx->nested.vpid02 ||
	    !nested_cpu_has_vpid(vmcs12) || !call.l1_tag)
		goto unmapped;
	call.map = t->map;
	gen = nestvirt_tags_call(&call, t->gen);
	if (!gen || call.slot >= NESTVIRT_TAGS_MAX)
		goto unmapped;
	if (t->gen != gen) {
		/* A new policy: a new map, new host tags. */
		if (t->gen)
			nestvirt_vmx_tags_stop(vmx, t);
		t->gen = gen;
		t->kvm_vpid02 = vmx->nested.vpid02;
	}
	flush = call.flush | t->pending;
	vpid = &t->vpid[call.slot];
	if (!*vpid) {
		*vpid = allocate_vpid();
		if (!*vpid)
			goto unmapped;
		this_cpu_inc(nestvirt_tag_counters.asids);
		/* A VPID KVM frees is not flushed: another vCPU's entries. */
		flush |= BIT(call.slot);
	}
	nestvirt_vmx_tags_flush(t, flush);
	t->pending = 0;
	if (t->last_vpid12 != call.l1_tag && !(flush & BIT(call.slot)))
		this_cpu_inc(nestvirt_tag_counters.flushes_avoided);
	this_cpu_inc(nestvirt_tag_counters.transitions);
	t->last_vpid12 = call.l1_tag;
	nestvirt_tags_account(&t->in_use, call.in_use);
	vmx->nested.vpid02 = *vpid;
	vmx->nested.last_vpid = call.l1_tag;
	return true;

unmapped:
	if (t->gen)
		nestvirt_vmx_tags_stop(vmx, t);
	return false;
}

void __nestvirt_vmx_tags_entry(struct vcpu_vmx *vmx, struct vmcs12 *vmcs12)
{
	struct nestvirt_vmx_state *st = vmx->nested.nestvirt;
	bool was_mapped = st && st->tags.gen;

	if (!nestvirt_vmx_tags_map(vmx, vmcs12) && !was_mapped)
		return;
	/* vmcs02's VPID as prepare_vmcs02_early_rare() would write it. */
	if (nested_cpu_has_vpid(vmcs12) && vmx->nested.vpid02)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vmx->nested.vpid02);
	else
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vmx->vpid);
}

bool __nestvirt_vmx_tags_invvpid(struct vcpu_vmx *vmx, u32 type, u16 vpid,
				 int cpu)
{
	struct nestvirt_vmx_state *st = vmx->nested.nestvirt;
	struct nestvirt_tags_call call = {
		.op = NESTVIRT_TAGS_VMX_INVVPID,
		.l1_tag = vpid,
		.arg = type,
	};
	struct nestvirt_vmx_tags *t;
	u64 gen;

	if (!st || !st->tags.gen)
		return false;
	t = &st->tags;
	call.map = t->map;
	gen = nestvirt_tags_call(&call, t->gen);
	if (gen != t->gen) {
		/*
		 * nestvirt is detaching, or its policy changed since the map
		 * started: KVM flushes vpid02 (the VPID L2 runs on now) as it
		 * would without the mapping, which may never run again; if it
		 * does, it restarts on VPIDs it flushes before use.
		 */
		return false;
	}
	if (cpu == vmx->nested.vmcs02.cpu)
		nestvirt_vmx_tags_flush(t, call.flush);
	else
		t->pending |= call.flush;
	return true;
}
