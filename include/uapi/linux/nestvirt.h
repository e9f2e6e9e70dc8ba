/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nestvirt: userspace ABI of /dev/nestvirt.
 *
 * Every structure has a fixed size, naturally aligned fields and no implicit
 * padding; reserved fields must be zero on input and are zero on output.
 * See Documentation/nestvirt/api.rst.
 */
#ifndef _UAPI_LINUX_NESTVIRT_H
#define _UAPI_LINUX_NESTVIRT_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define NESTVIRT_ABI_VERSION		1

#define NESTVIRT_IO			0xBB

/* nestvirt_info.backend: the hooked vendor module nestvirt is attached to. */
#define NESTVIRT_BACKEND_NONE		0
#define NESTVIRT_BACKEND_SVM		1
#define NESTVIRT_BACKEND_VMX		2

/* Validation modes (per rule class; nestvirt_info.mode is the default). */
#define NESTVIRT_MODE_OFF		0	/* do not evaluate */
#define NESTVIRT_MODE_AUDIT		1	/* count and trace; KVM decides */
#define NESTVIRT_MODE_ENFORCE		2	/* fail the entry as the APM/SDM says */

/*
 * Rule classes: the unit a mode applies to. The numbering is per backend;
 * Documentation/nestvirt/rules.rst lists the rules of each class. The
 * hardening classes (SVM forced and hardening, VMX hardening) hold the rules
 * stricter than the APM/SDM: enforcing every other class gives exactly what
 * hardware gives.
 */
#define NESTVIRT_SVM_CLASS_VMRUN	0	/* VMRUN operand checks (#GP) */
#define NESTVIRT_SVM_CLASS_SAVE		1	/* vmcb12 save area */
#define NESTVIRT_SVM_CLASS_CONTROLS	2	/* vmcb12 control area */
#define NESTVIRT_SVM_CLASS_EVENT	3	/* EVENTINJ */
#define NESTVIRT_SVM_CLASS_INT_CTL	4	/* virtual interrupt controls */
#define NESTVIRT_SVM_CLASS_FORCED	5	/* intercepts vmcb02 must carry (hardening) */
#define NESTVIRT_SVM_CLASS_HARDENING	6	/* stricter than the APM */
#define NESTVIRT_SVM_NR_CLASSES		7

#define NESTVIRT_VMX_CLASS_CONTROLS	0	/* VMfailValid(7) */
#define NESTVIRT_VMX_CLASS_HOST_STATE	1	/* VMfailValid(8) */
#define NESTVIRT_VMX_CLASS_GUEST_STATE	2	/* VM-exit 33 */
#define NESTVIRT_VMX_CLASS_MSR_LIST	3	/* VM-exit 34 */
#define NESTVIRT_VMX_CLASS_HARDENING	4	/* stricter than the SDM */
#define NESTVIRT_VMX_NR_CLASSES		5

#define NESTVIRT_CLASS_ALL		0xffffffff	/* NESTVIRT_SET_MODE only */

/**
 * struct nestvirt_info - what nestvirt is attached to and what it has seen.
 * @abi_version: NESTVIRT_ABI_VERSION of the running module.
 * @backend: NESTVIRT_BACKEND_SVM or NESTVIRT_BACKEND_VMX.
 * @hook_abi_version: version of the hook ABI the vendor module was built with.
 * @mode: default validation mode (NESTVIRT_MODE_*).
 * @nested_entries: nested entries (VMRUN, VMLAUNCH, VMRESUME) the hooks saw,
 *	since nestvirt was loaded, across all VMs.
 * @kvm_rejected: of those, entries KVM's own checks failed.
 * @nestvirt_rejected: of those, entries nestvirt failed in enforce mode.
 * @state_missing: entries that came without a copy of vmcb12/vmcs12.
 * @kernel_release: release of the kernel source the vendor module was built
 *	from, NUL-terminated.
 * @rsm_entries: of @nested_entries, returns from SMM into guest mode.
 * @set_state_entries: of @nested_entries, KVM_SET_NESTED_STATE calls.
 * @vmcb02_checks: SVM: checks of the vmcb02 KVM built for L2 (one per
 *	VMRUN or return from SMM that got that far; not in @nested_entries).
 * @replayed_entries: of @nested_entries, VMRUNs the hooked vendor module
 *	answered itself, with the verdict nestvirt gave the same vmcb12 (value
 *	by value), the same VMRUN operand and L1 features, under the same modes:
 *	a clean pass, nothing counted. Since nestvirt attached.
 * @replayed_vmcb02_checks: of @vmcb02_checks, those answered the same way
 *	(same vmcb12, same vmcb02 intercepts).
 * @states_saved: NESTVIRT_GET_STATE calls that wrote a container.
 * @states_restored: NESTVIRT_SET_STATE calls that checked a container in
 *	full and had KVM apply it.
 * @states_refused: NESTVIRT_SET_STATE calls refused (by nestvirt's checks
 *	or by KVM); each changed nothing, see NESTVIRT_SET_STATE.
 */
struct nestvirt_info {
	__u32 abi_version;
	__u32 backend;
	__u32 hook_abi_version;
	__u32 mode;
	__u64 nested_entries;
	__u64 kvm_rejected;
	__u64 nestvirt_rejected;
	__u64 state_missing;
	char kernel_release[64];
	__u64 rsm_entries;
	__u64 set_state_entries;
	__u64 vmcb02_checks;
	__u64 replayed_entries;
	__u64 replayed_vmcb02_checks;
	__u64 states_saved;
	__u64 states_restored;
	__u64 states_refused;
};

#define NESTVIRT_GET_INFO	_IOR(NESTVIRT_IO, 0x00, struct nestvirt_info)

/**
 * struct nestvirt_mode - the mode of one rule class of the attached backend.
 * @class: NESTVIRT_{SVM,VMX}_CLASS_*; NESTVIRT_CLASS_ALL with SET_MODE.
 * @mode: NESTVIRT_MODE_*: in for SET_MODE, out for GET_MODE.
 * @reserved: zero.
 *
 * Errors: EINVAL for an unknown class or mode or a nonzero reserved field;
 * ENODEV when nestvirt is attached to no backend.
 */
struct nestvirt_mode {
	__u32 class;
	__u32 mode;
	__u64 reserved[3];
};

#define NESTVIRT_SET_MODE	_IOW(NESTVIRT_IO, 0x01, struct nestvirt_mode)
#define NESTVIRT_GET_MODE	_IOWR(NESTVIRT_IO, 0x02, struct nestvirt_mode)

/**
 * struct nestvirt_rule - one rule of the attached backend's catalogue.
 * @index: in: the rule's index, from 0. ENOENT past the last rule.
 * @class: its class, NESTVIRT_{SVM,VMX}_CLASS_*.
 * @failures: how often it failed (in audit or enforce mode) since load.
 * @id: its stable ID, e.g. "SVM-SAVE-EFER-SVME", NUL-terminated.
 * @reserved: zero on input and output.
 */
struct nestvirt_rule {
	__u32 index;
	__u32 class;
	__u64 failures;
	char id[48];
	__u64 reserved[4];
};

#define NESTVIRT_GET_RULE	_IOWR(NESTVIRT_IO, 0x03, struct nestvirt_rule)

/* nestvirt_state.rule when no catalogue rule refused the container. */
#define NESTVIRT_STATE_RULE_NONE	0xffffffff

/**
 * struct nestvirt_state - a vCPU's nested state as a nestvirt state
 *	container (Documentation/nestvirt/state-format.rst).
 * @vcpu_fd: a KVM vCPU file descriptor of the calling process, on the
 *	hooked vendor module nestvirt is attached to.
 * @flags: zero.
 * @buf: address of the container.
 * @size: in: GET the buffer's size, SET the container's; out: GET the
 *	container's size, or with E2BIG the size it needs.
 * @rule: out, SET refused by a rule of the catalogue: its index
 *	(NESTVIRT_GET_RULE); else NESTVIRT_STATE_RULE_NONE.
 * @rule_id: out, SET refused: the ID of the check that refused it
 *	("STATE-CHECKSUM", "SVM-CTL-ASID-ZERO", ...), NUL-terminated; empty
 *	when KVM itself refused it.
 * @reserved: zero.
 */
struct nestvirt_state {
	__s32 vcpu_fd;
	__u32 flags;
	__u64 buf;
	__u32 size;
	__u32 rule;
	char rule_id[48];
	__u64 reserved[4];
};

#define NESTVIRT_GET_STATE	_IOWR(NESTVIRT_IO, 0x04, struct nestvirt_state)
#define NESTVIRT_SET_STATE	_IOWR(NESTVIRT_IO, 0x05, struct nestvirt_state)
/* Returns the largest container NESTVIRT_GET_STATE writes, in bytes. */
#define NESTVIRT_GET_STATE_SIZE	_IO(NESTVIRT_IO, 0x06)

/**
 * struct nestvirt_tags - nestvirt's VPID/ASID mapping
 *	(Documentation/nestvirt/tags.rst), since the vendor module was loaded.
 * @capacity: host tags per vCPU (module parameter tags); 0: off, KVM flushes
 *	on every nested entry and exit.
 * @reserved0: zero.
 * @transitions: nested transitions nestvirt mapped: SVM entries and
 *	exits, VMX VM entries with a VPID.
 * @flushes_avoided: the TLB flushes KVM would have made for those and did
 *	not: SVM one per transition, VMX one per entry whose VPID differs from
 *	the last one's (KVM's own flush counter is the vCPU statistic
 *	tlb_flush).
 * @tag_flushes: flushes of host tags: one per host tag L1's TLB_CONTROL or
 *	a new mapping flushed, one per flush KVM made for its own reasons
 *	(which flushes every host tag of the vCPU).
 * @evictions: L1 ASIDs evicted from a full map (least recently used).
 * @asids: host ASIDs (SVM) or VPIDs (VMX) taken from KVM's allocator.
 * @in_use: host tags mapped now, over all vCPUs.
 * @reserved: zero.
 *
 * Errors: none beyond those of every ioctl of the device.
 */
struct nestvirt_tags {
	__u32 capacity;
	__u32 reserved0;
	__u64 transitions;
	__u64 flushes_avoided;
	__u64 tag_flushes;
	__u64 evictions;
	__u64 asids;
	__s64 in_use;
	__u64 reserved[4];
};

#define NESTVIRT_GET_TAGS	_IOR(NESTVIRT_IO, 0x07, struct nestvirt_tags)

#endif /* _UAPI_LINUX_NESTVIRT_H */
