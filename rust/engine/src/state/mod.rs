// SPDX-License-Identifier: GPL-2.0

//! Migration state: the container nestvirt's `NESTVIRT_GET_STATE` writes
//! and `NESTVIRT_SET_STATE` reads (and nestvirtctl dumps), and the checks
//! of the KVM nested state inside it. A container from another host is
//! untrusted input: [`Container::parse`] and [`KvmNestedState::parse`]
//! refuse anything malformed with a [`StateError`] and never panic.
//! Documentation/nestvirt/state-format.rst is the byte-level
//! specification.

pub mod check;
pub mod container;
pub mod crc32c;
pub mod error;
pub mod kvm;

pub use check::{check_container, check_state, Checked, SvmL1};
pub use container::{
    encode, encode_around_first, encode_with, encoded_size, Container, Crc32cUpdate, InPlace,
    NewSection, Section, SectionType, Vendor,
};
pub use error::StateError;
pub use kvm::{KvmHeader, KvmNestedState};
