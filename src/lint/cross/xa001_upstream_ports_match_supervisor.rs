//! XA001: nginx's upstream ports do not match the ports the app listens on.

use super::{Ctx, app_ports, port_of, upstream_servers};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::nginx::Directive;

pub static RULE: Rule = Rule {
    code: "XA001",
    name: "upstream-ports-match-supervisor",
    severity: Severity::Error,
    summary: "nginx's upstream ports do not match the ports the app listens on",
    what: "With files given together, compares the nginx upstream servers with the supervisor: a PM2 cluster listens on one shared port, fork-mode instances on one port each (from the ecosystem file's `PORT` in `env`, else in an `env_*` block such as `env_production` — the finding names which — or the unit's `Environment=PORT=`).",
    why: "An upstream server on a port nothing listens on turns a share of requests into 502s; a cluster listed as several ports (3000, 3001…) sends traffic nowhere.",
    example: "upstream app { server 127.0.0.1:3000; server 127.0.0.1:3001; }\n// ecosystem: exec_mode: 'cluster', instances: 2, env: { PORT: 3000 }",
    fix: "upstream app { server 127.0.0.1:3000; keepalive 16; }",
    references: &["https://pm2.keymetrics.io/docs/usage/cluster-mode/"],
    description_key: Some("host.supervisor"),
};

pub(super) fn check_ports(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
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
