// SPDX-License-Identifier: GPL-2.0

//! The `nestvirt:nestvirt_rule_failed` tracepoint, defined in C
//! (trace/nestvirt_trace.c): Rust calls a C function that emits it.

use core::ffi::{
    c_char,
    c_int, //
};

extern "C" {
    fn nestvirt_trace_rule_failed(
        backend: u32,
        vcpu_id: u32,
        state_gpa: u64,
        rule: u32,
        id: *const c_char,
        id_len: c_int,
        enforced: bool,
    );
}

/// Emits `nestvirt_rule_failed` for one failing rule, of `backend`'s vCPU
/// `vcpu_id`, at `gpa` (the vmcb12/vmcs12, or an MSR list).
pub(crate) fn rule_failed(
    backend: u32,
    vcpu_id: u32,
    gpa: u64,
    rule: usize,
    id: &'static str,
    enforced: bool,
) {
    // SAFETY: `id` points at `id.len()` bytes of a 'static string (the C side
    // copies at most that many, it needs no NUL); the rest are plain values.
    unsafe {
        nestvirt_trace_rule_failed(
            backend,
            vcpu_id,
            gpa,
            u32::try_from(rule).unwrap_or(u32::MAX),
            id.as_ptr().cast(),
            c_int::try_from(id.len()).unwrap_or(0),
            enforced,
        )
    };
}
