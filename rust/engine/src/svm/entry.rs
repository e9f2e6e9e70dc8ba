// SPDX-License-Identifier: GPL-2.0

//! What the kernel hook decides on one nested entry: the checks the entry
//! calls for, and the class modes applied to their failures.
//!
//! The hook runs after KVM decided the VMRUN operand's own faults (#GP),
//! so only `#VMEXIT(VMEXIT_INVALID)` rules can be enforced; #GP rules are
//! counted.

use super::caps::{SvmCaps, VmrunOperand};
use super::check_controls::check_controls;
use super::rules::SvmRule;
use super::validate::{validate, validate_vmrun};
use super::vmcb02::check_vmcb02_intercepts;
use super::vmcb12::{Intercepts, Vmcb12, VmcbBytes};
use crate::engine::rule::{apply_modes, ClassModes, Consequence, Outcome, RuleSet};

/// Where a nested entry comes from, and so what it checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// An emulated VMRUN: the instruction, then vmcb12.
    Vmrun,
    /// The return from SMM into guest mode: vmcb12, no VMRUN executes.
    Rsm,
    /// `KVM_SET_NESTED_STATE`: the restored vmcb12 controls only (its save
    /// area there is L1's, not L2's).
    SetState,
}

/// Applies `modes` to `failures`: what is counted, and what fails the entry.
fn decide(failures: &RuleSet<SvmRule>, modes: ClassModes) -> Outcome<SvmRule> {
    apply_modes(
        failures,
        |class| modes.get(class as usize),
        |consequence| consequence == Consequence::VmexitInvalid,
    )
}

/// Checks the vmcb12 of one nested entry under `modes`. Every failing rule
/// of a class not off is counted; the first of an enforced class fails the
/// entry.
pub fn check_entry(
    kind: EntryKind,
    op: &VmrunOperand,
    vmcb: &Vmcb12<impl VmcbBytes>,
    caps: &SvmCaps,
    modes: ClassModes,
) -> Outcome<SvmRule> {
    let mut failures = RuleSet::new();
    if modes.any_on() {
        // A RuleSet never stops the walk: every failing rule is collected.
        let _ = match kind {
            EntryKind::Vmrun => validate_vmrun(op, vmcb, caps, &mut failures),
            EntryKind::Rsm => validate(vmcb, caps, &mut failures),
            EntryKind::SetState => check_controls(vmcb, caps, &mut failures),
        };
    }
    decide(&failures, modes)
}

/// Checks the intercepts KVM built into vmcb02 for the entry `vmcb`, under
/// `modes`, once KVM prepared vmcb02 and before L2 runs.
pub fn check_vmcb02_entry(
    vmcb: &Vmcb12<impl VmcbBytes>,
    caps: &SvmCaps,
    vmcb02: &Intercepts,
    modes: ClassModes,
) -> Outcome<SvmRule> {
    let mut failures = RuleSet::new();
    if modes.any_on() {
        let _ = check_vmcb02_intercepts(vmcb, caps, vmcb02, &mut failures);
    }
    decide(&failures, modes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rule::Mode;
    use crate::engine::svm::bits::{efer, intercept};
    use crate::engine::svm::{sample, SvmClass};

    fn enforce() -> ClassModes {
        ClassModes::uniform(Mode::Enforce, SvmClass::ALL.len())
    }

    #[test]
    fn valid_entry_passes_in_every_kind() {
        let (op, vmcb, caps) = (sample::operand(), sample::vmcb12(), sample::caps());
        for kind in [EntryKind::Vmrun, EntryKind::Rsm, EntryKind::SetState] {
            let o = check_entry(kind, &op, &vmcb, &caps, enforce());
            assert!(o.counted.is_empty() && o.enforced.is_none(), "{kind:?}");
        }
    }

    #[test]
    fn kinds_check_what_they_should() {
        let (mut op, caps) = (sample::operand(), sample::caps());
        op.cpl = 3;
        let mut vmcb = sample::vmcb12();
        vmcb.set_efer(vmcb.efer() & !efer::SVME);
        vmcb.set_asid(0);
        let has = |kind, rule| {
            check_entry(kind, &op, &vmcb, &caps, enforce())
                .counted
                .contains(rule)
        };
        // VMRUN: the operand and both areas.
        assert!(has(EntryKind::Vmrun, SvmRule::VmrunCpl));
        assert!(has(EntryKind::Vmrun, SvmRule::EferSvme));
        assert!(has(EntryKind::Vmrun, SvmRule::AsidZero));
        // RSM: no VMRUN operand.
        assert!(!has(EntryKind::Rsm, SvmRule::VmrunCpl));
        assert!(has(EntryKind::Rsm, SvmRule::EferSvme));
        // Restored state: the controls only.
        assert!(!has(EntryKind::SetState, SvmRule::EferSvme));
        assert!(has(EntryKind::SetState, SvmRule::AsidZero));
    }

    #[test]
    fn only_invalid_rules_are_enforced_and_off_classes_are_dropped() {
        let (mut op, caps, vmcb) = (sample::operand(), sample::caps(), sample::vmcb12());
        op.cpl = 3;
        // #GP rules are counted, never enforced: KVM decided those faults.
        let o = check_entry(EntryKind::Vmrun, &op, &vmcb, &caps, enforce());
        assert!(o.counted.contains(SvmRule::VmrunCpl));
        assert_eq!(o.enforced, None);
        let mut bad = sample::vmcb12();
        bad.set_asid(0);
        let o = check_entry(EntryKind::Vmrun, &sample::operand(), &bad, &caps, enforce());
        assert_eq!(o.enforced, Some(SvmRule::AsidZero));
        let audit = enforce()
            .with(SvmClass::Controls as usize, Mode::Audit)
            .unwrap();
        let o = check_entry(EntryKind::Vmrun, &sample::operand(), &bad, &caps, audit);
        assert!(o.counted.contains(SvmRule::AsidZero));
        assert_eq!(o.enforced, None);
        let off = enforce()
            .with(SvmClass::Controls as usize, Mode::Off)
            .unwrap();
        let o = check_entry(EntryKind::Vmrun, &sample::operand(), &bad, &caps, off);
        assert!(o.counted.is_empty());
        let none = ClassModes::uniform(Mode::Off, SvmClass::ALL.len());
        let o = check_entry(EntryKind::Vmrun, &sample::operand(), &bad, &caps, none);
        assert!(o.counted.is_empty() && o.enforced.is_none());
    }

    #[test]
    fn vmcb02_entry_enforces_forced_intercepts() {
        let (vmcb, caps) = (sample::vmcb12(), sample::caps());
        let good = sample::vmcb02_intercepts();
        let o = check_vmcb02_entry(&vmcb, &caps, &good, enforce());
        assert!(o.counted.is_empty());
        let mut bad = good;
        bad.set(intercept::VMRUN, false);
        let o = check_vmcb02_entry(&vmcb, &caps, &bad, enforce());
        assert_eq!(o.enforced, Some(SvmRule::Vmcb02Vmrun));
        let audit = enforce()
            .with(SvmClass::Forced as usize, Mode::Audit)
            .unwrap();
        let o = check_vmcb02_entry(&vmcb, &caps, &bad, audit);
        assert!(o.counted.contains(SvmRule::Vmcb02Vmrun) && o.enforced.is_none());
    }
}
