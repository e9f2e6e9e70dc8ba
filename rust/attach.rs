// SPDX-License-Identifier: GPL-2.0

//! Attaching to a hooked KVM vendor module.
//!
//! A hooked kvm-amd or kvm-intel exports one `struct nestvirt_target`.
//! nestvirt takes it with `symbol_get()` — which also pins the vendor module
//! for as long as nestvirt is loaded — checks its hook ABI version, and
//! attaches its ops. Dropping the [`Attachment`] detaches: the vendor module
//! waits until no hook call is left in nestvirt's code.

use crate::hooks_abi::{
    NestvirtHookOps,
    NestvirtReplays,
    NestvirtTarget,
    NESTVIRT_BACKEND_SVM,
    NESTVIRT_BACKEND_VMX,
    NESTVIRT_HOOK_ABI_VERSION, //
};
use core::ffi::CStr;
use kernel::{
    bindings,
    prelude::*, //
};

/// The vendor module nestvirt is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// kvm-amd.
    Svm,
    /// kvm-intel.
    Vmx,
}

impl Backend {
    /// The exported symbol of this backend's `struct nestvirt_target`.
    const fn symbol(self) -> &'static CStr {
        match self {
            Self::Svm => c"nestvirt_svm_target",
            Self::Vmx => c"nestvirt_vmx_target",
        }
    }

    /// The vendor module's name, for messages.
    pub(crate) const fn module_name(self) -> &'static str {
        match self {
            Self::Svm => "kvm_amd",
            Self::Vmx => "kvm_intel",
        }
    }

    /// `NESTVIRT_BACKEND_*`, in the hook ABI and in the uapi.
    pub(crate) const fn abi_value(self) -> u32 {
        match self {
            Self::Svm => NESTVIRT_BACKEND_SVM,
            Self::Vmx => NESTVIRT_BACKEND_VMX,
        }
    }
}

/// The calls into the attached vendor module besides attach and detach.
///
/// # Invariants
///
/// The functions are those of the target nestvirt is attached to, whose
/// module the [`Attachment`] keeps loaded for as long as nestvirt is
/// loaded; they are only called while nestvirt is (from its ioctls).
#[derive(Clone, Copy)]
pub(crate) struct TargetCalls {
    policy_changed: unsafe extern "C" fn(),
    replayed: unsafe extern "C" fn(out: *mut NestvirtReplays),
}

impl TargetCalls {
    /// Tells the glue that the modes changed: it replays no verdict taken
    /// before, and asks [`crate::hooks`]' `checking` whether to call the
    /// hooks at all. Call it after the change; it may sleep.
    pub(crate) fn policy_changed(&self) {
        // SAFETY: By the type invariant the function is live; it takes no
        // argument.
        unsafe { (self.policy_changed)() };
    }

    /// The checks the glue answered by replay since nestvirt attached.
    pub(crate) fn replayed(&self) -> NestvirtReplays {
        let mut out = NestvirtReplays::default();
        // SAFETY: By the type invariant the function is live; `out` is a
        // writable `struct nestvirt_replays` for the call.
        unsafe { (self.replayed)(&mut out) };
        out
    }
}

/// A `symbol_get()` reference on a backend's exported target, which keeps
/// the vendor module loaded; dropping it calls `symbol_put()`.
///
/// # Invariants
///
/// The reference on `self.0.symbol()` was taken with `__symbol_get`.
struct SymbolRef(Backend);

impl Drop for SymbolRef {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold this symbol reference.
        unsafe { bindings::__symbol_put(self.0.symbol().as_ptr().cast()) };
    }
}

/// nestvirt attached to a hooked vendor module.
///
/// # Invariants
///
/// `target` points at the `struct nestvirt_target` exported by the vendor
/// module `symbol` keeps loaded; `ops` is attached to it.
pub(crate) struct Attachment {
    target: &'static NestvirtTarget,
    ops: &'static NestvirtHookOps,
    calls: TargetCalls,
    /// Dropped after `Drop::drop` detached `ops`.
    symbol: SymbolRef,
}

// SAFETY: `Attachment` only holds shared references to immutable data (the
// exported target and our static ops); detaching from any thread is allowed.
unsafe impl Send for Attachment {}
// SAFETY: As above; `&Attachment` only allows reading immutable data.
unsafe impl Sync for Attachment {}

impl Attachment {
    /// Finds the loaded hooked vendor module and attaches `ops` to it.
    pub(crate) fn attach(ops: &'static NestvirtHookOps) -> Result<Self> {
        let Some((symbol, target)) = find_target() else {
            pr_err!(
                "no hooked KVM vendor module is loaded: load kvm_amd or kvm_intel \
                 built with nestvirt's hook series first\n"
            );
            return Err(ENODEV);
        };
        // Every early return below drops `symbol`, releasing the module.
        let backend = symbol.0;

        if target.abi_version != NESTVIRT_HOOK_ABI_VERSION {
            pr_err!(
                "{} speaks hook ABI {}, this nestvirt speaks {}: rebuild them together\n",
                backend.module_name(),
                target.abi_version,
                NESTVIRT_HOOK_ABI_VERSION
            );
            return Err(EPROTO);
        }
        if target.backend != backend.abi_value() {
            pr_err!(
                "{} reports a foreign backend {}\n",
                backend.module_name(),
                target.backend
            );
            return Err(EPROTO);
        }
        let (Some(attach), Some(policy_changed), Some(replayed)) =
            (target.attach, target.policy_changed, target.replayed)
        else {
            pr_err!(
                "{} lacks a hook ABI {} callback\n",
                backend.module_name(),
                NESTVIRT_HOOK_ABI_VERSION
            );
            return Err(EPROTO);
        };
        // SAFETY: `attach` comes from the live target (pinned by symbol_get);
        // `ops` is 'static, as the hook ABI requires.
        let ret = unsafe { attach(ops) };
        if ret != 0 {
            pr_err!(
                "{} refused to attach: error {}\n",
                backend.module_name(),
                ret
            );
            return Err(Error::from_errno(ret));
        }
        pr_info!(
            "attached to {} (hook ABI {}, built from {})\n",
            backend.module_name(),
            target.abi_version,
            kernel_release(target)
                .unwrap_or(c"?")
                .to_str()
                .unwrap_or("?")
        );
        // INVARIANT: the symbol reference is held, `ops` is attached; the
        // calls are the target's, live while the symbol is held, which is
        // until nestvirt unloads.
        Ok(Self {
            target,
            ops,
            calls: TargetCalls {
                policy_changed,
                replayed,
            },
            symbol,
        })
    }

    /// The vendor module attached to.
    pub(crate) fn backend(&self) -> Backend {
        self.symbol.0
    }

    /// The hook ABI version the vendor module was built with.
    pub(crate) fn hook_abi_version(&self) -> u32 {
        self.target.abi_version
    }

    /// The calls into the vendor module the ioctls make.
    pub(crate) fn calls(&self) -> TargetCalls {
        self.calls
    }

    /// The kernel release the vendor module was built from.
    pub(crate) fn kernel_release(&self) -> &CStr {
        kernel_release(self.target).unwrap_or(c"")
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        if let Some(detach) = self.target.detach {
            // SAFETY: By the type invariant the target is live and `ops` is
            // attached; `detach` returns once no hook call is in our code.
            unsafe { detach(self.ops) };
        }
        pr_info!("detached from {}\n", self.backend().module_name());
    }
}

/// Takes the exported target of whichever hooked vendor module is loaded.
fn find_target() -> Option<(SymbolRef, &'static NestvirtTarget)> {
    [Backend::Svm, Backend::Vmx]
        .into_iter()
        .find_map(|backend| {
            // SAFETY: `symbol()` is a NUL-terminated name; `__symbol_get` returns
            // null or the address of a GPL export of a live module, and takes a
            // reference on that module.
            let ptr = unsafe { bindings::__symbol_get(backend.symbol().as_ptr().cast()) };
            if ptr.is_null() {
                return None;
            }
            // INVARIANT: the reference was just taken with `__symbol_get`.
            let symbol = SymbolRef(backend);
            // SAFETY: A non-null result is the exported `struct nestvirt_target`
            // (both sides include include/nestvirt/hooks.h, layout asserted in
            // hooks_abi.rs); it is immutable and lives while we hold the symbol.
            let target = unsafe { &*ptr.cast::<NestvirtTarget>() };
            Some((symbol, target))
        })
}

fn kernel_release(target: &NestvirtTarget) -> Option<&CStr> {
    if target.kernel_release.is_null() {
        return None;
    }
    // SAFETY: A non-null `kernel_release` is `UTS_RELEASE`, a NUL-terminated
    // string literal in the vendor module, live while the symbol is held.
    Some(unsafe { CStr::from_ptr(target.kernel_release) })
}
