// SPDX-License-Identifier: GPL-2.0

//! The SVM checks on a nested VMRUN, as the hook sees it.

use crate::{
    engine::{
        rule::{
            apply_modes,
            Consequence,
            Mode,
            Rule,
            RuleSet, //
        },
        svm::{
            check_controls,
            validate,
            validate_vmrun,
            Features,
            SvmCaps,
            SvmClass,
            SvmRule,
            Vmcb12,
            VmrunOperand, //
        },
    },
    hooks_abi::{
        NestvirtEntry,
        NestvirtVerdict,
        NESTVIRT_ENTRY_RSM,
        NESTVIRT_ENTRY_SET_STATE,
        NESTVIRT_VERDICT_FAIL, //
    },
    policy::Policy,
    stats::{
        Stats,
        STATS, //
    },
    trace,
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

/// Checks the vmcb12 snapshot of one nested entry (VMRUN, the return from
/// SMM into guest mode, or restored nested state) and fills the verdict.
///
/// The hook runs after KVM decided the VMRUN operand's own faults (#GP), so
/// only `#VMEXIT(VMEXIT_INVALID)` rules are enforced here; #GP rules are
/// counted.
pub(crate) fn check(entry: &NestvirtEntry, state: &[u8], verdict: &mut NestvirtVerdict) {
    if !SVM_POLICY.any_on() {
        return;
    }
    // Read KVM's snapshot in place: no second copy on the VMRUN path.
    let Some(vmcb) = Vmcb12::view(state) else {
        Stats::bump(&STATS.state_missing);
        return;
    };
    let l1 = &entry.l1_svm;
    let caps = SvmCaps {
        maxphyaddr: l1.maxphyaddr,
        features: Features(l1.features),
    };
    let op = VmrunOperand {
        rax: entry.state_gpa,
        cpl: l1.cpl,
        hsave_pa: l1.hsave_pa,
    };
    let mut failures = RuleSet::new();
    // A RuleSet never stops the walk: every failing rule is collected.
    let _ = match entry.source {
        // Restored nested state carries L1's save area, not L2's: only the
        // vmcb12 controls are checked, as KVM_SET_NESTED_STATE does.
        NESTVIRT_ENTRY_SET_STATE => check_controls(&vmcb, &caps, &mut failures),
        // Returning from SMM re-enters L2 without executing VMRUN.
        NESTVIRT_ENTRY_RSM => validate(&vmcb, &caps, &mut failures),
        _ => validate_vmrun(&op, &vmcb, &caps, &mut failures),
    };

    let outcome = apply_modes(
        &failures,
        |class| SVM_POLICY.mode(class_index(class)).unwrap_or(Mode::Off),
        |consequence| consequence == Consequence::VmexitInvalid,
    );
    for rule in outcome.counted.iter() {
        SVM_POLICY.count(rule);
        trace::rule_failed(
            entry,
            rule.index(),
            rule.info().id,
            outcome.enforced == Some(rule),
        );
    }
    if let Some(rule) = outcome.enforced {
        verdict.action = NESTVIRT_VERDICT_FAIL;
        verdict.rule = u32::try_from(rule.index()).unwrap_or(u32::MAX);
        Stats::bump(&STATS.nestvirt_rejected);
    }
}
