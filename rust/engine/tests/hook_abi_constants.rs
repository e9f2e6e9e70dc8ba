// SPDX-License-Identifier: GPL-2.0

//! The hook ABI's constants exist twice: `#define`s in
//! include/nestvirt/hooks.h (the vendor modules' glue) and `const`s in
//! rust/hooks_abi.rs (nestvirt.ko). The struct layouts are asserted at
//! compile time on both sides; these numbers are not, so a change on one
//! side only (a memo size, an entry source, the ABI version) would build
//! and misbehave. Every constant of hooks_abi.rs must be defined in
//! hooks.h with the same value.

use std::collections::BTreeMap;

fn read(rel: &str) -> String {
    let path = format!("{}/../../{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A C or Rust integer expression of the forms the two files use: a
/// literal, or `A << B`.
fn value(expr: &str) -> Option<u64> {
    let expr = expr.trim().trim_end_matches(';').trim();
    let expr = expr.trim_start_matches('(').trim_end_matches(')');
    if let Some((a, b)) = expr.split_once("<<") {
        return Some(value(a)? << value(b)?);
    }
    let lit = expr.trim_end_matches(['u', 'U', 'l', 'L']);
    lit.strip_prefix("0x")
        .map_or_else(|| lit.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
}

fn c_defines(src: &str) -> BTreeMap<String, u64> {
    src.lines()
        .filter_map(|l| l.strip_prefix("#define "))
        .filter_map(|l| {
            let mut it = l.splitn(2, char::is_whitespace);
            let name = it.next()?;
            let rest = it.next()?.split("/*").next()?;
            Some((name.to_string(), value(rest)?))
        })
        .collect()
}

fn rust_consts(src: &str) -> BTreeMap<String, u64> {
    src.lines()
        .filter_map(|l| l.trim().strip_prefix("pub(crate) const "))
        .filter_map(|l| {
            let (name, rest) = l.split_once(':')?;
            let (_, expr) = rest.split_once('=')?;
            Some((name.trim().to_string(), value(expr)?))
        })
        .collect()
}

#[test]
fn hooks_abi_rs_agrees_with_hooks_h() {
    let c = c_defines(&read("include/nestvirt/hooks.h"));
    let rust = rust_consts(&read("rust/hooks_abi.rs"));
    assert!(rust.len() >= 10, "found only {rust:?} in hooks_abi.rs");
    for (name, v) in &rust {
        assert_eq!(
            c.get(name),
            Some(v),
            "{name}: hooks_abi.rs says {v}, hooks.h {:?}",
            c.get(name)
        );
    }
    // The one the last review named: the per-vCPU memo scratch.
    assert_eq!(rust.get("NESTVIRT_VMX_MEMO_BYTES"), Some(&1536));
}

#[test]
fn the_parsers_read_what_the_files_write() {
    assert_eq!(value("1 << 0;"), Some(1));
    assert_eq!(value("0x10"), Some(16));
    assert_eq!(value("5"), Some(5));
    assert_eq!(value("crate::engine::vmx::VmxCaps::MSR_COUNT"), None);
    let c = c_defines("#define NESTVIRT_A\t\t3\t/* three */\n#define NESTVIRT_B (1U << 4)\n");
    assert_eq!(c.get("NESTVIRT_A"), Some(&3));
    assert_eq!(c.get("NESTVIRT_B"), Some(&16));
}
