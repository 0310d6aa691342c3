//! The legacy way in, opt-in: ingress-nginx Ingresses for the site, and the
//! controller's ConfigMap settings they depend on (one file for every service
//! rendered together: a controller has one ConfigMap). ingress-nginx is retired
//! (best effort ended March 2026); Gateway API HTTPRoutes are the default.
//!
//! What the host's nginx site does and the controller does not by default:
//! Mozilla's TLS protocols and ciphers with the client's cipher preference,
//! HSTS as the description says, the security headers (`add-headers`), the app's
//! `X-Powered-By` hidden (`hide-headers`), idle upstream connections dropped
//! before Node's 5 s keep-alive (the controller's default is 60 s: a request
//! sent on a socket Node has just closed fails with 502), and no snippet
//! annotations (CVE-2021-25742: a snippet reads the controller's secrets).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::super::{ArtifactKind, Descriptor, Placement, Plan, Scope, Source, Target};
use super::{erased, meta};
use crate::description::Service as Description;
use crate::description::model::IngressNginx;

pub static CONTROLLER: Descriptor = Descriptor {
    kind: ArtifactKind("ingress-nginx-controller"),
    target: Target::Kubernetes,
    source: Source::BuiltSet(controller),
    lint: Some("kubernetes"),
    mode: 0o644,
    scope: Scope::Host(|services| {
        if services.iter().any(|(_, s)| served_here(s)) {
            vec![Placement {
                file_name: "ingress-nginx-controller.yaml".into(),
                install_dir: None,
                installed_as: None,
                context: None,
            }]
        } else {
            Vec::new()
        }
    }),
};

/// Seconds an idle connection to the app is kept: below Node's default 5 s
/// `keepAliveTimeout`, as the host's nginx (`keepalive_timeout 4s`).
pub const UPSTREAM_KEEPALIVE_SECONDS: u32 = 4;

const ANNOTATION: &str = "nginx.ingress.kubernetes.io/";

fn ingress_of(s: &Description) -> Option<&IngressNginx> {
    s.kubernetes.as_ref()?.ingress_nginx.as_ref()
}

/// The service, or one of its environments, is served by an ingress-nginx controller.
fn served_here(s: &Description) -> bool {
    ingress_of(s).is_some()
        || s.resolved_environments
            .iter()
            .any(|(_, e)| ingress_of(e).is_some())
}

/// The Ingresses of one service: one per distinct set of route settings
/// (ingress-nginx sets timeouts per Ingress, by annotation), in route order.
pub fn ingresses(plan: &Plan, s: &Description, i: &IngressNginx, ns: &str) -> Vec<Ingress> {
    let tls_secret = i
        .tls_secret
        .as_ref()
        .map_or_else(|| format!("{}-tls", s.name), |t| t.to_string());
    let mut groups: Vec<(BTreeMap<String, String>, Vec<HTTPIngressPath>)> = Vec::new();
    for r in &plan.routes {
        let long_lived = r.kind == "streaming" || r.kind == "websocket";
        let mut annotations = BTreeMap::from([
            (
                format!("{ANNOTATION}proxy-connect-timeout"),
                r.connect_timeout.to_string(),
            ),
            (
                format!("{ANNOTATION}proxy-read-timeout"),
                r.read_timeout.to_string(),
            ),
            (
                format!("{ANNOTATION}proxy-send-timeout"),
                r.send_timeout.to_string(),
            ),
            (
                format!("{ANNOTATION}proxy-body-size"),
                plan.site.client_max_body_size.clone(),
            ),
            (
                format!("{ANNOTATION}ssl-redirect"),
                s.site.redirect_http.to_string(),
            ),
        ]);
        if long_lived {
            // Events reach the client as the app writes them.
            annotations.insert(format!("{ANNOTATION}proxy-buffering"), "off".into());
        }
        let path = HTTPIngressPath {
            path: Some(r.path.trim_end_matches('/').to_string().max("/".into())),
            path_type: "Prefix".into(),
            backend: IngressBackend {
                service: Some(IngressServiceBackend {
                    name: s.name.to_string(),
                    port: Some(ServiceBackendPort {
                        name: Some("http".into()),
                        ..Default::default()
                    }),
                }),
                ..Default::default()
            },
        };
        match groups.iter_mut().find(|(a, _)| *a == annotations) {
            Some((_, paths)) => paths.push(path),
            None => groups.push((annotations, vec![path])),
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(n, (annotations, paths))| {
            let name = if n == 0 {
                s.name.to_string()
            } else {
                format!("{}-{}", s.name, n + 1)
            };
            let mut metadata = meta(&name, ns, &s.name);
            metadata.annotations = Some(annotations);
            Ingress {
                metadata,
                spec: Some(IngressSpec {
                    ingress_class_name: Some(i.class.to_string()),
                    tls: Some(vec![IngressTLS {
                        hosts: Some(s.site.domains.iter().map(|v| v.to_string()).collect()),
                        secret_name: Some(tls_secret.to_string()),
                    }]),
                    rules: Some(
                        s.site
                            .domains
                            .iter()
                            .map(|d| IngressRule {
                                host: Some(d.to_string()),
                                http: Some(HTTPIngressRuleValue {
                                    paths: paths.clone(),
                                }),
                            })
                            .collect(),
                    ),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect()
}

/// The settings of one controller, from the services it serves.
struct Controller<'a> {
    namespace: &'a str,
    configmap: &'a str,
    services: Vec<(&'a Plan, &'a Description)>,
}

/// The controllers' ConfigMaps: the settings, and the response headers they add.
fn controller(services: &[(&Plan, &Description)]) -> Result<String, String> {
    // Each environment is served as its own description would be: an environment
    // that switches to ingress-nginx (or to another controller) needs its settings.
    let env_plans: Vec<(Plan, &Description)> = services
        .iter()
        .flat_map(|(plan, s)| {
            s.resolved_environments
                .iter()
                .filter(|(_, e)| ingress_of(e).is_some())
                .map(|(_, e)| (super::kustomize::plan_of(plan, e), e))
        })
        .collect();
    let mut all: Vec<(&Plan, &Description)> = services.to_vec();
    all.extend(env_plans.iter().map(|(p, e)| (p, *e)));
    let services = all.as_slice();
    let mut controllers: Vec<Controller<'_>> = Vec::new();
    for (plan, s) in services {
        let Some(i) = ingress_of(s) else { continue };
        match controllers
            .iter_mut()
            .find(|c| c.namespace == i.namespace && c.configmap == i.configmap)
        {
            Some(c) => c.services.push((plan, s)),
            None => controllers.push(Controller {
                namespace: &i.namespace,
                configmap: &i.configmap,
                services: vec![(plan, s)],
            }),
        }
    }
    let served = || services.iter().filter(|(_, s)| ingress_of(s).is_some());
    let mut sources: Vec<&str> = served().map(|(p, _)| p.source.as_str()).collect();
    let mut names: Vec<&str> = served().map(|(_, s)| s.name.as_str()).collect();
    // An environment is the same service, from the same file: named once.
    for v in [&mut sources, &mut names] {
        let mut seen = std::collections::HashSet::new();
        v.retain(|x| seen.insert(*x));
    }
    let mut out = format!(
        "# Generated by svcgen from {}. Do not edit: change the descriptions and render again.\n\
         # The ingress-nginx controller's settings for the services it serves ({}",
        sources.join(", ").replace(['\n', '\r'], " "),
        names.join(", ").replace(['\n', '\r'], " ")
    );
    out.push_str(").\n");
    for c in &controllers {
        let (first_plan, first) = c.services[0];
        // One controller, one set of TLS settings and response headers: the
        // services it serves must agree on them.
        for (plan, s) in &c.services[1..] {
            for (what, same) in [
                (
                    "TLS protocols",
                    first_plan.site.protocols == plan.site.protocols,
                ),
                ("TLS ciphers", first_plan.site.ciphers == plan.site.ciphers),
                (
                    "response headers",
                    first_plan.site.headers == plan.site.headers,
                ),
            ] {
                if !same {
                    return Err(format!(
                        "`{}` and `{}` are served by one ingress-nginx controller ({}/{}) but differ in their {what}, which it sets for every site: make them agree, or give one its own controller (`kubernetes.ingress_nginx.configmap`)",
                        first.name, s.name, c.namespace, c.configmap
                    ));
                }
            }
        }
        let headers_name = format!("{}-svcgen-headers", c.configmap);
        let mut headers = BTreeMap::new();
        let mut data = BTreeMap::from([
            (
                "ssl-protocols".to_string(),
                first_plan.site.protocols.clone(),
            ),
            // Mozilla: let the client pick among strong ciphers.
            ("ssl-prefer-server-ciphers".to_string(), "false".to_string()),
            ("hide-headers".to_string(), "X-Powered-By".to_string()),
            (
                "upstream-keepalive-timeout".to_string(),
                UPSTREAM_KEEPALIVE_SECONDS.to_string(),
            ),
            // CVE-2021-25742: a snippet annotation can read the controller's secrets.
            ("allow-snippet-annotations".to_string(), "false".to_string()),
            ("server-tokens".to_string(), "false".to_string()),
            ("hsts".to_string(), "false".to_string()),
        ]);
        if let Some(ciphers) = &first_plan.site.ciphers {
            data.insert("ssl-ciphers".into(), ciphers.clone());
        }
        for (name, value) in &first_plan.site.headers {
            if name.eq_ignore_ascii_case("Strict-Transport-Security") {
                hsts(value, &mut data);
            } else {
                headers.insert(name.clone(), value.clone());
            }
        }
        if !headers.is_empty() {
            data.insert(
                "add-headers".into(),
                format!("{}/{headers_name}", c.namespace),
            );
        }
        let configmap = |name: &str, data| ConfigMap {
            metadata: ObjectMeta {
                name: Some(name.to_string()),
                namespace: Some(c.namespace.to_string()),
                ..Default::default()
            },
            data: Some(data),
            ..Default::default()
        };
        out.push_str("---\n");
        out.push_str(&erased::Yaml::yaml(&configmap(c.configmap, data)));
        if !headers.is_empty() {
            out.push_str("---\n");
            out.push_str(&erased::Yaml::yaml(&configmap(&headers_name, headers)));
        }
    }
    Ok(out)
}

/// The controller's HSTS keys from the header's value (`max-age=63072000; includeSubDomains`).
fn hsts(value: &str, data: &mut BTreeMap<String, String>) {
    data.insert("hsts".into(), "true".into());
    let mut include = false;
    let mut preload = false;
    for part in value.split(';').map(str::trim) {
        if let Some(age) = part.strip_prefix("max-age=") {
            data.insert("hsts-max-age".into(), age.to_string());
        } else if part.eq_ignore_ascii_case("includeSubDomains") {
            include = true;
        } else if part.eq_ignore_ascii_case("preload") {
            preload = true;
        }
    }
    data.insert("hsts-include-subdomains".into(), include.to_string());
    data.insert("hsts-preload".into(), preload.to_string());
}
