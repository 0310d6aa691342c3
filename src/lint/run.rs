//! One lint run: find and classify the files, parse them, run the rules, apply
//! suppressions and the selection.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::nginx::{Ctx, RouteKind};
use super::registry::{self, Check, Rule};
use super::suppress::{self, Suppression};
use super::{Finding, Origin, Report, Selection, Settings, Severity, Sink};
use crate::artifact::nginx::{self as ngx, Block, Directive, IncludeSource};
use crate::artifact::pm2::Node;
use crate::artifact::shell::Script;
use crate::artifact::systemd::Unit;
use crate::artifact::{FileId, Span};
use crate::render;
use crate::spec::{self, LoadedSpec};

/// The kinds of file svcgen lints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Description,
    Nginx,
    Systemd,
    Pm2,
    Shell,
}

impl FileType {
    pub fn parse(s: &str) -> Option<FileType> {
        match s {
            "description" | "yaml" => Some(FileType::Description),
            "nginx" => Some(FileType::Nginx),
            "systemd" | "unit" => Some(FileType::Systemd),
            "pm2" | "ecosystem" => Some(FileType::Pm2),
            "shell" | "bash" | "sh" => Some(FileType::Shell),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub selection: Selection,
    pub settings: Settings,
    /// Set when the nginx version came from the command line or configuration, so a
    /// description's own `site.nginx_version` does not replace it.
    pub nginx_version_fixed: bool,
    pub file_type: Option<FileType>,
    pub templates: Option<PathBuf>,
    /// Run shellcheck on deploy scripts when it is installed.
    pub shellcheck: bool,
    /// The shellcheck to run (default: `shellcheck` on PATH, a note when absent).
    pub shellcheck_path: Option<PathBuf>,
    /// The hand-written files given belong to one service: run the cross-file rules.
    pub together: bool,
    /// nginx's conf prefix: the directory relative include paths start from. When
    /// unset: the nearest directory above the linted file that holds `nginx.conf`
    /// (as in `/etc/nginx/`), else the linted file's own directory.
    pub nginx_prefix: Option<PathBuf>,
}

/// The conf prefix for a linted nginx file when none was given: the nearest
/// directory at or above the file's that holds `nginx.conf` (as `/etc/nginx/` does
/// for `/etc/nginx/sites-available/x.conf`), else the file's own directory.
fn nginx_prefix(path: &Path) -> PathBuf {
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
            return at.to_path_buf();
        }
    }
    if dir.is_relative()
        && let Ok(abs) = std::fs::canonicalize(&dir)
    {
        for at in abs.ancestors() {
            if at.join("nginx.conf").is_file() {
                return at.to_path_buf();
            }
        }
    }
    dir
}

pub static MISSING_INCLUDE: Rule = Rule {
    code: "NG016",
    name: "include-not-found",
    severity: Severity::Warning,
    summary: "an `include` that matches no readable file",
    what: "Reports an `include` whose path (absolute, or relative to nginx's conf prefix: `--prefix`, else the nearest directory above the file holding `nginx.conf`, else the file's directory) names no file. A file that exists but cannot be read, or does not parse, is an error (NG000), not this warning.",
    why: "nginx refuses to start on a missing include (without a glob); what is not read is not linted either.",
    example: "include /etc/nginx/snippets/ssl-params.conf;",
    fix: "Fix the path, or lint the configuration with `nginx -T` output (`nginx -T | svcgen lint --type nginx -`).",
    references: &["https://nginx.org/en/docs/ngx_core_module.html#include"],
    description_key: None,
    check: Check::Engine,
};

pub static SD_SYNTAX: Rule = Rule {
    code: "SD000",
    name: "unit-syntax-error",
    severity: Severity::Error,
    summary: "the unit file cannot be parsed",
    what: "A line that is not `Key=value`, a `[Section]` header or a comment, or an assignment before any section. The file is not linted and svcgen exits 2.",
    why: "A file that cannot be parsed cannot be checked; it must never look clean.",
    example: "[Service\nExecStart /usr/bin/node app.js",
    fix: "[Service]\nExecStart=/usr/bin/node app.js",
    references: &[],
    description_key: None,
    check: Check::Engine,
};

pub static SHELLCHECK_FAILED: Rule = Rule {
    code: "SH000",
    name: "shellcheck-failed",
    severity: Severity::Error,
    summary: "shellcheck ran on a deploy script and failed",
    what: "shellcheck crashed, was killed, ran longer than 60 s, printed no JSON report, or the shellcheck given with `--shellcheck PATH` is not there. The script's shellcheck findings are unknown, so svcgen exits 2. (shellcheck that is simply not installed is a note; `--no-shellcheck` turns it off.)",
    why: "A check that was asked for and did not run must never look clean.",
    example: "svcgen lint deploy.sh --shellcheck /usr/local/bin/shellcheck-broken",
    fix: "Run shellcheck on the script by hand to see why it fails, or pass `--no-shellcheck`.",
    references: &[],
    description_key: None,
    check: Check::Engine,
};

pub static PM_SYNTAX: Rule = Rule {
    code: "PM000",
    name: "ecosystem-unreadable",
    severity: Severity::Error,
    summary: "the ecosystem file cannot be read without running it",
    what: "svcgen reads `module.exports = { … }` / `export default { … }` object literals and JSON files without executing them. A syntax error, or an export that is not an object literal (a variable, a function call), is reported here and svcgen exits 2. Single values that are expressions (`process.env.PORT || 3000`) are skipped by the rules, not reported.",
    why: "A file that cannot be read cannot be checked; it must never look clean.",
    example: "const config = buildConfig();\nmodule.exports = config;",
    fix: "module.exports = {\n  apps: [{ name: 'api', script: 'dist/server.js', kill_timeout: 15000 }],\n};",
    references: &[],
    description_key: None,
    check: Check::Engine,
};

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
    check: Check::Engine,
};

pub static DESCRIPTION: Rule = Rule {
    code: "SV000",
    name: "invalid-description",
    severity: Severity::Error,
    summary: "the service description is invalid",
    what: "The description failed its schema or semantic checks (see the message). Nothing is rendered or linted from it and svcgen exits 2.",
    why: "A description that does not load cannot be rendered or checked.",
    example: "supervisor:\n  instanses: 4",
    fix: "supervisor:\n  instances: 4",
    references: &[],
    description_key: None,
    check: Check::Engine,
};

fn engine_finding(rule: &Rule, span: Span, message: String, help: Option<String>) -> Finding {
    Finding {
        code: rule.code,
        severity: rule.severity,
        message,
        span,
        label: None,
        help,
        origin: None,
    }
}

/// Guesses a file's type from its name, then its content.
pub fn detect(path: &Path, text: &str) -> Option<FileType> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".service") {
        return Some(FileType::Systemd);
    }
    if name.ends_with(".sh") || name.ends_with(".bash") {
        return Some(FileType::Shell);
    }
    let js = [".js", ".cjs", ".mjs"].iter().any(|e| name.ends_with(e));
    if (js && (name.contains("ecosystem") || name.contains(".config.")))
        || (name.contains("ecosystem")
            && [".json", ".json5", ".yml", ".yaml"]
                .iter()
                .any(|e| name.ends_with(e)))
    {
        return Some(FileType::Pm2);
    }
    if js
        && text.contains("apps")
        && (text.contains("module.exports") || text.contains("export default"))
    {
        return Some(FileType::Pm2);
    }
    if name.ends_with(".conf") || name == "nginx.conf" || name.ends_with(".nginx") {
        return Some(FileType::Nginx);
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        return Some(FileType::Description);
    }
    let first_line = text.lines().next().unwrap_or("");
    if first_line.starts_with("#!") && (first_line.contains("bash") || first_line.ends_with("/sh"))
    {
        return Some(FileType::Shell);
    }
    let t = text.trim_start();
    if t.starts_with("nginx: the configuration file") || t.starts_with("# configuration file ") {
        return Some(FileType::Nginx);
    }
    if t.contains("server {") || t.contains("http {") || t.contains("location ") {
        return Some(FileType::Nginx);
    }
    if t.contains("\nsupervisor:") && t.contains("\nsite:") {
        return Some(FileType::Description);
    }
    None
}

/// Files below a directory that svcgen lints (by name).
/// Collects the lintable files below `dir`. Links are followed, but every
/// directory and file is visited once (by device and inode), so a link loop ends
/// and a linked file is not linted twice.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut HashSet<(u64, u64)>) {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(dir) else {
        return;
    };
    if !seen.insert((meta.dev(), meta.ino())) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        // `NAME.service.d/` and other unit drop-in folders: merged into their unit.
        let in_dropin_dir = p
            .parent()
            .and_then(|d| d.file_name())
            .map(|d| d.to_string_lossy().into_owned())
            .is_some_and(|d| d.strip_suffix(".d").is_some_and(|stem| stem.contains('.')));
        if p.is_dir() {
            walk(&p, out, seen);
        } else if (name.ends_with(".conf") && !in_dropin_dir)
            || name.ends_with(".service")
            || name == "deploy.sh"
            || (name.starts_with("ecosystem")
                && [".js", ".cjs", ".mjs", ".json", ".json5", ".yml", ".yaml"]
                    .iter()
                    .any(|e| name.ends_with(e)))
            || name.ends_with(".svcgen.yaml")
            || name.ends_with(".svcgen.yml")
        {
            // A file that cannot be read is pushed, and reading it reports why.
            let first_time = std::fs::metadata(&p)
                .map(|m| seen.insert((m.dev(), m.ino())))
                .unwrap_or(true);
            if first_time {
                out.push(p);
            }
        }
    }
}

struct NginxUnit {
    /// The main file (includes are spliced into `config`).
    file: FileId,
    config: ngx::Config,
    routes: HashMap<String, RouteKind>,
    settings: Settings,
    /// When rendered from a description: the description and where its keys are.
    spec: Option<LoadedSpec>,
}

/// Runs the linter over files and directories (`-` reads standard input).
pub fn lint(inputs: &[PathBuf], opts: &Options) -> Report {
    let mut report = Report::default();
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut files, &mut seen);
        } else {
            files.push(input.clone());
        }
    }
    let mut units: Vec<NginxUnit> = Vec::new();
    let mut pending: Vec<(FileId, PathBuf)> = Vec::new();
    // The first parsed file of each kind, for the cross-file rules.
    let mut bundle = Bundle::default();
    for path in files {
        let name = path.display().to_string();
        let read = if name == "-" {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).and_then(|_| {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    // A failed `nginx -T` in a pipe prints nothing: never "no findings".
                    Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "standard input is empty (did the command before the pipe fail?)",
                    ))
                } else {
                    Ok(crate::artifact::decode(bytes))
                }
            })
        } else {
            crate::artifact::read_file(&path)
        };
        let text = match read {
            Ok(t) => t,
            Err(e) => {
                let id = report.sources.add(name.clone(), String::new());
                report.errors.push(engine_finding(
                    &SYNTAX,
                    Span {
                        file: id,
                        start: 0,
                        end: 0,
                    },
                    format!("cannot read {name}: {e}"),
                    None,
                ));
                continue;
            }
        };
        let kind = opts.file_type.or_else(|| detect(&path, &text));
        // Held once: the source set keeps the text, this loop reads it from there.
        let id = report.sources.add(name.clone(), text);
        let text = report.sources.shared_text(id);
        match kind {
            Some(FileType::Description) => {
                let spec = lint_description(&mut report, id, &name, &text, opts, &mut units);
                if bundle.service.is_none() {
                    bundle.service = spec.map(|s| s.service);
                }
            }
            Some(FileType::Nginx) => pending.push((id, path)),
            Some(FileType::Pm2) => {
                let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let input = EcosystemInput {
                    file: id,
                    file_name,
                    drain_ms: marker(&text, "drain").and_then(|v| crate::artifact::systemd::parse_timespan(&v)),
                    signals: marker(&text, "signals").map(|v| v.split(',').map(|s| s.trim().to_string()).collect()),
                    spec: None,
                };
                let root = lint_ecosystem(&mut report, input, opts);
                if bundle.ecosystem.is_none() {
                    bundle.ecosystem = root;
                }
            }
            Some(FileType::Shell) => {
                let script = lint_script(&mut report, id, None, opts);
                bundle.script.get_or_insert(script);
            }
            Some(FileType::Systemd) if text.trim().is_empty() => {
                // A masked unit (a link to /dev/null) or an empty file: nothing runs.
            }
            Some(FileType::Systemd) => {
                let mut unit = UnitInput { file: id, drain_ms: None, writes: Vec::new(), spec: None };
                unit.drain_ms = marker(&text, "drain").and_then(|v| crate::artifact::systemd::parse_timespan(&v));
                let unit = lint_unit(&mut report, &path, unit, opts);
                if bundle.unit.is_none() {
                    bundle.unit = unit;
                }
            }
            None => report.errors.push(engine_finding(
                &SYNTAX,
                Span {
                    file: id,
                    start: 0,
                    end: 0,
                },
                format!("cannot tell what kind of file {name} is"),
                Some("name it *.conf (nginx), *.service (systemd) or *.yaml (description), or pass --type".into()),
            )),
        }
    }
    for (id, path) in pending {
        let text = report.sources.shared_text(id);
        let parsed = if let Some(sections) = ngx::split_dump(&text) {
            let ids: Vec<(String, FileId)> = sections
                .iter()
                .map(|(p, t)| (p.clone(), report.sources.add(p.clone(), t.clone())))
                .collect();
            let Some((main_path, main)) = ids.first().cloned() else {
                continue;
            };
            // nginx -T prints the main file first; its directory is the conf prefix.
            let prefix = opts.nginx_prefix.clone().unwrap_or_else(|| {
                Path::new(&main_path)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("/etc/nginx"))
            });
            (
                main,
                ngx::load(
                    &mut report.sources,
                    main,
                    IncludeSource::Dump {
                        files: &ids,
                        prefix,
                    },
                ),
            )
        } else {
            let prefix = opts
                .nginx_prefix
                .clone()
                .unwrap_or_else(|| nginx_prefix(&path));
            (
                id,
                ngx::load(&mut report.sources, id, IncludeSource::Disk { prefix }),
            )
        };
        match parsed {
            (file, Ok(config)) => units.push(NginxUnit {
                file,
                config,
                routes: HashMap::new(),
                settings: opts.settings.clone(),
                spec: None,
            }),
            (_, Err(e)) => report.errors.push(engine_finding(
                &SYNTAX,
                e.span,
                format!("nginx syntax error: {}", e.message),
                None,
            )),
        }
    }
    // A file that another linted file includes is linted as part of that one.
    let included_by: Vec<HashSet<String>> = units
        .iter()
        .map(|u| {
            u.config
                .tree
                .files_with_directives()
                .filter(|&f| f != u.file)
                .map(|f| report.sources.name(f).to_string())
                .collect::<HashSet<_>>()
        })
        .collect();
    for (i, u) in units.iter().enumerate() {
        let own = report.sources.name(u.file).to_string();
        if included_by
            .iter()
            .enumerate()
            .any(|(j, set)| j != i && set.contains(&own))
        {
            continue;
        }
        let mut findings = run_nginx(u, opts);
        for e in &u.config.broken {
            report.errors.push(engine_finding(
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
        for e in &u.config.deploy_state {
            let src = report.sources.get(e.span.file);
            let (line, col) = src.line_col(e.span.start);
            report.notes.push(format!(
                "{}:{line}:{col}: {} — a file deploy.sh writes on the server (`svcgen: deploy-state`), not linted here",
                src.name, e.message
            ));
        }
        for e in &u.config.missing {
            findings.push(engine_finding(
                &MISSING_INCLUDE,
                e.span,
                e.message.clone(),
                Some(MISSING_INCLUDE.fix.into()),
            ));
        }
        let mut suppressions = collect_suppressions(&u.config);
        finish(
            &mut report,
            findings,
            &mut suppressions,
            u.spec.as_ref(),
            opts,
        );
    }
    if opts.together {
        // The first hand-written nginx file (rendered sites are consistent already).
        let nginx = units.iter().find(|u| u.spec.is_none()).map(|u| &u.config);
        cross_check(&mut report, &bundle, nginx, opts);
    }
    report.sort();
    report
}

/// One service's files, as parsed while linting them one by one.
#[derive(Default)]
struct Bundle {
    unit: Option<Unit>,
    ecosystem: Option<Node>,
    script: Option<Script>,
    service: Option<crate::spec::Service>,
}

/// Runs the cross-file rules on the files parsed for the single-file rules.
fn cross_check(report: &mut Report, bundle: &Bundle, nginx: Option<&ngx::Config>, opts: &Options) {
    let ctx = super::cross::Ctx {
        nginx,
        unit: bundle.unit.as_ref(),
        ecosystem: bundle.ecosystem.as_ref(),
        script: bundle.script.as_ref(),
        service: bundle.service.as_ref(),
    };
    let findings = run_rules(opts, |check, sink| {
        if let Check::Cross(f) = check {
            f(&ctx, sink);
        }
    });
    finish(report, findings, &mut [], None, opts);
}

fn for_each_directive<'a>(ds: Block<'a>, f: &mut impl FnMut(Directive<'a>)) {
    for d in ds {
        f(d);
        for_each_directive(d.children(), f);
    }
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
    for_each_directive(config.directives(), &mut |d| {
        for (text, span) in d.comments() {
            out.extend(suppress::parse_comment(text, span, d.span()));
        }
    });
    out
}

fn run_nginx(u: &NginxUnit, opts: &Options) -> Vec<Finding> {
    let ctx = Ctx::new(&u.config, &u.settings, &u.routes);
    let dispatch = |check: &Check, sink: &mut Sink<'_>| {
        if let Check::Nginx(f) = check {
            f(&ctx, sink);
        }
    };
    // A large configuration's rules run on every core (each rule reads the shared
    // tree); a small one's stay on this thread, where starting threads would cost
    // more than they save.
    if u.config.tree.len() > PARALLEL_ABOVE {
        run_rules_parallel(opts, super::worker_threads(), dispatch)
    } else {
        run_rules(opts, dispatch)
    }
}

/// Directives above which the nginx rules run in parallel.
const PARALLEL_ABOVE: usize = 20_000;

/// `run_rules` with the rules spread over the available cores; the findings come
/// out in the same order.
fn run_rules_parallel(
    opts: &Options,
    threads: usize,
    dispatch: impl Fn(&Check, &mut Sink<'_>) + Sync,
) -> Vec<Finding> {
    let rules: Vec<_> = registry::all()
        .iter()
        .filter(|r| opts.selection.enabled(r.code))
        .collect();
    // Each thread takes the next rule not yet taken: the rules differ in cost.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut per_rule: Vec<(usize, Vec<Finding>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (rules, dispatch, next) = (&rules, &dispatch, &next);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(rule) = rules.get(i) else { break };
                        let mut out = Vec::new();
                        let mut sink = Sink {
                            code: rule.code,
                            severity: rule.severity,
                            out: &mut out,
                        };
                        dispatch(&rule.check, &mut sink);
                        done.push((i, out));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    per_rule.sort_by_key(|(i, _)| *i);
    per_rule.into_iter().flat_map(|(_, f)| f).collect()
}

/// Runs every selected rule through `dispatch`, which calls the rules of its format.
fn run_rules(opts: &Options, mut dispatch: impl FnMut(&Check, &mut Sink<'_>)) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in registry::all() {
        if !opts.selection.enabled(rule.code) {
            continue;
        }
        let mut sink = Sink {
            code: rule.code,
            severity: rule.severity,
            out: &mut out,
        };
        dispatch(&rule.check, &mut sink);
    }
    out
}

/// Applies suppressions, the selection and severities, names the description key
/// of rendered files, and adds the findings to the report.
fn finish(
    report: &mut Report,
    mut findings: Vec<Finding>,
    suppressions: &mut [Suppression],
    spec: Option<&LoadedSpec>,
    opts: &Options,
) {
    suppress::apply(&mut findings, suppressions);
    for mut f in findings {
        if !opts.selection.enabled(f.code) {
            continue;
        }
        f.severity = opts.selection.severity_of(f.code, f.severity);
        if let Some(spec) = spec {
            f.origin = origin_for(spec, f.code);
        }
        report.findings.push(f);
    }
}

fn origin_for(spec: &LoadedSpec, code: &str) -> Option<Origin> {
    let key = registry::find(code)?.description_key?;
    let pointer = format!("/{}", key.replace('.', "/"));
    let place = spec.positions.nearest(&pointer);
    let pos = place.key.unwrap_or(place.value);
    Some(Origin {
        description: spec.file.clone(),
        key: key.to_string(),
        line: pos.line,
        column: pos.column,
    })
}

fn lint_description(
    report: &mut Report,
    id: FileId,
    name: &str,
    text: &str,
    opts: &Options,
    units: &mut Vec<NginxUnit>,
) -> Option<LoadedSpec> {
    let spec = match spec::load(name, text) {
        Ok(s) => s,
        Err(errors) => {
            for e in errors.errors {
                let start = e.span.offset();
                report.errors.push(Finding {
                    code: DESCRIPTION.code,
                    severity: Severity::Error,
                    message: e.message.clone(),
                    span: Span {
                        file: id,
                        start,
                        end: start + e.span.len(),
                    },
                    label: Some(e.label.clone()),
                    help: e.help.clone(),
                    origin: None,
                });
            }
            return None;
        }
    };
    let rendered =
        render::environment(opts.templates.as_deref()).and_then(|env| render::render(&spec, &env));
    let artifacts = match rendered {
        Ok(a) => a,
        Err(e) => {
            let at = Span {
                file: id,
                start: 0,
                end: 0,
            };
            report
                .errors
                .push(engine_finding(&DESCRIPTION, at, e.to_string(), None));
            return None;
        }
    };
    let mut settings = opts.settings.clone();
    if !opts.nginx_version_fixed {
        settings.nginx_version = spec::parse_version(&spec.service.site.nginx_version);
    }
    let routes: HashMap<String, RouteKind> = spec
        .service
        .routes
        .iter()
        .filter_map(|r| match r.kind {
            spec::model::RouteKind::Streaming => Some((r.path.clone(), RouteKind::Streaming)),
            spec::model::RouteKind::Websocket => Some((r.path.clone(), RouteKind::Websocket)),
            _ => None,
        })
        .collect();
    for a in &artifacts {
        if a.kind == render::ArtifactKind::SystemdUnit {
            let unit_id = report.sources.add(
                format!("{name} => {} (rendered)", a.file_name),
                a.content.clone(),
            );
            let s = &spec.service;
            let mut writes = vec![
                s.logs
                    .dir
                    .clone()
                    .unwrap_or_else(|| format!("/var/log/{}", s.name)),
            ];
            writes.extend(s.hardening.writable_paths.iter().cloned());
            let input = UnitInput {
                file: unit_id,
                drain_ms: Some(s.shutdown.drain.millis()),
                writes,
                spec: Some(spec.clone()),
            };
            lint_unit(report, Path::new(&a.file_name), input, opts);
        }
        if a.kind == render::ArtifactKind::DeployScript {
            let id = report.sources.add(
                format!("{name} => {} (rendered)", a.file_name),
                a.content.clone(),
            );
            lint_script(report, id, Some(&spec), opts);
        }
        if a.kind == render::ArtifactKind::Pm2Ecosystem {
            let id = report.sources.add(
                format!("{name} => {} (rendered)", a.file_name),
                a.content.clone(),
            );
            let input = EcosystemInput {
                file: id,
                file_name: a.file_name.clone(),
                drain_ms: Some(spec.service.shutdown.drain.millis()),
                // The rendered unit sets PM2_KILL_SIGNAL from the description's signals.
                signals: None,
                spec: Some(spec.clone()),
            };
            lint_ecosystem(report, input, opts);
        }
        if a.kind != render::ArtifactKind::NginxSite {
            continue;
        }
        let rendered = report.sources.add(
            format!("{name} => {} (rendered)", a.file_name),
            a.content.clone(),
        );
        match ngx::load(&mut report.sources, rendered, IncludeSource::None) {
            Ok(config) => units.push(NginxUnit {
                file: rendered,
                config,
                routes: routes.clone(),
                settings: settings.clone(),
                spec: Some(spec.clone()),
            }),
            Err(e) => report.errors.push(engine_finding(
                &SYNTAX,
                e.span,
                format!("rendered nginx site does not parse: {}", e.message),
                None,
            )),
        }
    }
    Some(spec)
}

/// A unit to lint, with what the linter knows about the app behind it.
struct UnitInput {
    file: FileId,
    drain_ms: Option<u64>,
    writes: Vec<String>,
    spec: Option<LoadedSpec>,
}

fn lint_unit(report: &mut Report, path: &Path, input: UnitInput, opts: &Options) -> Option<Unit> {
    use crate::artifact::systemd;
    let text = report.sources.text(input.file).to_string();
    let mut unit = match systemd::parse(&text, input.file) {
        Ok(u) => u,
        Err(e) => {
            report.errors.push(engine_finding(
                &SD_SYNTAX,
                e.span,
                format!("unit syntax error: {}", e.message),
                None,
            ));
            return None;
        }
    };
    // Drop-ins: NAME.service.d/*.conf beside a unit on disk, in name order.
    let dropin_dir = path.with_file_name(format!(
        "{}.d",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    if input.spec.is_none()
        && let Ok(entries) = std::fs::read_dir(&dropin_dir)
    {
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "conf"))
            .collect();
        files.sort();
        for f in files {
            let Ok(t) = std::fs::read_to_string(&f) else {
                continue;
            };
            let id = report.sources.add(f.display().to_string(), t.clone());
            match systemd::parse(&t, id) {
                Ok(d) => unit.merge(d),
                Err(e) => {
                    report.errors.push(engine_finding(
                        &SD_SYNTAX,
                        e.span,
                        format!("drop-in syntax error: {}", e.message),
                        None,
                    ));
                    return None;
                }
            }
        }
    }
    let unit_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let exposure = super::systemd::exposure::assess(&unit, &unit_name);
    let ctx = super::systemd::Ctx {
        unit: &unit,
        drain_ms: input.drain_ms,
        writes: input.writes.clone(),
        exposure: &exposure,
        exposure_max: opts.settings.exposure_max,
    };
    let findings = run_rules(opts, |check, sink| {
        if let Check::Systemd(f) = check {
            f(&ctx, sink);
        }
    });
    let mut suppressions = Vec::new();
    for s in &unit.sections {
        for e in &s.entries {
            let covers = Span {
                file: e.key_span.file,
                start: e.key_span.start,
                end: e.value_span.end.max(e.key_span.end),
            };
            for (text, span) in &e.comments {
                if let Some(s) = suppress::parse_comment(text, *span, covers) {
                    suppressions.push(s);
                }
            }
        }
    }
    report.exposures.push(super::UnitExposure {
        file: report.sources.name(input.file).to_string(),
        score: exposure.score(),
        label: exposure.label,
        failing: exposure.failing,
    });
    finish(
        report,
        findings,
        &mut suppressions,
        input.spec.as_ref(),
        opts,
    );
    Some(unit)
}

/// An ecosystem file to lint, with what the linter knows about the app.
struct EcosystemInput {
    file: FileId,
    file_name: String,
    drain_ms: Option<u64>,
    signals: Option<Vec<String>>,
    spec: Option<LoadedSpec>,
}

/// `svcgen: KEY=value` in a `#`, `;` or `//` comment line.
fn marker(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let l = l.trim();
        let c = l
            .strip_prefix("//")
            .or_else(|| l.strip_prefix('#'))
            .or_else(|| l.strip_prefix(';'))?;
        let v = c
            .trim()
            .strip_prefix("svcgen:")?
            .trim()
            .strip_prefix(key)?
            .strip_prefix('=')?;
        Some(v.trim().to_string())
    })
}

fn lint_ecosystem(report: &mut Report, input: EcosystemInput, opts: &Options) -> Option<Node> {
    use crate::artifact::pm2;
    let text = report.sources.text(input.file).to_string();
    let lower = input.file_name.to_ascii_lowercase();
    let is_json = lower.ends_with(".json") || lower.ends_with(".json5");
    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    let parsed = if is_yaml {
        pm2::parse_yaml(&text, input.file)
    } else {
        pm2::parse(&text, input.file, is_json)
    };
    let root = match parsed {
        Ok(r) => r,
        Err(e) => {
            report.errors.push(engine_finding(
                &PM_SYNTAX,
                e.span,
                format!("cannot read the ecosystem file: {}", e.message),
                None,
            ));
            return None;
        }
    };
    let ctx = super::pm2::Ctx {
        root: &root,
        file_name: &input.file_name,
        drain_ms: input.drain_ms,
        signals: input.signals.clone(),
    };
    let findings = run_rules(opts, |check, sink| {
        if let Check::Pm2(f) = check {
            f(&ctx, sink);
        }
    });
    let mut suppressions = Vec::new();
    // `// svcgen: ignore CODE -- reason` on the line above a property.
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0usize, |off, l| {
            let start = *off;
            *off += l.len();
            Some((start, l))
        })
        .collect();
    for (i, (start, line)) in lines.iter().enumerate() {
        let t = line.trim();
        if let Some(c) = t.strip_prefix("//") {
            let lead = line.len() - line.trim_start().len();
            let at = Span {
                file: input.file,
                start: start + lead,
                end: start + line.trim_end().len(),
            };
            let covers = lines.get(i + 1).map_or(at, |(s, l)| Span {
                file: input.file,
                start: *s,
                end: s + l.len(),
            });
            if let Some(s) = suppress::parse_comment(c, at, covers) {
                suppressions.push(s);
            }
        }
    }
    finish(
        report,
        findings,
        &mut suppressions,
        input.spec.as_ref(),
        opts,
    );
    Some(root)
}

fn lint_script(
    report: &mut Report,
    id: FileId,
    spec: Option<&LoadedSpec>,
    opts: &Options,
) -> Script {
    use crate::artifact::shell;
    let text = report.sources.text(id).to_string();
    let script = shell::parse(&text, id);
    let ctx = super::shell::Ctx { script: &script };
    let mut findings = run_rules(opts, |check, sink| {
        if let Check::Shell(f) = check {
            f(&ctx, sink);
        }
    });
    // svcgen's own deploy script is shellcheck-clean (its test suite proves it);
    // shellcheck runs on it only when the templates are the user's.
    let rendered_by_us = spec.is_some() && opts.templates.is_none();
    if opts.shellcheck && opts.selection.enabled("SC") && !rendered_by_us {
        let program = opts
            .shellcheck_path
            .clone()
            .unwrap_or_else(|| PathBuf::from("shellcheck"));
        match super::shell::shellcheck::run(&report.sources, id, &program) {
            Ok(found) => findings.extend(found),
            Err(super::shell::shellcheck::Failure::Missing) if opts.shellcheck_path.is_none() => {
                let note = "shellcheck is not installed: deploy scripts were checked by svcgen's SH rules only".to_string();
                if !report.notes.contains(&note) {
                    report.notes.push(note);
                }
            }
            Err(super::shell::shellcheck::Failure::Missing) => report.errors.push(engine_finding(
                &SHELLCHECK_FAILED,
                Span {
                    file: id,
                    start: 0,
                    end: 0,
                },
                format!(
                    "shellcheck `{}` was asked for and is not there",
                    program.display()
                ),
                Some(SHELLCHECK_FAILED.fix.into()),
            )),
            Err(super::shell::shellcheck::Failure::Failed(why)) => {
                report.errors.push(engine_finding(
                    &SHELLCHECK_FAILED,
                    Span {
                        file: id,
                        start: 0,
                        end: 0,
                    },
                    why,
                    Some(SHELLCHECK_FAILED.fix.into()),
                ))
            }
        }
    }
    // `# svcgen: ignore CODE -- reason` on the line(s) above a command.
    let mut suppressions = Vec::new();
    for (i, l) in script.lines.iter().enumerate() {
        let Some(c) = &l.comment else { continue };
        if !l.code.trim().is_empty() {
            continue;
        }
        let lead = report.sources.text(id)[l.start..].len()
            - report.sources.text(id)[l.start..].trim_start().len();
        let at = Span {
            file: id,
            start: l.start + lead,
            end: l.start + lead + c.len() + 1,
        };
        let covers = script.lines[i + 1..]
            .iter()
            .find(|n| !n.code.trim().is_empty())
            .map_or(at, |n| Span {
                file: id,
                start: n.start,
                end: n.start + n.code.len().max(1),
            });
        if let Some(s) = suppress::parse_comment(c, at, covers) {
            suppressions.push(s);
        }
    }
    finish(report, findings, &mut suppressions, spec, opts);
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules spread over threads find exactly what they find one after another,
    /// in the same order.
    #[test]
    fn parallel_rules_find_the_same() {
        let text = crate::lint::shop_copies(300);
        let mut sources = crate::artifact::SourceSet::default();
        let id = sources.add("big.conf".into(), text);
        let config = ngx::load(&mut sources, id, IncludeSource::None).unwrap();
        let (settings, routes) = (Settings::default(), HashMap::new());
        let ctx = Ctx::new(&config, &settings, &routes);
        let opts = Options::default();
        let dispatch = |check: &Check, sink: &mut Sink<'_>| {
            if let Check::Nginx(f) = check {
                f(&ctx, sink);
            }
        };
        let key = |f: &Finding| (f.code, f.span.start, f.span.end, f.message.clone());
        let one: Vec<_> = run_rules(&opts, dispatch).iter().map(key).collect();
        // Three threads whatever the machine has, so the parallel path is the one
        // compared.
        let many: Vec<_> = run_rules_parallel(&opts, 3, dispatch)
            .iter()
            .map(key)
            .collect();
        assert!(one.len() > 3000, "{}", one.len());
        assert_eq!(one, many);
    }
}
