//! NG008: HTTP/2 syntax that does not match the target nginx version.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG008",
    name: "http2-syntax",
    severity: Severity::Error,
    summary: "`listen … http2` on nginx ≥ 1.25.1, or `http2 on;` below it",
    what: "Compares the HTTP/2 syntax with the target nginx version (`--nginx-version`, the lint configuration, the description's `site.nginx_version`, or a `# svcgen: nginx=1.25.1` line in the file, which svcgen's rendered sites carry): from 1.25.1 `http2 on;` replaces the `http2` parameter of `listen`, which then warns; below 1.25.1 `http2 on;` is an unknown directive and nginx refuses to start.",
    why: "A configuration written for the wrong version either fails `nginx -t` (`unknown directive \"http2\"`) or logs a deprecation warning on every reload.",
    example: "# target 1.22.1\nserver {\n    listen 443 ssl;\n    http2 on;\n}",
    fix: "Below 1.25.1: `listen 443 ssl http2;`. From 1.25.1: `listen 443 ssl;` and `http2 on;`.",
    references: &[
        "https://nginx.org/en/docs/http/ngx_http_v2_module.html#http2",
        "https://nginx.org/en/CHANGES (1.25.1)",
    ],
    description_key: Some("site.nginx_version"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let new_syntax = ctx.settings.nginx_version >= (1, 25, 1);
    let (major, minor, patch) = ctx.settings.nginx_version;
    ctx.every(|d| {
        if d.is("listen")
            && new_syntax
            && let Some(a) = d.args().find(|a| a.value == "http2")
        {
            // A deprecation (nginx still starts): a warning, not the rule's error.
            let mut s = Sink { code: sink.code, severity: Severity::Warning, out: sink.out };
            s.report(
                a.span,
                format!("`listen … http2` is deprecated on nginx {major}.{minor}.{patch}"),
                "remove `http2` from `listen` and add `http2 on;` to the server",
            );
        }
        if d.is("http2") && !new_syntax {
            sink.report(
                d.span(),
                format!("`http2` is an unknown directive on nginx {major}.{minor}.{patch} (it exists from 1.25.1)"),
                "use `listen 443 ssl http2;` instead",
            );
        }
    });
}
