// SPDX-License-Identifier: GPL-2.0
//! Placeholder until the svm catalogue lands.
fn main() {}
