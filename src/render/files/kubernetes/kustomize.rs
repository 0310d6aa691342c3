//! Environments on Kubernetes: a kustomize base (the description's objects) and
//! one overlay per environment, holding exactly what the environment changes —
//! JSON patches (RFC 6902) of the base's objects, the objects it adds and the
//! ones it removes — so `kubectl kustomize overlays/ENV` gives the objects
//! `render --env ENV` renders.
//!
//! Layout (under `--out`): `NAME.k8s/base/{kustomization.yaml,NAME.yaml}` and
//! `NAME.k8s/overlays/ENV/kustomization.yaml` (and `added.yaml`).

use rayon::prelude::*;
use serde::Serialize;

use super::super::{ArtifactKind, Descriptor, Placement, Plan, Scope, Source, Target};
use super::{Object, objects, stream};
use crate::description::{LoadedSpec, Service as Description};

pub static KUSTOMIZATION: Descriptor = Descriptor {
    kind: ArtifactKind("kustomization"),
    target: Target::Kubernetes,
    source: Source::Built(kustomization),
    // Not a Kubernetes object: `kubectl kustomize` reads it (in the tests).
    lint: None,
    mode: 0o644,
    scope: Scope::Service(|_, s| {
        if s.kubernetes.is_none() || s.resolved_environments.is_empty() {
            return Vec::new();
        }
        let mut out = vec![place(format!("{}/kustomization.yaml", base_dir(s)))];
        for (env, _) in &s.resolved_environments {
            out.push(place(format!("{}/kustomization.yaml", overlay_dir(s, env))));
        }
        out
    }),
};

/// Which of the layout's manifest files a name is.
pub enum Part {
    Base,
    Added(String),
}

fn place(file_name: String) -> Placement {
    Placement {
        file_name,
        install_dir: None,
        installed_as: None,
        context: None,
    }
}

fn base_dir(s: &Description) -> String {
    format!("{}.k8s/base", s.name)
}

fn overlay_dir(s: &Description, env: &str) -> String {
    format!("{}.k8s/overlays/{env}", s.name)
}

fn base_manifests(s: &Description) -> String {
    format!("{}/{}.yaml", base_dir(s), s.name)
}

/// The part of the layout a manifest file is, when the service has environments.
pub fn part(s: &Description, file_name: &str) -> Option<Part> {
    if s.resolved_environments.is_empty() {
        return None;
    }
    if file_name == base_manifests(s) {
        return Some(Part::Base);
    }
    let env = overlay_of(s, file_name, "added.yaml")?;
    Some(Part::Added(env.to_string()))
}

/// The environment whose overlay directory holds `file_name` (as `leaf`), read
/// from the name itself: no file name is formatted per environment.
fn overlay_of<'a>(s: &'a Description, file_name: &str, leaf: &str) -> Option<&'a str> {
    let env = file_name
        .strip_prefix(&format!("{}.k8s/overlays/", s.name))?
        .strip_suffix(&format!("/{leaf}"))?;
    s.resolved_environments
        .iter()
        .map(|(name, _)| name.as_str())
        .find(|name| *name == env)
}

/// The manifest files of the layout: the base's, and each overlay's added objects.
pub fn manifest_files(plan: &Plan, s: &Description) -> Vec<Placement> {
    let mut out = vec![place(base_manifests(s))];
    for (env, _) in &s.resolved_environments {
        if !overlay(plan, s, env).added.is_empty() {
            out.push(place(format!("{}/added.yaml", overlay_dir(s, env))));
        }
    }
    out
}

pub fn manifests(plan: &Plan, s: &Description, part: &Part) -> String {
    match part {
        Part::Base => stream(plan, &layout(plan, s).base),
        Part::Added(env) => {
            let service = environment(s, env);
            let env_plan = plan_of(plan, service);
            stream(&env_plan, overlay(plan, s, env).added.iter())
        }
    }
}

fn environment<'a>(s: &'a Description, env: &str) -> &'a Description {
    s.resolved_environments
        .iter()
        .find(|(name, _)| name == env)
        .map(|(_, service)| service)
        .expect("a placed environment exists")
}

/// The plan of an environment's description.
pub(super) fn plan_of(plan: &Plan, service: &Description) -> Plan {
    Plan::new(&LoadedSpec {
        service: service.clone(),
        file: plan.source.clone(),
        positions: Default::default(),
    })
}

/// What an environment changes in the base's objects.
struct Overlay {
    /// JSON patches of base objects: the object, and its patch.
    patches: Vec<(Target6902, json_patch::Patch)>,
    /// Objects only the environment has.
    added: Vec<Object>,
    /// Base objects the environment does not have.
    removed: Vec<serde_json::Value>,
}

/// A patch's target, as kustomize selects it.
#[derive(Serialize, Clone)]
struct Target6902 {
    #[serde(skip_serializing_if = "String::is_empty")]
    group: String,
    version: String,
    kind: String,
    name: String,
}

/// An object's identity across the base and an environment.
fn key(v: &serde_json::Value) -> (String, String) {
    (
        v["kind"].as_str().unwrap_or_default().to_string(),
        v["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

/// The layout's objects, computed once per render of a description (every file
/// of the layout reads them): the base's, and each environment's overlay.
pub struct Layout {
    base: Vec<Object>,
    overlays: Vec<(String, Overlay)>,
}

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layout")
            .field("objects", &self.base.len())
            .field("overlays", &self.overlays.len())
            .finish()
    }
}

fn layout<'p>(plan: &'p Plan, s: &Description) -> &'p Layout {
    plan.kubernetes_layout.get_or_init(|| {
        let base = objects(plan, s);
        // Each environment's objects and patches, on every core.
        let overlays = s
            .resolved_environments
            .par_iter()
            .map(|(name, env)| (name.clone(), overlay_of_objects(&base, plan, env)))
            .collect();
        Layout { base, overlays }
    })
}

fn overlay<'p>(plan: &'p Plan, s: &Description, env: &str) -> &'p Overlay {
    &layout(plan, s)
        .overlays
        .iter()
        .find(|(name, _)| name == env)
        .expect("an overlay for every environment")
        .1
}

fn overlay_of_objects(base: &[Object], plan: &Plan, env: &Description) -> Overlay {
    let mut theirs = objects(&plan_of(plan, env), env);
    let mut patches = Vec::new();
    let mut removed = Vec::new();
    for b in base {
        match theirs.iter().position(|t| key(t.value()) == key(b.value())) {
            Some(i) => {
                let t = theirs.remove(i);
                let patch = json_patch::diff(b.value(), t.value());
                if !patch.0.is_empty() {
                    let api = b.value()["apiVersion"].as_str().unwrap_or_default();
                    let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
                    let (kind, name) = key(b.value());
                    patches.push((
                        Target6902 {
                            group: group.to_string(),
                            version: version.to_string(),
                            kind,
                            name,
                        },
                        patch,
                    ));
                }
            }
            None => {
                let mut metadata = serde_json::json!({"name": b.value()["metadata"]["name"]});
                if let Some(ns) = b.value()["metadata"].get("namespace") {
                    metadata["namespace"] = ns.clone();
                }
                removed.push(serde_json::json!({
                    "apiVersion": b.value()["apiVersion"],
                    "kind": b.value()["kind"],
                    "metadata": metadata,
                    "$patch": "delete",
                }));
            }
        }
    }
    Overlay {
        patches,
        added: theirs,
        removed,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    patches: Vec<PatchEntry>,
}

#[derive(Serialize)]
struct PatchEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<Target6902>,
    /// The patch as YAML text: a JSON patch, or a deletion.
    patch: String,
}

fn kustomization(plan: &Plan, s: &Description, file_name: &str) -> String {
    let header = format!(
        "# Generated by svcgen from {}. Do not edit: change the description and render again.\n",
        plan.source.replace(['\n', '\r'], " ")
    );
    let k = if file_name == format!("{}/kustomization.yaml", base_dir(s)) {
        Kustomization {
            api_version: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources: vec![format!("{}.yaml", s.name)],
            patches: Vec::new(),
        }
    } else {
        let env = overlay_of(s, file_name, "kustomization.yaml").expect("a placed overlay");
        let o = overlay(plan, s, env);
        let mut resources = vec!["../../base".to_string()];
        if !o.added.is_empty() {
            resources.push("added.yaml".into());
        }
        let mut patches: Vec<PatchEntry> = o
            .patches
            .iter()
            .map(|(target, patch)| PatchEntry {
                target: Some(target.clone()),
                patch: yaml(patch),
            })
            .collect();
        patches.extend(o.removed.iter().map(|r| PatchEntry {
            target: None,
            patch: yaml(r),
        }));
        Kustomization {
            api_version: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources,
            patches,
        }
    };
    format!(
        "{header}{}",
        serde_saphyr::to_string(&k).unwrap_or_else(|e| format!("# not serialisable: {e}\n"))
    )
}

fn yaml(v: &impl Serialize) -> String {
    serde_saphyr::to_string(v).unwrap_or_else(|e| format!("# not serialisable: {e}\n"))
}
