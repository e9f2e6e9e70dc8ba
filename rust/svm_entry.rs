// SPDX-License-Identifier: GPL-2.0

//! The SVM checks on a nested entry, as the hook sees it: the engine
//! decides ([`check_entry`], [`check_vmcb02_entry`]), this counts, traces
//! and fills the verdict.
//!
//! Each check returns whether it was clean: it ran on the entry's state
//! and nothing failed under the current modes, so the same inputs would
//! give the same empty outcome (the hook may then let the glue replay it).

use crate::{
    engine::{
        rule::{
            Outcome,
            Rule, //
        },
        svm::{
            check_entry,
            check_vmcb02_entry,
            EntryKind,
            Features,
            Intercepts,
            SvmCaps,
            SvmClass,
            SvmRule,
            Vmcb12,
            VmrunOperand, //
        },
    },
    hooks,
    hooks_abi::{
        NestvirtEntry,
        NestvirtVerdict,
        NESTVIRT_ENTRY_RSM,
        NESTVIRT_ENTRY_SET_STATE,
        NESTVIRT_SVM_INTERCEPT_WORDS,
        NESTVIRT_VERDICT_FAIL, //
    },
    policy::Policy,
    stats::{
        Stats,
        STATS, //
    },
};

/// The modes and counters of the SVM catalogue.
pub(crate) type SvmPolicy = Policy<{ SvmClass::ALL.len() }, { SvmRule::COUNT }>;

/// Modes and counters of the SVM catalogue.
pub(crate) static SVM_POLICY: SvmPolicy = Policy::new();

/// The ABI number of a class (`NESTVIRT_SVM_CLASS_*`): its place in
/// `SvmClass::ALL`.
pub(crate) fn class_index(class: SvmClass) -> usize {
    class as usize
}

/// What L1 sees, from the entry.
fn caps(entry: &NestvirtEntry) -> SvmCaps {
    let l1 = entry.svm_l1();
    SvmCaps {
        maxphyaddr: l1.maxphyaddr,
        features: Features(l1.features),
    }
}

/// Checks the vmcb12 of one nested entry (VMRUN, the return from SMM into
/// guest mode, or restored nested state) and fills the verdict; returns
/// whether the check was clean.
pub(crate) fn check(entry: &NestvirtEntry, state: &[u8], verdict: &mut NestvirtVerdict) -> bool {
    // Read KVM's vmcb12 image in place: no copy on the VMRUN path.
    let Some(vmcb) = Vmcb12::view(state) else {
        Stats::bump(&STATS.state_missing);
        hooks::fail_closed(entry, verdict);
        return false;
    };
    let modes = SVM_POLICY.modes();
    if !modes.any_on() {
        return true;
    }
    let kind = match entry.source {
        NESTVIRT_ENTRY_SET_STATE => EntryKind::SetState,
        NESTVIRT_ENTRY_RSM => EntryKind::Rsm,
        _ => EntryKind::Vmrun,
    };
    let l1 = entry.svm_l1();
    let op = VmrunOperand {
        rax: entry.state_gpa,
        cpl: l1.cpl,
        hsave_pa: l1.hsave_pa,
    };
    let outcome = check_entry(kind, &op, &vmcb, &caps(entry), modes);
    apply(entry, &outcome, verdict)
}

/// Checks the intercepts KVM put in vmcb02 (`NESTVIRT_ENTRY_VMCB02`) and
/// fills the verdict; returns whether the check was clean.
pub(crate) fn check_vmcb02(
    entry: &NestvirtEntry,
    state: &[u8],
    verdict: &mut NestvirtVerdict,
) -> bool {
    // Counted as missing state by the entry's own vmcb12 check, if at all.
    let Some(vmcb) = Vmcb12::view(state) else {
        hooks::fail_closed(entry, verdict);
        return false;
    };
    if entry.vmcb02_intercepts.is_null() {
        hooks::fail_closed(entry, verdict);
        return false;
    }
    let modes = SVM_POLICY.modes();
    if !modes.any_on() {
        return true;
    }
    // SAFETY: A non-null `vmcb02_intercepts` points at
    // `NESTVIRT_SVM_INTERCEPT_WORDS` readable words of vmcb02, which KVM
    // does not change during the call, per the hook ABI.
    let words = unsafe {
        core::slice::from_raw_parts(entry.vmcb02_intercepts, NESTVIRT_SVM_INTERCEPT_WORDS)
    };
    let mut vmcb02 = Intercepts::default();
    for (to, from) in vmcb02.0.iter_mut().zip(words) {
        *to = *from;
    }
    let outcome = check_vmcb02_entry(&vmcb, &caps(entry), &vmcb02, modes);
    apply(entry, &outcome, verdict)
}

/// Counts and traces every counted failure; an enforced one (always also
/// counted) fails the entry. Returns whether there was none.
fn apply(entry: &NestvirtEntry, outcome: &Outcome<SvmRule>, verdict: &mut NestvirtVerdict) -> bool {
    SVM_POLICY.record(outcome, entry.backend, entry.vcpu_id, entry.state_gpa);
    if let Some(rule) = outcome.enforced {
        verdict.action = NESTVIRT_VERDICT_FAIL;
        verdict.rule = u32::try_from(rule.index()).unwrap_or(u32::MAX);
        Stats::bump(&STATS.nestvirt_rejected);
    }
    outcome.counted.is_empty()
}
