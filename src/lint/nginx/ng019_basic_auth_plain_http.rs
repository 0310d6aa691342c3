//! NG019: a password asked for over plain HTTP.

use super::{Ctx, body, first, server_chain};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::nginx::Directive;

pub static RULE: Rule = Rule {
    code: "NG019",
    name: "basic-auth-plain-http",
    severity: Severity::Error,
    summary: "`auth_basic` on a server that listens without TLS",
    what: "Flags `auth_basic` (other than `off`) in force in a server with a plain-HTTP `listen` (or none: port 80), unless the server redirects everything with a server-level `return`.",
    why: "Basic authentication sends the user name and password with every request, base64-encoded, not encrypted: on plain HTTP anyone on the path reads them.",
    example: "server {\n    listen 80;\n    location /admin/ { auth_basic \"Admin\"; auth_basic_user_file /etc/nginx/htpasswd; }\n}",
    fix: "Serve the location on a TLS server only, and redirect port 80 to HTTPS.",
    references: &["https://nginx.org/en/docs/http/ngx_http_auth_basic_module.html"],
    description_key: Some("routes[].basic_auth"),
};

/// A `listen` without `ssl`, or no `listen` at all (nginx then listens on port 80).
fn listens_plain(server: Directive<'_>) -> bool {
    let mut listens = body(server).iter().filter(|d| d.is("listen")).peekable();
    if listens.peek().is_none() {
        return true;
    }
    listens.any(|l| !l.args().any(|a| a.value == "ssl" || a.value == "quic"))
}

fn is_on(d: Directive<'_>) -> bool {
    d.arg(0).is_some_and(|v| v != "off")
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    const MESSAGE: &str = "basic authentication on a server that listens on plain HTTP: the password crosses the network readable";
    const HELP: &str = "serve it over TLS only, and redirect port 80 to HTTPS";
    let plain =
        |server: Directive<'_>| listens_plain(server) && first(body(server), "return").is_none();
    for s in ctx.servers() {
        if plain(s.server)
            && let Some(d) = ctx
                .effective(&server_chain(s), "auth_basic")
                .filter(|d| is_on(*d))
        {
            sink.report(d.span(), MESSAGE, HELP);
        }
    }
    ctx.each_location(|chain| {
        let Some(server) = chain.iter().find(|d| d.is("server")) else {
            return;
        };
        let Some(this) = chain.last() else {
            return;
        };
        if plain(*server)
            && let Some(d) = first(body(*this), "auth_basic").filter(|d| is_on(*d))
        {
            sink.report(d.span(), MESSAGE, HELP);
        }
    });
}
