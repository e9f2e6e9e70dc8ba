# SPDX-License-Identifier: GPL-2.0
# Shared settings for nestvirt's scripts. Sourced, never run.
#
# Everything heavy lives in NESTVIRT_CACHE, outside the work tree, so a fresh
# clone reuses the kernel source, the test kernel and the tools.

NESTVIRT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${NESTVIRT_CACHE:=/var/cache/nestvirt}"
KERNEL_SERIES=7.3
: "${KSRC:=$NESTVIRT_CACHE/linux-$KERNEL_SERIES}"
NESTVIRT_TOOLS=$NESTVIRT_CACHE/tools
NESTVIRT_VENV=$NESTVIRT_CACHE/venv
export PATH="$NESTVIRT_TOOLS/bin:$NESTVIRT_VENV/bin:$PATH"
export LIBCLANG_PATH=/usr/lib/llvm-19/lib

# The kernel's Rust needs the compiler that matches its core source:
# bookworm-security's rustc-web with rust-web-src, not the rustup toolchain.
KMAKE_RUST=(RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc BINDGEN=bindgen)

die() { printf 'nestvirt: error: %s\n' "$*" >&2; exit 1; }
