//! The Kubernetes target's image, for real: built from the rendered Dockerfile
//! (a private docker daemon; the base made with debootstrap, as no image registry
//! is reachable here) and run the way the rendered Deployment runs the pod — its
//! numeric user, read-only root, every capability dropped, no new privileges, a
//! tmpfs `/tmp`. Health answers on the app's port; `docker stop` with a request in
//! flight lets it complete (tini passes SIGTERM to node, which drains) and the
//! container exits well within the Deployment's grace period. Build and stop
//! times are printed.
//!
//! Run alone: `cargo test --test system container:: -- --nocapture`.

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use svcgen::description as spec;
use svcgen::render;

/// A private docker daemon: its own socket and state; the image layers are kept
/// in the cache between runs.
struct Daemon {
    child: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Daemon {
    fn start() -> Daemon {
        let dockerd = require("dockerd");
        let dir = tempfile::Builder::new()
            .prefix("svcgen-docker-")
            .tempdir()
            .unwrap();
        let socket = dir.path().join("docker.sock");
        let data = PathBuf::from("/var/cache/svcgen-test/docker");
        std::fs::create_dir_all(&data).unwrap();
        let log = std::fs::File::create(dir.path().join("dockerd.log")).unwrap();
        let child = Command::new(dockerd)
            .args(["--bridge=none", "--iptables=false", "--ip6tables=false"])
            .args(["--exec-opt", "native.cgroupdriver=cgroupfs"])
            .arg("--data-root")
            .arg(&data)
            .arg("--exec-root")
            .arg(dir.path().join("exec"))
            .arg("--pidfile")
            .arg(dir.path().join("dockerd.pid"))
            .arg("--host")
            .arg(format!("unix://{}", socket.display()))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let d = Daemon {
            child,
            socket,
            _dir: dir,
        };
        let started = Instant::now();
        while !d
            .docker(&["info", "--format", "{{.ServerVersion}}"])
            .status
            .success()
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "dockerd did not start:\n{}",
                read(&d._dir.path().join("dockerd.log"))
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        d
    }

    fn command(&self) -> Command {
        let mut c = Command::new(require("docker"));
        c.arg("-H").arg(format!("unix://{}", self.socket.display()));
        // The classic builder: BuildKit would fetch the `# syntax=` frontend
        // from a registry this machine cannot reach.
        c.env("DOCKER_BUILDKIT", "0");
        c
    }

    fn docker(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.docker(args);
        assert!(
            out.status.success(),
            "docker {}:\n{}{}",
            args.join(" "),
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // SIGTERM: dockerd stops its containers and shuts down.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get(port: u16, path: &str) -> (String, String) {
    let out = run(Command::new("curl").args([
        "-s",
        "--max-time",
        "20",
        "-w",
        "\n%{http_code}",
        &format!("http://127.0.0.1:{port}{path}"),
    ]));
    let t = text(&out.stdout);
    let (body, code) = t.rsplit_once('\n').unwrap_or(("", "000"));
    (code.to_string(), body.trim().to_string())
}

#[test]
fn the_image_builds_runs_hardened_and_stops_within_its_grace_period() {
    let _machine = crate::share(crate::Kind::Other);
    require("curl");
    let file = "fixtures/e2e/container.yaml";
    let spec = spec::load(file, &read(&root().join(file))).unwrap();
    let env = render::environment(None).unwrap();
    let files = render::render(&spec, &env).unwrap();
    let dockerfile = files.iter().find(|a| a.kind.0 == "dockerfile").unwrap();
    let manifests = files
        .iter()
        .find(|a| a.kind.0 == "kubernetes-manifests")
        .unwrap();
    // What the Deployment says, read from the rendered manifest.
    let grace: u64 = manifests
        .content
        .lines()
        .find_map(|l| l.trim().strip_prefix("terminationGracePeriodSeconds: "))
        .and_then(|v| v.parse().ok())
        .expect("a grace period");
    let uid = "10001";
    assert!(manifests.content.contains(&format!("runAsUser: {uid}")));
    assert!(manifests.content.contains("readOnlyRootFilesystem: true"));

    let daemon = Daemon::start();
    // The base image, from the cached debootstrap tarball.
    let base = "svcgen-test/node-base:bookworm-1";
    if !daemon.docker(&["image", "inspect", base]).status.success() {
        let out = run(&mut Command::new(root().join("scripts/node-base.sh")));
        assert!(out.status.success(), "node-base.sh:\n{}", text(&out.stderr));
        let tar = text(&out.stdout).trim().to_string();
        daemon.ok(&["import", &tar, base]);
    }
    let ctx = tempfile::tempdir().unwrap();
    let app = ctx.path().join("app");
    copy_dir(&root().join("fixtures/e2e-app"), &app);
    std::fs::write(app.join("Dockerfile"), &dockerfile.content).unwrap();
    let image = "svcgen-test/e2e-app:1.0.0";
    let started = Instant::now();
    daemon.ok(&[
        "build",
        "-q",
        "--no-cache",
        "-t",
        image,
        app.to_str().unwrap(),
    ]);
    let build = started.elapsed();
    // The final stage holds no devDependencies' tools and runs as the numeric user.
    let config = daemon.ok(&[
        "image",
        "inspect",
        "--format",
        "{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}",
        image,
    ]);
    assert_eq!(
        config.trim(),
        r#"10001:10001 ["/usr/bin/tini","--"] ["node","dist/server.js"]"#
    );

    let port = free_port();
    let name = format!("svcgen-e2e-{port}");
    daemon.ok(&[
        "run",
        "-d",
        "--name",
        &name,
        "--network",
        "host",
        "--user",
        &format!("{uid}:{uid}"),
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--tmpfs",
        "/tmp",
        "-e",
        &format!("PORT={port}"),
        "-e",
        "HOST=127.0.0.1",
        image,
    ]);
    let up = Instant::now();
    while http_get(port, "/health").0 != "200" {
        assert!(
            up.elapsed() < Duration::from_secs(30),
            "health never answered:\n{}",
            text(&daemon.docker(&["logs", &name]).stderr)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let ready = up.elapsed();
    // PID 1 is tini, node its child, both as the numeric user.
    let top = daemon.ok(&["top", &name, "-o", "pid,user,args"]);
    assert!(
        top.contains("/usr/bin/tini -- node dist/server.js"),
        "{top}"
    );
    assert!(
        !top.lines()
            .skip(1)
            .any(|l| l.split_whitespace().nth(1) == Some("root")),
        "{top}"
    );

    // A request in flight while the container is stopped.
    let slow = std::thread::spawn(move || http_get(port, "/slow?ms=2000"));
    std::thread::sleep(Duration::from_millis(300));
    let stopping = Instant::now();
    daemon.ok(&["stop", "-t", &grace.to_string(), &name]);
    let stop = stopping.elapsed();
    let (code, body) = slow.join().unwrap();
    assert_eq!(code, "200", "the request in flight during the stop: {body}");
    assert!(body.starts_with("slow"), "{body}");
    let exit = daemon.ok(&["inspect", "--format", "{{.State.ExitCode}}", &name]);
    assert_eq!(exit.trim(), "0", "node drained and exited by itself");
    assert!(
        stop < Duration::from_secs(grace),
        "stop took {stop:?}, the grace period is {grace} s"
    );
    let logs = daemon.docker(&["logs", &name]);
    let logs = format!("{}{}", text(&logs.stdout), text(&logs.stderr));
    assert!(logs.contains("SIGTERM: draining"), "{logs}");
    daemon.ok(&["rm", &name]);

    // Why tini: node as PID 1 with no SIGTERM handler of its own ignores the
    // signal and is killed at the end of the timeout; under tini it stops at once.
    let idle = ["node", "-e", "setInterval(() => {}, 1000)"];
    let mut pid1 = vec![
        "run",
        "-d",
        "--network",
        "none",
        "--entrypoint",
        "node",
        image,
    ];
    pid1.extend(&idle[1..]);
    let mut under_tini = vec!["run", "-d", "--network", "none", image];
    under_tini.extend(idle);
    let mut stops = Vec::new();
    for args in [pid1, under_tini] {
        let id = daemon.ok(&args).trim().to_string();
        std::thread::sleep(Duration::from_millis(500));
        let t = Instant::now();
        daemon.ok(&["stop", "-t", "3", &id]);
        let took = t.elapsed();
        let code = daemon.ok(&["inspect", "--format", "{{.State.ExitCode}}", &id]);
        daemon.ok(&["rm", &id]);
        stops.push((took, code.trim().to_string()));
    }
    assert!(
        stops[0].0 >= Duration::from_secs(3) && stops[0].1 == "137",
        "node as PID 1: {:?}",
        stops[0]
    );
    assert!(
        stops[1].0 < Duration::from_secs(2) && stops[1].1 == "143",
        "node under tini: {:?}",
        stops[1]
    );
    eprintln!(
        "[container] docker stop -t 3 of node without a SIGTERM handler: as PID 1 {:?} (SIGKILL, exit {}), under tini {:?} (exit {})",
        stops[0].0, stops[0].1, stops[1].0, stops[1].1
    );
    eprintln!(
        "[container] image built in {build:?}; healthy {ready:?} after start; stop with a request in flight: {stop:?} (grace {grace} s), request 200, exit 0"
    );
}
