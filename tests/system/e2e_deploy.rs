//! End to end on real systems: systemd 252 boots as PID 1 in a systemd-nspawn
//! container (a Debian 12 root filesystem from `scripts/rootfs.sh`), the rendered
//! files are installed where the description says by `svcgen render --write`, and
//! the deploy script runs as the service user with only the rendered sudoers rules.
//! For `supervisor.kind: pm2` and `systemd` alike, under a load of GET and POST
//! requests over keep-alive HTTPS, long requests and an open Server-Sent-Events
//! stream (fixtures/e2e/loadgen.js), through real nginx:
//!
//! 1. first deploy (v1) following the README's set-up checklist; the sandbox is
//!    checked from /proc;
//! 2. v1 → v2;
//! 3. a broken v3 (health 503) and 4. a v4 that crashes on start: both refused,
//!    neither answers a single request;
//!    a v4b that passes its health checks and crashes 2.5 s into real traffic:
//!    switched back within the watch, at most 1 % of the requests fail;
//!    another site broken at switch time: refused before anything starts, and
//!    the next deploy after the fix succeeds; a lost reply from nginx's reload:
//!    judged by what nginx runs;
//! 5. two deploys started at once: one deploys, the other exits 3 at once;
//! 6. a deploy stopped with SIGTERM, then one killed with SIGKILL, in the middle of
//!    their build, then a normal deploy;
//! 7. `deploy.sh rollback`;
//! 8. `systemctl stop` with a request in flight, within the drain budget.
//!
//! Every scenario but v4b's requires 0 failed requests; the figures are printed.
//! After v1 → v2, v1's hashed asset is still served (asset bridging).
//! Needs root, systemd-nspawn, nsenter, node, npm, pm2, git, curl and openssl
//! (installed by scripts/test.sh). Run alone: `cargo test --test system e2e_deploy:: -- --nocapture`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::rootfs;

/// The two supervisors' scenarios share the machine's two cores: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const APP_DIR: &str = "/srv/e2e-app";
/// The env file's secrets (never in a deploy's output).
const SESSION_SECRET: &str = "e2e-session-secret-0123456789abcdef";
const PAYMENT_KEY: &str = "e2e-payment-key-fedcba9876543210xyz";
const DEPLOY: &str = "/srv/e2e-app/deploy.sh";

/// `GET https://localhost:PORT/PATH` on loopback (the test certificate is not
/// checked): the status code and the body.
fn https_get(port: u16, path: &str, max_seconds: u32) -> (String, String) {
    let out = run(Command::new("curl")
        .args([
            "-sk",
            "--max-time",
            &max_seconds.to_string(),
            "-w",
            "\n%{http_code}",
        ])
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
        .arg(format!("https://localhost:{port}{path}")));
    let t = text(&out.stdout);
    let (body, code) = t.rsplit_once('\n').unwrap_or(("", "0"));
    (code.to_string(), body.trim().to_string())
}

/// curl's exit code and the HTTP status (`000` when there was none).
fn curl(args: &[&str]) -> (i32, String) {
    let out = Command::new("curl")
        .args([
            "-sk",
            "--max-time",
            "5",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
        ])
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), text(&out.stdout))
}

/// A request whose Host (or TLS server name) names no site is refused on both
/// ports, and the site's own name is answered beside it; what each got, for the log.
fn unknown_host_refused(http_port: u16, https_port: u16) -> String {
    let http = format!("http://127.0.0.1:{http_port}/");
    let https = format!("https://localhost:{https_port}/");
    let resolve = format!("localhost:{https_port}:127.0.0.1");
    // curl 52: the server closed the connection without a response (nginx's 444).
    let (code, status) = curl(&[&http, "-H", "Host: evil.example"]);
    assert_eq!(
        (code, status.as_str()),
        (52, "000"),
        "port 80, Host: evil.example"
    );
    let (code, status) = curl(&[
        "--http1.1",
        "--resolve",
        &resolve,
        &https,
        "-H",
        "Host: evil.example",
    ]);
    assert_eq!(
        (code, status.as_str()),
        (52, "000"),
        "port 443 (HTTP/1.1), SNI localhost, Host: evil.example"
    );
    // curl 92: over HTTP/2 the stream is reset without a response.
    let (code, status) = curl(&["--resolve", &resolve, &https, "-H", "Host: evil.example"]);
    assert_eq!(
        (code, status.as_str()),
        (92, "000"),
        "port 443 (HTTP/2), SNI localhost, Host: evil.example"
    );
    // curl 35: the TLS handshake was refused (ssl_reject_handshake).
    let evil = format!("evil.example:{https_port}:127.0.0.1");
    let (code, _) = curl(&[
        "--resolve",
        &evil,
        &format!("https://evil.example:{https_port}/"),
    ]);
    assert_eq!(
        code, 35,
        "port 443, SNI evil.example: the handshake is refused"
    );
    // The site's own name: redirected on 80, served on 443.
    let (code, status) = curl(&[&http, "-H", "Host: localhost"]);
    assert_eq!(
        (code, status.as_str()),
        (0, "301"),
        "port 80, Host: localhost"
    );
    // The redirect names the canonical domain and the HTTPS port, never the Host sent.
    let out = run(Command::new("curl").args([
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{redirect_url}",
        "-H",
        "Host: localhost",
        &format!("http://127.0.0.1:{http_port}/a/b?c=1"),
    ]));
    assert_eq!(
        text(&out.stdout),
        format!("https://localhost:{https_port}/a/b?c=1")
    );
    let (code, status) = curl(&["--resolve", &resolve, &format!("{https}health")]);
    assert_eq!(
        (code, status.as_str()),
        (0, "200"),
        "port 443, Host: localhost"
    );
    "port 80 closed without a response (444), port 443 handshake refused (SNI) or closed (Host); localhost 301 to its canonical HTTPS URL on 80, 200 on 443".into()
}

/// A booted container: systemd as PID 1, the host's network (loopback included)
/// unless its arguments give it a namespace of its own.
pub(crate) struct Container {
    nspawn: Child,
    leader: u32,
    /// The cgroup it was started in, when it has one of its own (removed after it).
    cgroup: Vec<PathBuf>,
}

impl Container {
    pub(crate) fn boot(tmp: &Path) -> Container {
        let node = require("node");
        let npm = std::fs::canonicalize(require("npm")).unwrap();
        // npm-cli.js lives in <root>/npm/bin/: bind the directory holding npm's package.
        let npm_pkg = npm.parent().unwrap().parent().unwrap().to_path_buf();
        let npm_root = text(&run(Command::new("npm").args(["root", "-g"])).stdout)
            .trim()
            .to_string();
        assert!(
            Path::new(&npm_root).join("pm2/bin/pm2-runtime").exists(),
            "the deploy tests need pm2 installed globally under {npm_root}: run ./scripts/test.sh"
        );
        let mut args = vec![
            format!("--machine=svcgen-e2e-{}", std::process::id()),
            format!("--bind-ro={}:/usr/bin/node", node.display()),
            format!("--bind-ro={npm_root}"),
            format!(
                "--bind-ro={}:/usr/local/bin/svcgen",
                env!("CARGO_BIN_EXE_svcgen")
            ),
            format!("--bind={}", tmp.display()),
        ];
        if !npm_pkg.starts_with(&npm_root) {
            args.push(format!("--bind-ro={}", npm_pkg.display()));
        }
        let c = Container::start(&rootfs(), &args, &tmp.join("nspawn.log"), None);
        // npm and PM2 where the description expects them (bound in from the host,
        // found once above); the origin repository belongs to the host's root.
        c.ok(&format!(
            "ln -sf {npm_root}/pm2/bin/pm2 /usr/bin/pm2 && ln -sf {npm_root}/pm2/bin/pm2-runtime /usr/bin/pm2-runtime && ln -sf {} /usr/bin/npm && git config --system --add safe.directory '*'",
            npm.display()
        ));
        c
    }

    /// Boots `root` (read-only, with a writable overlay of its own) under
    /// systemd-nspawn with `args` besides the common ones, its output in `log`,
    /// and waits until systemd reports the system running. With `cgroup`, the
    /// container starts in a cgroup of that name of its own (made here, removed
    /// when it has stopped): containers started from one cgroup share it, and
    /// their systemd instances stop each other's units.
    pub(crate) fn start(
        root: &Path,
        args: &[String],
        log: &Path,
        cgroup: Option<&str>,
    ) -> Container {
        let nspawn = require("systemd-nspawn");
        require("nsenter");
        let out = std::fs::File::create(log).unwrap();
        let mut dirs = Vec::new();
        let mut cmd = match cgroup {
            None => Command::new(nspawn),
            Some(name) => {
                for hierarchy in ["systemd", "unified"] {
                    let dir = Path::new("/sys/fs/cgroup").join(hierarchy).join(name);
                    if dir.parent().is_some_and(Path::exists) {
                        std::fs::create_dir(&dir)
                            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
                        dirs.push(dir);
                    }
                }
                assert!(!dirs.is_empty(), "no cgroup hierarchy under /sys/fs/cgroup");
                // The shell moves itself into the cgroup, then becomes nspawn.
                let mut cmd = Command::new("/bin/sh");
                cmd.arg("-c")
                    .arg("for d in $SVCGEN_CGROUPS; do echo $$ >\"$d/cgroup.procs\" || exit 1; done; exec \"$0\" \"$@\"")
                    .arg(nspawn)
                    .env(
                        "SVCGEN_CGROUPS",
                        dirs.iter()
                            .map(|d| d.display().to_string())
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                cmd
            }
        };
        cmd.arg("-D")
            .arg(root)
            .args([
                "--register=no",
                "--keep-unit",
                "--console=passive",
                "--volatile=overlay",
                "--quiet",
                // systemd installs IPAddressDeny=/IPAddressAllow= as cgroup BPF
                // programs: nspawn's seccomp filter refuses bpf() unless allowed
                // (and systemd then runs the units unfiltered, saying so only at
                // debug level).
                "--system-call-filter=bpf",
            ])
            .args(args);
        let child = cmd
            .arg("-b")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("systemd-nspawn starts");
        let pid = child.id();
        let mut c = Container {
            nspawn: child,
            leader: 0,
            cgroup: dirs,
        };
        let start = Instant::now();
        while c.leader == 0 {
            let kids = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            if let Some(k) = kids.split_whitespace().next() {
                c.leader = k.parse().unwrap();
            }
            if let Ok(Some(status)) = c.nspawn.try_wait() {
                panic!(
                    "systemd-nspawn ended ({status}): {}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "systemd-nspawn did not start a container: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            thread::sleep(Duration::from_millis(100));
        }
        loop {
            let out = c.run("systemctl is-system-running");
            let state = text(&out.stdout);
            if state.trim() == "running" || state.trim() == "degraded" {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "systemd in the container did not finish booting: {state}"
            );
            thread::sleep(Duration::from_millis(250));
        }
        eprintln!(
            "container booted (systemd as PID 1) in {:?}",
            start.elapsed()
        );
        c
    }

    /// A command inside the container (its mount, UTS, IPC, network and PID namespaces).
    pub(crate) fn command(&self, script: &str) -> Command {
        let mut cmd = Command::new("nsenter");
        cmd.args(["-t", &self.leader.to_string(), "-m", "-u", "-i", "-n", "-p"])
            .args(["--", "/usr/bin/env", "-i"])
            .args([
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=C.UTF-8",
                "/bin/bash",
                "-c",
                script,
            ]);
        cmd
    }

    pub(crate) fn run(&self, script: &str) -> Output {
        run(&mut self.command(script))
    }

    /// Runs a script as root in the container; fails the test unless it succeeds.
    pub(crate) fn ok(&self, script: &str) -> String {
        let out = self.run(script);
        assert!(
            out.status.success(),
            "in the container: {script}\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// Starts the deploy script as the service user in its own process group (so a
    /// test can kill all of it), with its output in `log`.
    fn spawn_deploy(&self, args: &str, log: &Path, pid_file: &Path) -> Child {
        let script = format!(
            "exec setsid -w bash -c 'echo $$ >{pid}; exec sudo -u e2e -H {DEPLOY} {args}' >{log} 2>&1",
            pid = pid_file.display(),
            log = log.display()
        );
        self.command(&script).spawn().expect("deploy starts")
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if self.leader != 0 {
            let _ = self
                .command("systemctl poweroff")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut ended = false;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.nspawn.try_wait() {
                ended = true;
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
        if !ended {
            let _ = self.nspawn.kill();
            let _ = self.nspawn.wait();
        }
        for dir in &self.cgroup {
            remove_cgroup(dir);
        }
    }
}

/// Removes a cgroup directory and the ones systemd made below it, deepest first
/// (a cgroup is removed with rmdir once no process is in it).
fn remove_cgroup(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_cgroup(&e.path());
            }
        }
    }
    for _ in 0..50 {
        if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
            return;
        }
        thread::sleep(Duration::from_millis(100));
    }
    eprintln!("warning: the cgroup {} could not be removed", dir.display());
}

/// A deploy's outcome.
struct Deploy {
    code: i32,
    log: String,
    took: Duration,
}

struct Bench<'a> {
    c: &'a Container,
    tmp: PathBuf,
    work: PathBuf,
    https_port: u16,
    kind: &'static str,
    n: u32,
}

impl Bench<'_> {
    fn deploy(&mut self, args: &str) -> Deploy {
        self.n += 1;
        let log = self.tmp.join(format!("deploy-{}.log", self.n));
        let pid = self.tmp.join(format!("deploy-{}.pid", self.n));
        let start = Instant::now();
        let status = self.c.spawn_deploy(args, &log, &pid).wait().unwrap();
        Deploy {
            code: status.code().unwrap_or(-1),
            log: read(&log),
            took: start.elapsed(),
        }
    }

    /// Starts a deploy, waits until its build runs, then sends `signal` to its whole
    /// process group: (exit code, log).
    fn interrupt_build(&mut self, signal: &str) -> (i32, String) {
        self.n += 1;
        let log = self.tmp.join(format!("deploy-{}-{signal}.log", self.n));
        let pid_file = self.tmp.join(format!("deploy-{}.pid", self.n));
        let mut p = self.c.spawn_deploy("", &log, &pid_file);
        let start = Instant::now();
        while !std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("build: ")
        {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the build never started:\n{}",
                read(&log)
            );
            thread::sleep(Duration::from_millis(100));
        }
        thread::sleep(Duration::from_millis(800));
        let pgid = read(&pid_file).trim().to_string();
        self.c.ok(&format!("kill -{signal} -- -{pgid}"));
        let code = p.wait().unwrap().code().unwrap_or(-1);
        (code, read(&log))
    }

    /// Commits a new version of the sample app to the origin.
    fn push(&self, version: &str, add: &[(&str, &str)], remove: &[&str]) {
        push_version(&self.work, version, add, remove);
    }

    fn load(&self) -> Load {
        Load::start(self.https_port, "localhost")
    }

    /// One scenario: load starts, `action` runs, load stops; the figures are printed
    /// and every request must have succeeded.
    fn scenario<T>(&mut self, name: &str, action: impl FnOnce(&mut Self) -> T) -> (T, Figures) {
        self.scenario_allowing(name, 0.0, action)
    }

    /// A scenario in which at most `allowed` (a fraction) of the requests may fail.
    fn scenario_allowing<T>(
        &mut self,
        name: &str,
        allowed: f64,
        action: impl FnOnce(&mut Self) -> T,
    ) -> (T, Figures) {
        let load = self.load();
        let t = action(self);
        thread::sleep(Duration::from_millis(1500));
        let figures = load.finish();
        eprintln!(
            "[{}] {name}: {} requests ({} GET, {} POST, {} long) in {:.1}s = {:.0} req/s, {} failed; {} SSE streams, {} events; per version {}; stale keep-alive retries {}; slowest {}; the last in flight ended {} s after the load stopped",
            self.kind,
            figures.requests,
            figures.v["get"],
            figures.v["post"],
            figures.v["slow"],
            figures.seconds,
            figures.rate,
            figures.failed,
            figures.v["sse_streams"],
            figures.v["sse_events"],
            figures.v["versions"],
            figures.v["stale_keepalive_retries"],
            figures.v["slowest"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| format!(
                    "{} ms ({} at {} s)",
                    r["ms"],
                    r["what"].as_str().unwrap_or("?"),
                    r["at"]
                ))
                .collect::<Vec<_>>()
                .join(", "),
            figures.v["tail_seconds"]
        );
        if figures.failed > 0 {
            eprintln!(
                "[{}] {name}: the failed requests: {}",
                self.kind, figures.v["failures"]
            );
        }
        assert!(
            figures.failed as f64 <= allowed * figures.requests as f64,
            "[{}] {name}: {} of {} requests failed (at most {:.1} % may): {}",
            self.kind,
            figures.failed,
            figures.requests,
            allowed * 100.0,
            figures.v["failures"]
        );
        assert!(
            figures.rate >= 200.0,
            "[{}] {name}: the load generator reached only {:.0} req/s (this scenario needs at least 200)",
            self.kind,
            figures.rate
        );
        (t, figures)
    }

    fn serving(&self) -> String {
        served_version("localhost", self.https_port, "127.0.0.1")
    }
}

/// The `X-App-Version` that `https://NAME:PORT/` answers when NAME is resolved to
/// `addr` (`none` without one).
pub(crate) fn served_version(name: &str, port: u16, addr: &str) -> String {
    let out = run(Command::new("curl")
        .args(["-sk", "--max-time", "5", "-D", "-", "-o", "/dev/null"])
        .args(["--resolve", &format!("{name}:{port}:{addr}")])
        .arg(format!("https://{name}:{port}/")));
    text(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("x-app-version: "))
        .unwrap_or("none")
        .trim()
        .to_string()
}

/// The load generator (fixtures/e2e/loadgen.js) running.
pub(crate) struct Load {
    child: Child,
    stdin: Option<ChildStdin>,
}

/// What the load generator counted.
pub(crate) struct Figures {
    pub(crate) v: serde_json::Value,
    pub(crate) requests: u64,
    pub(crate) failed: u64,
    pub(crate) seconds: f64,
    pub(crate) rate: f64,
}

impl Figures {
    pub(crate) fn answered_by(&self, version: &str) -> u64 {
        self.v["versions"][version].as_u64().unwrap_or(0)
    }
}

impl Load {
    /// GET and POST over keep-alive HTTPS from 4 clients at 400 requests per
    /// second in all, long requests and a Server-Sent-Events stream, to
    /// `https://HOST:PORT/` on 127.0.0.1; bounded at 180 s.
    pub(crate) fn start(port: u16, host: &str) -> Load {
        let mut child = Command::new("node")
            .arg(root().join("fixtures/e2e/loadgen.js"))
            .args(["--port", &port.to_string(), "--host", host])
            .args(["--clients", "4", "--rate", "400", "--max-seconds", "180"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs the load generator");
        let stdin = child.stdin.take();
        thread::sleep(Duration::from_millis(1500));
        Load { child, stdin }
    }

    pub(crate) fn finish(mut self) -> Figures {
        drop(self.stdin.take());
        let out = self.child.wait_with_output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("load generator output: {e}: {}", text(&out.stdout)));
        Figures {
            requests: v["requests"].as_u64().unwrap(),
            failed: v["failed"].as_u64().unwrap(),
            seconds: v["seconds"].as_f64().unwrap(),
            rate: v["rate"].as_f64().unwrap(),
            v,
        }
    }
}

fn assert_code(kind: &str, what: &str, d: &Deploy, code: i32) {
    assert_eq!(
        d.code, code,
        "[{kind}] {what}: exit {} (expected {code}):\n{}",
        d.code, d.log
    );
}

/// The processes of a unit, each checked from /proc: the service user, no
/// capabilities, no new privileges, seccomp filtering.
fn check_sandbox(c: &Container, unit: &str, uid: &str) -> usize {
    // The main process and its children (PM2's cluster workers).
    let main = c.ok(&format!("systemctl show -p MainPID --value {unit}"));
    let main = main.trim();
    assert_ne!(main, "0", "{unit} is not running");
    let pids = format!(
        "{main} {}",
        c.ok(&format!("cat /proc/{main}/task/{main}/children"))
    );
    let mut n = 0;
    for pid in pids.split_whitespace() {
        let status = c.ok(&format!("cat /proc/{pid}/status"));
        let field = |k: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{k}:")))
                .unwrap_or("")
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(
            field("Uid"),
            uid,
            "{unit} pid {pid} runs as uid {}",
            field("Uid")
        );
        assert_eq!(
            field("CapEff"),
            "0000000000000000",
            "{unit} pid {pid} has capabilities"
        );
        assert_eq!(field("NoNewPrivs"), "1", "{unit} pid {pid}: NoNewPrivs");
        assert_eq!(field("Seccomp"), "2", "{unit} pid {pid}: no seccomp filter");
        n += 1;
    }
    assert!(n > 0, "{unit} runs no process");
    n
}

/// The sample app's origin (fixtures/e2e-app): a bare repository `DIR/origin.git`
/// holding v1, and its working copy `DIR/work`, which is returned.
pub(crate) fn origin(d: &Path) -> PathBuf {
    let work = d.join("work");
    copy_dir(&root().join("fixtures/e2e-app"), &work);
    git(
        d,
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
    work
}

/// Commits `version` of the sample app in its working copy `work` (VERSION, the
/// files to add and to remove) and pushes it to the origin; its commit.
pub(crate) fn push_version(
    work: &Path,
    version: &str,
    add: &[(&str, &str)],
    remove: &[&str],
) -> String {
    std::fs::write(work.join("VERSION"), format!("{version}\n")).unwrap();
    for (f, content) in add {
        std::fs::write(work.join(f), content).unwrap();
    }
    for f in remove {
        let _ = std::fs::remove_file(work.join(f));
    }
    git(work, &["add", "-A", "."]);
    git(work, &["commit", "--quiet", "-m", version]);
    git(work, &["push", "--quiet", "origin", "main"]);
    git(work, &["rev-parse", "HEAD"]).trim().to_string()
}

fn scenarios(kind: &'static str) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let total = Instant::now();
    for tool in [
        "node",
        "npm",
        "git",
        "curl",
        "openssl",
        "systemd-nspawn",
        "nsenter",
    ] {
        require(tool);
    }
    let tmp = tempfile::Builder::new()
        .prefix(&format!("svcgen-e2e-{kind}-"))
        .tempdir()
        .unwrap();
    let d = tmp.path().to_path_buf();
    run(Command::new("chmod").arg("755").arg(&d));
    std::fs::create_dir_all(d.join("tls")).unwrap();

    // The app's origin: a bare repository with v1.
    let work = origin(&d);

    let (app_port, http_port, https_port) = (free_port_block(4), free_port(), free_port());
    let yaml = read(&root().join("fixtures/e2e/service.yaml.in"))
        .replace("@KIND@", kind)
        .replace("@TMP@", d.to_str().unwrap())
        .replace("@APP_PORT@", &app_port.to_string())
        .replace("@HTTP_PORT@", &http_port.to_string())
        .replace("@HTTPS_PORT@", &https_port.to_string());
    std::fs::write(d.join("service.yaml"), &yaml).unwrap();
    self_signed("localhost", &d.join("tls/cert.pem"), &d.join("tls/key.pem"));

    let c = Container::boot(&d);

    // The README's set-up checklist, in order.
    let setup = Instant::now();
    c.ok("useradd --system --user-group --home-dir /srv/e2e-app --shell /usr/sbin/nologin e2e");
    c.ok(&format!("install -d -o e2e -g e2e -m 0755 {APP_DIR}"));
    // The secrets file the description's env_required names (root's; the deploy
    // user's group reads it for the migrations).
    c.ok(&format!(
        "install -d -m 0755 /etc/e2e-app && printf 'SESSION_SECRET=%s\\n' {SESSION_SECRET} >/etc/e2e-app/env && chown root:e2e /etc/e2e-app/env && chmod 0640 /etc/e2e-app/env"
    ));
    c.ok(&format!(
        "svcgen render {}/service.yaml --write",
        d.display()
    ));
    c.ok("visudo -cf /etc/sudoers.d/e2e-app");
    c.ok("systemctl daemon-reload");
    let mut b = Bench {
        c: &c,
        tmp: d.clone(),
        work: work.clone(),
        https_port,
        kind,
        n: 0,
    };
    let first = b.deploy("");
    assert_code(kind, "first deploy", &first, 0);
    c.ok("rm -f /etc/nginx/sites-enabled/default && ln -s /etc/nginx/sites-available/e2e-app.conf /etc/nginx/sites-available/svcgen-catch-all.conf /etc/nginx/sites-enabled/ && nginx -t -q && systemctl reload nginx");
    if kind == "pm2" {
        c.ok("systemctl enable e2e-app.service 2>/dev/null");
    }
    let mut up = Duration::ZERO;
    while b.serving() != "v1" {
        up += Duration::from_millis(200);
        assert!(
            up < Duration::from_secs(20),
            "v1 is not served through nginx"
        );
        thread::sleep(Duration::from_millis(200));
    }
    eprintln!(
        "[{kind}] first deploy {:?}; set-up checklist and first deploy {:?}",
        first.took,
        setup.elapsed()
    );

    // The sandbox, from /proc.
    let uid = c.ok("id -u e2e").trim().to_string();
    let units: Vec<String> = if kind == "pm2" {
        vec!["e2e-app.service".into()]
    } else {
        vec![
            format!("e2e-app-blue@{app_port}.service"),
            format!("e2e-app-blue@{}.service", app_port + 1),
        ]
    };
    for u in &units {
        let n = check_sandbox(&c, u, &uid);
        eprintln!("[{kind}] {u}: {n} process(es) as uid {uid}, CapEff 0, NoNewPrivs 1, Seccomp 2");
    }
    // The IP filter (`network_peers`): the units deny every address but loopback
    // and the peers, and this systemd enforces it (a probe under `IPAddressDeny=any`
    // cannot reach the app; with loopback allowed, as the units have it, it can),
    // so nginx reaching the app through it is the filter letting loopback through.
    let unit_file = c.ok(&format!("systemctl cat {}", units[0]));
    assert!(
        unit_file.contains("\nIPAddressDeny=any\nIPAddressAllow=localhost 192.0.2.7\n"),
        "{unit_file}"
    );
    let probe = |allow: &str| {
        c.run(&format!(
            "systemd-run --quiet --wait --pipe -p IPAddressDeny=any {allow} curl -sS -o /dev/null -m 3 http://127.0.0.1:{app_port}/health"
        ))
    };
    let denied = probe("");
    assert!(
        !denied.status.success(),
        "a probe under IPAddressDeny=any reached the app: this systemd does not enforce IP filters"
    );
    let allowed = probe("-p IPAddressAllow=localhost");
    assert!(
        allowed.status.success(),
        "a probe with loopback allowed: {}",
        text(&allowed.stderr)
    );
    eprintln!(
        "[{kind}] IP filter enforced: denied without loopback, allowed with it; the units allow loopback and 192.0.2.7"
    );
    let (code, body) = https_get(https_port, "/static/hello.txt", 5);
    assert_eq!(
        (code.as_str(), body.as_str()),
        ("200", "static asset v1"),
        "static route"
    );
    // The static directory holds a `.env` (fixtures/e2e-app/public/.env): never served.
    c.ok(&format!("test -s {APP_DIR}/current/public/.env"));
    let (code, _) = https_get(https_port, "/static/.env", 5);
    assert_eq!(code, "404", "a dotfile in a static route");
    eprintln!("[{kind}] /static/hello.txt 200, /static/.env 404");

    // Logs: every line the app wrote reaches the journal once, and nothing else
    // (under pm2 too: PM2 writes no files of its own).
    let journal =
        c.ok("journalctl --no-pager -o cat -u 'e2e-app*' | grep -F ' listening on ' || true");
    let mut starts: Vec<&str> = journal.lines().collect();
    assert!(!starts.is_empty(), "no start line in the journal");
    let all = starts.len();
    starts.sort_unstable();
    starts.dedup();
    assert_eq!(starts.len(), all, "a line written twice:\n{journal}");
    let files = c.ok("find /var/log/e2e-app -type f 2>/dev/null | wc -l");
    assert_eq!(files.trim(), "0", "log files besides the journal");
    eprintln!("[{kind}] logs: {all} start line(s) in the journal, each once; no log file");

    // Only the service's own name is answered (the host's catch-all).
    let unknown = unknown_host_refused(http_port, https_port);
    eprintln!("[{kind}] a Host that names no site: {unknown}");

    // 2. v1 -> v2.
    b.push("v2", &[], &[]);
    let (dep, fig) = b.scenario("deploy v1 -> v2", |b| b.deploy(""));
    assert_code(kind, "deploy v2", &dep, 0);
    assert_eq!(b.serving(), "v2");
    assert!(fig.answered_by("v2") > 0 && fig.answered_by("v1") > 0);
    let migrations = c.ok(&format!("cat {APP_DIR}/migrations.log"));
    assert!(migrations.contains("migrated for v2"), "{migrations}");
    eprintln!("[{kind}] deploy v2 took {:?}", dep.took);
    // A page v1 rendered asks for v1's hashed script: still there while v2 serves.
    for (asset, owner) in [("/static/app.v1.js", "v1"), ("/static/app.v2.js", "v2")] {
        let (code, body) = https_get(https_port, asset, 5);
        assert_eq!(
            (code.as_str(), body.trim()),
            ("200", format!("// the script of {owner}'s pages").as_str()),
            "[{kind}] {asset} while v2 serves"
        );
    }
    assert!(dep.log.contains("bridge: 1 static file(s)"), "{}", dep.log);
    eprintln!("[{kind}] while v2 serves: v1's /static/app.v1.js 200 (bridged), v2's 200");

    // 3. A broken v3: health answers 503. It never takes a request.
    b.push("v3", &[("BROKEN", "health answers 503\n")], &[]);
    let (dep, fig) = b.scenario("deploy broken v3", |b| b.deploy(""));
    assert_code(kind, "deploy broken v3", &dep, 1);
    assert_eq!(fig.answered_by("v3"), 0, "the broken v3 answered users");
    assert!(dep.log.contains("never took a request"), "{}", dep.log);
    assert!(
        dep.log.contains("migrations ran and were NOT rolled back"),
        "{}",
        dep.log
    );
    assert_eq!(b.serving(), "v2");
    eprintln!(
        "[{kind}] broken v3 refused after {:?}; v2 served throughout",
        dep.took
    );

    // 4. A v4 that crashes on start.
    b.push("v4", &[("CRASH", "exit on start\n")], &["BROKEN"]);
    let (dep, fig) = b.scenario("deploy crashing v4", |b| b.deploy(""));
    assert_code(kind, "deploy crashing v4", &dep, 1);
    assert_eq!(fig.answered_by("v4"), 0, "the crashing v4 answered users");
    assert_eq!(b.serving(), "v2");
    eprintln!("[{kind}] crashing v4 refused after {:?}", dep.took);

    // 4b. v4b passes its health checks and crashes 2.5 s after its first user
    // request: the watch switches nginx back to v2, still running beside it;
    // meanwhile nginx hands the connections v4b refuses to v2 (backup servers).
    b.push("v4b", &[("CRASH_AFTER", "2500\n")], &["CRASH"]);
    let (dep, fig) = b.scenario_allowing("v4b crashes 2.5 s into traffic", 0.01, |b| {
        let dep = b.deploy("");
        for line in dep.log.lines() {
            eprintln!("[{}] v4b deploy: {line}", b.kind);
        }
        dep
    });
    assert_code(kind, "deploy v4b", &dep, 1);
    assert!(dep.log.contains("FAILED during 'watch'"), "{}", dep.log);
    assert!(
        dep.log.contains("switched back: nginx serves the"),
        "{}",
        dep.log
    );
    assert_eq!(b.serving(), "v2");
    let seen = dep
        .log
        .lines()
        .find(|l| l.contains("FAILED during 'watch'"))
        .unwrap_or_default()
        .to_string();
    eprintln!(
        "[{kind}] v4b: {} of {} requests failed ({:.2} %), v4b answered {}; exit 1 after {:?}; {}",
        fig.failed,
        fig.requests,
        100.0 * fig.failed as f64 / fig.requests as f64,
        fig.answered_by("v4b"),
        dep.took,
        seen.split("FAILED during 'watch': ")
            .nth(1)
            .unwrap_or(&seen)
    );

    // What the watch reads: nginx's own failure log, in the format deploy.sh
    // parses (time|upstream addresses|their statuses, a 5xx among them). Under
    // systemd the crashed instances refused connections while load ran, so
    // nginx must have logged them.
    let failure_log = c.ok("cat /var/log/nginx/e2e-app.upstream-failures.log 2>/dev/null || true");
    let lines: Vec<&str> = failure_log.lines().collect();
    for l in &lines {
        let parts: Vec<&str> = l.split('|').collect();
        assert_eq!(parts.len(), 3, "[{kind}] a failure log line: {l}");
        assert!(parts[0].parse::<f64>().is_ok(), "[{kind}] its time: {l}");
        assert!(
            parts[2]
                .split([',', ':'])
                .any(|st| st.trim().len() == 3 && st.trim().starts_with('5')),
            "[{kind}] a 5xx among its statuses: {l}"
        );
    }
    if kind == "systemd" {
        assert!(
            !lines.is_empty(),
            "[{kind}] nginx logged no upstream failure while v4b's instances were down"
        );
    }
    eprintln!(
        "[{kind}] nginx's failure log: {} line(s), the first: {}",
        lines.len(),
        lines.first().unwrap_or(&"-")
    );

    // 4c. Another site on the host is broken when the deploy starts: nothing
    // starts, nginx's error is quoted; once it is fixed, the next deploy goes.
    b.push("v4c", &[], &["CRASH_AFTER"]);
    // What served before: v2, in the slot `live` names.
    let expected = if kind == "pm2" {
        "e2e-app.service ".to_string()
    } else {
        let slot = c.ok(&format!("readlink {APP_DIR}/live"));
        let first = if slot.trim() == "live-blue" {
            app_port
        } else {
            app_port + 2
        };
        let colour = slot.trim().trim_start_matches("live-").to_string();
        format!(
            "e2e-app-{colour}@{first}.service e2e-app-{colour}@{}.service ",
            first + 1
        )
    };
    let ((broken, running, fixed), _) = b.scenario("a broken other site, then fixed (v4c)", |b| {
        b.c.ok("printf 'server {\\n    server_nme broken.example;\\n}\\n' >/etc/nginx/sites-enabled/zz-broken.conf");
        let broken = b.deploy("");
        let running = b.c.ok("systemctl list-units --no-legend --plain --state=active 'e2e-app*' | cut -d' ' -f1 | sort | tr '\\n' ' '");
        b.c.ok("rm /etc/nginx/sites-enabled/zz-broken.conf");
        (broken, running, b.deploy(""))
    });
    assert_code(kind, "deploy with another site broken", &broken, 1);
    assert!(
        broken.log.contains("FAILED during 'preflight'")
            && broken.log.contains("unknown directive \"server_nme\""),
        "{}",
        broken.log
    );
    assert!(!broken.log.contains("start: "), "{}", broken.log);
    assert_eq!(
        running, expected,
        "[{kind}] units running after the refused deploy"
    );
    assert_code(kind, "deploy after the other site was fixed", &fixed, 0);
    assert_eq!(b.serving(), "v4c");
    eprintln!(
        "[{kind}] another site broken: exit 1 after {:?}, nothing started ({running}); after the fix: exit 0, v4c serves",
        broken.took
    );

    // 4d. nginx reloads but the reload command's reply is lost: judged by nginx's
    // workers, the switch happened, and the deploy says so.
    b.push("v4d", &[], &[]);
    // The description's nginx_reload is Debian's `service nginx reload`: for this
    // deploy, one that reloads nginx and then exits 1.
    c.ok("mv /usr/sbin/service /usr/sbin/service.real && printf '#!/bin/sh\\n/usr/sbin/service.real \"$@\" || exit\\nexit 1\\n' >/usr/sbin/service && chmod 0755 /usr/sbin/service");
    let (dep, fig) = b.scenario("v4d, the reload's reply lost", |b| b.deploy(""));
    c.ok("mv /usr/sbin/service.real /usr/sbin/service");
    assert_code(kind, "deploy v4d with the reload's reply lost", &dep, 0);
    assert!(
        dep.log
            .contains("the reload command failed (exit 1), but nginx did reload"),
        "{}",
        dep.log
    );
    assert_eq!(b.serving(), "v4d");
    assert!(fig.answered_by("v4d") > 0);
    eprintln!(
        "[{kind}] the reload's reply lost: exit 0, 'nginx did reload' said and seen (v4d answered {})",
        fig.answered_by("v4d")
    );

    // 5. Two deploys at once: one deploys v5, the other exits 3 at once.
    b.push("v5", &[], &[]);
    let ((one, two), _) = b.scenario("two deploys at once (v5)", |b| {
        b.n += 2;
        let (l1, l2) = (b.tmp.join("deploy-a.log"), b.tmp.join("deploy-b.log"));
        let mut p1 = b.c.spawn_deploy("", &l1, &b.tmp.join("a.pid"));
        // The second starts once the first holds the lock (it says what serves
        // only after taking it): the outcome is decided by the lock, not a sleep.
        let waiting = Instant::now();
        while !std::fs::read_to_string(&l1)
            .unwrap_or_default()
            .contains("] serving: ")
        {
            assert!(
                waiting.elapsed() < Duration::from_secs(30),
                "the first deploy never took the lock:\n{}",
                read(&l1)
            );
            thread::sleep(Duration::from_millis(20));
        }
        let started = Instant::now();
        let mut p2 = b.c.spawn_deploy("", &l2, &b.tmp.join("b.pid"));
        let c2 = p2.wait().unwrap().code().unwrap_or(-1);
        let refused_after = started.elapsed();
        let c1 = p1.wait().unwrap().code().unwrap_or(-1);
        eprintln!(
            "[{}] the second deploy was refused after {refused_after:?}",
            b.kind
        );
        ((c1, read(&l1)), (c2, read(&l2)))
    });
    assert_eq!(one.0, 0, "first of two deploys:\n{}", one.1);
    assert_eq!(two.0, 3, "second of two deploys:\n{}", two.1);
    assert!(
        two.1.contains("another deploy is running (pid"),
        "{}",
        two.1
    );
    assert_eq!(b.serving(), "v5");

    // 5b. The env file's contract: the description now requires PAYMENT_KEY, which
    // the env file lacks. The deploy is refused before anything starts (exit 1,
    // the name said), v5 serves on; once the operator adds it, the same head
    // deploys. No secret's value appears in any deploy's output.
    let contract = yaml.replace(
        "  SESSION_SECRET: {form: key, about: signs the session cookies}\n",
        "  SESSION_SECRET: {form: key, about: signs the session cookies}\n  PAYMENT_KEY: {form: key}\n",
    );
    assert_ne!(contract, yaml, "the fixture names SESSION_SECRET");
    std::fs::write(d.join("service.yaml"), &contract).unwrap();
    c.ok(&format!(
        "svcgen render {}/service.yaml --write",
        d.display()
    ));
    c.ok("visudo -cf /etc/sudoers.d/e2e-app");
    let (dep, _) = b.scenario(
        "deploy requiring PAYMENT_KEY, absent from the env file",
        |b| b.deploy(""),
    );
    assert_code(kind, "deploy with a variable missing", &dep, 1);
    assert!(dep.log.contains("PAYMENT_KEY is missing"), "{}", dep.log);
    assert!(dep.log.contains("nothing was started"), "{}", dep.log);
    assert!(!dep.log.contains("SESSION_SECRET is"), "{}", dep.log);
    assert_eq!(b.serving(), "v5");
    eprintln!(
        "[{kind}] PAYMENT_KEY missing: refused in preflight after {:?}, v5 served throughout",
        dep.took
    );
    c.ok(&format!(
        "printf 'PAYMENT_KEY=%s\\n' {PAYMENT_KEY} >>/etc/e2e-app/env"
    ));
    let (dep, _) = b.scenario("deploy v5 again once PAYMENT_KEY is set", |b| b.deploy(""));
    assert_code(kind, "deploy with the variable set", &dep, 0);
    assert_eq!(b.serving(), "v5");
    let mut logs = 0;
    for e in std::fs::read_dir(&d).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "log") {
            let log = read(&p);
            for secret in [SESSION_SECRET, PAYMENT_KEY] {
                assert!(
                    !log.contains(secret),
                    "{} says a secret's value",
                    p.display()
                );
            }
            logs += 1;
        }
    }
    eprintln!(
        "[{kind}] PAYMENT_KEY set: deployed in {:?}; no secret value in {logs} deploy logs",
        dep.took
    );

    // 6. SIGKILL in the middle of the build, then a normal deploy.
    b.push("v6", &[("SLOW_BUILD", "4000\n")], &[]);
    let (_, fig) = b.scenario("deploy killed mid-build, then deploy v6", |b| {
        // SIGTERM first (what Ctrl-C or a CI job's timeout sends the group): the
        // script stops, says nothing was started, and exits 1.
        let (code, termed) = b.interrupt_build("TERM");
        assert_eq!(
            code, 1,
            "a deploy stopped by SIGTERM in its build:\n{termed}"
        );
        assert!(termed.contains("nothing was started"), "{termed}");
        assert_eq!(b.serving(), "v5", "the serving release after SIGTERM");
        eprintln!(
            "[{}] SIGTERM in the build: exit 1, v5 still serving",
            b.kind
        );
        let _ = b.interrupt_build("KILL");
        eprintln!("[{}] killed the deploy (SIGKILL) in its build", b.kind);
        assert_eq!(b.serving(), "v5", "the serving release after the kill");
        let dep = b.deploy("");
        assert_code(b.kind, "deploy after the killed one", &dep, 0);
        assert!(
            dep.log.contains("a build that never finished"),
            "{}",
            dep.log
        );
        dep
    });
    assert_eq!(b.serving(), "v6");
    assert!(fig.answered_by("v5") > 0);

    // 7. Rollback to the previous release, still on disk.
    let (dep, fig) = b.scenario("rollback v6 -> v5", |b| b.deploy("rollback"));
    assert_code(kind, "rollback", &dep, 0);
    assert_eq!(b.serving(), "v5");
    assert!(fig.answered_by("v5") > 0);
    eprintln!("[{kind}] rollback took {:?}", dep.took);

    // 8. systemctl stop with a request in flight: it completes within the budget;
    // one that would outlast the drain (4 s here) is cut when the drain ends.
    let slow = {
        let port = https_port;
        thread::spawn(move || https_get(port, "/slow?ms=2000", 20).0)
    };
    let too_slow = {
        let port = https_port;
        thread::spawn(move || {
            let began = Instant::now();
            let code = https_get(port, "/slow?ms=9000", 20).0;
            (code, began.elapsed())
        })
    };
    thread::sleep(Duration::from_millis(500));
    let live_units = if kind == "pm2" {
        "e2e-app.service".to_string()
    } else {
        c.ok("systemctl list-units --no-legend --plain --state=active 'e2e-app-*@*.service' | cut -d' ' -f1 | tr '\\n' ' '")
    };
    let stop = Instant::now();
    c.ok(&format!("systemctl stop {live_units}"));
    let stopped = stop.elapsed();
    let code = slow.join().unwrap();
    assert_eq!(code, "200", "the request in flight during `systemctl stop`");
    let (cut, cut_after) = too_slow.join().unwrap();
    assert_eq!(
        cut, "502",
        "a request longer than the drain, in flight during `systemctl stop`"
    );
    assert!(
        cut_after < Duration::from_secs(9),
        "the request past the drain was answered after {cut_after:?}"
    );
    let unit_text = c.ok(&format!(
        "systemctl cat {}",
        live_units.split_whitespace().next().unwrap()
    ));
    let budget: u64 = unit_text
        .lines()
        .find_map(|l| l.strip_prefix("TimeoutStopSec="))
        .and_then(|v| v.trim_end_matches('s').parse().ok())
        .unwrap();
    for u in live_units.split_whitespace() {
        let result = c.ok(&format!("systemctl show -p Result --value {u}"));
        assert_eq!(result.trim(), "success", "{u} stopped with {result}");
    }
    assert!(
        stopped < Duration::from_secs(budget),
        "systemctl stop took {stopped:?}, over TimeoutStopSec={budget}s"
    );
    eprintln!(
        "[{kind}] systemctl stop with a request in flight: {stopped:?} (TimeoutStopSec={budget}s), the 2 s request completed; the 9 s one was cut at the drain: 502 after {cut_after:?}"
    );
    eprintln!("[{kind}] all scenarios: {:?}", total.elapsed());
    let _ = std::io::stderr().flush();
}

#[test]
fn pm2_deploys_keep_their_promise_under_load() {
    let _machine = crate::share(crate::Kind::UnderLoad);
    scenarios("pm2");
}

#[test]
fn systemd_deploys_keep_their_promise_under_load() {
    let _machine = crate::share(crate::Kind::UnderLoad);
    scenarios("systemd");
}
