//! The rendered files, checked by the real tools that will run them: nginx -t,
//! systemd-analyze verify and security, node, bash -n, shellcheck and gixy.
//! A missing tool fails its test with the tool's name; nothing is skipped.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use svcgen::description::{self as spec, LoadedSpec};
use svcgen::render::{self, Artifact, ArtifactKind};

/// Exposure a rendered unit must reach under `systemd-analyze security`.
const EXPOSURE_TARGET: f64 = 1.5;

fn render_spec(spec: &LoadedSpec) -> Vec<Artifact> {
    let env = render::environment(None).unwrap();
    render::render(spec, &env).unwrap()
}

fn write(dir: &Path, a: &Artifact) -> PathBuf {
    let path = dir.join(&a.file_name);
    std::fs::write(&path, &a.content).unwrap();
    path
}

/// The site with its upstream include (a link deploy.sh points on the server)
/// pointed at the rendered blue slot's upstream file, written to a test directory.
fn with_live_upstream(site: &Artifact, spec: &LoadedSpec, dir: &Path) -> Artifact {
    let s = &spec.service;
    let include = format!(
        "include {}/{}.upstream;",
        s.host.install.nginx_dir.trim_end_matches('/'),
        s.name
    );
    assert!(
        site.content.contains(&include),
        "{}: no `{include}`",
        s.name
    );
    let file = dir.join(format!("{}.upstream-blue", s.name));
    let rendered = render_spec(spec);
    let blue = rendered
        .iter()
        .find(|a| a.file_name == format!("{}.upstream-blue", s.name))
        .unwrap_or_else(|| panic!("{}: no upstream file for the blue slot", s.name));
    let [ports, _] = s.slot_ports();
    for p in &ports {
        assert!(
            blue.content.contains(&format!(":{p} max_fails=0;")),
            "{}",
            blue.content
        );
    }
    std::fs::write(&file, &blue.content).unwrap();
    let mut site = site.clone();
    site.content = site
        .content
        .replace(&include, &format!("include {};", file.display()));
    // The locations of services mounted on this site: the test-owned copies in
    // `dir` (see `write_locations`).
    let nginx_dir = s.host.install.nginx_dir.trim_end_matches('/');
    for m in &s.site.mounts {
        let include = format!("include {nginx_dir}/{m}.locations;");
        assert!(
            site.content.contains(&include),
            "{}: no `{include}`",
            s.name
        );
        site.content = site.content.replace(
            &include,
            &format!("include {};", dir.join(format!("{m}.locations")).display()),
        );
    }
    site
}

/// Every example's locations file (a service mounted on another's site) written
/// into `dir`, where `with_live_upstream` points the owners' includes.
fn write_locations(dir: &Path) -> usize {
    let mut n = 0;
    for file in valid_fixtures() {
        for a in render_spec(&load(&file)) {
            if a.kind == ArtifactKind("nginx-locations") {
                write(dir, &a);
                n += 1;
            }
        }
    }
    n
}

pub(crate) fn installed_nginx_version() -> (u32, u32, u32) {
    let out = run(Command::new(require("nginx")).arg("-v"));
    let s = text(&out.stderr);
    let v = s
        .split("nginx/")
        .nth(1)
        .unwrap_or("0.0.0")
        .split_whitespace()
        .next()
        .unwrap_or("0.0.0");
    spec::parse_version(v)
}

#[test]
fn nginx_accepts_every_site_together() {
    let nginx = require("nginx");
    let installed = installed_nginx_version();
    let (dir, cert, key) = nginx_workdir();
    let d = dir.path();

    let mut sites = 0;
    let mut on_host = Vec::new();
    assert!(
        write_locations(d) >= 1,
        "no example is mounted on another's site"
    );
    for file in valid_fixtures() {
        let mut spec = load(&file);
        // Point the files nginx opens at test-owned copies; everything else is as rendered.
        let s = &mut spec.service;
        s.site.tls.certificate = cert.display().to_string().try_into().unwrap();
        s.site.tls.key = key.display().to_string().try_into().unwrap();
        if s.site.tls.trusted_certificate.is_some() {
            s.site.tls.trusted_certificate = Some(cert.display().to_string().try_into().unwrap());
        }
        logs_into(s, d);
        let target = spec::parse_version(&s.site.nginx_version);
        let artifacts = render_spec(&spec);
        let site = artifact(&artifacts, ArtifactKind::NginxSite).unwrap();
        if spec.service.site.mounted_on.is_some() {
            // No server of its own: its locations join the owner's.
            assert!(!site.content.contains("server {"), "{file}");
        } else if target >= (1, 25, 1) {
            assert!(
                site.content.contains("\n    http2 on;\n"),
                "{file}: nginx >= 1.25.1 uses `http2 on;`"
            );
            assert!(
                !site.content.contains(" http2;"),
                "{file}: no `listen … http2` on >= 1.25.1"
            );
        } else {
            assert!(
                site.content.contains(" ssl http2;"),
                "{file}: nginx < 1.25.1 uses `listen … http2`"
            );
            assert!(
                !site.content.contains("http2 on;"),
                "{file}: no `http2 on;` below 1.25.1"
            );
        }
        let (site, spec) = if target > installed {
            // This nginx is older than the site's target: check the same description
            // rendered for the installed version (only the http2 syntax differs).
            let mut older = spec.clone();
            older.service.site.nginx_version = "1.22.1".parse().unwrap();
            let a = render_spec(&older);
            (
                artifact(&a, ArtifactKind::NginxSite).unwrap().clone(),
                older,
            )
        } else {
            (site.clone(), spec)
        };
        write(&d.join("sites"), &with_live_upstream(&site, &spec, d));
        on_host.push(spec);
        sites += 1;
    }
    // The host's catch-all, rendered once from every site on it.
    let env = render::environment(None).unwrap();
    let refs: Vec<&LoadedSpec> = on_host.iter().collect();
    // They are one host's services: no domain, port or name twice.
    assert_eq!(
        svcgen::description::set::clashes(&refs),
        Vec::new(),
        "the examples clash on one host"
    );
    let set = render::render_set(&refs, &env).unwrap();
    let catch_all = artifact(&set[0], ArtifactKind("nginx-catch-all")).unwrap();
    assert!(catch_all.content.contains("ssl_reject_handshake on;"));
    assert!(
        set.iter()
            .all(|list| list.iter().any(|a| a.content == catch_all.content))
    );
    write(&d.join("sites"), catch_all);
    let out = nginx_test(&nginx, d, &d.join("sites/*.conf"));
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "nginx -t rejected the rendered sites:\n{stderr}"
    );
    assert!(stderr.contains("test is successful"), "{stderr}");
    for line in stderr.lines().filter(|l| l.contains("[warn]")) {
        // Self-signed test certificates carry no OCSP responder URL.
        assert!(
            line.contains("ssl_stapling"),
            "unexpected nginx warning: {line}"
        );
    }
    assert!(sites >= 7);
}

#[test]
fn systemd_verifies_every_unit_and_scores_it_hardened() {
    let analyze = require("systemd-analyze");
    for file in valid_fixtures() {
        let spec = load(&file);
        let artifacts = render_spec(&spec);
        let units: Vec<&Artifact> = artifacts
            .iter()
            .filter(|a| a.kind == ArtifactKind::SystemdUnit)
            .collect();
        assert!(!units.is_empty(), "{file}: no unit");
        for unit in units {
            let dir = tempfile::tempdir().unwrap();
            // A template unit is checked through one of its instances.
            let name = if unit.file_name.ends_with("@.service") {
                unit.file_name.replace(
                    "@.service",
                    &format!("@{}.service", spec.service.host.supervisor.port),
                )
            } else {
                unit.file_name.clone()
            };
            let path = dir.path().join(&name);
            std::fs::write(&path, &unit.content).unwrap();

            let out = run(Command::new(&analyze).arg("verify").arg(&path));
            let noise = format!("{}{}", text(&out.stdout), text(&out.stderr));
            assert!(
                out.status.success() && noise.trim().is_empty(),
                "{file}: systemd-analyze verify:\n{noise}"
            );

            let out = run(Command::new(&analyze)
                .args(["security", "--offline=true"])
                .arg(&path));
            let report = text(&out.stdout);
            let overall = report
                .lines()
                .find(|l| l.contains("Overall exposure level"))
                .unwrap_or_else(|| {
                    panic!(
                        "{file}: no overall exposure in:\n{report}{}",
                        text(&out.stderr)
                    )
                });
            let score: f64 = overall
                .split(": ")
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{file}: cannot read the score in {overall:?}"));
            assert!(
                score <= EXPOSURE_TARGET,
                "{file}: exposure {score} above {EXPOSURE_TARGET}:\n{report}"
            );
            eprintln!("{file}: {name} exposure {score}");
        }
    }
}

#[test]
fn visudo_accepts_every_sudoers_file() {
    let visudo = require("visudo");
    for file in valid_fixtures() {
        let spec = load(&file);
        let artifacts = render_spec(&spec);
        let rules = artifact(&artifacts, ArtifactKind::Sudoers).unwrap();
        assert_eq!(rules.mode, 0o440);
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), rules);
        let out = run(Command::new(&visudo).arg("-cf").arg(&path));
        assert!(
            out.status.success(),
            "{file}: visudo -cf: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        // Exactly the commands the script runs as root, for the service user only.
        let script = &artifact(&artifacts, ArtifactKind::DeployScript)
            .unwrap()
            .content;
        for line in rules.content.lines().filter(|l| !l.starts_with('#')) {
            let (who, cmd) = line.split_once(" ALL=(root) NOPASSWD: ").unwrap();
            assert_eq!(who, spec.service.user, "{file}: {line}");
            assert!(!cmd.contains('*'), "{file}: a wildcard in {line}");
            let verb = cmd.split_whitespace().nth(1).unwrap_or("");
            assert!(
                script.contains(verb),
                "{file}: sudoers allows `{cmd}`, which the script never runs"
            );
        }
    }
}

#[test]
fn node_loads_every_ecosystem_file_as_described() {
    let node = require("node");
    for file in valid_fixtures() {
        let spec = load(&file);
        let artifacts = render_spec(&spec);
        let Some(eco) = artifact(&artifacts, ArtifactKind::Pm2Ecosystem) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), eco);
        let out = run(Command::new(&node).arg("--check").arg(&path));
        assert!(
            out.status.success(),
            "{file}: node --check: {}",
            text(&out.stderr)
        );
        let out = run(Command::new(&node)
            .arg("-e")
            .arg("process.stdout.write(JSON.stringify(require(process.argv[1])))")
            .arg(&path));
        assert!(
            out.status.success(),
            "{file}: node could not load it: {}",
            text(&out.stderr)
        );
        let loaded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let apps = loaded["apps"].as_array().expect("apps array");
        assert_eq!(apps.len(), 2, "{file}: a blue and a green slot");
        let s = &spec.service;
        let app_dir = s.app_dir.trim_end_matches('/');
        for (app, (colour, ports)) in apps
            .iter()
            .zip(["blue", "green"].iter().zip(s.slot_ports()))
        {
            assert_eq!(app["name"], format!("{}-{colour}", s.name).as_str());
            assert_eq!(app["script"], s.entry.as_str());
            assert_eq!(app["cwd"], format!("{app_dir}/{colour}").as_str());
            assert_eq!(app["interpreter"], s.node.path.as_str());
            assert_eq!(app["exec_mode"], "cluster");
            // One destination per line: the journal, through pm2-runtime.
            assert_eq!(app["out_file"], "/dev/null", "{file}");
            assert_eq!(app["error_file"], "/dev/null", "{file}");
            assert_eq!(app["instances"], s.host.supervisor.instances);
            let kill = app["kill_timeout"].as_u64().unwrap();
            assert!(
                kill > s.shutdown.drain.millis(),
                "{file}: kill_timeout {kill} must exceed the drain"
            );
            assert_eq!(kill, s.shutdown.drain.millis() + s.shutdown.margin.millis());
            assert_eq!(
                app["listen_timeout"].as_u64().unwrap(),
                s.host.supervisor.listen_timeout.millis()
            );
            match s.host.supervisor.memory_limit {
                Some(m) => assert_eq!(app["max_memory_restart"], m.to_string().as_str()),
                None => assert!(app.get("max_memory_restart").is_none()),
            }
            let env = app["env"].as_object().unwrap();
            assert_eq!(env["PORT"], ports[0].to_string().as_str());
            for (k, v) in &s.environment {
                assert_eq!(
                    env[k.as_str()],
                    v.as_text().as_str(),
                    "{file}: env {k} must round-trip exactly"
                );
            }
        }
        let kill = apps[0]["kill_timeout"].as_u64().unwrap();
        // Secrets are referenced by the unit, never copied here.
        if let Some(f) = &s.env_file {
            assert!(
                !eco.content.contains(f.as_str()),
                "{file}: secrets file named in ecosystem"
            );
        }
        // The unit runs pm2-runtime with this file and allows PM2 longer than the drain.
        let unit = &artifact(&artifacts, ArtifactKind::SystemdUnit)
            .unwrap()
            .content;
        assert!(
            unit.contains(&format!(
                "; exec {} start {} --only {}-",
                s.host.supervisor.pm2_runtime,
                eco.install_path.as_deref().unwrap().display(),
                s.name
            )),
            "{unit}"
        );
        let stop: u64 = unit
            .lines()
            .find_map(|l| l.strip_prefix("TimeoutStopSec="))
            .and_then(|v| v.trim_end_matches('s').parse().ok())
            .unwrap();
        assert!(
            stop * 1000 > kill,
            "{file}: TimeoutStopSec {stop}s must exceed kill_timeout {kill}ms"
        );
    }
}

/// A rendered bash script passes `bash -n` and shellcheck (style and up) with no
/// finding.
fn bash_and_shellcheck(file: &str, script: &svcgen::render::Artifact) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), script);
    let out = run(Command::new(require("bash")).arg("-n").arg(&path));
    assert!(
        out.status.success(),
        "{file}: bash -n: {}",
        text(&out.stderr)
    );
    let out = run(Command::new(require("shellcheck"))
        .args(["--shell=bash", "--severity=style"])
        .arg(&path));
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "{file}: {}: shellcheck findings:\n{}",
        script.file_name,
        text(&out.stdout)
    );
}

#[test]
fn deploy_scripts_pass_bash_and_shellcheck() {
    for file in valid_fixtures() {
        let artifacts = render_spec(&load(&file));
        let script = artifact(&artifacts, ArtifactKind::DeployScript).unwrap();
        bash_and_shellcheck(&file, script);
        let c = &script.content;
        assert!(c.contains("set -Eeuo pipefail"));
        assert!(c.contains("curl -fsS --max-time"));
        assert!(c.contains("rollback will NOT undo") && c.contains("NOT rolled back"));
    }
}

/// The env file's check (a description with `env_required`) passes bash -n and
/// shellcheck, and the sudoers rules grant it with no arguments.
#[test]
fn env_checks_pass_bash_and_shellcheck() {
    let mut checked = 0;
    for file in valid_fixtures() {
        let artifacts = render_spec(&load(&file));
        let Some(check) = artifact(&artifacts, ArtifactKind("env-check")) else {
            continue;
        };
        bash_and_shellcheck(&file, check);
        let installed = check.install_path.as_ref().unwrap().display().to_string();
        assert!(
            installed.starts_with("/usr/local/sbin/svcgen-"),
            "{installed}"
        );
        let sudoers = &artifact(&artifacts, ArtifactKind::Sudoers).unwrap().content;
        assert!(
            sudoers.contains(&format!(" NOPASSWD: {installed} \"\"\n")),
            "{file}: sudoers grants {installed} with no arguments:\n{sudoers}"
        );
        checked += 1;
    }
    assert!(
        checked >= 1,
        "an example requires variables from its env file"
    );
}

/// Certificates from day one: every example's first-stage site loads (with the
/// host's catch-all, and no certificate anywhere) and answers an ACME challenge on
/// loopback and nothing else; its certbot command names every domain; the renewal
/// hook passes sh -n and shellcheck and runs the description's own nginx commands.
#[test]
fn first_stage_sites_serve_the_challenge_before_any_certificate() {
    let nginx = require("nginx");
    let shellcheck = require("shellcheck");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("sites")).unwrap();
    std::fs::create_dir_all(d.join("logs")).unwrap();
    let acme = d.join("acme");
    std::fs::create_dir_all(acme.join(".well-known/acme-challenge")).unwrap();
    std::fs::write(
        acme.join(".well-known/acme-challenge/tok3n"),
        "tok3n.thumbprint",
    )
    .unwrap();
    let port = free_port();
    let mut on_host = Vec::new();
    let mut certbot = 0;
    for file in valid_fixtures() {
        let mut spec = load(&file);
        // The first stage names no certificate (asserted below), so whether the
        // example's certificate exists on this host does not matter.
        let s = &mut spec.service;
        s.site.listen.http = port;
        s.site.listen.address = Some("127.0.0.1".parse().unwrap());
        s.site.acme_root = acme.display().to_string().try_into().unwrap();
        logs_into(s, d);
        let artifacts = render_spec(&spec);
        let Some(first) = artifact(&artifacts, ArtifactKind("nginx-acme-site")) else {
            // Mounted on another's site, whose first stage serves its domains.
            assert!(
                spec.service.site.mounted_on.is_some(),
                "{file}: no first stage"
            );
            continue;
        };
        assert!(!first.content.contains("ssl_certificate"), "{file}");
        let s = &spec.service;
        if s.site.tls.certificate.starts_with("/etc/letsencrypt/live/") {
            let domains: String = s.site.domains.iter().map(|d| format!(" -d {d}")).collect();
            assert!(
                first
                    .content
                    .contains(&format!("certbot certonly --webroot -w {}", acme.display()))
                    && first.content.contains(&domains),
                "{file}: the certbot command names the webroot and{domains}"
            );
            certbot += 1;
        }
        write(&d.join("sites"), first);
        on_host.push(spec);
    }
    assert!(
        certbot >= 4,
        "examples with certbot certificates: {certbot}"
    );
    let env = render::environment(None).unwrap();
    let refs: Vec<&LoadedSpec> = on_host.iter().collect();
    let set = render::render_set(&refs, &env).unwrap();
    write(
        &d.join("sites"),
        artifact(&set[0], ArtifactKind("nginx-catch-all")).unwrap(),
    );
    let out = nginx_test(&nginx, d, &d.join("sites/*.conf"));
    assert!(
        out.status.success(),
        "nginx -t refused the first-stage sites:\n{}",
        text(&out.stderr)
    );

    // Served for real: the challenge file, and nothing else.
    let conf = d.join("nginx.conf");
    let started = run(Command::new(&nginx).arg("-p").arg(d).arg("-c").arg(&conf));
    assert!(started.status.success(), "nginx: {}", text(&started.stderr));
    let get = |host: &str, path: &str| {
        let out = run(Command::new(require("curl"))
            .args(["-s", "--max-time", "5", "-w", "\n%{http_code}", "-H"])
            .arg(format!("Host: {host}"))
            .arg(format!("http://127.0.0.1:{port}{path}")));
        text(&out.stdout)
    };
    let challenge = get("shop.example.com", "/.well-known/acme-challenge/tok3n");
    let other = get("shop.example.com", "/");
    let unknown = get("evil.example", "/.well-known/acme-challenge/tok3n");
    let _ = run(Command::new(&nginx)
        .arg("-p")
        .arg(d)
        .arg("-c")
        .arg(&conf)
        .args(["-s", "stop"]));
    assert_eq!(challenge, "tok3n.thumbprint\n200");
    assert!(other.ends_with("\n404"), "{other}");
    assert!(unknown.ends_with("000"), "unknown Host answered: {unknown}");
    println!("first stage: challenge 200, / 404, unknown Host closed, no certificate on disk");

    // The renewal hook: one for the host.
    let hooks: Vec<_> = set[0]
        .iter()
        .filter(|a| a.kind == ArtifactKind("certbot-renewal-hook"))
        .collect();
    assert_eq!(hooks.len(), 1);
    let hook = write(d, hooks[0]);
    let out = run(Command::new("sh").arg("-n").arg(&hook));
    assert!(out.status.success(), "sh -n: {}", text(&out.stderr));
    let out = run(Command::new(&shellcheck)
        .args(["--severity=style"])
        .arg(&hook));
    assert!(out.status.success(), "shellcheck:\n{}", text(&out.stdout));
    assert!(
        hooks[0]
            .content
            .ends_with("set -eu\n/usr/sbin/nginx -t -q\n/usr/bin/systemctl reload nginx.service\n")
    );
}

fn gixy_counts(gixy: &Path, site: &Path, dir: &Path) -> (u32, u32, String) {
    let conf = dir.join("gixy-nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "events {{}}\nhttp {{\n    include {};\n}}\n",
            site.display()
        ),
    )
    .unwrap();
    let out = run(Command::new(gixy).arg(&conf));
    let report = text(&out.stdout);
    let count = |level: &str| -> u32 {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{level}:")))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "no `{level}:` count in gixy's report:\n{report}{}",
                    text(&out.stderr)
                )
            })
    };
    (count("Medium"), count("High"), report)
}

#[test]
fn gixy_finds_nothing_medium_or_high() {
    let gixy = require("gixy");
    let dir = tempfile::tempdir().unwrap();
    // gixy must be able to fail here: a site that drops HSTS in a location.
    let bad = dir.path().join("bad.conf");
    std::fs::write(
        &bad,
        "server {\n  listen 80;\n  add_header Strict-Transport-Security \"max-age=63072000\" always;\n  location / {\n    add_header X-Test 1;\n    proxy_pass http://127.0.0.1:3000;\n    proxy_set_header Host $http_host;\n  }\n}\n",
    )
    .unwrap();
    let (m, h, report) = gixy_counts(&gixy, &bad, dir.path());
    assert!(m + h > 0, "gixy should flag the known-bad site:\n{report}");

    write_locations(dir.path());
    for file in valid_fixtures() {
        let spec = load(&file);
        let artifacts = render_spec(&spec);
        let site = write(
            dir.path(),
            &with_live_upstream(
                artifact(&artifacts, ArtifactKind::NginxSite).unwrap(),
                &spec,
                dir.path(),
            ),
        );
        let (m, h, report) = gixy_counts(&gixy, &site, dir.path());
        assert_eq!((m, h), (0, 0), "{file}: gixy:\n{report}");
        // The host's catch-all, as this description alone renders it.
        let catch_all = artifacts
            .iter()
            .find(|a| a.kind == ArtifactKind("nginx-catch-all"))
            .unwrap();
        let catch_all = write(dir.path(), catch_all);
        let (m, h, report) = gixy_counts(&gixy, &catch_all, dir.path());
        assert_eq!((m, h), (0, 0), "{file}: the catch-all: gixy:\n{report}");
    }
}

/// gixy plugin → the svcgen codes that cover the same hazard.
const GIXY_OVERLAP: &[(&str, &str)] = &[
    ("add_header_redefinition", "NG006"),
    ("alias_traversal", "NG012"),
    ("host_spoofing", "NG013"),
    ("version_disclosure", "NG007"),
    ("hsts_header", "NG003"),
    ("weak_ssl_tls", "NG001,NG002"),
    ("ssl_stapling_letsencrypt", "NG015"),
    ("ssl_stapling_without_resolver", "NG015"),
];

#[test]
fn svcgen_and_gixy_agree_on_gixy_style_cases() {
    let gixy = require("gixy");
    let dir = tempfile::tempdir().unwrap();
    let mut cases = 0;
    for (plugin, codes) in GIXY_OVERLAP {
        let case_dir = root().join("fixtures/gixy-agreement").join(plugin);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&case_dir)
            .unwrap_or_else(|_| panic!("no cases for {plugin}"))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(
            files
                .iter()
                .any(|f| f.to_string_lossy().ends_with("_fp.conf")),
            "{plugin}: needs a _fp case"
        );
        for f in files {
            let body = read(&f);
            // gixy reads a whole nginx.conf; the cases are http-level or http blocks.
            let conf = dir.path().join("nginx.conf");
            if body.trim_start().starts_with("http") {
                std::fs::write(&conf, format!("events {{}}\n{body}")).unwrap();
            } else {
                std::fs::write(&conf, format!("events {{}}\nhttp {{\n{body}\n}}\n")).unwrap();
            }
            let out = run(Command::new(&gixy)
                .args(["--tests", plugin, "-f", "json"])
                .arg(&conf));
            let issues: serde_json::Value =
                serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                    panic!("gixy JSON for {}: {e}: {}", f.display(), text(&out.stderr))
                });
            let gixy_flags = !issues.as_array().unwrap().is_empty();
            let rel = f
                .strip_prefix(root())
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let out = svcgen(&[
                "lint",
                "--format",
                "json",
                "--nginx-version",
                "1.27.0",
                "--select",
                codes,
                &rel,
            ]);
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let svcgen_flags = !v["diagnostics"].as_array().unwrap().is_empty();
            let expected = !rel.ends_with("_fp.conf");
            assert_eq!(
                gixy_flags, expected,
                "{rel}: gixy {plugin} disagrees with the case's name"
            );
            assert_eq!(
                svcgen_flags, expected,
                "{rel}: svcgen {codes} disagrees with gixy {plugin}: {v}"
            );
            cases += 1;
        }
    }
    eprintln!("svcgen and gixy agree on {cases} cases");
    assert!(cases >= 25);
}

/// What sudo itself allows the deploy user, for every example: the real `sudo -l
/// -U USER` lists exactly the rendered commands, allows each with its exact
/// arguments, and refuses the same program with other arguments (nginx with a
/// configuration of the user's, systemctl on another unit) and any other program.
/// sudo reads the rendered rules as /etc/sudoers inside a mount namespace of the
/// test's own (bind mounts over /etc/passwd, /etc/group, /etc/sudoers and an empty
/// /etc/sudoers.d), so the host's files are never read or changed.
#[test]
fn sudo_grants_exactly_the_rendered_commands() {
    let sudo = require("sudo");
    let unshare = require("unshare");
    for file in valid_fixtures() {
        let spec = load(&file);
        let user = &spec.service.user;
        let artifacts = render_spec(&spec);
        let rules = artifact(&artifacts, ArtifactKind::Sudoers).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("passwd"),
            format!(
                "root:x:0:0:root:/root:/bin/sh\n{user}:x:990:990::/nonexistent:/usr/sbin/nologin\n"
            ),
        )
        .unwrap();
        std::fs::write(d.join("group"), format!("root:x:0:\n{user}:x:990:\n")).unwrap();
        let sudoers = d.join("sudoers");
        std::fs::write(&sudoers, &rules.content).unwrap();
        std::fs::set_permissions(&sudoers, std::fs::Permissions::from_mode(0o440)).unwrap();
        std::fs::create_dir(d.join("sudoers.d")).unwrap();
        let granted: Vec<String> = rules
            .content
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split_once(" NOPASSWD: ").unwrap().1.to_string())
            .collect();
        let nginx = &spec.service.deploy.nginx_test[0];
        let refused = [
            format!("{nginx} -t -q -c /srv/{user}/evil.conf"),
            format!("{nginx} -c /srv/{user}/evil.conf"),
            nginx.to_string(),
            "/usr/bin/systemctl reload ssh.service".to_string(),
            "/usr/bin/systemctl start hello-blue@3000.service --no-block".to_string(),
            "/usr/bin/id".to_string(),
            "/bin/sh -c id".to_string(),
            "sudoedit /etc/shadow".to_string(),
        ];
        let mut script = format!(
            "set -u\nfor f in passwd group sudoers; do mount --bind {d}/$f /etc/$f; done\nmount --bind {d}/sudoers.d /etc/sudoers.d\n",
            d = d.display(),
        );
        // sudo matches a program that exists: the env file's check (installed by
        // `render --write`) is made, empty, on a tmpfs of this namespace only.
        let installed: Vec<&str> = granted
            .iter()
            .filter_map(|c| c.strip_suffix(" \"\""))
            .filter(|c| c.starts_with("/usr/local/sbin/"))
            .collect();
        if !installed.is_empty() {
            script.push_str("mount -t tmpfs tmpfs /usr/local/sbin\n");
            for p in &installed {
                script.push_str(&format!("install -m 0755 /dev/null {p}\n"));
            }
        }
        script.push_str(&format!(
            "echo '--- list'\n{sudo} -n -l -U {user}\n",
            sudo = sudo.display()
        ));
        // A rule with no arguments (`PROGRAM ""`) allows the program run bare, and
        // only that.
        let runs: Vec<String> = granted
            .iter()
            .map(|c| c.strip_suffix(" \"\"").unwrap_or(c).to_string())
            .collect();
        let mut refused = refused.to_vec();
        refused.extend(
            granted
                .iter()
                .filter_map(|c| c.strip_suffix(" \"\""))
                .map(|c| format!("{c} --help")),
        );
        for (verdict, cmds) in [("allowed", &runs), ("refused", &refused)] {
            for c in cmds.iter() {
                script.push_str(&format!(
                    "if {sudo} -n -l -U {user} {c} >/dev/null 2>&1; then echo 'allowed: {c}'; else echo 'refused: {c}'; fi\n# expect {verdict}\n",
                    sudo = sudo.display()
                ));
            }
        }
        let out = run(Command::new(&unshare)
            .args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg(&script));
        let said = text(&out.stdout);
        assert!(out.status.success(), "{file}: {said}{}", text(&out.stderr));
        // The list: exactly the rendered commands, as root, without a password.
        let listed: Vec<&str> = said
            .lines()
            .skip_while(|l| !l.starts_with("--- list"))
            .filter_map(|l| l.trim().strip_prefix("(root) NOPASSWD: "))
            .collect();
        // sudo -l prints each command as sudoers spells it, escapes included.
        assert_eq!(listed, granted, "{file}: sudo -l lists:\n{said}");
        for c in &runs {
            assert!(
                said.contains(&format!("allowed: {c}\n")),
                "{file}: {c}\n{said}"
            );
        }
        for c in &refused {
            assert!(
                said.contains(&format!("refused: {c}\n")),
                "{file}: {c}\n{said}"
            );
        }
    }
    println!(
        "sudo -l -U: every example's rules allow exactly the rendered commands and refuse other arguments and programs"
    );
}

/// svcgen's sudoers reader agrees with visudo on the rule fixtures: the files it
/// cannot parse (SU000) are the ones visudo refuses, and every other fixture
/// (the dangerous ones included: they are valid sudoers) parses for visudo.
#[test]
fn visudo_agrees_with_the_sudoers_fixtures() {
    let visudo = require("visudo");
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("fixtures/lint")).unwrap() {
        let dir = entry.unwrap().path();
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !code.starts_with("SU") {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_none_or(|x| x != "sudoers") {
                continue;
            }
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let out = run(Command::new(&visudo).arg("-cf").arg(&f));
            let refused_by_svcgen = code == "SU000" && name.starts_with("bad-");
            assert_eq!(
                !out.status.success(),
                refused_by_svcgen,
                "{code}/{name}: visudo -cf says {}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 16, "{checked} sudoers fixtures");
}

/// systemd reads `EnvironmentFile=` as root (PID 1), through any link: no unit
/// of any example names a file inside its app directory, where the deploy user
/// could put a link to another service's secrets.
#[test]
fn units_read_no_environment_file_the_deploy_user_controls() {
    let mut units = 0;
    for file in valid_fixtures() {
        let spec = load(&file);
        let app_dir = spec.service.app_dir.trim_end_matches('/').to_string();
        for a in render_spec(&spec)
            .iter()
            .filter(|a| a.kind == ArtifactKind::SystemdUnit)
        {
            units += 1;
            for line in a.content.lines() {
                if let Some(path) = line.strip_prefix("EnvironmentFile=") {
                    let path = path.trim_start_matches('-');
                    assert!(
                        !spec::trust::is_within(path, &app_dir),
                        "{file}: {} reads {path} as root, inside {app_dir}",
                        a.file_name
                    );
                }
            }
        }
    }
    assert!(units >= 8, "{units} units");
}

/// The AppArmor profile (`host.hardening.apparmor`): the real `apparmor_parser
/// -QT -K` parses and compiles every example's profile without loading it (this
/// machine's kernel has no AppArmor, so enforcement cannot be shown here), and
/// refuses a broken one naming its line; the paths the profile lets the app write
/// are exactly the ones the unit's sandbox makes writable (ReadWritePaths=,
/// LogsDirectory=, StateDirectory=, PrivateTmp's /tmp and /var/tmp).
#[test]
fn apparmor_profiles_compile_and_allow_what_the_unit_allows() {
    let parser = require("apparmor_parser");
    let mut profiles = 0;
    for file in valid_fixtures() {
        let artifacts = render_spec(&load(&file));
        let Some(profile) = artifact(&artifacts, ArtifactKind("apparmor-profile")) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), profile);
        let out = run(Command::new(&parser).args(["-QT", "-K"]).arg(&path));
        assert!(
            out.status.success(),
            "{file}: apparmor_parser -QT -K refuses the profile:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert_eq!(
            profile.install_path.as_ref().unwrap().parent().unwrap(),
            Path::new("/etc/apparmor.d")
        );
        // Every unit names the profile.
        let name = profile
            .content
            .lines()
            .find_map(|l| l.strip_prefix("profile "))
            .and_then(|l| l.split_whitespace().next())
            .expect("a profile line")
            .to_string();
        let units: Vec<&svcgen::render::Artifact> = artifacts
            .iter()
            .filter(|a| a.kind == ArtifactKind::SystemdUnit)
            .collect();
        assert!(!units.is_empty());
        let mut unit_writes: Vec<String> = vec!["/tmp".into(), "/var/tmp".into()];
        for u in &units {
            assert!(
                u.content.contains(&format!("\nAppArmorProfile={name}\n")),
                "{file}: {} names the profile",
                u.file_name
            );
            assert!(u.content.contains("\nPrivateTmp=yes\n"));
            for l in u.content.lines() {
                if let Some(v) = l.strip_prefix("ReadWritePaths=") {
                    unit_writes.extend(v.split_whitespace().map(str::to_string));
                } else if let Some(v) = l.strip_prefix("LogsDirectory=") {
                    unit_writes.push(format!("/var/log/{v}"));
                } else if let Some(v) = l.strip_prefix("StateDirectory=") {
                    unit_writes.push(format!("/var/lib/{v}"));
                }
            }
        }
        unit_writes.sort();
        unit_writes.dedup();
        // Each rule with `w` in its permissions, as the directory it covers.
        let mut profile_writes: Vec<String> = profile
            .content
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let l = l.strip_prefix("owner ").unwrap_or(l);
                let (path, perms) = l.trim_end_matches(',').rsplit_once(' ')?;
                let writes =
                    (path.starts_with('/') || path.starts_with('"')) && perms.contains('w');
                writes.then(|| {
                    path.trim_matches('"')
                        .trim_end_matches("/**")
                        .trim_end_matches('/')
                        .to_string()
                })
            })
            .collect();
        profile_writes.sort();
        profile_writes.dedup();
        assert_eq!(
            profile_writes, unit_writes,
            "{file}: the profile's writable paths are the unit's"
        );
        profiles += 1;
        eprintln!(
            "{file}: {name} compiles; writes {}",
            profile_writes.join(" ")
        );
    }
    assert!(profiles >= 2, "examples with AppArmor: {profiles}");

    // A broken profile is refused, with its line.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    std::fs::write(
        &broken,
        "abi <abi/3.0>,\ninclude <tunables/global>\nprofile broken {\n  /etc/hosts rz,\n}\n",
    )
    .unwrap();
    let out = run(Command::new(&parser).args(["-QT", "-K"]).arg(&broken));
    let said = text(&out.stderr);
    assert!(
        !out.status.success(),
        "apparmor_parser passed a broken profile"
    );
    assert!(said.contains("line 4"), "{said}");
}
