// SPDX-License-Identifier: GPL-2.0

//! Checks on the entries of the MSR lists: VM-entry MSR loading (SDM 27.4,
//! a failure is VM exit 34 with the entry's 1-based index), VM-exit MSR
//! storing (28.4, VMX abort 2) and VM-exit MSR loading (28.6, VMX abort 4).
//!
//! The lists live in L1 memory, not in vmcs12: the caller reads each
//! 16-byte entry once and passes the copy.

use core::ops::ControlFlow;

use super::bits::msr;
use super::rules::VmxRule as R;
use crate::engine::rule::{apply_modes, cc, ClassModes, FirstFailure, Outcome, RuleSet, Verdicts};

/// Which MSR list an entry belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MsrList {
    /// The VM-entry MSR-load list.
    EntryLoad,
    /// The VM-exit MSR-store list.
    ExitStore,
    /// The VM-exit MSR-load list.
    ExitLoad,
}

/// One 16-byte MSR-list entry (`struct vmx_msr_entry`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsrEntry {
    /// Bits 31:0, the MSR index.
    pub index: u32,
    /// Bits 63:32, reserved.
    pub reserved: u32,
    /// Bits 127:64, the MSR data.
    pub value: u64,
}

impl MsrEntry {
    /// Decodes an entry from its in-memory form.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        let [i0, i1, i2, i3, r0, r1, r2, r3, d0, d1, d2, d3, d4, d5, d6, d7] = bytes;
        Self {
            index: u32::from_le_bytes([i0, i1, i2, i3]),
            reserved: u32::from_le_bytes([r0, r1, r2, r3]),
            value: u64::from_le_bytes([d0, d1, d2, d3, d4, d5, d6, d7]),
        }
    }
}

/// L1's MSR access rules, as WRMSR and RDMSR at CPL 0 in L1 would apply
/// them (KVM's `kvm_set_msr()`/`kvm_get_msr()` with host-initiated = false).
pub trait L1Msrs {
    /// Whether WRMSR of `value` to `index` would raise #GP.
    fn write_faults(&self, index: u32, value: u64) -> bool;
    /// Whether RDMSR of `index` would raise #GP.
    fn read_faults(&self, index: u32) -> bool;
}

/// The rules of one list, in check order.
struct ListRules {
    fs_base: Option<R>,
    gs_base: Option<R>,
    x2apic: R,
    smm_only: R,
    model: R,
    reserved: R,
    access: R,
}

const ENTRY_LOAD: ListRules = ListRules {
    fs_base: Some(R::MsrEntryLoadFsBase),
    gs_base: Some(R::MsrEntryLoadGsBase),
    x2apic: R::MsrEntryLoadX2apic,
    smm_only: R::MsrEntryLoadSmm,
    model: R::MsrEntryLoadModel,
    reserved: R::MsrEntryLoadReserved,
    access: R::MsrEntryLoadWrmsr,
};

const EXIT_STORE: ListRules = ListRules {
    fs_base: None,
    gs_base: None,
    x2apic: R::MsrExitStoreX2apic,
    smm_only: R::MsrExitStoreSmm,
    model: R::MsrExitStoreModel,
    reserved: R::MsrExitStoreReserved,
    access: R::MsrExitStoreRdmsr,
};

const EXIT_LOAD: ListRules = ListRules {
    fs_base: Some(R::MsrExitLoadFsBase),
    gs_base: Some(R::MsrExitLoadGsBase),
    x2apic: R::MsrExitLoadX2apic,
    smm_only: R::MsrExitLoadSmm,
    model: R::MsrExitLoadModel,
    reserved: R::MsrExitLoadReserved,
    access: R::MsrExitLoadWrmsr,
};

/// Checks one MSR-list entry. `in_smm` says whether the VM entry (or the
/// VM exit's destination) is in SMM, where the SMM-only MSRs are legal.
pub fn check_msr_entry(
    list: MsrList,
    entry: &MsrEntry,
    msrs: &impl L1Msrs,
    in_smm: bool,
    v: &mut impl Verdicts<R>,
) -> ControlFlow<()> {
    let (rules, smm_msr) = match list {
        MsrList::EntryLoad => (&ENTRY_LOAD, msr::SMM_MONITOR_CTL),
        MsrList::ExitStore => (&EXIT_STORE, msr::SMBASE),
        MsrList::ExitLoad => (&EXIT_LOAD, msr::SMM_MONITOR_CTL),
    };
    let index = entry.index;
    if let Some(rule) = rules.fs_base {
        cc!(v, rule, index == msr::FS_BASE);
    }
    if let Some(rule) = rules.gs_base {
        cc!(v, rule, index == msr::GS_BASE);
    }
    cc!(v, rules.x2apic, index >> 8 == 0x8);
    cc!(v, rules.smm_only, index == smm_msr && !in_smm);
    cc!(
        v,
        rules.model,
        index == msr::UCODE_WRITE || index == msr::UCODE_REV
    );
    cc!(v, rules.reserved, entry.reserved != 0);
    let faults = match list {
        MsrList::ExitStore => msrs.read_faults(index),
        MsrList::EntryLoad | MsrList::ExitLoad => msrs.write_faults(index, entry.value),
    };
    cc!(v, rules.access, faults);
    ControlFlow::Continue(())
}

/// The first failing entry of an MSR list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsrListFailure {
    /// The 1-based index of the entry: the exit qualification of VM exit 34.
    pub entry: u32,
    /// The rule the entry breaks.
    pub rule: R,
}

/// Checks the entries of a list in order and returns the first failure, as
/// the processor processes the list: entries before it take effect.
pub fn check_msr_list(
    list: MsrList,
    entries: impl IntoIterator<Item = MsrEntry>,
    msrs: &impl L1Msrs,
    in_smm: bool,
) -> Result<(), MsrListFailure> {
    let mut i: u32 = 0;
    for entry in entries {
        i = i.saturating_add(1);
        let mut first = FirstFailure::default();
        let _ = check_msr_entry(list, &entry, msrs, in_smm, &mut first);
        if let Some(rule) = first.0 {
            return Err(MsrListFailure { entry: i, rule });
        }
    }
    Ok(())
}

/// The rule an entry breaks when its WRMSR (load lists) or RDMSR (the store
/// list) would raise #GP.
pub const fn msr_access_rule(list: MsrList) -> R {
    match list {
        MsrList::EntryLoad => ENTRY_LOAD.access,
        MsrList::ExitStore => EXIT_STORE.access,
        MsrList::ExitLoad => EXIT_LOAD.access,
    }
}

/// Before the access: no fault seen yet (the access itself decides the
/// access rule, asked for afterwards with `faulted`).
struct NotYetAccessed;

impl L1Msrs for NotYetAccessed {
    fn write_faults(&self, _index: u32, _value: u64) -> bool {
        false
    }
    fn read_faults(&self, _index: u32) -> bool {
        false
    }
}

/// What the kernel hook decides on one entry of an MSR list under `modes`.
///
/// The hook is asked twice about an entry whose access faults: before the
/// access (`faulted` false: every rule but the access one, which only the
/// access can tell), then after it (`faulted` true: the access rule alone,
/// so no rule is counted twice).
pub fn decide_msr_entry(
    list: MsrList,
    entry: &MsrEntry,
    in_smm: bool,
    faulted: bool,
    modes: ClassModes,
) -> Outcome<R> {
    let mut failures = RuleSet::new();
    if modes.any_on() {
        if faulted {
            failures.insert(msr_access_rule(list));
        } else {
            let _ = check_msr_entry(list, entry, &NotYetAccessed, in_smm, &mut failures);
        }
    }
    // Every MSR-list consequence is applied by the caller, as KVM applies
    // its own: exit 34 on VM entry, VMX abort on VM exit.
    apply_modes(&failures, |class| modes.get(class as usize), |_| true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rule::Mode;
    use crate::engine::vmx::VmxClass;

    fn modes(mode: Mode) -> ClassModes {
        ClassModes::uniform(Mode::Enforce, VmxClass::ALL.len())
            .with(VmxClass::MsrList as usize, mode)
            .unwrap()
    }

    fn entry(index: u32, reserved: u32) -> MsrEntry {
        MsrEntry {
            index,
            reserved,
            value: 0,
        }
    }

    const KERNEL_GS_BASE: u32 = 0xc000_0102;

    #[test]
    fn an_entry_decodes_index_reserved_and_data() {
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&0xc000_0100u32.to_le_bytes());
        bytes[4..8].copy_from_slice(&7u32.to_le_bytes());
        bytes[8..].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        assert_eq!(
            MsrEntry::from_bytes(bytes),
            MsrEntry {
                index: 0xc000_0100,
                reserved: 7,
                value: 0x1122_3344_5566_7788
            }
        );
    }

    #[test]
    fn a_valid_entry_passes_until_its_access_faults() {
        let e = entry(KERNEL_GS_BASE, 0);
        for list in [MsrList::EntryLoad, MsrList::ExitStore, MsrList::ExitLoad] {
            let o = decide_msr_entry(list, &e, false, false, modes(Mode::Enforce));
            assert!(o.counted.is_empty() && o.enforced.is_none(), "{list:?}");
            let o = decide_msr_entry(list, &e, false, true, modes(Mode::Enforce));
            assert_eq!(o.enforced, Some(msr_access_rule(list)), "{list:?}");
            assert_eq!(o.counted.iter().count(), 1);
        }
        assert_eq!(msr_access_rule(MsrList::EntryLoad), R::MsrEntryLoadWrmsr);
        assert_eq!(msr_access_rule(MsrList::ExitStore), R::MsrExitStoreRdmsr);
        assert_eq!(msr_access_rule(MsrList::ExitLoad), R::MsrExitLoadWrmsr);
    }

    #[test]
    fn static_rules_before_the_access_and_modes_apply() {
        let fs = entry(msr::FS_BASE, 0);
        let o = decide_msr_entry(MsrList::EntryLoad, &fs, false, false, modes(Mode::Enforce));
        assert_eq!(o.enforced, Some(R::MsrEntryLoadFsBase));
        let o = decide_msr_entry(MsrList::EntryLoad, &fs, false, false, modes(Mode::Audit));
        assert!(o.counted.contains(R::MsrEntryLoadFsBase) && o.enforced.is_none());
        let o = decide_msr_entry(MsrList::EntryLoad, &fs, false, false, modes(Mode::Off));
        assert!(o.counted.is_empty());
        // The store list may hold IA32_FS_BASE: it is only a load rule.
        let o = decide_msr_entry(MsrList::ExitStore, &fs, false, false, modes(Mode::Enforce));
        assert!(o.counted.is_empty());
        let rsvd = entry(KERNEL_GS_BASE, 1);
        let o = decide_msr_entry(
            MsrList::ExitStore,
            &rsvd,
            false,
            false,
            modes(Mode::Enforce),
        );
        assert_eq!(o.enforced, Some(R::MsrExitStoreReserved));
        // A faulted report counts the access rule alone, never the others.
        let o = decide_msr_entry(MsrList::EntryLoad, &fs, false, true, modes(Mode::Enforce));
        assert_eq!(o.enforced, Some(R::MsrEntryLoadWrmsr));
        assert!(!o.counted.contains(R::MsrEntryLoadFsBase));
        let none = ClassModes::uniform(Mode::Off, VmxClass::ALL.len());
        let o = decide_msr_entry(MsrList::EntryLoad, &fs, false, true, none);
        assert!(o.counted.is_empty() && o.enforced.is_none());
    }

    #[test]
    fn smm_only_msrs_follow_the_smm_guard() {
        let ctl = entry(msr::SMM_MONITOR_CTL, 0);
        let o = decide_msr_entry(MsrList::EntryLoad, &ctl, false, false, modes(Mode::Enforce));
        assert_eq!(o.enforced, Some(R::MsrEntryLoadSmm));
        let o = decide_msr_entry(MsrList::EntryLoad, &ctl, true, false, modes(Mode::Enforce));
        assert!(o.counted.is_empty());
        let smbase = entry(msr::SMBASE, 0);
        let o = decide_msr_entry(
            MsrList::ExitStore,
            &smbase,
            false,
            false,
            modes(Mode::Enforce),
        );
        assert_eq!(o.enforced, Some(R::MsrExitStoreSmm));
        let o = decide_msr_entry(
            MsrList::ExitStore,
            &smbase,
            true,
            false,
            modes(Mode::Enforce),
        );
        assert!(o.counted.is_empty());
    }
}
