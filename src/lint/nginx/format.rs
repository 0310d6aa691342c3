//! nginx configuration as a lint format: a site, a whole tree with its includes
//! (from disk, or `nginx -T` output), or a fragment. A file that another linted
//! file includes is linted as part of that one, so hand-written files are parsed
//! after the last input.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{Check, Ctx, RULES, RouteKind};
use crate::description::{self as spec, LoadedSpec};
use crate::lint::format::{Format, Input, Linting, Match, Names, Run};
use crate::lint::rule::Rule;
use crate::lint::suppress::{self, Suppression};
use crate::lint::{Finding, Settings, Severity, engine};
use crate::syntax::FileId;
use crate::syntax::nginx::{self as ngx, IncludeSource};

pub static SYNTAX: Rule = Rule {
    code: "NG000",
    name: "nginx-syntax-error",
    severity: Severity::Error,
    summary: "the nginx file cannot be parsed",
    what: "A syntax error: an unterminated quote or block, a directive without `;`, a stray `}`. The file is not linted and svcgen exits 2.",
    why: "A file that cannot be parsed cannot be checked; it must never look clean.",
    example: "server { listen 80 }",
    fix: "server { listen 80; }",
    references: &[],
    description_key: None,
};

/// The markers svcgen writes on an include that is absent from a checkout on
/// purpose (`# svcgen: MARKER -- reason`), and what the note says of it.
const MARKED_ABSENT: &[(&str, &str)] = &[
    (
        "svcgen: deploy-state",
        "a file deploy.sh writes on the server (`svcgen: deploy-state`), not linted here",
    ),
    (
        "svcgen: mounted",
        "another service's locations, rendered from its own description (`svcgen: mounted`): lint them with its files",
    ),
];

pub static MISSING_INCLUDE: Rule = Rule {
    code: "NG016",
    name: "include-not-found",
    severity: Severity::Warning,
    summary: "an `include` that matches no readable file",
    what: "Reports an `include` whose path names no file: a relative path is read from nginx's conf prefix (`--prefix`, else the nearest directory above the file holding `nginx.conf`), an absolute one beneath `--root` when given. Two includes are a note instead, because nothing says where their file is: a relative one when the prefix is unknown (no `--prefix`, no nginx.conf above the file: the note names `--prefix`), and an absolute one outside the linted file's tree when no `--root` is given (this machine's /etc is not the server's; the note names `--root`). A file under /etc is this machine's configuration: its absolute includes are read as written. Whatever an include that was not read could set — HSTS, headers, `ssl_protocols`, `server_tokens`, proxy settings — the rules then report as info, naming the include. A file that exists but cannot be read, or does not parse, is an error (NG000), not this warning.",
    why: "nginx refuses to start on a missing include (without a glob); what is not read is not linted either.",
    example: "include /etc/nginx/snippets/ssl-params.conf;",
    fix: "Fix the path, or lint the configuration with `nginx -T` output (`nginx -T | svcgen lint --type nginx -`).",
    references: &["https://nginx.org/en/docs/ngx_core_module.html#include"],
    description_key: None,
};

pub static FORMAT: Nginx = Nginx;

pub struct Nginx;

impl Format for Nginx {
    fn names(&self) -> &'static Names {
        &Names {
            name: "nginx",
            aliases: &[],
            family: "NG",
            fence: "nginx",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        crate::lint::rule::documented!(RULES)
    }
    fn recognise(&self, name: &str, text: &str) -> Option<Match> {
        if name.ends_with(".conf") || name.ends_with(".nginx") {
            return Some(Match::Name);
        }
        let t = text.trim_start();
        (t.starts_with("nginx: the configuration file")
            || t.starts_with("# configuration file ")
            || t.contains("server {")
            || t.contains("http {")
            || t.contains("location "))
        .then_some(Match::Content)
    }
    fn walks(&self, path: &Path, name: &str) -> bool {
        // `NAME.service.d/` and other unit drop-in folders: merged into their unit.
        let in_dropin_dir = path
            .parent()
            .and_then(|d| d.file_name())
            .map(|d| d.to_string_lossy().into_owned())
            .is_some_and(|d| d.strip_suffix(".d").is_some_and(|stem| stem.contains('.')));
        name.ends_with(".conf") && !in_dropin_dir
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass::default())
    }
}

/// One configuration to lint: a main file with its includes spliced in.
struct Site {
    file: FileId,
    config: ngx::Config,
    routes: HashMap<String, RouteKind>,
    settings: Settings,
    /// When rendered from a description: the description and where its keys are.
    spec: Option<Arc<LoadedSpec>>,
    /// The conf prefix found for a hand-written file (with its nginx.conf), and
    /// that main file once read: its http-level settings apply to the site.
    prefix: Option<PathBuf>,
    main: Option<Arc<ngx::Config>>,
}

#[derive(Default)]
struct Pass {
    sites: Vec<Site>,
    /// Hand-written files, parsed after the last input.
    pending: Vec<(FileId, PathBuf)>,
}

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let Some(spec) = input.rendered else {
            self.pending.push((input.id, input.path.to_path_buf()));
            return;
        };
        let mut settings = run.opts.settings.clone();
        if !run.opts.nginx_version_fixed {
            settings.nginx_version = spec::parse_version(&spec.service.site.nginx_version);
        }
        let routes = spec
            .service
            .routes
            .iter()
            .filter_map(|r| match r.kind {
                spec::model::RouteKind::Streaming => {
                    Some((r.path.to_string(), RouteKind::Streaming))
                }
                spec::model::RouteKind::Websocket => {
                    Some((r.path.to_string(), RouteKind::Websocket))
                }
                _ => None,
            })
            .collect();
        match ngx::load(&mut run.report.sources, input.id, IncludeSource::None) {
            Ok(config) => self.sites.push(Site {
                file: input.id,
                config,
                routes,
                settings,
                spec: Some(spec.clone()),
                prefix: None,
                main: None,
            }),
            Err(e) => run.report.errors.push(engine::finding(
                &SYNTAX,
                e.span,
                format!("rendered nginx site does not parse: {}", e.message),
                None,
            )),
        }
    }

    fn finish(mut self: Box<Self>, run: &mut Run<'_>) {
        let opts = run.opts;
        let report = &mut run.report;
        // The main files read with no conf prefix known (no --prefix, no
        // nginx.conf above them): their relative includes are guesses.
        let mut unknown_prefix: HashSet<FileId> = HashSet::new();
        for (id, path) in std::mem::take(&mut self.pending) {
            let text = report.sources.shared_text(id);
            let mut main_prefix: Option<PathBuf> = None;
            let parsed = if let Some(sections) = ngx::split_dump(&text) {
                // nginx -T prints the main file first; its directory is the conf prefix.
                let Some(loaded) =
                    ngx::load_dump(&mut report.sources, &sections, opts.nginx_prefix.clone())
                else {
                    continue;
                };
                loaded
            } else {
                let (prefix, known) = match &opts.nginx_prefix {
                    Some(p) => (p.clone(), true),
                    None => conf_prefix(&path),
                };
                if !known {
                    unknown_prefix.insert(id);
                }
                main_prefix = Some(prefix.clone()).filter(|p| {
                    let main = p.join("nginx.conf");
                    main.is_file()
                        && std::fs::canonicalize(&main).ok() != std::fs::canonicalize(&path).ok()
                });
                let from = IncludeSource::Disk {
                    prefix,
                    absolute: absolute_includes(&path, opts.nginx_root.as_deref()),
                };
                (id, ngx::load(&mut report.sources, id, from))
            };
            // `# svcgen: nginx=1.25.1` in the file says which nginx it targets
            // (svcgen's rendered sites carry it), unless the command line fixed one.
            let mut settings = opts.settings.clone();
            // Read from the comments that open the file (a large configuration is
            // not scanned line by line for it).
            let head_len: usize = text
                .split_inclusive('\n')
                .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
                .map(str::len)
                .sum();
            if !opts.nginx_version_fixed
                && let Some(v) = crate::lint::format::marker(&text[..head_len], "nginx")
                && v.split('.').count() == 3
                && v.split('.').all(|p| p.parse::<u32>().is_ok())
            {
                settings.nginx_version = spec::parse_version(&v);
            }
            match parsed {
                (file, Ok(config)) => self.sites.push(Site {
                    file,
                    config,
                    routes: HashMap::new(),
                    settings,
                    spec: None,
                    prefix: main_prefix,
                    main: None,
                }),
                (_, Err(e)) => report.errors.push(engine::finding(
                    &SYNTAX,
                    e.span,
                    format!("nginx syntax error: {}", e.message),
                    None,
                )),
            }
        }
        // A file that another linted file includes is linted as part of that one
        // (each file's includers found in one map: linear in the files).
        let mut includers: HashMap<String, Vec<usize>> = HashMap::new();
        for (j, u) in self.sites.iter().enumerate() {
            let names: HashSet<&str> = u
                .config
                .tree
                .files_with_directives()
                .filter(|&f| f != u.file)
                .map(|f| report.sources.name(f))
                .collect();
            for name in names {
                includers.entry(name.to_string()).or_default().push(j);
            }
        }
        let linted: Vec<bool> = (self.sites.iter().enumerate())
            .map(|(i, u)| {
                !includers
                    .get(report.sources.name(u.file))
                    .is_some_and(|js| js.iter().any(|&j| j != i))
            })
            .collect();
        // A site file linted on its own below a conf prefix with an nginx.conf:
        // that main file's http block is read (once per prefix) and applies.
        let mut mains: HashMap<PathBuf, Option<Arc<ngx::Config>>> = HashMap::new();
        for (u, &linted) in self.sites.iter_mut().zip(&linted) {
            let Some(prefix) = u.prefix.clone().filter(|_| linted) else {
                continue;
            };
            if u.config.level != ngx::Level::Http {
                continue;
            }
            let main = mains.entry(prefix.clone()).or_insert_with(|| {
                let file = prefix.join("nginx.conf");
                let text = crate::syntax::read_file(&file).ok()?;
                let id = report.sources.add(file.display().to_string(), text);
                let from = IncludeSource::Disk {
                    absolute: absolute_includes(&file, opts.nginx_root.as_deref()),
                    prefix: prefix.clone(),
                };
                ngx::load(&mut report.sources, id, from).ok().map(Arc::new)
            });
            u.main = main.clone();
        }
        // The sites' rules on every core (each reads only its own tree); their
        // findings are then finished in order.
        let found: Vec<Option<Vec<Finding>>> = (self.sites.par_iter().zip(&linted))
            .map(|(u, &linted)| linted.then(|| run_rules(u, opts)))
            .collect();
        for (u, findings) in self.sites.iter().zip(found) {
            let Some(mut findings) = findings else {
                continue;
            };
            for e in &u.config.broken {
                report.errors.push(engine::finding(
                    &SYNTAX,
                    e.span,
                    format!("nginx: {}", e.message),
                    None,
                ));
            }
            if u.config.level == ngx::Level::Server {
                report.notes.push(format!(
                    "{} is a fragment (the inside of a server or location): what the files that include it set is not visible here; its locations are compared with its own top level",
                    report.sources.name(u.file)
                ));
            }
            // Includes svcgen marked as absent from a checkout on purpose: a note
            // each, by marker; any other missing include is a finding.
            // The first marker on the include's lines, by MARKED_ABSENT's order.
            let marker_of = |m: &ngx::MissingInclude| {
                MARKED_ABSENT.iter().position(|(marker, _)| {
                    m.comments
                        .iter()
                        .any(|c| c.trim_start().starts_with(marker))
                })
            };
            for (i, (_, why)) in MARKED_ABSENT.iter().enumerate() {
                for m in u.config.missing.iter().filter(|m| marker_of(m) == Some(i)) {
                    let src = report.sources.get(m.error.span.file);
                    let (line, col) = src.line_col(m.error.span.start);
                    report.notes.push(format!(
                        "{}:{line}:{col}: include `{}` not read — {why}",
                        src.name, m.pattern
                    ));
                }
            }
            // Includes not read for want of a prefix or a root: a note each
            // naming the option that reads them. The rules see the include
            // and report what it could set as uncertain.
            for m in u.config.missing.iter().filter(|m| marker_of(m).is_none()) {
                let guess = m.why == ngx::Unread::NotFound
                    && unknown_prefix.contains(&u.file)
                    && !Path::new(&m.pattern).is_absolute();
                let why = match m.why {
                    ngx::Unread::OutsideTree => Some(format!(
                        "include `{}` was not read: it is outside the files linted, and this machine's copy is not the server's — give `--root DIR` (a copy of the server's files) to read it there",
                        m.pattern
                    )),
                    ngx::Unread::NotFound if guess => Some(format!(
                        "include `{}` was not found beside the file: nginx reads a relative include from its conf prefix, which is unknown here (no nginx.conf above the file) — give `--prefix DIR` (/etc/nginx on Debian), or lint `nginx -T` output",
                        m.pattern
                    )),
                    ngx::Unread::NotFound => None,
                };
                if let Some(why) = why {
                    let src = report.sources.get(m.error.span.file);
                    let (line, col) = src.line_col(m.error.span.start);
                    report
                        .notes
                        .push(format!("{}:{line}:{col}: {why}", src.name));
                }
            }
            for m in &u.config.missing {
                let noted = m.why == ngx::Unread::OutsideTree
                    || (unknown_prefix.contains(&u.file) && !Path::new(&m.pattern).is_absolute());
                if marker_of(m).is_none() && !noted {
                    findings.push(engine::finding(
                        &MISSING_INCLUDE,
                        m.error.span,
                        m.error.message.clone(),
                        Some(MISSING_INCLUDE.fix.into()),
                    ));
                }
            }
            let mut suppressions = collect_suppressions(&u.config);
            engine::finish(
                report,
                FORMAT.rules(),
                findings,
                &mut suppressions,
                u.spec.as_deref(),
                opts,
            );
        }
        // The first hand-written configuration, for the cross-file rules (rendered
        // sites are consistent with their description already).
        if let Some(i) = self.sites.iter().position(|u| u.spec.is_none()) {
            run.bundle.nginx = Some(self.sites.swap_remove(i).config);
        }
    }
}

/// Where a linted file's absolute includes are read: beneath `--root` when given;
/// as written for a file of this machine's own configuration (beneath `/etc`);
/// otherwise only within the tree the file is in (its path's first two
/// components, such as `/home/ana`): an absolute include elsewhere names the
/// server's file, and this machine's copy of it is not that.
fn absolute_includes(path: &Path, root: Option<&Path>) -> ngx::Absolute {
    if let Some(root) = root {
        return ngx::Absolute::Under(root.to_path_buf());
    }
    let Ok(abs) = std::fs::canonicalize(path) else {
        return ngx::Absolute::Host;
    };
    if abs.starts_with("/etc") {
        return ngx::Absolute::Host;
    }
    ngx::Absolute::Within(abs.components().take(3).collect())
}

/// The conf prefix for a linted nginx file when none was given: the nearest
/// directory at or above the file's that holds `nginx.conf` (as `/etc/nginx/` does
/// for `/etc/nginx/sites-available/x.conf`), and true; else the file's own
/// directory, and false (a guess).
fn conf_prefix(path: &Path) -> (PathBuf, bool) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    for at in dir.ancestors() {
        let at = if at.as_os_str().is_empty() {
            Path::new(".")
        } else {
            at
        };
        if at.join("nginx.conf").is_file() {
            return (at.to_path_buf(), true);
        }
    }
    if dir.is_relative()
        && let Ok(abs) = std::fs::canonicalize(&dir)
    {
        for at in abs.ancestors() {
            if at.join("nginx.conf").is_file() {
                return (at.to_path_buf(), true);
            }
        }
    }
    (dir, false)
}

fn collect_suppressions(config: &ngx::Config) -> Vec<Suppression> {
    let mut out = Vec::new();
    // One file: its comments straight from the tree's table, in order.
    if config.tree.depth_first().is_some() {
        for (d, text, span) in config.tree.all_comments() {
            out.extend(suppress::parse_comment(text, span, d.span()));
        }
        return out;
    }
    config.each_directive(|d| {
        for (text, span) in d.comments() {
            out.extend(suppress::parse_comment(text, span, d.span()));
        }
    });
    out
}

/// Directives above which the nginx rules run in parallel.
const PARALLEL_ABOVE: usize = 20_000;

fn run_rules(u: &Site, opts: &crate::lint::Options) -> Vec<Finding> {
    let ctx = Ctx::within(&u.config, &u.settings, &u.routes, u.main.as_deref());
    let run = |check: Check, sink: &mut crate::lint::Sink<'_>| check(&ctx, sink);
    // A large configuration's rules run on every core (each rule reads the shared
    // tree); a small one's stay on this thread, where starting threads would cost
    // more than they save.
    if u.config.tree.len() > PARALLEL_ABOVE {
        engine::run_rules_parallel(opts, RULES, run)
    } else {
        engine::run_rules(opts, RULES, run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules spread over threads find exactly what they find one after another,
    /// in the same order.
    #[test]
    fn parallel_rules_find_the_same() {
        let text = crate::lint::shop_copies(300);
        let mut sources = crate::syntax::SourceSet::default();
        let id = sources.add("big.conf".into(), text);
        let config = ngx::load(&mut sources, id, IncludeSource::None).unwrap();
        let (settings, routes) = (Settings::default(), HashMap::new());
        let ctx = Ctx::new(&config, &settings, &routes);
        let opts = crate::lint::Options::default();
        let run = |check: Check, sink: &mut crate::lint::Sink<'_>| check(&ctx, sink);
        let key = |f: &Finding| (f.code, f.span.start, f.span.end, f.message.clone());
        let one: Vec<_> = engine::run_rules(&opts, RULES, run)
            .iter()
            .map(key)
            .collect();
        // Three threads whatever the machine has, so the parallel path is the one
        // compared.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let many: Vec<_> = pool
            .install(|| engine::run_rules_parallel(&opts, RULES, run))
            .iter()
            .map(key)
            .collect();
        assert!(one.len() > 3000, "{}", one.len());
        assert_eq!(one, many);
    }
}
