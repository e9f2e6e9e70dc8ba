// SPDX-License-Identifier: GPL-2.0

//! nestvirt's engine: pure nested-virtualization logic.
//!
//! `core` only: no allocation, no kernel types, no `unsafe`. Every input
//! (a vmcs12 page, a vmcb12, a capability MSR, a state blob) may be hostile,
//! so every function here returns a verdict and never panics.

pub mod apic;
pub mod bytes;
pub mod rule;
pub mod state;
pub mod svm;
pub mod tags;
pub mod vmx;
