// SPDX-License-Identifier: GPL-2.0

//! The checks of MSR fields shared by host and guest state: IA32_S_CET,
//! and IA32_PERF_GLOBAL_CTRL, IA32_PAT and IA32_EFER when loaded.

use core::ops::ControlFlow;

use super::bits::cet;
use super::bits::efer;
use super::env::pat_valid;
use super::env::Env;
use super::rules::VmxRule as R;
use crate::engine::rule::{cc, Verdicts};

/// The rules of one IA32_S_CET field.
pub(crate) struct CetRules {
    /// Reserved bits, or bits of a CET feature L1 lacks, are set.
    pub reserved: R,
    /// SUPPRESS and TRACKER are both set.
    pub tracker: R,
}

/// Checks an IA32_S_CET field: bits 9:6 and the bits of CET features L1
/// lacks must be 0, and SUPPRESS excludes TRACKER (WAIT_FOR_ENDBRANCH).
pub(crate) fn check_cet_control(
    e: &Env<'_>,
    v: &mut impl Verdicts<R>,
    value: u64,
    rules: &CetRules,
) -> ControlFlow<()> {
    let features = e.ctx.features;
    let mut reserved = cet::RESERVED;
    if !features.shstk {
        reserved |= cet::SHSTK_BITS;
    }
    if !features.ibt {
        reserved |= cet::IBT_BITS;
    }
    cc!(v, rules.reserved, value & reserved != 0);
    let both = cet::SUPPRESS | cet::WAIT_ENDBR;
    cc!(v, rules.tracker, value & both == both);
    ControlFlow::Continue(())
}

/// The MSR fields a VM entry or VM exit loads: `Some` when its "load"
/// control is 1.
pub(crate) struct LoadedMsrs {
    pub perf_global_ctrl: Option<u64>,
    pub pat: Option<u64>,
    pub efer: Option<u64>,
}

/// The rules of one set of loaded MSR fields, in check order.
pub(crate) struct LoadedMsrRules {
    pub perf_global_ctrl: R,
    pub pat: R,
    pub efer_reserved: R,
    pub efer_lma: R,
}

/// Checks loaded IA32_PERF_GLOBAL_CTRL, IA32_PAT and IA32_EFER fields:
/// reserved bits, PAT memory types, and EFER.LMA equal to `long_mode`
/// (the "host address-space size" or "IA-32e mode guest" control).
pub(crate) fn check_loaded_msrs(
    e: &Env<'_>,
    v: &mut impl Verdicts<R>,
    msrs: &LoadedMsrs,
    long_mode: bool,
    rules: &LoadedMsrRules,
) -> ControlFlow<()> {
    let allowed = e.ctx.perf_global_ctrl_allowed;
    let perf_reserved = msrs.perf_global_ctrl.is_some_and(|p| p & !allowed != 0);
    cc!(v, rules.perf_global_ctrl, perf_reserved);
    cc!(v, rules.pat, msrs.pat.is_some_and(|p| !pat_valid(p)));
    if let Some(value) = msrs.efer {
        cc!(v, rules.efer_reserved, value & !e.ctx.efer_allowed != 0);
        cc!(v, rules.efer_lma, (value & efer::LMA != 0) != long_mode);
    }
    ControlFlow::Continue(())
}
