// SPDX-License-Identifier: GPL-2.0

//! CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of a
//! state container. The kernel has `crc32c()`, the host build has crates;
//! the engine is built into both and depends on neither, so it carries its
//! tables, computed at compile time: slice-by-8 (8 KiB, eight bytes per
//! step), because a container's checksum is most of what saving and
//! restoring one computes besides KVM's own work, and the kernel's
//! `crc32c()` is a byte-at-a-time table where the kernel is built without
//! `CONFIG_CRC_OPTIMIZATIONS`. The host tests compare it with the `crc`
//! crate's CRC-32/ISCSI.

const POLY: u32 = 0x82f6_3b78;

/// `TABLES[0]` is the classic byte table; `TABLES[k][b]` is the CRC of
/// byte `b` followed by `k` zero bytes.
const TABLES: [[u32; 256]; 8] = tables();

const fn tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ POLY } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

/// One byte into the register `c`.
fn byte(c: u32, b: u8) -> u32 {
    TABLES[0][((c ^ b as u32) & 0xff) as usize] ^ (c >> 8)
}

/// Continues a CRC32C over `bytes` from `crc` (0 to start), with the
/// standard pre- and post-inversion: `update(update(0, a), b)` is the
/// CRC32C of `a` followed by `b`.
pub fn update(crc: u32, bytes: &[u8]) -> u32 {
    let mut c = !crc;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let lo = c ^ u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        let t = |k: usize, x: u32, shift: u32| TABLES[k][((x >> shift) & 0xff) as usize];
        c = t(7, lo, 0)
            ^ t(6, lo, 8)
            ^ t(5, lo, 16)
            ^ t(4, lo, 24)
            ^ TABLES[3][w[4] as usize]
            ^ TABLES[2][w[5] as usize]
            ^ TABLES[1][w[6] as usize]
            ^ TABLES[0][w[7] as usize];
    }
    for &b in words.remainder() {
        c = byte(c, b);
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

    /// Slice-by-8 against the byte loop, at every length and split around
    /// the 8-byte steps.
    #[test]
    fn eight_at_a_time_is_byte_at_a_time() {
        let data: [u8; 67] = core::array::from_fn(|i| (i as u8).wrapping_mul(151) ^ 0x5a);
        let bytewise = |crc: u32, b: &[u8]| !b.iter().fold(!crc, |c, &x| byte(c, x));
        for len in 0..data.len() {
            for split in 0..=len {
                let (a, b) = data[..len].split_at(split);
                assert_eq!(update(update(0, a), b), bytewise(0, &data[..len]));
            }
        }
    }

    #[test]
    fn update_chains() {
        let data = b"nested state container";
        let (a, b) = data.split_at(7);
        assert_eq!(update(update(0, a), b), crc32c(data));
    }
}
