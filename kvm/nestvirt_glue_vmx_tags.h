/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-intel glue: nestvirt's VPID mapping, per vCPU. Included by
 * nestvirt_glue_vmx.c, whose per-vCPU state holds it.
 */
#ifndef _NESTVIRT_GLUE_VMX_TAGS_H
#define _NESTVIRT_GLUE_VMX_TAGS_H

struct nestvirt_vmx_tags {
	/*
	 * The nestvirt_policy_gen the mapping was started under; 0 when not
	 * mapping (KVM's one vpid02, as without nestvirt).
	 */
	u64 gen;
	/* The host VPID of each host tag of nestvirt's map; 0: none yet. */
	u16 vpid[NESTVIRT_TAGS_MAX];
	/*
	 * KVM's own vpid02, put back in vmx->nested.vpid02 when the mapping
	 * stops; 0 when KVM holds it there (not mapping).
	 */
	u16 kvm_vpid02;
	/* vmcs12's VPID at the last VM entry: KVM flushes when it changes. */
	u16 last_vpid12;
	/* Host tags to flush at the next VM entry (INVVPID on another CPU). */
	u32 pending;
	/* Host tags mapped, as nestvirt last said: the share of the gauge. */
	u32 in_use;
	/* nestvirt's map (struct nestvirt_tags_call.map). */
	u64 map[NESTVIRT_TAG_MAP_BYTES / sizeof(u64)];
};

#endif /* _NESTVIRT_GLUE_VMX_TAGS_H */
