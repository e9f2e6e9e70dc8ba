// SPDX-License-Identifier: GPL-2.0

//! Holds the vmcs12 field table against the kernel source: the offsets
//! against `CHECK_OFFSET()` and the member types in
//! `arch/x86/kvm/vmx/vmcs12.h`, the field list against `vmcs12.c`'s
//! `FIELD()`/`FIELD64()` table, the encodings against `enum vmcs_field` in
//! `arch/x86/include/asm/vmx.h`. The layout is the ABI of
//! `KVM_GET_NESTED_STATE`: any drift fails here.
//!
//! The source tree is `$KSRC`, by default `/var/cache/nestvirt/linux-7.3`.
//! Without it the tests fail: a skipped layout check is no check.

use std::collections::BTreeMap;
use std::path::PathBuf;

use nestvirt_engine::vmx::{Component, Field, Group, Vmcs12, Width, NON_FIELD_MEMBERS};

fn ksrc_file(rel: &str) -> String {
    let root = std::env::var_os("KSRC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/cache/nestvirt/linux-7.3"));
    let path = root.join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; set KSRC to a Linux 7.3 source tree to check the vmcs12 layout",
            path.display()
        )
    })
}

/// The arguments of every `NAME(a, b)` call in `text`.
fn calls<'a>(text: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let pat = format!("{name}(");
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(pat.as_str()))
        .filter_map(|rest| rest.split_once(')'))
        .filter_map(|(args, _)| args.split_once(','))
        .map(|(a, b)| (a.trim(), b.trim()))
        .collect()
}

fn parse_number(s: &str) -> u64 {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
        None => s.parse().unwrap(),
    }
}

#[test]
fn test_offsets_match_check_offset() {
    let header = ksrc_file("arch/x86/kvm/vmx/vmcs12.h");
    let checks: BTreeMap<&str, u64> = calls(&header, "CHECK_OFFSET")
        .into_iter()
        .map(|(member, off)| (member, parse_number(off)))
        .collect();
    assert!(
        checks.len() > 150,
        "only {} CHECK_OFFSET lines",
        checks.len()
    );
    let mut ours: BTreeMap<&str, u64> = Field::ALL
        .iter()
        .map(|f| (f.member(), u64::from(f.offset())))
        .collect();
    for (member, off) in NON_FIELD_MEMBERS {
        ours.insert(member, u64::from(*off));
    }
    assert_eq!(
        ours.len(),
        Field::ALL.len() + NON_FIELD_MEMBERS.len(),
        "duplicate members"
    );
    assert_eq!(ours, checks);
}

#[test]
fn test_member_types_match_widths() {
    let header = ksrc_file("arch/x86/kvm/vmx/vmcs12.h");
    let start = header
        .find("struct __packed vmcs12 {")
        .expect("struct vmcs12");
    let end = start + header[start..].find("\n};").expect("end of struct vmcs12");
    let mut types = BTreeMap::new();
    for line in header[start..end].lines().skip(1) {
        let decl = line.split(';').next().unwrap_or("").trim();
        if let Some((ty, name)) = decl.rsplit_once(' ') {
            types.insert(name.trim(), ty.trim());
        }
    }
    for f in Field::ALL {
        let expected = match f.width() {
            Width::U16 => "u16",
            Width::U32 => "u32",
            Width::U64 => "u64",
            Width::Natural => "natural_width",
        };
        assert_eq!(types.get(f.member()), Some(&expected), "{}", f.member());
    }
}

#[test]
fn test_field_list_matches_vmcs12_c() {
    let source = ksrc_file("arch/x86/kvm/vmx/vmcs12.c");
    let mut theirs: Vec<(String, String, bool)> = calls(&source, "FIELD")
        .into_iter()
        .map(|(enc, member)| (enc.to_string(), member.to_string(), false))
        .collect();
    theirs.extend(
        calls(&source, "FIELD64")
            .into_iter()
            .map(|(enc, member)| (enc.to_string(), member.to_string(), true)),
    );
    // The two macro definitions themselves.
    theirs.retain(|(enc, _, _)| enc != "number");
    theirs.sort();
    let mut ours: Vec<(String, String, bool)> = Field::ALL
        .iter()
        .map(|f| {
            (
                f.name().to_string(),
                f.member().to_string(),
                f.width() == Width::U64,
            )
        })
        .collect();
    ours.sort();
    assert_eq!(ours, theirs);
}

#[test]
fn test_encodings_match_vmx_h() {
    let header = ksrc_file("arch/x86/include/asm/vmx.h");
    let start = header.find("enum vmcs_field {").expect("enum vmcs_field");
    let end = start + header[start..].find("};").expect("end of enum vmcs_field");
    let encodings: BTreeMap<&str, u64> = header[start..end]
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(name, value)| {
            (
                name.trim(),
                parse_number(value.trim().trim_end_matches(',')),
            )
        })
        .collect();
    for f in Field::ALL {
        assert_eq!(
            encodings.get(f.name()),
            Some(&u64::from(f.encoding())),
            "{}",
            f.name()
        );
        if f.width() == Width::U64 {
            let high = format!("{}_HIGH", f.name());
            assert_eq!(
                encodings.get(high.as_str()),
                Some(&(u64::from(f.encoding()) | 1)),
                "{high}"
            );
        }
    }
}

#[test]
fn test_revision_matches_vmcs12_h() {
    let header = ksrc_file("arch/x86/kvm/vmx/vmcs12.h");
    let line = header
        .lines()
        .find(|l| l.starts_with("#define VMCS12_REVISION"))
        .expect("VMCS12_REVISION");
    let value = parse_number(line.split_whitespace().nth(2).unwrap());
    assert_eq!(
        value,
        u64::from(nestvirt_engine::vmx::bits::VMCS12_REVISION)
    );
}

#[test]
fn test_fields_do_not_overlap() {
    let mut spans: Vec<(usize, usize, &str)> = Field::ALL
        .iter()
        .map(|f| {
            let off = usize::from(f.offset());
            (off, off + f.width().bytes(), f.member())
        })
        .collect();
    spans.sort();
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "{} overlaps {}",
            pair[0].2,
            pair[1].2
        );
    }
    assert!(spans.last().unwrap().1 <= Vmcs12::SIZE);
}

#[test]
fn test_encodings_are_unique_and_decode() {
    for (i, f) in Field::ALL.iter().enumerate() {
        assert!(Field::ALL[..i].iter().all(|o| o.encoding() != f.encoding()));
        assert_eq!(Field::from_encoding(f.encoding()), Some(*f));
        let c = Component::decode(f.encoding().into()).unwrap();
        assert_eq!((c.field, c.high), (*f, false));
        let high = Component::decode((f.encoding() | 1).into());
        assert_eq!(high.is_ok(), f.width() == Width::U64, "{}", f.name());
        let expected_group = match f.name() {
            n if n.starts_with("HOST_") => Group::Host,
            n if n.starts_with("GUEST_PHYSICAL") || n.starts_with("GUEST_LINEAR") => {
                Group::ReadOnly
            }
            n if n.starts_with("GUEST_") || n == "VMCS_LINK_POINTER" => Group::Guest,
            _ => f.group(),
        };
        assert_eq!(f.group(), expected_group, "{}", f.name());
    }
}

#[test]
fn test_vmread_vmwrite_width_rules() {
    let mut v = Vmcs12::zeroed();
    // A 16-bit field keeps the low 16 bits.
    assert_eq!(
        v.write(0x0000, 0x1234_5678, false),
        Ok(Field::VirtualProcessorId)
    );
    assert_eq!(v.read(0x0000), Ok(0x5678));
    // A 64-bit field: full, then high access.
    v.write(0x201a, 0x1111_2222_3333_4444, false).unwrap();
    assert_eq!(v.read(0x201b), Ok(0x1111_2222));
    v.write(0x201b, 0xaaaa_bbbb_cccc_dddd, false).unwrap();
    assert_eq!(v.read(0x201a), Ok(0xcccc_dddd_3333_4444));
    assert_eq!(v.ept_pointer(), 0xcccc_dddd_3333_4444);
    // A 32-bit field truncates.
    v.write(0x4002, u64::MAX, false).unwrap();
    assert_eq!(v.cpu_based_vm_exec_control(), u32::MAX);
    assert_eq!(v.read(0x4002), Ok(0xffff_ffff));
    // Natural width keeps 64 bits.
    v.write(0x681e, u64::MAX, false).unwrap();
    assert_eq!(v.guest_rip(), u64::MAX);
    // Read-only fields need IA32_VMX_MISC[29].
    assert_eq!(
        v.write(0x4402, 1, false)
            .unwrap_err()
            .vm_instruction_error(),
        13
    );
    assert_eq!(v.write(0x4402, 1, true), Ok(Field::VmExitReason));
    // Unknown encodings, high access to non-64-bit fields, bits 63:15.
    for enc in [
        0x6008,
        0x0001,
        0x4003,
        0x681f,
        0x1_0000_0000 | 0x681e,
        0x8000,
        0x202a,
    ] {
        assert_eq!(
            v.read(enc).unwrap_err().vm_instruction_error(),
            12,
            "{enc:#x}"
        );
    }
}
