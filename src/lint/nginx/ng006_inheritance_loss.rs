//! NG006: a block with its own `add_header` (or `proxy_set_header`) silently drops
//! everything its parent set.

use super::{Ctx, body};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::nginx::Directive;

pub static RULE: Rule = Rule {
    code: "NG006",
    name: "header-inheritance-loss",
    severity: Severity::Error,
    summary: "a block's own add_header/add_trailer/proxy_set_header drops those set above it",
    what: "For every server, location and `if` block that has its own `add_header`, names the headers set at the nearest enclosing level that has any and that the block does not repeat; the same for `add_trailer` and `proxy_set_header`. `add_header_inherit merge;` / `add_trailer_inherit merge;` in force (written at this level or any above: nginx ≥ 1.29.3) are understood; `off` and `on` keep nginx's replacement. A parent's header that is never sent is not counted as dropped: an `add_header` with an empty value (it adds nothing), and one without `always` where the block answers only with an error status. In a fragment (a file of locations), the file's top level is the enclosing level; what the levels above the file set cannot be seen.",
    why: "nginx inherits array directives only when the current level defines none of its own. One `add_header Cache-Control …` in a location silently removes HSTS, CSP and every other header set at server level from that location's responses; one `proxy_set_header` drops `Host`, `X-Forwarded-For` and the keepalive `Connection \"\"`.",
    example: "server {\n    add_header Strict-Transport-Security \"max-age=63072000\" always;\n    location /assets/ {\n        add_header Cache-Control \"public\";\n    }\n}",
    fix: "Repeat the whole set in the block (svcgen's templates do), move the block's header up, or on nginx ≥ 1.29.3 use `add_header_inherit merge;`.",
    references: &[
        "https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header",
        "https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header",
        "gixy: add_header_redefinition",
    ],
    description_key: Some("site.headers"),
};

/// The array directives nginx replaces instead of merging, that this rule follows.
const DIRECTIVES: [&str; 3] = ["add_header", "add_trailer", "proxy_set_header"];

fn names(ds: &[Directive<'_>]) -> Vec<String> {
    ds.iter()
        .filter_map(|d| d.arg(0))
        .map(|n| n.to_ascii_lowercase())
        .collect()
}

fn inspect<'a>(ctx: &Ctx<'a>, chain: &[Directive<'a>], directive: &str, sink: &mut Sink<'_>) {
    if chain.len() < 2 {
        return;
    }
    let here: Vec<Directive<'_>> = body(chain[chain.len() - 1])
        .iter()
        .filter(|d| d.is(directive))
        .collect();
    if here.is_empty() {
        return;
    }
    // `add_header_inherit merge;` exists only from nginx 1.29.3: a configuration that
    // writes it targets that version, whatever --nginx-version says (below it,
    // nginx -t refuses the unknown directive).
    let inherit = match directive {
        "add_header" => Some("add_header_inherit"),
        "add_trailer" => Some("add_trailer_inherit"),
        _ => None,
    };
    if let Some(inherit) = inherit
        && ctx.effective(chain, inherit).and_then(|d| d.arg(0)) == Some("merge")
    {
        return;
    }
    let Some((level, parent)) = ctx.effective_list(&chain[..chain.len() - 1], directive) else {
        return;
    };
    let own = names(&here);
    // A response header the parent never sends is not lost: an empty value
    // (`add_header ETag "";` adds nothing), or one without `always` where this
    // block answers only with an error status (such headers go with 2xx and
    // 3xx responses only).
    let answers_error = super::answers_error(body(chain[chain.len() - 1]));
    let never_sent = |d: &Directive<'_>| {
        directive != "proxy_set_header"
            && (d.arg(1) == Some("") || (answers_error && !d.args().any(|a| a.value == "always")))
    };
    let mut dropped: Vec<&str> = Vec::new();
    for d in parent.iter().filter(|d| !never_sent(d)) {
        if let Some(n) = d.arg(0)
            && !own.contains(&n.to_ascii_lowercase())
            && !dropped.contains(&n)
        {
            dropped.push(n);
        }
    }
    if dropped.is_empty() {
        return;
    }
    let from = if chain[level].name() == crate::syntax::nginx::FRAGMENT {
        "top level of this file"
    } else {
        chain[level].name()
    };
    let this = chain[chain.len() - 1];
    // The block as written: `location ~* \.php$`, `if ($request_method = OPTIONS)`.
    let what = if this.is("server") || this.args().len() == 0 {
        this.name().to_string()
    } else {
        let args: Vec<&str> = this.args().map(|a| a.value).collect();
        format!("{} {}", this.name(), args.join(" "))
    };
    sink.report(
        here[0].span(),
        format!(
            "this {directive} in `{what}` drops {} set in the enclosing {from}",
            dropped.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        ),
        format!("nginx does not merge {directive}: repeat the enclosing level's set here, or move this one up"),
    );
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in ctx.servers() {
        if s.http.is_some() {
            let chain = super::server_chain(s);
            for directive in DIRECTIVES {
                inspect(ctx, &chain, directive, sink);
            }
        }
    }
    ctx.each_location(|chain| {
        for directive in DIRECTIVES {
            inspect(ctx, chain, directive, sink);
        }
    });
}
