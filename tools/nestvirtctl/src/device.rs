// SPDX-License-Identifier: GPL-2.0

//! `/dev/nestvirt` and the ioctls nestvirtctl makes on it.
//!
//! The commands reach the device through the [`Nestvirt`] trait, so that
//! they can be tested against a fake device.

use crate::error::{errno_failure, Failure, Op};
use crate::uapi::*;
use rustix::fd::OwnedFd;
use rustix::fs::{open, Mode as FileMode, OFlags};
use rustix::io::Errno;
use rustix::ioctl::{ioctl, Getter, Setter, Updater};
use std::path::{Path, PathBuf};

/// The ioctls of `/dev/nestvirt`, each answering the raw errno on failure.
pub trait Nestvirt {
    /// The device's path, for messages.
    fn path(&self) -> &Path;
    /// `NESTVIRT_GET_INFO`.
    fn info(&mut self) -> Result<NestvirtInfo, Errno>;
    /// `NESTVIRT_GET_MODE` of `class`: its `NESTVIRT_MODE_*` value.
    fn get_mode(&mut self, class: u32) -> Result<u32, Errno>;
    /// `NESTVIRT_SET_MODE` of `class` (or `NESTVIRT_CLASS_ALL`).
    fn set_mode(&mut self, class: u32, mode: u32) -> Result<(), Errno>;
    /// `NESTVIRT_GET_RULE` at `index`.
    fn rule(&mut self, index: u32) -> Result<NestvirtRule, Errno>;
    /// `NESTVIRT_GET_TAGS`.
    fn tags(&mut self) -> Result<NestvirtTags, Errno>;
}

/// The real device.
pub struct Device {
    fd: OwnedFd,
    path: PathBuf,
}

impl Device {
    /// Opens `path`: read-only, or for writing when a mode is to change.
    pub fn open(path: &Path, write: bool) -> Result<Self, Failure> {
        let (flags, op) = if write {
            (OFlags::RDWR, Op::OpenWrite)
        } else {
            (OFlags::RDONLY, Op::Open)
        };
        let fd = open(path, flags | OFlags::CLOEXEC, FileMode::empty())
            .map_err(|e| errno_failure(op, path, e))?;
        Ok(Self {
            fd,
            path: path.to_path_buf(),
        })
    }
}

// rustix's ioctl API is unsafe: the opcode and the argument type are a
// protocol with the driver, which uapi.rs mirrors.
#[allow(unsafe_code)]
impl Nestvirt for Device {
    fn path(&self) -> &Path {
        &self.path
    }

    fn info(&mut self) -> Result<NestvirtInfo, Errno> {
        // SAFETY: NESTVIRT_GET_INFO is `_IOR(NESTVIRT_IO, 0, struct
        // nestvirt_info)`; the kernel writes exactly one `NestvirtInfo`
        // (layout asserted in uapi.rs) and every bit pattern is valid for
        // it. The getter's buffer is only read after the ioctl succeeded.
        unsafe { ioctl(&self.fd, Getter::<NESTVIRT_GET_INFO, NestvirtInfo>::new()) }
    }

    fn get_mode(&mut self, class: u32) -> Result<u32, Errno> {
        let mut req = NestvirtMode::new(class, 0);
        // SAFETY: NESTVIRT_GET_MODE is `_IOWR(NESTVIRT_IO, 2, struct
        // nestvirt_mode)`; the kernel reads and writes one `NestvirtMode`
        // through the exclusive borrow `req`, which lives across the call.
        unsafe { ioctl(&self.fd, Updater::<NESTVIRT_GET_MODE, _>::new(&mut req)) }?;
        Ok(req.mode)
    }

    fn set_mode(&mut self, class: u32, mode: u32) -> Result<(), Errno> {
        // SAFETY: NESTVIRT_SET_MODE is `_IOW(NESTVIRT_IO, 1, struct
        // nestvirt_mode)`; the kernel only reads one `NestvirtMode`, which
        // the setter owns for the duration of the call.
        unsafe {
            ioctl(
                &self.fd,
                Setter::<NESTVIRT_SET_MODE, _>::new(NestvirtMode::new(class, mode)),
            )
        }
    }

    fn rule(&mut self, index: u32) -> Result<NestvirtRule, Errno> {
        let mut req = NestvirtRule::request(index);
        // SAFETY: NESTVIRT_GET_RULE is `_IOWR(NESTVIRT_IO, 3, struct
        // nestvirt_rule)`; the kernel reads and writes one `NestvirtRule`
        // through the exclusive borrow `req`, which lives across the call.
        unsafe { ioctl(&self.fd, Updater::<NESTVIRT_GET_RULE, _>::new(&mut req)) }?;
        Ok(req)
    }

    fn tags(&mut self) -> Result<NestvirtTags, Errno> {
        // SAFETY: NESTVIRT_GET_TAGS is `_IOR(NESTVIRT_IO, 7, struct
        // nestvirt_tags)`; the kernel writes one `NestvirtTags`, a
        // `repr(C)` structure of integers for which any bytes are valid.
        unsafe { ioctl(&self.fd, Getter::<NESTVIRT_GET_TAGS, NestvirtTags>::new()) }
    }
}

/// `NESTVIRT_GET_INFO`, with its ABI version checked.
pub fn read_info(dev: &mut dyn Nestvirt) -> Result<NestvirtInfo, Failure> {
    let info = dev
        .info()
        .map_err(|e| errno_failure(Op::GetInfo, dev.path(), e))?;
    if info.abi_version != NESTVIRT_ABI_VERSION {
        return Err(crate::error::abi_mismatch(dev.path(), info.abi_version));
    }
    Ok(info)
}

/// A guard against a device that never answers `ENOENT`.
const MAX_RULES: u32 = 1 << 16;

/// Every rule of the catalogue: `NESTVIRT_GET_RULE` from index 0 until
/// `ENOENT`. Other errors are answered as they come.
pub fn read_rules(dev: &mut dyn Nestvirt) -> Result<Vec<NestvirtRule>, Errno> {
    let mut rules = Vec::new();
    for index in 0..MAX_RULES {
        match dev.rule(index) {
            Ok(rule) => rules.push(rule),
            Err(Errno::NOENT) => return Ok(rules),
            Err(e) => return Err(e),
        }
    }
    Ok(rules)
}
