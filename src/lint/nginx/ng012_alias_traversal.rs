//! NG012: `alias` path traversal through a location prefix without a trailing slash.

use super::{Ctx, first};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG012",
    name: "alias-traversal",
    severity: Severity::Error,
    summary: "`alias` that a request can climb out of: `/x../` or a regex capture",
    what: "Flags `alias` in a prefix location (no modifier, or `^~`) whose path does not end with `/`: with an alias that ends in `/` the request can climb out of the directory; without one it can still reach sibling paths that share the alias's prefix. In a regex location (`~`, `~*`), flags an alias that uses a capture (`$1`, `$2`…) which can start with `..` right after a `/` of the alias (the capture is not preceded by `/` in the regex, nor starts with one, and can match a `.`), or which is glued to the alias without a `/` and does not start with one.",
    why: "nginx replaces the location prefix with the alias: `/assets../etc/passwd` matches `location /assets` and becomes `/srv/public/../etc/passwd`, reading files outside the directory; with `alias /srv/files`, `/files-old/x` becomes `/srv/files-old/x`.",
    example: "location /assets {\n    alias /srv/app/public/;\n}",
    fix: "location /assets/ {\n    alias /srv/app/public/;\n}",
    references: &[
        "gixy: alias_traversal",
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#alias",
    ],
    description_key: Some("routes"),
};

/// What the regex says about one capturing group.
struct Group {
    /// The character just before its `(` is a literal `/`.
    after_slash: bool,
    /// Its first element is a literal `/`.
    starts_with_slash: bool,
    /// Its first element can match `.`.
    can_start_with_dot: bool,
}

/// The capturing groups of a PCRE pattern, in order (`(?:…)`, lookarounds and
/// escaped parentheses are not groups; `(?<name>…)` and `(?P<name>…)` are).
fn groups(re: &str) -> Vec<Group> {
    let b = re.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let mut start = i + 1;
                if b.get(i + 1) == Some(&b'?') {
                    match b.get(i + 2) {
                        Some(b'<') if !matches!(b.get(i + 3), Some(b'=' | b'!')) => {
                            start = re[i..].find('>').map_or(b.len(), |p| i + p + 1);
                        }
                        Some(b'P') if b.get(i + 3) == Some(&b'<') => {
                            start = re[i..].find('>').map_or(b.len(), |p| i + p + 1);
                        }
                        _ => {
                            i += 1;
                            continue;
                        }
                    }
                }
                let after_slash = i > 0 && b[i - 1] == b'/' && (i < 2 || b[i - 2] != b'\\');
                let first = &re[start.min(re.len())..];
                let starts_with_slash = first.starts_with('/') || first.starts_with("\\/");
                let can_start_with_dot = if first.starts_with('[') {
                    let class = &first[1..first.find(']').unwrap_or(first.len())];
                    let has_dot = class.contains('.');
                    if let Some(neg) = class.strip_prefix('^') {
                        !neg.contains('.')
                    } else {
                        has_dot
                    }
                } else {
                    first.starts_with('.') || first.starts_with("\\.") || first.starts_with('(')
                };
                out.push(Group {
                    after_slash,
                    starts_with_slash,
                    can_start_with_dot,
                });
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn check_regex(
    loc: crate::syntax::nginx::Directive<'_>,
    alias: crate::syntax::nginx::Arg<'_>,
    sink: &mut Sink<'_>,
) {
    let Some(re) = loc.args().next_back().map(|a| a.value) else {
        return;
    };
    let gs = groups(re);
    let v = alias.value;
    let mut i = 0;
    while let Some(p) = v[i..].find('$') {
        let at = i + p;
        let digits: String = v[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        i = at + 1;
        let Ok(n) = digits.parse::<usize>() else {
            continue;
        };
        let Some(g) = n.checked_sub(1).and_then(|k| gs.get(k)) else {
            continue;
        };
        let before = &v[..at];
        let climbs =
            before.ends_with('/') && !g.after_slash && !g.starts_with_slash && g.can_start_with_dot;
        let glued = !before.ends_with('/') && !g.starts_with_slash;
        if climbs {
            sink.report(
                alias.span,
                format!("`alias {v}` takes capture ${n} of `location {}`, which can start with `..`: the request climbs out of `{before}`", loc.args().map(|a| a.value).collect::<Vec<_>>().join(" ")),
                "put a `/` before the group in the regex (`/images/(.*)`), or let the group start with `/` and drop the alias's own (`alias /srv/static$1;` with `(/.*)`)",
            );
        } else if glued {
            sink.report(
                alias.span,
                format!("`alias {v}` glues capture ${n} to `{before}` without a `/`: a request reaches paths beside it (`{before}-x/…`)"),
                "end the alias with `/` before the capture, or let the group start with `/`",
            );
        }
    }
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.each_location(|chain| {
        let loc = chain[chain.len() - 1];
        if !loc.is("location") {
            return;
        }
        if let [m, _] = loc.args().collect::<Vec<_>>().as_slice()
            && matches!(m.value, "~" | "~*")
        {
            if let Some(alias) = first(loc.children(), "alias").and_then(|a| a.args().next()) {
                check_regex(loc, alias, sink);
            }
            return;
        }
        let (modifier, path) = match loc.args().collect::<Vec<_>>().as_slice() {
            [p] => ("", p.value),
            [m, p] => (m.value, p.value),
            _ => return,
        };
        if !matches!(modifier, "" | "^~") || path.ends_with('/') {
            return;
        }
        let Some(alias) = first(loc.children(), "alias").and_then(|a| a.arg(0)) else {
            return;
        };
        let at = loc.args().next_back().map_or(loc.name_span(), |a| a.span);
        if alias.ends_with('/') {
            sink.report(
                at,
                format!("`location {path}` without a trailing slash serves an alias ending in `/`: `{path}../` escapes it"),
                format!("write `location {path}/`"),
            );
        } else {
            sink.report(
                at,
                format!("`location {path}` without a trailing slash: `{path}-x/…` reaches `{alias}-x/…` beside the aliased path"),
                format!("write `location {path}/` with `alias {alias}/`, or `location = {path}` for a single file"),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_capturing_groups() {
        let g = super::groups(r"/site(2)(.*)");
        assert_eq!(g.len(), 2);
        assert!(!g[1].after_slash && g[1].can_start_with_dot);
        let g = super::groups(r"/images/(?:x)(?<rest>[^\.]*)");
        assert_eq!(g.len(), 1);
        assert!(!g[0].can_start_with_dot);
        let g = super::groups(r"/images/(.*)$");
        assert!(g[0].after_slash);
        let g = super::groups(r"/images(/.*)");
        assert!(g[0].starts_with_slash);
        assert!(super::groups(r"\(x\)[(]").is_empty());
    }
}
