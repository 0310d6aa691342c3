//! KS015: the grace period ends before the app has drained.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS015",
    name: "grace-period-below-drain",
    severity: Severity::Error,
    summary: "`terminationGracePeriodSeconds` is not above the preStop pause plus the app's drain",
    what: "For every pod template, adds the container's preStop pause (`lifecycle.preStop.sleep.seconds`, or an `exec` of `sleep N`) and the app's drain time (from the description, or a `# svcgen: drain=10s` comment in the file) and flags a `terminationGracePeriodSeconds` (default 30) that is not above the sum. Without a known drain, flags a grace period that the pause alone uses up.",
    why: "The kubelet sends SIGKILL when the grace period ends, counting from the start of the preStop pause: requests still being drained are cut off, on every rollout and every node drain.",
    example: "terminationGracePeriodSeconds: 10\n# preStop sleeps 5 s, the app drains for 10 s",
    fix: "terminationGracePeriodSeconds: 20",
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
    ],
    description_key: Some("shutdown.drain"),
};

/// A preStop pause in seconds: `sleep: {seconds: N}` or `exec: [sleep, N]`.
pub(super) fn pause(c: &serde_json::Value) -> u64 {
    let pre = &c["lifecycle"]["preStop"];
    if let Some(n) = pre["sleep"]["seconds"].as_u64() {
        return n;
    }
    let words: Vec<&str> = pre["exec"]["command"]
        .as_array()
        .map(|a| a.iter().filter_map(|w| w.as_str()).collect())
        .unwrap_or_default();
    let line = words.join(" ");
    line.split_whitespace()
        .skip_while(|w| !w.ends_with("sleep"))
        .nth(1)
        .and_then(|n| n.trim_end_matches('s').parse().ok())
        .unwrap_or(0)
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        let grace = pod.spec["terminationGracePeriodSeconds"]
            .as_u64()
            .unwrap_or(30);
        let longest = pod
            .containers()
            .iter()
            .map(|c| pause(c.value))
            .max()
            .unwrap_or(0);
        let drain = ctx.drain_ms.map(|ms| ms.div_ceil(1000));
        let needed = longest + drain.unwrap_or(0);
        if grace <= needed {
            let at = format!("{}/terminationGracePeriodSeconds", pod.at);
            let why = match drain {
                Some(d) => format!("the preStop pause ({longest} s) plus the drain ({d} s)"),
                None => format!("the preStop pause ({longest} s) alone"),
            };
            sink.report(
                ctx.span(pod.doc, &at),
                format!(
                    "{}/{}: a grace period of {grace} s is used up by {why}",
                    pod.doc.kind(),
                    pod.doc.name()
                ),
                format!(
                    "set `terminationGracePeriodSeconds` above {needed} (pause + drain + a margin)"
                ),
            );
        }
    }
}
