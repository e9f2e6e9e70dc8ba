// SPDX-License-Identifier: GPL-2.0

//! The VMX MSR lists, as the hook sees them: each entry of the VM-entry
//! MSR-load, VM-exit MSR-store and VM-exit MSR-load lists, decided by the
//! engine ([`decide_msr_entry`]) under the `msr_list` class's mode; this
//! counts, traces and fills the verdict. The consequence (VM exit 34 with
//! the entry's position on VM entry, VMX abort on VM exit) is KVM's path
//! for its own failures, taken by the hooked kvm-intel.

use crate::{
    engine::{
        rule::Rule,
        vmx::{
            decide_msr_entry,
            MsrEntry,
            MsrList, //
        },
    },
    hooks_abi::{
        NestvirtMsrEntry,
        NestvirtVerdict,
        NESTVIRT_BACKEND_VMX,
        NESTVIRT_MSR_ENTRY_LOAD,
        NESTVIRT_MSR_EXIT_LOAD,
        NESTVIRT_MSR_EXIT_STORE,
        NESTVIRT_VERDICT_FAIL, //
    },
    stats::{
        Stats,
        STATS, //
    },
    vmx_entry::VMX_POLICY,
};

/// Basic exit reason 34: "VM-entry failure due to MSR loading".
const EXIT_REASON_MSR_LOAD_FAIL: u32 = 34;

/// Decides one entry of an MSR list and fills the verdict.
pub(crate) fn check(e: &NestvirtMsrEntry, verdict: &mut NestvirtVerdict) {
    let list = match e.list {
        NESTVIRT_MSR_ENTRY_LOAD => MsrList::EntryLoad,
        NESTVIRT_MSR_EXIT_STORE => MsrList::ExitStore,
        NESTVIRT_MSR_EXIT_LOAD => MsrList::ExitLoad,
        _ => return,
    };
    let entry = MsrEntry {
        index: e.index,
        reserved: e.reserved,
        value: e.value,
    };
    let outcome = decide_msr_entry(
        list,
        &entry,
        e.in_smm != 0,
        e.faulted != 0,
        VMX_POLICY.modes(),
    );
    VMX_POLICY.record(&outcome, NESTVIRT_BACKEND_VMX, e.vcpu_id, e.list_gpa);
    let Some(rule) = outcome.enforced else {
        return;
    };
    verdict.action = NESTVIRT_VERDICT_FAIL;
    verdict.rule = u32::try_from(rule.index()).unwrap_or(u32::MAX);
    if list == MsrList::EntryLoad {
        verdict.exit_reason = EXIT_REASON_MSR_LOAD_FAIL;
        verdict.exit_qualification = e.position.into();
    }
    // nestvirt's own failure: KVM passed the entry and its access did not
    // fault (a faulted entry fails anyway).
    if e.kvm_failed == 0 && e.faulted == 0 {
        Stats::bump(&STATS.nestvirt_rejected);
    }
}
