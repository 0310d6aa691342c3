//! Rendering: the description → its files, one descriptor each (`files`).
//!
//! `plan` derives every value the templates print (ports, timeouts, header sets),
//! once for all files, so the files agree by construction; templates only lay
//! values out, through a quoting filter for their language. Templates are
//! embedded; `--templates DIR` overrides any of them by file name.

pub mod ansible;
pub mod files;
pub(crate) mod plan;
pub mod quote;

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use thiserror::Error;

use crate::description::LoadedSpec;
pub use files::{ArtifactKind, Descriptor, FILES, Scope, Target};
pub use plan::Plan;

/// One rendered file.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub kind: ArtifactKind,
    pub target: Target,
    /// The file's name (also its name under `--out`).
    pub file_name: String,
    /// Where it is installed on the server (per the description's `install`
    /// section), if it is installed as a file.
    pub install_path: Option<PathBuf>,
    /// File mode: the deploy script is executable, the rest are not.
    pub mode: u32,
    /// The lint format that checks it, if any reads it.
    pub lint_format: Option<&'static str>,
    pub content: String,
}

#[derive(Debug, Error)]
pub enum RenderError {
    #[error("cannot read template directory {dir}: {source}")]
    TemplateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("template {name}: {detail}")]
    Template { name: String, detail: String },
    #[error("{0}")]
    Set(String),
}

fn template_error(name: &str, e: minijinja::Error) -> RenderError {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail.push_str(&format!(": {s}"));
        source = s.source();
    }
    RenderError::Template {
        name: name.to_string(),
        detail,
    }
}

/// A template environment with the quoting filters; user templates in `dir` replace
/// embedded ones of the same name.
pub fn environment(dir: Option<&Path>) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_filter("ngx", |v: String| quote::nginx(&v));
    env.add_filter("sd", |v: String| quote::systemd(&v));
    env.add_filter("sd_word", |v: String| quote::systemd_word(&v));
    env.add_function("sd_env", |k: String, v: String| quote::systemd_env(&k, &v));
    env.add_filter("sh", |v: String| quote::shell(&v));
    env.add_filter("sudoers", |v: String| quote::sudoers(&v));
    env.add_filter("js", |v: Value| quote::js(&v));
    // JSON as written (`&` stays `&`: the Dockerfile's exec form is read by a JSON
    // parser, not placed in HTML).
    env.add_filter("json", |v: Value| {
        serde_json::to_string(&v).map_err(|e| {
            minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
        })
    });
    env.add_filter("chomp", |v: String| {
        v.strip_suffix('\n').map(str::to_string).unwrap_or(v)
    });
    env.add_filter("comment", |v: String| quote::comment(&v));
    for (name, text) in FILES.iter().filter_map(|f| f.template()) {
        let user = dir.map(|d| d.join(name)).filter(|p| p.is_file());
        let source = match user {
            Some(path) => {
                std::fs::read_to_string(&path).map_err(|source| RenderError::TemplateDir {
                    dir: path.clone(),
                    source,
                })?
            }
            None => (*text).to_string(),
        };
        env.add_template_owned(name, source)
            .map_err(|e| template_error(name, e))?;
    }
    if let Some(d) = dir {
        std::fs::read_dir(d).map_err(|source| RenderError::TemplateDir {
            dir: d.to_path_buf(),
            source,
        })?;
    }
    Ok(env)
}

/// Renders every file the description asks for, in the order of `FILES` (the
/// host's files as for a host that runs this service alone).
pub fn render(spec: &LoadedSpec, env: &Environment<'_>) -> Result<Vec<Artifact>, RenderError> {
    Ok(render_set(&[spec], env)?.pop().unwrap_or_default())
}

/// Renders the files of services that run on one host: each service's own, and
/// the host's shared files once from all of them (each service's list carries the
/// same copy, so every list is complete).
pub fn render_set(
    specs: &[&LoadedSpec],
    env: &Environment<'_>,
) -> Result<Vec<Vec<Artifact>>, RenderError> {
    let mut out = render_files(specs, env)?;
    // A description with servers gets its Ansible project, with the host files
    // of each environment it deploys to.
    for (list, spec) in out.iter_mut().zip(specs) {
        let project = ansible::project(spec, list, env)?;
        list.extend(project);
    }
    Ok(out)
}

/// [`render_set`] without the Ansible project: the files of `FILES`.
pub(crate) fn render_files(
    specs: &[&LoadedSpec],
    env: &Environment<'_>,
) -> Result<Vec<Vec<Artifact>>, RenderError> {
    let plans: Vec<Plan> = specs.iter().map(|s| Plan::new(s)).collect();
    let services: Vec<(&Plan, &crate::description::Service)> = plans
        .iter()
        .zip(specs)
        .map(|(p, s)| (p, &s.service))
        .collect();
    // What each service's templates see, made once for all its files.
    let contexts: Vec<Value> = plans
        .iter()
        .map(|p| Value::from(minijinja::value::Serde(p)))
        .collect();
    let mut out: Vec<Vec<Artifact>> = specs.iter().map(|_| Vec::new()).collect();
    for file in FILES {
        let template = file.template().map_or("", |t| t.0);
        let tmpl = match file.source {
            files::Source::Template(name, _) => Some(
                env.get_template(name)
                    .map_err(|e| template_error(name, e))?,
            ),
            files::Source::Built(_) | files::Source::BuiltSet(_) => None,
        };
        let render_one = |place: files::Placement, base: Option<&Value>, built: Option<String>| {
            let ctx = match (place.context, base) {
                (Some(own), Some(base)) => minijinja::context! { ..own, ..base.clone() },
                (Some(own), None) => own,
                (None, Some(base)) => base.clone(),
                (None, None) => Value::UNDEFINED,
            };
            let mut content = match (&tmpl, built) {
                (_, Some(text)) => text,
                (Some(tmpl), None) => tmpl.render(&ctx).map_err(|e| template_error(template, e))?,
                (None, None) => String::new(),
            };
            if !content.ends_with('\n') {
                content.push('\n');
            }
            Ok::<_, RenderError>(Artifact {
                kind: file.kind,
                target: file.target,
                install_path: place.install_dir.map(|d| {
                    Path::new(&d).join(place.installed_as.as_ref().unwrap_or(&place.file_name))
                }),
                file_name: place.file_name,
                mode: file.mode,
                lint_format: file.lint,
                content,
            })
        };
        match file.scope {
            files::Scope::Service(place) => {
                for (i, ((plan, service), ctx)) in services.iter().zip(&contexts).enumerate() {
                    for p in place(plan, service) {
                        let built = match file.source {
                            files::Source::Built(build) => Some(build(plan, service, &p.file_name)),
                            files::Source::Template(..) | files::Source::BuiltSet(_) => None,
                        };
                        out[i].push(render_one(p, Some(ctx), built)?);
                    }
                }
            }
            files::Scope::Host(place) => {
                for p in place(&services) {
                    let built = match file.source {
                        files::Source::BuiltSet(build) => {
                            Some(build(&services).map_err(RenderError::Set)?)
                        }
                        _ => None,
                    };
                    let shared = render_one(p, None, built)?;
                    for list in &mut out {
                        list.push(shared.clone());
                    }
                }
            }
        }
    }
    Ok(out)
}
