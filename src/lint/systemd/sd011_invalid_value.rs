//! SD011: a value systemd cannot parse for a well-known directive.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::systemd::{parse_bool, parse_timespan};

pub static RULE: Rule = Rule {
    code: "SD011",
    name: "invalid-value",
    severity: Severity::Error,
    summary: "a value systemd cannot parse (a boolean, enumeration or time span)",
    what: "Checks the values of common `[Service]` directives: booleans (NoNewPrivileges, PrivateTmp, …), enumerations (Type, Restart, KillMode, ProtectSystem, ProtectHome, ProtectProc, ProcSubset, NotifyAccess) and time spans (TimeoutStopSec, RestartSec, …).",
    why: "systemd logs a warning and ignores the line, so the protection or timeout you wrote is not in force.",
    example: "[Service]\nProtectSystem=strcit\nTimeoutStopSec=30 seconds please",
    fix: "[Service]\nProtectSystem=strict\nTimeoutStopSec=30s",
    references: &["https://www.freedesktop.org/software/systemd/man/systemd.exec.html"],
    description_key: None,
};

const BOOLEANS: &[&str] = &[
    "NoNewPrivileges",
    "PrivateTmp",
    "PrivateDevices",
    "PrivateNetwork",
    "PrivateUsers",
    "PrivateMounts",
    "ProtectKernelTunables",
    "ProtectKernelModules",
    "ProtectKernelLogs",
    "ProtectControlGroups",
    "ProtectClock",
    "ProtectHostname",
    "RestrictRealtime",
    "RestrictSUIDSGID",
    "LockPersonality",
    "MemoryDenyWriteExecute",
    "RemoveIPC",
    "DynamicUser",
    "RemainAfterExit",
];

const ENUMS: &[(&str, &[&str])] = &[
    (
        "Type",
        &[
            "simple",
            "exec",
            "forking",
            "oneshot",
            "dbus",
            "notify",
            "notify-reload",
            "idle",
        ],
    ),
    (
        "Restart",
        &[
            "no",
            "on-success",
            "on-failure",
            "on-abnormal",
            "on-watchdog",
            "on-abort",
            "always",
        ],
    ),
    ("KillMode", &["control-group", "mixed", "process", "none"]),
    (
        "ProtectSystem",
        &[
            "yes", "no", "true", "false", "full", "strict", "1", "0", "on", "off",
        ],
    ),
    (
        "ProtectHome",
        &[
            "yes",
            "no",
            "true",
            "false",
            "read-only",
            "tmpfs",
            "1",
            "0",
            "on",
            "off",
        ],
    ),
    (
        "ProtectProc",
        &["noaccess", "invisible", "ptraceable", "default"],
    ),
    ("ProcSubset", &["all", "pid"]),
    ("NotifyAccess", &["none", "main", "exec", "all"]),
];

const TIMES: &[&str] = &[
    "TimeoutStopSec",
    "TimeoutStartSec",
    "TimeoutSec",
    "RestartSec",
    "WatchdogSec",
    "RuntimeMaxSec",
];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(service) = ctx.unit.section("Service") else {
        return;
    };
    let _ = service;
    for s in ctx.unit.sections.iter().filter(|s| s.name == "Service") {
        for e in s.entries.iter().filter(|e| !e.value.is_empty()) {
            let k = e.key.as_str();
            if BOOLEANS.contains(&k) && parse_bool(&e.value).is_none() {
                sink.report(
                    e.value_span,
                    format!("`{k}={}` is not a boolean: systemd ignores it", e.value),
                    "use `yes` or `no`",
                );
            } else if let Some((_, allowed)) = ENUMS.iter().find(|(n, _)| *n == k) {
                if !allowed.contains(&e.value.as_str()) {
                    sink.report(
                        e.value_span,
                        format!("`{k}={}` is not one of {}", e.value, allowed.join(", ")),
                        "systemd ignores an unknown value",
                    );
                }
            } else if TIMES.contains(&k) && parse_timespan(&e.value).is_none() {
                sink.report(
                    e.value_span,
                    format!("`{k}={}` is not a time span", e.value),
                    "write `30s`, `1min 30s` or `infinity`",
                );
            }
        }
    }
}
