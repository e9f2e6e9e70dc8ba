// SPDX-License-Identifier: GPL-2.0

//! Little-endian integers read from untrusted bytes: out of range reads as
//! zero rather than panicking (callers check lengths first; this keeps the
//! decoders free of panic paths).

/// The `N` bytes at `at`, or zeros when `b` is shorter.
pub fn le<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut v = [0u8; N];
    if let Some(s) = at.checked_add(N).and_then(|end| b.get(at..end)) {
        v.copy_from_slice(s);
    }
    v
}

/// The little-endian `u16` at `at`.
pub fn le_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(le(b, at))
}

/// The little-endian `u32` at `at`.
pub fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(le(b, at))
}

/// The little-endian `u64` at `at`.
pub fn le_u64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(le(b, at))
}
