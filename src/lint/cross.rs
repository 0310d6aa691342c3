//! Cross-file rules: the nginx site, systemd unit, PM2 ecosystem file and deploy
//! script of one service, checked against each other. They run on files given
//! together with `svcgen lint --together` (one service's hand-written files).

use crate::artifact::Span;
use crate::artifact::nginx::{Block, Config, Directive};
use crate::artifact::pm2::{Node, Value};
use crate::artifact::shell::Script;
use crate::artifact::systemd::{Unit, exec_words, parse_timespan};
use crate::lint::registry::{Check, Rule};
use crate::lint::{Severity, Sink};

/// The files of one service, as far as they were given.
pub struct Ctx<'a> {
    pub nginx: Option<&'a Config>,
    pub unit: Option<&'a Unit>,
    pub ecosystem: Option<&'a Node>,
    pub script: Option<&'a Script>,
    /// A description given with the files: what the service should be.
    pub service: Option<&'a crate::spec::Service>,
}

fn apps(eco: &Node) -> Vec<&Node> {
    match eco.get("apps").map(|a| &a.value) {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// The app's `PORT` and the env block it was read from: `env`, else the first
/// `env_*` block that sets it (`env_production`, selected with `--env production`,
/// is where many ecosystem files put it).
fn env_port(app: &Node) -> Option<(String, &Node)> {
    if let Some(p) = app.get("env").and_then(|e| e.get("PORT")) {
        return Some(("env".into(), p));
    }
    let crate::artifact::pm2::Value::Object(entries) = &app.value else {
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
fn app_ports(ctx: &Ctx<'_>) -> Option<(Vec<u16>, Span, String)> {
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

fn upstream_servers(config: &Config) -> Vec<(String, Directive<'_>)> {
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

fn port_of(addr: &str) -> Option<u16> {
    addr.rsplit(':').next()?.parse().ok()
}

pub static PORTS: Rule = Rule {
    code: "XA001",
    name: "upstream-ports-match-supervisor",
    severity: Severity::Error,
    summary: "nginx's upstream ports do not match the ports the app listens on",
    what: "With files given together, compares the nginx upstream servers with the supervisor: a PM2 cluster listens on one shared port, fork-mode instances on one port each (from the ecosystem file's `PORT` in `env`, else in an `env_*` block such as `env_production` — the finding names which — or the unit's `Environment=PORT=`).",
    why: "An upstream server on a port nothing listens on turns a share of requests into 502s; a cluster listed as several ports (3000, 3001…) sends traffic nowhere.",
    example: "upstream app { server 127.0.0.1:3000; server 127.0.0.1:3001; }\n// ecosystem: exec_mode: 'cluster', instances: 2, env: { PORT: 3000 }",
    fix: "upstream app { server 127.0.0.1:3000; keepalive 16; }",
    references: &["https://pm2.keymetrics.io/docs/usage/cluster-mode/"],
    description_key: Some("supervisor"),
    check: Check::Cross(check_ports),
};

fn check_ports(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(config), Some((ports, _, how))) = (ctx.nginx, app_ports(ctx)) else {
        return;
    };
    let servers = upstream_servers(config);
    let local: Vec<&(String, Directive<'_>)> = servers
        .iter()
        .filter(|(a, _)| {
            a.starts_with("127.") || a.starts_with("localhost") || a.starts_with("[::1]")
        })
        .collect();
    for (addr, d) in &local {
        if port_of(addr).is_some_and(|p| !ports.contains(&p)) {
            sink.report(
                d.span(),
                format!(
                    "upstream server `{addr}` is not a port the app listens on ({how}: {:?})",
                    ports
                ),
                "list exactly the app's ports in the upstream",
            );
        }
    }
    for p in &ports {
        if !local.is_empty() && !local.iter().any(|(a, _)| port_of(a) == Some(*p)) {
            sink.report(
                local[0].1.span(),
                format!("the app listens on port {p} ({how}) but no upstream server points at it"),
                "add it to the upstream",
            );
        }
    }
}

pub static HEALTH: Rule = Rule {
    code: "XA002",
    name: "health-url-matches-app",
    severity: Severity::Error,
    summary: "the deploy script checks health on a port the app does not listen on",
    what: "With files given together, checks that every `http://127.0.0.1:PORT/…` the deploy script calls with curl is one of the app's ports — and, when a description is given with the files, that the path is its `health.path`.",
    why: "A health check against the wrong port fails every deploy (and rolls back good releases), or passes against another service.",
    example: "curl -fsS --max-time 3 http://127.0.0.1:8080/health   # the app listens on 3000",
    fix: "curl -fsS --max-time 3 http://127.0.0.1:3000/health",
    references: &[],
    description_key: Some("health"),
    check: Check::Cross(check_health),
};

fn check_health(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(script), Some((ports, _, how))) = (ctx.script, app_ports(ctx)) else {
        return;
    };
    for l in &script.lines {
        if !l.code.contains("curl") {
            continue;
        }
        for w in l.code.split_whitespace() {
            let w = w.trim_matches(['"', '\'']);
            let Some(rest) = w
                .strip_prefix("http://127.0.0.1:")
                .or_else(|| w.strip_prefix("http://localhost:"))
            else {
                continue;
            };
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(p) = port.parse::<u16>()
                && !ports.contains(&p)
            {
                sink.report(
                    l.span_of(&port),
                    format!(
                        "the health check calls port {p}, but the app listens on {ports:?} ({how})"
                    ),
                    "check the port the app listens on",
                );
            }
            // With a description, the health path is known too.
            if let Some(svc) = ctx.service {
                let path = rest[port.len()..].split(['?', '#']).next().unwrap_or("");
                if !path.is_empty() && !path.contains('$') && path != svc.health.path {
                    sink.report(
                        l.span_of(path),
                        format!("the health check calls `{path}`, but the description's health path is `{}`", svc.health.path),
                        "call the health path the app serves",
                    );
                }
            }
        }
    }
}

pub static TIMEOUTS: Rule = Rule {
    code: "XA003",
    name: "shutdown-timeouts-ordered",
    severity: Severity::Error,
    summary: "PM2's kill_timeout is not below systemd's TimeoutStopSec",
    what: "With files given together, checks that the PM2 `kill_timeout` is shorter than the unit's `TimeoutStopSec` (default 90 s), so the app drains < PM2 kills < systemd kills.",
    why: "If systemd's stop timeout ends first, systemd SIGKILLs pm2-runtime and every worker while PM2 is still waiting for them to drain.",
    example: "TimeoutStopSec=10s\n// ecosystem: kill_timeout: 30000",
    fix: "TimeoutStopSec=40s\n// ecosystem: kill_timeout: 30000",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.service.html#TimeoutStopSec=",
    ],
    description_key: Some("shutdown"),
    check: Check::Cross(check_timeouts),
};

fn check_timeouts(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(unit), Some(eco)) = (ctx.unit, ctx.ecosystem) else {
        return;
    };
    let entry = unit.get("Service", "TimeoutStopSec");
    let stop = entry
        .and_then(|e| parse_timespan(&e.value))
        .unwrap_or(90_000);
    for app in apps(eco) {
        if let Some(k) = app.get("kill_timeout").and_then(Node::as_f64)
            && k >= stop as f64
        {
            let at = entry.map_or(app.span, |e| e.value_span);
            sink.report(at, format!("TimeoutStopSec ({} ms) is not above PM2's kill_timeout ({k} ms): systemd kills PM2 mid-drain", stop), "set TimeoutStopSec above kill_timeout plus a margin");
        }
    }
}

pub static ONE_SUPERVISOR: Rule = Rule {
    code: "XA004",
    name: "one-supervisor",
    severity: Severity::Error,
    summary: "two supervisors restart the app",
    what: "With files given together, flags a unit that runs node directly while an ecosystem file also runs the app, and a unit that starts a daemonized PM2 (`pm2 start`, `pm2 resurrect`, `Type=forking`) instead of `pm2-runtime` in the foreground.",
    why: "Two supervisors fight: both restart the app after a crash (port conflicts, double workers), and systemd cannot see or stop what a forked PM2 daemon runs.",
    example: "[Service]\nType=forking\nExecStart=/usr/bin/pm2 resurrect",
    fix: "[Service]\nType=exec\nExecStart=/usr/bin/pm2-runtime start /srv/app/ecosystem.config.js",
    references: &["https://pm2.keymetrics.io/docs/usage/docker-pm2-nodejs/"],
    description_key: Some("supervisor.kind"),
    check: Check::Cross(check_supervisors),
};

fn check_supervisors(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(unit) = ctx.unit else { return };
    let Some(exec) = unit.get("Service", "ExecStart") else {
        return;
    };
    let words = exec_words(&exec.value);
    let program = words
        .first()
        .map(|w| w.rsplit('/').next().unwrap_or(w).to_string())
        .unwrap_or_default();
    let daemon_pm2 = program == "pm2"
        && words
            .iter()
            .any(|w| w == "start" || w == "resurrect" || w == "reload");
    if daemon_pm2
        || (program.starts_with("pm2") && unit.value("Service", "Type") == Some("forking"))
    {
        sink.report(
            exec.value_span,
            "the unit starts a daemonized PM2: systemd supervises the daemon, not the app",
            "run `pm2-runtime start ecosystem.config.js` in the foreground with Type=exec",
        );
    } else if matches!(program.as_str(), "node" | "nodejs")
        && ctx.ecosystem.is_some_and(|e| !apps(e).is_empty())
    {
        sink.report(
            exec.value_span,
            "the unit runs node directly while the ecosystem file also runs the app under PM2",
            "choose one supervisor: systemd (no ecosystem file) or pm2-runtime in the unit",
        );
    }
}

pub static SAME_APP_DIR: Rule = Rule {
    code: "XA005",
    name: "same-app-directory",
    severity: Severity::Error,
    summary: "the files disagree on where the app lives",
    what: "With files given together, compares the application directory each file names: the unit's `WorkingDirectory=`, the ecosystem file's `cwd`, and the directory the deploy script `cd`s into (or its `APP_DIR=`).",
    why: "The deploy script then updates a checkout that is not the one running, or PM2 starts the app from another directory: the deploy reports success and nothing changes — or the wrong code runs.",
    example: "WorkingDirectory=/srv/shop\n// ecosystem: cwd: '/home/deploy/shop'",
    fix: "Use one application directory in all of them (svcgen renders them from one `app_dir`).",
    references: &[],
    description_key: Some("app_dir"),
    check: Check::Cross(check_app_dir),
};

fn check_app_dir(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let mut dirs: Vec<(String, Span, &'static str)> = Vec::new();
    if let Some(unit) = ctx.unit
        && let Some(e) = unit.get("Service", "WorkingDirectory")
    {
        dirs.push((
            e.value
                .trim_start_matches('-')
                .trim_end_matches('/')
                .to_string(),
            e.value_span,
            "the unit's WorkingDirectory",
        ));
    }
    if let Some(eco) = ctx.ecosystem {
        for app in apps(eco) {
            if let Some(c) = app.get("cwd")
                && let Some(v) = c.as_str()
            {
                dirs.push((
                    v.trim_end_matches('/').to_string(),
                    c.span,
                    "the ecosystem file's cwd",
                ));
            }
        }
    }
    if let Some(script) = ctx.script {
        let found = script.lines.iter().find_map(|l| {
            let c = l.code.trim();
            let v = c
                .strip_prefix("cd ")
                .or_else(|| c.strip_prefix("readonly APP_DIR="))
                .or_else(|| c.strip_prefix("APP_DIR="))?;
            let v = v.split_whitespace().next()?.trim_matches(['"', '\'']);
            v.starts_with('/')
                .then(|| (v.trim_end_matches('/').to_string(), l.span_of(v)))
        });
        if let Some((d, span)) = found {
            dirs.push((d, span, "the deploy script's directory"));
        }
    }
    if let Some((first, _, first_what)) = dirs.first().cloned() {
        for (d, span, what) in dirs.iter().skip(1) {
            if *d != first {
                sink.report(
                    *span,
                    format!("{what} is `{d}`, but {first_what} is `{first}`"),
                    "use the same application directory everywhere",
                );
            }
        }
    }
}

pub static LOGS_WRITABLE: Rule = Rule {
    code: "XA006",
    name: "log-directory-writable",
    severity: Severity::Error,
    summary: "PM2 writes logs where the unit's sandbox forbids it",
    what: "With files given together, checks that the directories of the ecosystem file's `out_file`, `error_file` and `pid_file` are writable under the unit's `ProtectSystem=strict` (covered by `ReadWritePaths=`, `LogsDirectory=`, `StateDirectory=`, `CacheDirectory=` or `RuntimeDirectory=`).",
    why: "PM2 cannot open its log files: the app's output is lost, and depending on the PM2 version the app fails to start.",
    example: "ProtectSystem=strict\n// ecosystem: out_file: '/var/log/shop/out.log'  (no LogsDirectory=shop)",
    fix: "LogsDirectory=shop (or ReadWritePaths=/var/log/shop)",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.exec.html#RuntimeDirectory=",
    ],
    description_key: Some("logs.dir"),
    check: Check::Cross(check_logs),
};

fn check_logs(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(unit), Some(eco)) = (ctx.unit, ctx.ecosystem) else {
        return;
    };
    if unit.value("Service", "ProtectSystem") != Some("strict") {
        return;
    }
    let writable = crate::artifact::systemd::writable_dirs(unit);
    let covered = |p: &str| {
        writable
            .iter()
            .any(|d| p == d || p.starts_with(&format!("{d}/")))
    };
    for app in apps(eco) {
        for key in ["out_file", "error_file", "pid_file", "log_file"] {
            let Some(n) = app.get(key) else { continue };
            let Some(path) = n.as_str() else { continue };
            if path.starts_with('/') && path != "/dev/null" && !covered(path) {
                sink.report(
                    n.span,
                    format!("`{key}` {path} is read-only under the unit's ProtectSystem=strict"),
                    "add its directory to ReadWritePaths= or use LogsDirectory=",
                );
            }
        }
    }
}

pub static SAME_USER: Rule = Rule {
    code: "XA007",
    name: "same-user",
    severity: Severity::Error,
    summary: "the files disagree on the user the app runs as",
    what: "With files given together, compares the unit's `User=` with the user the deploy script runs or reloads as (`SERVICE_USER=`, `sudo -u USER`, `runuser -u USER`) and, with a description, with its `user`.",
    why: "A deploy run as another user leaves files the service cannot read or write, and `pm2 reload` as another user talks to another PM2 daemon (its own PM2_HOME): the running app is never reloaded.",
    example: "User=shop\n# deploy.sh\nsudo -u deploy pm2 reload shop",
    fix: "Run the deploy as the service user (`sudo -u shop ./deploy.sh`).",
    references: &[],
    description_key: Some("user"),
    check: Check::Cross(check_user),
};

fn check_user(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let mut users: Vec<(String, Span, &'static str)> = Vec::new();
    if let Some(svc) = ctx.service {
        users.push((svc.user.clone(), Span::default(), "the description"));
    }
    if let Some(unit) = ctx.unit
        && let Some(e) = unit.get("Service", "User")
    {
        users.push((e.value.clone(), e.value_span, "the unit's User="));
    }
    if let Some(script) = ctx.script {
        let found = script.lines.iter().find_map(|l| {
            let c = l.code.trim();
            if let Some(v) = c
                .strip_prefix("readonly SERVICE_USER=")
                .or_else(|| c.strip_prefix("SERVICE_USER="))
            {
                let v = v.split_whitespace().next()?.trim_matches(['"', '\'']);
                return Some((v.to_string(), l.span_of(v)));
            }
            let words: Vec<&str> = c.split_whitespace().collect();
            let i = words.iter().position(|w| *w == "-u")?;
            let cmd = words.get(i.checked_sub(1)?)?;
            if *cmd == "sudo" || *cmd == "runuser" {
                let v = words.get(i + 1)?;
                return (!v.starts_with('$')).then(|| (v.to_string(), l.span_of(v)));
            }
            None
        });
        if let Some((u, span)) = found {
            users.push((u, span, "the deploy script's user"));
        }
    }
    if let Some((first, _, first_what)) = users.first().cloned() {
        for (u, span, what) in users.iter().skip(1) {
            if *u != first {
                sink.report(
                    *span,
                    format!("{what} is `{u}`, but {first_what} says `{first}`"),
                    "run everything as one service user",
                );
            }
        }
    }
}
