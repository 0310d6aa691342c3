//! A fleet, for real: three Debian 12 servers, each systemd as PID 1 under
//! systemd-nspawn from the bare root filesystem `scripts/fleet-rootfs.sh` builds
//! (sshd, python3, sudo: what a cloud image has), each in a network namespace of
//! its own with its own address, set up and deployed by the Ansible project svcgen
//! renders (fixtures/fleet/service.yaml.in), run by ansible-playbook over real SSH
//! with a key made here. A load balancer on the test's side (nginx, the three
//! servers as upstreams) carries the load generator's traffic (GET and POST with
//! bodies over keep-alive, 4 clients, long requests, a Server-Sent-Events stream)
//! through every scenario:
//!
//! - setup.yml from bare servers without a certificate: the first-stage site
//!   answers the ACME challenge and the play says what to run; with the
//!   certificate in place it runs to serving; a third run changes nothing;
//! - deploy.yml v1 -> v2 over the three servers (both supervisors);
//! - a broken v3 (health 503): stops at the first server, the others untouched,
//!   v3 answers no request;
//! - v4 while the second server becomes unreachable (its sshd stopped and every
//!   SSH connection to it closed, which is what Ansible sees of a lost server):
//!   the rollout stops naming it, the first server is rolled back, the fleet
//!   serves one release;
//! - rollback.yml refusing a fleet whose servers would go back to different
//!   releases, then v4 deployed everywhere, then the fleet rollback.
//!
//! Every scenario requires 0 failed requests; the figures are printed. Safety:
//! before any traffic a blackhole route covers the test's whole range
//! (10.231.0.0/16), so nothing addressed to it can leave the machine; the
//! servers have no route but to that range; each container runs in a cgroup of
//! its own. Needs root, systemd-nspawn, ip, ssh, ansible-playbook, nginx, node,
//! git, curl and openssl (installed by scripts/test.sh).
//! Run alone: `cargo test --test system fleet:: -- --nocapture`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::e2e_deploy::{Container, Figures, Load};

/// The two supervisors' fleets use the same addresses: one at a time.
static ONE_FLEET: Mutex<()> = Mutex::new(());

const RANGE: &str = "10.231.0.0/16";
const SERVERS: [&str; 3] = ["web1", "web2", "web3"];
const DOMAIN: &str = "fleet.test";
const APP_DIR: &str = "/srv/fleet-app";
const SESSION_SECRET: &str = "fleet-session-secret-0123456789abcdef";

/// The bare Debian 12 root filesystem `scripts/fleet-rootfs.sh` builds
/// (`SVCGEN_FLEET_ROOTFS`, which `scripts/test.sh` sets).
fn fleet_rootfs() -> PathBuf {
    let dir = std::env::var("SVCGEN_FLEET_ROOTFS")
        .unwrap_or_else(|_| "/var/cache/svcgen-test/fleet-bookworm-1".into());
    let dir = PathBuf::from(dir);
    assert!(
        dir.join(".svcgen-rootfs-complete").exists(),
        "the fleet test boots the bare Debian 12 root filesystem at {}, which is missing: run ./scripts/test.sh (it runs scripts/fleet-rootfs.sh) first",
        dir.display()
    );
    dir
}

fn ip(args: &[&str]) {
    let out = run(Command::new(require("ip")).args(args));
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        text(&out.stderr)
    );
}

/// The test's network: a blackhole route for its whole range, then one network
/// namespace per server with a veth pair (10.231.N.1 on this side, 10.231.N.2
/// the server's). Dropped last: the namespaces and the route go.
struct Network {
    namespaces: Vec<String>,
    route: bool,
}

impl Network {
    fn new(n: usize) -> Network {
        let addresses = text(&run(Command::new(require("ip")).args(["-4", "-o", "addr"])).stdout);
        let routes =
            text(&run(Command::new(require("ip")).args(["route", "show", "table", "all"])).stdout);
        assert!(
            !addresses.contains(" 10.231.") && !routes.contains("10.231."),
            "the fleet test uses {RANGE}, which this machine already uses (a run that did not end?):\n{addresses}{routes}"
        );
        let mut net = Network {
            namespaces: Vec::new(),
            route: false,
        };
        // Before anything is sent: traffic to the range that no veth carries
        // (a server whose link is down) is dropped here, never routed out.
        ip(&["route", "add", "blackhole", RANGE, "metric", "4242"]);
        net.route = true;
        let pid = std::process::id();
        for i in 1..=n {
            let ns = format!("svcgen-fleet-{pid}-{i}");
            let veth = format!("sgf{i}-{pid}");
            ip(&["netns", "add", &ns]);
            net.namespaces.push(ns.clone());
            ip(&[
                "link", "add", &veth, "type", "veth", "peer", "name", "eth0", "netns", &ns,
            ]);
            ip(&["addr", "add", &format!("10.231.{i}.1/24"), "dev", &veth]);
            ip(&["link", "set", &veth, "up"]);
            ip(&[
                "-n",
                &ns,
                "addr",
                "add",
                &format!("10.231.{i}.2/24"),
                "dev",
                "eth0",
            ]);
            ip(&["-n", &ns, "link", "set", "eth0", "up"]);
            ip(&["-n", &ns, "link", "set", "lo", "up"]);
            // The test's range only (the git server is 10.231.1.1): no default route.
            ip(&[
                "-n",
                &ns,
                "route",
                "add",
                RANGE,
                "via",
                &format!("10.231.{i}.1"),
            ]);
        }
        net
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        for ns in &self.namespaces {
            // The veth pair goes with the namespace.
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
        // The kernel frees a namespace (and its veth pairs) a moment after its
        // last process ends: wait, so the next fleet finds the range unused.
        let pid = std::process::id();
        let deadline = Instant::now() + Duration::from_secs(30);
        for i in 1..=self.namespaces.len() {
            let veth = format!("sgf{i}-{pid}");
            while Instant::now() < deadline
                && Command::new("ip")
                    .args(["link", "show", &veth])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            {
                thread::sleep(Duration::from_millis(200));
            }
        }
        if self.route {
            let _ = Command::new("ip")
                .args(["route", "del", "blackhole", RANGE, "metric", "4242"])
                .status();
        }
    }
}

/// A server: its inventory name, its address, its container.
struct Server {
    name: &'static str,
    addr: String,
    c: Container,
}

impl Server {
    /// Makes the server unreachable for Ansible while it keeps serving: sshd
    /// stopped and every SSH connection to it closed (Ansible keeps one open).
    fn cut_ssh(&self) {
        self.c
            .ok("systemctl stop ssh.socket ssh.service; pkill -KILL -x sshd; ! pgrep -x sshd");
    }

    fn restore_ssh(&self) {
        self.c.ok("systemctl start ssh.service");
    }

    /// The release directories on the server.
    fn releases(&self) -> String {
        self.c.ok(&format!("ls {APP_DIR}/releases"))
    }

    /// The version it serves, asked directly (not through the balancer).
    fn serving(&self) -> String {
        crate::e2e_deploy::served_version(DOMAIN, 443, &self.addr)
    }
}

/// Boots the servers side by side and does what a cloud image's first boot does:
/// the host name, and an admin user with the operator's key and sudo.
fn boot(net: &Network, tmp: &Path, key: &str) -> Vec<Server> {
    let root = fleet_rootfs();
    thread::scope(|s| {
        let handles: Vec<_> = SERVERS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let ns = &net.namespaces[i];
                let root = &root;
                s.spawn(move || {
                    let machine = format!("svcgen-fleet-{}-{}", std::process::id(), i + 1);
                    let c = Container::start(
                        root,
                        &[
                            format!("--machine={machine}"),
                            format!("--network-namespace-path=/run/netns/{ns}"),
                        ],
                        &tmp.join(format!("nspawn-{name}.log")),
                        Some(&machine),
                    );
                    c.ok(&format!(
                        "hostname {name} && echo {name} >/etc/hostname && echo '127.0.1.1 {name}' >>/etc/hosts \
                         && useradd --create-home --shell /bin/bash admin \
                         && install -d -o admin -g admin -m 0700 /home/admin/.ssh \
                         && echo '{key}' >/home/admin/.ssh/authorized_keys \
                         && chown admin:admin /home/admin/.ssh/authorized_keys \
                         && echo 'admin ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/90-cloud-init-users \
                         && chmod 0440 /etc/sudoers.d/90-cloud-init-users \
                         && systemctl is-active ssh.service"
                    ));
                    Server {
                        name,
                        addr: format!("10.231.{}.2", i + 1),
                        c,
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// A child process killed when dropped (the git server, the balancer).
struct Daemon(Child);

impl Drop for Daemon {
    /// SIGTERM first and a wait: nginx's master stops its workers on it (a
    /// SIGKILL would leave them running, orphaned); SIGKILL only if it has not
    /// ended within 10 s.
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.0.id()) {
            // SAFETY: a signal to our own child, which has not been reaped yet.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until something accepts connections at `addr`.
fn listening(addr: &str, what: &str, child: &mut Child) {
    let start = Instant::now();
    while std::net::TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_millis(200))
        .is_err()
    {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} ended ({status}) before it listened on {addr}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{what} does not listen on {addr}"
        );
        thread::sleep(Duration::from_millis(100));
    }
}

/// The load balancer: nginx on loopback, the servers' HTTPS sites as upstreams,
/// naming the server that answered in `X-Upstream`.
fn balancer(dir: &Path, servers: &[Server]) -> (Daemon, u16) {
    let port = free_port();
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    self_signed(DOMAIN, &dir.join("cert.pem"), &dir.join("key.pem"));
    let upstreams: String = servers
        .iter()
        .map(|s| format!("    server {}:443;\n", s.addr))
        .collect();
    let d = dir.display();
    let conf = format!(
        "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nevents {{ worker_connections 1024; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}/tmp/body;\n  proxy_temp_path {d}/tmp/proxy;\n  fastcgi_temp_path {d}/tmp/fastcgi;\n  uwsgi_temp_path {d}/tmp/uwsgi;\n  scgi_temp_path {d}/tmp/scgi;\n  upstream fleet {{\n{upstreams}  }}\n  server {{\n    listen 127.0.0.1:{port} ssl;\n    server_name {DOMAIN};\n    ssl_certificate {d}/cert.pem;\n    ssl_certificate_key {d}/key.pem;\n    location / {{\n      proxy_pass https://fleet;\n      proxy_http_version 1.1;\n      proxy_set_header Host {DOMAIN};\n      proxy_ssl_server_name on;\n      proxy_ssl_name {DOMAIN};\n      proxy_buffering off;\n      proxy_read_timeout 120s;\n      add_header X-Upstream $upstream_addr always;\n    }}\n  }}\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let log = std::fs::File::create(dir.join("nginx.out")).unwrap();
    let mut child = Command::new(require("nginx"))
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .args(["-g", "daemon off;"])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("nginx starts");
    listening(
        &format!("127.0.0.1:{port}"),
        "the load balancer",
        &mut child,
    );
    (Daemon(child), port)
}

/// One run of a playbook: its exit code, its output, how long it took.
struct Play {
    code: i32,
    out: String,
    took: Duration,
}

impl Play {
    /// PLAY RECAP: per server, its counters (`ok`, `changed`, `failed`, …).
    fn recap(&self) -> BTreeMap<String, BTreeMap<String, u32>> {
        let tail = self.out.rsplit("PLAY RECAP").next().unwrap_or("");
        tail.lines()
            .filter_map(|l| l.split_once(" : "))
            .map(|(host, counts)| {
                let counts = counts
                    .split_whitespace()
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_string(), v.parse().unwrap_or(u32::MAX)))
                    .collect();
                (host.trim().to_string(), counts)
            })
            .collect()
    }

    /// The final report: per server, what it says (`serves RELEASE`, `could not
    /// be reached`, `serves nothing`).
    fn report(&self) -> BTreeMap<String, String> {
        let tail = self.out.rsplit("TASK [Report]").next().unwrap_or("");
        tail.lines()
            .filter_map(|l| l.trim().strip_prefix("\"msg\": \""))
            .filter_map(|m| m.strip_suffix('"'))
            .filter_map(|m| m.split_once(' '))
            .map(|(h, what)| (h.to_string(), what.to_string()))
            .collect()
    }

    /// Why the run stopped, as its last failed task said.
    fn stopped(&self) -> Option<&str> {
        self.out
            .lines()
            .filter_map(|l| l.strip_prefix("[ERROR]: Task failed: Action failed: "))
            .next_back()
    }

    fn changed(&self) -> BTreeMap<String, u32> {
        self.recap()
            .into_iter()
            .map(|(h, c)| (h, c.get("changed").copied().unwrap_or(u32::MAX)))
            .collect()
    }
}

/// ansible-playbook against the rendered project, as the README has the operator
/// run it (`-u ADMIN`), with this test's key and known hosts, and Ansible's state
/// kept in the test's directory.
struct Ansible {
    project: PathBuf,
    home: PathBuf,
    key: PathBuf,
    known_hosts: PathBuf,
}

impl Ansible {
    fn command(&self, playbook: &str, extra: &[&str]) -> Command {
        let mut cmd = Command::new(require("ansible-playbook"));
        cmd.current_dir(&self.project)
            .args(["-i", "inventory.yml", playbook, "-u", "admin"])
            .arg("--private-key")
            .arg(&self.key)
            .args(extra)
            .env_remove("ANSIBLE_CONFIG")
            .env("HOME", &self.home)
            .env("ANSIBLE_HOME", &self.home)
            // Its SSH connections' sockets default to ~/.ansible/cp whatever
            // ANSIBLE_HOME says.
            .env("ANSIBLE_SSH_CONTROL_PATH_DIR", self.home.join("cp"))
            .env("ANSIBLE_LOCAL_TEMP", self.home.join("tmp"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env(
                "ANSIBLE_SSH_COMMON_ARGS",
                format!(
                    "-o UserKnownHostsFile={} -o StrictHostKeyChecking=yes",
                    self.known_hosts.display()
                ),
            );
        cmd
    }

    fn play(&self, playbook: &str, extra: &[&str]) -> Play {
        let start = Instant::now();
        let out = run(&mut self.command(playbook, extra));
        Play {
            code: out.status.code().unwrap_or(-1),
            out: text(&out.stdout) + &text(&out.stderr),
            took: start.elapsed(),
        }
    }

    /// Starts a playbook whose output is read as it comes.
    fn start(&self, playbook: &str) -> Running {
        let mut child = self
            .command(playbook, &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ansible-playbook starts");
        let out = Arc::new(Mutex::new(String::new()));
        let readers = [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ]
        .map(|pipe| {
            let out = out.clone();
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut o = out.lock().unwrap();
                    o.push_str(&line);
                    o.push('\n');
                }
            })
        });
        Running {
            child,
            out,
            readers,
            start: Instant::now(),
        }
    }
}

/// A playbook running.
struct Running {
    child: Child,
    out: Arc<Mutex<String>>,
    readers: [thread::JoinHandle<()>; 2],
    start: Instant,
}

impl Running {
    /// Waits until its output holds `marker` `times` times.
    fn wait_for(&self, marker: &str, times: usize) {
        while self.out.lock().unwrap().matches(marker).count() < times {
            assert!(
                self.start.elapsed() < Duration::from_secs(300),
                "the playbook never printed {marker:?}:\n{}",
                self.out.lock().unwrap()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn finish(mut self) -> Play {
        let status = self.child.wait().unwrap();
        for r in self.readers {
            r.join().unwrap();
        }
        let out = self.out.lock().unwrap().clone();
        Play {
            code: status.code().unwrap_or(-1),
            out,
            took: self.start.elapsed(),
        }
    }
}

/// The app's origin: a bare repository the servers clone over git://, served by
/// `git daemon` on the test's side of the first server's link.
struct Origin {
    work: PathBuf,
    /// A commit's first 12 hex digits (as release names carry them) -> version.
    versions: BTreeMap<String, String>,
}

impl Origin {
    fn push(&mut self, version: &str, add: &[(&str, &str)], remove: &[&str]) {
        let commit = crate::e2e_deploy::push_version(&self.work, version, add, remove);
        self.versions
            .insert(commit[..12].to_string(), version.to_string());
    }

    /// The version of a release a report names (`20261205T214913Z-8823dfc2a103`).
    fn version_of(&self, release: &str) -> String {
        release
            .rsplit('-')
            .next()
            .and_then(|c| self.versions.get(c))
            .cloned()
            .unwrap_or_else(|| format!("unknown release {release}"))
    }

    /// What the report says each server serves, as versions.
    fn served(&self, play: &Play) -> BTreeMap<String, String> {
        play.report()
            .into_iter()
            .map(|(h, what)| {
                let v = match what.strip_prefix("serves ") {
                    Some(release) => self.version_of(release),
                    None => what,
                };
                (h, v)
            })
            .collect()
    }
}

fn all_serve(version: &str) -> BTreeMap<String, String> {
    SERVERS
        .iter()
        .map(|s| (s.to_string(), version.to_string()))
        .collect()
}

/// One scenario under load through the balancer: figures printed, 0 failed
/// requests, at least 200 requests per second.
fn under_load<T>(
    kind: &str,
    name: &str,
    port: u16,
    servers: &[Server],
    action: impl FnOnce() -> (T, Duration),
) -> (T, Figures) {
    let load = Load::start(port, DOMAIN);
    let (t, took) = action();
    thread::sleep(Duration::from_millis(1500));
    let f = load.finish();
    let host_of = |upstream: &str| {
        servers
            .iter()
            .find(|s| upstream.starts_with(&format!("{}:", s.addr)))
            .map_or(upstream.to_string(), |s| s.name.to_string())
    };
    let per_host: Vec<String> = f.v["upstream_versions"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(u, versions)| format!("{} {}", host_of(u), versions))
        .collect();
    eprintln!(
        "[fleet {kind}] {name}: rollout {:.1} s; {} requests ({} GET, {} POST, {} long) in {:.1} s = {:.0} req/s, {} failed; {} SSE streams, {} events; per version {}; per server {}",
        took.as_secs_f64(),
        f.requests,
        f.v["get"],
        f.v["post"],
        f.v["slow"],
        f.seconds,
        f.rate,
        f.failed,
        f.v["sse_streams"],
        f.v["sse_events"],
        f.v["versions"],
        per_host.join(", ")
    );
    assert_eq!(
        f.failed, 0,
        "[fleet {kind}] {name}: {} of {} requests failed: {}",
        f.failed, f.requests, f.v["failures"]
    );
    assert!(
        f.rate >= 200.0,
        "[fleet {kind}] {name}: the load generator reached only {:.0} req/s (at least 200 needed)",
        f.rate
    );
    (t, f)
}

/// Answers per server (by the balancer's `X-Upstream`) for `version`.
fn answered(f: &Figures, servers: &[Server], version: &str) -> BTreeMap<String, u64> {
    servers
        .iter()
        .map(|s| {
            let n = f.v["upstream_versions"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(u, _)| u.starts_with(&format!("{}:", s.addr)))
                .map(|(_, v)| v[version].as_u64().unwrap_or(0))
                .sum();
            (s.name.to_string(), n)
        })
        .collect()
}

fn assert_play(kind: &str, what: &str, play: &Play, ok: bool) {
    assert_eq!(
        play.code == 0,
        ok,
        "[fleet {kind}] {what}: ansible-playbook exited {}:\n{}",
        play.code,
        play.out
    );
}

/// Everything a fleet test needs, set up from nothing: network, servers, origin,
/// rendered project; dropped in reverse (servers before the network).
struct Fleet {
    kind: &'static str,
    ansible: Ansible,
    origin: Origin,
    servers: Vec<Server>,
    tmp: PathBuf,
    _git: Daemon,
    _net: Network,
    _dir: tempfile::TempDir,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        // Servers first (their containers hold the namespaces), then the rest in
        // field order.
        self.servers.clear();
    }
}

impl Fleet {
    fn new(kind: &'static str) -> Fleet {
        for tool in [
            "systemd-nspawn",
            "nsenter",
            "ip",
            "ssh",
            "ssh-keygen",
            "ansible-playbook",
            "nginx",
            "node",
            "git",
            "curl",
            "openssl",
        ] {
            require(tool);
        }
        let dir = tempfile::Builder::new()
            .prefix(&format!("svcgen-fleet-{kind}-"))
            .tempdir()
            .unwrap();
        let d = dir.path().to_path_buf();
        run(Command::new("chmod").arg("755").arg(&d));

        let key = d.join("id_ed25519");
        let out = run(Command::new(require("ssh-keygen"))
            .args([
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "svcgen-fleet-test",
                "-f",
            ])
            .arg(&key));
        assert!(out.status.success(), "ssh-keygen: {}", text(&out.stderr));
        let public = read(&d.join("id_ed25519.pub")).trim().to_string();

        let net = Network::new(SERVERS.len());
        let servers = boot(&net, &d, &public);
        // The servers' host key (made when the root filesystem was built),
        // pinned for each address.
        let host_key = read(&fleet_rootfs().join("etc/ssh/ssh_host_ed25519_key.pub"));
        let host_key: Vec<&str> = host_key.split_whitespace().take(2).collect();
        let known: String = servers
            .iter()
            .map(|s| format!("{} {}\n", s.addr, host_key.join(" ")))
            .collect();
        std::fs::write(d.join("known_hosts"), known).unwrap();

        // The origin, v1, served over git:// where every server reaches it.
        let work = crate::e2e_deploy::origin(&d);
        let v1 = git(&work, &["rev-parse", "HEAD"]);
        let origin = Origin {
            work,
            versions: BTreeMap::from([(v1.trim()[..12].to_string(), "v1".to_string())]),
        };
        let git_port = free_port();
        let mut child = Command::new("git")
            .args([
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--informative-errors",
            ])
            .arg(format!("--base-path={}", d.display()))
            .args(["--listen=10.231.1.1", &format!("--port={git_port}")])
            .arg(&d)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon starts");
        listening(&format!("10.231.1.1:{git_port}"), "git daemon", &mut child);
        let git_daemon = Daemon(child);

        // The description, rendered: the Ansible project is all the operator runs.
        let yaml = read(&root().join("fixtures/fleet/service.yaml.in"))
            .replace("@KIND@", kind)
            .replace("@REPO@", &format!("git://10.231.1.1:{git_port}/origin.git"));
        std::fs::write(d.join("service.yaml"), yaml).unwrap();
        render_out(d.join("service.yaml").to_str().unwrap(), d.join("out"));
        std::fs::write(d.join("env"), format!("SESSION_SECRET={SESSION_SECRET}\n")).unwrap();
        let ansible = Ansible {
            project: d.join("out/fleet-app.ansible"),
            home: d.join("ansible-home"),
            key,
            known_hosts: d.join("known_hosts"),
        };
        Fleet {
            kind,
            ansible,
            origin,
            servers,
            tmp: d,
            _git: git_daemon,
            _net: net,
            _dir: dir,
        }
    }

    fn setup(&self) -> Play {
        let env = format!("svcgen_env_source={}", self.tmp.join("env").display());
        self.ansible.play("setup.yml", &["-e", &env])
    }

    /// What certbot leaves on each server: the certificate and its key.
    fn install_certificates(&self) {
        let (cert, key) = (self.tmp.join("tls-cert.pem"), self.tmp.join("tls-key.pem"));
        self_signed(DOMAIN, &cert, &key);
        let (cert, key) = (read(&cert), read(&key));
        for s in &self.servers {
            s.c.ok(&format!(
                "install -d -m 0755 /etc/ssl/fleet-app && printf '%s' '{cert}' >/etc/ssl/fleet-app/fullchain.pem \
                 && chmod 0644 /etc/ssl/fleet-app/fullchain.pem \
                 && (umask 077 && printf '%s' '{key}' >/etc/ssl/fleet-app/privkey.pem)"
            ));
        }
    }

    /// From bare servers to serving v1, and a second set-up that changes nothing.
    fn set_up(&self, with_acme_stage: bool) {
        let kind = self.kind;
        if with_acme_stage {
            let first = self.setup();
            assert_play(kind, "setup without a certificate", &first, true);
            for s in &self.servers {
                assert!(
                    first.out.contains(&format!(
                        "{} has no certificate at /etc/ssl/fleet-app/fullchain.pem. nginx answers the ACME challenge now",
                        s.name
                    )),
                    "[fleet {kind}] setup without a certificate says nothing of {}:\n{}",
                    s.name,
                    first.out
                );
                // What certbot's webroot plugin puts there, fetched as the CA does.
                s.c.ok("mkdir -p /var/www/_letsencrypt/.well-known/acme-challenge && echo token-of-the-ca >/var/www/_letsencrypt/.well-known/acme-challenge/probe");
                let out = run(Command::new("curl")
                    .args(["-s", "--max-time", "5", "-H", &format!("Host: {DOMAIN}")])
                    .arg(format!(
                        "http://{}/.well-known/acme-challenge/probe",
                        s.addr
                    )));
                assert_eq!(
                    text(&out.stdout).trim(),
                    "token-of-the-ca",
                    "[fleet {kind}] {}: the first-stage site does not answer the ACME challenge",
                    s.name
                );
            }
            eprintln!(
                "[fleet {kind}] setup from bare servers without a certificate: {:.1} s; each stops at step 6 saying what to run, and answers the ACME challenge on port 80",
                first.took.as_secs_f64()
            );
        }
        self.install_certificates();
        let full = self.setup();
        assert_play(kind, "setup", &full, true);
        for s in &self.servers {
            assert_eq!(
                s.serving(),
                "v1",
                "[fleet {kind}] {} does not serve v1 after setup",
                s.name
            );
        }
        let again = self.setup();
        assert_play(kind, "second setup", &again, true);
        let changed = again.changed();
        assert_eq!(
            changed,
            SERVERS.iter().map(|s| (s.to_string(), 0)).collect(),
            "[fleet {kind}] a second setup changed something:\n{}",
            again.out
        );
        eprintln!(
            "[fleet {kind}] setup to serving v1 on all three: {:.1} s (changed {:?}); a second setup: {:.1} s, changed=0 on every server",
            full.took.as_secs_f64(),
            full.changed(),
            again.took.as_secs_f64()
        );
    }

    fn rollout(&self, playbook: &str) -> (Play, Duration) {
        let play = self.ansible.play(playbook, &[]);
        let took = play.took;
        (play, took)
    }
}

/// A fleet set up from bare servers (through the certificate stage when
/// `acme`), the load balancer in front, and v1 -> v2 rolled out under load.
fn serving_v2(kind: &'static str, acme: bool) -> (Fleet, Daemon, u16) {
    let mut f = Fleet::new(kind);
    f.set_up(acme);
    let (lb, port) = balancer(&f.tmp.join("lb"), &f.servers);
    f.origin.push("v2", &[], &[]);
    let (play, fig) = under_load(kind, "deploy v1 -> v2", port, &f.servers, || {
        f.rollout("deploy.yml")
    });
    assert_play(kind, "deploy v2", &play, true);
    assert_eq!(f.origin.served(&play), all_serve("v2"), "{}", play.out);
    // Each server's deploy.sh output is in the play's.
    assert_eq!(
        play.out
            .matches("[deploy fleet-app] deployed releases/")
            .count(),
        3,
        "{}",
        play.out
    );
    // ...and printed while it runs, not at its end: between a server's first
    // line and its last, another look at its output.
    let pieces: Vec<usize> = play
        .out
        .split("TASK [Run deploy.sh as the service user]")
        .skip(1)
        .map(|server| {
            let first = server.find("[deploy fleet-app]").expect("output");
            let last = server
                .find("[deploy fleet-app] deployed releases/")
                .expect("deployed");
            assert!(
                server[first..last].contains("TASK [The output of deploy.sh]"),
                "[fleet {kind}] deploy.sh's output came in one piece at its end:\n{server}"
            );
            server.matches("TASK [The output of deploy.sh]").count()
        })
        .collect();
    assert_eq!(pieces.len(), 3, "{}", play.out);
    eprintln!(
        "[fleet {kind}] deploy.sh's output printed as it came, in {pieces:?} pieces per server"
    );
    for (server, n) in answered(&fig, &f.servers, "v2") {
        assert!(n > 0, "[fleet {kind}] {server} never answered with v2");
    }
    (f, lb, port)
}

#[test]
fn a_pm2_fleet_is_set_up_and_rolled_out_under_load() {
    let _machine = crate::share(crate::Kind::Fleet);
    let _one = ONE_FLEET.lock().unwrap_or_else(|e| e.into_inner());
    let kind = "pm2";
    let (mut f, lb, port) = serving_v2(kind, true);

    // A broken v3 stops at the first server; the others are not touched.
    let before: Vec<String> = f.servers.iter().map(Server::releases).collect();
    f.origin
        .push("v3", &[("BROKEN", "health answers 503\n")], &[]);
    let (play, fig) = under_load(kind, "deploy a broken v3", port, &f.servers, || {
        f.rollout("deploy.yml")
    });
    assert_play(kind, "deploy v3", &play, false);
    let stopped = play.stopped().unwrap_or_default();
    assert!(
        stopped.starts_with("The rollout stopped at web1: deploy.sh exited 1, the release failed and the previous one still serves there. Rolled back: none; rollback failed on: none. Not attempted: web2, web3."),
        "{}",
        play.out
    );
    assert_eq!(f.origin.served(&play), all_serve("v2"), "{}", play.out);
    assert_eq!(fig.answered_by("v3"), 0, "the broken v3 answered users");
    assert!(
        play.out
            .contains("[deploy fleet-app] FAILED during 'health' (exit 1)"),
        "{}",
        play.out
    );
    for (i, s) in f.servers.iter().enumerate().skip(1) {
        assert_eq!(
            s.releases(),
            before[i],
            "[fleet {kind}] {} was touched",
            s.name
        );
    }
    eprintln!("[fleet {kind}] broken v3: stopped at web1, {stopped}");

    // v4 while web2 becomes unreachable: the rollout stops there, web1 goes back.
    f.origin.push("v4", &[], &["BROKEN"]);
    let (play, fig) = under_load(kind, "deploy v4, web2 lost", port, &f.servers, || {
        let running = f.ansible.start("deploy.yml");
        // web1's deploy has started; web2's turn comes after it ends.
        running.wait_for("TASK [Run deploy.sh as the service user]", 1);
        f.servers[1].cut_ssh();
        let play = running.finish();
        let took = play.took;
        (play, took)
    });
    assert_play(kind, "deploy v4 with web2 lost", &play, false);
    let stopped = play.stopped().unwrap_or_default().to_string();
    assert!(
        stopped.starts_with("The rollout stopped at web2: it could not be reached. Rolled back: web1; rollback failed on: none. Not attempted: web3."),
        "{}",
        play.out
    );
    let mut served = all_serve("v2");
    served.insert("web2".into(), "could not be reached".into());
    assert_eq!(f.origin.served(&play), served, "{}", play.out);
    for s in &f.servers {
        assert_eq!(
            s.serving(),
            "v2",
            "[fleet {kind}] {} after the stop",
            s.name
        );
    }
    assert!(
        answered(&fig, &f.servers, "v2")["web2"] > 0,
        "web2 stopped serving"
    );
    eprintln!("[fleet {kind}] web2 lost: {stopped}; all three serve v2");
    f.servers[1].restore_ssh();

    // A fleet rollback now would leave web1 on v4 and the others on v1: refused.
    let play = f.ansible.play("rollback.yml", &[]);
    assert_play(kind, "rollback of a split fleet", &play, false);
    assert!(
        play.stopped()
            .is_some_and(|m| m.contains("nothing was changed")),
        "{}",
        play.out
    );
    for s in &f.servers {
        assert_eq!(
            s.serving(),
            "v2",
            "[fleet {kind}] {} after the refusal",
            s.name
        );
    }
    eprintln!("[fleet {kind}] a rollback that would split the fleet: refused, nothing changed");

    // v4 everywhere, then the fleet rollback to v2.
    let (play, _) = under_load(kind, "deploy v4", port, &f.servers, || {
        f.rollout("deploy.yml")
    });
    assert_play(kind, "deploy v4", &play, true);
    assert_eq!(f.origin.served(&play), all_serve("v4"), "{}", play.out);
    let (play, _) = under_load(kind, "fleet rollback v4 -> v2", port, &f.servers, || {
        f.rollout("rollback.yml")
    });
    assert_play(kind, "rollback", &play, true);
    assert_eq!(f.origin.served(&play), all_serve("v2"), "{}", play.out);
    drop(lb);

    // The deploy user owns the deploy root: it turns the root-owned files there
    // into links to files of root's. setup.yml replaces the links with the
    // rendered files and writes nothing through them.
    let web1 = &f.servers[0];
    let motd = web1.c.ok("sha256sum /etc/motd");
    web1.c.ok(&format!(
        "sudo -u fleet ln -sfn /etc/sudoers.d/svcgen-planted {APP_DIR}/deploy.sh \
         && sudo -u fleet ln -sfn /etc/motd {APP_DIR}/ecosystem.config.js"
    ));
    let play = f.setup();
    assert_play(kind, "setup over planted links", &play, true);
    let changed = play.changed();
    assert!(
        changed["web1"] > 0 && changed["web2"] == 0 && changed["web3"] == 0,
        "{changed:?}\n{}",
        play.out
    );
    assert_eq!(
        web1.c.ok("sha256sum /etc/motd"),
        motd,
        "written through a link"
    );
    web1.c.ok("test ! -e /etc/sudoers.d/svcgen-planted");
    let rendered = |name: &str| read(&f.ansible.project.join("files").join(name));
    for (path, name) in [
        ("deploy.sh", "deploy.sh"),
        ("ecosystem.config.js", "ecosystem.config.js"),
    ] {
        let path = format!("{APP_DIR}/{path}");
        assert_eq!(
            web1.c
                .ok(&format!("test ! -L {path} && stat -c %U:%G {path}"))
                .trim(),
            "root:root",
            "{path}"
        );
        assert_eq!(web1.c.ok(&format!("cat {path}")), rendered(name), "{path}");
    }
    eprintln!(
        "[fleet {kind}] setup over links the deploy user planted (deploy.sh -> /etc/sudoers.d/, ecosystem.config.js -> /etc/motd): the links replaced by root's files, nothing written through them"
    );

    // A hand-written site on web3 that is a default_server too, and the
    // catch-all not yet enabled there (as on a first set-up): setup enables it,
    // nginx -t refuses the pair, the link is taken back and nginx not reloaded.
    let web3 = &f.servers[2];
    web3.c.ok("rm /etc/nginx/sites-enabled/svcgen-catch-all.conf && systemctl reload nginx \
         && printf 'server {\\n  listen 443 ssl default_server;\\n  ssl_certificate /etc/ssl/fleet-app/fullchain.pem;\\n  ssl_certificate_key /etc/ssl/fleet-app/privkey.pem;\\n  return 404;\\n}\\n' >/etc/nginx/sites-available/other.conf \
         && ln -s /etc/nginx/sites-available/other.conf /etc/nginx/sites-enabled/ && nginx -t -q && systemctl reload nginx");
    // nginx's workers are replaced at every reload: the same workers after the
    // run mean it was not reloaded (read once the workers of an earlier reload
    // have finished shutting down).
    let workers = "for _ in $(seq 100); do pgrep -f 'worker process is shutting down' >/dev/null || break; sleep 0.1; done; pgrep -P \"$(cat /run/nginx.pid)\" | sort";
    let before = web3.c.ok(workers);
    let play = f.setup();
    assert_play(kind, "setup beside a second default_server", &play, false);
    assert_eq!(web3.c.ok(workers), before, "nginx was reloaded on web3");
    assert!(
        play.out.contains("nginx -t refused the configuration with the site enabled on web3; the links were put back and nginx still runs what it ran. nginx said:")
            && play.out.contains("duplicate default server"),
        "{}",
        play.out
    );
    let recap = play.recap();
    assert_eq!(
        (
            recap["web1"]["failed"],
            recap["web2"]["failed"],
            recap["web3"]["failed"]
        ),
        (0, 0, 1),
        "{}",
        play.out
    );
    web3.c
        .ok("test ! -e /etc/nginx/sites-enabled/svcgen-catch-all.conf && nginx -t -q");
    assert_eq!(web3.serving(), "v2", "web3 after the refused set-up");
    eprintln!(
        "[fleet {kind}] setup beside a second default_server on web3: refused by nginx -t, the catch-all link taken back, nginx not reloaded, web3 serves v2"
    );
}

#[test]
fn a_systemd_fleet_is_set_up_and_rolled_out_under_load() {
    let _machine = crate::share(crate::Kind::Fleet);
    let _one = ONE_FLEET.lock().unwrap_or_else(|e| e.into_inner());
    let (f, lb, _) = serving_v2("systemd", false);
    drop(lb);
    drop(f);
}
