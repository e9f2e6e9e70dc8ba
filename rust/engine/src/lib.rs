// SPDX-License-Identifier: GPL-2.0

//! Host build of nestvirt's engine.
//!
//! The engine is built twice: as this `no_std` crate (for `cargo test`,
//! benchmarks and fuzzing) and as the module `engine` inside `nestvirt.ko`,
//! whose crate root includes `engine.rs` with the same `#[path]`. Engine code
//! therefore names its own items as `crate::engine::...` (or `super::...`),
//! which resolves identically in both builds.

#![no_std]
#![forbid(unsafe_code)]

#[path = "engine.rs"]
pub mod engine;

pub use engine::*;
