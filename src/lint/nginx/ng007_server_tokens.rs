//! NG007: `server_tokens` not off.

use super::{Ctx, server_chain};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG007",
    name: "server-tokens",
    severity: Severity::Warning,
    summary: "nginx announces its version (`server_tokens` is not off)",
    what: "For every server, finds the `server_tokens` in force (the server's, else the http block's); flags it when it is `on`, `build`, or absent (the default is `on`).",
    why: "The version in the `Server` header and on error pages tells an attacker which CVEs to try.",
    example: "http {\n    server { listen 80; }\n}",
    fix: "`server_tokens off;` in the http block or every server.",
    references: &[
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens",
        "gixy: version_disclosure",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    // An explicit `server_tokens on|build` anywhere discloses the version where it
    // applies, with or without a server block in the file.
    let servers = ctx.servers();
    if servers.is_empty() {
        ctx.named("server_tokens", |d| {
            if d.arg(0) != Some("off") {
                sink.report(
                    d.span(),
                    "`server_tokens` is not `off`: nginx discloses its version",
                    "set `server_tokens off;`",
                );
            }
        });
    }
    for s in servers.iter().filter(|s| !super::serves_nothing(s.server)) {
        let chain = server_chain(s);
        match ctx.effective(&chain, "server_tokens") {
            Some(d) if d.arg(0) == Some("off") => {}
            Some(d) => sink.report(
                d.span(),
                "`server_tokens` is not `off`: nginx discloses its version",
                "set `server_tokens off;`",
            ),
            None => ctx.report_absent(
                &chain,
                &["server_tokens"],
                sink,
                s.server.name_span(),
                "no `server_tokens off;`: nginx discloses its version by default",
                "add `server_tokens off;` to the server or the http block",
            ),
        }
    }
}
