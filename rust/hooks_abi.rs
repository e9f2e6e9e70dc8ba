// SPDX-License-Identifier: GPL-2.0

//! Mirror of `include/nestvirt/hooks.h`, the hook ABI between a hooked KVM
//! vendor module and nestvirt.ko.
//!
//! The layouts are frozen by the offset assertions below; a change to the C
//! header that is not mirrored here fails the build. Bump
//! [`NESTVIRT_HOOK_ABI_VERSION`] together with the header.

use crate::engine::svm::Features;
use core::{
    ffi::{
        c_char,
        c_int,
        c_void, //
    },
    mem::{
        offset_of,
        size_of, //
    },
    ptr::NonNull,
};

/// `NESTVIRT_HOOK_ABI_VERSION`: the hook ABI this nestvirt.ko speaks.
pub(crate) const NESTVIRT_HOOK_ABI_VERSION: u32 = 8;

/// `NESTVIRT_BACKEND_SVM`.
pub(crate) const NESTVIRT_BACKEND_SVM: u32 = 1;
/// `NESTVIRT_BACKEND_VMX`.
pub(crate) const NESTVIRT_BACKEND_VMX: u32 = 2;

/// `NESTVIRT_ENTRY_VMRUN`: an emulated VMRUN.
pub(crate) const NESTVIRT_ENTRY_VMRUN: u32 = 0;
/// `NESTVIRT_ENTRY_RSM`: the return from SMM into guest mode.
pub(crate) const NESTVIRT_ENTRY_RSM: u32 = 3;
/// `NESTVIRT_ENTRY_SET_STATE`: `KVM_SET_NESTED_STATE`.
pub(crate) const NESTVIRT_ENTRY_SET_STATE: u32 = 4;

/// `NESTVIRT_ENTRY_VMCB02`: vmcb02 built for L2, before L2 runs.
pub(crate) const NESTVIRT_ENTRY_VMCB02: u32 = 5;

/// `NESTVIRT_MSR_ENTRY_LOAD`: the VM-entry MSR-load list.
pub(crate) const NESTVIRT_MSR_ENTRY_LOAD: u32 = 0;
/// `NESTVIRT_MSR_EXIT_STORE`: the VM-exit MSR-store list.
pub(crate) const NESTVIRT_MSR_EXIT_STORE: u32 = 1;
/// `NESTVIRT_MSR_EXIT_LOAD`: the VM-exit MSR-load list.
pub(crate) const NESTVIRT_MSR_EXIT_LOAD: u32 = 2;

/// `NESTVIRT_SVM_INTERCEPT_WORDS`: intercept words of a VMCB.
pub(crate) const NESTVIRT_SVM_INTERCEPT_WORDS: usize = 6;

/// `NESTVIRT_VERDICT_FAIL`: the vendor module fails the nested entry.
pub(crate) const NESTVIRT_VERDICT_FAIL: u32 = 1;

/// `NESTVIRT_VERDICT_F_REPLAYABLE`: the glue may answer the same inputs
/// with this verdict itself until the policy changes.
pub(crate) const NESTVIRT_VERDICT_F_REPLAYABLE: u32 = 1 << 0;

/// `struct nestvirt_svm_l1`: what L1 sees, for the SVM checks.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct NestvirtSvmL1 {
    /// `BIT_ULL(NESTVIRT_SVM_F_*)`, the engine's `svm::Features` bits.
    pub(crate) features: u64,
    /// VM_HSAVE_PA.
    pub(crate) hsave_pa: u64,
    /// L1's MAXPHYADDR.
    pub(crate) maxphyaddr: u8,
    /// L1's CPL at VMRUN.
    pub(crate) cpl: u8,
    reserved: [u8; 6],
}

/// `struct nestvirt_vmx_env`: what the VMX checks need beyond vmcs12. The
/// engine's type, laid out as the C struct (asserted below), so that its
/// caps and context come from the engine's code, the same that reads the
/// copy a migration container carries.
pub(crate) type NestvirtVmxEnv = crate::engine::vmx::L1Env;

/// `struct nestvirt_vmx_l1`: what L1 sees, for the VMX checks.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct NestvirtVmxL1 {
    /// The glue's env, valid for the call only.
    pub(crate) env: *const NestvirtVmxEnv,
    /// `NESTVIRT_VMX_MEMO_BYTES` of per-vCPU scratch only nestvirt uses,
    /// 8-byte aligned, zeroed when allocated; or null.
    memo: *mut c_void,
    /// The glue's policy generation, read before the call.
    memo_gen: u64,
}

/// `NESTVIRT_VMX_MEMO_BYTES`: the size of the per-vCPU VMX memo scratch.
pub(crate) const NESTVIRT_VMX_MEMO_BYTES: usize = 1536;

/// `union nestvirt_l1`: what L1 sees; the entry's `backend` says which.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) union NestvirtL1 {
    /// `NESTVIRT_BACKEND_SVM`.
    pub(crate) svm: NestvirtSvmL1,
    /// `NESTVIRT_BACKEND_VMX`.
    pub(crate) vmx: NestvirtVmxL1,
}

/// `struct nestvirt_entry`: one nested entry, as the hook sees it.
#[repr(C)]
pub(crate) struct NestvirtEntry {
    /// Opaque vCPU handle; never dereferenced.
    pub(crate) vcpu: *mut c_void,
    /// Opaque VM handle; never dereferenced.
    pub(crate) vm: *mut c_void,
    /// KVM's copy of vmcb12/vmcs12 (`state_size` bytes), or null. SVM:
    /// KVM's vmcb12 caches laid out as a VMCB.
    pub(crate) state: *const c_void,
    /// Address of vmcb12/vmcs12 in L1.
    pub(crate) state_gpa: u64,
    /// Size of `state` in bytes (SVM 1768, VMX 4096), or 0 without a copy.
    pub(crate) state_size: u32,
    /// `NESTVIRT_ENTRY_*`.
    pub(crate) source: u32,
    /// KVM's vCPU id.
    pub(crate) vcpu_id: u32,
    /// 0 when KVM's own checks passed; VMX: else KVM's VM-instruction
    /// error (7 or 8).
    pub(crate) kvm_verdict: u32,
    /// `NESTVIRT_BACKEND_*`: which member of the C union `l1` is valid.
    pub(crate) backend: u32,
    reserved: u32,
    /// What L1 sees; read through [`Self::svm_l1`] and [`Self::vmx_env`].
    l1: NestvirtL1,
    /// `NESTVIRT_ENTRY_VMCB02`: vmcb02's intercept words
    /// (`NESTVIRT_SVM_INTERCEPT_WORDS`); null otherwise.
    pub(crate) vmcb02_intercepts: *const u32,
}

impl NestvirtEntry {
    /// What L1 sees, for the SVM checks. Meaningful when `backend` is
    /// `NESTVIRT_BACKEND_SVM`.
    pub(crate) fn svm_l1(&self) -> NestvirtSvmL1 {
        // SAFETY: Both members of the union are plain data the glue wrote
        // in full (the caller zero-initializes the entry), and every bit
        // pattern is a valid `NestvirtSvmL1` (integers only).
        unsafe { self.l1.svm }
    }

    /// The VMX memo scratch of this entry's vCPU and the generation it must
    /// carry to be current, or `None` when the backend is not VMX or the
    /// glue has none.
    pub(crate) fn vmx_memo(&self) -> Option<(NonNull<c_void>, u64)> {
        if self.backend != NESTVIRT_BACKEND_VMX {
            return None;
        }
        // SAFETY: With `backend` VMX the glue wrote the `vmx` member
        // (plain data: a pointer and an integer).
        let vmx = unsafe { self.l1.vmx };
        Some((NonNull::new(vmx.memo)?, vmx.memo_gen))
    }

    /// The VMX env of this entry, or `None` when the backend is not VMX or
    /// the glue gave none.
    pub(crate) fn vmx_env(&self) -> Option<&NestvirtVmxEnv> {
        if self.backend != NESTVIRT_BACKEND_VMX {
            return None;
        }
        // SAFETY: With `backend` VMX the glue wrote the `vmx` member.
        let env = unsafe { self.l1.vmx.env };
        // SAFETY: A non-null `env` points at the glue's `struct
        // nestvirt_vmx_env` (layout asserted below), initialized and
        // unchanged for the duration of the hook call, which outlives the
        // returned borrow of `self`.
        unsafe { env.as_ref() }
    }
}

/// `struct nestvirt_verdict`: what nestvirt asks the vendor module to do.
#[repr(C)]
pub(crate) struct NestvirtVerdict {
    /// `NESTVIRT_VERDICT_*`.
    pub(crate) action: u32,
    /// Catalogue index of the failing rule.
    pub(crate) rule: u32,
    /// VMX: VMfailValid number, 0 for a failed-entry exit.
    pub(crate) vm_instruction_error: u32,
    /// VMX: exit reason 33 or 34.
    pub(crate) exit_reason: u32,
    /// VMX: exit qualification of the failed entry.
    pub(crate) exit_qualification: u64,
    /// `NESTVIRT_VERDICT_F_*`.
    pub(crate) flags: u32,
    reserved: u32,
}

/// `struct nestvirt_msr_entry`: one entry of a VMX MSR list, as KVM read
/// it, and what KVM made of it.
#[repr(C)]
pub(crate) struct NestvirtMsrEntry {
    /// The list's address in L1.
    pub(crate) list_gpa: u64,
    /// Bits 127:64 of the entry.
    pub(crate) value: u64,
    /// `NESTVIRT_MSR_*`.
    pub(crate) list: u32,
    /// 1-based index of the entry in the list.
    pub(crate) position: u32,
    /// Bits 31:0: the MSR.
    pub(crate) index: u32,
    /// Bits 63:32.
    pub(crate) reserved: u32,
    /// KVM's vCPU id.
    pub(crate) vcpu_id: u32,
    /// The entry's VM entry or exit is in SMM.
    pub(crate) in_smm: u8,
    /// KVM's own check of the entry failed.
    pub(crate) kvm_failed: u8,
    /// KVM's WRMSR/RDMSR for the entry faulted (a second report).
    pub(crate) faulted: u8,
    pad: u8,
}

/// `struct nestvirt_replays`: checks the glue answered by replay.
#[repr(C)]
#[derive(Default)]
pub(crate) struct NestvirtReplays {
    /// Nested entries (SVM: VMRUN).
    pub(crate) entries: u64,
    /// SVM: vmcb02 checks.
    pub(crate) vmcb02_checks: u64,
}

/// The entry callback's C type.
pub(crate) type NestedEntryFn =
    unsafe extern "C" fn(entry: *const NestvirtEntry, verdict: *mut NestvirtVerdict);

/// The MSR-entry callback's C type.
pub(crate) type MsrEntryFn =
    unsafe extern "C" fn(entry: *const NestvirtMsrEntry, verdict: *mut NestvirtVerdict);

/// `NESTVIRT_TAGS_MAX`: host tags per vCPU the map may use.
pub(crate) const NESTVIRT_TAGS_MAX: usize = 16;
/// `NESTVIRT_TAG_MAP_BYTES`: the bytes of a vCPU's map the glue keeps.
pub(crate) const NESTVIRT_TAG_MAP_BYTES: usize = 280;
/// `NESTVIRT_TAGS_OFF`: nestvirt maps no tag; KVM flushes as ever.
pub(crate) const NESTVIRT_TAGS_OFF: u32 = u32::MAX;

/// `NESTVIRT_TAGS_SVM_ENTRY`: an SVM entry into guest mode.
pub(crate) const NESTVIRT_TAGS_SVM_ENTRY: u32 = 0;
/// `NESTVIRT_TAGS_VMX_ENTRY`: a VMX VM entry with a VPID.
pub(crate) const NESTVIRT_TAGS_VMX_ENTRY: u32 = 1;
/// `NESTVIRT_TAGS_VMX_INVVPID`: an INVVPID L1 executed.
pub(crate) const NESTVIRT_TAGS_VMX_INVVPID: u32 = 2;

/// `struct nestvirt_tags_call`: a guest operation on the tags of a vCPU
/// whose tags nestvirt may map.
#[repr(C)]
pub(crate) struct NestvirtTagsCall {
    /// The vCPU's map: `NESTVIRT_TAG_MAP_BYTES`, 8-byte aligned, written
    /// by nestvirt alone.
    pub(crate) map: *mut c_void,
    /// `NESTVIRT_TAGS_*`.
    pub(crate) op: u32,
    /// vmcb12's ASID, vmcs12's VPID, or INVVPID's VPID.
    pub(crate) l1_tag: u32,
    /// vmcb12's TLB_CONTROL, or INVVPID's type.
    pub(crate) arg: u32,
    /// 1: the map starts empty, whatever its bytes.
    pub(crate) fresh: u32,
    /// Out: the host tag L2 runs on, or `NESTVIRT_TAGS_OFF`.
    pub(crate) slot: u32,
    /// Out: bit `s`: flush host tag `s` before L2 runs.
    pub(crate) flush: u32,
    /// Out: host tags mapped afterwards.
    pub(crate) in_use: u32,
    /// Out: 1 when an L1 tag was evicted.
    pub(crate) evicted: u32,
}

/// `struct nestvirt_tag_stats`: the ASID mapping's counters.
#[repr(C)]
#[derive(Default)]
pub(crate) struct NestvirtTagStats {
    pub(crate) transitions: u64,
    pub(crate) flushes_avoided: u64,
    pub(crate) tag_flushes: u64,
    pub(crate) evictions: u64,
    pub(crate) asids: u64,
    pub(crate) in_use: i64,
}

/// The tags-entry callback's C type.
pub(crate) type TagsEntryFn = unsafe extern "C" fn(call: *mut NestvirtTagsCall);

/// `struct nestvirt_hook_ops`: the callbacks nestvirt.ko provides.
#[repr(C)]
pub(crate) struct NestvirtHookOps {
    /// Called on every nested entry, with preemption disabled.
    pub(crate) nested_entry: Option<NestedEntryFn>,
    /// VMX: called on every entry of an MSR list, with preemption disabled.
    pub(crate) msr_entry: Option<MsrEntryFn>,
    /// Whether some class is not off; the glue calls no hook otherwise.
    pub(crate) checking: Option<unsafe extern "C" fn() -> bool>,
    /// A guest operation on tags, for the VPID/ASID mapping.
    pub(crate) tags_entry: Option<TagsEntryFn>,
    /// Whether the VPID/ASID mapping is on; its hooks are off otherwise.
    pub(crate) mapping: Option<unsafe extern "C" fn() -> bool>,
}

/// `struct nestvirt_target`: what a hooked vendor module exports.
#[repr(C)]
pub(crate) struct NestvirtTarget {
    /// Hook ABI version the vendor module was built with.
    pub(crate) abi_version: u32,
    /// `NESTVIRT_BACKEND_*`.
    pub(crate) backend: u32,
    /// `UTS_RELEASE` of the source the vendor module came from.
    pub(crate) kernel_release: *const c_char,
    /// Attaches `ops`; 0, `-EBUSY` or `-EPROTO`.
    pub(crate) attach: Option<unsafe extern "C" fn(ops: *const NestvirtHookOps) -> c_int>,
    /// Detaches `ops` and waits until no hook call is running.
    pub(crate) detach: Option<unsafe extern "C" fn(ops: *const NestvirtHookOps)>,
    /// Forgets every replayable verdict: the modes changed.
    pub(crate) policy_changed: Option<unsafe extern "C" fn()>,
    /// Fills its argument with the checks answered by replay since attach.
    pub(crate) replayed: Option<unsafe extern "C" fn(out: *mut NestvirtReplays)>,
    /// Makes one state call; 0 or a negative errno.
    pub(crate) nested_state: Option<unsafe extern "C" fn(call: *mut NestvirtStateCall) -> c_int>,
    /// Fills its argument with the VPID/ASID mapping's counters.
    pub(crate) tag_stats: Option<unsafe extern "C" fn(out: *mut NestvirtTagStats)>,
}

/// `NESTVIRT_STATE_MAX_SIZE`: the largest KVM nested state.
pub(crate) const NESTVIRT_STATE_MAX_SIZE: u32 = 0;
/// `NESTVIRT_STATE_GET`: `KVM_GET_NESTED_STATE`.
pub(crate) const NESTVIRT_STATE_GET: u32 = 1;
/// `NESTVIRT_STATE_SET`: `KVM_SET_NESTED_STATE`.
pub(crate) const NESTVIRT_STATE_SET: u32 = 2;

/// `struct nestvirt_state_call`: one `KVM_{GET,SET}_NESTED_STATE` the glue
/// makes on a vCPU for nestvirt's state ioctls.
#[repr(C)]
pub(crate) struct NestvirtStateCall {
    /// The caller's vCPU file descriptor.
    pub(crate) vcpu_fd: i32,
    /// `NESTVIRT_STATE_*`.
    pub(crate) op: u32,
    /// KVM's `struct kvm_nested_state` in nestvirt's memory: GET has KVM
    /// write it there, SET has KVM apply it from there (reading only).
    pub(crate) kvm_state: *mut c_void,
    /// The bytes at `kvm_state` (GET: at least the maximum).
    pub(crate) room: u32,
    /// Out: GET the bytes KVM wrote; `NESTVIRT_STATE_MAX_SIZE` the maximum.
    pub(crate) size: u32,
    /// Out: what L1 may use (SVM: `svm`; VMX: `env` below).
    pub(crate) l1: NestvirtL1,
    /// Out, VMX: the env.
    pub(crate) env: NestvirtVmxEnv,
    /// SET: nestvirt's check, with the vCPU locked, before any change.
    pub(crate) check: Option<unsafe extern "C" fn(call: *mut NestvirtStateCall) -> c_int>,
    /// nestvirt's, for `check`.
    pub(crate) ctx: *mut c_void,
    /// Out: the vCPU's ID.
    pub(crate) vcpu_id: u32,
    reserved: u32,
}

impl NestvirtStateCall {
    /// A call of `op` on `vcpu_fd`, with nothing filled in.
    pub(crate) fn new(op: u32, vcpu_fd: i32) -> Self {
        Self {
            vcpu_fd,
            op,
            kvm_state: core::ptr::null_mut(),
            room: 0,
            size: 0,
            l1: NestvirtL1 {
                svm: NestvirtSvmL1 {
                    features: 0,
                    hsave_pa: 0,
                    maxphyaddr: 0,
                    cpl: 0,
                    reserved: [0; 6],
                },
            },
            env: NestvirtVmxEnv::default(),
            check: None,
            ctx: core::ptr::null_mut(),
            vcpu_id: 0,
            reserved: 0,
        }
    }

    /// SVM: what L1 may use, as the glue filled it.
    pub(crate) fn svm_l1(&self) -> NestvirtSvmL1 {
        // SAFETY: `new()` initialized the `svm` member, and the glue writes
        // only that member (plain integers) for SVM; for VMX it writes the
        // `vmx` member, whose bytes are as valid for `svm`'s integers. The
        // union is 24 bytes either way.
        unsafe { self.l1.svm }
    }
}

// The layout of include/nestvirt/hooks.h on x86-64.
const _: () = {
    assert!(offset_of!(NestvirtEntry, vcpu) == 0);
    assert!(offset_of!(NestvirtEntry, vm) == 8);
    assert!(offset_of!(NestvirtEntry, state) == 16);
    assert!(offset_of!(NestvirtEntry, state_gpa) == 24);
    assert!(offset_of!(NestvirtEntry, state_size) == 32);
    assert!(offset_of!(NestvirtEntry, source) == 36);
    assert!(offset_of!(NestvirtEntry, vcpu_id) == 40);
    assert!(offset_of!(NestvirtEntry, kvm_verdict) == 44);
    assert!(offset_of!(NestvirtEntry, backend) == 48);
    assert!(offset_of!(NestvirtEntry, l1) == 56);
    assert!(size_of::<NestvirtL1>() == 24);
    assert!(offset_of!(NestvirtVmxEnv, efer_allowed) == 152);
    assert!(offset_of!(NestvirtVmxEnv, features) == 184);
    assert!(offset_of!(NestvirtVmxEnv, in_smm) == 191);
    assert!(size_of::<NestvirtVmxEnv>() == 192);
    assert!(offset_of!(NestvirtEntry, vmcb02_intercepts) == 80);
    assert!(size_of::<NestvirtEntry>() == 88);
    assert!(offset_of!(NestvirtSvmL1, maxphyaddr) == 16);
    assert!(size_of::<NestvirtSvmL1>() == 24);
    assert!(offset_of!(NestvirtVerdict, exit_qualification) == 16);
    assert!(offset_of!(NestvirtVerdict, flags) == 24);
    assert!(size_of::<NestvirtVerdict>() == 32);
    assert!(size_of::<NestvirtReplays>() == 16);
    assert!(offset_of!(NestvirtHookOps, tags_entry) == 24);
    assert!(offset_of!(NestvirtHookOps, mapping) == 32);
    assert!(size_of::<NestvirtHookOps>() == 40);
    assert!(offset_of!(NestvirtTagsCall, l1_tag) == 12);
    assert!(offset_of!(NestvirtTagsCall, slot) == 24);
    assert!(offset_of!(NestvirtTagsCall, evicted) == 36);
    assert!(size_of::<NestvirtTagsCall>() == 40);
    assert!(size_of::<NestvirtTagStats>() == 48);
    assert!(offset_of!(NestvirtMsrEntry, list) == 16);
    assert!(offset_of!(NestvirtMsrEntry, in_smm) == 36);
    assert!(size_of::<NestvirtMsrEntry>() == 40);
    assert!(offset_of!(NestvirtTarget, kernel_release) == 8);
    assert!(offset_of!(NestvirtTarget, attach) == 16);
    assert!(offset_of!(NestvirtTarget, detach) == 24);
    assert!(offset_of!(NestvirtTarget, policy_changed) == 32);
    assert!(offset_of!(NestvirtTarget, replayed) == 40);
    assert!(offset_of!(NestvirtTarget, nested_state) == 48);
    assert!(offset_of!(NestvirtTarget, tag_stats) == 56);
    assert!(size_of::<NestvirtTarget>() == 64);
    assert!(offset_of!(NestvirtStateCall, kvm_state) == 8);
    assert!(offset_of!(NestvirtStateCall, room) == 16);
    assert!(offset_of!(NestvirtStateCall, size) == 20);
    assert!(offset_of!(NestvirtStateCall, l1) == 24);
    assert!(offset_of!(NestvirtStateCall, env) == 48);
    assert!(offset_of!(NestvirtStateCall, check) == 240);
    assert!(offset_of!(NestvirtStateCall, ctx) == 248);
    assert!(offset_of!(NestvirtStateCall, vcpu_id) == 256);
    assert!(size_of::<NestvirtStateCall>() == 264);
};

/// `NESTVIRT_SVM_F_*` of hooks.h, against the engine's feature bits.
const SVM_FEATURE_BITS: [(Features, u32); 33] = [
    (Features::LM, 0),
    (Features::NX, 1),
    (Features::FFXSR, 2),
    (Features::LMSLE, 3),
    (Features::TCE, 4),
    (Features::AUTOIBRS, 5),
    (Features::XSAVE, 6),
    (Features::SMEP, 7),
    (Features::SMAP, 8),
    (Features::FSGSBASE, 9),
    (Features::PKU, 10),
    (Features::LA57, 11),
    (Features::UMIP, 12),
    (Features::VMX, 13),
    (Features::PCID, 14),
    (Features::LAM, 15),
    (Features::SHSTK, 16),
    (Features::IBT, 17),
    (Features::SEV_ES, 18),
    (Features::NPT, 19),
    (Features::FLUSHBYASID, 20),
    (Features::VGIF, 21),
    (Features::VNMI, 22),
    (Features::LBRV, 23),
    (Features::V_VMSAVE_VMLOAD, 24),
    (Features::AVIC, 25),
    (Features::X2AVIC, 26),
    (Features::GMET, 27),
    (Features::ERAPS, 28),
    (Features::INVPCID, 29),
    (Features::RDTSCP, 30),
    (Features::SKINIT, 31),
    (Features::RDPRU, 32),
];

const _: () = {
    let mut i = 0;
    while i < SVM_FEATURE_BITS.len() {
        let (feature, bit) = SVM_FEATURE_BITS[i];
        assert!(feature.0 == 1 << bit);
        i += 1;
    }
    assert!(Features::ALL.len() == SVM_FEATURE_BITS.len());
};
