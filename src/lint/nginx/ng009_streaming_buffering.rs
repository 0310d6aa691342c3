//! NG009: a streaming route with proxy buffering on.

use super::{Ctx, RouteKind};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG009",
    name: "streaming-buffered",
    severity: Severity::Error,
    summary: "a streaming (SSE) location is proxied with buffering on",
    what: "For locations known to stream — from the description's `streaming` routes, or marked with a `# svcgen: streaming` comment line directly above the `location` — checks that `proxy_buffering off;` is in force there, and that `proxy_read_timeout` (60 s by default) is at least 5 minutes.",
    why: "With buffering on, nginx holds the upstream's response until its buffer fills or the response ends: Server-Sent Events and progress streams arrive in bursts or only at the end, and long-polling clients time out.",
    example: "# svcgen: streaming\nlocation /events/ {\n    proxy_pass http://app;\n}",
    fix: "# svcgen: streaming\nlocation /events/ {\n    proxy_pass http://app;\n    proxy_buffering off;\n    proxy_read_timeout 1h;\n}",
    references: &["https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering"],
    description_key: Some("routes"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.each_location(|chain| {
        let loc = chain[chain.len() - 1];
        if !loc.is("location") || ctx.route_kind(loc) != Some(RouteKind::Streaming) {
            return;
        }
        // An idle stream is cut after proxy_read_timeout (60 s by default).
        let read = ctx.effective(chain, "proxy_read_timeout");
        let secs = read.and_then(|d| d.arg(0)).and_then(crate::syntax::systemd::parse_timespan).unwrap_or(60_000) / 1000;
        if secs < 300 {
            let report = |sink: &mut Sink<'_>, at, message: String, help: &str| match read {
                Some(_) => sink.report(at, message, help),
                None => ctx.report_absent(chain, &["proxy_read_timeout"], sink, at, message, help),
            };
            let at = read.map_or(loc.name_span(), |d| d.span());
            report(
                sink,
                at,
                format!("a streaming route with a {secs}s read timeout: nginx closes a stream that is quiet for longer"),
                "set a long `proxy_read_timeout` (such as 1h) here, and send keep-alive comments more often than that",
            );
        }
        match ctx.effective(chain, "proxy_buffering") {
            Some(d) if d.arg(0) == Some("off") => {}
            Some(d) => sink.report(
                d.span(),
                "proxy buffering is on for a streaming route",
                "set `proxy_buffering off;` in this location",
            ),
            None => ctx.report_absent(
                chain,
                &["proxy_buffering"],
                sink,
                loc.name_span(),
                "streaming route without `proxy_buffering off;` (buffering is on by default)",
                "add `proxy_buffering off;` to this location",
            ),
        }
    });
}
