//! Rendering: the description → the four files.
//!
//! `plan` derives every value the templates print (ports, timeouts, header sets),
//! so templates only lay values out, through a quoting filter for their language.
//! Templates are embedded; `--templates DIR` overrides any of them by file name.

mod plan;
pub mod quote;

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use thiserror::Error;

use crate::spec::LoadedSpec;
pub use plan::Plan;

/// The embedded templates, by file name.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "nginx.conf.j2",
        include_str!("../../templates/nginx.conf.j2"),
    ),
    (
        "unit.service.j2",
        include_str!("../../templates/unit.service.j2"),
    ),
    (
        "ecosystem.config.js.j2",
        include_str!("../../templates/ecosystem.config.js.j2"),
    ),
    ("deploy.sh.j2", include_str!("../../templates/deploy.sh.j2")),
    ("sudoers.j2", include_str!("../../templates/sudoers.j2")),
];

/// Which of the four files an artifact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactKind {
    SystemdUnit,
    Pm2Ecosystem,
    NginxSite,
    DeployScript,
    Sudoers,
}

/// One rendered file.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub kind: ArtifactKind,
    /// The file's name (also its name under `--out`).
    pub file_name: String,
    /// Where it is installed on the server, per the description's `install` section.
    pub install_path: PathBuf,
    /// File mode: the deploy script is executable, the rest are not.
    pub mode: u32,
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
    env.add_filter("chomp", |v: String| {
        v.strip_suffix('\n').map(str::to_string).unwrap_or(v)
    });
    env.add_filter("comment", |v: String| quote::comment(&v));
    for (name, text) in TEMPLATES {
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
        env.add_template_owned(*name, source)
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

/// Renders every file the description asks for.
pub fn render(spec: &LoadedSpec, env: &Environment<'_>) -> Result<Vec<Artifact>, RenderError> {
    let plan = Plan::new(spec);
    let ctx = Value::from(minijinja::value::Serde(&plan));
    let s = &spec.service;
    let app_files = s
        .install
        .app_files_dir
        .clone()
        .unwrap_or_else(|| s.app_dir.clone());
    let mut out = Vec::with_capacity(6);
    let mut add = |kind, template: &str, ctx: &Value, file_name: String, dir: &str, mode| {
        let tmpl = env
            .get_template(template)
            .map_err(|e| template_error(template, e))?;
        let mut content = tmpl.render(ctx).map_err(|e| template_error(template, e))?;
        if !content.ends_with('\n') {
            content.push('\n');
        }
        out.push(Artifact {
            kind,
            install_path: Path::new(dir).join(&file_name),
            file_name,
            mode,
            content,
        });
        Ok::<(), RenderError>(())
    };
    if plan.pm2 {
        add(
            ArtifactKind::SystemdUnit,
            "unit.service.j2",
            &ctx,
            plan.unit_file.clone(),
            &s.install.unit_dir,
            0o644,
        )?;
        add(
            ArtifactKind::Pm2Ecosystem,
            "ecosystem.config.js.j2",
            &ctx,
            "ecosystem.config.js".into(),
            &app_files,
            0o644,
        )?;
    } else {
        // One template unit per release slot: NAME-blue@PORT, NAME-green@PORT.
        for slot in &plan.slots {
            let slot_ctx =
                minijinja::context! { slot => minijinja::value::Serde(slot), ..ctx.clone() };
            add(
                ArtifactKind::SystemdUnit,
                "unit.service.j2",
                &slot_ctx,
                slot.unit_file.clone(),
                &s.install.unit_dir,
                0o644,
            )?;
        }
    }
    add(
        ArtifactKind::NginxSite,
        "nginx.conf.j2",
        &ctx,
        format!("{}.conf", s.name),
        &s.install.nginx_dir,
        0o644,
    )?;
    add(
        ArtifactKind::DeployScript,
        "deploy.sh.j2",
        &ctx,
        "deploy.sh".into(),
        &app_files,
        0o755,
    )?;
    // sudoers(5) skips files whose names contain a `.`; visudo wants mode 0440.
    add(
        ArtifactKind::Sudoers,
        "sudoers.j2",
        &ctx,
        s.name.clone(),
        &s.install.sudoers_dir,
        0o440,
    )?;
    Ok(out)
}
