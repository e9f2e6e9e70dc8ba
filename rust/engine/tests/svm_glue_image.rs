// SPDX-License-Identifier: GPL-2.0

//! The kernel glue lays KVM's vmcb12 caches out as a VMCB for the checks
//! (`nestvirt_svm_image()` in `kvm/nestvirt_glue_svm.c`), filling only the
//! fields the checks read. This test holds the two lists together: a field
//! the checks read that the glue does not fill would be checked as stale
//! or zero in the kernel, and a field filled but never read is wasted work
//! on every VMRUN.
//!
//! The glue also replays a clean verdict for an image no field of which
//! changed; it knows of a change because every field is stored with
//! `NV_FILL` (`NV_FILL_INTERCEPTS` for the intercept words), which
//! compares. A field stored any other way would let a changed vmcb12 be
//! replayed unchecked, so the test also holds every store to them.

use nestvirt_engine::svm::layout::Field;
use nestvirt_engine::svm::layout::SAVE_AREA_OFFSET;
use nestvirt_engine::svm::{FIELDS_READ, VMCB02_FIELDS_READ};

const GLUE: &str = include_str!("../../../kvm/nestvirt_glue_svm.c");

/// `(area, member)` of every `img->control.X` / `img->save.X` in `code`.
fn filled_in(code: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (area, prefix) in [("control", "img->control."), ("save", "img->save.")] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((area, name));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `(area, member)` of every field the glue assigns or copies into.
fn filled_by_glue() -> Vec<(&'static str, String)> {
    filled_in(GLUE)
}

/// The definition of the glue function `name`, up to its closing brace:
/// the `name(` after which a `{` comes before any `;`.
fn glue_function(name: &str) -> &'static str {
    let start = GLUE
        .match_indices(&format!("{name}("))
        .map(|(at, _)| at)
        .find(|&at| {
            let rest = &GLUE[at..];
            rest.find('{').unwrap_or(usize::MAX) < rest.find(';').unwrap_or(usize::MAX)
        })
        .unwrap_or_else(|| panic!("no definition of {name} in the glue"));
    let len = GLUE[start..].find("\n}\n").expect("function end");
    &GLUE[start..start + len]
}

/// `(area, member)` of `fields`, sorted.
fn named(fields: &[Field]) -> Vec<(&'static str, String)> {
    let mut out: Vec<_> = fields
        .iter()
        .map(|f| {
            let area = if f.area == SAVE_AREA_OFFSET {
                "save"
            } else {
                "control"
            };
            (area, f.name.to_string())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn glue_fills_exactly_the_fields_the_checks_read() {
    let read = named(FIELDS_READ);
    let filled = filled_by_glue();
    assert!(
        !filled.is_empty(),
        "no img->control./img->save. in the glue"
    );
    assert_eq!(
        filled, read,
        "nestvirt_svm_image() and svm::FIELDS_READ disagree"
    );
}

#[test]
fn glue_stores_every_field_through_the_comparing_fill() {
    let mut stores = 0;
    for prefix in ["img->control.", "img->save."] {
        for (at, _) in GLUE.match_indices(prefix) {
            let before = GLUE[..at].trim_end();
            assert!(
                before.ends_with("NV_FILL(") || before.ends_with("NV_FILL_INTERCEPTS("),
                "{} is stored without NV_FILL: a change to it would not stop a replay",
                GLUE[at..].lines().next().unwrap_or_default()
            );
            stores += 1;
        }
    }
    assert!(stores >= FIELDS_READ.len(), "only {stores} NV_FILL stores");
}

/// The vmcb02 hook lays out again only the fields the vmcb02 check reads.
#[test]
fn glue_refills_exactly_the_fields_the_vmcb02_check_reads() {
    let body = glue_function("nestvirt_svm_fill_vmcb02_fields");
    assert_eq!(
        filled_in(body),
        named(VMCB02_FIELDS_READ),
        "nestvirt_svm_fill_vmcb02_fields() and svm::VMCB02_FIELDS_READ disagree"
    );
}
