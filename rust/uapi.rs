// SPDX-License-Identifier: GPL-2.0

//! Mirror of `include/uapi/linux/nestvirt.h`, the userspace ABI.
//!
//! Layouts are frozen by the assertions below: no implicit padding, so the
//! structures are safely `AsBytes`/`FromBytes`.

use core::mem::{
    offset_of,
    size_of, //
};
use kernel::{
    ioctl::{
        _IO,
        _IOR,
        _IOW,
        _IOWR, //
    },
    transmute::{
        AsBytes,
        FromBytes, //
    },
};

/// `NESTVIRT_ABI_VERSION`.
pub(crate) const NESTVIRT_ABI_VERSION: u32 = 1;
/// `NESTVIRT_IO`: the ioctl type byte.
const NESTVIRT_IO: u32 = 0xBB;

/// `struct nestvirt_info`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct NestvirtInfo {
    pub(crate) abi_version: u32,
    pub(crate) backend: u32,
    pub(crate) hook_abi_version: u32,
    pub(crate) mode: u32,
    pub(crate) nested_entries: u64,
    pub(crate) kvm_rejected: u64,
    pub(crate) nestvirt_rejected: u64,
    pub(crate) state_missing: u64,
    pub(crate) kernel_release: [u8; 64],
    pub(crate) rsm_entries: u64,
    pub(crate) set_state_entries: u64,
    pub(crate) vmcb02_checks: u64,
    pub(crate) replayed_entries: u64,
    pub(crate) replayed_vmcb02_checks: u64,
    pub(crate) states_saved: u64,
    pub(crate) states_restored: u64,
    pub(crate) states_refused: u64,
}

const _: () = {
    assert!(offset_of!(NestvirtInfo, nested_entries) == 16);
    assert!(offset_of!(NestvirtInfo, state_missing) == 40);
    assert!(offset_of!(NestvirtInfo, kernel_release) == 48);
    assert!(offset_of!(NestvirtInfo, rsm_entries) == 112);
    assert!(offset_of!(NestvirtInfo, vmcb02_checks) == 128);
    assert!(offset_of!(NestvirtInfo, replayed_entries) == 136);
    assert!(offset_of!(NestvirtInfo, states_saved) == 152);
    assert!(size_of::<NestvirtInfo>() == 176);
};

// SAFETY: `NestvirtInfo` is `repr(C)` of integers with no padding (asserted
// above): every byte is initialized.
unsafe impl AsBytes for NestvirtInfo {}
// SAFETY: As above: every bit pattern is a valid `NestvirtInfo`.
unsafe impl FromBytes for NestvirtInfo {}

impl NestvirtInfo {
    /// All zero.
    pub(crate) const fn zeroed() -> Self {
        Self {
            abi_version: 0,
            backend: 0,
            hook_abi_version: 0,
            mode: 0,
            nested_entries: 0,
            kvm_rejected: 0,
            nestvirt_rejected: 0,
            state_missing: 0,
            kernel_release: [0; 64],
            rsm_entries: 0,
            set_state_entries: 0,
            vmcb02_checks: 0,
            replayed_entries: 0,
            replayed_vmcb02_checks: 0,
            states_saved: 0,
            states_restored: 0,
            states_refused: 0,
        }
    }
}

/// `NESTVIRT_CLASS_ALL`: every class, with `NESTVIRT_SET_MODE`.
pub(crate) const NESTVIRT_CLASS_ALL: u32 = 0xffff_ffff;

/// `struct nestvirt_mode`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct NestvirtMode {
    pub(crate) class: u32,
    pub(crate) mode: u32,
    pub(crate) reserved: [u64; 3],
}

/// `struct nestvirt_rule`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct NestvirtRule {
    pub(crate) index: u32,
    pub(crate) class: u32,
    pub(crate) failures: u64,
    pub(crate) id: [u8; 48],
    pub(crate) reserved: [u64; 4],
}

const _: () = {
    assert!(size_of::<NestvirtMode>() == 32);
    assert!(offset_of!(NestvirtRule, failures) == 8);
    assert!(offset_of!(NestvirtRule, id) == 16);
    assert!(size_of::<NestvirtRule>() == 96);
};

// SAFETY: `repr(C)` integers without padding (asserted above).
unsafe impl AsBytes for NestvirtMode {}
// SAFETY: As above: every bit pattern is valid.
unsafe impl FromBytes for NestvirtMode {}
// SAFETY: `repr(C)` integers and bytes without padding (asserted above).
unsafe impl AsBytes for NestvirtRule {}
// SAFETY: As above: every bit pattern is valid.
unsafe impl FromBytes for NestvirtRule {}

/// `NESTVIRT_STATE_RULE_NONE`: no catalogue rule refused the container.
pub(crate) const NESTVIRT_STATE_RULE_NONE: u32 = 0xffff_ffff;

/// `struct nestvirt_state`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct NestvirtState {
    pub(crate) vcpu_fd: i32,
    pub(crate) flags: u32,
    pub(crate) buf: u64,
    pub(crate) size: u32,
    pub(crate) rule: u32,
    pub(crate) rule_id: [u8; 48],
    pub(crate) reserved: [u64; 4],
}

const _: () = {
    assert!(offset_of!(NestvirtState, buf) == 8);
    assert!(offset_of!(NestvirtState, size) == 16);
    assert!(offset_of!(NestvirtState, rule_id) == 24);
    assert!(offset_of!(NestvirtState, reserved) == 72);
    assert!(size_of::<NestvirtState>() == 104);
};

// SAFETY: `repr(C)` integers and bytes without padding (asserted above).
unsafe impl AsBytes for NestvirtState {}
// SAFETY: As above: every bit pattern is valid.
unsafe impl FromBytes for NestvirtState {}

/// `struct nestvirt_tags`: the SVM ASID mapping's counters.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct NestvirtTags {
    pub(crate) capacity: u32,
    pub(crate) reserved0: u32,
    pub(crate) transitions: u64,
    pub(crate) flushes_avoided: u64,
    pub(crate) tag_flushes: u64,
    pub(crate) evictions: u64,
    pub(crate) asids: u64,
    pub(crate) in_use: i64,
    pub(crate) reserved: [u64; 4],
}

const _: () = {
    assert!(offset_of!(NestvirtTags, transitions) == 8);
    assert!(offset_of!(NestvirtTags, in_use) == 48);
    assert!(size_of::<NestvirtTags>() == 88);
};

// SAFETY: `repr(C)` integers without padding (asserted above).
unsafe impl AsBytes for NestvirtTags {}
// SAFETY: As above: every bit pattern is valid.
unsafe impl FromBytes for NestvirtTags {}

/// Copies `src` into the fixed-size string field `dst`, truncated so that at
/// least the final byte stays NUL (the field is zeroed beforehand).
pub(crate) fn copy_c_string<const N: usize>(dst: &mut [u8; N], src: &[u8]) {
    let n = src.len().min(N.saturating_sub(1));
    dst[..n].copy_from_slice(&src[..n]);
}

/// `NESTVIRT_GET_INFO`.
pub(crate) const NESTVIRT_GET_INFO: u32 = _IOR::<NestvirtInfo>(NESTVIRT_IO, 0x00);
/// `NESTVIRT_SET_MODE`.
pub(crate) const NESTVIRT_SET_MODE: u32 = _IOW::<NestvirtMode>(NESTVIRT_IO, 0x01);
/// `NESTVIRT_GET_MODE`.
pub(crate) const NESTVIRT_GET_MODE: u32 = _IOWR::<NestvirtMode>(NESTVIRT_IO, 0x02);
/// `NESTVIRT_GET_RULE`.
pub(crate) const NESTVIRT_GET_RULE: u32 = _IOWR::<NestvirtRule>(NESTVIRT_IO, 0x03);
/// `NESTVIRT_GET_STATE`.
pub(crate) const NESTVIRT_GET_STATE: u32 = _IOWR::<NestvirtState>(NESTVIRT_IO, 0x04);
/// `NESTVIRT_SET_STATE`.
pub(crate) const NESTVIRT_SET_STATE: u32 = _IOWR::<NestvirtState>(NESTVIRT_IO, 0x05);
/// `NESTVIRT_GET_STATE_SIZE`.
pub(crate) const NESTVIRT_GET_STATE_SIZE: u32 = _IO(NESTVIRT_IO, 0x06);
/// `NESTVIRT_GET_TAGS`.
pub(crate) const NESTVIRT_GET_TAGS: u32 = _IOR::<NestvirtTags>(NESTVIRT_IO, 0x07);
