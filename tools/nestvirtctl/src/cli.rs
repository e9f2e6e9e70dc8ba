// SPDX-License-Identifier: GPL-2.0

//! The command line, shared by `nestvirtctl` and `nestvirtctl-mangen`.

use crate::error::{exit_codes_help, EXIT_CODES};
use crate::model::{parse_mode_words, ClassArg};
use crate::watch::parse_interval;
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// nestvirtctl: observe and steer the nestvirt kernel module through
/// /dev/nestvirt.
#[derive(Debug, Parser)]
#[command(
    name = "nestvirtctl",
    version,
    about = "Observe and steer the nestvirt kernel module through /dev/nestvirt",
    long_about = "Observe and steer the nestvirt kernel module through /dev/nestvirt: \
                  what it is attached to, the nested entries it has seen, the mode of \
                  each rule class and the failure counter of each rule.",
    after_help = exit_codes_help(),
    arg_required_else_help = true
)]
pub struct Cli {
    /// The nestvirt device.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "NESTVIRT_DEVICE",
        default_value = "/dev/nestvirt"
    )]
    pub device: PathBuf,

    /// Print JSON instead of text (status, rules, mode, watch, state).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// What nestvirt is attached to, its modes and its counters.
    Status,
    /// The rules of the attached backend's catalogue with their failure
    /// counters.
    Rules {
        /// Only rules that failed at least once.
        #[arg(long)]
        failed: bool,
        /// Only rules of this class (name, any case, '-' or '_'; or number).
        #[arg(long, value_name = "CLASS", value_parser = ClassArg::parse)]
        class: Option<ClassArg>,
    },
    /// Show the mode of every class, or set the mode of one class or all.
    #[command(
        override_usage = "nestvirtctl mode [OPTIONS] [[CLASS|all] off|audit|enforce]",
        after_help = "Without a mode, shows the mode of every class. With a mode \
                      (off, audit, enforce or 0, 1, 2), sets it for CLASS (a name, \
                      any case, '-' or '_', or a number) or, by default, all classes, \
                      then shows the modes."
    )]
    Mode {
        /// An optional class (name or number; default: all), then the mode:
        /// off, audit, enforce (or 0, 1, 2)
        #[arg(value_name = "WORDS", num_args = 0..=2)]
        words: Vec<String>,
    },
    /// Read migration state files offline: a nestvirt state container or a
    /// raw KVM nested-state blob (KVM_GET_NESTED_STATE's bytes, as QEMU
    /// saves them). Needs no device.
    State {
        #[command(subcommand)]
        action: StateAction,
    },
    /// nestvirt's VPID/ASID mapping (module parameter tags): host tags per
    /// vCPU and its counters — transitions without KVM's TLB flush, host
    /// tags flushed, evictions, host ASIDs or VPIDs taken, tags in use.
    Tags,
    /// Print the deltas of the counters every interval, like kvm_stat.
    Watch {
        /// Seconds between two samples (fractions allowed).
        #[arg(long, value_name = "SECS", default_value = "1", value_parser = parse_interval)]
        interval: Duration,
        /// Stop after N intervals (default: run until killed).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        count: Option<u64>,
    },
}

/// What `state` does.
#[derive(Debug, Subcommand)]
pub enum StateAction {
    /// Print what the file holds: its sections, KVM's header, the L1 it was
    /// checked against, the class modes.
    Dump {
        /// The state file.
        file: PathBuf,
    },
    /// Check the file as nestvirt's restore does: the container, KVM's
    /// header checks, then in guest mode the whole rule catalogue (every
    /// class enforced) on the L2 state against the L1 the container
    /// records. Exit 8 with the refusing ID when it fails.
    Validate {
        /// The state file.
        file: PathBuf,
    },
    /// Compare two state files field by field (KVM's header, the vmcb12 or
    /// vmcs12 fields, the L1 record, the class modes).
    Diff {
        /// The first file.
        a: PathBuf,
        /// The second file.
        b: PathBuf,
    },
}

/// The clap command, for `--help` and the man page.
pub fn command() -> clap::Command {
    Cli::command()
}

/// The man page nestvirtctl(1): clap_mangen's sections of the command, then
/// each command with its options, the exit status, the environment and the
/// files.
pub fn man_page(w: &mut dyn std::io::Write) -> std::io::Result<()> {
    use roff::{bold, italic, roman, Roff};

    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;

    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let usage = sub.clone().render_usage().to_string();
        let usage = usage.trim_start_matches("Usage:").trim();
        roff.control("TP", []);
        roff.text([bold(usage)]);
        let about = sub.get_long_about().or_else(|| sub.get_about());
        roff.text([roman(about.map(|a| a.to_string()).unwrap_or_default())]);
        let own_args = sub
            .get_arguments()
            .filter(|a| !a.is_global_set() && !a.is_hide_set() && a.get_id() != "help");
        let mut any = false;
        for arg in own_args {
            if !any {
                roff.control("RS", []);
                any = true;
            }
            let values = arg
                .get_value_names()
                .map(|v| {
                    v.iter()
                        .map(|n| format!("<{n}>"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            let label = match arg.get_long() {
                Some(long) if values.is_empty() || !arg.get_action().takes_values() => {
                    format!("--{long}")
                }
                Some(long) => format!("--{long} {values}"),
                None => values,
            };
            roff.control("TP", []);
            roff.text([bold(label)]);
            let help = arg.get_long_help().or_else(|| arg.get_help());
            let mut text = help.map(|h| h.to_string()).unwrap_or_default();
            let default = arg
                .get_default_values()
                .first()
                .filter(|_| arg.get_action().takes_values());
            if let Some(default) = default {
                text.push_str(&format!(" [default: {}]", default.to_string_lossy()));
            }
            roff.text([roman(text)]);
        }
        if any {
            roff.control("RE", []);
        }
        if let Some(after) = sub.get_after_long_help().or_else(|| sub.get_after_help()) {
            roff.control("IP", []);
            roff.text([roman(after.to_string())]);
        }
    }

    roff.control("SH", ["EXIT STATUS"]);
    for (exit, what) in EXIT_CODES {
        roff.control("TP", []);
        roff.text([bold(exit.code().to_string())]);
        roff.text([roman(what)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    roff.control("TP", []);
    roff.text([bold("NESTVIRT_DEVICE")]);
    roff.text([roman("The device, as --device gives it (which wins).")]);
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([italic("/dev/nestvirt")]);
    roff.text([roman(
        "The misc device of the nestvirt module (modprobe nestvirt).",
    )]);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "Documentation/nestvirt/nestvirtctl.rst and Documentation/nestvirt/api.rst \
         in the nestvirt source.",
    )]);
    roff.to_writer(w)?;
    man.render_version_section(w)
}

/// Parses the command line, including what clap cannot check alone (the
/// words of `mode`). Errors are clap's, with exit code 2.
pub fn parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::try_parse_from(args)?;
    if let Command::Mode { words } = &cli.command {
        if let Err(msg) = parse_mode_words(words) {
            let mut cmd = command();
            cmd.build();
            return Err(match cmd.find_subcommand_mut("mode") {
                Some(mode) => mode.error(ErrorKind::InvalidValue, msg),
                None => command().error(ErrorKind::InvalidValue, msg),
            });
        }
    }
    Ok(cli)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        parse_args(std::iter::once("nestvirtctl").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn global_options_and_defaults() {
        let cli = parse(&["status"]).unwrap();
        // NESTVIRT_DEVICE is not set in the test environment.
        if std::env::var_os("NESTVIRT_DEVICE").is_none() {
            assert_eq!(cli.device, PathBuf::from("/dev/nestvirt"));
        }
        assert!(!cli.json);
        let cli = parse(&["rules", "--json", "--device", "/tmp/x", "--failed"]).unwrap();
        assert!(cli.json);
        assert_eq!(cli.device, PathBuf::from("/tmp/x"));
        match cli.command {
            Command::Rules { failed, class } => {
                assert!(failed);
                assert_eq!(class, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rules_class_accepts_names_and_numbers() {
        match parse(&["rules", "--class", "Int-Ctl"]).unwrap().command {
            Command::Rules { class, .. } => {
                assert_eq!(class, Some(ClassArg::Name("int_ctl".into())))
            }
            other => panic!("{other:?}"),
        }
        let err = parse(&["rules", "--class", "nope"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn bad_mode_words_are_usage_errors() {
        for args in [
            &["mode", "bogus"][..],
            &["mode", "save", "bogus"],
            &["mode", "bogus", "audit"],
            &["mode", "save"],
            &["mode", "a", "b", "c"],
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
        assert!(parse(&["mode"]).is_ok());
        assert!(parse(&["mode", "enforce"]).is_ok());
        assert!(parse(&["mode", "all", "0"]).is_ok());
        assert!(parse(&["mode", "host-state", "AUDIT"]).is_ok());
    }

    #[test]
    fn watch_options() {
        match parse(&["watch", "--interval", "0.5", "--count", "3"])
            .unwrap()
            .command
        {
            Command::Watch { interval, count } => {
                assert_eq!(interval, Duration::from_millis(500));
                assert_eq!(count, Some(3));
            }
            other => panic!("{other:?}"),
        }
        match parse(&["watch"]).unwrap().command {
            Command::Watch { interval, count } => {
                assert_eq!(interval, Duration::from_secs(1));
                assert_eq!(count, None);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse(&["watch", "--count", "0"]).unwrap_err().exit_code(),
            2
        );
        assert_eq!(
            parse(&["watch", "--interval", "0"])
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    #[test]
    fn the_man_page_has_every_command_option_and_exit_code() {
        let mut page = Vec::new();
        man_page(&mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{page}");
        assert!(page.contains(".TH nestvirtctl 1"), "{page}");
        for word in [
            ".SH COMMANDS",
            "nestvirtctl status",
            "nestvirtctl rules [OPTIONS]",
            "\\-\\-failed",
            "\\-\\-class <CLASS>",
            "nestvirtctl mode [OPTIONS] [[CLASS|all] off|audit|enforce]",
            "\\-\\-interval <SECS>",
            "[default: 1]",
            "at least once\n",
            "\\-\\-count <N>",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            "NESTVIRT_DEVICE",
        ] {
            assert!(page.contains(word), "the man page lacks {word:?}:\n{page}");
        }
        for (exit, what) in EXIT_CODES {
            let what = what.replace('-', "\\-");
            assert!(
                page.contains(&format!(".TP\n\\fB{}\\fR\n{what}\n", exit.code())),
                "{what}:\n{page}"
            );
        }
        assert!(
            !page.contains("nestvirtctl\\-status(1)"),
            "no pages per command"
        );
    }

    #[test]
    fn help_lists_the_exit_codes() {
        let help = command().render_long_help().to_string();
        assert!(help.contains("Exit status:"), "{help}");
        assert!(help.contains("7  not a nestvirt device"), "{help}");
        assert!(help.contains("NESTVIRT_DEVICE"), "{help}");
    }
}
