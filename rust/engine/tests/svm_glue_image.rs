// SPDX-License-Identifier: GPL-2.0

//! The kernel glue lays KVM's vmcb12 caches out as a VMCB for the checks
//! (`nestvirt_svm_image()` in `kvm/nestvirt_glue_svm.c`), filling only the
//! fields the checks read. This test holds the two lists together: a field
//! the checks read that the glue does not fill would be checked as stale
//! or zero in the kernel, and a field filled but never read is wasted work
//! on every VMRUN.

use nestvirt_engine::svm::layout::SAVE_AREA_OFFSET;
use nestvirt_engine::svm::FIELDS_READ;

const GLUE: &str = include_str!("../../../kvm/nestvirt_glue_svm.c");

/// `(area, member)` of every `img->control.X` / `img->save.X` the glue
/// assigns or copies into.
fn filled_by_glue() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (area, prefix) in [("control", "img->control."), ("save", "img->save.")] {
        for (at, _) in GLUE.match_indices(prefix) {
            let rest = &GLUE[at + prefix.len()..];
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

#[test]
fn glue_fills_exactly_the_fields_the_checks_read() {
    let mut read: Vec<(&'static str, String)> = FIELDS_READ
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
    read.sort();
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
