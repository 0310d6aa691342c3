//! The files svcgen renders, one descriptor each: what kind of file, its template,
//! the lint format that checks it, its mode, which target it belongs to, and where
//! it goes (none, one or several files, by the description). Adding a rendered
//! file is its module here, its template, and one line in `FILES`.

mod acme;
mod apparmor;
mod catch_all;
mod deploy;
mod dockerfile;
mod ecosystem;
mod env;
pub(crate) mod kubernetes;
mod site;
mod sudoers;
mod unit;

use serde::Serialize;

use super::Plan;
use crate::description::Service;

/// Which file an artifact is (`systemd-unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ArtifactKind(pub &'static str);

#[allow(non_upper_case_globals)]
impl ArtifactKind {
    pub const SystemdUnit: ArtifactKind = ArtifactKind("systemd-unit");
    pub const Pm2Ecosystem: ArtifactKind = ArtifactKind("pm2-ecosystem");
    pub const NginxSite: ArtifactKind = ArtifactKind("nginx-site");
    pub const DeployScript: ArtifactKind = ArtifactKind("deploy-script");
    pub const Sudoers: ArtifactKind = ArtifactKind("sudoers");
}

/// Where a rendered file runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// One Linux host: systemd, PM2, nginx.
    Host,
    /// A Kubernetes cluster: an image and manifests.
    Kubernetes,
}

/// One kind of rendered file.
pub struct Descriptor {
    pub kind: ArtifactKind,
    pub target: Target,
    /// How its text is made.
    pub source: Source,
    /// The lint format that checks it (`nginx`), if any reads it.
    pub lint: Option<&'static str>,
    /// Its file mode.
    pub mode: u32,
    /// Whether it is one service's file or one file for every service on a host.
    pub scope: Scope,
}

/// Builds a host-scoped file from every service rendered together.
pub type BuildSet = fn(&[(&Plan, &Service)]) -> Result<String, String>;

/// How a rendered file's text is made.
pub enum Source {
    /// A template: its file name (what `--templates DIR` overrides) and text.
    Template(&'static str, &'static str),
    /// Serialised from typed values (Kubernetes objects: YAML quoting by a
    /// serializer, not by a template).
    Built(fn(&Plan, &Service, &str) -> String),
    /// Serialised from every service rendered together (a host-scoped file); an
    /// error when the services cannot share it.
    BuiltSet(BuildSet),
}

impl Descriptor {
    /// Its template's file name and text, if it is made from one.
    pub fn template(&self) -> Option<(&'static str, &'static str)> {
        match self.source {
            Source::Template(name, text) => Some((name, text)),
            Source::Built(_) | Source::BuiltSet(_) => None,
        }
    }
}

/// Whose file it is, and where its files go.
pub enum Scope {
    /// One service's: the files of this kind the description asks for (none when
    /// it does not exist for it, as a PM2 ecosystem file under systemd; several
    /// when it is one per slot). Templates read the plan (and the placement's own
    /// values).
    Service(fn(&Plan, &Service) -> Vec<Placement>),
    /// The host's, shared by every service rendered together: placed once from
    /// all their plans. Templates read the placement's values only.
    Host(fn(&[(&Plan, &Service)]) -> Vec<Placement>),
}

/// One file of a descriptor's kind.
pub struct Placement {
    /// The file's name (also its name under `--out`).
    pub file_name: String,
    /// The directory it is installed in on the server, if it is installed as a
    /// file (a Kubernetes object is applied, not installed).
    pub install_dir: Option<String>,
    /// Its name there, when that differs from `file_name` (sudoers(5) skips a
    /// file named with a `.` in /etc/sudoers.d, so `NAME.sudoers` is installed
    /// as `NAME`).
    pub installed_as: Option<String>,
    /// Values its template reads besides the plan's.
    pub context: Option<minijinja::Value>,
}

/// Every rendered file, in the order they are written and listed.
pub static FILES: &[&Descriptor] = &[
    &unit::FILE,
    &apparmor::FILE,
    &ecosystem::FILE,
    &site::FILE,
    &site::LOCATIONS,
    &site::UPSTREAM_SLOTS,
    &deploy::FILE,
    &sudoers::FILE,
    &env::CHECK,
    &env::EXAMPLE,
    &catch_all::FILE,
    &acme::FIRST_STAGE,
    &acme::RENEWAL_HOOK,
    &dockerfile::FILE,
    &dockerfile::DOCKERIGNORE,
    &kubernetes::FILE,
    &kubernetes::kustomize::KUSTOMIZATION,
    &kubernetes::ingress_nginx::CONTROLLER,
];

/// Where the app's own files (ecosystem file, deploy script) are installed.
fn app_files_dir(s: &Service) -> String {
    s.host
        .install
        .app_files_dir
        .as_ref()
        .unwrap_or(&s.app_dir)
        .to_string()
}

/// One file, installed in `dir`.
fn one(file_name: String, dir: &str) -> Vec<Placement> {
    vec![Placement {
        file_name,
        install_dir: Some(dir.to_string()),
        installed_as: None,
        context: None,
    }]
}

#[cfg(test)]
mod tests {
    use super::FILES;

    /// Every template in `templates/` is a rendered file's, and every rendered
    /// file's template is there (what `--templates DIR` may override).
    #[test]
    fn every_template_belongs_to_a_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".j2"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = FILES
            .iter()
            .filter_map(|f| f.template())
            .map(|t| t.0.to_string())
            .collect();
        embedded.sort();
        // One template may make two kinds of file (the site and its locations part).
        embedded.dedup();
        assert_eq!(on_disk, embedded);
        for (name, embedded) in FILES.iter().filter_map(|f| f.template()) {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            assert_eq!(text, embedded, "{name} is embedded as it is on disk");
        }
    }
}
