// SPDX-License-Identifier: GPL-2.0

//! Incremental checks across the entries of one vCPU: what the last check
//! saw, so that the next one re-runs only the checks that read a field
//! that changed.
//!
//! An L1 resuming the same L2 changes few vmcs12 fields between entries
//! (its RIP, the exit information), and KVM does not say which: it copies
//! the shadow VMCS back whole. [`VmxMemo`] keeps the bytes of the fields it
//! last checked, compares them word by word with the new vmcs12, and hands
//! the field groups of the changed words to a [`Validator`], which re-runs
//! the checks reading them when the last check passed and validates in
//! full otherwise (a failure, other capabilities or context). The outcome
//! is [`check_vmx_entry()`]'s, as the tests prove; only the cost differs.
//!
//! [`check_vmx_entry()`]: super::check_vmx_entry

use super::caps::{VmxCaps, VmxContext};
use super::entry::apply_entry_modes;
use super::fields::Field;
use super::rules::VmxRule;
use super::validate::Validator;
use super::vmcs12::Vmcs12;
use crate::engine::rule::{ClassModes, Outcome, RuleSet};

/// The bytes of `struct vmcs12` that hold a field, rounded up to whole
/// words; the rest of the page is never read.
pub const IMAGE_BYTES: usize = image_bytes();
const WORDS: usize = IMAGE_BYTES / 8;

const fn image_bytes() -> usize {
    let mut end = 0;
    let mut i = 0;
    while i < Field::ALL.len() {
        let f = Field::ALL[i];
        let e = f.offset() as usize + f.width().bytes();
        if e > end {
            end = e;
        }
        i += 1;
    }
    end.div_ceil(8) * 8
}

/// For each word of the image, the field groups of the fields in it.
const WORD_GROUPS: [u16; WORDS] = word_groups();

const fn word_groups() -> [u16; WORDS] {
    let mut groups = [0u16; WORDS];
    let mut i = 0;
    while i < Field::ALL.len() {
        let f = Field::ALL[i];
        let start = f.offset() as usize;
        let end = start + f.width().bytes();
        let mut w = start / 8;
        while w * 8 < end {
            groups[w] |= f.dirty();
            w += 1;
        }
        i += 1;
    }
    groups
}

/// One vCPU's memo of its last checked vmcs12.
#[derive(Clone)]
pub struct VmxMemo {
    /// The words of the image the last check saw.
    image: [u64; WORDS],
    validator: Validator,
}

impl Default for VmxMemo {
    fn default() -> Self {
        Self::new()
    }
}

impl VmxMemo {
    /// A memo whose first check is a full one.
    pub const fn new() -> Self {
        Self {
            image: [0; WORDS],
            validator: Validator::new(),
        }
    }

    /// Takes `vmcs` as the image and returns the field groups of the words
    /// that changed. One pass, no panic path (the kernel build has none).
    fn take(&mut self, vmcs: &Vmcs12) -> u16 {
        let mut rest: &[u8] = vmcs.as_bytes();
        let mut changed = 0;
        for (old, groups) in self.image.iter_mut().zip(WORD_GROUPS.iter()) {
            let Some((word, tail)) = rest.split_first_chunk::<8>() else {
                break;
            };
            rest = tail;
            let new = u64::from_ne_bytes(*word);
            if *old != new {
                *old = new;
                changed |= groups;
            }
        }
        changed
    }

    /// What [`super::check_vmx_entry()`] decides on `vmcs`, re-running only
    /// the checks that read fields changed since the last call.
    pub fn check(
        &mut self,
        vmcs: &Vmcs12,
        caps: &VmxCaps,
        ctx: &VmxContext,
        modes: ClassModes,
    ) -> Outcome<VmxRule> {
        let mut failures = RuleSet::new();
        if modes.any_on() {
            let changed = self.take(vmcs);
            self.validator.mark_dirty_groups(changed);
            let _ = self.validator.validate(vmcs, caps, ctx, &mut failures);
        }
        apply_entry_modes(&failures, modes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_marks_exactly_its_field_groups() {
        use crate::engine::vmx::baseline_vmcs12;
        let mut memo = VmxMemo::new();
        let mut vmcs = baseline_vmcs12();
        let _ = memo.take(&vmcs);
        assert_eq!(memo.take(&vmcs), 0);
        for f in Field::ALL {
            let before = vmcs.get(*f);
            vmcs.set(*f, before ^ 1);
            let changed = memo.take(&vmcs);
            assert_eq!(changed & f.dirty(), f.dirty(), "{f:?}");
            vmcs.set(*f, before);
            let _ = memo.take(&vmcs);
        }
    }

    #[test]
    fn the_image_covers_every_field_and_no_more() {
        for f in Field::ALL {
            assert!(
                f.offset() as usize + f.width().bytes() <= IMAGE_BYTES,
                "{f:?}"
            );
            let w = f.offset() as usize / 8;
            assert_eq!(WORD_GROUPS[w] & f.dirty(), f.dirty(), "{f:?}");
        }
        assert!(IMAGE_BYTES < 1024 && IMAGE_BYTES.is_multiple_of(8));
    }
}
