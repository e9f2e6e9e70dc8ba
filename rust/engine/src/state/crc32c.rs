// SPDX-License-Identifier: GPL-2.0

//! CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of a
//! state container. The kernel has `crc32c()`, the host build has crates;
//! the engine is built into both and depends on neither, so it carries the
//! 1 KiB table, computed at compile time. The host tests compare it with
//! the `crc` crate's CRC-32/ISCSI.

const POLY: u32 = 0x82f6_3b78;

const TABLE: [u32; 256] = table();

const fn table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ POLY } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

/// Continues a CRC32C over `bytes` from `crc` (0 to start), with the
/// standard pre- and post-inversion: `update(update(0, a), b)` is the
/// CRC32C of `a` followed by `b`.
pub fn update(crc: u32, bytes: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in bytes {
        c = TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

/// The CRC32C of `bytes`.
pub fn crc32c(bytes: &[u8]) -> u32 {
    update(0, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_of_the_catalogue() {
        // CRC-32/ISCSI's check value: the CRC of "123456789".
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(crc32c(b""), 0);
    }

    #[test]
    fn update_chains() {
        let data = b"nested state container";
        let (a, b) = data.split_at(7);
        assert_eq!(update(update(0, a), b), crc32c(data));
    }
}
