// SPDX-License-Identifier: GPL-2.0

//! Rule machinery shared by the VMX and SVM catalogues.
//!
//! A rule is one architectural consistency check (an SDM VM-entry check or an
//! APM VMRUN check) with a stable ID. Catalogues are declared with
//! [`define_rules!`]; checks are written one per line with [`cc!`], KVM's
//! `CC()` with a rule ID: the failing rule goes to a [`Verdicts`] sink, which
//! is a counter and tracepoint in the kernel and a list under `cargo test`, so
//! tests assert *which* rule fired.

use core::ops::ControlFlow;

/// What the architecture does when a rule fails.
///
/// The consequence is a property of the rule, mapped once by the caller that
/// emulates the failing instruction (KVM's `nested_vmx_run()`,
/// `nested_svm_vmrun()`), never by the check itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Consequence {
    /// VMLAUNCH/VMRESUME fails with VMfailValid and this VM-instruction error
    /// number: 7 ("VM entry with invalid control field(s)") or 8 ("VM entry
    /// with invalid host-state field(s)").
    VmFailValid(u8),
    /// VM entry fails with a VM exit, basic reason 33 ("VM-entry failure due
    /// to invalid guest state"), and this exit qualification (0 in general,
    /// 2 for PDPTE loading, 3 for NMI injection, 4 for the VMCS link pointer).
    InvalidGuestState(u8),
    /// VM entry fails with a VM exit, basic reason 34 ("VM-entry failure due
    /// to MSR loading"); the exit qualification is the 1-based index of the
    /// failing entry in the VM-entry MSR-load list.
    MsrLoadFail,
    /// A failure while storing or loading MSRs on VM exit: VMX abort with
    /// this indicator (2: storing guest MSRs, 4: loading host MSRs).
    VmxAbort(u32),
    /// VMRUN completes with `#VMEXIT(VMEXIT_INVALID)`.
    VmexitInvalid,
    /// VMRUN raises #GP(0) without entering the guest.
    GeneralProtection,
}

impl Consequence {
    /// Short text for catalogues and traces.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::VmFailValid(7) => "VMfailValid(7)",
            Self::VmFailValid(8) => "VMfailValid(8)",
            Self::VmFailValid(_) => "VMfailValid",
            Self::InvalidGuestState(0) => "VM-exit 33",
            Self::InvalidGuestState(2) => "VM-exit 33, qual 2 (PDPTE)",
            Self::InvalidGuestState(3) => "VM-exit 33, qual 3 (NMI injection)",
            Self::InvalidGuestState(4) => "VM-exit 33, qual 4 (VMCS link)",
            Self::InvalidGuestState(_) => "VM-exit 33",
            Self::MsrLoadFail => "VM-exit 34, qual = entry index",
            Self::VmxAbort(2) => "VMX abort 2 (storing guest MSRs)",
            Self::VmxAbort(4) => "VMX abort 4 (loading host MSRs)",
            Self::VmxAbort(_) => "VMX abort",
            Self::VmexitInvalid => "#VMEXIT(INVALID)",
            Self::GeneralProtection => "#GP(0)",
        }
    }
}

/// Why a rule exists: whether real hardware fails the entry too.
///
/// Enforce must give exactly what hardware gives, so only architectural
/// rules sit in the classes an operator enforces to mean "as the hardware";
/// a hardening rule lives in a hardening class ([`RuleClass::is_hardening`]),
/// audit by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The manual makes the entry fail: the section that says so (e.g.
    /// `"SDM 27.2.1.1"`, `"APM 15.5.1"`). The rule's description gives the
    /// manual's words.
    Architectural(&'static str),
    /// Stricter than the manual (a KVM policy, or nestvirt's): hardware
    /// would accept what the rule rejects. Why the rule is kept.
    Hardening(&'static str),
}

impl Basis {
    /// Whether the rule is stricter than the architecture.
    pub const fn is_hardening(self) -> bool {
        matches!(self, Self::Hardening(_))
    }

    /// The section (architectural) or the reason (hardening).
    pub const fn text(self) -> &'static str {
        match self {
            Self::Architectural(t) | Self::Hardening(t) => t,
        }
    }
}

/// The class of a catalogue: the unit an operator sets a mode for.
pub trait RuleClass: Copy + Eq + core::fmt::Debug + 'static {
    /// Whether the class holds hardening rules ([`Basis::Hardening`]): audit
    /// by default, enforced only when asked for by name.
    fn is_hardening(self) -> bool;
}

/// The static description of one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo<C: 'static> {
    /// Stable ID, e.g. `VMX-GUEST-CR0-PG-PE`. Never reused, never renumbered:
    /// counters, traces, errno reports and the documentation use it.
    pub id: &'static str,
    /// The class whose mode (off/audit/enforce) governs the rule.
    pub class: C,
    /// What the architecture does when the rule fails.
    pub consequence: Consequence,
    /// Architectural (and where the manual says so) or hardening (and why).
    pub basis: Basis,
    /// The rule in the manual's words.
    pub description: &'static str,
}

/// A catalogue of rules: a dense `#[repr(u16)]` enum made by [`define_rules!`].
pub trait Rule: Copy + Eq + core::fmt::Debug + 'static {
    /// The class type of this catalogue.
    type Class: RuleClass;
    /// Every rule, in check order; `ALL[r.index()] == r`.
    const ALL: &'static [Self];
    /// The dense index of this rule, for counter arrays.
    fn index(self) -> usize;
    /// The static description of this rule.
    fn info(self) -> &'static RuleInfo<Self::Class>;
}

/// Declares a rule catalogue: an enum, its [`Rule`] implementation and its
/// [`RuleInfo`] table, from one line per rule.
///
/// ```ignore
/// define_rules! {
///     /// VMX VM-entry checks.
///     pub enum VmxRule: VmxClass {
///         CtlPinReserved = ("VMX-CTL-PIN-RSVD", VmxClass::Controls,
///             Consequence::VmFailValid(7), Basis::Architectural("SDM 27.2.1.1"),
///             "Reserved bits in the pin-based VM-execution controls must be set properly"),
///     }
/// }
/// ```
macro_rules! define_rules {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $class:ty {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = ($id:literal, $rclass:expr, $cons:expr, $basis:expr, $desc:literal $(,)?)
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            const INFOS: &'static [crate::engine::rule::RuleInfo<$class>] = &[
                $( crate::engine::rule::RuleInfo {
                    id: $id,
                    class: $rclass,
                    consequence: $cons,
                    basis: $basis,
                    description: $desc,
                }, )*
            ];
            /// Number of rules in the catalogue.
            pub const COUNT: usize = Self::INFOS.len();
        }

        impl crate::engine::rule::Rule for $name {
            type Class = $class;
            const ALL: &'static [Self] = &[ $( Self::$variant, )* ];
            fn index(self) -> usize {
                self as usize
            }
            fn info(self) -> &'static crate::engine::rule::RuleInfo<$class> {
                // `self as usize` < INFOS.len(): both lists come from the same
                // macro repetition. `get` keeps this panic-free regardless.
                match Self::INFOS.get(self as usize) {
                    Some(info) => info,
                    None => &Self::INFOS[0],
                }
            }
        }
    };
}
pub(crate) use define_rules;

/// Checks one rule: when `$fails` is true, report `$rule` to `$sink` and
/// return early if the sink says so. The check reads as KVM's `CC(expr)`.
macro_rules! cc {
    ($sink:expr, $rule:expr, $fails:expr) => {
        if $fails {
            $sink.failed($rule)?;
        }
    };
}
pub(crate) use cc;

/// Where failing rules go.
pub trait Verdicts<R: Rule> {
    /// Records that `rule` failed. `Break` stops checking (enforce, or the
    /// architecture's first-failure order); `Continue` asks for more
    /// (audit wants every failure).
    fn failed(&mut self, rule: R) -> ControlFlow<()>;
}

/// Stops at the first failing rule, as the hardware does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirstFailure<R>(pub Option<R>);

impl<R> Default for FirstFailure<R> {
    fn default() -> Self {
        Self(None)
    }
}

impl<R: Rule> Verdicts<R> for FirstFailure<R> {
    fn failed(&mut self, rule: R) -> ControlFlow<()> {
        self.0 = Some(rule);
        ControlFlow::Break(())
    }
}

/// Maximum catalogue size supported by [`RuleSet`].
pub const MAX_RULES: usize = 512;
const WORDS: usize = MAX_RULES / 64;

/// A set of rules, as a bitmap over the dense rule index: every failure, for
/// audit mode and for tests that assert exactly which rules fired.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RuleSet<R> {
    bits: [u64; WORDS],
    _rule: core::marker::PhantomData<R>,
}

impl<R: Rule> Default for RuleSet<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Rule> RuleSet<R> {
    /// The empty set.
    pub const fn new() -> Self {
        Self {
            bits: [0; WORDS],
            _rule: core::marker::PhantomData,
        }
    }

    /// Adds `rule`. Rules past [`MAX_RULES`] are not representable; the
    /// catalogue tests assert no catalogue is that large.
    pub fn insert(&mut self, rule: R) {
        let i = rule.index();
        if let Some(word) = self.bits.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    /// Whether `rule` is in the set.
    pub fn contains(&self, rule: R) -> bool {
        let i = rule.index();
        self.bits
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Number of rules in the set.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.used_words().iter().all(|w| *w == 0)
    }

    /// The words a rule of the catalogue can be in.
    fn used_words(&self) -> &[u64] {
        let words = R::ALL.len().div_ceil(64).min(WORDS);
        self.bits.get(..words).unwrap_or(&self.bits)
    }

    /// The rules in the set, in catalogue order.
    ///
    /// Walks the set bits, not the catalogue: on the nested-entry path the
    /// set is almost always empty, and a walk over every rule would cost
    /// more than the checks that filled it.
    pub fn iter(&self) -> impl Iterator<Item = R> + '_ {
        self.used_words()
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| SetBits(word).map(move |bit| w * 64 + bit))
            .filter_map(|i| R::ALL.get(i).copied())
    }

    /// The first rule of the set in catalogue order.
    pub fn first(&self) -> Option<R> {
        self.iter().next()
    }
}

/// The indices of the set bits of a word, lowest first.
struct SetBits(u64);

impl Iterator for SetBits {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros() as usize;
        // Clear the lowest set bit.
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

impl<R: Rule> core::fmt::Debug for RuleSet<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set()
            .entries(self.iter().map(|r| r.info().id))
            .finish()
    }
}

impl<R: Rule> Verdicts<R> for RuleSet<R> {
    fn failed(&mut self, rule: R) -> ControlFlow<()> {
        self.insert(rule);
        ControlFlow::Continue(())
    }
}

/// What nestvirt does with a failing rule of a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Mode {
    /// Do not evaluate the class.
    Off = 0,
    /// Evaluate, count and trace every failure; KVM's own verdict stands.
    Audit = 1,
    /// Evaluate; the first failure fails the nested entry as the
    /// architecture says, even where KVM would have accepted it.
    Enforce = 2,
}

impl Mode {
    /// Decodes a mode from its ABI value.
    pub const fn from_u32(v: u32) -> Option<Self> {
        match v {
            0 => Some(Self::Off),
            1 => Some(Self::Audit),
            2 => Some(Self::Enforce),
            _ => None,
        }
    }

    /// Parses a module-parameter spelling (`off`, `audit`, `enforce`).
    pub fn parse(s: &[u8]) -> Option<Self> {
        let s = s.strip_suffix(b"\n").unwrap_or(s);
        match s {
            b"off" => Some(Self::Off),
            b"audit" => Some(Self::Audit),
            b"enforce" => Some(Self::Enforce),
            _ => None,
        }
    }

    /// The module-parameter spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Audit => "audit",
            Self::Enforce => "enforce",
        }
    }
}

/// The modes of a catalogue's classes packed in one word, two bits per
/// class (its ABI number): the nested-entry path reads every mode with one
/// atomic load, and `NESTVIRT_SET_MODE` on all classes is one store that
/// no entry sees half done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassModes(pub u64);

impl ClassModes {
    /// Classes one word holds.
    pub const MAX_CLASSES: usize = 32;

    /// Every one of the first `classes` classes in `mode`, the rest off.
    pub const fn uniform(mode: Mode, classes: usize) -> Self {
        let mut word = 0;
        let mut c = 0;
        while c < classes && c < Self::MAX_CLASSES {
            word |= (mode as u64) << (2 * c);
            c += 1;
        }
        Self(word)
    }

    /// `arch` for every architectural class of `classes` (a catalogue's
    /// classes in ABI order), `hardening` for every hardening class: the
    /// load-time modes, so that enforcing means "as the hardware" unless the
    /// hardening classes are asked for too. Classes beyond
    /// [`Self::MAX_CLASSES`] stay off.
    pub fn by_basis<C: RuleClass>(classes: &[C], arch: Mode, hardening: Mode) -> Self {
        let mut modes = Self(0);
        for (index, class) in classes.iter().enumerate() {
            let mode = if class.is_hardening() {
                hardening
            } else {
                arch
            };
            if let Some(m) = modes.with(index, mode) {
                modes = m;
            }
        }
        modes
    }

    /// The mode of class `class`; `Off` for a class the word cannot hold.
    pub const fn get(self, class: usize) -> Mode {
        if class >= Self::MAX_CLASSES {
            return Mode::Off;
        }
        match Mode::from_u32(((self.0 >> (2 * class)) & 3) as u32) {
            Some(mode) => mode,
            None => Mode::Off,
        }
    }

    /// The same modes with class `class` in `mode`; `None` for a class the
    /// word cannot hold.
    pub const fn with(self, class: usize, mode: Mode) -> Option<Self> {
        if class >= Self::MAX_CLASSES {
            return None;
        }
        let shift = 2 * class;
        Some(Self((self.0 & !(3 << shift)) | ((mode as u64) << shift)))
    }

    /// Whether any class is evaluated at all.
    pub const fn any_on(self) -> bool {
        self.0 != 0
    }

    /// Whether any class is in enforce mode. An entry nestvirt cannot
    /// check (no copy of its state) then fails: enforcement fails closed.
    pub const fn any_enforced(self) -> bool {
        let mut class = 0;
        while class < Self::MAX_CLASSES {
            if matches!(self.get(class), Mode::Enforce) {
                return true;
            }
            class += 1;
        }
        false
    }
}

/// What the class modes make of a set of failing rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome<R: Rule> {
    /// Failures of classes in audit or enforce mode: counted and traced.
    pub counted: RuleSet<R>,
    /// The first failure, in check order, of a class in enforce mode whose
    /// consequence the caller can apply: it fails the nested entry.
    pub enforced: Option<R>,
}

/// Applies per-class modes to `failures`: failures of `Off` classes are
/// dropped, the rest counted, and the first one of an `Enforce` class whose
/// consequence satisfies `can_enforce` becomes the verdict. A hook that
/// runs after the instruction's own faults were decided passes a
/// `can_enforce` that refuses those consequences (e.g. #GP), so a failure
/// is never reported with a consequence other than the architecture's.
pub fn apply_modes<R: Rule>(
    failures: &RuleSet<R>,
    mode_of: impl Fn(R::Class) -> Mode,
    can_enforce: impl Fn(Consequence) -> bool,
) -> Outcome<R> {
    let mut counted = RuleSet::new();
    let mut enforced = None;
    if failures.is_empty() {
        // The common case on every nested entry: nothing to decide.
        return Outcome { counted, enforced };
    }
    for rule in failures.iter() {
        let info = rule.info();
        match mode_of(info.class) {
            Mode::Off => {}
            Mode::Audit => counted.insert(rule),
            Mode::Enforce => {
                counted.insert(rule);
                if enforced.is_none() && can_enforce(info.consequence) {
                    enforced = Some(rule);
                }
            }
        }
    }
    Outcome { counted, enforced }
}

/// Checks the invariants every catalogue must keep: IDs unique and
/// well-formed, the dense index matching `ALL`, the size within
/// [`MAX_RULES`]. Returns the first violation as text. Used by each vendor's
/// catalogue test and by `nestvirt-rules`.
pub fn check_catalogue<R: Rule>() -> Result<(), &'static str> {
    if R::ALL.len() > MAX_RULES {
        return Err("catalogue larger than MAX_RULES");
    }
    for (i, r) in R::ALL.iter().enumerate() {
        if r.index() != i {
            return Err("ALL is not in index order");
        }
        let id = r.info().id;
        let well_formed = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !well_formed {
            return Err("rule ID is not [A-Z0-9-]+");
        }
        if r.info().description.is_empty() {
            return Err("rule without description");
        }
        if r.info().basis.text().is_empty() {
            return Err("rule without a section (architectural) or a reason (hardening)");
        }
        if r.info().basis.is_hardening() != r.info().class.is_hardening() {
            return Err("a hardening rule outside a hardening class, or the reverse");
        }
        if R::ALL[..i].iter().any(|o| o.info().id == id) {
            return Err("duplicate rule ID");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum TestClass {
        A,
        B,
    }

    impl RuleClass for TestClass {
        fn is_hardening(self) -> bool {
            self == Self::B
        }
    }

    const ARCH: Basis = Basis::Architectural("SDM 1.2");
    const HARD: Basis = Basis::Hardening("stricter");

    define_rules! {
        enum TestRule: TestClass {
            First = ("T-FIRST", TestClass::A, Consequence::VmFailValid(7), ARCH, "first"),
            Second = ("T-SECOND", TestClass::B, Consequence::VmexitInvalid, HARD, "second"),
            Third = ("T-THIRD", TestClass::B, Consequence::MsrLoadFail, HARD, "third"),
        }
    }

    // A hardening rule in an architectural class: enforcing that class would
    // reject what hardware accepts.
    define_rules! {
        enum Misfiled: TestClass {
            Only = ("T-MISFILED", TestClass::A, Consequence::VmexitInvalid, HARD, "misfiled"),
        }
    }

    // An architectural rule in a hardening class: audit by default would
    // hide a failure the hardware reports.
    define_rules! {
        enum Hidden: TestClass {
            Only = ("T-HIDDEN", TestClass::B, Consequence::VmexitInvalid, ARCH, "hidden"),
        }
    }

    define_rules! {
        enum Unsourced: TestClass {
            Only = ("T-UNSOURCED", TestClass::A, Consequence::VmexitInvalid,
                Basis::Architectural(""), "no section"),
        }
    }

    #[test]
    fn load_modes_follow_the_class_basis() {
        let classes = [TestClass::A, TestClass::B, TestClass::A];
        let m = ClassModes::by_basis(&classes, Mode::Enforce, Mode::Audit);
        assert_eq!(
            [m.get(0), m.get(1), m.get(2), m.get(3)],
            [Mode::Enforce, Mode::Audit, Mode::Enforce, Mode::Off]
        );
        let m = ClassModes::by_basis(&classes, Mode::Off, Mode::Enforce);
        assert_eq!(
            [m.get(0), m.get(1), m.get(2)],
            [Mode::Off, Mode::Enforce, Mode::Off]
        );
        let many = [TestClass::B; 40];
        let m = ClassModes::by_basis(&many, Mode::Off, Mode::Audit);
        assert_eq!((m.get(31), m.get(32)), (Mode::Audit, Mode::Off));
    }

    #[test]
    fn a_rule_basis_matches_its_class() {
        assert!(check_catalogue::<Misfiled>().is_err());
        assert!(check_catalogue::<Hidden>().is_err());
        assert!(check_catalogue::<Unsourced>().is_err());
        assert_eq!(Misfiled::COUNT + Hidden::COUNT + Unsourced::COUNT, 3);
        assert!(HARD.is_hardening() && !ARCH.is_hardening());
        assert_eq!((ARCH.text(), HARD.text()), ("SDM 1.2", "stricter"));
    }

    fn check(v: &mut impl Verdicts<TestRule>, a: bool, b: bool, c: bool) -> ControlFlow<()> {
        cc!(v, TestRule::First, a);
        cc!(v, TestRule::Second, b);
        cc!(v, TestRule::Third, c);
        ControlFlow::Continue(())
    }

    #[test]
    fn catalogue_is_dense_and_described() {
        assert_eq!(TestRule::COUNT, 3);
        assert_eq!(check_catalogue::<TestRule>(), Ok(()));
        assert_eq!(TestRule::Second.info().id, "T-SECOND");
        assert_eq!(TestRule::Third.info().class, TestClass::B);
        assert_eq!(
            TestRule::First.info().consequence,
            Consequence::VmFailValid(7)
        );
    }

    #[test]
    fn first_failure_stops_at_the_first_rule_in_order() {
        let mut v = FirstFailure::default();
        assert!(check(&mut v, false, true, true).is_break());
        assert_eq!(v.0, Some(TestRule::Second));
        let mut v = FirstFailure::default();
        assert!(check(&mut v, false, false, false).is_continue());
        assert_eq!(v.0, None);
    }

    #[test]
    fn rule_set_collects_every_failure() {
        let mut v = RuleSet::new();
        assert!(check(&mut v, true, false, true).is_continue());
        assert_eq!(v.len(), 2);
        assert!(v.contains(TestRule::First) && v.contains(TestRule::Third));
        assert!(!v.contains(TestRule::Second));
        assert_eq!(v.first(), Some(TestRule::First));
    }

    #[test]
    fn modes_decide_what_is_counted_and_enforced() {
        let mut failures = RuleSet::new();
        failures.insert(TestRule::First);
        failures.insert(TestRule::Second);
        failures.insert(TestRule::Third);
        let all = |_| true;

        let o = apply_modes(&failures, |_| Mode::Off, all);
        assert!(o.counted.is_empty());
        assert_eq!(o.enforced, None);

        let o = apply_modes(&failures, |_| Mode::Audit, all);
        assert_eq!(o.counted, failures);
        assert_eq!(o.enforced, None);

        // Class A audited, class B enforced: the first B failure decides.
        let split = |c| {
            if c == TestClass::A {
                Mode::Audit
            } else {
                Mode::Enforce
            }
        };
        let o = apply_modes(&failures, split, all);
        assert_eq!(o.counted, failures);
        assert_eq!(o.enforced, Some(TestRule::Second));

        // A consequence the caller cannot apply is counted, not enforced.
        let no_invalid = |c| c != Consequence::VmexitInvalid;
        let o = apply_modes(&failures, |_| Mode::Enforce, no_invalid);
        assert_eq!(o.enforced, Some(TestRule::First));
        let o = apply_modes(&failures, split, no_invalid);
        assert_eq!(o.enforced, Some(TestRule::Third));

        let o = apply_modes(
            &failures,
            |c| {
                if c == TestClass::A {
                    Mode::Off
                } else {
                    Mode::Audit
                }
            },
            all,
        );
        assert!(!o.counted.contains(TestRule::First));
        assert_eq!(o.counted.len(), 2);
    }

    #[test]
    fn class_modes_pack_each_class_apart() {
        let modes = [Mode::Off, Mode::Audit, Mode::Enforce];
        // Every assignment of modes to the first three classes round-trips
        // and leaves the other classes alone.
        for a in modes {
            for b in modes {
                for c in modes {
                    let w = ClassModes::uniform(Mode::Enforce, 5);
                    let w = w
                        .with(0, a)
                        .and_then(|w| w.with(1, b))
                        .and_then(|w| w.with(2, c));
                    let w = w.unwrap();
                    assert_eq!([w.get(0), w.get(1), w.get(2)], [a, b, c]);
                    assert_eq!(
                        [w.get(3), w.get(4), w.get(5)],
                        [Mode::Enforce, Mode::Enforce, Mode::Off]
                    );
                    assert!(w.any_on());
                }
            }
        }
        assert!(!ClassModes::uniform(Mode::Off, 6).any_on());
        assert_eq!(ClassModes::uniform(Mode::Audit, 40).get(31), Mode::Audit);
        assert_eq!(ClassModes::uniform(Mode::Audit, 40).get(32), Mode::Off);
        assert_eq!(ClassModes(0).with(32, Mode::Audit), None);
        // The unused encoding 3 reads as off, never as a mode.
        assert_eq!(ClassModes(3).get(0), Mode::Off);
    }

    #[test]
    fn any_enforced_sees_each_class() {
        assert!(!ClassModes::uniform(Mode::Audit, 32).any_enforced());
        assert!(!ClassModes(0).any_enforced());
        assert!(!ClassModes(3 << 10).any_enforced());
        for class in [0, 1, 5, 31] {
            let w = ClassModes::uniform(Mode::Audit, 32)
                .with(class, Mode::Enforce)
                .unwrap();
            assert!(w.any_enforced(), "class {class}");
            assert!(ClassModes(0)
                .with(class, Mode::Enforce)
                .unwrap()
                .any_enforced());
        }
    }

    #[test]
    fn rule_set_iterates_past_the_first_word() {
        // The VMX catalogue spans several words.
        use crate::engine::vmx::VmxRule;
        let mut set = RuleSet::new();
        let picks = [0usize, 63, 64, 130, VmxRule::COUNT - 1];
        for &i in &picks {
            set.insert(VmxRule::ALL[i]);
        }
        let mut got = [usize::MAX; 5];
        for (slot, rule) in got.iter_mut().zip(set.iter()) {
            *slot = rule.index();
        }
        assert_eq!(got, picks);
        assert_eq!(set.len(), picks.len());
        assert!(!set.is_empty());
    }

    #[test]
    fn mode_round_trips() {
        for m in [Mode::Off, Mode::Audit, Mode::Enforce] {
            assert_eq!(Mode::from_u32(m as u32), Some(m));
            assert_eq!(Mode::parse(m.name().as_bytes()), Some(m));
        }
        assert_eq!(Mode::parse(b"enforce\n"), Some(Mode::Enforce));
        assert_eq!(Mode::parse(b"Enforce"), None);
        assert_eq!(Mode::from_u32(3), None);
    }
}
