//! `svcgen import`: the files a service runs on today (an nginx site, a systemd
//! unit, a PM2 ecosystem file, a deploy script, an env example) read into a
//! description that renders the closest equivalent svcgen can produce, and a
//! report that puts every directive of the input in one category: kept
//! (rendered the same), changed (rendered differently, and why: often a `svcgen
//! lint` finding it fixes), not expressible (what a description cannot say), or
//! dropped on purpose. The categories are decided by rendering the description
//! and comparing, not by what the reader meant to do.

mod draft;
mod ecosystem;
mod nginx;
mod script;
mod unit;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use crate::render::files::ArtifactKind;
use crate::syntax::nginx::{self as ngx, IncludeSource};
use crate::syntax::{FileId, SourceSet};
pub use draft::Draft;

/// What a reader decided for one directive, before the comparison.
#[derive(Debug, Clone)]
pub(crate) enum Fate {
    /// Read into these description keys: kept when rendered the same.
    Read(String),
    /// Read into these keys, rendered differently on purpose: why.
    Changed(String, String),
    /// What svcgen writes itself (fixed or derived): kept when the same.
    Svcgen,
    /// Left out on purpose: why.
    Dropped(String),
    /// What a description cannot say: why.
    Unmodelled(String),
}

impl Fate {
    pub(crate) fn read(keys: &str) -> Fate {
        Fate::Read(keys.to_string())
    }
}

/// One directive (line, setting) of the input.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub text: String,
    /// What "the same in the rendered files" means for it.
    pub sig: String,
    pub fate: Fate,
}

/// The state of one import.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    pub draft: Draft,
    pub items: Vec<Item>,
    /// Where the inputs disagree, and the reading taken.
    pub disagreements: Vec<String>,
    /// Name hints, in reading order: (name, where).
    names: Vec<(String, String)>,
    app_dir: Option<(String, String)>,
    port: Option<(u16, String)>,
    entry: Option<String>,
    pub app_files_dir: Option<String>,
    pub unread_includes: Vec<String>,
    /// The upstreams of the sites read: name -> loopback ports.
    pub upstreams: Vec<(String, Vec<u16>)>,
    /// The limit_req zones of the sites read: name -> rate.
    pub zones: Vec<(String, String)>,
    /// Whether any environment variable was read yet.
    env_read: bool,
    /// Values read that svcgen refuses (a rule of the description's), left out.
    pub refused: Vec<String>,
    /// Comments the disagreements put on the keys they decided.
    pub key_notes: Vec<(String, String)>,
    /// Files of a whole nginx configuration that are not the service's site.
    pub not_imported: Vec<String>,
    /// pm2-deploy's hosts per environment.
    pub servers: Vec<(String, Vec<String>)>,
}

impl Ctx {
    pub(crate) fn name_hint(&mut self, name: &str, from: &str) {
        if !name.is_empty() {
            self.names.push((name.to_string(), from.to_string()));
        }
    }

    pub(crate) fn disagree(&mut self, text: String) {
        if !self.disagreements.contains(&text) {
            self.disagreements.push(text);
        }
    }

    /// A disagreement whose reading is the value at `key`: said in the report
    /// and in a comment on that key (or the nearest one written).
    pub(crate) fn disagree_on(&mut self, key: &str, text: String) {
        self.key_notes.push((key.to_string(), text.clone()));
        self.disagree(text);
    }

    pub(crate) fn set_app_dir(&mut self, dir: &str, from: &str) {
        let dir = dir.trim_end_matches('/');
        match &self.app_dir {
            None => {
                self.app_dir = Some((dir.to_string(), from.to_string()));
                self.draft.set("app_dir", json!(dir));
            }
            Some((d, f)) if d != dir => {
                let text = format!(
                    "{from} says the app lives in {dir}, {f} says {d}: the description takes {d} ({f}, what runs the app)"
                );
                self.disagree_on("app_dir", text);
            }
            Some(_) => {}
        }
    }

    pub(crate) fn set_port(&mut self, port: u16, from: &str) {
        match &self.port {
            None => {
                self.port = Some((port, from.to_string()));
                self.draft.set("host.supervisor.port", json!(port));
            }
            Some((p, f)) if *p != port => {
                let (p, f) = (*p, f.clone());
                // The blue slot's ports run on from the first; a second slot's port is expected.
                if !(from.contains("PM2") && port == p + 1) {
                    self.disagree_on(
                        "host.supervisor.port",
                        format!(
                            "{from} says port {port}, {f} says {p}: the description takes {p} ({f})"
                        ),
                    );
                }
            }
            Some(_) => {}
        }
    }

    /// The variables that follow are one list (a unit's, an ecosystem app's,
    /// the deploy script's): svcgen writes NODE_ENV=production first in each
    /// when the description has none.
    pub(crate) fn begin_env_list(&mut self) {
        self.env_read = false;
    }

    pub(crate) fn set_env(&mut self, key: &str, value: &str) {
        let first = !self.env_read;
        self.env_read = true;
        // svcgen's default, written first when the description has no NODE_ENV.
        if first && key == "NODE_ENV" && value == "production" {
            return;
        }
        let path = format!("environment.{key}");
        let v = json!(value);
        if let Some(old) = self.draft.get(&path)
            && old != &v
        {
            let old = old.clone();
            self.disagree_on(
                &path,
                format!(
                    "the environment variable {key} is {} in one file and {} in another: the description takes the first",
                    draft::scalar(&old),
                    draft::scalar(&v)
                ),
            );
            return;
        }
        self.draft.set(&path, v);
    }

    pub(crate) fn set_entry(&mut self, script: &str) {
        if self.entry.is_none() {
            self.entry = Some(script.to_string());
        }
    }
}

/// An input file, by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    NginxSite,
    SystemdUnit,
    Pm2Ecosystem,
    DeployScript,
    EnvExample,
}

impl InputKind {
    fn name(self) -> &'static str {
        match self {
            InputKind::NginxSite => "nginx site",
            InputKind::SystemdUnit => "systemd unit",
            InputKind::Pm2Ecosystem => "PM2 ecosystem file",
            InputKind::DeployScript => "deploy script",
            InputKind::EnvExample => "env example",
        }
    }
}

/// What a file is, from its name and its text.
pub fn classify(path: &Path, text: &str) -> Option<InputKind> {
    let name = path.file_name()?.to_string_lossy().to_string();
    let first = text.lines().next().unwrap_or("");
    if name.ends_with(".service")
        || (text.contains("\n[Service]") || text.starts_with("[Service]"))
            && text.contains("ExecStart")
    {
        return Some(InputKind::SystemdUnit);
    }
    if name.contains("ecosystem")
        || name.ends_with(".config.js")
        || name.ends_with(".config.cjs")
        || name == "pm2.json"
        || text.contains("module.exports") && text.contains("apps")
    {
        return Some(InputKind::Pm2Ecosystem);
    }
    if first.starts_with("#!") && (first.contains("sh") || first.contains("bash"))
        || name.ends_with(".sh")
    {
        return Some(InputKind::DeployScript);
    }
    if name.contains(".env") || name.ends_with("env.example") {
        return Some(InputKind::EnvExample);
    }
    if name.ends_with(".conf")
        || name.ends_with(".locations")
        || text.contains("server {")
        || text.contains("location ")
        || ngx::split_dump(text).is_some()
    {
        return Some(InputKind::NginxSite);
    }
    None
}

/// How `import` is asked to read the inputs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// nginx's conf prefix for relative includes (a copy of `/etc/nginx`).
    pub prefix: Option<PathBuf>,
    /// A copy of the server's files: absolute includes are read beneath it.
    pub root: Option<PathBuf>,
    /// The description's file name (the rendered files' headers name it).
    pub file_name: String,
    /// The service's name, when the files do not say it.
    pub name: Option<String>,
    /// In `nginx -T` output or a whole nginx.conf: the file of the service's
    /// site (`/etc/nginx/sites-enabled/shop`); needed when several have servers.
    pub site: Option<String>,
}

/// Why an import could not be made.
#[derive(Debug)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A directive's category in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Kept,
    Changed,
    NotExpressible,
    Dropped,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Kept => "kept",
            Category::Changed => "changed",
            Category::NotExpressible => "not expressible",
            Category::Dropped => "dropped on purpose",
        }
    }
}

/// One directive of the input in the report.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub directive: String,
    pub category: Category,
    /// The description keys it was read into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// `svcgen lint` findings at this directive in the original.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<String>,
}

/// A `svcgen lint` finding of an original file, and whether the rendered files
/// still have it.
#[derive(Debug, Clone, Serialize)]
pub struct LintFinding {
    pub code: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub severity: String,
    /// Not found in the rendered files.
    pub fixed: bool,
}

/// The import's result.
#[derive(Debug, Serialize)]
pub struct Imported {
    #[serde(skip)]
    pub description: String,
    pub inputs: Vec<(String, InputKind)>,
    pub entries: Vec<Entry>,
    pub disagreements: Vec<String>,
    /// What svcgen adds that the original did not have.
    pub added: Vec<String>,
    /// Values the files did not give: placeholders to replace.
    pub placeholders: Vec<String>,
    /// Files read (an `nginx -T` output's other sections) that are the host's.
    pub not_imported: Vec<String>,
    /// Values read and left out because the description refuses them (a
    /// websocket route that would drop idle streams), with the rule's words.
    pub refused: Vec<String>,
    pub lint: Vec<LintFinding>,
}

/// Reads the files and builds the description and the report.
pub fn import(paths: &[PathBuf], opts: &Options) -> Result<Imported, ImportError> {
    let mut sources = SourceSet::default();
    let mut inputs: Vec<(PathBuf, FileId, InputKind)> = Vec::new();
    for p in paths {
        let text = crate::syntax::read_file(p)
            .map_err(|e| ImportError(format!("{}: cannot read: {e}", p.display())))?;
        let Some(kind) = classify(p, &text) else {
            return Err(ImportError(format!(
                "{}: not a file import reads; it reads an nginx site (`*.conf`, `nginx -T` output), a systemd unit (`*.service`), a PM2 ecosystem file (`ecosystem.config.js`, `*.json`), a deploy script (`#!/bin/sh`, `*.sh`) and an env example (`.env.example`)",
                p.display()
            )));
        };
        let id = sources.add(p.display().to_string(), text);
        inputs.push((p.clone(), id, kind));
    }
    let mut ctx = Ctx::default();
    let order = [
        InputKind::SystemdUnit,
        InputKind::Pm2Ecosystem,
        InputKind::DeployScript,
        InputKind::EnvExample,
        InputKind::NginxSite,
    ];
    let mut unit_seen = Vec::new();
    let mut eco_seen = Vec::new();
    let mut site_seen = Vec::new();
    let mut site_texts: Vec<String> = Vec::new();
    let mut had_site = false;
    // A locations file after the site that defines its zones.
    inputs.sort_by_key(|(p, _, _)| p.extension().is_some_and(|e| e == "locations"));
    for kind in order {
        for (path, id, _) in inputs.iter().filter(|(_, _, k)| *k == kind) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            match kind {
                InputKind::SystemdUnit => {
                    let unit =
                        crate::syntax::systemd::parse(sources.text(*id), *id).map_err(|e| {
                            let (l, c) = sources.get(*id).line_col(e.span.start);
                            ImportError(format!("{}:{l}:{c}: {}", path.display(), e.message))
                        })?;
                    unit_seen.push(unit::read(&mut ctx, &sources, *id, &unit, &name));
                }
                InputKind::Pm2Ecosystem => {
                    let text = sources.text(*id).to_string();
                    let json = name.ends_with(".json");
                    let root = crate::syntax::pm2::parse(&text, *id, json).map_err(|e| {
                        let (l, c) = sources.get(*id).line_col(e.span.start);
                        ImportError(format!("{}:{l}:{c}: {}", path.display(), e.message))
                    })?;
                    eco_seen.push(ecosystem::read(&mut ctx, &sources, *id, &root));
                }
                InputKind::DeployScript => script::read(&mut ctx, &sources, *id),
                InputKind::EnvExample => script::read_env_example(&mut ctx, &sources, *id),
                InputKind::NginxSite => {
                    had_site = true;
                    site_texts.push(sources.text(*id).to_string());
                    let seen = read_site(&mut ctx, &mut sources, *id, path, opts)?;
                    site_seen.push(seen);
                }
            }
        }
    }
    let mut added = Vec::new();
    let mut placeholders = Vec::new();
    finish(
        &mut ctx,
        opts,
        &unit_seen,
        &eco_seen,
        &site_seen,
        had_site.then_some(site_texts.join("\n")).as_deref(),
        &mut added,
        &mut placeholders,
    );
    settle(&mut ctx, &mut placeholders)?;
    ctx.draft.prune_defaults();
    let mut header = vec![format!(
        "Imported by `svcgen import` from {}: read the report beside it before rendering.",
        inputs
            .iter()
            .map(|(p, _, _)| p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default())
            .collect::<Vec<_>>()
            .join(", ")
    )];
    // What the description cannot say is written here too, so it is never
    // lost with the report: each is for you to move (into the app, or into a
    // request for a key), not for svcgen to carry as text.
    let unmodelled: Vec<String> = ctx
        .items
        .iter()
        .filter(|i| matches!(i.fate, Fate::Unmodelled(_)))
        .map(|i| {
            let file = Path::new(&i.file)
                .file_name()
                .map_or_else(|| i.file.clone(), |n| n.to_string_lossy().to_string());
            format!("  {file}:{}: {}", i.line, i.text)
        })
        .collect();
    if !unmodelled.is_empty() {
        header.push(format!(
            "Not expressible in a description, so not in what it renders ({}):\n{}",
            unmodelled.len(),
            unmodelled.join("\n")
        ));
    }
    let engine = crate::render::environment(None).map_err(|e| ImportError(e.to_string()))?;
    simplify(&mut ctx.draft, &header, &opts.file_name, &engine);
    for (key, text) in std::mem::take(&mut ctx.key_notes) {
        ctx.draft
            .note_nearest(&key, &format!("the files disagree: {text}"));
    }
    let description = ctx.draft.to_yaml(&header);
    let spec = crate::description::load(&opts.file_name, &description).map_err(|e| {
        let why: Vec<String> = e.errors.iter().map(|x| format!("{}:{}: {}", x.line, x.column, x.message)).collect();
        ImportError(format!(
            "the imported description does not load ({}); this is a bug in `svcgen import`:\n{description}",
            why.join("; ")
        ))
    })?;
    let rendered = crate::render::render(&spec, &engine).map_err(|e| {
        ImportError(format!(
            "the imported description does not render: {e}\n{description}"
        ))
    })?;
    let (rendered_sigs, shown) = signatures_of(&rendered)?;
    let lint = lint_compare(&inputs, &rendered)?;
    let entries = categorise(&ctx.items, &rendered_sigs, &shown, &lint);
    Ok(Imported {
        description,
        inputs: inputs
            .iter()
            .map(|(p, _, k)| (p.display().to_string(), *k))
            .collect(),
        entries,
        disagreements: ctx.disagreements,
        added,
        placeholders,
        not_imported: ctx.not_imported,
        refused: ctx.refused,
        lint,
    })
}

/// The rendered files of a draft, if it loads and renders.
fn render_draft(
    draft: &Draft,
    header: &[String],
    file_name: &str,
    engine: &minijinja::Environment<'_>,
) -> Option<Vec<(String, String)>> {
    let text = draft.to_yaml(header);
    let spec = crate::description::load(file_name, &text).ok()?;
    let files = crate::render::render(&spec, engine).ok()?;
    Some(
        files
            .into_iter()
            .map(|a| (a.file_name, a.content))
            .collect(),
    )
}

/// Leaves out every value the rendered files do not need: a key whose
/// absence renders the same files says only svcgen's default.
fn simplify(
    draft: &mut Draft,
    header: &[String],
    file_name: &str,
    engine: &minijinja::Environment<'_>,
) {
    let Some(base) = render_draft(draft, header, file_name, engine) else {
        return;
    };
    for path in draft.leaf_paths() {
        // Routes leave svcgen's defaults out as they are read: testing each of
        // their keys here would cost a render per key (quadratic in routes).
        if matches!(
            path.as_str(),
            "name" | "description" | "user" | "app_dir" | "entry"
        ) || path.ends_with(".path")
            || path.starts_with("routes[")
            || path.starts_with("environment.")
            || path.starts_with("env_required.")
        {
            continue;
        }
        let candidate = draft.without(&path);
        if render_draft(&candidate, header, file_name, engine).as_ref() == Some(&base) {
            *draft = candidate;
        }
    }
}

fn read_site(
    ctx: &mut Ctx,
    sources: &mut SourceSet,
    id: FileId,
    path: &Path,
    opts: &Options,
) -> Result<nginx::Seen, ImportError> {
    let text = sources.shared_text(id);
    let config = if let Some(sections) = ngx::split_dump(&text) {
        match ngx::load_dump(sources, &sections, opts.prefix.clone()) {
            Some((_, config)) => config,
            None => {
                return Err(ImportError(format!(
                    "{}: empty `nginx -T` output",
                    path.display()
                )));
            }
        }
    } else if opts.prefix.is_some() || opts.root.is_some() {
        let prefix = opts
            .prefix
            .clone()
            .or_else(|| opts.root.as_ref().map(|r| r.join("etc/nginx")))
            .unwrap_or_else(|| PathBuf::from("/etc/nginx"));
        let absolute = match &opts.root {
            Some(r) => ngx::Absolute::Under(r.clone()),
            None => ngx::Absolute::Within(prefix.clone()),
        };
        ngx::load(sources, id, IncludeSource::Disk { prefix, absolute })
    } else {
        ngx::load(sources, id, IncludeSource::None)
    }
    .map_err(|e| {
        let (l, c) = sources.get(e.span.file).line_col(e.span.start);
        ImportError(format!(
            "{}:{l}:{c}: {}",
            sources.name(e.span.file),
            e.message
        ))
    })?;
    if let Some(b) = config.broken.first() {
        let (l, c) = sources.get(b.span.file).line_col(b.span.start);
        return Err(ImportError(format!(
            "{}:{l}:{c}: {} (nginx would refuse this configuration)",
            sources.name(b.span.file),
            b.message
        )));
    }
    if let Some(m) = config.missing.first() {
        let (l, c) = sources.get(m.error.span.file).line_col(m.error.span.start);
        return Err(ImportError(format!(
            "{}:{l}:{c}: {}: nothing was imported; an include that names no file makes nginx refuse to start",
            sources.name(m.error.span.file),
            m.error.message
        )));
    }
    // The site's top level: the http block's directives (a whole nginx.conf:
    // the http block inside it).
    let mut top = config.directives();
    loop {
        let next = top
            .iter()
            .find(|d| d.is("http") || d.is(ngx::FRAGMENT))
            .and_then(|d| d.block());
        match next {
            Some(b) => top = b,
            None => break,
        }
    }
    // A whole configuration holds the host's other sites too: only the
    // service's site file is read (the files it includes come with it).
    let whole = top.iter().any(|d| d.span().file != id) || opts.site.is_some();
    let only: Option<FileId> = if whole {
        let mut with_servers: Vec<FileId> = Vec::new();
        for d in top.iter().filter(|d| d.is("server")) {
            let f = d.span().file;
            if !with_servers.contains(&f) {
                with_servers.push(f);
            }
        }
        let names = |ids: &[FileId]| {
            ids.iter()
                .map(|f| sources.name(*f).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &opts.site {
            Some(want) => match sources.ids().find(|f| {
                sources.name(*f) == want.as_str() || sources.name(*f).ends_with(&format!("/{want}"))
            }) {
                Some(f) => Some(f),
                None => {
                    return Err(ImportError(format!(
                        "{}: --site {want} names no file of this configuration; the files with servers are {}",
                        path.display(),
                        names(&with_servers)
                    )));
                }
            },
            None if with_servers.len() == 1 => Some(with_servers[0]),
            None => {
                return Err(ImportError(format!(
                    "{}: the configuration holds the servers of {} files ({}): name the service's site with --site FILE",
                    path.display(),
                    with_servers.len(),
                    names(&with_servers)
                )));
            }
        }
    } else {
        None
    };
    let mut site = nginx::Site::new(ctx, sources);
    // A locations file (a service mounted on another's site): its routes.
    let locations_only =
        !top.iter().any(|d| d.is("server")) && top.iter().any(|d| d.is("location"));
    if let Some(file) = only {
        site.read_file(top, file);
        // The rest of the configuration is the host's: said, not imported.
        let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
        config.each_directive(|d| {
            *per_file
                .entry(sources.name(d.span().file).to_string())
                .or_default() += 1;
        });
        let imported: HashSet<String> = site.ctx.items.iter().map(|i| i.file.clone()).collect();
        for (f, n) in per_file {
            if !imported.contains(&f) {
                site.ctx.not_imported.push(format!(
                    "{f} ({n} directive(s)): the host's, not the site's"
                ));
            }
        }
    } else if locations_only {
        let owner = text.lines().take(6).find_map(|l| {
            l.split(", served by ")
                .nth(1)
                .and_then(|r| r.split("'s site").next())
        });
        if let Some(o) = owner {
            site.ctx.draft.set("site.mounted_on", json!(o));
        }
        site.read_locations(top);
    } else {
        site.read(top);
    }
    Ok(site.seen)
}

/// Fills what no file said, settles the values read from several, and notes
/// what svcgen adds.
#[allow(clippy::too_many_arguments)]
fn finish(
    ctx: &mut Ctx,
    opts: &Options,
    units: &[unit::Seen],
    ecos: &[ecosystem::Seen],
    sites: &[nginx::Seen],
    site_text: Option<&str>,
    added: &mut Vec<String>,
    placeholders: &mut Vec<String>,
) {
    // The name.
    let hints: Vec<(String, String)> = ctx.names.clone();
    let name = opts
        .name
        .clone()
        .or_else(|| hints.first().map(|(n, _)| n.clone()))
        .or_else(|| {
            sites
                .iter()
                .find_map(|s| s.name_hint.clone())
                .map(|i| i.replace('_', "-"))
        })
        .unwrap_or_else(|| "app".to_string());
    for (n, from) in &hints {
        if *n != name && opts.name.is_none() {
            ctx.disagree_on(
                "name",
                format!("{from} names the service {n}; the description names it {name}"),
            );
        }
    }
    ctx.draft.set("name", json!(name));
    let pm2 = ctx
        .draft
        .get("host.supervisor.kind")
        .and_then(Value::as_str)
        == Some("pm2");
    if !ctx.draft.has("host.supervisor.kind") {
        ctx.draft.set_noted(
            "host.supervisor.kind",
            json!("systemd"),
            "no unit or ecosystem file was imported: systemd runs the app",
        );
        placeholders
            .push("host.supervisor.kind: systemd (no unit or ecosystem file was imported)".into());
    }
    // The entry script, relative to the app's directory (a release).
    let app_dir = ctx
        .draft
        .get("app_dir")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(e) = ctx.entry.clone() {
        let rel = e
            .strip_prefix(&format!("{app_dir}/blue/"))
            .or_else(|| e.strip_prefix(&format!("{app_dir}/current/")))
            .or_else(|| e.strip_prefix(&format!("{app_dir}/")))
            .unwrap_or(&e)
            .trim_start_matches("./")
            .to_string();
        if rel.starts_with('/') {
            ctx.draft.set_noted(
                "entry",
                json!(rel.rsplit('/').next().unwrap_or("index.js")),
                format!(
                    "the app ran {rel}, outside {app_dir}: svcgen runs the entry of each release"
                ),
            );
            placeholders.push(format!(
                "entry (the app ran {rel}, outside the app directory)"
            ));
        } else {
            ctx.draft.set("entry", json!(rel));
        }
    }
    if let Some(dir) = ctx.app_files_dir.clone()
        && dir != app_dir
    {
        ctx.draft.set("host.install.app_files_dir", json!(dir));
    }
    // The stop timeouts: PM2's kill_timeout is drain + margin; the unit's
    // TimeoutStopSec= one margin more under PM2, drain + margin under systemd.
    let kill_ms = ecos.iter().find_map(|e| e.kill_timeout);
    let stop = units.iter().find_map(|u| u.timeout_stop);
    let stated = ctx
        .draft
        .get("shutdown.drain")
        .and_then(Value::as_str)
        .and_then(|d| crate::description::units::Duration::parse(d).ok());
    let ms = |d: crate::description::units::Duration| d.millis();
    // Without svcgen's own statement of the drain, the time the supervisor gave
    // the app to stop is taken as its drain (the safe reading: nothing it was
    // allowed before is cut short), and svcgen waits its margin more.
    let (drain, margin): (Option<u64>, Option<u64>) = match (pm2, kill_ms, stop, stated) {
        (true, Some(k), Some(s), Some(d)) if s * 1000 > k => (Some(ms(d)), Some(s * 1000 - k)),
        (true, Some(k), Some(s), None) if s * 1000 > k && s * 1000 - k < k => {
            (Some(k - (s * 1000 - k)), Some(s * 1000 - k))
        }
        (true, Some(k), Some(s), _) if s * 1000 <= k => {
            ctx.disagree_on(
                "shutdown.drain",
                format!("the unit stops after {s}s but PM2 waits {k}ms for the app (kill_timeout): systemd would kill PM2 first; the description keeps PM2's time, and systemd waits longer"),
            );
            (Some(k), None)
        }
        (true, Some(k), _, Some(d)) => (Some(ms(d)), Some(k.saturating_sub(ms(d)))),
        (true, Some(k), _, None) => (Some(k), None),
        (false, _, Some(s), Some(d)) => (Some(ms(d)), Some((s * 1000).saturating_sub(ms(d)))),
        (false, _, Some(s), None) => (Some(s * 1000), None),
        _ => (None, None),
    };
    if let Some(d) = drain {
        if stated.is_some() || margin.is_some() {
            ctx.draft.set("shutdown.drain", json!(nginx::seconds_ms(d)));
        } else {
            ctx.draft.set_noted(
                "shutdown.drain",
                json!(nginx::seconds_ms(d)),
                "the time the app had to stop before it was killed, taken as its drain (svcgen waits a margin more): set the longest your app takes to finish its requests",
            );
        }
    }
    if let Some(m) = margin {
        ctx.draft
            .set("shutdown.margin", json!(nginx::seconds_ms(m)));
    }
    // Ports: what nginx proxies to against what the app listens on.
    let app_ports: Vec<u16> = ctx.port.iter().map(|(p, _)| *p).collect();
    let instances = ctx
        .draft
        .get("host.supervisor.instances")
        .and_then(Value::as_u64)
        .unwrap_or(1) as u16;
    for s in sites {
        let mut proxied: Vec<u16> = s.direct_ports.clone();
        for (name, ports) in &s.upstreams {
            if !name.starts_with("svcgen_") {
                proxied.extend(ports);
            }
        }
        proxied.sort_unstable();
        proxied.dedup();
        if let Some(first) = app_ports.first() {
            let listening: Vec<u16> = if pm2 {
                vec![*first]
            } else {
                (*first..first + instances).collect()
            };
            let strays: Vec<String> = proxied
                .iter()
                .filter(|p| !listening.contains(p))
                .map(u16::to_string)
                .collect();
            if !strays.is_empty() {
                ctx.disagree_on(
                    "host.supervisor.port",
                    format!(
                        "nginx proxies to port(s) {} where the app does not listen (it listens on {}): the description takes the app's ports, and nginx proxies to them",
                        strays.join(", "),
                        listening.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        } else if let Some(first) = proxied.first() {
            ctx.draft.set_noted(
                "host.supervisor.port",
                json!(first),
                "the port nginx proxied to",
            );
            if !pm2 && proxied.len() > 1 {
                ctx.draft
                    .set("host.supervisor.instances", json!(proxied.len()));
            }
        }
    }
    let has_required = ctx
        .draft
        .leaf_paths()
        .iter()
        .any(|p| p.starts_with("env_required."));
    if has_required && !ctx.draft.has("env_file") {
        need(
            ctx,
            placeholders,
            "env_file",
            json!(format!("/etc/{name}/secrets.env")),
            "the file that holds the values of env_required, owned by root",
        );
    }
    if let Some(text) = site_text {
        site_defaults(ctx, text, added);
    }
    fill_required(ctx, placeholders);
    if pm2 && !ctx.draft.has("host.supervisor.memory_limit") {
        need(
            ctx,
            placeholders,
            "host.supervisor.memory_limit",
            json!("512M"),
            "PM2 restarts a worker past it; svcgen requires one under PM2",
        );
    }
    for (env, hosts) in ctx.servers.clone() {
        let list: Vec<Value> = hosts.iter().map(|h| json!({"host": h})).collect();
        ctx.draft
            .set(&format!("environments.{env}.servers"), Value::Array(list));
    }
}

/// Security headers the site did not send: what the description says instead.
/// A finding the original suppressed (`# svcgen: ignore CODE -- why`) is its
/// author's decision and is kept; one it did not is fixed.
fn site_defaults(ctx: &mut Ctx, text: &str, added: &mut Vec<String>) {
    if !text.contains("svcgen-catch-all") && !text.contains("Generated by svcgen") {
        added.push(
            "a catch-all server (svcgen-catch-all.conf): a Host the site does not serve gets no answer (the connection closed, 444; on HTTPS the handshake refused) instead of the first server's".into(),
        );
    }
    if !ctx.draft.has("site.acme_root") {
        added.push(
            "an ACME challenge location on port 80 (/.well-known/acme-challenge/ from site.acme_root), answered before any redirect".into(),
        );
    }
    let suppressed = |code: &str, about: &str| {
        text.lines()
            .any(|l| l.contains(&format!("svcgen: ignore {code}")) && l.contains(about))
    };
    let d = &mut ctx.draft;
    if !d.has("site.tls.hsts.enabled") {
        if suppressed("NG003", "") {
            d.set("site.tls.hsts.enabled", json!(false));
        } else {
            d.set_noted(
                "site.tls.hsts.include_subdomains",
                json!(false),
                "the site sent no Strict-Transport-Security: svcgen adds it (NG003), without includeSubDomains until every subdomain serves HTTPS",
            );
            added.push(
                "Strict-Transport-Security: max-age=63072000 (NG003), on every response".into(),
            );
        }
    }
    if !d.has("site.headers.content_security_policy") {
        d.set_noted(
            "site.headers.content_security_policy",
            Value::Null,
            "the site sent no Content-Security-Policy, and svcgen's default (\"default-src 'self'\" …) would block what its pages load from elsewhere: left to the app; write one here",
        );
    }
    if !d.has("site.headers.nosniff") {
        if suppressed("NG004", "X-Content-Type-Options") {
            d.set("site.headers.nosniff", json!(false));
        } else {
            added.push("X-Content-Type-Options: nosniff (NG004)".into());
        }
    }
    if !d.has("site.headers.frame_options") {
        d.set_noted(
            "site.headers.frame_options",
            json!("SAMEORIGIN"),
            "the site sent no X-Frame-Options: SAMEORIGIN keeps its own pages able to frame it",
        );
        added.push("X-Frame-Options: SAMEORIGIN (NG004)".into());
    }
    if !d.has("site.headers.referrer_policy") {
        added.push("Referrer-Policy: strict-origin-when-cross-origin (browsers' default)".into());
    }
    if !d.has("site.headers.permissions_policy") {
        d.set("site.headers.permissions_policy", Value::Null);
    }
}

/// The rendered files' signatures, in the readers' terms.
fn signatures_of(
    rendered: &[crate::render::Artifact],
) -> Result<(HashSet<String>, std::collections::HashMap<String, String>), ImportError> {
    // A rendered file that does not parse would leave every directive
    // "changed" for nothing observed: an error instead.
    let unread = |a: &crate::render::Artifact, e: String| {
        ImportError(format!(
            "the rendered {} does not parse ({e}); this is a bug in `svcgen import`",
            a.file_name
        ))
    };
    let mut out = HashSet::new();
    let mut shown: std::collections::HashMap<String, String> = Default::default();
    for a in rendered {
        let kind = a.kind;
        if kind == ArtifactKind::NginxSite || a.file_name.ends_with(".locations") {
            let tree = ngx::parse_text(&a.content, FileId(0)).map_err(|e| unread(a, e.message))?;
            {
                let top = tree.top();
                let sigs = nginx::signatures(top);
                for (d, s) in sigs {
                    shown.insert(format!("nginx|{s}"), nginx::shown(d));
                    out.insert(format!("nginx|{s}"));
                }
                // A locations file: its locations are the HTTPS server's.
                if !top.iter().any(|d| d.is("server")) {
                    let mut v = Vec::new();
                    nginx::walk_pub(top, "https", "", &mut v);
                    for (d, s) in v {
                        shown.insert(format!("nginx|{s}"), nginx::shown(d));
                        out.insert(format!("nginx|{s}"));
                    }
                }
            }
        } else if kind == ArtifactKind::SystemdUnit {
            let u = crate::syntax::systemd::parse(&a.content, FileId(0))
                .map_err(|e| unread(a, e.message))?;
            {
                for s in &u.sections {
                    for e in &s.entries {
                        let sig = unit::signature(&s.name, &e.key, &e.value);
                        shown.insert(sig.clone(), format!("{}={}", e.key, e.value));
                        out.insert(sig);
                    }
                }
            }
        } else if kind == ArtifactKind::Pm2Ecosystem {
            if let Ok(root) = crate::syntax::pm2::parse(&a.content, FileId(0), false)
                && let Some(apps) = root.get("apps")
                && let crate::syntax::pm2::Value::Array(apps) = &apps.value
            {
                for app in apps {
                    if let crate::syntax::pm2::Value::Object(e) = &app.value {
                        for (k, _, v) in e {
                            out.insert(format!("pm2|{}", ecosystem::sig(k, v)));
                        }
                    }
                }
            }
        } else if kind == ArtifactKind::DeployScript {
            for l in a.content.lines().filter(|l| l.starts_with("readonly ")) {
                out.insert(format!("script|{l}"));
            }
            if let Some(b) = script::body_signature(&a.content) {
                out.insert(b);
            }
        } else if a.file_name.ends_with(".env.example") {
            for l in a.content.lines() {
                if let Some((n, _)) = l.split_once('=')
                    && !l.starts_with('#')
                {
                    out.insert(format!("env|{n}="));
                }
            }
        }
    }
    Ok((out, shown))
}

/// The items, categorised against the rendered files.
fn categorise(
    items: &[Item],
    rendered: &HashSet<String>,
    shown: &std::collections::HashMap<String, String>,
    lint: &[LintFinding],
) -> Vec<Entry> {
    let places = places(rendered);
    // The fixed findings by where they are.
    let mut at: std::collections::HashMap<(&str, usize), Vec<String>> = Default::default();
    for f in lint.iter().filter(|f| f.fixed) {
        at.entry((f.file.as_str(), f.line))
            .or_default()
            .push(format!("{} {}", f.code, f.message));
    }
    items
        .iter()
        .map(|i| {
            let fixes: Vec<String> = at
                .get(&(i.file.as_str(), i.line))
                .cloned()
                .unwrap_or_default();
            let same = rendered.contains(&i.sig);
            let (category, keys, why) = match &i.fate {
                Fate::Read(k) if same => (Category::Kept, Some(k.clone()), None),
                Fate::Svcgen if same => (Category::Kept, None, None),
                Fate::Changed(k, _) if same => (Category::Kept, Some(k.clone()), None),
                Fate::Read(k) => (
                    Category::Changed,
                    Some(k.clone()),
                    Some(counterpart(&i.sig, &places, shown)),
                ),
                Fate::Svcgen => (
                    Category::Changed,
                    None,
                    Some(counterpart(&i.sig, &places, shown)),
                ),
                Fate::Changed(k, why) => (Category::Changed, Some(k.clone()), Some(why.clone())),
                Fate::Dropped(why) => (Category::Dropped, None, Some(why.clone())),
                Fate::Unmodelled(why) => (Category::NotExpressible, None, Some(why.clone())),
            };
            Entry {
                file: i.file.clone(),
                line: i.line,
                column: i.column,
                directive: i.text.clone(),
                category,
                keys,
                why,
                fixes: if category == Category::Changed {
                    fixes
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// The key a signature is looked up by for "what svcgen writes in its place":
/// role, location and directive name (and the header a header directive
/// names); a unit setting's section and key.
fn place_of(sig: &str) -> String {
    if let Some(rest) = sig.strip_prefix("unit|") {
        let mut parts = rest.splitn(2, '|');
        let section = parts.next().unwrap_or("");
        let key = parts
            .next()
            .and_then(|kv| kv.split('=').next())
            .unwrap_or("");
        return format!("unit|{section}|{key}");
    }
    let Some((place, directive)) = sig.rsplit_once(nginx::SEP) else {
        return sig.to_string();
    };
    let mut words = directive.split(' ');
    let name = words.next().unwrap_or("");
    if ["add_header", "proxy_set_header", "proxy_hide_header"].contains(&name) {
        format!("{place}{}{name} {}", nginx::SEP, words.next().unwrap_or(""))
    } else {
        format!("{place}{}{name}", nginx::SEP)
    }
}

/// The rendered files' signatures by place, the first (in order) of each.
fn places(rendered: &HashSet<String>) -> std::collections::HashMap<String, String> {
    let mut out: std::collections::HashMap<String, String> = Default::default();
    for r in rendered {
        let e = out.entry(place_of(r)).or_insert_with(|| r.clone());
        if r < e {
            *e = r.clone();
        }
    }
    out
}

/// What the rendered files have in the item's place, said as a reason.
fn counterpart(
    sig: &str,
    places: &std::collections::HashMap<String, String>,
    shown: &std::collections::HashMap<String, String>,
) -> String {
    match places.get(&place_of(sig)) {
        Some(r) => {
            let text = shown.get(r).cloned().unwrap_or_else(|| r.clone());
            if r.starts_with("unit|") {
                format!("svcgen writes `{text}`")
            } else {
                format!("svcgen writes `{text}` here")
            }
        }
        None => "svcgen writes it differently (or not at all) for this description".into(),
    }
}

/// `svcgen lint` of the original files, and which findings the rendered
/// files no longer have (the same code on the rendered file of the same kind).
fn lint_compare(
    inputs: &[(PathBuf, FileId, InputKind)],
    rendered: &[crate::render::Artifact],
) -> Result<Vec<LintFinding>, ImportError> {
    let opts = crate::lint::Options::default();
    let lintable: Vec<PathBuf> = inputs
        .iter()
        .filter(|(_, _, k)| *k != InputKind::EnvExample)
        .map(|(p, _, _)| p.clone())
        .collect();
    if lintable.is_empty() {
        return Ok(Vec::new());
    }
    let original = crate::lint::lint(&lintable, &opts);
    // The rendered files, linted as written, from a directory of this run's
    // own (created, never reused: a name taken is another).
    let dir = private_dir().map_err(|e| {
        ImportError(format!(
            "cannot make a directory to lint the rendered files in ({e}): nothing was imported"
        ))
    })?;
    let mut paths = Vec::new();
    for a in rendered.iter().filter(|a| {
        matches!(
            a.kind,
            ArtifactKind::NginxSite
                | ArtifactKind::SystemdUnit
                | ArtifactKind::Pm2Ecosystem
                | ArtifactKind::DeployScript
        )
    }) {
        let p = dir.join(a.file_name.replace('/', "_"));
        // Without the suppressions the description turned into comments: a
        // finding it turned off is still found, not fixed.
        let content: String = a
            .content
            .split_inclusive('\n')
            .filter(|l| !l.contains("svcgen: ignore "))
            .collect();
        if let Err(e) = std::fs::write(&p, content) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(ImportError(format!(
                "cannot write {} to lint it ({e}): nothing was imported",
                p.display()
            )));
        }
        paths.push(p);
    }
    let after = crate::lint::lint(&paths, &opts);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(e) = after.errors.first() {
        return Err(ImportError(format!(
            "svcgen lint could not read a rendered file ({}): nothing was imported",
            e.message
        )));
    }
    let remaining: BTreeMap<String, usize> =
        after.findings.iter().fold(BTreeMap::new(), |mut m, f| {
            *m.entry(f.code.to_string()).or_default() += 1;
            m
        });
    // What lint could not read in an original is said too (never "no findings").
    Ok(original
        .findings
        .iter()
        .chain(original.errors.iter())
        .map(|f| {
            let src = original.sources.get(f.span.file);
            let (line, column) = src.line_col(f.span.start);
            LintFinding {
                code: f.code.to_string(),
                file: src.name.clone(),
                line,
                column,
                message: f.message.clone(),
                severity: f.severity.as_str().to_string(),
                fixed: !remaining.contains_key(&f.code.to_string()),
            }
        })
        .collect())
}

/// The report as text: per category, each directive with file:line:col.
pub fn text_report(r: &Imported) -> String {
    let mut out = String::new();
    let count = |c: Category| r.entries.iter().filter(|e| e.category == c).count();
    out.push_str(&format!(
        "svcgen import: {} directive(s) of {} file(s): {} kept, {} changed, {} not expressible, {} dropped on purpose\n",
        r.entries.len(),
        r.inputs.len(),
        count(Category::Kept),
        count(Category::Changed),
        count(Category::NotExpressible),
        count(Category::Dropped)
    ));
    for (p, k) in &r.inputs {
        out.push_str(&format!("  {p}: {}\n", k.name()));
    }
    if !r.not_imported.is_empty() {
        out.push_str("\nread, not imported (the host's configuration, not the service's site):\n");
        for n in &r.not_imported {
            out.push_str(&format!("  - {n}\n"));
        }
    }
    if !r.refused.is_empty() {
        out.push_str("\nleft out, svcgen refuses the value (its default is rendered instead):\n");
        for n in &r.refused {
            out.push_str(&format!("  - {n}\n"));
        }
    }
    if !r.disagreements.is_empty() {
        out.push_str("\nwhere the files disagree:\n");
        for d in &r.disagreements {
            out.push_str(&format!("  - {d}\n"));
        }
    }
    if !r.placeholders.is_empty() {
        out.push_str("\nnot in the files (placeholders in the description: replace them):\n");
        for p in &r.placeholders {
            out.push_str(&format!("  - {p}\n"));
        }
    }
    for c in [
        Category::NotExpressible,
        Category::Changed,
        Category::Dropped,
        Category::Kept,
    ] {
        let list: Vec<&Entry> = r.entries.iter().filter(|e| e.category == c).collect();
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{} ({}):\n", c.title(), list.len()));
        for e in list {
            out.push_str(&format!(
                "  {}:{}:{}: {}",
                e.file, e.line, e.column, e.directive
            ));
            if let Some(k) = &e.keys {
                out.push_str(&format!("  -> {k}"));
            }
            out.push('\n');
            if let Some(w) = &e.why {
                out.push_str(&format!("      {w}\n"));
            }
            for f in &e.fixes {
                out.push_str(&format!("      fixes {f}\n"));
            }
        }
    }
    if !r.added.is_empty() {
        out.push_str("\nadded by svcgen (the original did not have it):\n");
        for a in &r.added {
            out.push_str(&format!("  - {a}\n"));
        }
    }
    if !r.lint.is_empty() {
        let fixed = r.lint.iter().filter(|f| f.fixed).count();
        out.push_str(&format!(
            "\nsvcgen lint of the originals: {} finding(s), {fixed} not in the rendered files:\n",
            r.lint.len()
        ));
        for f in &r.lint {
            out.push_str(&format!(
                "  {}:{}:{}: {} {} [{}]\n",
                f.file,
                f.line,
                f.column,
                f.code,
                f.message,
                if f.fixed { "fixed" } else { "still found" }
            ));
        }
    }
    out
}

/// The report as JSON.
pub fn json_report(r: &Imported) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default()
}

/// A new directory of this process's own under the system's temporary
/// directory, mode 0700 (`mkdir` refuses a name that exists, a link too).
fn private_dir() -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = None;
    for n in 0..100u32 {
        let dir = std::env::temp_dir().join(format!(
            "svcgen-import-{}-{nanos:x}-{n}",
            std::process::id()
        ));
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free name")))
}

/// Makes the draft load: a value the description's kinds refuse (a name with
/// `;`, a path with a space, a newline in a variable) is left out, and the
/// directive it came from is reported as not expressible with the loader's
/// reason; a required key left without a value gets a placeholder. Nothing
/// refused reaches a rendered file.
fn settle(ctx: &mut Ctx, placeholders: &mut Vec<String>) -> Result<(), ImportError> {
    for _ in 0..32 {
        let text = ctx.draft.to_yaml(&[]);
        let errors = match crate::description::load("imported.svcgen.yaml", &text) {
            Ok(_) => return Ok(()),
            Err(e) => e.errors,
        };
        let mut changed = false;
        for err in &errors {
            let path = pointer_path(&err.pointer);
            if path.is_empty() {
                continue;
            }
            let value = err
                .message
                .split("invalid value ")
                .nth(1)
                .and_then(|r| r.split(" for `").next())
                .map(|v| {
                    let raw = v.trim_matches('"').to_string();
                    let decoded: Option<String> = serde_json::from_str(v).ok();
                    (raw, decoded)
                });
            let before = ctx.draft.leaf_paths().len();
            ctx.draft = ctx.draft.without_element(&path);
            changed |= ctx.draft.leaf_paths().len() != before || ctx.draft.get(&path).is_none();
            let shown = match path.rsplit_once('/') {
                Some((key, i)) => format!("{key}[{i}]"),
                None => path.clone(),
            };
            let why = format!(
                "its value cannot be carried into `{shown}`: {}",
                err.message
            );
            let mut marked = false;
            if let Some((raw, decoded)) = &value {
                for item in ctx.items.iter_mut() {
                    let hit = (!raw.is_empty() && item.text.contains(raw.as_str()))
                        || decoded
                            .as_deref()
                            .is_some_and(|d| !d.is_empty() && item.text.contains(d));
                    if hit && !matches!(item.fate, Fate::Unmodelled(_) | Fate::Dropped(_)) {
                        item.fate = Fate::Unmodelled(why.clone());
                        marked = true;
                    }
                }
            }
            if !marked {
                ctx.refused.push(format!("`{shown}`: {}", err.message));
            }
        }
        if !changed {
            let why: Vec<String> = errors
                .iter()
                .map(|e| format!("{}:{}: {}", e.line, e.column, e.message))
                .collect();
            return Err(ImportError(format!(
                "the imported description does not load ({}); this is a bug in `svcgen import`:\n{text}",
                why.join("; ")
            )));
        }
        fill_required(ctx, placeholders);
    }
    Err(ImportError(
        "the imported description does not settle; this is a bug in `svcgen import`".into(),
    ))
}

/// `/routes/1/path` as a draft path: `routes[1].path`; `/site/domains/0` stays
/// an element of `site.domains` (`site.domains/0`).
fn pointer_path(pointer: &str) -> String {
    let parts: Vec<&str> = pointer
        .trim_start_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < parts.len() {
        let p = parts[i];
        if p == "routes" && parts.get(i + 1).is_some_and(|n| n.parse::<usize>().is_ok()) {
            out.push_str(&format!(
                "{}routes[{}]",
                if out.is_empty() { "" } else { "." },
                parts[i + 1]
            ));
            i += 2;
            continue;
        }
        if p.parse::<usize>().is_ok() && !out.is_empty() {
            out.push_str(&format!("/{p}"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(p);
        }
        i += 1;
    }
    out
}

/// Placeholders for the keys a description requires, where none is set.
fn fill_required(ctx: &mut Ctx, placeholders: &mut Vec<String>) {
    need(
        ctx,
        placeholders,
        "name",
        json!("app"),
        "the service's name",
    );
    let name = ctx
        .draft
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("app")
        .to_string();
    need(
        ctx,
        placeholders,
        "description",
        json!(format!("{name} web service")),
        "one line saying what the service is",
    );
    need(
        ctx,
        placeholders,
        "user",
        json!(name),
        "the OS user the app runs as",
    );
    need(
        ctx,
        placeholders,
        "app_dir",
        json!(format!("/srv/{name}")),
        "the deploy root",
    );
    need(
        ctx,
        placeholders,
        "entry",
        json!("index.js"),
        "the app's entry script, relative to a release",
    );
    need(
        ctx,
        placeholders,
        "site.domains",
        json!([format!("{name}.example.com")]),
        "the names the site serves",
    );
    let first = ctx
        .draft
        .get("site.domains")
        .and_then(|d| d.get(0))
        .and_then(Value::as_str)
        .unwrap_or("example.com")
        .trim_start_matches("*.")
        .to_string();
    need(
        ctx,
        placeholders,
        "site.tls.certificate",
        json!(format!("/etc/letsencrypt/live/{first}/fullchain.pem")),
        "svcgen serves HTTPS; certbot's path for the first name",
    );
    need(
        ctx,
        placeholders,
        "site.tls.key",
        json!(format!("/etc/letsencrypt/live/{first}/privkey.pem")),
        "the certificate's key",
    );
    need(
        ctx,
        placeholders,
        "deploy.repo",
        json!(format!("git@git.example.com:{name}.git")),
        "the repository deploy.sh fetches",
    );
}

/// A placeholder for `key` when nothing set it, said in the description and
/// in the report.
fn need(ctx: &mut Ctx, placeholders: &mut Vec<String>, key: &str, value: Value, what: &str) {
    if !ctx.draft.has(key) {
        ctx.draft.set_noted(
            key,
            value.clone(),
            format!("not in the files imported: {what}"),
        );
        placeholders.push(format!("{key}: {} ({what})", draft::scalar(&value)));
    }
}
