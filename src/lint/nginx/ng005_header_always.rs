//! NG005: a security header without `always`.

use super::{Ctx, SECURITY_HEADERS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG005",
    name: "security-header-without-always",
    severity: Severity::Warning,
    summary: "security header added without `always`",
    what: "Flags `add_header` for a security header (HSTS, nosniff, frame options, CSP, Referrer-Policy, Permissions-Policy, the Cross-Origin-* policies) whose last parameter is not `always`.",
    why: "Without `always`, nginx adds the header only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 responses: error pages — often the ones an attacker provokes — go out unprotected.",
    example: "add_header X-Frame-Options DENY;",
    fix: "add_header X-Frame-Options DENY always;",
    references: &["https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header"],
    description_key: Some("site.headers"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.named("add_header", |d| {
        let Some(name) = d.arg(0) else { return };
        if SECURITY_HEADERS.contains(&name.to_ascii_lowercase().as_str())
            && d.args().next_back().is_none_or(|a| a.value != "always")
        {
            sink.report(
                d.span(),
                format!("`{name}` is only sent with successful responses: `always` is missing"),
                "append `always` so error responses carry the header too",
            );
        }
    });
}
