// SPDX-License-Identifier: GPL-2.0
//! Placeholder until the vmx catalogue lands.
fn main() {}
