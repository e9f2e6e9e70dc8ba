// SPDX-License-Identifier: GPL-2.0

//! What the kernel hook decides on one nested VM entry: the checks of the
//! vmcs12, the class modes applied to their failures, and the
//! architectural outcome of the failure that is enforced.
//!
//! The hook runs once KVM's own checks on the controls and the host state
//! decided (KVM's VM-instruction error, if any, comes in): hardware checks
//! the controls, then the host state, then the guest state (SDM 27.2,
//! 27.3), so the outcome of an entry is the earliest of KVM's and
//! nestvirt's in that order.

use super::caps::{VmxCaps, VmxContext};
use super::rules::VmxRule;
use super::validate::validate;
use super::vmcs12::Vmcs12;
use crate::engine::rule::{apply_modes, ClassModes, Consequence, Outcome, RuleSet};

/// VM-instruction error 7: "VM entry with invalid control field(s)".
pub const VMXERR_INVALID_CONTROL: u32 = 7;
/// VM-instruction error 8: "VM entry with invalid host-state field(s)".
pub const VMXERR_INVALID_HOST_STATE: u32 = 8;
/// Basic exit reason 33: "VM-entry failure due to invalid guest state".
pub const EXIT_REASON_INVALID_STATE: u32 = 33;

/// How a VM entry fails, as the architecture reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryFailure {
    /// VMfailValid with this VM-instruction error (7 or 8): the entry does
    /// not start.
    VmFail(u32),
    /// A VM exit with reason 33 and the entry-failure bit, and this exit
    /// qualification (0, 2, 3 or 4): the entry started, loading the guest
    /// state failed.
    InvalidGuestState(u8),
}

impl EntryFailure {
    /// What a rule's consequence is on VMLAUNCH/VMRESUME; `None` for the
    /// MSR-list consequences, which the list code applies entry by entry.
    pub const fn of(consequence: Consequence) -> Option<Self> {
        match consequence {
            Consequence::VmFailValid(error) => Some(Self::VmFail(error as u32)),
            Consequence::InvalidGuestState(qual) => Some(Self::InvalidGuestState(qual)),
            _ => None,
        }
    }

    /// The order in which hardware checks: controls (7), host state (8),
    /// guest state; the smaller fails first.
    const fn order(self) -> u32 {
        match self {
            Self::VmFail(error) => error,
            Self::InvalidGuestState(_) => u32::MAX,
        }
    }

    /// The failure hardware reports when `kvm` (KVM's VM-instruction error,
    /// 0 when its control and host checks passed) and `nestvirt` (the
    /// enforced failure, if any) both apply: the earlier one in check
    /// order; KVM's on a tie, since it is what KVM would have reported.
    pub fn combine(kvm: u32, nestvirt: Option<Self>) -> Option<Self> {
        let kvm = (kvm != 0).then_some(Self::VmFail(kvm));
        match (kvm, nestvirt) {
            (Some(k), Some(n)) if n.order() < k.order() => Some(n),
            (Some(k), _) => Some(k),
            (None, n) => n,
        }
    }
}

/// Checks the vmcs12 of one VMLAUNCH/VMRESUME (or restored nested state)
/// under `modes`: every failing rule of a class not off is counted; the
/// first, in check order, of an enforced class whose consequence a VM
/// entry can report fails the entry.
pub fn check_vmx_entry(
    vmcs: &Vmcs12,
    caps: &VmxCaps,
    ctx: &VmxContext,
    modes: ClassModes,
) -> Outcome<VmxRule> {
    let mut failures = RuleSet::new();
    if modes.any_on() {
        // A RuleSet never stops the walk: every failing rule is collected.
        let _ = validate(vmcs, caps, ctx, &mut failures);
    }
    apply_entry_modes(&failures, modes)
}

/// What `modes` make of an entry's failing rules: counted per class, and
/// the first enforced one whose consequence a VM entry can report.
pub(crate) fn apply_entry_modes(
    failures: &RuleSet<VmxRule>,
    modes: ClassModes,
) -> Outcome<VmxRule> {
    apply_modes(
        failures,
        |class| modes.get(class as usize),
        |consequence| EntryFailure::of(consequence).is_some(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rule::{Mode, Rule};
    use crate::engine::vmx::{baseline_caps, baseline_context, baseline_vmcs12, Field, VmxClass};

    fn enforce() -> ClassModes {
        ClassModes::uniform(Mode::Enforce, VmxClass::ALL.len())
    }

    fn with(class: VmxClass, mode: Mode) -> ClassModes {
        enforce().with(class as usize, mode).unwrap()
    }

    /// The baseline with HOST_CR0 missing a fixed-1 bit (PE) and GUEST_CR0
    /// setting a bit CR0_FIXED1 forbids: one host-state and one guest-state
    /// failure.
    fn bad_host_and_guest() -> Vmcs12 {
        let mut v = baseline_vmcs12();
        v.set(Field::HostCr0, v.get(Field::HostCr0) & !1);
        v.set(Field::GuestCr0, v.get(Field::GuestCr0) | 1 << 40);
        v
    }

    #[test]
    fn valid_entry_passes() {
        let o = check_vmx_entry(
            &baseline_vmcs12(),
            &baseline_caps(),
            &baseline_context(),
            enforce(),
        );
        assert!(o.counted.is_empty() && o.enforced.is_none());
    }

    #[test]
    fn first_enforced_failure_in_check_order_and_modes_per_class() {
        let (caps, ctx, v) = (baseline_caps(), baseline_context(), bad_host_and_guest());
        let o = check_vmx_entry(&v, &caps, &ctx, enforce());
        assert_eq!(o.enforced, Some(VmxRule::HostCr0Fixed0));
        assert!(o.counted.contains(VmxRule::GuestCr0Fixed1));
        // Host state audited: the guest-state failure is the verdict.
        let o = check_vmx_entry(&v, &caps, &ctx, with(VmxClass::HostState, Mode::Audit));
        assert_eq!(o.enforced, Some(VmxRule::GuestCr0Fixed1));
        assert!(o.counted.contains(VmxRule::HostCr0Fixed0));
        // Host state off: not even counted.
        let o = check_vmx_entry(&v, &caps, &ctx, with(VmxClass::HostState, Mode::Off));
        assert!(!o.counted.contains(VmxRule::HostCr0Fixed0));
        let none = ClassModes::uniform(Mode::Off, VmxClass::ALL.len());
        let o = check_vmx_entry(&v, &caps, &ctx, none);
        assert!(o.counted.is_empty() && o.enforced.is_none());
    }

    #[test]
    fn msr_list_rules_are_never_the_entry_verdict() {
        for rule in VmxRule::ALL {
            let consequence = rule.info().consequence;
            let listed = matches!(
                consequence,
                Consequence::MsrLoadFail | Consequence::VmxAbort(_)
            );
            assert_eq!(EntryFailure::of(consequence).is_none(), listed, "{rule:?}");
            assert_eq!(listed, rule.info().class == VmxClass::MsrList, "{rule:?}");
        }
    }

    #[test]
    fn consequences_map_to_the_architectural_failure() {
        let f = |r: VmxRule| EntryFailure::of(r.info().consequence);
        assert_eq!(f(VmxRule::CtlPinAllowed1), Some(EntryFailure::VmFail(7)));
        assert_eq!(f(VmxRule::HostCr0Fixed0), Some(EntryFailure::VmFail(8)));
        assert_eq!(
            f(VmxRule::GuestCr0Fixed0),
            Some(EntryFailure::InvalidGuestState(0))
        );
        assert_eq!(
            f(VmxRule::GuestPdpte0),
            Some(EntryFailure::InvalidGuestState(2))
        );
        assert_eq!(
            f(VmxRule::GuestIntrNmiSti),
            Some(EntryFailure::InvalidGuestState(3))
        );
        assert_eq!(
            f(VmxRule::GuestLinkAlign),
            Some(EntryFailure::InvalidGuestState(4))
        );
    }

    #[test]
    fn combine_takes_the_earlier_check() {
        use EntryFailure::*;
        let g = Some(InvalidGuestState(0));
        assert_eq!(EntryFailure::combine(0, None), None);
        assert_eq!(EntryFailure::combine(0, g), g);
        assert_eq!(EntryFailure::combine(0, Some(VmFail(8))), Some(VmFail(8)));
        // KVM's control failure comes before nestvirt's host or guest one.
        assert_eq!(EntryFailure::combine(7, Some(VmFail(8))), Some(VmFail(7)));
        assert_eq!(EntryFailure::combine(7, g), Some(VmFail(7)));
        assert_eq!(EntryFailure::combine(8, g), Some(VmFail(8)));
        // nestvirt's control failure comes before KVM's host-state one.
        assert_eq!(EntryFailure::combine(8, Some(VmFail(7))), Some(VmFail(7)));
        assert_eq!(EntryFailure::combine(7, Some(VmFail(7))), Some(VmFail(7)));
        assert_eq!(EntryFailure::combine(8, None), Some(VmFail(8)));
    }
}
