// SPDX-License-Identifier: GPL-2.0

//! Fuzzes the state container decoder and the KVM nested-state checks
//! (what NESTVIRT_SET_STATE and `nestvirtctl state` read from untrusted
//! migration streams): whatever the bytes, a verdict and no panic. The
//! input is tried as it is and with its checksum field recomputed, so that
//! mutations reach the checks behind the CRC, and the catalogue runs on the
//! guest state of every container that parses. A container that parses is
//! re-encoded from its sections and must come out byte for byte the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nestvirt_engine::rule::{ClassModes, Mode};
use nestvirt_engine::state::{
    check_container, crc32c, encode, Container, KvmNestedState, NewSection, Vendor,
};
use nestvirt_engine::svm::SvmClass;
use nestvirt_engine::vmx::VmxClass;

fuzz_target!(|data: &[u8]| {
    for vendor in [Vendor::Svm, Vendor::Vmx] {
        let _ = KvmNestedState::parse(data, vendor);
    }
    check(data);
    if data.len() >= 28 {
        let mut sealed = data.to_vec();
        sealed[24..28].fill(0);
        let crc = crc32c::crc32c(&sealed);
        sealed[24..28].copy_from_slice(&crc.to_le_bytes());
        check(&sealed);
    }
});

fn check(data: &[u8]) {
    let Ok(c) = Container::parse(data, None) else {
        return;
    };
    let _ = KvmNestedState::parse(c.kvm_state, c.vendor);
    // The whole catalogue on whatever guest state the container holds.
    let classes = match c.vendor {
        Vendor::Svm => SvmClass::ALL.len(),
        Vendor::Vmx => VmxClass::ALL.len(),
    };
    let _ = check_container(&c, ClassModes::uniform(Mode::Enforce, classes));
    let mut sections = Vec::new();
    for s in c.sections() {
        let s = s.expect("a parsed container's sections parse");
        sections.push(NewSection { kind: s.kind, flags: s.flags, payload: s.payload });
    }
    let mut out = vec![0u8; data.len()];
    let n = encode(&mut out, c.vendor, &sections).expect("the same sections fit again");
    assert_eq!(&out[..n], data, "re-encoding a container changes it");
}
