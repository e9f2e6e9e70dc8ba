// SPDX-License-Identifier: GPL-2.0

//! The baseline vmcs12 (64-bit guest and host, EPT, VPID, APICv) passes,
//! and the catalogue keeps its invariants.

use nestvirt_engine::rule::{check_catalogue, Consequence, Rule};
use nestvirt_engine::vmx::{
    all_failures, baseline_caps, baseline_context, baseline_vmcs12, first_failure, Field,
    Validator, VmxClass, VmxRule,
};

#[test]
fn test_baseline_passes() {
    let (vmcs, caps, ctx) = (baseline_vmcs12(), baseline_caps(), baseline_context());
    assert_eq!(all_failures(&vmcs, &caps, &ctx), Default::default());
    assert_eq!(first_failure(&vmcs, &caps, &ctx), None);
    let mut validator = Validator::new();
    assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
    assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
}

/// The incremental validator sees what `write` wrote, forgets on
/// `invalidate`, and validates in full when L1's capabilities change.
#[test]
fn test_validator_follows_writes_invalidation_and_caps() {
    let (caps, ctx) = (baseline_caps(), baseline_context());
    let mut vmcs = baseline_vmcs12();
    let mut validator = Validator::new();
    assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
    validator.write(&mut vmcs, Field::GuestRflags, 0);
    assert_eq!(
        validator.first_failure(&vmcs, &caps, &ctx),
        Some(VmxRule::GuestRflagsFixed1)
    );

    // A change behind the validator's back, then invalidate: full check.
    let mut vmcs = baseline_vmcs12();
    let mut validator = Validator::new();
    assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
    vmcs.set(Field::GuestRflags, 0);
    validator.invalidate();
    assert_eq!(
        validator.first_failure(&vmcs, &caps, &ctx),
        Some(VmxRule::GuestRflagsFixed1)
    );

    // Stricter capabilities with nothing written: a full check fails.
    let vmcs = baseline_vmcs12();
    let mut validator = Validator::new();
    assert_eq!(validator.first_failure(&vmcs, &caps, &ctx), None);
    let mut strict = caps;
    strict.ept_vpid_cap = 0;
    assert_eq!(
        validator.first_failure(&vmcs, &strict, &ctx),
        first_failure(&vmcs, &strict, &ctx)
    );
    assert!(first_failure(&vmcs, &strict, &ctx).is_some());
}

#[test]
fn test_catalogue_is_well_formed() {
    assert_eq!(check_catalogue::<VmxRule>(), Ok(()));
    const { assert!(VmxRule::COUNT >= 230) };
}

#[test]
fn test_consequence_matches_class() {
    for rule in VmxRule::ALL {
        let info = rule.info();
        let ok = match info.class {
            VmxClass::Controls => info.consequence == Consequence::VmFailValid(7),
            VmxClass::HostState => info.consequence == Consequence::VmFailValid(8),
            VmxClass::GuestState => matches!(
                info.consequence,
                Consequence::InvalidGuestState(0 | 2 | 3 | 4)
            ),
            VmxClass::MsrList => matches!(
                info.consequence,
                Consequence::MsrLoadFail | Consequence::VmxAbort(2 | 4)
            ),
            // A hardening rule keeps the consequence of the check it
            // tightens: KVM's policy fails the entry the way the SDM fails
            // that kind of field.
            VmxClass::Hardening => !matches!(info.consequence, Consequence::VmexitInvalid),
        };
        assert!(
            ok,
            "{}: {:?} with {:?}",
            info.id, info.class, info.consequence
        );
        let prefix = match info.class {
            VmxClass::Controls => "VMX-CTL-",
            VmxClass::HostState => "VMX-HOST-",
            VmxClass::GuestState => "VMX-GUEST-",
            VmxClass::MsrList => "VMX-MSR-",
            VmxClass::Hardening => "VMX-",
        };
        assert!(info.id.starts_with(prefix), "{}", info.id);
    }
}
