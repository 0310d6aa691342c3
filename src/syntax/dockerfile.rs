//! Dockerfiles parsed with spans: instructions (continuation lines joined, heredocs
//! kept with their instruction), exec (JSON) or shell form, grouped into stages.
//! Parser directives (`# escape=`) are honoured; comments are kept for
//! suppressions.

use crate::syntax::{FileId, Span};

/// One instruction: `RUN npm ci`.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// Upper-cased (`RUN`).
    pub keyword: String,
    /// The arguments as written (continuations joined with a space), flags
    /// included.
    pub args: String,
    /// The exec form's words (`["node", "server.js"]`), when written so.
    pub exec: Option<Vec<String>>,
    /// The whole instruction, continuation lines and heredoc bodies included.
    pub span: Span,
    /// The keyword only.
    pub keyword_span: Span,
    /// The comment lines directly above it: text after `#`, and their spans.
    pub comments: Vec<(String, Span)>,
}

impl Instruction {
    /// Whether it is `keyword` (upper case).
    pub fn is(&self, keyword: &str) -> bool {
        self.keyword == keyword
    }
    /// The command as words: the exec form's, else the shell form split on white
    /// space.
    pub fn words(&self) -> Vec<String> {
        match &self.exec {
            Some(w) => w.clone(),
            None => self.args.split_whitespace().map(str::to_string).collect(),
        }
    }
}

/// A build stage: a `FROM` and what follows up to the next.
#[derive(Debug, Clone)]
pub struct Stage {
    /// The image it starts from (`node:22.11-bookworm-slim`).
    pub image: String,
    /// `AS name`, lower-cased.
    pub name: Option<String>,
    /// The `FROM` instruction.
    pub from: Instruction,
    /// Its other instructions, in order.
    pub instructions: Vec<Instruction>,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// `ARG`s before the first `FROM`.
    pub global_args: Vec<Instruction>,
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    /// The stage the image is built from (the last).
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }
    /// Whether `image` names an earlier stage rather than an image.
    pub fn is_stage(&self, image: &str) -> bool {
        let image = image.to_ascii_lowercase();
        self.stages
            .iter()
            .any(|s| s.name.as_deref() == Some(&*image))
    }
}

#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// The instructions a Dockerfile may hold.
const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Parses a Dockerfile.
pub fn parse(text: &str, file: FileId) -> Result<Dockerfile, ParseError> {
    let span = |start: usize, end: usize| Span { file, start, end };
    // Lines with their start offsets.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut off = 0;
    for l in text.split_inclusive('\n') {
        lines.push((off, l.trim_end_matches(['\n', '\r'])));
        off += l.len();
    }
    let mut escape = '\\';
    let mut i = 0;
    // Parser directives: `# key=value` lines at the very top.
    while let Some((_, l)) = lines.get(i) {
        let Some(d) = l.trim().strip_prefix('#') else {
            break;
        };
        let Some((k, v)) = d.split_once('=') else {
            break;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "escape" => match v.trim() {
                "`" => escape = '`',
                "\\" => escape = '\\',
                other => {
                    return Err(ParseError {
                        message: format!(
                            "`# escape={other}`: the escape character is `\\` or a backtick"
                        ),
                        span: span(lines[i].0, lines[i].0 + l.len()),
                    });
                }
            },
            "syntax" | "check" => {}
            _ => break,
        }
        i += 1;
    }
    let mut global_args = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut comments: Vec<(String, Span)> = Vec::new();
    while i < lines.len() {
        let (start, line) = lines[i];
        let t = line.trim_start();
        let lead = line.len() - t.len();
        if t.is_empty() {
            i += 1;
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            comments.push((c.to_string(), span(start + lead, start + line.len())));
            i += 1;
            continue;
        }
        // The instruction and its continuation lines.
        let mut args = String::new();
        let kw_len = t.find(|c: char| c.is_whitespace()).unwrap_or(t.len());
        let keyword = t[..kw_len].to_ascii_uppercase();
        let keyword_span = span(start + lead, start + lead + kw_len);
        if !KEYWORDS.contains(&keyword.as_str()) {
            return Err(ParseError {
                message: format!("`{}` is not a Dockerfile instruction", &t[..kw_len]),
                span: keyword_span,
            });
        }
        let mut piece = t[kw_len..].to_string();
        let mut end = start + line.len();
        loop {
            let trimmed = piece.trim_end();
            if let Some(before) = trimmed.strip_suffix(escape) {
                args.push_str(before.trim());
                args.push(' ');
                i += 1;
                // Comment lines inside a continued instruction are dropped.
                while lines
                    .get(i)
                    .is_some_and(|(_, l)| l.trim_start().starts_with('#'))
                {
                    i += 1;
                }
                let Some((s, l)) = lines.get(i) else {
                    return Err(ParseError {
                        message: format!("`{keyword}` ends with `{escape}` and no line follows"),
                        span: span(start + lead, end),
                    });
                };
                piece = l.to_string();
                end = s + l.len();
            } else {
                args.push_str(trimmed.trim_start());
                break;
            }
        }
        i += 1;
        // Heredocs: `RUN <<EOF` … `EOF` belong to the instruction.
        for word in args.clone().split_whitespace() {
            let Some(delim) = word.strip_prefix("<<") else {
                continue;
            };
            let delim = delim.trim_start_matches('-').trim_matches(['"', '\'']);
            if delim.is_empty() {
                continue;
            }
            loop {
                let Some((s, l)) = lines.get(i) else {
                    return Err(ParseError {
                        message: format!("heredoc `<<{delim}` is not closed by a `{delim}` line"),
                        span: span(start + lead, end),
                    });
                };
                i += 1;
                end = s + l.len();
                if l.trim() == delim {
                    break;
                }
                args.push('\n');
                args.push_str(l);
            }
        }
        let args = args.trim().to_string();
        // Docker runs a malformed exec form as a shell command.
        let exec = args
            .starts_with('[')
            .then(|| serde_json::from_str::<Vec<String>>(&args).ok())
            .flatten();
        let ins = Instruction {
            keyword,
            args,
            exec,
            span: span(start + lead, end),
            keyword_span,
            comments: std::mem::take(&mut comments),
        };
        if ins.is("FROM") {
            let words: Vec<&str> = ins
                .args
                .split_whitespace()
                .filter(|w| !w.starts_with("--"))
                .collect();
            let Some(image) = words.first() else {
                return Err(ParseError {
                    message: "`FROM` names no image".into(),
                    span: ins.span,
                });
            };
            let name = match (words.get(1), words.get(2)) {
                (Some(k), Some(n)) if k.eq_ignore_ascii_case("as") => Some(n.to_ascii_lowercase()),
                _ => None,
            };
            stages.push(Stage {
                image: (*image).to_string(),
                name,
                from: ins,
                instructions: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push(ins);
        } else if ins.is("ARG") {
            global_args.push(ins);
        } else {
            return Err(ParseError {
                message: format!(
                    "`{}` before the first `FROM`: only `ARG` may come first",
                    ins.keyword
                ),
                span: ins.keyword_span,
            });
        }
    }
    if stages.is_empty() {
        return Err(ParseError {
            message: "no `FROM`: a Dockerfile starts from an image".into(),
            span: span(0, 0),
        });
    }
    Ok(Dockerfile {
        global_args,
        stages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_instructions_continuations_and_heredocs() {
        let text = "# syntax=docker/dockerfile:1\nARG NODE=22\nFROM node:22-slim AS build\n# install\nRUN npm ci \\\n    && npm run build\nRUN <<EOF\nset -e\necho hi\nEOF\nFROM node:22-slim\nUSER 10001\nCMD [\"node\", \"server.js\"]\n";
        let d = parse(text, FileId(0)).unwrap();
        assert_eq!(d.global_args.len(), 1);
        assert_eq!(d.stages.len(), 2);
        let build = &d.stages[0];
        assert_eq!(build.name.as_deref(), Some("build"));
        assert_eq!(build.instructions[0].args, "npm ci && npm run build");
        assert_eq!(build.instructions[0].comments[0].0, " install");
        assert_eq!(
            &text[build.instructions[0].span.start..build.instructions[0].span.end],
            "RUN npm ci \\\n    && npm run build"
        );
        assert!(build.instructions[1].args.contains("echo hi"));
        let last = d.final_stage().unwrap();
        assert_eq!(
            last.instructions[1].exec.as_deref(),
            Some(&["node".to_string(), "server.js".to_string()][..])
        );
        assert!(d.is_stage("BUILD"));
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let e = parse("FROM node\nRUNN npm ci\n", FileId(0)).unwrap_err();
        assert!(
            e.message.contains("`RUNN` is not a Dockerfile instruction"),
            "{}",
            e.message
        );
        assert_eq!((e.span.start, e.span.end), (10, 14));
        let e = parse("RUN npm ci\n", FileId(0)).unwrap_err();
        assert!(
            e.message.contains("before the first `FROM`"),
            "{}",
            e.message
        );
        let e = parse("FROM node\nRUN <<EOF\necho\n", FileId(0)).unwrap_err();
        assert!(e.message.contains("heredoc"), "{}", e.message);
        let e = parse("# only a comment\n", FileId(0)).unwrap_err();
        assert!(e.message.contains("no `FROM`"), "{}", e.message);
    }
}
