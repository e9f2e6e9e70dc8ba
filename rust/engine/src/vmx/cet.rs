// SPDX-License-Identifier: GPL-2.0

//! The IA32_S_CET value checks shared by host and guest state.

use core::ops::ControlFlow;

use super::bits::cet;
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
