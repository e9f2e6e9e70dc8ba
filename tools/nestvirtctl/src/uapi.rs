// SPDX-License-Identifier: GPL-2.0

//! Mirror of `include/uapi/linux/nestvirt.h`, the userspace ABI of
//! `/dev/nestvirt`.
//!
//! The layouts are frozen by the compile-time assertions below, and
//! `tests/uapi_header.rs` compares every constant, ioctl number, size and
//! offset of this file with what a C compiler makes of the header itself
//! (through [`abi_values`]).

use core::mem::{offset_of, size_of};
use rustix::ioctl::{opcode, Opcode};

/// `NESTVIRT_ABI_VERSION`.
pub const NESTVIRT_ABI_VERSION: u32 = 1;
/// `NESTVIRT_IO`: the ioctl type byte.
pub const NESTVIRT_IO: u8 = 0xBB;

/// `NESTVIRT_BACKEND_NONE`.
pub const NESTVIRT_BACKEND_NONE: u32 = 0;
/// `NESTVIRT_BACKEND_SVM`.
pub const NESTVIRT_BACKEND_SVM: u32 = 1;
/// `NESTVIRT_BACKEND_VMX`.
pub const NESTVIRT_BACKEND_VMX: u32 = 2;

/// `NESTVIRT_MODE_OFF`: do not evaluate.
pub const NESTVIRT_MODE_OFF: u32 = 0;
/// `NESTVIRT_MODE_AUDIT`: count and trace; KVM decides.
pub const NESTVIRT_MODE_AUDIT: u32 = 1;
/// `NESTVIRT_MODE_ENFORCE`: fail the entry as the APM/SDM says.
pub const NESTVIRT_MODE_ENFORCE: u32 = 2;

/// `NESTVIRT_SVM_CLASS_VMRUN`.
pub const NESTVIRT_SVM_CLASS_VMRUN: u32 = 0;
/// `NESTVIRT_SVM_CLASS_SAVE`.
pub const NESTVIRT_SVM_CLASS_SAVE: u32 = 1;
/// `NESTVIRT_SVM_CLASS_CONTROLS`.
pub const NESTVIRT_SVM_CLASS_CONTROLS: u32 = 2;
/// `NESTVIRT_SVM_CLASS_EVENT`.
pub const NESTVIRT_SVM_CLASS_EVENT: u32 = 3;
/// `NESTVIRT_SVM_CLASS_INT_CTL`.
pub const NESTVIRT_SVM_CLASS_INT_CTL: u32 = 4;
/// `NESTVIRT_SVM_CLASS_FORCED`.
pub const NESTVIRT_SVM_CLASS_FORCED: u32 = 5;
/// `NESTVIRT_SVM_CLASS_HARDENING`.
pub const NESTVIRT_SVM_CLASS_HARDENING: u32 = 6;
/// `NESTVIRT_SVM_NR_CLASSES`.
pub const NESTVIRT_SVM_NR_CLASSES: u32 = 7;

/// `NESTVIRT_VMX_CLASS_CONTROLS`.
pub const NESTVIRT_VMX_CLASS_CONTROLS: u32 = 0;
/// `NESTVIRT_VMX_CLASS_HOST_STATE`.
pub const NESTVIRT_VMX_CLASS_HOST_STATE: u32 = 1;
/// `NESTVIRT_VMX_CLASS_GUEST_STATE`.
pub const NESTVIRT_VMX_CLASS_GUEST_STATE: u32 = 2;
/// `NESTVIRT_VMX_CLASS_MSR_LIST`.
pub const NESTVIRT_VMX_CLASS_MSR_LIST: u32 = 3;
/// `NESTVIRT_VMX_CLASS_HARDENING`.
pub const NESTVIRT_VMX_CLASS_HARDENING: u32 = 4;
/// `NESTVIRT_VMX_NR_CLASSES`.
pub const NESTVIRT_VMX_NR_CLASSES: u32 = 5;

/// `NESTVIRT_CLASS_ALL`: every class, with `NESTVIRT_SET_MODE` only.
pub const NESTVIRT_CLASS_ALL: u32 = 0xffff_ffff;

/// `struct nestvirt_info`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NestvirtInfo {
    pub abi_version: u32,
    pub backend: u32,
    pub hook_abi_version: u32,
    pub mode: u32,
    pub nested_entries: u64,
    pub kvm_rejected: u64,
    pub nestvirt_rejected: u64,
    pub state_missing: u64,
    pub kernel_release: [u8; 64],
    pub rsm_entries: u64,
    pub set_state_entries: u64,
    pub vmcb02_checks: u64,
    pub replayed_entries: u64,
    pub replayed_vmcb02_checks: u64,
    pub states_saved: u64,
    pub states_restored: u64,
    pub states_refused: u64,
}

impl NestvirtInfo {
    /// All zero.
    pub const fn zeroed() -> Self {
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

/// `struct nestvirt_mode`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NestvirtMode {
    pub class: u32,
    pub mode: u32,
    pub reserved: [u64; 3],
}

impl NestvirtMode {
    /// A request for `class` (and, for `NESTVIRT_SET_MODE`, `mode`).
    pub const fn new(class: u32, mode: u32) -> Self {
        Self {
            class,
            mode,
            reserved: [0; 3],
        }
    }
}

/// `struct nestvirt_rule`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NestvirtRule {
    pub index: u32,
    pub class: u32,
    pub failures: u64,
    pub id: [u8; 48],
    pub reserved: [u64; 4],
}

impl NestvirtRule {
    /// A request for the rule at `index`: every output field zero, as the
    /// kernel requires.
    pub const fn request(index: u32) -> Self {
        Self {
            index,
            class: 0,
            failures: 0,
            id: [0; 48],
            reserved: [0; 4],
        }
    }
}

/// `NESTVIRT_STATE_RULE_NONE`: no catalogue rule refused the container.
pub const NESTVIRT_STATE_RULE_NONE: u32 = 0xffff_ffff;

/// `struct nestvirt_state`: `NESTVIRT_GET_STATE` and `NESTVIRT_SET_STATE`
/// (a VMM's calls on its own vCPU file descriptors; nestvirtctl reads
/// containers from files, but knows the layout).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NestvirtState {
    pub vcpu_fd: i32,
    pub flags: u32,
    pub buf: u64,
    pub size: u32,
    pub rule: u32,
    pub rule_id: [u8; 48],
    pub reserved: [u64; 4],
}

/// `struct nestvirt_tags`: `NESTVIRT_GET_TAGS`, the VPID/ASID mapping's
/// counters; `nestvirtctl tags --json` prints it, reserved fields left out.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct NestvirtTags {
    pub capacity: u32,
    #[serde(skip)]
    pub reserved0: u32,
    pub transitions: u64,
    pub flushes_avoided: u64,
    pub tag_flushes: u64,
    pub evictions: u64,
    pub asids: u64,
    pub in_use: i64,
    #[serde(skip)]
    pub reserved: [u64; 4],
}

// The layouts of include/uapi/linux/nestvirt.h: no implicit padding.
const _: () = {
    assert!(offset_of!(NestvirtInfo, abi_version) == 0);
    assert!(offset_of!(NestvirtInfo, backend) == 4);
    assert!(offset_of!(NestvirtInfo, hook_abi_version) == 8);
    assert!(offset_of!(NestvirtInfo, mode) == 12);
    assert!(offset_of!(NestvirtInfo, nested_entries) == 16);
    assert!(offset_of!(NestvirtInfo, kvm_rejected) == 24);
    assert!(offset_of!(NestvirtInfo, nestvirt_rejected) == 32);
    assert!(offset_of!(NestvirtInfo, state_missing) == 40);
    assert!(offset_of!(NestvirtInfo, kernel_release) == 48);
    assert!(offset_of!(NestvirtInfo, rsm_entries) == 112);
    assert!(offset_of!(NestvirtInfo, set_state_entries) == 120);
    assert!(offset_of!(NestvirtInfo, vmcb02_checks) == 128);
    assert!(offset_of!(NestvirtInfo, replayed_entries) == 136);
    assert!(offset_of!(NestvirtInfo, replayed_vmcb02_checks) == 144);
    assert!(offset_of!(NestvirtInfo, states_saved) == 152);
    assert!(size_of::<NestvirtInfo>() == 176);

    assert!(offset_of!(NestvirtMode, class) == 0);
    assert!(offset_of!(NestvirtMode, mode) == 4);
    assert!(offset_of!(NestvirtMode, reserved) == 8);
    assert!(size_of::<NestvirtMode>() == 32);

    assert!(offset_of!(NestvirtRule, index) == 0);
    assert!(offset_of!(NestvirtRule, class) == 4);
    assert!(offset_of!(NestvirtRule, failures) == 8);
    assert!(offset_of!(NestvirtRule, id) == 16);
    assert!(offset_of!(NestvirtRule, reserved) == 64);
    assert!(size_of::<NestvirtRule>() == 96);

    assert!(offset_of!(NestvirtState, buf) == 8);
    assert!(offset_of!(NestvirtState, rule_id) == 24);
    assert!(size_of::<NestvirtState>() == 104);

    assert!(offset_of!(NestvirtTags, transitions) == 8);
    assert!(offset_of!(NestvirtTags, in_use) == 48);
    assert!(size_of::<NestvirtTags>() == 88);
};

/// `NESTVIRT_GET_INFO`: `_IOR(NESTVIRT_IO, 0x00, struct nestvirt_info)`.
pub const NESTVIRT_GET_INFO: Opcode = opcode::read::<NestvirtInfo>(NESTVIRT_IO, 0x00);
/// `NESTVIRT_SET_MODE`: `_IOW(NESTVIRT_IO, 0x01, struct nestvirt_mode)`.
pub const NESTVIRT_SET_MODE: Opcode = opcode::write::<NestvirtMode>(NESTVIRT_IO, 0x01);
/// `NESTVIRT_GET_MODE`: `_IOWR(NESTVIRT_IO, 0x02, struct nestvirt_mode)`.
pub const NESTVIRT_GET_MODE: Opcode = opcode::read_write::<NestvirtMode>(NESTVIRT_IO, 0x02);
/// `NESTVIRT_GET_RULE`: `_IOWR(NESTVIRT_IO, 0x03, struct nestvirt_rule)`.
pub const NESTVIRT_GET_RULE: Opcode = opcode::read_write::<NestvirtRule>(NESTVIRT_IO, 0x03);
/// `NESTVIRT_GET_STATE`: `_IOWR(NESTVIRT_IO, 0x04, struct nestvirt_state)`.
pub const NESTVIRT_GET_STATE: Opcode = opcode::read_write::<NestvirtState>(NESTVIRT_IO, 0x04);
/// `NESTVIRT_SET_STATE`: `_IOWR(NESTVIRT_IO, 0x05, struct nestvirt_state)`.
pub const NESTVIRT_SET_STATE: Opcode = opcode::read_write::<NestvirtState>(NESTVIRT_IO, 0x05);
/// `NESTVIRT_GET_STATE_SIZE`: `_IO(NESTVIRT_IO, 0x06)`.
pub const NESTVIRT_GET_STATE_SIZE: Opcode = opcode::none(NESTVIRT_IO, 0x06);
/// `NESTVIRT_GET_TAGS`: `_IOR(NESTVIRT_IO, 0x07, struct nestvirt_tags)`.
pub const NESTVIRT_GET_TAGS: Opcode = opcode::read::<NestvirtTags>(NESTVIRT_IO, 0x07);

/// The size of a field, from a projection of a value of its structure.
const fn field_size<S, F>(_: fn(&S) -> &F) -> usize {
    size_of::<F>()
}

/// Every fact of the ABI this crate knows, as the uapi test names them:
///
/// * `NAME` for every `#define NESTVIRT_*` of the header (ioctl numbers
///   included);
/// * `sizeof STRUCT` for every structure;
/// * `sizeof STRUCT.FIELD` and `offsetof STRUCT.FIELD` for every field.
pub fn abi_values() -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = Vec::new();
    let mut constant = |name: &str, value: u64| v.push((name.to_string(), value));
    constant("NESTVIRT_ABI_VERSION", NESTVIRT_ABI_VERSION.into());
    constant("NESTVIRT_IO", NESTVIRT_IO.into());
    constant("NESTVIRT_BACKEND_NONE", NESTVIRT_BACKEND_NONE.into());
    constant("NESTVIRT_BACKEND_SVM", NESTVIRT_BACKEND_SVM.into());
    constant("NESTVIRT_BACKEND_VMX", NESTVIRT_BACKEND_VMX.into());
    constant("NESTVIRT_MODE_OFF", NESTVIRT_MODE_OFF.into());
    constant("NESTVIRT_MODE_AUDIT", NESTVIRT_MODE_AUDIT.into());
    constant("NESTVIRT_MODE_ENFORCE", NESTVIRT_MODE_ENFORCE.into());
    constant("NESTVIRT_SVM_CLASS_VMRUN", NESTVIRT_SVM_CLASS_VMRUN.into());
    constant("NESTVIRT_SVM_CLASS_SAVE", NESTVIRT_SVM_CLASS_SAVE.into());
    constant(
        "NESTVIRT_SVM_CLASS_CONTROLS",
        NESTVIRT_SVM_CLASS_CONTROLS.into(),
    );
    constant("NESTVIRT_SVM_CLASS_EVENT", NESTVIRT_SVM_CLASS_EVENT.into());
    constant(
        "NESTVIRT_SVM_CLASS_INT_CTL",
        NESTVIRT_SVM_CLASS_INT_CTL.into(),
    );
    constant(
        "NESTVIRT_SVM_CLASS_FORCED",
        NESTVIRT_SVM_CLASS_FORCED.into(),
    );
    constant(
        "NESTVIRT_SVM_CLASS_HARDENING",
        NESTVIRT_SVM_CLASS_HARDENING.into(),
    );
    constant("NESTVIRT_SVM_NR_CLASSES", NESTVIRT_SVM_NR_CLASSES.into());
    constant(
        "NESTVIRT_VMX_CLASS_CONTROLS",
        NESTVIRT_VMX_CLASS_CONTROLS.into(),
    );
    constant(
        "NESTVIRT_VMX_CLASS_HOST_STATE",
        NESTVIRT_VMX_CLASS_HOST_STATE.into(),
    );
    constant(
        "NESTVIRT_VMX_CLASS_GUEST_STATE",
        NESTVIRT_VMX_CLASS_GUEST_STATE.into(),
    );
    constant(
        "NESTVIRT_VMX_CLASS_MSR_LIST",
        NESTVIRT_VMX_CLASS_MSR_LIST.into(),
    );
    constant(
        "NESTVIRT_VMX_CLASS_HARDENING",
        NESTVIRT_VMX_CLASS_HARDENING.into(),
    );
    constant("NESTVIRT_VMX_NR_CLASSES", NESTVIRT_VMX_NR_CLASSES.into());
    constant("NESTVIRT_CLASS_ALL", NESTVIRT_CLASS_ALL.into());
    constant("NESTVIRT_GET_INFO", NESTVIRT_GET_INFO.into());
    constant("NESTVIRT_SET_MODE", NESTVIRT_SET_MODE.into());
    constant("NESTVIRT_GET_MODE", NESTVIRT_GET_MODE.into());
    constant("NESTVIRT_GET_RULE", NESTVIRT_GET_RULE.into());
    constant("NESTVIRT_GET_STATE", NESTVIRT_GET_STATE.into());
    constant("NESTVIRT_SET_STATE", NESTVIRT_SET_STATE.into());
    constant("NESTVIRT_GET_STATE_SIZE", NESTVIRT_GET_STATE_SIZE.into());
    constant("NESTVIRT_STATE_RULE_NONE", NESTVIRT_STATE_RULE_NONE.into());
    constant("NESTVIRT_GET_TAGS", NESTVIRT_GET_TAGS.into());

    macro_rules! layout {
        ($ty:ty, $c:literal, [$($field:ident),* $(,)?]) => {
            v.push((concat!("sizeof ", $c).to_string(), size_of::<$ty>() as u64));
            $(
                v.push((
                    concat!("offsetof ", $c, ".", stringify!($field)).to_string(),
                    offset_of!($ty, $field) as u64,
                ));
                v.push((
                    concat!("sizeof ", $c, ".", stringify!($field)).to_string(),
                    field_size(|s: &$ty| &s.$field) as u64,
                ));
            )*
        };
    }
    layout!(
        NestvirtInfo,
        "nestvirt_info",
        [
            abi_version,
            backend,
            hook_abi_version,
            mode,
            nested_entries,
            kvm_rejected,
            nestvirt_rejected,
            state_missing,
            kernel_release,
            rsm_entries,
            set_state_entries,
            vmcb02_checks,
            replayed_entries,
            replayed_vmcb02_checks,
            states_saved,
            states_restored,
            states_refused,
        ]
    );
    layout!(NestvirtMode, "nestvirt_mode", [class, mode, reserved]);
    layout!(
        NestvirtRule,
        "nestvirt_rule",
        [index, class, failures, id, reserved]
    );
    layout!(
        NestvirtState,
        "nestvirt_state",
        [vcpu_fd, flags, buf, size, rule, rule_id, reserved]
    );
    layout!(
        NestvirtTags,
        "nestvirt_tags",
        [
            capacity,
            reserved0,
            transitions,
            flushes_avoided,
            tag_flushes,
            evictions,
            asids,
            in_use,
            reserved,
        ]
    );
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_numbers_match_the_ioc_encoding() {
        // _IOC(dir, 0xBB, nr, size): dir << 30 | size << 16 | type << 8 | nr,
        // with _IOC_WRITE = 1 and _IOC_READ = 2.
        let ioc = |dir: u64, nr: u64, size: u64| dir << 30 | size << 16 | 0xBB << 8 | nr;
        assert_eq!(u64::from(NESTVIRT_GET_INFO), ioc(2, 0, 176));
        assert_eq!(u64::from(NESTVIRT_SET_MODE), ioc(1, 1, 32));
        assert_eq!(u64::from(NESTVIRT_GET_MODE), ioc(3, 2, 32));
        assert_eq!(u64::from(NESTVIRT_GET_RULE), ioc(3, 3, 96));
        assert_eq!(u64::from(NESTVIRT_GET_TAGS), ioc(2, 7, 88));
    }

    #[test]
    fn abi_values_names_are_unique_and_cover_every_field() {
        let values = abi_values();
        let names: std::collections::BTreeSet<&str> =
            values.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.len(), values.len(), "duplicate names");
        // 32 constants; 5 structs; 17 + 3 + 5 + 7 + 9 fields, two facts each.
        assert_eq!(values.len(), 32 + 5 + 2 * (17 + 3 + 5 + 7 + 9));
        assert!(values.contains(&("offsetof nestvirt_info.kernel_release".into(), 48)));
        assert!(values.contains(&("sizeof nestvirt_rule.id".into(), 48)));
    }

    #[test]
    fn requests_are_zero_but_for_their_inputs() {
        let r = NestvirtRule::request(7);
        assert_eq!((r.index, r.class, r.failures), (7, 0, 0));
        assert!(r.id.iter().all(|&b| b == 0) && r.reserved == [0; 4]);
        assert_eq!(NestvirtMode::new(3, 2).reserved, [0; 3]);
    }
}
