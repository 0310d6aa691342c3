//! PM002: several fork-mode instances that all listen on one port.

use super::{Ctx, app_name, cluster_mode};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::pm2::Node;

pub static RULE: Rule = Rule {
    code: "PM002",
    name: "fork-instances-share-port",
    severity: Severity::Error,
    summary: "several fork-mode instances with one fixed PORT",
    what: "Flags an app in fork mode (`exec_mode: 'fork'`) with more than one instance and a fixed `PORT` in its environment.",
    why: "Only cluster mode shares a listening socket between workers; in fork mode the second instance fails with EADDRINUSE and PM2 restarts it forever.",
    example: "{ name: 'api', exec_mode: 'fork', instances: 4, env: { PORT: 3000 } }",
    fix: "`exec_mode: 'cluster'` (workers share the port), or one app per port behind an nginx upstream.",
    references: &["https://pm2.keymetrics.io/docs/usage/cluster-mode/"],
    description_key: Some("host.supervisor.instances"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for app in ctx.apps() {
        let instances = app.get("instances").and_then(Node::as_f64).unwrap_or(1.0);
        let fixed_port = app
            .get("env")
            .and_then(|e| e.get("PORT"))
            .is_some_and(|p| !p.is_dynamic());
        if !cluster_mode(app) && (instances > 1.0 || instances <= 0.0) && fixed_port {
            let at = app.get("instances").map_or(app.span, |n| n.span);
            sink.report(at, format!("{} runs several fork-mode instances on one PORT: all but one fail with EADDRINUSE", app_name(app)), "use `exec_mode: 'cluster'`");
        }
    }
}
