//! The catalogue of rules: stable codes, default severities, documentation, and
//! the check each one runs. A new rule is one file plus one line in `all()`.

use serde::Serialize;

use super::Severity;
use super::nginx as ng;
use super::pm2 as pm;
use super::shell as sh;
use super::systemd as sd;

/// The check a rule runs, by the artifact it reads.
pub enum Check {
    Nginx(fn(&ng::Ctx<'_>, &mut super::Sink<'_>)),
    Systemd(fn(&sd::Ctx<'_>, &mut super::Sink<'_>)),
    Pm2(fn(&pm::Ctx<'_>, &mut super::Sink<'_>)),
    Shell(fn(&sh::Ctx<'_>, &mut super::Sink<'_>)),
    /// Across the files of one service.
    Cross(fn(&super::cross::Ctx<'_>, &mut super::Sink<'_>)),
    /// Reported by the engine itself (suppressions).
    Engine,
}

/// One rule and its documentation.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
    pub references: &'static [&'static str],
    /// The description key whose rendering this rule checks.
    pub description_key: Option<&'static str>,
    pub check: Check,
}

/// Every rule, in code order.
pub fn all() -> &'static [&'static Rule] {
    static RULES: &[&Rule] = &[
        &ng::ng001_weak_protocols::RULE,
        &ng::ng002_weak_ciphers::RULE,
        &ng::ng003_hsts::RULE,
        &ng::ng004_security_headers::RULE,
        &ng::ng005_header_always::RULE,
        &ng::ng006_inheritance_loss::RULE,
        &ng::ng007_server_tokens::RULE,
        &ng::ng008_http2_syntax::RULE,
        &ng::ng009_streaming_buffering::RULE,
        &ng::ng010_websocket_upgrade::RULE,
        &ng::ng011_upstream_keepalive::RULE,
        &ng::ng012_alias_traversal::RULE,
        &ng::ng013_host_header::RULE,
        &ng::ng014_plain_http_content::RULE,
        &ng::ng015_ocsp_stapling::RULE,
        &sd::sd001_notify_without_notifier::RULE,
        &sd::sd002_mdwe_with_node::RULE,
        &sd::sd003_syscall_filter_errno::RULE,
        &sd::sd004_root_user::RULE,
        &sd::sd005_secret_environment::RULE,
        &sd::sd006_stop_timeout::RULE,
        &sd::sd007_exec_not_absolute::RULE,
        &sd::sd008_no_install::RULE,
        &sd::sd009_unwritable_dir::RULE,
        &sd::sd010_unknown_directive::RULE,
        &sd::sd011_invalid_value::RULE,
        &sd::sd012_exposure::RULE,
        &super::run::SD_SYNTAX,
        &pm::pm001_kill_timeout::RULE,
        &pm::pm002_fork_instances_one_port::RULE,
        &pm::pm003_no_memory_limit::RULE,
        &pm::pm004_inline_secret::RULE,
        &pm::pm005_wait_ready::RULE,
        &pm::pm006_file_name::RULE,
        &pm::pm007_stop_signal::RULE,
        &pm::pm008_dynamic_value::RULE,
        &super::run::PM_SYNTAX,
        &super::run::SHELLCHECK_FAILED,
        &sh::sh001_strict_mode::RULE,
        &sh::sh002_dev_dependencies::RULE,
        &sh::sh003_health_check::RULE,
        &sh::sh004_no_rollback::RULE,
        &sh::sh005_migration_note::RULE,
        &sh::sh006_previous_revision::RULE,
        &sh::sh007_rm_empty_var::RULE,
        &sh::sh008_pm2_update_env::RULE,
        &super::cross::PORTS,
        &super::cross::HEALTH,
        &super::cross::TIMEOUTS,
        &super::cross::ONE_SUPERVISOR,
        &super::cross::SAME_APP_DIR,
        &super::cross::LOGS_WRITABLE,
        &super::cross::SAME_USER,
        &super::suppress::UNUSED,
        &super::suppress::NO_REASON,
        &super::run::SYNTAX,
        &super::run::MISSING_INCLUDE,
        &super::run::DESCRIPTION,
    ];
    RULES
}

pub fn find(code: &str) -> Option<&'static Rule> {
    all()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Documentation as data, for `explain --format json` and SARIF.
#[derive(Serialize)]
pub struct RuleDoc {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
    pub references: &'static [&'static str],
}

impl Rule {
    pub fn doc(&self) -> RuleDoc {
        RuleDoc {
            code: self.code,
            name: self.name,
            severity: self.severity,
            summary: self.summary,
            what: self.what,
            why: self.why,
            example: self.example,
            fix: self.fix,
            references: self.references,
        }
    }

    /// The documentation as Markdown (for `svcgen explain` and the README).
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "## {} `{}` ({})\n\n{}\n\n### What it does\n{}\n\n### Why is this bad?\n{}\n\n### Example\n```{}\n{}\n```\n\n### Use instead\n{}\n",
            self.code,
            self.name,
            self.severity,
            self.summary,
            self.what.trim(),
            self.why.trim(),
            if self.code.starts_with("SD") {
                "ini"
            } else {
                "nginx"
            },
            self.example.trim(),
            self.fix.trim()
        );
        if !self.references.is_empty() {
            s.push_str("\n### References\n");
            for r in self.references {
                s.push_str(&format!("- {r}\n"));
            }
        }
        s
    }
}
