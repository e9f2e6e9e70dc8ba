// SPDX-License-Identifier: GPL-2.0

//! Nested VPID/ASID mapping, the pure model (issue 12, engine part): per
//! vCPU, up to `N` tags L1 chose for its L2s (vmcs12's VPID, vmcb12's
//! ASID) each mapped to a host tag of their own, so that L1 switching
//! between L2s flushes nothing, and every invalidation the architecture
//! defines applied to the host tags it concerns, and only to those.
//!
//! [`TagMap`] is vendor-neutral: it takes [`TagOp`]s and answers with the
//! [`HostFlush`]es the kernel must perform before the L2 runs. [`vmx`] and
//! [`svm`] turn the architecture's operations (INVVPID, INVEPT, VPID off;
//! TLB_CONTROL, INVLPGA) into those ops. Correctness rests on one
//! invariant, which `tests/tags_model.rs` checks against a TLB model on
//! long random sequences and exhaustively for small `N`: a host tag never
//! holds a translation that the architecture would not let the L1 tag
//! mapped to it hold.
//!
//! The kernel runs [`svm::entry`], [`vmx::vm_entry`] and
//! [`vmx::invvpid_decision`] (Documentation/nestvirt/tags.rst).

mod map;
pub mod svm;
pub mod vmx;

pub use map::{Decision, HostFlush, TagMap, TagOp};
