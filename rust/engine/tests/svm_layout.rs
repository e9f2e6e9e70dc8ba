// SPDX-License-Identifier: GPL-2.0

//! The VMCB layout tables against the kernel's `struct vmcb_control_area`,
//! `struct vmcb_save_area` and `struct vmcb_seg`.
//!
//! `EXPECTED` was generated from Linux 7.3.4's `arch/x86/include/asm/svm.h`
//! with the parser below (`NESTVIRT_PRINT_LAYOUT=1 cargo test --test
//! svm_layout -- --nocapture` prints it again). The engine's tables must
//! equal it, and so must the header of the kernel source (`$KSRC`, default
//! `/var/cache/nestvirt/linux-7.3`; without it the tests fail): a layout
//! drift on either side fails a test.

use nestvirt_engine::svm::layout::{self, control, save, seg, Field};
use std::collections::HashMap;

/// (struct, member, offset, size), in declaration order.
type Row = (&'static str, &'static str, usize, usize);

const EXPECTED: &[Row] = &[
    ("vmcb_control_area", "intercepts", 0x000, 24),
    ("vmcb_control_area", "reserved_1", 0x018, 36),
    ("vmcb_control_area", "pause_filter_thresh", 0x03c, 2),
    ("vmcb_control_area", "pause_filter_count", 0x03e, 2),
    ("vmcb_control_area", "iopm_base_pa", 0x040, 8),
    ("vmcb_control_area", "msrpm_base_pa", 0x048, 8),
    ("vmcb_control_area", "tsc_offset", 0x050, 8),
    ("vmcb_control_area", "asid", 0x058, 4),
    ("vmcb_control_area", "tlb_ctl", 0x05c, 1),
    ("vmcb_control_area", "erap_ctl", 0x05d, 1),
    ("vmcb_control_area", "reserved_2", 0x05e, 2),
    ("vmcb_control_area", "int_ctl", 0x060, 4),
    ("vmcb_control_area", "int_vector", 0x064, 4),
    ("vmcb_control_area", "int_state", 0x068, 4),
    ("vmcb_control_area", "reserved_3", 0x06c, 4),
    ("vmcb_control_area", "exit_code", 0x070, 8),
    ("vmcb_control_area", "exit_info_1", 0x078, 8),
    ("vmcb_control_area", "exit_info_2", 0x080, 8),
    ("vmcb_control_area", "exit_int_info", 0x088, 4),
    ("vmcb_control_area", "exit_int_info_err", 0x08c, 4),
    ("vmcb_control_area", "misc_ctl", 0x090, 8),
    ("vmcb_control_area", "avic_vapic_bar", 0x098, 8),
    ("vmcb_control_area", "ghcb_gpa", 0x0a0, 8),
    ("vmcb_control_area", "event_inj", 0x0a8, 4),
    ("vmcb_control_area", "event_inj_err", 0x0ac, 4),
    ("vmcb_control_area", "nested_cr3", 0x0b0, 8),
    ("vmcb_control_area", "misc_ctl2", 0x0b8, 8),
    ("vmcb_control_area", "clean", 0x0c0, 4),
    ("vmcb_control_area", "reserved_5", 0x0c4, 4),
    ("vmcb_control_area", "next_rip", 0x0c8, 8),
    ("vmcb_control_area", "insn_len", 0x0d0, 1),
    ("vmcb_control_area", "insn_bytes", 0x0d1, 15),
    ("vmcb_control_area", "avic_backing_page", 0x0e0, 8),
    ("vmcb_control_area", "reserved_6", 0x0e8, 8),
    ("vmcb_control_area", "avic_logical_id", 0x0f0, 8),
    ("vmcb_control_area", "avic_physical_id", 0x0f8, 8),
    ("vmcb_control_area", "reserved_7", 0x100, 8),
    ("vmcb_control_area", "vmsa_pa", 0x108, 8),
    ("vmcb_control_area", "reserved_8", 0x110, 16),
    ("vmcb_control_area", "bus_lock_counter", 0x120, 2),
    ("vmcb_control_area", "reserved_9", 0x122, 22),
    ("vmcb_control_area", "allowed_sev_features", 0x138, 8),
    ("vmcb_control_area", "guest_sev_features", 0x140, 8),
    ("vmcb_control_area", "reserved_10", 0x148, 664),
    ("vmcb_control_area", "reserved_sw", 0x3e0, 32),
    ("vmcb_save_area", "es", 0x000, 16),
    ("vmcb_save_area", "cs", 0x010, 16),
    ("vmcb_save_area", "ss", 0x020, 16),
    ("vmcb_save_area", "ds", 0x030, 16),
    ("vmcb_save_area", "fs", 0x040, 16),
    ("vmcb_save_area", "gs", 0x050, 16),
    ("vmcb_save_area", "gdtr", 0x060, 16),
    ("vmcb_save_area", "ldtr", 0x070, 16),
    ("vmcb_save_area", "idtr", 0x080, 16),
    ("vmcb_save_area", "tr", 0x090, 16),
    ("vmcb_save_area", "reserved_0xa0", 0x0a0, 42),
    ("vmcb_save_area", "vmpl", 0x0ca, 1),
    ("vmcb_save_area", "cpl", 0x0cb, 1),
    ("vmcb_save_area", "reserved_0xcc", 0x0cc, 4),
    ("vmcb_save_area", "efer", 0x0d0, 8),
    ("vmcb_save_area", "reserved_0xd8", 0x0d8, 112),
    ("vmcb_save_area", "cr4", 0x148, 8),
    ("vmcb_save_area", "cr3", 0x150, 8),
    ("vmcb_save_area", "cr0", 0x158, 8),
    ("vmcb_save_area", "dr7", 0x160, 8),
    ("vmcb_save_area", "dr6", 0x168, 8),
    ("vmcb_save_area", "rflags", 0x170, 8),
    ("vmcb_save_area", "rip", 0x178, 8),
    ("vmcb_save_area", "reserved_0x180", 0x180, 88),
    ("vmcb_save_area", "rsp", 0x1d8, 8),
    ("vmcb_save_area", "s_cet", 0x1e0, 8),
    ("vmcb_save_area", "ssp", 0x1e8, 8),
    ("vmcb_save_area", "isst_addr", 0x1f0, 8),
    ("vmcb_save_area", "rax", 0x1f8, 8),
    ("vmcb_save_area", "star", 0x200, 8),
    ("vmcb_save_area", "lstar", 0x208, 8),
    ("vmcb_save_area", "cstar", 0x210, 8),
    ("vmcb_save_area", "sfmask", 0x218, 8),
    ("vmcb_save_area", "kernel_gs_base", 0x220, 8),
    ("vmcb_save_area", "sysenter_cs", 0x228, 8),
    ("vmcb_save_area", "sysenter_esp", 0x230, 8),
    ("vmcb_save_area", "sysenter_eip", 0x238, 8),
    ("vmcb_save_area", "cr2", 0x240, 8),
    ("vmcb_save_area", "reserved_0x248", 0x248, 32),
    ("vmcb_save_area", "g_pat", 0x268, 8),
    ("vmcb_save_area", "dbgctl", 0x270, 8),
    ("vmcb_save_area", "br_from", 0x278, 8),
    ("vmcb_save_area", "br_to", 0x280, 8),
    ("vmcb_save_area", "last_excp_from", 0x288, 8),
    ("vmcb_save_area", "last_excp_to", 0x290, 8),
    ("vmcb_save_area", "reserved_0x298", 0x298, 72),
    ("vmcb_save_area", "spec_ctrl", 0x2e0, 8),
    ("vmcb_seg", "selector", 0x0, 2),
    ("vmcb_seg", "attrib", 0x2, 2),
    ("vmcb_seg", "limit", 0x4, 4),
    ("vmcb_seg", "base", 0x8, 8),
];

/// The structs compared, with the engine's table for each.
const STRUCTS: &[(&str, &[Field])] = &[
    ("vmcb_control_area", control::FIELDS),
    ("vmcb_save_area", save::FIELDS),
    ("vmcb_seg", seg::FIELDS),
];

fn engine_rows() -> Vec<(String, String, usize, usize)> {
    STRUCTS
        .iter()
        .flat_map(|(s, fields)| {
            fields
                .iter()
                .map(move |f| (s.to_string(), f.name.to_string(), f.offset, f.size))
        })
        .collect()
}

fn expected_rows() -> Vec<(String, String, usize, usize)> {
    EXPECTED
        .iter()
        .map(|&(s, n, o, z)| (s.to_string(), n.to_string(), o, z))
        .collect()
}

/// A tiny parser for the packed structs of `asm/svm.h`: members of type
/// u8/u16/u32/u64 or `struct <parsed>`, arrays with constant dimensions
/// (integers, `+ - *`, enum constants), and anonymous unions whose size is
/// their largest member of known type.
mod header {
    use std::collections::HashMap;

    fn strip_comments(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("/*") {
                rest = r.find("*/").map_or("", |i| &r[i + 2..]);
                out.push(' ');
            } else if let Some(r) = rest.strip_prefix("//") {
                rest = r.find('\n').map_or("", |i| &r[i..]);
            } else {
                let c = rest.chars().next().unwrap();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        out
    }

    /// The body of `struct <name> ... { ... }`.
    fn body<'a>(src: &'a str, name: &str) -> Option<&'a str> {
        let mut from = 0;
        while let Some(i) = src[from..].find("struct ") {
            let at = from + i;
            let head_end = at + src[at..].find(['{', ';'])?;
            let head = &src[at..head_end];
            from = at + 7;
            let is_def =
                src[head_end..].starts_with('{') && head.split_whitespace().last() == Some(name);
            if !is_def {
                continue;
            }
            let mut depth = 0;
            for (j, c) in src[head_end..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(&src[head_end + 1..head_end + j]);
                        }
                    }
                    _ => {}
                }
            }
        }
        None
    }

    /// The enumerators of `enum <name> { ... }`, numbered from 0.
    pub fn enum_values(src: &str, name: &str) -> HashMap<String, i64> {
        let src = strip_comments(src);
        let mut map = HashMap::new();
        let Some(i) = src.find(&format!("enum {name}")) else {
            return map;
        };
        let open = i + src[i..].find('{').unwrap();
        let close = open + src[open..].find('}').unwrap();
        let mut next = 0;
        for item in src[open + 1..close].split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (k, v) = match item.split_once('=') {
                Some((k, v)) => (k.trim(), eval(v, &map).unwrap()),
                None => (item, next),
            };
            map.insert(k.to_string(), v);
            next = v + 1;
        }
        map
    }

    /// Evaluates `a op b op c ...` left to right (`+ - *`).
    fn eval(e: &str, consts: &HashMap<String, i64>) -> Option<i64> {
        let term = |t: &str| -> Option<i64> {
            let t = t.trim();
            if let Some(h) = t.strip_prefix("0x") {
                i64::from_str_radix(h, 16).ok()
            } else if let Ok(n) = t.parse() {
                Some(n)
            } else {
                consts.get(t).copied()
            }
        };
        let mut acc = None;
        let mut op = '+';
        let mut cur = String::new();
        for c in e.chars().chain(std::iter::once('+')) {
            if matches!(c, '+' | '-' | '*') {
                let v = term(&cur)?;
                acc = Some(match (acc, op) {
                    (None, _) => v,
                    (Some(a), '+') => a + v,
                    (Some(a), '-') => a - v,
                    (Some(a), _) => a * v,
                });
                op = c;
                cur.clear();
            } else {
                cur.push(c);
            }
        }
        acc
    }

    /// A parsed member: name and size.
    fn member(
        decl: &str,
        sizes: &HashMap<String, usize>,
        consts: &HashMap<String, i64>,
    ) -> Option<(String, usize)> {
        let decl = decl.trim();
        let (ty, rest) = if let Some(r) = decl.strip_prefix("struct ") {
            let (t, r) = r.trim().split_once(char::is_whitespace)?;
            (t, r)
        } else {
            decl.split_once(char::is_whitespace)?
        };
        let base = match ty {
            "u8" => 1,
            "u16" => 2,
            "u32" => 4,
            "u64" => 8,
            t => *sizes.get(t)?,
        };
        let rest = rest.trim();
        match rest.split_once('[') {
            Some((name, dim)) => {
                let n = eval(dim.strip_suffix(']')?, consts)?;
                Some((name.trim().to_string(), base * usize::try_from(n).ok()?))
            }
            None => Some((rest.to_string(), base)),
        }
    }

    /// The members of `struct <name>`: (member, offset, size).
    pub fn layout(
        src: &str,
        name: &str,
        sizes: &HashMap<String, usize>,
        consts: &HashMap<String, i64>,
    ) -> Vec<(String, usize, usize)> {
        let src = strip_comments(src);
        let body = body(&src, name).unwrap_or_else(|| panic!("struct {name} not found"));
        let mut out = Vec::new();
        let mut off = 0;
        let mut rest = body;
        while let Some(semi) = rest.find(';') {
            let decl = &rest[..semi];
            if let Some(u) = decl.find("union") {
                // An anonymous union: its largest member of known type.
                let open = u + rest[u..].find('{').unwrap();
                let close = open + rest[open..].find('}').unwrap();
                let (mut best, mut size) = (String::new(), 0);
                for d in rest[open + 1..close].split(';') {
                    if let Some((n, s)) = member(d, sizes, consts) {
                        if s > size {
                            (best, size) = (n, s);
                        }
                    }
                }
                out.push((best, off, size));
                off += size;
                let after = close + rest[close..].find(';').unwrap();
                rest = &rest[after + 1..];
                continue;
            }
            if !decl.trim().is_empty() {
                let (n, s) = member(decl, sizes, consts)
                    .unwrap_or_else(|| panic!("cannot parse `{}` in {name}", decl.trim()));
                out.push((n, off, s));
                off += s;
            }
            rest = &rest[semi + 1..];
        }
        out
    }

    /// A `#define NAME value` with an integer value.
    pub fn define(src: &str, name: &str) -> Option<i64> {
        src.lines().find_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some("#define") && w.next() == Some(name))
                .then(|| eval(w.next()?, &HashMap::new()))
                .flatten()
        })
    }
}

/// Parses the three structs from a header's text.
fn parse(src: &str) -> Vec<(String, String, usize, usize)> {
    let consts = header::enum_values(src, "intercept_words");
    let mut sizes = HashMap::new();
    let mut rows = Vec::new();
    for name in ["vmcb_seg", "vmcb_control_area", "vmcb_save_area"] {
        let l = header::layout(src, name, &sizes, &consts);
        sizes.insert(name.to_string(), l.last().map_or(0, |(_, o, s)| o + s));
        rows.push((name, l));
    }
    // EXPECTED order: control, save, seg.
    rows.rotate_left(1);
    rows.into_iter()
        .flat_map(|(s, l)| l.into_iter().map(move |(n, o, z)| (s.to_string(), n, o, z)))
        .collect()
}

/// `arch/x86/include/asm/svm.h` of `$KSRC`. Without it the test fails: a
/// skipped layout check is no check.
fn ksrc_header() -> String {
    let ksrc = std::env::var("KSRC").unwrap_or_else(|_| "/var/cache/nestvirt/linux-7.3".into());
    let path = format!("{ksrc}/arch/x86/include/asm/svm.h");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {path}: {e}; set KSRC to a Linux 7.3 source tree to check the vmcb layout"
        )
    })
}

#[test]
fn test_engine_layout_matches_expectation() {
    assert_eq!(engine_rows(), expected_rows());
    assert_eq!(control::SIZE, 1024);
    assert_eq!(save::SIZE, 744);
    assert_eq!(layout::SAVE_AREA_OFFSET, control::SIZE);
    assert_eq!(save::EFER.page_offset(), 0x4d0);
}

#[test]
fn test_header_matches_expectation() {
    let src = ksrc_header();
    let parsed = parse(&src);
    if std::env::var_os("NESTVIRT_PRINT_LAYOUT").is_some() {
        for (s, n, o, z) in &parsed {
            println!("    (\"{s}\", \"{n}\", {o:#05x}, {z}),");
        }
    }
    assert_eq!(
        parsed,
        expected_rows(),
        "asm/svm.h drifted from the engine's VMCB layout"
    );
}

#[test]
fn test_header_size_asserts() {
    let src = ksrc_header();
    let size = |s: &str| {
        EXPECTED
            .iter()
            .filter(|r| r.0 == s)
            .map(|r| r.3)
            .sum::<usize>() as i64
    };
    let def = |n| header::define(&src, n).unwrap_or_else(|| panic!("{n}"));
    assert_eq!(
        def("EXPECTED_VMCB_CONTROL_AREA_SIZE"),
        size("vmcb_control_area")
    );
    assert_eq!(def("EXPECTED_VMCB_SAVE_AREA_SIZE"), size("vmcb_save_area"));
    // BUILD_BUG_RESERVED_OFFSET(vmcb_save_area, 0xNN): reserved_0xNN at 0xNN.
    let mut seen = 0;
    for l in src.lines() {
        let l = l.trim();
        let Some(args) = l.strip_prefix("BUILD_BUG_RESERVED_OFFSET(vmcb_save_area, ") else {
            continue;
        };
        let off = args.trim_end_matches(");");
        let want = usize::from_str_radix(off.trim_start_matches("0x"), 16).unwrap();
        let name = format!("reserved_{off}");
        let row = EXPECTED
            .iter()
            .find(|r| r.0 == "vmcb_save_area" && r.1 == name);
        assert_eq!(row.map(|r| r.2), Some(want), "{name}");
        seen += 1;
    }
    assert_eq!(seen, 6);
}

#[test]
fn test_parser_detects_drift() {
    let good = "enum intercept_words { A, B, MAX_INTERCEPT, };\n\
        struct vmcb_seg { u16 selector; u16 attrib; u32 limit; u64 base; } __packed;\n\
        struct __attribute__ ((__packed__)) vmcb_control_area {\n\
            u32 intercepts[MAX_INTERCEPT]; /* two words */\n\
            u8 reserved_1[4 - MAX_INTERCEPT];\n\
            union { struct unknown x; u8 reserved_sw[32]; };\n\
        };\n\
        struct vmcb_save_area { struct vmcb_seg es; u64 efer; } __packed;\n";
    let rows = parse(good);
    let names: Vec<_> = rows.iter().map(|r| (r.1.as_str(), r.2, r.3)).collect();
    assert_eq!(
        names,
        [
            ("intercepts", 0, 8),
            ("reserved_1", 8, 2),
            ("reserved_sw", 10, 32),
            ("es", 0, 16),
            ("efer", 16, 8),
            ("selector", 0, 2),
            ("attrib", 2, 2),
            ("limit", 4, 4),
            ("base", 8, 8),
        ]
    );
    let drifted = good.replace("u32 limit;", "u64 limit;");
    assert_ne!(parse(&drifted), rows);
}
