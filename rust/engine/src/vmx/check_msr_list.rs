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
use crate::engine::rule::{cc, FirstFailure, Verdicts};

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
