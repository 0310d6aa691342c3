//! PM009: an app key PM2 does not read.

use super::{Ctx, app_name};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::pm2::Value;

pub static RULE: Rule = Rule {
    code: "PM009",
    name: "unknown-app-option",
    severity: Severity::Warning,
    summary: "an app sets a key PM2 does not read (a typo, most often)",
    what: "Checks every key of every app against the options PM2 reads (its `lib/API/schema.json`: each option and its aliases, `env_*`, and `autostart` and `stop_exit_codes` of PM2 5). A key close to an option (`wate_ready`, `kill_timout`) is a warning that names it; any other unknown key is info.",
    why: "PM2 starts the app whatever keys the file holds and ignores the ones it does not know: `wate_ready: true` leaves the reload waiting for nothing, `kill_timout: 10000` keeps the 1.6 s default, and nothing says so.",
    example: "{ name: 'api', script: 'server.js', wate_ready: true }",
    fix: "{ name: 'api', script: 'server.js', wait_ready: true }",
    references: &["https://pm2.keymetrics.io/docs/usage/application-declaration/"],
    description_key: None,
};

/// PM2's app options (`lib/API/schema.json`) and their aliases, and the two
/// PM2 5 reads outside the schema.
pub const OPTIONS: &[&str] = &[
    "script",
    "exec",
    "name",
    "name_prefix",
    "filter_env",
    "namespace",
    "install_url",
    "cwd",
    "args",
    "exec_interpreter",
    "interpreter",
    "node_args",
    "interpreterArgs",
    "interpreter_args",
    "out_file",
    "out",
    "output",
    "out_log",
    "error_file",
    "error",
    "err",
    "err_file",
    "err_log",
    "log_file",
    "log",
    "disable_logs",
    "log_type",
    "log_date_format",
    "time",
    "env",
    "max_memory_restart",
    "pid_file",
    "pid",
    "restart_delay",
    "exp_backoff_restart_delay",
    "source_map_support",
    "disable_source_map_support",
    "wait_ready",
    "instances",
    "kill_timeout",
    "shutdown_with_message",
    "listen_timeout",
    "cron_restart",
    "cron",
    "merge_logs",
    "combine_logs",
    "vizion",
    "autorestart",
    "watch_delay",
    "watch",
    "ignore_watch",
    "watch_options",
    "min_uptime",
    "max_restarts",
    "execute_command",
    "exec_mode",
    "force",
    "append_env_to_name",
    "post_update",
    "trace",
    "disable_trace",
    "v8",
    "event_loop_inspector",
    "deep_monitoring",
    "increment_var",
    "instance_var",
    "pmx",
    "automation",
    "treekill",
    "port",
    "username",
    "uid",
    "user",
    "gid",
    "windowsHide",
    "kill_retry_time",
    "write",
    "io",
    "autostart",
    "stop_exit_codes",
];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for app in ctx.apps() {
        let Value::Object(entries) = &app.value else {
            continue;
        };
        for (key, span, _) in entries {
            if OPTIONS.contains(&key.as_str()) || key.starts_with("env_") {
                continue;
            }
            match crate::suggest::closest(key, OPTIONS.iter().copied()) {
                Some(near) => sink.report(
                    *span,
                    format!(
                        "app {}: PM2 has no option `{key}` and ignores it — did you mean `{near}`?",
                        app_name(app)
                    ),
                    format!("rename it `{near}`"),
                ),
                None => sink.report_uncertain(
                    *span,
                    format!(
                        "app {}: PM2 has no option `{key}` and ignores it",
                        app_name(app)
                    ),
                    "remove it, or keep it if another tool reads it",
                ),
            }
        }
    }
}
