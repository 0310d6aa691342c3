//! `--format concise`: one line a finding, `file:line:col: CODE message` (the
//! form of ruff's and hadolint's concise output, which editors and `grep` read).

use std::io::Write;

use super::{all, locate};
use crate::lint::Report;

/// Writes one line per finding (errors first), in report order.
pub fn write(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    for f in all(report) {
        let l = locate(report, f);
        let message = f.message.replace('\n', " ");
        match &f.origin {
            // A finding in a rendered file: at the description key it came from.
            Some(o) => writeln!(
                out,
                "{}:{}:{}: {} {message} (in {}, rendered from `{}`)",
                o.description, o.line, o.column, f.code, l.file, o.key
            )?,
            None => writeln!(
                out,
                "{}:{}:{}: {} {message}",
                l.file, l.start.0, l.start.1, f.code
            )?,
        }
    }
    out.flush()
}
