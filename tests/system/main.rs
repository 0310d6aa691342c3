//! Deploys on real systems: systemd as PID 1 in nspawn containers (the rollout
//! under load, the fault matrix of every stage) and the container image under
//! docker. A binary of its own, so its figures measure the deploy, not the rest
//! of the suite running beside it (`cargo test --test system e2e_deploy::`).

#[path = "../common/mod.rs"]
mod common;

mod container;
mod deploy_faults;
mod e2e_deploy;
mod envfile;
mod fleet;
mod package;

/// The Debian 12 root filesystem `scripts/rootfs.sh` builds (`SVCGEN_ROOTFS`, which
/// `scripts/test.sh` sets to the path the script prints).
pub fn rootfs() -> std::path::PathBuf {
    let dir = std::env::var("SVCGEN_ROOTFS")
        .unwrap_or_else(|_| "/var/cache/svcgen-test/rootfs-bookworm-2".into());
    let dir = std::path::PathBuf::from(dir);
    assert!(
        dir.join(".svcgen-rootfs-complete").exists(),
        "the system tests boot a Debian 12 root filesystem at {}, which is missing: run ./scripts/test.sh (it runs scripts/rootfs.sh) first",
        dir.display()
    );
    dir
}

/// Which tests share the machine at a time. The rollouts under load measure
/// failed requests and timings, so while they run nothing else of this binary
/// does: they run beside each other (both supervisors, as they always have), and
/// the other tests beside each other, never the two kinds together. The fleet
/// tests (three servers each, and a load balancer) run only beside each other,
/// and take turns themselves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    UnderLoad,
    Fleet,
    Other,
}

static MACHINE: std::sync::Mutex<(Option<Kind>, usize)> = std::sync::Mutex::new((None, 0));
static TURN: std::sync::Condvar = std::sync::Condvar::new();

/// Held while a test of `kind` runs.
pub struct Share;

/// Waits until no test of the other kind runs, then holds a share of the machine.
pub fn share(kind: Kind) -> Share {
    let mut m = MACHINE.lock().unwrap_or_else(|e| e.into_inner());
    while m.1 > 0 && m.0 != Some(kind) {
        m = TURN.wait(m).unwrap_or_else(|e| e.into_inner());
    }
    *m = (Some(kind), m.1 + 1);
    Share
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut m = MACHINE.lock().unwrap_or_else(|e| e.into_inner());
        m.1 -= 1;
        if m.1 == 0 {
            m.0 = None;
            TURN.notify_all();
        }
    }
}
