#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the named seeds of corpus/state_decode: four state containers
built from Documentation/nestvirt/state-format.rst alone, independently of
the engine's encoder (tests/state_container.rs parses them)."""
import os
import struct
import sys


def crc32c(b):
    c = 0xffffffff
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ 0x82f63b78 if c & 1 else c >> 1
    return c ^ 0xffffffff


def container(vendor, sections):
    body = b''
    for kind, flags, p in sections:
        body += struct.pack('<HHI', kind, flags, len(p)) + p + b'\0' * ((-len(p)) % 8)
    total = 40 + len(body)
    b = b'NESTVIRT' + struct.pack('<HHIIIIIQ', 1, vendor, 40, total, len(sections), 0, 0, 0) + body
    return b[:24] + struct.pack('<I', crc32c(b)) + b[28:]


def svm(flags, pa, pages):
    n = 128 + 4096 * pages
    b = bytearray(struct.pack('<HHIQQ', flags, 1, n, pa, 0) + b'\0' * (n - 24))
    if pages:
        # L1's save area (KVM checks it on restore): CR0.PG|PE, EFER.SVME.
        b[128 + 0x400 + 0x158:128 + 0x400 + 0x160] = struct.pack('<Q', 0x80000001)
        b[128 + 0x400 + 0x0d0:128 + 0x400 + 0x0d8] = struct.pack('<Q', 1 << 12)
    return bytes(b)


def vmx(flags, vmxon, vmcs, smm, pages):
    n = 128 + 4096 * pages
    b = bytearray(struct.pack('<HHIQQHHIQ', flags, 0, n, vmxon, vmcs, smm, 0, 0, 0) + b'\0' * (n - 40))
    if pages:
        b[128:132] = struct.pack('<I', 0x11e57ed0)  # VMCS12_REVISION
    return bytes(b)


SEEDS = {
    'svm-guest-mode': container(1, [(1, 1, svm(0x101, 0x102000, 1)), (2, 0, bytes([2, 1, 0])), (3, 1, b'\7' * 24)]),
    'svm-idle': container(1, [(1, 1, svm(0x100, 0, 0)), (3, 1, b'\0' * 24)]),
    'vmx-guest-mode': container(2, [(1, 1, vmx(1, 0x1000, 0x2000, 0, 2)), (3, 1, b'\0' * 192)]),
    'vmx-off': container(2, [(1, 1, vmx(0, 2**64 - 1, 2**64 - 1, 0, 0)), (3, 1, b'\0' * 192), (99, 0, b'later')]),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'corpus', 'state_decode')
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
