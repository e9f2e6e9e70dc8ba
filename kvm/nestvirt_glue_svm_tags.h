/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-amd glue: nestvirt's ASID mapping, per vCPU. Included by
 * nestvirt_glue_svm.c, whose per-vCPU state holds it.
 */
#ifndef _NESTVIRT_GLUE_SVM_TAGS_H
#define _NESTVIRT_GLUE_SVM_TAGS_H

/*
 * A host ASID as KVM hands them out (svm_alloc_asid()): valid on @cpu
 * while that CPU's ASID generation is @generation. Generation 0 is never
 * current: a tag whose generation is 0 takes a fresh ASID, which holds no
 * translation, at its next VMRUN. That is how the glue flushes a tag.
 */
struct nestvirt_host_asid {
	u64 generation;
	u32 asid;
	int cpu;
};

struct nestvirt_svm_tags {
	/*
	 * The nestvirt_policy_gen the mapping was started under; any other
	 * value (0 at allocation, a later attach or mode change) means not
	 * mapped: KVM's own ASID and flushes until the next nested entry
	 * starts the mapping afresh.
	 */
	u64 gen;
	/* L1's host ASID. */
	struct nestvirt_host_asid l1;
	/* The host ASIDs of the host tags nestvirt's map hands out. */
	struct nestvirt_host_asid host[NESTVIRT_TAGS_MAX];
	/* The host tag L2 runs on (in guest mode). */
	u32 cur;
	/* Host tags mapped, as nestvirt last said: the share of the gauge. */
	u32 in_use;
	/* nestvirt's map (struct nestvirt_tags_call.map). */
	u64 map[NESTVIRT_TAG_MAP_BYTES / sizeof(u64)];
};

#endif /* _NESTVIRT_GLUE_SVM_TAGS_H */
