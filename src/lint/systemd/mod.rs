//! systemd unit rules and what they share.

pub mod format;
pub mod sd001_notify_without_notifier;
pub mod sd002_mdwe_with_node;
pub mod sd003_syscall_filter_errno;
pub mod sd004_root_user;
pub mod sd005_secret_environment;
pub mod sd006_stop_timeout;
pub mod sd007_exec_not_absolute;
pub mod sd008_no_install;
pub mod sd009_unwritable_dir;
pub mod sd010_unknown_directive;
pub mod sd011_invalid_value;
pub mod sd012_exposure;

use crate::lint::Sink;
use crate::lint::rule::Entry;
use std::collections::HashSet;
use std::sync::OnceLock;

use crate::syntax::systemd::{Unit, exec_words};

/// What a unit rule reads.
pub struct Ctx<'a> {
    pub unit: &'a Unit,
    /// How long the app drains on its stop signal, when known (from the description
    /// or a `# svcgen: drain=10s` comment in the unit), in milliseconds.
    pub drain_ms: Option<u64>,
    /// Directories the app is known to write (from the description).
    pub writes: Vec<String>,
    /// The unit's exposure score, computed once by the driver.
    pub exposure: &'a crate::analysis::exposure::Exposure,
    /// SD012's threshold on systemd's 0–10 exposure scale.
    pub exposure_max: f64,
}

/// The directives systemd 252 knows, as `Section.Key`.
pub fn known_directives() -> &'static HashSet<&'static str> {
    static KEYS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| {
        include_str!("../../../data/systemd-252-directives.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

impl Ctx<'_> {
    /// The words of the effective `ExecStart=`.
    pub fn exec_start(&self) -> Vec<String> {
        self.unit
            .value("Service", "ExecStart")
            .map(exec_words)
            .unwrap_or_default()
    }

    /// True when the service runs Node.js (node, npm, PM2, or a `.js` script).
    pub fn runs_node(&self) -> bool {
        self.exec_start().iter().enumerate().any(|(i, w)| {
            let base = w.rsplit('/').next().unwrap_or(w);
            (i == 0 || i == 1)
                && matches!(
                    base,
                    "node"
                        | "nodejs"
                        | "npm"
                        | "npx"
                        | "yarn"
                        | "pm2"
                        | "pm2-runtime"
                        | "pm2-docker"
                )
                || w.ends_with(".js")
                || w.ends_with(".mjs")
                || w.ends_with(".cjs")
        })
    }

    /// True for an app server: it runs Node.js, or it orders itself after the network.
    pub fn network_service(&self) -> bool {
        self.runs_node()
            || ["After", "Wants", "Requires"].iter().any(|k| {
                self.unit
                    .all("Unit", k)
                    .iter()
                    .any(|e| e.value.contains("network"))
            })
    }

    /// `PM2_HOME` from `Environment=`, if set.
    pub fn pm2_home(&self) -> Option<String> {
        self.unit
            .all("Service", "Environment")
            .iter()
            .find_map(|e| {
                exec_words(&e.value)
                    .into_iter()
                    .find_map(|w| w.strip_prefix("PM2_HOME=").map(str::to_string))
            })
    }
}

/// The check type of unit rules.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The unit rules, in code order (the engine's own findings first).
pub static RULES: &[Entry<Check>] = &[
    Entry::Reported(&format::SYNTAX),
    Entry::Checked(
        &sd001_notify_without_notifier::RULE,
        sd001_notify_without_notifier::check,
    ),
    Entry::Checked(&sd002_mdwe_with_node::RULE, sd002_mdwe_with_node::check),
    Entry::Checked(
        &sd003_syscall_filter_errno::RULE,
        sd003_syscall_filter_errno::check,
    ),
    Entry::Checked(&sd004_root_user::RULE, sd004_root_user::check),
    Entry::Checked(
        &sd005_secret_environment::RULE,
        sd005_secret_environment::check,
    ),
    Entry::Checked(&sd006_stop_timeout::RULE, sd006_stop_timeout::check),
    Entry::Checked(
        &sd007_exec_not_absolute::RULE,
        sd007_exec_not_absolute::check,
    ),
    Entry::Checked(&sd008_no_install::RULE, sd008_no_install::check),
    Entry::Checked(&sd009_unwritable_dir::RULE, sd009_unwritable_dir::check),
    Entry::Checked(
        &sd010_unknown_directive::RULE,
        sd010_unknown_directive::check,
    ),
    Entry::Checked(&sd011_invalid_value::RULE, sd011_invalid_value::check),
    Entry::Checked(&sd012_exposure::RULE, sd012_exposure::check),
];
