// SPDX-License-Identifier: GPL-2.0

//! The evaluation API: validate a vmcs12 snapshot against L1's
//! capabilities, in full or incrementally.

use core::ops::ControlFlow;

use super::caps::VmxCaps;
use super::caps::VmxContext;
use super::check_controls::check_entry;
use super::check_controls::check_execution;
use super::check_controls::check_exit;
use super::check_guest::check_guest_non_reg;
use super::check_guest::check_guest_pdptes;
use super::check_guest::check_guest_regs;
use super::check_guest::check_guest_rip;
use super::check_guest_seg::check_guest_segments;
use super::check_host::check_host;
use super::env::Env;
use super::fields::dirty;
use super::fields::Field;
use super::rules::VmxRule;
use super::vmcs12::Vmcs12;
use crate::engine::rule::{FirstFailure, RuleSet, Verdicts};

/// One group of checks, and the field groups it reads.
struct Unit<V> {
    reads: u16,
    check: fn(&Env<'_>, &mut V) -> ControlFlow<()>,
}

impl<V: Verdicts<VmxRule>> Unit<V> {
    /// Every group of checks, in the SDM's (and the catalogue's) order.
    const ALL: [Self; 9] = [
        Self {
            reads: dirty::EXEC_CTL | dirty::EXEC | dirty::EXIT | dirty::ENTRY_CTL,
            check: check_execution,
        },
        Self {
            reads: dirty::EXEC_CTL | dirty::EXIT,
            check: check_exit,
        },
        Self {
            reads: dirty::ENTRY_CTL
                | dirty::ENTRY_MSR
                | dirty::EVENT
                | dirty::EXEC_CTL
                | dirty::GUEST_REG,
            check: check_entry,
        },
        Self {
            reads: dirty::HOST | dirty::EXIT | dirty::ENTRY_CTL,
            check: check_host,
        },
        Self {
            reads: dirty::GUEST_REG | dirty::ENTRY_CTL | dirty::EXEC_CTL,
            check: check_guest_regs,
        },
        Self {
            reads: dirty::GUEST_SEG
                | dirty::GUEST_RFLAGS
                | dirty::GUEST_REG
                | dirty::ENTRY_CTL
                | dirty::EXEC_CTL,
            check: check_guest_segments,
        },
        Self {
            reads: dirty::GUEST_RIP
                | dirty::GUEST_RFLAGS
                | dirty::GUEST_SEG
                | dirty::GUEST_REG
                | dirty::ENTRY_CTL
                | dirty::EVENT,
            check: check_guest_rip,
        },
        Self {
            reads: dirty::GUEST_NONREG
                | dirty::GUEST_SEG
                | dirty::GUEST_RFLAGS
                | dirty::GUEST_REG
                | dirty::ENTRY_CTL
                | dirty::EXEC_CTL
                | dirty::EVENT,
            check: check_guest_non_reg,
        },
        Self {
            reads: dirty::GUEST_PDPTE | dirty::GUEST_REG | dirty::ENTRY_CTL | dirty::EXEC_CTL,
            check: check_guest_pdptes,
        },
    ];
}

/// Runs the groups of checks that read a field group in `mask`.
fn run<V: Verdicts<VmxRule>>(env: &Env<'_>, v: &mut V, mask: u16) -> ControlFlow<()> {
    for unit in Unit::<V>::ALL.iter() {
        if unit.reads & mask != 0 {
            (unit.check)(env, v)?;
        }
    }
    ControlFlow::Continue(())
}

/// Validates `vmcs` as a VM entry from L1 would: every failing rule goes to
/// `v`, in the SDM's order, until `v` breaks.
///
/// With [`FirstFailure`] this is the hardware's verdict; with [`RuleSet`]
/// it is every failure, for audit. Checks of the MSR-list entries are
/// separate ([`super::check_msr_list()`]): the lists live in L1 memory.
pub fn validate(
    vmcs: &Vmcs12,
    caps: &VmxCaps,
    ctx: &VmxContext,
    v: &mut impl Verdicts<VmxRule>,
) -> ControlFlow<()> {
    run(&Env { vmcs, caps, ctx }, v, dirty::ALL)
}

/// The first failing rule, or `None` if the VM entry passes every check.
pub fn first_failure(vmcs: &Vmcs12, caps: &VmxCaps, ctx: &VmxContext) -> Option<VmxRule> {
    let mut first = FirstFailure::default();
    let _ = validate(vmcs, caps, ctx, &mut first);
    first.0
}

/// Every failing rule.
pub fn all_failures(vmcs: &Vmcs12, caps: &VmxCaps, ctx: &VmxContext) -> RuleSet<VmxRule> {
    let mut all = RuleSet::new();
    let _ = validate(vmcs, caps, ctx, &mut all);
    all
}

/// Forwards verdicts and remembers whether any rule failed.
struct Tracking<'a, V> {
    inner: &'a mut V,
    failed: bool,
}

impl<V: Verdicts<VmxRule>> Verdicts<VmxRule> for Tracking<'_, V> {
    fn failed(&mut self, rule: VmxRule) -> ControlFlow<()> {
        self.failed = true;
        self.inner.failed(rule)
    }
}

/// The inputs of the last validation that passed.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Passed {
    caps: VmxCaps,
    ctx: VmxContext,
}

/// Incremental validation of one vmcs12.
///
/// After a validation that passed, only the checks that read a field
/// written since are re-run; the verdict equals a full validation's. Every
/// write to the snapshot must go through [`Validator::write()`] or be
/// reported with [`Validator::mark_dirty()`]; a change of the capability
/// MSRs or the context makes the next validation a full one.
#[derive(Clone, Default)]
pub struct Validator {
    passed: Option<Passed>,
    dirty: u16,
}

impl Validator {
    /// A validator whose first validation is a full one.
    pub const fn new() -> Self {
        Self {
            passed: None,
            dirty: dirty::ALL,
        }
    }

    /// Writes `value` to `field` of `vmcs` and records the change.
    pub fn write(&mut self, vmcs: &mut Vmcs12, field: Field, value: u64) {
        vmcs.set(field, value);
        self.mark_dirty(field);
    }

    /// Records that `field` changed.
    pub fn mark_dirty(&mut self, field: Field) {
        self.dirty |= field.dirty();
    }

    /// Records that fields of the groups in `groups` (a mask of
    /// `Field::dirty()` bits) changed.
    pub(crate) fn mark_dirty_groups(&mut self, groups: u16) {
        self.dirty |= groups;
    }

    /// Makes the next validation a full one.
    pub fn invalidate(&mut self) {
        self.passed = None;
        self.dirty = dirty::ALL;
    }

    /// Validates `vmcs`, re-running only the checks that read fields
    /// changed since the last validation that passed.
    pub fn validate(
        &mut self,
        vmcs: &Vmcs12,
        caps: &VmxCaps,
        ctx: &VmxContext,
        v: &mut impl Verdicts<VmxRule>,
    ) -> ControlFlow<()> {
        let same_inputs = self
            .passed
            .as_ref()
            .is_some_and(|p| p.caps == *caps && p.ctx == *ctx);
        let mask = if same_inputs { self.dirty } else { dirty::ALL };
        let mut tracking = Tracking {
            inner: v,
            failed: false,
        };
        let flow = run(&Env { vmcs, caps, ctx }, &mut tracking, mask);
        if tracking.failed {
            self.passed = None;
            self.dirty = dirty::ALL;
        } else {
            self.passed = Some(Passed {
                caps: *caps,
                ctx: *ctx,
            });
            self.dirty = 0;
        }
        flow
    }

    /// The first failing rule, incrementally.
    pub fn first_failure(
        &mut self,
        vmcs: &Vmcs12,
        caps: &VmxCaps,
        ctx: &VmxContext,
    ) -> Option<VmxRule> {
        let mut first = FirstFailure::default();
        let _ = self.validate(vmcs, caps, ctx, &mut first);
        first.0
    }
}
