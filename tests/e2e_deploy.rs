//! End to end: the rendered files run a real app under PM2 behind real nginx on
//! loopback. Deploys v1, proves streaming is unbuffered, deploys v2 under load with
//! zero failed requests, then deploys a broken v3 and watches it roll back to v2.
//!
//! Needs nginx, node, npm, pm2, git, curl and openssl (installed by scripts/test.sh).
//! Run alone: `cargo test --test e2e_deploy -- --nocapture`.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::*;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn sh(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Stops PM2 and nginx and removes the temporary directory, also on panic.
struct Stack {
    tmp: Option<tempfile::TempDir>,
    pm2_runtime: Option<Child>,
    pm2: PathBuf,
    nginx: PathBuf,
}

impl Stack {
    fn dir(&self) -> &Path {
        self.tmp.as_ref().unwrap().path()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let d = self.dir().to_path_buf();
        if let Some(mut child) = self.pm2_runtime.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(15);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = Command::new(&self.pm2)
            .arg("kill")
            .env("PM2_HOME", d.join("pm2"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = Command::new(&self.nginx)
            .arg("-p")
            .arg(&d)
            .arg("-c")
            .arg(d.join("nginx.conf"))
            .args(["-s", "stop"])
            .stderr(Stdio::null())
            .status();
        if let Some(tmp) = self.tmp.take() {
            let _ = tmp.close();
        }
    }
}

/// One HTTPS request through nginx: (status, body).
fn get(https_port: u16, path: &str) -> (u16, String) {
    let out = run(Command::new("curl")
        .args(["-sk", "--max-time", "10", "-w", "\n%{http_code}"])
        .arg(format!("https://localhost:{https_port}{path}"))
        .args(["--resolve", &format!("localhost:{https_port}:127.0.0.1")]));
    let body = text(&out.stdout);
    let (body, code) = body.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

fn wait_for_version(https_port: u16, version: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let (code, body) = get(https_port, "/health");
        if code == 200 && body.contains(&format!("\"version\":\"{version}\"")) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "health through nginx never reported {version}: last {code} {body}"
        );
        thread::sleep(Duration::from_millis(200));
    }
}

fn run_deploy(stack: &Stack, user_env: &[(&str, &str)]) -> (bool, String, Duration) {
    let d = stack.dir();
    let start = Instant::now();
    let mut cmd = Command::new("bash");
    cmd.arg(d.join("etc/deploy.sh"));
    for (k, v) in user_env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    let log = format!("{}{}", text(&out.stdout), text(&out.stderr));
    (out.status.success(), log, start.elapsed())
}

#[test]
fn rendered_stack_deploys_reloads_without_errors_and_rolls_back() {
    let total = Instant::now();
    let nginx = require("nginx");
    let pm2_runtime = require("pm2-runtime");
    let pm2 = require("pm2");
    for tool in ["node", "npm", "git", "curl", "openssl"] {
        require(tool);
    }
    let tmp = tempfile::Builder::new()
        .prefix("svcgen-e2e")
        .tempdir()
        .unwrap();
    let mut stack = Stack {
        tmp: Some(tmp),
        pm2_runtime: None,
        pm2: pm2.clone(),
        nginx: nginx.clone(),
    };
    let d = stack.dir().to_path_buf();
    // nginx's workers run as an unprivileged user and must reach the static files.
    sh(Command::new("chmod").arg("755").arg(&d));
    for sub in ["tls", "nginx", "acme", "logs", "etc"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }

    // 1. The app's origin: a bare repository with v1.
    let work = d.join("work");
    copy_dir(&root().join("fixtures/e2e-app"), &work);
    git(
        &d,
        &[
            "init",
            "--quiet",
            "--bare",
            "--initial-branch=main",
            "origin.git",
        ],
    );
    git(&work, &["init", "--quiet", "--initial-branch=main"]);
    git(&work, &["add", "."]);
    git(&work, &["commit", "--quiet", "-m", "v1"]);
    git(
        &work,
        &[
            "remote",
            "add",
            "origin",
            d.join("origin.git").to_str().unwrap(),
        ],
    );
    git(&work, &["push", "--quiet", "origin", "main"]);

    // The description, rendered by svcgen.
    let user = sh(Command::new("id").arg("-un")).trim().to_string();
    let (app_port, http_port, https_port) = (free_port(), free_port(), free_port());
    let yaml = read(&root().join("fixtures/e2e/service.yaml.in"))
        .replace("@TMP@", d.to_str().unwrap())
        .replace("@USER@", &user)
        .replace("@APP_PORT@", &app_port.to_string())
        .replace("@HTTP_PORT@", &http_port.to_string())
        .replace("@HTTPS_PORT@", &https_port.to_string())
        .replace("@PM2_RUNTIME@", pm2_runtime.to_str().unwrap())
        .replace("@PM2@", pm2.to_str().unwrap());
    std::fs::write(d.join("service.yaml"), yaml).unwrap();
    let out = svcgen(&[
        "render",
        d.join("service.yaml").to_str().unwrap(),
        "--out",
        d.join("etc").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "render: {}", text(&out.stderr));

    // TLS for the test, and nginx.conf around the include-ready site.
    sh(Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .arg("-keyout")
        .arg(d.join("tls/key.pem"))
        .arg("-out")
        .arg(d.join("tls/cert.pem")));
    std::fs::write(
        d.join("nginx.conf"),
        format!(
            "pid {d}/nginx/nginx.pid;\nerror_log {d}/nginx/error.log;\nevents {{ worker_connections 1024; }}\nhttp {{\n    include /etc/nginx/mime.types;\n    client_body_temp_path {d}/nginx/body;\n    proxy_temp_path {d}/nginx/proxy;\n    include {d}/etc/e2e-app.conf;\n}}\n",
            d = d.display()
        ),
    )
    .unwrap();

    // 3. Deploy v1 (first deploy: clone, install, build, migrate), then start PM2
    // the way the rendered unit does.
    let (ok, log, _) = run_deploy(&stack, &[]);
    assert!(ok, "first deploy failed:\n{log}");
    let unit = read(&d.join("etc/e2e-app.service"));
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("ExecStart");
    let mut parts = exec.split(' ');
    let mut runtime = Command::new(parts.next().unwrap());
    runtime.args(parts);
    for line in unit.lines().filter_map(|l| l.strip_prefix("Environment=")) {
        let (k, v) = line.trim_matches('"').split_once('=').unwrap();
        runtime.env(k, v);
    }
    runtime
        .current_dir(d.join("app"))
        .stdout(std::fs::File::create(d.join("logs/pm2-runtime.log")).unwrap())
        .stderr(Stdio::null());
    stack.pm2_runtime = Some(runtime.spawn().expect("pm2-runtime starts"));
    sh(Command::new(&nginx)
        .arg("-p")
        .arg(&d)
        .arg("-c")
        .arg(d.join("nginx.conf")));
    let v1_up = wait_for_version(https_port, "v1", Duration::from_secs(30));
    eprintln!("v1 healthy through nginx over HTTPS after {v1_up:?}");
    let (code, body) = get(https_port, "/static/hello.txt");
    assert_eq!(
        (code, body.trim()),
        (200, "static asset v1"),
        "static route"
    );
    let out = run(Command::new("curl")
        .args([
            "-skI",
            "--resolve",
            &format!("localhost:{https_port}:127.0.0.1"),
        ])
        .arg(format!("https://localhost:{https_port}/")));
    let headers = text(&out.stdout).to_lowercase();
    for h in [
        "strict-transport-security",
        "x-content-type-options",
        "content-security-policy",
    ] {
        assert!(headers.contains(h), "missing {h} in\n{headers}");
    }
    assert!(
        !headers.contains("x-powered-by"),
        "the app's X-Powered-By must be hidden"
    );
    let out = run(Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{redirect_url}",
        ])
        .arg(format!("http://127.0.0.1:{http_port}/x?y=1"))
        .args(["-H", "Host: localhost"]));
    assert_eq!(
        text(&out.stdout),
        format!("301 https://localhost:{https_port}/x?y=1"),
        "plain HTTP redirects to HTTPS"
    );

    // 4. Streaming: the first event arrives long before the stream ends.
    let started = Instant::now();
    let mut sse = Command::new("curl")
        .args([
            "-skN",
            "--resolve",
            &format!("localhost:{https_port}:127.0.0.1"),
        ])
        .arg(format!(
            "https://localhost:{https_port}/events/?count=5&every=700"
        ))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(sse.stdout.take().unwrap()).lines();
    let mut first_event = None;
    let mut events = 0;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("data: ") {
            events += 1;
            first_event.get_or_insert(started.elapsed());
        }
    }
    let stream_end = started.elapsed();
    sse.wait().unwrap();
    let first_event = first_event.expect("no SSE event arrived");
    assert_eq!(events, 5);
    assert!(
        first_event < Duration::from_millis(1500) && first_event * 2 < stream_end,
        "first event after {first_event:?} of a {stream_end:?} stream: nginx is buffering"
    );
    eprintln!("SSE: first event after {first_event:?}, stream ended after {stream_end:?}");

    // 5. Zero downtime: v2 deploys while clients hammer nginx.
    std::fs::write(work.join("VERSION"), "v2\n").unwrap();
    git(&work, &["commit", "--quiet", "-am", "v2"]);
    git(&work, &["push", "--quiet", "origin", "main"]);
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for _ in 0..3 {
        let (stop, sent, failed) = (stop.clone(), sent.clone(), failed.clone());
        clients.push(thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                // One curl, 25 requests over kept-alive connections.
                let mut cmd = Command::new("curl");
                cmd.args([
                    "-sk",
                    "--max-time",
                    "20",
                    "-w",
                    "%{http_code} %{errormsg}\n",
                ])
                .args(["--resolve", &format!("localhost:{https_port}:127.0.0.1")]);
                for _ in 0..25 {
                    cmd.args(["-o", "/dev/null"])
                        .arg(format!("https://localhost:{https_port}/"));
                }
                let out = cmd.output().unwrap();
                for code in text(&out.stdout).lines() {
                    sent.fetch_add(1, Ordering::Relaxed);
                    if !code.starts_with('2') {
                        failed.fetch_add(1, Ordering::Relaxed);
                        eprintln!("request failed during reload: {code}");
                    }
                }
            }
        }));
    }
    let slow = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        get(https_port, "/slow?ms=3000")
    });
    thread::sleep(Duration::from_millis(400));
    let (ok, log, reload_time) = run_deploy(&stack, &[]);
    let (slow_code, slow_body) = slow.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    assert!(ok, "deploy of v2 failed:\n{log}");
    let (sent, failed) = (sent.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    eprintln!(
        "zero-downtime deploy of v2: {sent} requests, {failed} failed, deploy took {reload_time:?}"
    );
    assert!(sent >= 100, "the load generator sent only {sent} requests");
    if failed > 0 {
        let access = std::fs::read_to_string(d.join("nginx/access.log")).unwrap_or_default();
        let bad: Vec<&str> = access
            .lines()
            .filter(|l| !l.contains("\"status\":2"))
            .collect();
        panic!(
            "{failed} of {sent} requests failed during the reload:\n{log}\nnginx error log:\n{}\nnon-2xx access log lines:\n{}",
            std::fs::read_to_string(d.join("nginx/error.log")).unwrap_or_default(),
            bad.join("\n")
        );
    }
    assert_eq!(
        slow_code, 200,
        "the slow request in flight during the reload: {slow_body}"
    );
    wait_for_version(https_port, "v2", Duration::from_secs(5));
    let migrations = read(&d.join("migrations.log"));
    assert!(migrations.contains("migrated for v2"), "{migrations}");

    // 6. Rollback: v3 fails its health check.
    std::fs::write(work.join("VERSION"), "v3\n").unwrap();
    std::fs::write(work.join("BROKEN"), "health answers 503\n").unwrap();
    git(&work, &["add", "."]);
    git(&work, &["commit", "--quiet", "-m", "v3 (broken)"]);
    git(&work, &["push", "--quiet", "origin", "main"]);
    let (ok, log, rollback_time) = run_deploy(&stack, &[]);
    assert!(!ok, "deploying the broken v3 must fail:\n{log}");
    eprintln!("--- deploy of the broken v3 ---\n{log}---");
    assert!(log.contains("rolling back"), "{log}");
    assert!(
        log.contains("migrations ran and were NOT rolled back"),
        "the script must say the migration stays applied:\n{log}"
    );
    // The documented bound: every health check of the failed release, then the
    // reload of the previous one and its first health check (see README).
    let spec = svcgen::spec::load("service.yaml", &read(&d.join("service.yaml"))).unwrap();
    let dep = &spec.service.deploy;
    let health = &spec.service.health;
    let per_check = dep.health_interval.millis() + health.timeout.millis();
    let bound =
        Duration::from_millis(u64::from(dep.health_retries) * per_check) + Duration::from_secs(30);
    assert!(
        rollback_time < bound,
        "the failed deploy and its rollback took {rollback_time:?}, over the documented {bound:?}"
    );
    let back = wait_for_version(https_port, "v2", Duration::from_secs(10));
    let head = git(&d.join("app"), &["rev-parse", "HEAD"]);
    let v2 = git(&work, &["rev-parse", "HEAD~1"]);
    assert_eq!(head, v2, "the checkout is back at v2");
    assert!(!d.join("app/BROKEN").exists());
    eprintln!(
        "rollback: deploy of v3 failed and v2 served again after {rollback_time:?} (+{back:?})"
    );
    eprintln!("end-to-end total: {:?}", total.elapsed());
    assert!(total.elapsed() < Duration::from_secs(300));
}
