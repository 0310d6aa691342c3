//! Cross-file rules: the nginx site, systemd unit, PM2 ecosystem file and deploy
//! script of one service, checked against each other. They run on files given
//! together with `svcgen lint --together` (one service's hand-written files).

pub mod xa001_upstream_ports_match_supervisor;
pub mod xa002_health_url_matches_app;
pub mod xa003_shutdown_timeouts_ordered;
pub mod xa004_one_supervisor;
pub mod xa005_same_app_directory;
pub mod xa006_log_directory_writable;
pub mod xa007_same_user;
pub mod xa008_env_file_contract;
pub mod xa010_unit_reads_env_file;

use crate::lint::Sink;
use crate::lint::rule::{Entry, Rule};
use crate::syntax::Span;
use crate::syntax::nginx::{Block, Config, Directive};
use crate::syntax::pm2::{Node, Value};
use crate::syntax::shell::Script;
use crate::syntax::systemd::{Unit, exec_words};

/// The files of one service, as far as they were given.
pub struct Ctx<'a> {
    pub nginx: Option<&'a Config>,
    pub unit: Option<&'a Unit>,
    pub ecosystem: Option<&'a Node>,
    pub script: Option<&'a Script>,
    /// A description given with the files: what the service should be.
    pub service: Option<&'a crate::description::Service>,
    /// An env file given with them.
    pub env: Option<&'a EnvFile>,
}

/// An env file as systemd reads it.
pub struct EnvFile {
    pub file: crate::syntax::FileId,
    pub assignments: Vec<crate::syntax::envfile::Assignment>,
}

pub(super) fn apps(eco: &Node) -> Vec<&Node> {
    match eco.get("apps").map(|a| &a.value) {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// The app's `PORT` and the env block it was read from: `env`, else the first
/// `env_*` block that sets it (`env_production`, selected with `--env production`,
/// is where many ecosystem files put it).
pub(super) fn env_port(app: &Node) -> Option<(String, &Node)> {
    if let Some(p) = app.get("env").and_then(|e| e.get("PORT")) {
        return Some(("env".into(), p));
    }
    let crate::syntax::pm2::Value::Object(entries) = &app.value else {
        return None;
    };
    let mut blocks: Vec<&(String, Span, Node)> = entries
        .iter()
        .filter(|(k, _, _)| k.starts_with("env_"))
        .collect();
    // env_production first: it is what a production server runs.
    blocks.sort_by_key(|(k, _, _)| (k != "env_production", k.clone()));
    blocks
        .into_iter()
        .find_map(|(k, _, v)| v.get("PORT").map(|p| (k.clone(), p)))
}

/// The loopback ports the app listens on, and where that was read.
pub(super) fn app_ports(ctx: &Ctx<'_>) -> Option<(Vec<u16>, Span, String)> {
    if let Some(svc) = ctx.service {
        // Both release slots' ports (blue, then green).
        let ports = svc
            .slot_ports()
            .into_iter()
            .flatten()
            .filter_map(|p| u16::try_from(p).ok())
            .collect();
        return Some((ports, Span::default(), "the description".into()));
    }
    if let Some(eco) = ctx.ecosystem
        && let Some(app) = apps(eco).into_iter().next()
        && let Some((block, port)) = env_port(app)
        && let Some(p) = port.as_f64()
    {
        let cluster = match app.get("exec_mode").and_then(Node::as_str) {
            Some(m) => m.starts_with("cluster"),
            None => app.get("instances").is_some(),
        };
        let n = app
            .get("instances")
            .and_then(Node::as_f64)
            .unwrap_or(1.0)
            .max(1.0) as u16;
        let ports = if cluster {
            vec![p as u16]
        } else {
            (0..n).filter_map(|i| (p as u16).checked_add(i)).collect()
        };
        return Some((
            ports,
            port.span,
            format!(
                "{}, PORT from `{block}`",
                if cluster {
                    "PM2 cluster (one shared port)"
                } else {
                    "PM2 fork instances"
                }
            ),
        ));
    }
    let unit = ctx.unit?;
    for e in unit.all("Service", "Environment") {
        for w in exec_words(&e.value) {
            if let Some(p) = w.strip_prefix("PORT=").and_then(|p| p.parse::<u16>().ok()) {
                return Some((vec![p], e.value_span, "the unit's PORT".into()));
            }
        }
    }
    None
}

pub(super) fn upstream_servers(config: &Config) -> Vec<(String, Directive<'_>)> {
    let mut out = Vec::new();
    fn rec<'a>(ds: Block<'a>, out: &mut Vec<(String, Directive<'a>)>) {
        for d in ds {
            if d.is("upstream") {
                for s in d.children().iter().filter(|s| s.is("server")) {
                    if let Some(a) = s.arg(0) {
                        out.push((a.to_string(), s));
                    }
                }
            }
            rec(d.children(), out);
        }
    }
    rec(config.directives(), &mut out);
    out
}

pub(super) fn port_of(addr: &str) -> Option<u16> {
    addr.rsplit(':').next()?.parse().ok()
}

/// The check type of a cross-file rule.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The cross-file rules, in code order.
/// The cross-file rules as documentation.
pub fn rules() -> &'static [&'static Rule] {
    crate::lint::rule::documented!(RULES)
}

pub static RULES: &[Entry<Check>] = &[
    Entry::Checked(
        &xa001_upstream_ports_match_supervisor::RULE,
        xa001_upstream_ports_match_supervisor::check_ports,
    ),
    Entry::Checked(
        &xa002_health_url_matches_app::RULE,
        xa002_health_url_matches_app::check_health,
    ),
    Entry::Checked(
        &xa003_shutdown_timeouts_ordered::RULE,
        xa003_shutdown_timeouts_ordered::check_timeouts,
    ),
    Entry::Checked(
        &xa004_one_supervisor::RULE,
        xa004_one_supervisor::check_supervisors,
    ),
    Entry::Checked(
        &xa005_same_app_directory::RULE,
        xa005_same_app_directory::check_app_dir,
    ),
    Entry::Checked(
        &xa006_log_directory_writable::RULE,
        xa006_log_directory_writable::check_logs,
    ),
    Entry::Checked(&xa007_same_user::RULE, xa007_same_user::check_user),
    Entry::Checked(
        &xa008_env_file_contract::RULE,
        xa008_env_file_contract::check_required,
    ),
    Entry::Checked(
        &xa008_env_file_contract::UNKNOWN,
        xa008_env_file_contract::check_unknown,
    ),
    Entry::Checked(
        &xa010_unit_reads_env_file::RULE,
        xa010_unit_reads_env_file::check,
    ),
];

/// One service's files as the formats parsed them (the first of each kind), for the
/// cross-file rules.
#[derive(Default)]
pub struct Bundle {
    pub nginx: Option<Config>,
    pub unit: Option<Unit>,
    pub ecosystem: Option<Node>,
    pub script: Option<Script>,
    pub service: Option<crate::description::Service>,
    pub env: Option<EnvFile>,
}

impl Bundle {
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            nginx: self.nginx.as_ref(),
            unit: self.unit.as_ref(),
            ecosystem: self.ecosystem.as_ref(),
            script: self.script.as_ref(),
            service: self.service.as_ref(),
            env: self.env.as_ref(),
        }
    }
}
