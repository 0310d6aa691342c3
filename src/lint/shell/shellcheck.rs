//! shellcheck's findings, joined into the same report (codes `SC####`).

use std::process::Command;

use crate::lint::{Code, Finding, Severity};
use crate::syntax::{FileId, SourceSet, Span};

/// Why shellcheck gave no findings to report.
pub enum Failure {
    /// Not installed (the binary could not be started because it is absent).
    Missing,
    /// It ran and failed: crashed, timed out, or printed no JSON. An error, never
    /// a clean result.
    Failed(String),
}

/// How long shellcheck may take on one script.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs shellcheck (`program`, normally `shellcheck` from PATH) on one script.
pub fn run(
    sources: &SourceSet,
    file: FileId,
    program: &std::path::Path,
) -> Result<Vec<Finding>, Failure> {
    let text = sources.text(file);
    let mut child = match Command::new(program)
        .args(["--format=json1", "--shell=bash", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Failure::Missing),
        Err(e) => {
            return Err(Failure::Failed(format!(
                "{} could not start: {e}",
                program.display()
            )));
        }
    };
    // Feed and drain on other threads, so neither pipe can block the other.
    let input = text.as_bytes().to_vec();
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        ignore_sigpipe_on_this_thread();
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&input);
        }
    });
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut buf);
        }
        buf
    });
    let deadline = std::time::Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::Failed(format!(
                    "{} did not finish within {} s",
                    program.display(),
                    TIMEOUT.as_secs()
                )));
            }
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    // shellcheck exits 0 (clean) or 1 (findings); anything else is a failure.
    if !matches!(status.code(), Some(0 | 1)) {
        return Err(Failure::Failed(format!(
            "{} failed ({status})",
            program.display()
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&out).map_err(|e| {
        Failure::Failed(format!("{} printed no JSON report: {e}", program.display()))
    })?;
    let Some(comments) = v["comments"].as_array() else {
        return Err(Failure::Failed(format!(
            "{}'s report has no `comments`",
            program.display()
        )));
    };
    let offset = |line: usize, col: usize| crate::description::yaml::offset_of(text, line, col);
    let mut findings = Vec::new();
    for c in comments {
        let code = c["code"].as_u64().unwrap_or(0);
        let level = c["level"].as_str().unwrap_or("warning");
        let (l1, c1) = (
            c["line"].as_u64().unwrap_or(1) as usize,
            c["column"].as_u64().unwrap_or(1) as usize,
        );
        let (l2, c2) = (
            c["endLine"].as_u64().unwrap_or(l1 as u64) as usize,
            c["endColumn"].as_u64().unwrap_or(c1 as u64) as usize,
        );
        findings.push(Finding {
            code: Code::Tool("SC", u32::try_from(code).unwrap_or(0)),
            severity: match level {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                _ => Severity::Info,
            },
            message: c["message"].as_str().unwrap_or("").to_string(),
            span: Span {
                file,
                start: offset(l1, c1),
                end: offset(l2, c2).max(offset(l1, c1)),
            },
            label: None,
            help: Some(format!("https://www.shellcheck.net/wiki/SC{code}")),
            origin: None,
        });
    }
    Ok(findings)
}

/// svcgen dies quietly of SIGPIPE when its own output is closed (`| head`); a tool
/// that exits without reading all of its input must not kill it the same way. The
/// signal is blocked on the thread that feeds the tool, whose write then fails with
/// EPIPE instead (a signal pending on a thread is dropped when the thread ends).
fn ignore_sigpipe_on_this_thread() {
    // SAFETY: a sigset_t on the stack, initialised by sigemptyset before use;
    // pthread_sigmask changes only the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}
