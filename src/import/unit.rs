//! A systemd unit read into the description: who runs the app and how, its
//! environment, its stop timeout and its sandbox.

use serde_json::{Value, json};

use super::{Ctx, Fate, Item};
use crate::syntax::systemd::{self, Unit};
use crate::syntax::{FileId, SourceSet};

/// The keys of svcgen's sandbox whose value it writes itself.
const SANDBOX: &[&str] = &[
    "NoNewPrivileges",
    "AmbientCapabilities",
    "ProtectSystem",
    "PrivateTmp",
    "PrivateDevices",
    "PrivateUsers",
    "PrivateMounts",
    "ProtectClock",
    "ProtectHostname",
    "ProtectKernelTunables",
    "ProtectKernelModules",
    "ProtectKernelLogs",
    "ProtectControlGroups",
    "ProtectProc",
    "ProcSubset",
    "RestrictNamespaces",
    "RestrictRealtime",
    "RestrictSUIDSGID",
    "LockPersonality",
    "RemoveIPC",
    "KeyringMode",
    "DevicePolicy",
    "SystemCallArchitectures",
    "SystemCallErrorNumber",
    "UMask",
    "IPAddressDeny",
];

/// What the unit says, for the other files and the checks across them.
#[derive(Debug, Default)]
pub struct Seen {
    pub timeout_stop: Option<u64>,
    pub pm2: bool,
    pub working_dir: Option<String>,
    pub port: Option<u16>,
}

pub fn read(ctx: &mut Ctx, sources: &SourceSet, file: FileId, unit: &Unit, name: &str) -> Seen {
    let mut seen = Seen::default();
    let text = sources.text(file);
    // svcgen's template units: NAME-blue@.service, one instance per port.
    let template = name.contains('@');
    // `pm2 startup`'s unit runs the PM2 daemon for a user: it names PM2, not the app.
    let pm2_daemon = unit
        .value("Service", "ExecStart")
        .and_then(|e| systemd::exec_words(e).into_iter().next())
        .is_some_and(|w| w.ends_with("/pm2") || w == "pm2");
    if pm2_daemon {
        // No name hint.
    } else if let Some(n) = name
        .trim_end_matches(".service")
        .trim_end_matches('@')
        .strip_suffix("-blue")
        .or_else(|| {
            name.trim_end_matches(".service")
                .trim_end_matches('@')
                .strip_suffix("-green")
        })
        .or_else(|| Some(name.trim_end_matches(".service").trim_end_matches('@')))
    {
        ctx.name_hint(n, "the unit's file name");
    }
    // The drain svcgen's own unit states.
    let stated_drain = text
        .lines()
        .find_map(|l| l.strip_prefix("# Stop: the app drains for up to "))
        .and_then(|r| r.split([',', ';']).next())
        .map(str::to_string);
    let mut syscall_filters = 0;
    ctx.begin_env_list();
    for section in &unit.sections {
        for e in &section.entries {
            let (line, column) = sources.get(file).line_col(e.key_span.start);
            let key = e.key.as_str();
            // `%%` is systemd's `%` (a specifier otherwise).
            let unescaped = e.value.replace("%%", "%");
            let value = if key == "Description" || key == "Environment" {
                unescaped.as_str()
            } else {
                e.value.as_str()
            };
            let fate = match (section.name.as_str(), key) {
                ("Unit", "Description") if pm2_daemon => Fate::Dropped(
                    "the PM2 daemon's unit: svcgen's unit describes the app itself".into(),
                ),
                ("Unit", "Description") => {
                    let d = value
                        .split(" (blue, port %i)")
                        .next()
                        .unwrap_or(value)
                        .split(" (green, port %i)")
                        .next()
                        .unwrap_or(value);
                    ctx.draft.set("description", json!(d));
                    Fate::read("description")
                }
                ("Unit", "After" | "Wants") if value.split_whitespace().all(|u| u == "network-online.target" || u == "network.target") => {
                    if value == "network-online.target" {
                        Fate::Svcgen
                    } else {
                        Fate::Changed("(svcgen's unit)".into(), "svcgen orders the app after network-online.target".into())
                    }
                }
                ("Unit", "StartLimitIntervalSec" | "StartLimitBurst") => Fate::Svcgen,
                ("Unit", "Documentation") => Fate::Dropped("svcgen's unit points at the description instead".into()),
                ("Unit", k) => Fate::Unmodelled(format!("`{k}={value}`: svcgen's unit depends only on the network (a database the app needs is the app's to wait for)")),
                ("Service", "Type") => {
                    if value == "exec" {
                        Fate::Svcgen
                    } else {
                        Fate::Changed("(svcgen's unit)".into(), format!("svcgen runs node with Type=exec (Type={value} is not what node does)"))
                    }
                }
                ("Service", "User") => {
                    ctx.draft.set("user", json!(value));
                    Fate::read("user")
                }
                ("Service", "Group") => {
                    ctx.draft.set("group", json!(value));
                    Fate::read("group")
                }
                ("Service", "WorkingDirectory") => {
                    let dir = value.trim_start_matches('-');
                    let app = dir
                        .strip_suffix("/blue")
                        .or_else(|| dir.strip_suffix("/green"))
                        .or_else(|| dir.strip_suffix("/current"))
                        .unwrap_or(dir);
                    seen.working_dir = Some(app.to_string());
                    ctx.set_app_dir(app, "the unit's WorkingDirectory=");
                    Fate::read("app_dir")
                }
                ("Service", "Environment") => env(ctx, &mut seen, value, pm2_daemon),
                ("Service", "EnvironmentFile") => {
                    ctx.draft.set("env_file", json!(value.trim_start_matches('-')));
                    if value.starts_with('-') {
                        Fate::Changed(
                            "env_file".into(),
                            "svcgen requires the file: a missing secrets file stops the start instead of starting the app without its secrets".into(),
                        )
                    } else {
                        Fate::read("env_file")
                    }
                }
                ("Service", "ExecStart") => exec_start(ctx, &mut seen, value, template),
                ("Service", "Restart") => {
                    if value == "on-failure" {
                        Fate::Svcgen
                    } else {
                        Fate::Changed("(svcgen's unit)".into(), format!("svcgen restarts on failure only (Restart=on-failure), not `{value}`: a clean exit is a stop"))
                    }
                }
                ("Service", "RestartSec" | "TimeoutStartSec" | "KillMode") => Fate::Svcgen,
                ("Service", "KillSignal") => {
                    if value == "SIGINT" {
                        ctx.draft.set("shutdown.signals", json!(["SIGINT"]));
                    }
                    Fate::read("shutdown.signals")
                }
                ("Service", "TimeoutStopSec") => {
                    seen.timeout_stop = systemd::parse_timespan(value).map(|ms| ms.div_ceil(1000));
                    if let Some(d) = &stated_drain {
                        ctx.draft.set("shutdown.drain", json!(d));
                    }
                    Fate::read("shutdown.drain, shutdown.margin")
                }
                ("Service", "MemoryMax" | "MemoryLimit") => {
                    ctx.draft.set("host.supervisor.memory_limit", json!(value));
                    if key == "MemoryLimit" {
                        Fate::Changed("host.supervisor.memory_limit".into(), "svcgen writes MemoryMax= (MemoryLimit= is its deprecated name)".into())
                    } else {
                        Fate::read("host.supervisor.memory_limit")
                    }
                }
                ("Service", "LogsDirectory") => {
                    Fate::read("logs.dir")
                }
                ("Service", "StateDirectory") => Fate::read("host.supervisor.pm2_home"),
                ("Service", "ReadWritePaths") => {
                    let mut rest = Vec::new();
                    for p in systemd::words(value) {
                        let p = p.trim_start_matches('-').to_string();
                        if p.ends_with("/pm2") && p.starts_with("/var/lib/") || ctx.draft.get("host.supervisor.pm2_home").and_then(Value::as_str) == Some(&p) {
                            ctx.draft.set("host.supervisor.pm2_home", json!(p));
                        } else if p.starts_with("/var/log/") && !ctx.draft.has("logs.dir") {
                            ctx.draft.set("logs.dir", json!(p));
                        } else {
                            rest.push(Value::String(p));
                        }
                    }
                    if !rest.is_empty() {
                        ctx.draft.set("host.hardening.writable_paths", Value::Array(rest));
                    }
                    Fate::read("host.hardening.writable_paths")
                }
                ("Service", "CapabilityBoundingSet") => {
                    let caps: Vec<String> = systemd::words(value);
                    if !caps.is_empty() {
                        ctx.draft.set("host.hardening.capabilities", json!(caps));
                    }
                    Fate::read("host.hardening.capabilities")
                }
                ("Service", "ProtectHome") => {
                    if value == "read-only" {
                        ctx.draft.set("host.hardening.read_home", json!(true));
                    }
                    Fate::read("host.hardening.read_home")
                }
                ("Service", "RestrictAddressFamilies") => {
                    let extra: Vec<String> = systemd::words(value)
                        .into_iter()
                        .filter(|f| !matches!(f.as_str(), "AF_UNIX" | "AF_INET" | "AF_INET6"))
                        .collect();
                    if !extra.is_empty() {
                        ctx.draft.set("host.hardening.address_families", json!(extra));
                    }
                    Fate::read("host.hardening.address_families")
                }
                ("Service", "IPAddressAllow") => {
                    let peers: Vec<String> = systemd::words(value).into_iter().filter(|p| p != "localhost").collect();
                    ctx.draft.set("host.hardening.network_peers", json!(peers));
                    Fate::read("host.hardening.network_peers")
                }
                ("Service", "MemoryDenyWriteExecute") => {
                    ctx.draft.set("host.hardening.memory_deny_write_execute", json!(systemd::parse_bool(value) == Some(true)));
                    Fate::read("host.hardening.memory_deny_write_execute")
                }
                ("Service", "AppArmorProfile") => {
                    ctx.draft.set("host.hardening.apparmor", json!(true));
                    Fate::read("host.hardening.apparmor")
                }
                ("Service", "SystemCallFilter") => {
                    syscall_filters += 1;
                    if syscall_filters > 2 {
                        let extra = systemd::words(value);
                        ctx.draft.set("host.hardening.allow_syscalls", json!(extra));
                        Fate::read("host.hardening.allow_syscalls")
                    } else {
                        Fate::Svcgen
                    }
                }
                ("Service", k) if SANDBOX.contains(&k) => Fate::Svcgen,
                ("Service", "StandardOutput" | "StandardError" | "SyslogIdentifier") => Fate::Dropped(
                    "the app's output goes to the journal under the unit's name, svcgen's default".into(),
                ),
                ("Service", "LimitNOFILE") => Fate::Unmodelled("`LimitNOFILE=`: svcgen keeps systemd's default (524288 hard, raised by node itself)".into()),
                ("Install", "WantedBy") => {
                    if value == "multi-user.target" {
                        Fate::Svcgen
                    } else {
                        Fate::Changed("(svcgen's unit)".into(), "svcgen's unit is wanted by multi-user.target".into())
                    }
                }
                (s, k) => Fate::Unmodelled(format!("`{k}=` in [{s}]: svcgen has no key for it")),
            };
            ctx.items.push(Item {
                file: sources.name(file).to_string(),
                line,
                column,
                text: format!("{key}={}", e.value),
                sig: signature(&section.name, key, &e.value),
                fate,
            });
        }
    }
    seen
}

fn env(ctx: &mut Ctx, seen: &mut Seen, value: &str, pm2_daemon: bool) -> Fate {
    let mut keys = Vec::new();
    let mut dropped = None;
    for w in systemd::words(value) {
        let Some((k, v)) = w.split_once('=') else {
            continue;
        };
        match k {
            "PORT" => {
                if let Ok(p) = v.parse::<u16>() {
                    seen.port = Some(p);
                    ctx.set_port(p, "the unit's Environment=PORT");
                }
                keys.push("host.supervisor.port");
            }
            "HOST" => {
                ctx.draft.set("host.supervisor.bind", json!(v));
                keys.push("host.supervisor.bind");
            }
            "PM2_HOME" if pm2_daemon => {
                dropped = Some(
                    "PM2's state of a login user's daemon: svcgen keeps it in /var/lib/NAME/pm2, a StateDirectory= of the sandbox (a home directory is hidden from the app)",
                );
            }
            "PM2_HOME" => {
                ctx.draft.set("host.supervisor.pm2_home", json!(v));
                keys.push("host.supervisor.pm2_home");
            }
            "PATH" => {
                dropped = Some(
                    "svcgen runs node and PM2 by their absolute paths (node.path, host.supervisor.pm2_runtime)",
                );
            }
            "PM2_KILL_SIGNAL" => {
                keys.push("shutdown.signals");
            }
            _ => {
                ctx.set_env(k, v);
                keys.push("environment");
            }
        }
    }
    let several = systemd::words(value).len() > 1;
    match (dropped, keys.is_empty()) {
        (Some(why), true) => Fate::Dropped(why.into()),
        _ if several || keys.contains(&"host.supervisor.port") => Fate::Changed(
            keys.join(", "),
            "svcgen writes one variable a line; PORT is each instance's own port (Environment=PORT=%i) and HOST its bind address".into(),
        ),
        _ => Fate::read(&keys.join(", ")),
    }
}

fn exec_start(ctx: &mut Ctx, seen: &mut Seen, value: &str, template: bool) -> Fate {
    let words = systemd::exec_words(value);
    let Some(first) = words.first() else {
        return Fate::Unmodelled("an empty ExecStart=".into());
    };
    // svcgen's pm2 unit: sh -c '… exec PM2_RUNTIME start ECOSYSTEM --only …'
    if first == "/bin/sh" && value.contains(" start ") && value.contains("--only") {
        seen.pm2 = true;
        ctx.draft.set("host.supervisor.kind", json!("pm2"));
        if let Some(rt) = value
            .split("exec ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
        {
            ctx.draft.set("host.supervisor.pm2_runtime", json!(rt));
        }
        return Fate::read("host.supervisor.kind, host.supervisor.pm2_runtime");
    }
    let base = first.rsplit('/').next().unwrap_or(first);
    match base {
        "pm2-runtime" => {
            seen.pm2 = true;
            ctx.draft.set("host.supervisor.kind", json!("pm2"));
            ctx.draft.set("host.supervisor.pm2_runtime", json!(first));
            Fate::Changed(
                "host.supervisor.kind".into(),
                "svcgen's unit runs pm2-runtime on the serving slot's app of its own ecosystem file".into(),
            )
        }
        "pm2" => {
            seen.pm2 = true;
            ctx.draft.set("host.supervisor.kind", json!("pm2"));
            Fate::Changed(
                "host.supervisor.kind".into(),
                "svcgen runs `pm2-runtime` in the foreground under systemd, not the pm2 daemon (which systemd cannot supervise)".into(),
            )
        }
        b if b == "node"
            || b.starts_with("node") && b[4..].chars().all(|c| c.is_ascii_digit() || c == '.') =>
        {
            if !seen.pm2 {
                ctx.draft.set("host.supervisor.kind", json!("systemd"));
            }
            ctx.draft.set("node.path", json!(first));
            let mut args = Vec::new();
            let mut script = None;
            for w in &words[1..] {
                if script.is_none() && w.starts_with('-') {
                    args.push(w.clone());
                } else if script.is_none() {
                    script = Some(w.clone());
                } else {
                    return Fate::Unmodelled(format!(
                        "arguments after the script ({}): svcgen passes the app its settings in the environment",
                        words[words
                            .iter()
                            .position(|x| Some(x) == script.as_ref())
                            .unwrap_or(0)
                            + 1..]
                            .join(" ")
                    ));
                }
            }
            if !args.is_empty() {
                ctx.draft.set("node.args", json!(args));
            }
            if let Some(s) = script {
                ctx.set_entry(&s);
            }
            if template {
                Fate::read("node.path, node.args, entry")
            } else {
                Fate::Changed(
                    "node.path, node.args, entry".into(),
                    "svcgen runs each release slot's own copy (APP_DIR/blue, APP_DIR/green), one instance per port".into(),
                )
            }
        }
        "npm" | "yarn" | "pnpm" => {
            if !seen.pm2 {
                ctx.draft.set("host.supervisor.kind", json!("systemd"));
            }
            Fate::Unmodelled(format!(
                "`{}`: svcgen runs node on the entry script itself (a package manager in between gets the stop signal, not node); set `entry` to what `{} start` runs",
                words.join(" "),
                base
            ))
        }
        _ => Fate::Unmodelled(format!("`ExecStart={value}`: not node or PM2")),
    }
}

/// A unit setting as the comparison sees it: an `Environment=` line by its
/// assignments (quoted or not), a time span in milliseconds.
pub fn signature(section: &str, key: &str, value: &str) -> String {
    let v = if key == "Environment" {
        systemd::words(value).join(" ")
    } else if key.ends_with("Sec") {
        systemd::parse_timespan(value).map_or_else(|| value.to_string(), |ms| format!("{ms}ms"))
    } else {
        value.to_string()
    };
    format!("unit|{section}|{key}={v}")
}
