//! A deploy script read into `deploy:` (svcgen's own: its settings block; one
//! written by hand: its git, install, build and migration commands), and an
//! env example file read into `env_required`.

use serde_json::json;

use super::{Ctx, Fate, Item};
use crate::syntax::{FileId, SourceSet};

/// Shell words of a value: `'…'`, `"…"` (with `\` escapes) and bare words.
pub fn sh_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut any = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                any = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '"' => {
                any = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                cur.push(n);
                            }
                        }
                        _ => cur.push(c),
                    }
                }
            }
            '\\' => {
                any = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                any = true;
                cur.push(c);
            }
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn one(v: &str) -> String {
    sh_words(v).into_iter().next().unwrap_or_default()
}

fn array(v: &str) -> Vec<String> {
    sh_words(v.trim().trim_start_matches('(').trim_end_matches(')'))
}

/// Reads svcgen's deploy script, or one written by hand.
pub fn read(ctx: &mut Ctx, sources: &SourceSet, file: FileId) {
    let text = sources.text(file);
    let svcgen = text.lines().any(|l| l.starts_with("readonly RELEASES="));
    let mut procedure: Option<(usize, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let Some(rest) = line.strip_prefix("readonly ") else {
            if svcgen && !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                procedure = Some(procedure.map_or((n, n), |(a, _)| (a, n)));
            } else if !svcgen {
                hand_line(ctx, sources, file, n, line);
            }
            continue;
        };
        if !svcgen {
            hand_line(ctx, sources, file, n, line);
            continue;
        }
        let Some((key, value)) = rest.split_once('=') else {
            continue;
        };
        let fate = setting(ctx, key, value);
        ctx.items.push(Item {
            file: sources.name(file).to_string(),
            line: n,
            column: 1,
            text: line.to_string(),
            sig: format!("script|{line}"),
            fate,
        });
    }
    if let Some((a, b)) = procedure {
        // svcgen's procedure, as one item: the same text when the version is.
        let body: String = text
            .lines()
            .skip(a - 1)
            .take(b - a + 1)
            .filter(|l| !l.starts_with("readonly ") && !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        ctx.items.push(Item {
            file: sources.name(file).to_string(),
            line: a,
            column: 1,
            text: format!("the deploy procedure (lines {a}-{b})"),
            sig: format!("script-body|{}", hash(&body)),
            fate: Fate::Svcgen,
        });
    }
}

fn hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// The procedure of a script svcgen rendered, for the comparison.
pub fn body_signature(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| !l.starts_with('#') && !l.trim().is_empty())?;
    let last = lines
        .iter()
        .rposition(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let body: String = lines[first..=last]
        .iter()
        .filter(|l| !l.starts_with("readonly ") && !l.trim_start().starts_with('#'))
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    Some(format!("script-body|{}", hash(&body)))
}

fn setting(ctx: &mut Ctx, key: &str, value: &str) -> Fate {
    let d = &mut ctx.draft;
    let secs = |v: &str| format!("{}s", one(v));
    match key {
        "NAME" => {
            ctx.name_hint(&one(value), "the deploy script's NAME");
            Fate::read("name")
        }
        "DEPLOY_USER" => {
            d.set("user", json!(one(value)));
            Fate::read("user")
        }
        "APP_DIR" => {
            let v = one(value);
            ctx.set_app_dir(&v, "the deploy script's APP_DIR");
            Fate::read("app_dir")
        }
        "REPO" => {
            d.set("deploy.repo", json!(one(value)));
            Fate::read("deploy.repo")
        }
        "BRANCH" => {
            d.set("deploy.branch", json!(one(value)));
            Fate::read("deploy.branch")
        }
        "KEEP_RELEASES" => {
            if let Ok(n) = one(value).parse::<u32>() {
                d.set("deploy.keep_releases", json!(n));
            }
            Fate::read("deploy.keep_releases")
        }
        "INSTALL_CMD" | "BUILD_CMD" | "PRUNE_CMD" | "MIGRATE_CMD" => {
            let k = key.trim_end_matches("_CMD").to_ascii_lowercase();
            let v = one(value);
            d.set(
                &format!("deploy.{k}"),
                if v.is_empty() { json!(null) } else { json!(v) },
            );
            Fate::read(&format!("deploy.{k}"))
        }
        "FETCH_TIMEOUT" | "INSTALL_TIMEOUT" | "BUILD_TIMEOUT" | "MIGRATE_TIMEOUT" => {
            let k = key.trim_end_matches("_TIMEOUT").to_ascii_lowercase();
            d.set(&format!("deploy.timeouts.{k}"), json!(secs(value)));
            Fate::read(&format!("deploy.timeouts.{k}"))
        }
        "APP_ENV" => {
            ctx.begin_env_list();
            for kv in array(value) {
                if let Some((k, v)) = kv.split_once('=') {
                    ctx.set_env(k, v);
                }
            }
            Fate::read("environment")
        }
        "ENV_FILE" => {
            let v = one(value);
            if !v.is_empty() {
                d.set("env_file", json!(v));
            }
            Fate::read("env_file")
        }
        "APP_HOST" => {
            let v = one(value);
            let v = v.trim_start_matches('[').trim_end_matches(']');
            if v != "127.0.0.1" {
                d.set("host.supervisor.bind", json!(v));
            }
            Fate::read("host.supervisor.bind")
        }
        "HEALTH_PATH" => {
            d.set("health.path", json!(one(value)));
            Fate::read("health.path")
        }
        "HEALTH_STATUS" => {
            if let Ok(n) = one(value).parse::<u16>() {
                d.set("health.status", json!(n));
            }
            Fate::read("health.status")
        }
        "HEALTH_TIMEOUT" => {
            d.set("health.timeout", json!(secs(value)));
            Fate::read("health.timeout")
        }
        "HEALTH_RETRIES" => {
            if let Ok(n) = one(value).parse::<u32>() {
                d.set("deploy.health_retries", json!(n));
            }
            Fate::read("deploy.health_retries")
        }
        "HEALTH_INTERVAL" => {
            d.set("deploy.health_interval", json!(secs(value)));
            Fate::read("deploy.health_interval")
        }
        "NGINX_TEST" | "NGINX_RELOAD" => {
            let k = key.to_ascii_lowercase();
            d.set(&format!("deploy.{k}"), json!(array(value)));
            Fate::read(&format!("deploy.{k}"))
        }
        "NGINX_PID_FILE" => {
            d.set("deploy.nginx_pid_file", json!(one(value)));
            Fate::read("deploy.nginx_pid_file")
        }
        "WATCH_SEC" => {
            d.set("deploy.watch.window", json!(secs(value)));
            Fate::read("deploy.watch.window")
        }
        "WATCH_ERRORS" => {
            if let Ok(n) = one(value).parse::<u32>() {
                d.set("deploy.watch.errors", json!(n));
            }
            Fate::read("deploy.watch.errors")
        }
        "BLUE_PORTS" => {
            let ports: Vec<u16> = array(value).iter().filter_map(|p| p.parse().ok()).collect();
            if let Some(p) = ports.first() {
                ctx.set_port(*p, "the deploy script's BLUE_PORTS");
                ctx.draft.set("host.supervisor.port", json!(p));
            }
            if ports.len() > 1 {
                ctx.draft
                    .set("host.supervisor.instances", json!(ports.len()));
            }
            Fate::read("host.supervisor.port, host.supervisor.instances")
        }
        "PM2" => {
            d.set("host.supervisor.pm2_cli", json!(one(value)));
            Fate::read("host.supervisor.pm2_cli")
        }
        "ECOSYSTEM" => {
            let v = one(value);
            if let Some(dir) = v.strip_suffix("/ecosystem.config.js") {
                ctx.app_files_dir = Some(dir.to_string());
            }
            Fate::read("host.install.app_files_dir")
        }
        "GREEN_PORTS" | "UNIT" | "UNIT_PREFIX" | "ENV_CHECK" | "SYSTEMCTL" | "FAILURE_LOG"
        | "FAILURE_LOG_TAIL" | "TAIL" | "STATIC_DIRS" | "RELEASES" | "MIRROR" | "LOCK_FILE"
        | "SWITCHING" | "WATCH_MARK" | "BUILT_MARK" | "BRIDGED" => Fate::Svcgen,
        _ => Fate::Svcgen,
    }
}

/// What a command of a hand-written deploy does, in description terms.
pub fn command(ctx: &mut Ctx, cmd: &str) -> Fate {
    let words = sh_words(cmd);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let sets = |ctx: &mut Ctx, key: &str| {
        if !ctx.draft.has(key) {
            ctx.draft.set(key, json!(cmd.trim()));
        }
        Fate::Changed(
            key.into(),
            "svcgen's deploy.sh runs it in a new release directory under a time limit, before anything is switched".into(),
        )
    };
    match w.as_slice() {
        ["git", "clone", rest @ ..] => {
            if let Some(url) = rest.iter().find(|a| !a.starts_with('-') && (a.contains(':') || a.contains('/'))) {
                ctx.draft.set("deploy.repo", json!(url));
            }
            if let Some(i) = rest.iter().position(|a| *a == "-b" || *a == "--branch")
                && let Some(b) = rest.get(i + 1)
            {
                ctx.draft.set("deploy.branch", json!(b));
            }
            Fate::Changed("deploy.repo".into(), "svcgen's deploy.sh fetches into a bare mirror and checks each release out into a directory of its own".into())
        }
        ["git", "pull" | "fetch", rest @ ..] => {
            if let [_, branch] = rest.iter().filter(|a| !a.starts_with('-')).copied().collect::<Vec<_>>().as_slice() {
                ctx.draft.set("deploy.branch", json!(branch));
            }
            Fate::Changed("deploy.branch".into(), "svcgen's deploy.sh fetches the branch into a bare mirror; the serving release is never changed in place".into())
        }
        ["git", "checkout" | "switch", b] if !b.starts_with('-') => {
            ctx.draft.set("deploy.branch", json!(b.trim_start_matches("origin/")));
            Fate::Changed("deploy.branch".into(), "svcgen's deploy.sh checks the branch out in a new release directory".into())
        }
        ["git", "reset", ..] => Fate::Dropped("svcgen's deploy.sh checks each release out fresh: nothing to reset".into()),
        ["npm", "ci" | "install" | "i", ..] | ["yarn", "install", ..] | ["pnpm", "install", ..] | ["yarn"] => sets(ctx, "deploy.install"),
        ["npm", "run", s, ..] | ["yarn", s, ..] | ["pnpm", "run", s, ..] if s.contains("build") => sets(ctx, "deploy.build"),
        ["npm", "run", s, ..] | ["yarn", s, ..] | ["pnpm", "run", s, ..] if s.contains("migrat") => sets(ctx, "deploy.migrate"),
        ["npx", tool, rest @ ..] if (*tool == "knex" || *tool == "prisma" || *tool == "sequelize" || *tool == "typeorm")
            && rest.iter().any(|a| a.contains("migrat")) => sets(ctx, "deploy.migrate"),
        ["npm", "prune", ..] => sets(ctx, "deploy.prune"),
        ["pm2", ..] | ["sudo", "systemctl", ..] | ["systemctl", ..] | ["sudo", "pm2", ..] => Fate::Dropped(
            "svcgen's deploy.sh starts the new release beside the serving one, checks its health and switches nginx to it (blue/green) instead of restarting in place".into(),
        ),
        ["cd", ..] | ["set", ..] | ["echo", ..] | ["exit", ..] | ["printf", ..] => Fate::Dropped(
            "part of the script's own procedure, which svcgen's deploy.sh replaces".into(),
        ),
        _ => Fate::Unmodelled(format!(
            "`{}`: a deploy step svcgen's deploy.sh does not run (a build step can: deploy.build)",
            cmd.trim()
        )),
    }
}

fn hand_line(ctx: &mut Ctx, sources: &SourceSet, file: FileId, n: usize, line: &str) {
    let code = line.trim();
    if code.is_empty() || code.starts_with('#') {
        return;
    }
    // One item per line; a line of several commands is read as each of them.
    let parts: Vec<&str> = code
        .split("&&")
        .flat_map(|p| p.split(';'))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let fates: Vec<Fate> = parts.iter().map(|p| command(ctx, p)).collect();
    let fate = fates
        .iter()
        .find(|f| matches!(f, Fate::Unmodelled(_)))
        .or_else(|| fates.iter().find(|f| matches!(f, Fate::Changed(..))))
        .or_else(|| fates.first())
        .cloned()
        .unwrap_or(Fate::Dropped("empty".into()));
    ctx.items.push(Item {
        file: sources.name(file).to_string(),
        line: n,
        column: line.len() - line.trim_start().len() + 1,
        text: code.to_string(),
        sig: format!("script|{code}"),
        fate,
    });
}

/// An env example (`NAME=` lines, comments above each): the names the app
/// requires, into `env_required`.
pub fn read_env_example(ctx: &mut Ctx, sources: &SourceSet, file: FileId) {
    let text = sources.text(file);
    let mut comments: Vec<String> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(c) = t.strip_prefix('#') {
            comments.push(c.trim().to_string());
            continue;
        }
        if t.is_empty() {
            comments.clear();
            continue;
        }
        let t = t.strip_prefix("export ").unwrap_or(t);
        let Some((name, value)) = t.split_once('=') else {
            ctx.items.push(Item {
                file: sources.name(file).to_string(),
                line: i + 1,
                column: 1,
                text: t.to_string(),
                sig: format!("env|{t}"),
                fate: Fate::Unmodelled("not a NAME=value line".into()),
            });
            continue;
        };
        let mut about = None;
        let mut secret = true;
        let mut form = "nonempty";
        for c in &comments {
            if let Some(rest) = c
                .strip_prefix("secret; ")
                .or_else(|| c.strip_prefix("setting; "))
            {
                secret = c.starts_with("secret");
                form = if rest.starts_with("a URL") {
                    "url"
                } else if rest.starts_with("a whole number") {
                    "integer"
                } else if rest.starts_with("at least 32") {
                    "key"
                } else {
                    "nonempty"
                };
            } else if !c.is_empty() {
                about = Some(c.clone());
            }
        }
        let mut req = serde_json::Map::new();
        if let Some(a) = about {
            req.insert("about".into(), json!(a));
        }
        if !secret {
            req.insert("secret".into(), json!(false));
        }
        if form != "nonempty" {
            req.insert("form".into(), json!(form));
        }
        let fate = if value.trim().is_empty() {
            Fate::read("env_required")
        } else {
            Fate::Changed(
                "env_required".into(),
                "the example value is not carried: the example file svcgen writes holds names only"
                    .into(),
            )
        };
        ctx.draft.set(
            &format!("env_required.{name}"),
            serde_json::Value::Object(req),
        );
        ctx.items.push(Item {
            file: sources.name(file).to_string(),
            line: i + 1,
            column: 1,
            text: t.to_string(),
            sig: format!("env|{name}={}", value.trim()),
            fate,
        });
        comments.clear();
    }
}
