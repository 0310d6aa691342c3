//! The Kubernetes target, checked by the tools that field uses: every example that
//! describes it renders a Dockerfile and a manifest stream that pass yamllint,
//! `kubernetes-validate --strict` for the three newest Kubernetes minors it
//! bundles, the Gateway API v1.6.1 CRD schema (HTTPRoute), hadolint with no
//! finding and checkov (with the skips below, each with its reason). Each tool is
//! first shown failing on a broken copy, so a pass means something.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use svcgen::render::{self, Artifact, Target};

/// The Kubernetes minors checked (the newest `kubernetes-validate` 1.37.0 bundles).
const KUBERNETES: [&str; 3] = ["1.35", "1.36", "1.37"];

/// yamllint's defaults, but lines may be long (a Content-Security-Policy value)
/// and block sequences may sit at their key's indentation, as kubectl writes them.
const YAMLLINT: &str = "{extends: default, rules: {line-length: {max: 250}, indentation: {indent-sequences: consistent}}}";

/// checkov checks svcgen's manifests do not follow, and why.
const CHECKOV_SKIPS: [(&str, &str); 4] = [
    (
        "CKV_K8S_11",
        "CPU limits: a CFS quota throttles Node's single event loop into latency spikes; the CPU request is set, the limit is left out on purpose (memory is limited)",
    ),
    (
        "CKV_K8S_43",
        "image digests: the description pins a version tag (validated: never `latest`) or a digest; a digest is not required",
    ),
    (
        "CKV_K8S_35",
        "secrets as files: the app reads its secrets from the environment on both targets (the host's EnvironmentFile=); the Secret is referenced, its values are never in the manifests",
    ),
    (
        "CKV_K8S_15",
        "imagePullPolicy Always: with a pinned tag or digest IfNotPresent pulls the same image without depending on the registry at every restart",
    ),
];

/// Every example with a `kubernetes:` section, with its rendered Kubernetes files.
fn kubernetes_fixtures() -> Vec<(String, Vec<Artifact>)> {
    let env = render::environment(None).unwrap();
    let out: Vec<(String, Vec<Artifact>)> = valid_fixtures()
        .into_iter()
        .map(|f| {
            let spec = load(&f);
            let files: Vec<Artifact> = render::render(&spec, &env)
                .unwrap()
                .into_iter()
                .filter(|a| a.target == Target::Kubernetes)
                .collect();
            assert_eq!(
                files.is_empty(),
                spec.service.kubernetes.is_none(),
                "{f}: Kubernetes files exactly when the description has `kubernetes:`"
            );
            (f, files)
        })
        .filter(|(_, files)| !files.is_empty())
        .collect();
    assert!(out.len() >= 5, "{} examples describe Kubernetes", out.len());
    out
}

fn file<'a>(files: &'a [Artifact], kind: &str) -> &'a Artifact {
    files
        .iter()
        .find(|a| a.kind.0 == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

fn write(dir: &Path, a: &Artifact) -> String {
    let path = dir.join(&a.file_name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &a.content).unwrap();
    path.display().to_string()
}

fn yamllint(path: &str) -> std::process::Output {
    run(Command::new(require("yamllint")).args(["-s", "-d", YAMLLINT, path]))
}

fn kubernetes_validate(path: &str, version: &str) -> std::process::Output {
    run(Command::new(require("kubernetes-validate")).args(["--strict", "-k", version, path]))
}

fn hadolint(path: &str) -> std::process::Output {
    run(Command::new(require("hadolint")).args(["--no-color", path]))
}

fn checkov(path: &str) -> std::process::Output {
    let skips: Vec<&str> = CHECKOV_SKIPS.iter().map(|(c, _)| *c).collect();
    run(Command::new(require("checkov")).args([
        "--skip-download",
        "--quiet",
        "--compact",
        "--framework",
        "kubernetes",
        "--skip-check",
        &skips.join(","),
        "-f",
        path,
    ]))
}

/// The documents of a YAML stream, as JSON values.
fn documents(stream: &str) -> Vec<serde_json::Value> {
    stream
        .split("\n---\n")
        .skip(1)
        .map(|d| serde_saphyr::from_str::<serde_json::Value>(d).unwrap())
        .collect()
}

/// The HTTPRoute v1 schema from the Gateway API v1.6.1 CRD.
fn httproute_schema() -> serde_json::Value {
    // The CRD as the Gateway API project publishes it (standard channel, v1.6.1).
    let crd = root().join("tests/data/gwapi-httproutes-v1.6.1.yaml");
    let v: serde_json::Value = serde_saphyr::from_str(&read(&crd)).unwrap();
    v["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "v1")
        .map(|x| x["schema"]["openAPIV3Schema"].clone())
        .expect("a v1 schema")
}

#[test]
fn manifests_pass_yamllint_kubernetes_validate_and_the_gateway_api_schema() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let schema = jsonschema::validator_for(&httproute_schema()).unwrap();
    // Each tool fails on a broken copy first.
    let first = &kubernetes_fixtures()[0].1;
    let manifests = file(first, "kubernetes-manifests");
    let broken = write(
        d,
        &Artifact {
            file_name: "broken.yaml".into(),
            content: manifests
                .content
                .replace(
                    "      automountServiceAccountToken: false\n",
                    "      automountServiceAccountToken: false\n      automountToken: false\n",
                )
                .replacen("---\n", "---\n  bad: [indent\n", 1),
            ..manifests.clone()
        },
    );
    assert!(
        !yamllint(&broken).status.success(),
        "yamllint passed a broken stream"
    );
    let unknown_field = write(
        d,
        &Artifact {
            file_name: "unknown-field.yaml".into(),
            content: manifests.content.replace(
                "      automountServiceAccountToken: false\n",
                "      automountServiceAccountToken: false\n      automountToken: false\n",
            ),
            ..manifests.clone()
        },
    );
    assert!(
        !kubernetes_validate(&unknown_field, KUBERNETES[0])
            .status
            .success(),
        "kubernetes-validate --strict passed an unknown field"
    );
    let bad_route = serde_json::json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "x"}, "spec": {"rules": [{"timeouts": {"request": "forever"}}]}});
    assert!(
        !schema.is_valid(&bad_route),
        "the HTTPRoute schema passed a bad timeout"
    );

    let mut routes = 0;
    let mut ingresses = 0;
    let mut controllers = 0;
    for (fixture, files) in kubernetes_fixtures() {
        for m in files.iter().filter(|a| a.lint_format == Some("kubernetes")) {
            let path = write(d, m);
            let out = yamllint(&path);
            assert!(
                out.status.success(),
                "{fixture}: {}: yamllint\n{}",
                m.file_name,
                text(&out.stdout)
            );
            for v in KUBERNETES {
                let out = kubernetes_validate(&path, v);
                let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
                assert!(
                    out.status.success(),
                    "{fixture}: {}: kubernetes-validate {v}\n{said}",
                    m.file_name
                );
                let kinds: &[&str] = match m.kind.0 {
                    _ if m.file_name.ends_with("/added.yaml") => &[],
                    "kubernetes-manifests" => {
                        &["namespace", "deployment", "service", "networkpolicy"]
                    }
                    _ => &["configmap"],
                };
                for kind in kinds {
                    assert!(
                        said.contains(&format!("passed for resource {kind}/")),
                        "{fixture}: {kind} not validated against {v}:\n{said}"
                    );
                }
            }
        }
        let m = file(&files, "kubernetes-manifests");
        // The plain environment comes back exactly (the quoting examples hold
        // quotes, `${…}`, backticks and a U+2028).
        let plan = render::Plan::new(&load(&fixture));
        for doc in documents(&m.content) {
            if doc["kind"] == "ConfigMap" {
                for (k, v) in &plan.env {
                    assert_eq!(doc["data"][k].as_str(), Some(v.as_str()), "{fixture}: {k}");
                }
            }
            if doc["kind"] == "HTTPRoute" {
                let errors: Vec<String> = schema.iter_errors(&doc).map(|e| e.to_string()).collect();
                assert!(
                    errors.is_empty(),
                    "{fixture}: {}: {errors:?}",
                    doc["metadata"]["name"]
                );
                routes += 1;
            }
            if doc["kind"] == "Ingress" {
                // Never a snippet annotation (CVE-2021-25742).
                let annotations = doc["metadata"]["annotations"].as_object().unwrap();
                assert!(
                    annotations.keys().all(|k| !k.ends_with("-snippet")),
                    "{fixture}: {annotations:?}"
                );
                ingresses += 1;
            }
        }
        if let Some(c) = files
            .iter()
            .find(|a| a.kind.0 == "ingress-nginx-controller")
        {
            let docs = documents(&c.content);
            let settings = &docs[0]["data"];
            let keepalive: u32 = settings["upstream-keepalive-timeout"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                keepalive < 5,
                "{fixture}: upstream keep-alive {keepalive} s"
            );
            assert_eq!(settings["allow-snippet-annotations"], "false", "{fixture}");
            assert_eq!(settings["ssl-prefer-server-ciphers"], "false", "{fixture}");
            assert_eq!(settings["ssl-protocols"], plan.site.protocols.as_str());
            // Every security header the host's nginx adds, from the controller.
            for (name, value) in &plan.site.headers {
                if name == "Strict-Transport-Security" {
                    assert_eq!(settings["hsts"], "true", "{fixture}");
                    assert!(value.contains(settings["hsts-max-age"].as_str().unwrap()));
                } else {
                    assert_eq!(docs[1]["data"][name], value.as_str(), "{fixture}: {name}");
                }
            }
            controllers += 1;
        }
    }
    assert!(routes >= 5, "{routes} HTTPRoutes checked");
    assert!(
        ingresses >= 2 && controllers >= 1,
        "{ingresses} Ingresses, {controllers} controller ConfigMaps checked"
    );
    eprintln!(
        "[kubernetes] yamllint, kubernetes-validate --strict {KUBERNETES:?} (every manifest and {controllers} ingress-nginx controller file, {ingresses} legacy Ingresses) and {routes} HTTPRoutes against the Gateway API v1.6.1 schema: clean"
    );
}

#[test]
fn dockerfiles_pass_hadolint_and_manifests_pass_checkov() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = &kubernetes_fixtures()[0].1;
    let dockerfile = file(first, "dockerfile");
    let root_user = write(
        d,
        &Artifact {
            file_name: "Dockerfile.root".into(),
            content: dockerfile.content.replace("USER 10001:10001", "USER root"),
            ..dockerfile.clone()
        },
    );
    assert!(
        !hadolint(&root_user).status.success(),
        "hadolint passed USER root"
    );
    let manifests = file(first, "kubernetes-manifests");
    let privileged = write(
        d,
        &Artifact {
            file_name: "privileged.yaml".into(),
            content: manifests.content.replace(
                "allowPrivilegeEscalation: false",
                "allowPrivilegeEscalation: true",
            ),
            ..manifests.clone()
        },
    );
    assert!(
        !checkov(&privileged).status.success(),
        "checkov passed privilege escalation"
    );

    for (fixture, files) in kubernetes_fixtures() {
        let sub = d.join(fixture.replace('/', "_"));
        std::fs::create_dir_all(&sub).unwrap();
        let path = write(&sub, file(&files, "dockerfile"));
        let out = hadolint(&path);
        assert!(
            out.status.success(),
            "{fixture}: hadolint\n{}",
            text(&out.stdout)
        );
        let path = write(&sub, file(&files, "kubernetes-manifests"));
        if let Some(c) = files
            .iter()
            .find(|a| a.kind.0 == "ingress-nginx-controller")
        {
            // The controller's settings are checked with the manifests.
            std::fs::write(
                &path,
                format!(
                    "{}{}",
                    file(&files, "kubernetes-manifests").content,
                    c.content
                ),
            )
            .unwrap();
        }
        let out = checkov(&path);
        let said = text(&out.stdout);
        assert!(out.status.success(), "{fixture}: checkov\n{said}");
        let passed: u32 = said
            .split("Passed checks: ")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        assert!(
            passed >= 50,
            "{fixture}: checkov passed only {passed} checks:\n{said}"
        );
        eprintln!(
            "[kubernetes] {fixture}: hadolint clean, checkov {passed} passed, 0 failed ({} skipped with reasons)",
            CHECKOV_SKIPS.len()
        );
    }
}

/// The objects of a YAML stream, each as canonical JSON text, sorted (the order
/// kustomize prints them in is its own).
fn object_set(stream: &str) -> Vec<String> {
    let mut out: Vec<String> = stream
        .split("\n---\n")
        .map(|d| d.trim_start_matches("---\n"))
        .filter(|d| {
            d.lines()
                .any(|l| !l.starts_with('#') && !l.trim().is_empty())
        })
        .map(|d| {
            let v: serde_json::Value = serde_saphyr::from_str(d).unwrap();
            v.to_string()
        })
        .collect();
    out.sort();
    out
}

fn kustomize(dir: &Path) -> std::process::Output {
    run(Command::new(require("kubectl")).arg("kustomize").arg(dir))
}

/// Under `environments:`, the Kubernetes files are a kustomize base and an
/// overlay per environment: `kubectl kustomize` builds each, and each gives
/// exactly the objects `render --env` renders for it (and the base the
/// description's), which pass `kubernetes-validate --strict`.
#[test]
fn kustomize_overlays_give_each_environments_objects() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut checked = 0;
    for (fixture, files) in kubernetes_fixtures() {
        let spec = load(&fixture);
        if spec.service.resolved_environments.is_empty() {
            continue;
        }
        let name = &spec.service.name;
        let out = d.join(name.as_str());
        let rendered = svcgen(&["render", &fixture, "--out", out.to_str().unwrap()]);
        assert!(rendered.status.success(), "{}", text(&rendered.stderr));
        assert!(files.iter().any(|a| a.kind.0 == "kustomization"));

        // kustomize fails on a broken overlay first.
        let broken = d.join("broken");
        std::fs::create_dir_all(&broken).unwrap();
        std::fs::write(
            broken.join("kustomization.yaml"),
            "resources:\n- ../nowhere\n",
        )
        .unwrap();
        assert!(
            !kustomize(&broken).status.success(),
            "kubectl kustomize passed a missing base"
        );

        let base = kustomize(&out.join(format!("{name}.k8s/base")));
        assert!(base.status.success(), "{}", text(&base.stderr));
        let plain = {
            let mut s = spec.clone();
            s.service.resolved_environments.clear();
            let env = render::environment(None).unwrap();
            render::render(&s, &env)
                .unwrap()
                .into_iter()
                .find(|a| a.kind.0 == "kubernetes-manifests")
                .unwrap()
                .content
        };
        assert_eq!(
            object_set(&text(&base.stdout)),
            object_set(&plain),
            "{fixture}: the base is the description's objects"
        );
        for (env, _) in &spec.service.resolved_environments {
            let built = kustomize(&out.join(format!("{name}.k8s/overlays/{env}")));
            assert!(built.status.success(), "{env}: {}", text(&built.stderr));
            let direct = d.join(format!("{name}-{env}"));
            let r = svcgen(&[
                "render",
                &fixture,
                "--env",
                env,
                "--out",
                direct.to_str().unwrap(),
            ]);
            assert!(r.status.success(), "{}", text(&r.stderr));
            let expected = read(&direct.join(format!("{name}.k8s.yaml")));
            let (got, want) = (object_set(&text(&built.stdout)), object_set(&expected));
            assert_eq!(got, want, "{fixture}: overlay {env}");
            let path = d.join(format!("{name}-{env}.kustomized.yaml"));
            std::fs::write(&path, &built.stdout).unwrap();
            for v in KUBERNETES {
                let out = kubernetes_validate(path.to_str().unwrap(), v);
                assert!(
                    out.status.success(),
                    "{fixture} {env}: kubernetes-validate {v}\n{}{}",
                    text(&out.stdout),
                    text(&out.stderr)
                );
            }
            eprintln!(
                "[kubernetes] {fixture}: kubectl kustomize overlays/{env}: {} objects, the same as `render --env {env}`; kubernetes-validate --strict {KUBERNETES:?} clean",
                got.len()
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "{checked} overlays checked");
}

/// Each variable a description requires from its env file is its own `env` entry
/// from the Secret, by key and not optional: a Secret without the key stops the
/// rollout naming it instead of starting a pod that crashes when it reads it.
#[test]
fn required_variables_are_named_secret_keys() {
    let mut checked = 0;
    for (f, files) in kubernetes_fixtures() {
        let spec = load(&f);
        let required: Vec<String> = spec
            .service
            .env_required
            .keys()
            .map(|k| k.to_string())
            .collect();
        if required.is_empty() {
            continue;
        }
        let manifests = documents(&file(&files, "kubernetes-manifests").content);
        let deployment = manifests
            .iter()
            .find(|d| d["kind"] == "Deployment")
            .expect("a Deployment");
        let env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
            .as_array()
            .expect("the container's env");
        for name in &required {
            let entry = env
                .iter()
                .find(|e| e["name"] == name.as_str())
                .unwrap_or_else(|| panic!("{f}: no env entry for {name}"));
            assert_eq!(
                entry["valueFrom"]["secretKeyRef"],
                serde_json::json!({"name": format!("{}-secrets", spec.service.name), "key": name, "optional": false}),
                "{f}: {name}"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 1,
        "an example with Kubernetes requires variables"
    );
}
