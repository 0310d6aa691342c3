//! Deploys on real systems: systemd as PID 1 in nspawn containers (the rollout
//! under load, the fault matrix of every stage) and the container image under
//! docker. A binary of its own, so its figures measure the deploy, not the rest
//! of the suite running beside it (`cargo test --test system e2e_deploy::`).

#[path = "../common/mod.rs"]
mod common;

mod container;
mod deploy_faults;
mod e2e_deploy;
