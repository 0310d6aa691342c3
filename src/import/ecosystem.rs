//! A PM2 ecosystem file read into the description: the app (svcgen's two slot
//! apps are one), its script, cluster, memory limit, stop timeout and
//! environment; a `deploy` section's repository, branch and hosts.

use serde_json::{Value as Json, json};

use super::{Ctx, Fate, Item};
use crate::syntax::pm2::{Node, Value};
use crate::syntax::{FileId, SourceSet, Span};

#[derive(Debug, Default)]
pub struct Seen {
    /// kill_timeout in milliseconds.
    pub kill_timeout: Option<u64>,
    pub ports: Vec<u16>,
    pub cwd: Option<String>,
    pub instances: Option<u16>,
}

fn json_of(n: &Node) -> Json {
    match &n.value {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Number(x) if x.fract() == 0.0 => json!(*x as i64),
        Value::Number(x) => json!(x),
        Value::Str(s) => json!(s),
        Value::Array(items) => Json::Array(items.iter().map(json_of).collect()),
        Value::Object(e) => {
            Json::Object(e.iter().map(|(k, _, v)| (k.clone(), json_of(v))).collect())
        }
        Value::Dynamic(d) => json!(format!("<{d}>")),
    }
}

fn shown(n: &Node) -> String {
    match &n.value {
        Value::Str(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Dynamic(d) => d.clone(),
        _ => json_of(n).to_string(),
    }
}

/// One signature for both slot apps: what the app is, not which slot.
pub fn sig(key: &str, v: &Node) -> String {
    let value = match key {
        "name" | "cwd" | "pid_file" | "env" => String::new(),
        "script" => v
            .as_str()
            .map_or_else(|| shown(v), |s| s.trim_start_matches("./").to_string()),
        _ => shown(v),
    };
    format!("{key}: {value}")
}

struct Reader<'a> {
    ctx: &'a mut Ctx,
    sources: &'a SourceSet,
    seen: Seen,
}

impl Reader<'_> {
    fn item(&mut self, span: Span, text: String, sig: String, fate: Fate) {
        let (line, column) = self.sources.get(span.file).line_col(span.start);
        self.ctx.items.push(Item {
            file: self.sources.name(span.file).to_string(),
            line,
            column,
            text,
            sig: format!("pm2|{sig}"),
            fate,
        });
    }
}

pub fn read(ctx: &mut Ctx, sources: &SourceSet, _file: FileId, root: &Node) -> Seen {
    let mut r = Reader {
        ctx,
        sources,
        seen: Seen::default(),
    };
    r.ctx.draft.set("host.supervisor.kind", json!("pm2"));
    let Value::Object(top) = &root.value else {
        return r.seen;
    };
    for (key, kspan, v) in top {
        match key.as_str() {
            "apps" => {
                let apps: Vec<&Node> = match &v.value {
                    Value::Array(a) => a.iter().collect(),
                    Value::Object(_) => vec![v],
                    _ => Vec::new(),
                };
                let names: Vec<String> = apps
                    .iter()
                    .filter_map(|a| a.get("name").and_then(Node::as_str))
                    .map(str::to_string)
                    .collect();
                // svcgen's pair: NAME-blue and NAME-green, the same app twice.
                let pair = names.len() == 2
                    && names[0].strip_suffix("-blue").is_some()
                    && names[0].strip_suffix("-blue") == names[1].strip_suffix("-green");
                if apps.len() > 1 && !pair {
                    r.ctx.disagree(format!(
                        "{}: {} apps ({}); a description is one app: the first is imported, each other one needs a description of its own",
                        sources.name(kspan.file),
                        apps.len(),
                        names.join(", ")
                    ));
                }
                for (i, app) in apps.iter().enumerate() {
                    let first = i == 0;
                    app_entries(&mut r, app, first, pair, i);
                }
            }
            "deploy" => deploy(&mut r, v),
            _ => {
                let text = format!("{key}: {}", shown(v));
                r.item(
                    *kspan,
                    text.clone(),
                    text,
                    Fate::Unmodelled(format!("`{key}` at the top of the ecosystem file")),
                );
            }
        }
    }
    r.seen
}

fn app_entries(r: &mut Reader<'_>, app: &Node, first: bool, pair: bool, index: usize) {
    let Value::Object(entries) = &app.value else {
        return;
    };
    for (key, kspan, v) in entries {
        let text = format!("{key}: {}", shown(v));
        let sig = sig(key, v);
        if !first && !pair {
            r.item(
                *kspan,
                text,
                sig,
                Fate::Unmodelled(format!(
                    "app {} of the file: a description is one app",
                    index + 1
                )),
            );
            continue;
        }
        let fate = if !first {
            // The green slot's copy of what the blue one said.
            match key.as_str() {
                "env" => {
                    if let Some(p) = v.get("PORT").and_then(Node::as_f64) {
                        r.seen.ports.push(p as u16);
                    }
                    Fate::Svcgen
                }
                _ => Fate::Svcgen,
            }
        } else {
            app_key(r, key, v)
        };
        r.item(*kspan, text, sig, fate);
    }
}

fn app_key(r: &mut Reader<'_>, key: &str, v: &Node) -> Fate {
    let ctx = &mut *r.ctx;
    match key {
        "name" => {
            if let Some(n) = v.as_str() {
                let n = n.strip_suffix("-blue").unwrap_or(n);
                ctx.name_hint(n, "the PM2 app's name");
            }
            Fate::read("name")
        }
        "script" => {
            match v.as_str() {
                Some(s) if s == "npm" || s == "yarn" => {
                    return Fate::Unmodelled(format!(
                        "`script: {s}`: svcgen runs node on the entry script itself; set `entry` to what `{s} start` runs"
                    ));
                }
                Some(s) => ctx.set_entry(s),
                None => {}
            }
            Fate::read("entry")
        }
        "args" => Fate::Unmodelled("arguments to the script: svcgen passes the app its settings in the environment".into()),
        "cwd" => {
            if let Some(c) = v.as_str() {
                let app = c
                    .strip_suffix("/blue")
                    .or_else(|| c.strip_suffix("/current"))
                    .unwrap_or(c);
                r.seen.cwd = Some(app.to_string());
                ctx.set_app_dir(app, "the PM2 app's cwd");
            }
            Fate::read("app_dir")
        }
        "interpreter" => {
            if let Some(p) = v.as_str()
                && p.starts_with('/')
            {
                ctx.draft.set("node.path", json!(p));
                return Fate::read("node.path");
            }
            Fate::Changed("node.path".into(), "svcgen names node by its absolute path".into())
        }
        "node_args" | "interpreter_args" => {
            let args: Vec<String> = match &v.value {
                Value::Array(a) => a.iter().filter_map(Node::as_str).map(str::to_string).collect(),
                Value::Str(s) => s.split_whitespace().map(str::to_string).collect(),
                _ => Vec::new(),
            };
            if !args.is_empty() {
                ctx.draft.set("node.args", json!(args));
            }
            if key == "node_args" && matches!(v.value, Value::Array(_)) {
                Fate::read("node.args")
            } else {
                Fate::Changed("node.args".into(), "svcgen writes `node_args` as a list".into())
            }
        }
        "exec_mode" => {
            let cluster = v.as_str().is_some_and(|m| m.starts_with("cluster"));
            if cluster {
                Fate::read("host.supervisor.instances")
            } else {
                Fate::Changed(
                    "host.supervisor.instances".into(),
                    "svcgen runs PM2 apps in cluster mode (the workers share the slot's port)".into(),
                )
            }
        }
        "instances" => {
            let n = match &v.value {
                Value::Number(n) if *n >= 1.0 => Some(*n as u16),
                _ => None,
            };
            match n {
                Some(n) => {
                    r.seen.instances = Some(n);
                    ctx.draft.set("host.supervisor.instances", json!(n));
                    Fate::read("host.supervisor.instances")
                }
                None => {
                    ctx.draft.set_noted(
                        "host.supervisor.instances",
                        json!(2),
                        format!("the ecosystem file said `instances: {}` (one per CPU): a fixed count keeps memory bounded", shown(v)),
                    );
                    Fate::Changed("host.supervisor.instances".into(), "svcgen runs a fixed number of workers".into())
                }
            }
        }
        "kill_timeout" => {
            r.seen.kill_timeout = v.as_f64().map(|ms| ms as u64);
            Fate::read("shutdown.drain, shutdown.margin")
        }
        "listen_timeout" => {
            if let Some(ms) = v.as_f64() {
                ctx.draft.set("host.supervisor.listen_timeout", json!(format!("{}ms", ms as u64)));
            }
            Fate::read("host.supervisor.listen_timeout")
        }
        "max_memory_restart" => {
            let m = match &v.value {
                Value::Str(s) => Some(s.clone()),
                Value::Number(n) => Some(format!("{}", *n as u64)),
                _ => None,
            };
            if let Some(m) = m {
                ctx.draft.set("host.supervisor.memory_limit", json!(m));
            }
            Fate::read("host.supervisor.memory_limit")
        }
        "autorestart" => {
            if matches!(v.value, Value::Bool(true)) {
                Fate::Svcgen
            } else {
                Fate::Changed("(svcgen's ecosystem file)".into(), "svcgen restarts a worker that exits".into())
            }
        }
        "out_file" | "error_file" | "log_file" | "merge_logs" | "combine_logs" | "log_date_format" | "time" => {
            if v.as_str() == Some("/dev/null") {
                Fate::Svcgen
            } else {
                Fate::Dropped("the app's output goes to the journal through pm2-runtime: no log files of PM2's to rotate".into())
            }
        }
        "pid_file" => Fate::Svcgen,
        "watch" | "ignore_watch" | "watch_delay" => Fate::Dropped("a production server does not restart the app when files change: a deploy starts a new release".into()),
        "env" | "env_production" => {
            let mut keys = Vec::new();
            ctx.begin_env_list();
            if let Value::Object(vars) = &v.value {
                for (k, _, val) in vars {
                    let text = match &val.value {
                        Value::Str(s) => s.clone(),
                        Value::Number(_) | Value::Bool(_) => json_of(val).to_string(),
                        _ => continue,
                    };
                    match k.as_str() {
                        "PORT" => {
                            if let Ok(p) = text.parse::<u16>() {
                                r.seen.ports.push(p);
                                ctx.set_port(p, "the PM2 app's env PORT");
                            }
                            keys.push("host.supervisor.port");
                        }
                        "HOST" => {
                            ctx.draft.set("host.supervisor.bind", json!(text));
                            keys.push("host.supervisor.bind");
                        }
                        _ => {
                            ctx.set_env(k, &text);
                            keys.push("environment");
                        }
                    }
                }
            }
            keys.dedup();
            if key == "env" {
                Fate::read(&keys.join(", "))
            } else {
                Fate::Changed("environment".into(), "svcgen has one environment per description (`environments:` for staging and production)".into())
            }
        }
        "wait_ready" => Fate::Changed(
            "host.supervisor.listen_timeout".into(),
            "svcgen counts a worker online when it listens (listen_timeout), and the deploy checks /health before any request reaches it".into(),
        ),
        "increment_var" | "instance_var" => Fate::Unmodelled(format!("`{key}`: the workers of svcgen's cluster share one port")),
        _ => Fate::Unmodelled(format!("`{key}` of a PM2 app: svcgen has no key for it")),
    }
}

/// pm2-deploy's section: `production: {user, host, ref, repo, path, 'post-deploy'}`.
fn deploy(r: &mut Reader<'_>, v: &Node) {
    let Value::Object(envs) = &v.value else {
        return;
    };
    for (env, espan, e) in envs {
        let Value::Object(keys) = &e.value else {
            continue;
        };
        let first = r.ctx.draft.get("deploy.repo").is_none();
        for (key, kspan, val) in keys {
            let text = format!("deploy.{env}.{key}: {}", shown(val));
            let fate = match key.as_str() {
                "repo" if first => {
                    if let Some(s) = val.as_str() {
                        r.ctx.draft.set("deploy.repo", json!(s));
                    }
                    Fate::Changed("deploy.repo".into(), "deploy.sh fetches it on the server (REPO), pm2-deploy no more".into())
                }
                "ref" if first => {
                    if let Some(s) = val.as_str() {
                        let b = s.trim_start_matches("origin/").trim_start_matches("refs/heads/");
                        r.ctx.draft.set("deploy.branch", json!(b));
                    }
                    Fate::Changed("deploy.branch".into(), "deploy.sh deploys the head of the branch (BRANCH)".into())
                }
                "path" if first => {
                    if let Some(s) = val.as_str() {
                        r.ctx.set_app_dir(s, "pm2-deploy's path");
                    }
                    Fate::Changed("app_dir".into(), "the deploy root: releases/, the blue and green slots, current".into())
                }
                "host" => {
                    let hosts: Vec<String> = match &val.value {
                        Value::Str(s) => vec![s.clone()],
                        Value::Array(a) => a.iter().filter_map(Node::as_str).map(str::to_string).collect(),
                        _ => Vec::new(),
                    };
                    r.ctx.servers.push((env.clone(), hosts));
                    Fate::Changed(
                        format!("environments.{env}.servers"),
                        "the rendered Ansible project's inventory: set-up, rolling deploy and rollback over these servers".into(),
                    )
                }
                "user" => Fate::Changed(
                    "user".into(),
                    "svcgen deploys as the service's own user, over SSH as the admin (`ansible-playbook -u ADMIN`)".into(),
                ),
                "post-deploy" | "pre-deploy" | "pre-deploy-local" | "post-setup" | "pre-setup" => Fate::Changed(
                    "deploy.install, deploy.build".into(),
                    "svcgen's deploy.sh installs, builds and starts the release beside the serving one (blue/green); PM2 reloads in place".into(),
                ),
                _ => Fate::Unmodelled(format!("`{key}` of pm2-deploy")),
            };
            r.item(*kspan, text.clone(), text, fate);
        }
        let _ = espan;
    }
}
