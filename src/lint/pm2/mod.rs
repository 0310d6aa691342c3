//! PM2 ecosystem rules and what they share.

pub mod format;
pub mod pm001_kill_timeout;
pub mod pm002_fork_instances_one_port;
pub mod pm003_no_memory_limit;
pub mod pm004_inline_secret;
pub mod pm005_wait_ready;
pub mod pm006_file_name;
pub mod pm007_stop_signal;
pub mod pm008_dynamic_value;
pub mod pm009_unknown_option;

use crate::lint::Sink;
use crate::lint::rule::Entry;
use crate::syntax::pm2::{Node, Value};

/// What an ecosystem rule reads.
pub struct Ctx<'a> {
    pub root: &'a Node,
    /// The file's name (PM2 recognises configurations by it).
    pub file_name: &'a str,
    /// The app's drain time in ms, when known (description or `// svcgen: drain=10s`).
    pub drain_ms: Option<u64>,
    /// The stop signals the app handles, when known (description or
    /// `// svcgen: signals=SIGTERM`).
    pub signals: Option<Vec<String>>,
}

impl<'a> Ctx<'a> {
    /// The app objects of `apps: [ … ]`.
    pub fn apps(&self) -> Vec<&'a Node> {
        match self.root.get("apps").map(|a| &a.value) {
            Some(Value::Array(items)) => items
                .iter()
                .filter(|n| matches!(n.value, Value::Object(_)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// An app's name for messages.
pub fn app_name(app: &Node) -> String {
    app.get("name")
        .and_then(Node::as_str)
        .map_or_else(|| "(unnamed app)".to_string(), |n| format!("`{n}`"))
}

/// `exec_mode` as PM2 reads it: `cluster` when set so, or when `instances` is set
/// without an `exec_mode`.
pub fn cluster_mode(app: &Node) -> bool {
    match app.get("exec_mode").and_then(Node::as_str) {
        Some(m) => m.starts_with("cluster"),
        None => app.get("instances").is_some(),
    }
}

/// PM2's duration values: milliseconds as a number or a numeric string.
pub fn millis(node: &Node) -> Option<f64> {
    node.as_f64()
}

/// The check type of ecosystem rules.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The ecosystem rules, in code order (the engine's own findings first).
pub static RULES: &[Entry<Check>] = &[
    Entry::Reported(&format::SYNTAX),
    Entry::Checked(&pm001_kill_timeout::RULE, pm001_kill_timeout::check),
    Entry::Checked(
        &pm002_fork_instances_one_port::RULE,
        pm002_fork_instances_one_port::check,
    ),
    Entry::Checked(&pm003_no_memory_limit::RULE, pm003_no_memory_limit::check),
    Entry::Checked(&pm004_inline_secret::RULE, pm004_inline_secret::check),
    Entry::Checked(&pm005_wait_ready::RULE, pm005_wait_ready::check),
    Entry::Checked(&pm006_file_name::RULE, pm006_file_name::check),
    Entry::Checked(&pm007_stop_signal::RULE, pm007_stop_signal::check),
    Entry::Checked(&pm008_dynamic_value::RULE, pm008_dynamic_value::check),
    Entry::Checked(&pm009_unknown_option::RULE, pm009_unknown_option::check),
];
