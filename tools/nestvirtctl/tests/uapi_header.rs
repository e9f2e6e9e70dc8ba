// SPDX-License-Identifier: GPL-2.0

//! The Rust mirror of the ABI (src/uapi.rs) and the C header
//! include/uapi/linux/nestvirt.h can never drift.
//!
//! The test parses the header for every `#define NESTVIRT_*` and every field
//! of every `struct nestvirt_*`, has a C compiler print the value, size and
//! offset of each, and requires the result to equal, name for name, what
//! `nestvirtctl::uapi::abi_values` says. A define or field added to either
//! side only, or a value that differs, fails it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn header() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../include/uapi/linux/nestvirt.h")
}

/// The header without its comments.
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    loop {
        let block = rest.find("/*");
        let line = rest.find("//");
        match (block, line) {
            (Some(b), l) if l.is_none_or(|l| b < l) => {
                out.push_str(&rest[..b]);
                let end = rest[b + 2..].find("*/").expect("unterminated comment") + b + 4;
                out.push(' ');
                rest = &rest[end..];
            }
            (_, Some(l)) => {
                out.push_str(&rest[..l]);
                rest = &rest[l..];
                rest = &rest[rest.find('\n').unwrap_or(rest.len())..];
            }
            (None, None) => {
                out.push_str(rest);
                return out;
            }
            (Some(_), None) => unreachable!(),
        }
    }
}

/// The names of the header's `#define NESTVIRT_*`.
fn defines(src: &str) -> Vec<String> {
    src.lines()
        .filter_map(|l| {
            let l = l.trim_start().strip_prefix('#')?.trim_start();
            let name = l.strip_prefix("define")?.split_whitespace().next()?;
            name.starts_with("NESTVIRT_").then(|| name.to_string())
        })
        .collect()
}

/// Every `struct nestvirt_* { ... };` of the header: its name and the names
/// of its fields.
fn structs(src: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut rest = src;
    while let Some(at) = rest.find("struct nestvirt_") {
        rest = &rest[at + "struct ".len()..];
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        let after = rest[name_len..].trim_start();
        // A use (`struct nestvirt_info)` in an ioctl number), not a definition.
        let Some(body) = after.strip_prefix('{') else {
            continue;
        };
        let end = body.find('}').expect("struct without '}'");
        let fields = body[..end]
            .split(';')
            .map(str::trim)
            .filter(|decl| !decl.is_empty())
            .map(|decl| {
                let decl = decl.split('[').next().unwrap_or(decl).trim_end();
                decl.rsplit(|c: char| c.is_whitespace() || c == '*')
                    .next()
                    .expect("a field name")
                    .to_string()
            })
            .collect();
        found.push((name.to_string(), fields));
        rest = &body[end..];
    }
    found
}

/// Compiles and runs a C program printing what the compiler makes of every
/// define and field of the header, as `name value` lines.
fn c_values(
    header: &Path,
    tag: &str,
    defines: &[String],
    structs: &[(String, Vec<String>)],
) -> BTreeMap<String, u64> {
    let mut c = format!(
        "#include <stddef.h>\n#include <stdio.h>\n#include \"{}\"\n\n\
         #define P(name, value) printf(\"%s %llu\\n\", name, (unsigned long long)(value))\n\n\
         int main(void)\n{{\n",
        header.display()
    );
    for d in defines {
        c += &format!("\tP(\"{d}\", {d});\n");
    }
    for (s, fields) in structs {
        c += &format!("\tP(\"sizeof {s}\", sizeof(struct {s}));\n");
        for f in fields {
            c += &format!("\tP(\"offsetof {s}.{f}\", offsetof(struct {s}, {f}));\n");
            c += &format!("\tP(\"sizeof {s}.{f}\", sizeof(((struct {s} *)0)->{f}));\n");
        }
    }
    c += "\treturn 0;\n}\n";

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("uapi_header_{tag}"));
    std::fs::create_dir_all(&dir).expect("create the test directory");
    let src = dir.join("nestvirt_abi.c");
    let exe = dir.join("nestvirt_abi");
    std::fs::write(&src, &c).expect("write the C program");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&exe)
        .arg(&src)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cc} (gcc and linux-libc-dev are needed): {e}"));
    assert!(status.success(), "{cc} failed on {}", src.display());
    let out = Command::new(&exe).output().expect("run the C program");
    assert!(out.status.success());
    let mut values = BTreeMap::new();
    for line in String::from_utf8(out.stdout).expect("utf-8").lines() {
        let (name, value) = line.rsplit_once(' ').expect("name value");
        let value: u64 = value.parse().expect("a number");
        assert!(
            values.insert(name.to_string(), value).is_none(),
            "{name} twice"
        );
    }
    values
}

/// What differs between the header at `header` and src/uapi.rs, if
/// anything.
fn drift(header: &Path, tag: &str) -> Result<(), String> {
    let src = strip_comments(&std::fs::read_to_string(header).expect("read the header"));
    let defines = defines(&src);
    let structs = structs(&src);
    let c = c_values(header, tag, &defines, &structs);
    let rust: BTreeMap<String, u64> = nestvirtctl::uapi::abi_values().into_iter().collect();

    let only_c: Vec<_> = c.keys().filter(|k| !rust.contains_key(*k)).collect();
    let only_rust: Vec<_> = rust.keys().filter(|k| !c.contains_key(*k)).collect();
    let differ: Vec<_> = c
        .iter()
        .filter_map(|(k, v)| {
            rust.get(k)
                .filter(|r| *r != v)
                .map(|r| format!("{k}: C {v:#x}, Rust {r:#x}"))
        })
        .collect();
    if only_c.is_empty() && only_rust.is_empty() && differ.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "src/uapi.rs and {} drifted:\n  in the header only: {only_c:?}\n  \
             in Rust only: {only_rust:?}\n  different: {differ:#?}",
            header.display()
        ))
    }
}

#[test]
fn rust_and_the_c_header_agree_on_every_define_size_and_offset() {
    if let Err(e) = drift(&header(), "real") {
        panic!("{e}");
    }
    // Guard against a parser that finds nothing.
    let src = strip_comments(&std::fs::read_to_string(header()).expect("read the header"));
    assert_eq!(structs(&src).len(), 5);
    assert!(defines(&src).len() >= 25);
}

/// A copy of the header with `from` replaced by `to`.
fn mutant(tag: &str, from: &str, to: &str) -> PathBuf {
    let original = std::fs::read_to_string(header()).expect("read the header");
    assert!(original.contains(from), "the header has no {from:?}");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mutant_{tag}"));
    std::fs::create_dir_all(&dir).expect("create the test directory");
    let path = dir.join("nestvirt.h");
    std::fs::write(&path, original.replacen(from, to, 1)).expect("write the mutant");
    path
}

#[test]
fn a_define_or_field_or_value_rust_lacks_is_drift() {
    let new_define = mutant(
        "define",
        "#define NESTVIRT_CLASS_ALL",
        "#define NESTVIRT_MODE_STRICT 3\n#define NESTVIRT_CLASS_ALL",
    );
    let e = drift(&new_define, "define").unwrap_err();
    assert!(e.contains("\"NESTVIRT_MODE_STRICT\""), "{e}");

    // Same size, a new field carved out of the reserved ones.
    let new_field = mutant(
        "field",
        "\t__u32 mode;\n\t__u64 reserved[3];",
        "\t__u32 mode;\n\t__u64 flags;\n\t__u64 reserved[2];",
    );
    let e = drift(&new_field, "field").unwrap_err();
    assert!(e.contains("\"offsetof nestvirt_mode.flags\""), "{e}");
    assert!(
        e.contains("sizeof nestvirt_mode.reserved: C 0x10, Rust 0x18"),
        "{e}"
    );

    let new_value = mutant(
        "value",
        "#define NESTVIRT_ABI_VERSION\t\t1",
        "#define NESTVIRT_ABI_VERSION\t\t2",
    );
    let e = drift(&new_value, "value").unwrap_err();
    assert!(e.contains("NESTVIRT_ABI_VERSION: C 0x2, Rust 0x1"), "{e}");

    let gone = mutant(
        "gone",
        "#define NESTVIRT_VMX_NR_CLASSES",
        "#define NESTVIRT_VMX_NR",
    );
    let e = drift(&gone, "gone").unwrap_err();
    assert!(
        e.contains("in Rust only: [\"NESTVIRT_VMX_NR_CLASSES\"]"),
        "{e}"
    );
}

#[test]
fn the_class_names_are_the_header_class_constants() {
    let src = strip_comments(&std::fs::read_to_string(header()).expect("read the header"));
    let values: BTreeMap<String, u64> = nestvirtctl::uapi::abi_values().into_iter().collect();
    for (prefix, table) in [
        ("NESTVIRT_SVM_CLASS_", nestvirtctl::model::SVM_CLASSES),
        ("NESTVIRT_VMX_CLASS_", nestvirtctl::model::VMX_CLASSES),
    ] {
        let from_header: Vec<(String, u64)> = defines(&src)
            .into_iter()
            .filter_map(|d| {
                let name = d.strip_prefix(prefix)?.to_ascii_lowercase();
                Some((name, values[&d]))
            })
            .collect();
        let from_rust: Vec<(String, u64)> = table
            .iter()
            .map(|(n, v)| (n.to_string(), u64::from(*v)))
            .collect();
        assert_eq!(from_rust, from_header, "{prefix}*");
    }
}

#[test]
fn the_parser_sees_defines_and_fields() {
    let src = strip_comments(
        "/* x */\n#define NESTVIRT_A 1 /* c */\n# define  NESTVIRT_B(x) 2\n#define OTHER 3\n\
         struct nestvirt_s {\n\t__u32 a; /* c; d */\n\tchar b[4];\n\t__u64 c[2];\n};\n\
         #define NESTVIRT_C _IOR(1, 2, struct nestvirt_s)\n// struct nestvirt_t { int z; };\n",
    );
    assert_eq!(defines(&src), ["NESTVIRT_A", "NESTVIRT_B(x)", "NESTVIRT_C"]);
    assert_eq!(
        structs(&src),
        [(
            "nestvirt_s".to_string(),
            vec!["a".to_string(), "b".into(), "c".into()]
        )]
    );
}
