//! What `render`, `render --check`, `render --write` and `diff` do, as a library:
//! load a set of descriptions, check them as one host's services, render them,
//! and compare or write the files at a target. Each step returns a typed outcome;
//! the binary only prints them and maps them to exit codes.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::description::{self as spec, LoadedSpec, SpecErrors};
use crate::drift::{self, FileDrift, Target};
use crate::install::{Beneath, DirLock, WriteOutcome, write_beneath};
use crate::render::{self, Artifact};

/// Why one description of a set could not be used.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Read { file: String, error: std::io::Error },
    /// The description is invalid: every error, at its line.
    Invalid(SpecErrors),
    /// A directory was given that holds no description.
    NoDescriptions { dir: String },
    /// `--env NAME` names an environment the description does not have.
    NoEnvironment {
        file: String,
        name: String,
        /// The environments it has.
        known: Vec<String>,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read { file, error } => write!(f, "cannot read {file}: {error}"),
            LoadError::Invalid(errors) => write!(f, "{errors}"),
            LoadError::NoDescriptions { dir } => write!(
                f,
                "{dir} holds no service description (*.svcgen.yaml or *.svcgen.yml below it)"
            ),
            LoadError::NoEnvironment { file, name, known } => write!(
                f,
                "{file} describes no environment `{name}` ({})",
                if known.is_empty() {
                    "it has no `environments:`".to_string()
                } else {
                    format!("it has: {}", known.join(", "))
                }
            ),
        }
    }
}

/// Something two descriptions of one host cannot both have, at its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// `file:line:column`.
    pub at: String,
    pub message: String,
}

/// Why a set could not be rendered. Nothing was written.
#[derive(Debug)]
pub enum RenderError {
    /// Descriptions that could not be loaded (each one's errors).
    Load(Vec<LoadError>),
    /// The descriptions clash as one host's services.
    Clashes(Vec<Clash>),
    /// The templates failed (a user template with an undefined variable…).
    Render(render::RenderError),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Load(errors) => {
                write!(f, "{} description(s) could not be loaded", errors.len())
            }
            RenderError::Clashes(clashes) => write!(
                f,
                "{} clash(es) between the descriptions rendered together (they run on one host); nothing was rendered",
                clashes.len()
            ),
            RenderError::Render(e) => write!(f, "{e}"),
        }
    }
}

/// True for a description's file name: `*.svcgen.yaml` or `*.svcgen.yml`.
pub fn is_description_name(name: &str) -> bool {
    name.ends_with(".svcgen.yaml") || name.ends_with(".svcgen.yml")
}

/// The descriptions named: a file as given; a directory, every
/// `*.svcgen.yaml`/`*.svcgen.yml` below it, in path order (hidden directories,
/// `target` and `node_modules` skipped). A directory holding none is an error.
pub fn descriptions(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<LoadError>> {
    fn below(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            // Links are not followed: a description is a file of the tree.
            let meta = std::fs::symlink_metadata(&p)?;
            if meta.is_dir() {
                below(&p, out)?;
            } else if meta.is_file() && is_description_name(&name) {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let before = out.len();
        match below(path, &mut out) {
            Err(error) => errors.push(LoadError::Read {
                file: path.display().to_string(),
                error,
            }),
            Ok(()) if out.len() == before => errors.push(LoadError::NoDescriptions {
                dir: path.display().to_string(),
            }),
            Ok(()) => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Loads one description.
pub fn load(path: &Path) -> Result<LoadedSpec, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Read {
        file: file.clone(),
        error,
    })?;
    spec::load(&file, &text).map_err(LoadError::Invalid)
}

/// Loads every description (a directory: the descriptions below it; or each
/// one's environment `env`), reporting every one that fails rather than the first.
pub fn load_set(paths: &[PathBuf], env: Option<&str>) -> Result<Vec<LoadedSpec>, Vec<LoadError>> {
    let paths = descriptions(paths)?;
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        match load(path) {
            Err(e) => errors.push(e),
            Ok(spec) => match env {
                None => specs.push(spec),
                Some(name) => match spec.environment(name) {
                    Some(chosen) => specs.push(chosen),
                    None => errors.push(LoadError::NoEnvironment {
                        file: spec.file.clone(),
                        name: name.to_string(),
                        known: spec
                            .service
                            .resolved_environments
                            .iter()
                            .map(|(n, _)| n.clone())
                            .collect(),
                    }),
                },
            },
        }
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(errors)
    }
}

/// What one host can hold only once, checked across its services.
pub fn clashes(specs: &[LoadedSpec]) -> Vec<Clash> {
    let refs: Vec<&LoadedSpec> = specs.iter().collect();
    spec::set::clashes(&refs)
        .into_iter()
        .map(|c| Clash {
            at: c.at(&refs),
            message: c.message,
        })
        .collect()
}

/// One host's services, rendered: each description with its files (the host's
/// shared files are in every service's list).
#[derive(Debug)]
pub struct Rendered {
    pub services: Vec<(LoadedSpec, Vec<Artifact>)>,
}

/// Loads, checks and renders a set of descriptions as one host's services;
/// `templates` overrides embedded templates.
pub fn render(
    paths: &[PathBuf],
    env: Option<&str>,
    templates: Option<&Path>,
) -> Result<Rendered, RenderError> {
    let engine = render::environment(templates).map_err(RenderError::Render)?;
    let specs = load_set(paths, env).map_err(RenderError::Load)?;
    let found = clashes(&specs);
    if !found.is_empty() {
        return Err(RenderError::Clashes(found));
    }
    let refs: Vec<&LoadedSpec> = specs.iter().collect();
    let files = render::render_set(&refs, &engine).map_err(RenderError::Render)?;
    Ok(Rendered {
        services: specs.into_iter().zip(files).collect(),
    })
}

/// Why files could not be written. `written` lists what was, before the failure.
#[derive(Debug)]
pub enum WriteError {
    /// Two descriptions would write different files at one path; nothing was written.
    Collision {
        path: PathBuf,
        first: String,
        second: String,
    },
    /// A path leaves its base (a link planted on the way); nothing was written.
    Outside(std::io::Error),
    /// Another render holds a directory; nothing was written.
    Lock { dir: PathBuf, error: std::io::Error },
    /// A file could not be written.
    Write {
        path: PathBuf,
        error: std::io::Error,
        written: Vec<(PathBuf, WriteOutcome)>,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Collision {
                path,
                first,
                second,
            } => write!(
                f,
                "{} would be written from both {first} and {second}; put `{{name}}` in --out (`--out 'out/{{name}}'`) or give each its own directory",
                path.display()
            ),
            WriteError::Outside(e) => write!(f, "nothing was written: {e}"),
            WriteError::Lock { dir, error } => {
                write!(f, "cannot lock {}: {error}", dir.display())
            }
            WriteError::Write { path, error, .. } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
        }
    }
}

/// A file to write: where, beneath which base, and what.
struct Planned<'a> {
    path: PathBuf,
    base: PathBuf,
    rel: PathBuf,
    artifact: &'a Artifact,
}

impl Rendered {
    /// The files a target cannot place (Kubernetes files under install paths:
    /// they are applied to a cluster, not installed on the host), sorted, once each.
    pub fn not_placed(&self, target: &Target) -> Vec<&str> {
        if !matches!(target, Target::Root(_)) {
            return Vec::new();
        }
        let mut skipped: Vec<&str> = self
            .services
            .iter()
            .flat_map(|(_, a)| a)
            .filter(|a| a.install_path.is_none())
            .map(|a| a.file_name.as_str())
            .collect();
        skipped.sort();
        skipped.dedup();
        skipped
    }

    /// Every file as rendered against what is at the target (the host's shared
    /// files once). Reads only.
    pub fn compare(&self, target: &Target) -> std::io::Result<Vec<FileDrift>> {
        let mut all: Vec<FileDrift> = Vec::new();
        let mut seen = HashSet::new();
        for (spec, artifacts) in &self.services {
            let files = drift::compare(
                &spec.service.name,
                &spec.file,
                spec.file_name(),
                artifacts,
                target,
            )?;
            for f in files {
                if seen.insert(f.path.clone()) {
                    all.push(f);
                }
            }
        }
        Ok(all)
    }

    /// Writes every file at the target: every path is checked first (two
    /// descriptions writing different files at one path, a path that leaves its
    /// base), each directory is locked, and each file is written atomically
    /// beneath its base. Returns what happened to each file, in order.
    pub fn write(&self, target: &Target) -> Result<Vec<(PathBuf, WriteOutcome)>, WriteError> {
        let mut planned: Vec<Planned<'_>> = Vec::new();
        let mut planned_at: HashMap<PathBuf, (usize, &str)> = HashMap::new();
        for (spec, artifacts) in &self.services {
            for a in artifacts {
                let Some(path) = target.path_of(&spec.service.name, &spec.file, a) else {
                    continue;
                };
                if let Some(&(i, first)) = planned_at.get(&path) {
                    // The host's shared file, the same from every description: written once.
                    if planned[i].artifact.content == a.content {
                        continue;
                    }
                    return Err(WriteError::Collision {
                        path,
                        first: first.to_string(),
                        second: spec.file.clone(),
                    });
                }
                let base = target.base(&spec.service.name, &spec.file);
                let rel = path.strip_prefix(&base).unwrap_or(&path).to_path_buf();
                if base.is_dir() {
                    Beneath::open(&base)
                        .and_then(|b| b.check(&rel))
                        .map_err(WriteError::Outside)?;
                }
                planned_at.insert(path.clone(), (planned.len(), spec.file.as_str()));
                planned.push(Planned {
                    path,
                    base,
                    rel,
                    artifact: a,
                });
            }
        }
        // One render at a time per directory.
        let mut dirs: Vec<PathBuf> = planned
            .iter()
            .filter_map(|p| p.path.parent().map(Path::to_path_buf))
            .collect();
        dirs.sort();
        dirs.dedup();
        let mut _locks = Vec::new();
        for dir in dirs {
            match DirLock::take(&dir) {
                Ok(l) => _locks.push(l),
                Err(error) => return Err(WriteError::Lock { dir, error }),
            }
        }
        let mut written = Vec::new();
        for p in planned {
            match write_beneath(
                &p.base,
                &p.rel,
                p.artifact.content.as_bytes(),
                p.artifact.mode,
            ) {
                Ok(outcome) => written.push((p.path, outcome)),
                Err(error) => {
                    return Err(WriteError::Write {
                        path: p.path,
                        error,
                        written,
                    });
                }
            }
        }
        Ok(written)
    }
}
