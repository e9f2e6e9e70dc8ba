/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hook ABI between a hooked KVM vendor module (kvm-amd or kvm-intel
 * rebuilt with nestvirt's patch series) and nestvirt.ko.
 *
 * This header is the whole contract: plain data and a few callbacks, no KVM
 * internal structure crosses it. A hooked vendor module exports one object,
 * nestvirt_svm_target or nestvirt_vmx_target; nestvirt.ko takes it with
 * symbol_get(), checks abi_version, then calls attach(). Until attach() and
 * after detach() the hooks are behind a static key and cost nothing.
 *
 * Every change to a structure here bumps NESTVIRT_HOOK_ABI_VERSION; both
 * sides refuse a version they were not built for. nestvirt.ko mirrors these
 * layouts in rust/hooks_abi.rs with offset assertions.
 */
#ifndef _NESTVIRT_HOOKS_H
#define _NESTVIRT_HOOKS_H

#include <linux/types.h>

#define NESTVIRT_HOOK_ABI_VERSION	8

/* Which vendor module the target is (also in uapi as nestvirt_info.backend). */
#define NESTVIRT_BACKEND_SVM		1
#define NESTVIRT_BACKEND_VMX		2

/* Where a nested entry comes from. */
#define NESTVIRT_ENTRY_VMRUN		0	/* SVM: emulated VMRUN */
#define NESTVIRT_ENTRY_VMLAUNCH		1	/* VMX: emulated VMLAUNCH */
#define NESTVIRT_ENTRY_VMRESUME		2	/* VMX: emulated VMRESUME */
#define NESTVIRT_ENTRY_RSM		3	/* return from SMM into guest mode */
#define NESTVIRT_ENTRY_SET_STATE	4	/* KVM_SET_NESTED_STATE */
#define NESTVIRT_ENTRY_VMCB02		5	/* SVM: vmcb02 built, L2 not run yet */

/* Intercept words of a VMCB (MAX_INTERCEPT in asm/svm.h). */
#define NESTVIRT_SVM_INTERCEPT_WORDS	6

/*
 * What L1 sees, for the SVM checks: filled by kvm-amd from the vCPU's CPUID
 * and MSRs. A feature bit is set only when KVM accepts the state it
 * governs (e.g. NX when kvm_valid_efer() accepts EFER.NX), so nestvirt's
 * checks never reject what KVM's allow for lack of a feature.
 * Bit numbers are the engine's svm::Features, frozen.
 */
#define NESTVIRT_SVM_F_LM		0
#define NESTVIRT_SVM_F_NX		1
#define NESTVIRT_SVM_F_FFXSR		2
#define NESTVIRT_SVM_F_LMSLE		3
#define NESTVIRT_SVM_F_TCE		4
#define NESTVIRT_SVM_F_AUTOIBRS		5
#define NESTVIRT_SVM_F_XSAVE		6
#define NESTVIRT_SVM_F_SMEP		7
#define NESTVIRT_SVM_F_SMAP		8
#define NESTVIRT_SVM_F_FSGSBASE		9
#define NESTVIRT_SVM_F_PKU		10
#define NESTVIRT_SVM_F_LA57		11
#define NESTVIRT_SVM_F_UMIP		12
#define NESTVIRT_SVM_F_VMX		13
#define NESTVIRT_SVM_F_PCID		14
#define NESTVIRT_SVM_F_LAM		15
#define NESTVIRT_SVM_F_SHSTK		16
#define NESTVIRT_SVM_F_IBT		17
#define NESTVIRT_SVM_F_SEV_ES		18
#define NESTVIRT_SVM_F_NPT		19
#define NESTVIRT_SVM_F_FLUSHBYASID	20
#define NESTVIRT_SVM_F_VGIF		21
#define NESTVIRT_SVM_F_VNMI		22
#define NESTVIRT_SVM_F_LBRV		23
#define NESTVIRT_SVM_F_V_VMSAVE_VMLOAD	24
#define NESTVIRT_SVM_F_AVIC		25
#define NESTVIRT_SVM_F_X2AVIC		26
#define NESTVIRT_SVM_F_GMET		27
#define NESTVIRT_SVM_F_ERAPS		28
#define NESTVIRT_SVM_F_INVPCID		29
#define NESTVIRT_SVM_F_RDTSCP		30
#define NESTVIRT_SVM_F_SKINIT		31
#define NESTVIRT_SVM_F_RDPRU		32

struct nestvirt_svm_l1 {
	__u64 features;		/* BIT_ULL(NESTVIRT_SVM_F_*) */
	__u64 hsave_pa;		/* VM_HSAVE_PA */
	__u8 maxphyaddr;	/* CPUID 8000_0008 EAX[7:0] as L1 sees it */
	__u8 cpl;		/* L1's CPL at VMRUN */
	__u8 reserved[6];
};

/*
 * VMX: L1's capability MSRs as L1 reads them (KVM's nested_vmx_msrs for the
 * vCPU), IA32_VMX_BASIC (480H) to IA32_VMX_PROCBASED_CTLS3 (492H): the
 * index is the MSR number minus 480H; an MSR KVM does not offer L1 is 0.
 */
#define NESTVIRT_VMX_CAP_MSRS		19

/* VMX: what L1's CPUID enables that changes what a VM entry accepts. */
#define NESTVIRT_VMX_F_SHSTK		0
#define NESTVIRT_VMX_F_IBT		1
#define NESTVIRT_VMX_F_LAM		2
#define NESTVIRT_VMX_F_RTM		3
#define NESTVIRT_VMX_F_SGX		4

/*
 * VMX: what the VM-entry checks need beyond vmcs12, read from KVM's model
 * of L1 (never from L1's memory) at the entry.
 */
struct nestvirt_vmx_env {
	__u64 caps[NESTVIRT_VMX_CAP_MSRS];
	__u64 efer_allowed;	/* IA32_EFER bits KVM lets L1 set */
	__u64 debugctl_allowed;	/* IA32_DEBUGCTL bits KVM lets L1 set */
	__u64 perf_global_ctrl_allowed; /* IA32_PERF_GLOBAL_CTRL bits, likewise */
	__u64 current_vmptr;	/* L1's current-VMCS pointer */
	__u32 features;		/* BIT(NESTVIRT_VMX_F_*) */
	__u8 maxphyaddr;	/* CPUID 8000_0008 EAX[7:0] as L1 sees it */
	__u8 linear_address_bits; /* 57 with LA57 in L1's CPUID, else 48 */
	__u8 l1_efer_lma;	/* L1's IA32_EFER.LMA at the entry */
	__u8 in_smm;		/* L1 executes the entry in SMM */
};

/*
 * VMX: @env is the glue's, valid for the call only. A pointer keeps the
 * entry (and this union) as small as SVM's.
 *
 * @memo: NESTVIRT_VMX_MEMO_BYTES of per-vCPU scratch, 8-byte aligned and
 * zeroed when allocated, that only nestvirt.ko reads or writes (its memo
 * of the last vmcs12 it checked), or NULL. @memo_gen: the glue's policy
 * generation, read before the call; every attach and mode change bumps it,
 * so a memo written under another generation is stale (as is one that
 * another build of nestvirt.ko wrote).
 */
#define NESTVIRT_VMX_MEMO_BYTES		1536

struct nestvirt_vmx_l1 {
	const struct nestvirt_vmx_env *env;
	void *memo;
	__u64 memo_gen;
};

/* What L1 sees, per backend (@backend of the entry says which). */
union nestvirt_l1 {
	struct nestvirt_svm_l1 svm;
	struct nestvirt_vmx_l1 vmx;
};

/*
 * One nested entry, as seen by the hook. @vcpu is an opaque handle: nestvirt
 * never dereferences it, it only keys per-vCPU state and passes it back to
 * the callbacks. @vm is an opaque per-VM key, likewise.
 *
 * @state points at KVM's own copy of the L1 structure that the entry uses,
 * never guest memory, so what nestvirt checks is what KVM uses. VMX: KVM's
 * cached struct vmcs12. SVM: KVM's vmcb12 caches laid out as a VMCB
 * (control and save areas, 1768 bytes), with the fields nestvirt checks
 * filled in; where KVM's cache masks a field, the value L1 wrote.
 *
 * @vmcb02_intercepts: for NESTVIRT_ENTRY_VMCB02 only, the intercept words
 * KVM put in vmcb02 for L2 (NESTVIRT_SVM_INTERCEPT_WORDS of them); NULL
 * otherwise. @state then is the vmcb12 of the same entry.
 */
struct nestvirt_entry {
	void *vcpu;
	void *vm;
	const void *state;
	__u64 state_gpa;	/* vmcb12 / vmcs12 address in L1 */
	__u32 state_size;	/* SVM 1768, VMX 4096; 0 without @state */
	__u32 source;		/* NESTVIRT_ENTRY_* */
	__u32 vcpu_id;
	__u32 kvm_verdict;	/* 0: KVM's own checks passed; else they failed
				 * (VMX: KVM's VM-instruction error, 7 or 8) */
	__u32 backend;		/* NESTVIRT_BACKEND_*: which member of @l1 */
	__u32 reserved;
	union nestvirt_l1 l1;
	const __u32 *vmcb02_intercepts;
};

/* What nestvirt asks the vendor module to do with the entry. */
#define NESTVIRT_VERDICT_ALLOW		0	/* proceed as KVM decides */
#define NESTVIRT_VERDICT_FAIL		1	/* fail the entry, as below */

/*
 * NESTVIRT_VERDICT_F_REPLAYABLE: the entry passed every check that is on,
 * nothing was counted but the entry itself (a VMRUN's nested entry, or a
 * vmcb02 check), and the verdict depends on nothing but the entry's inputs
 * (@state, @state_gpa, @l1, @vmcb02_intercepts) and nestvirt's modes. The
 * glue may then answer the same inputs itself, without calling nestvirt,
 * until nestvirt calls policy_changed(); it counts what it answered
 * (replayed()).
 */
#define NESTVIRT_VERDICT_F_REPLAYABLE	(1U << 0)

struct nestvirt_verdict {
	__u32 action;		/* NESTVIRT_VERDICT_* */
	__u32 rule;		/* catalogue index of the failing rule */
	__u32 vm_instruction_error; /* VMX: VMfailValid number, 0 for an exit */
	__u32 exit_reason;	/* VMX: 33/34; SVM: 0 (VMEXIT_INVALID) */
	__u64 exit_qualification;
	__u32 flags;		/* NESTVIRT_VERDICT_F_* */
	__u32 reserved;
};

/* VMX: which MSR list an entry is in (SDM 27.4, 28.4, 28.6). */
#define NESTVIRT_MSR_ENTRY_LOAD		0	/* VM-entry MSR-load list */
#define NESTVIRT_MSR_EXIT_STORE		1	/* VM-exit MSR-store list */
#define NESTVIRT_MSR_EXIT_LOAD		2	/* VM-exit MSR-load list */
#define NESTVIRT_MSR_NONE		0xffffffff /* glue only: not a list walk */

/*
 * VMX: one entry of an MSR list, as KVM read it (once) from L1's memory,
 * and what KVM made of it.
 */
struct nestvirt_msr_entry {
	__u64 list_gpa;		/* the list's address in L1 */
	__u64 value;		/* bits 127:64 (load lists) */
	__u32 list;		/* NESTVIRT_MSR_* */
	__u32 position;		/* 1-based index of the entry in the list */
	__u32 index;		/* bits 31:0: the MSR */
	__u32 reserved;		/* bits 63:32 */
	__u32 vcpu_id;
	__u8 in_smm;		/* the entry's VM entry/exit is in SMM */
	__u8 kvm_failed;	/* KVM's own check of the entry failed */
	/*
	 * The WRMSR (load) or RDMSR (store) KVM made for the entry faulted:
	 * a second report of an entry the first passed.
	 */
	__u8 faulted;
	__u8 pad;
};

/* Checks the glue answered from a replayable verdict, since attach(). */
struct nestvirt_replays {
	__u64 entries;		/* nested entries (SVM: VMRUN) */
	__u64 vmcb02_checks;	/* SVM: vmcb02 checks */
};

/*
 * nestvirt's VPID/ASID mapping (Documentation/nestvirt/tags.rst). Per
 * vCPU, up to NESTVIRT_TAGS_MAX of the tags L1 gives its L2s (vmcb12's
 * ASID, vmcs12's VPID) each run on a host tag of their own, apart from
 * L1's, so that KVM's flush when L1 switches between L2s is not needed;
 * nestvirt says which host tags to flush instead.
 */
#define NESTVIRT_TAGS_MAX		16
/* The vCPU's map, nestvirt's bytes the glue keeps (8-byte aligned). */
#define NESTVIRT_TAG_MAP_BYTES		280
/* nestvirt_tags_call.slot when nestvirt maps no tag: KVM flushes as ever. */
#define NESTVIRT_TAGS_OFF		0xffffffff

/* What nestvirt_tags_call.op asks for. */
#define NESTVIRT_TAGS_SVM_ENTRY		0	/* entry into guest mode */
#define NESTVIRT_TAGS_VMX_ENTRY		1	/* VM entry with a VPID */
#define NESTVIRT_TAGS_VMX_INVVPID	2	/* INVVPID L1 executed */

/*
 * One guest operation on the tags of a vCPU whose tags nestvirt may map.
 * @map: the vCPU's map, written by nestvirt alone.
 * @op: NESTVIRT_TAGS_*.
 * @l1_tag: SVM_ENTRY: vmcb12's ASID; VMX_ENTRY: vmcs12's VPID (not 0);
 * VMX_INVVPID: the VPID of INVVPID's descriptor.
 * @arg: SVM_ENTRY: vmcb12's TLB_CONTROL; VMX_INVVPID: INVVPID's type, as
 * KVM checked it.
 * @fresh: 1 when the glue (re)starts the vCPU's mapping: the map starts
 * empty, whatever its bytes.
 * @slot: out: for an entry, the host tag L2 runs on, below
 * NESTVIRT_TAGS_MAX; NESTVIRT_TAGS_OFF when nestvirt maps no tag (the
 * mapping is off: nothing else is set).
 * @flush: out: bit s set: host tag s must hold no translation when L2 runs.
 * @in_use: out: host tags mapped after the operation.
 * @evicted: out: 1 when mapping @l1_tag evicted another L1 tag.
 */
struct nestvirt_tags_call {
	void *map;
	__u32 op;
	__u32 l1_tag;
	__u32 arg;
	__u32 fresh;
	__u32 slot;
	__u32 flush;
	__u32 in_use;
	__u32 evicted;
};

/*
 * The mapping's counters, summed over CPUs, since the vendor module was
 * loaded; @in_use is a gauge.
 */
struct nestvirt_tag_stats {
	__u64 transitions;	/* nested entries and exits of mapped vCPUs */
	__u64 flushes_avoided;	/* of those, KVM's transition flushes not made */
	__u64 tag_flushes;	/* host tags flushed: L1's TLB_CONTROL, a new
				 * mapping, or KVM's own flushes (all tags) */
	__u64 evictions;	/* L1 ASIDs evicted from a full map */
	__u64 asids;		/* host ASIDs taken from KVM's allocator */
	__s64 in_use;		/* host tags mapped now, over all vCPUs */
};

/* Callbacks nestvirt.ko provides; called with preemption disabled. */
struct nestvirt_hook_ops {
	/* A nested entry is about to happen; fill @v (zeroed by the caller). */
	void (*nested_entry)(const struct nestvirt_entry *e,
			     struct nestvirt_verdict *v);
	/*
	 * VMX: an entry of an MSR list, before KVM loads or stores it (and
	 * again when that faulted). NESTVIRT_VERDICT_FAIL fails the entry:
	 * VM exit 34 on VM entry, VMX abort on VM exit, as KVM fails its own.
	 */
	void (*msr_entry)(const struct nestvirt_msr_entry *e,
			  struct nestvirt_verdict *v);
	/*
	 * Whether some class is not off, or the ASID mapping is on. When
	 * neither, the glue calls nestvirt for no entry (its static key is
	 * off, as if detached: nothing on costs nothing), until
	 * policy_changed() finds otherwise.
	 */
	bool (*checking)(void);
	/* A guest operation on tags; see struct nestvirt_tags_call. */
	void (*tags_entry)(struct nestvirt_tags_call *call);
	/*
	 * Whether nestvirt maps tags (tags > 0). When not, the glue calls
	 * tags_entry() for nothing and its mapping's hooks are off; asked
	 * when checking() is.
	 */
	bool (*mapping)(void);
};

/* What nestvirt_state_call.op asks for (nestvirt's state ioctls). */
#define NESTVIRT_STATE_MAX_SIZE		0	/* the largest KVM nested state */
#define NESTVIRT_STATE_GET		1	/* KVM_GET_NESTED_STATE */
#define NESTVIRT_STATE_SET		2	/* KVM_SET_NESTED_STATE */

/*
 * One KVM_GET_NESTED_STATE or KVM_SET_NESTED_STATE on the vCPU behind the
 * calling process's file descriptor @vcpu_fd, which the glue makes as KVM's
 * own ioctl makes it (the vCPU's mutex, vcpu_load(), SRCU), so the vCPU
 * does not run during the call.
 *
 * @kvm_state: KVM's struct kvm_nested_state in nestvirt's kernel memory,
 * @room bytes: GET has KVM write it there (@room is at least the maximum
 * NESTVIRT_STATE_MAX_SIZE gives); SET has KVM apply it from there, the
 * very bytes nestvirt checked (KVM reads no user memory), and refuses a
 * header whose size exceeds @room.
 * @size: out: GET the bytes KVM wrote; NESTVIRT_STATE_MAX_SIZE the maximum.
 * @l1, @env: out (GET, SET): what L1 of the vCPU may use, as for a nested
 * entry; VMX: @l1.vmx.env points at @env.
 * @check: SET: called once @l1 is filled, with the vCPU locked and before
 * anything of it changes; a nonzero return refuses the call with that
 * errno. @ctx is nestvirt's, for @check.
 */
struct nestvirt_state_call {
	__s32 vcpu_fd;
	__u32 op;		/* NESTVIRT_STATE_* */
	void *kvm_state;
	__u32 room;
	__u32 size;
	union nestvirt_l1 l1;
	struct nestvirt_vmx_env env;
	int (*check)(struct nestvirt_state_call *call);
	void *ctx;
	__u32 vcpu_id;		/* out: the vCPU's ID */
	__u32 reserved;
};

/* What a hooked vendor module exports. */
struct nestvirt_target {
	__u32 abi_version;	/* NESTVIRT_HOOK_ABI_VERSION it was built with */
	__u32 backend;		/* NESTVIRT_BACKEND_* */
	const char *kernel_release; /* UTS_RELEASE of the source it came from */
	/* Returns 0, -EBUSY when already attached, -EPROTO on a bad @ops. */
	int (*attach)(const struct nestvirt_hook_ops *ops);
	/* Returns once no hook call can still be running in nestvirt.ko. */
	void (*detach)(const struct nestvirt_hook_ops *ops);
	/*
	 * nestvirt's modes changed: no verdict taken before may be replayed.
	 * Call it after the change is visible to the hooks; it may sleep. It
	 * asks ops->checking() again, under the attach lock (so concurrent
	 * changes end in the state of the last).
	 */
	void (*policy_changed)(void);
	/* Fills @out with the checks answered by replay since attach(). */
	void (*replayed)(struct nestvirt_replays *out);
	/*
	 * nestvirt's state ioctls: 0 or a negative errno. -EBADF: @vcpu_fd
	 * is not a vCPU of this vendor module's VMs; -EPERM: a vCPU of
	 * another process's VM; -EINTR: a signal while waiting for the vCPU;
	 * else what @check or KVM returned (-EINVAL for a positive return of
	 * KVM's set_state, a failed entry into guest mode).
	 */
	int (*nested_state)(struct nestvirt_state_call *call);
	/* Fills @out with the VPID/ASID mapping's counters. */
	void (*tag_stats)(struct nestvirt_tag_stats *out);
};

#ifdef __KERNEL__
extern const struct nestvirt_target nestvirt_svm_target;
extern const struct nestvirt_target nestvirt_vmx_target;
#endif

#endif /* _NESTVIRT_HOOKS_H */
