//! Quoting for each target language. Every filter refuses what its language cannot
//! carry, so a value that slipped past the schema still cannot change a file's meaning.

use minijinja::{Error, ErrorKind, Value};

fn refuse(language: &str, value: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{value:?} cannot be written safely into {language}: {why}"),
    )
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// An nginx argument: bare when it is one plain token, else double-quoted.
/// `$` is refused because nginx expands variables inside quotes too.
pub fn nginx(value: &str) -> Result<String, Error> {
    if has_control(value) {
        return Err(refuse("nginx", value, "control characters or newlines"));
    }
    if value.contains('$') {
        return Err(refuse(
            "nginx",
            value,
            "`$` would be expanded as a variable",
        ));
    }
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/:@=+,~*-".contains(&b));
    if plain {
        return Ok(value.to_string());
    }
    Ok(format!(
        "\"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// A systemd unit value (one line): `%` specifiers are escaped as `%%`, and a
/// leading space or a trailing backslash, which systemd would eat, is refused.
pub fn systemd(value: &str) -> Result<String, Error> {
    if has_control(value) {
        return Err(refuse(
            "a systemd unit",
            value,
            "control characters or newlines",
        ));
    }
    if value.ends_with('\\') {
        return Err(refuse(
            "a systemd unit",
            value,
            "a trailing `\\` continues the line",
        ));
    }
    if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
        return Err(refuse(
            "a systemd unit",
            value,
            "systemd trims white space at either end of a value",
        ));
    }
    Ok(value.replace('%', "%%"))
}

/// One `Environment=` assignment, double-quoted with C-style escapes (systemd does
/// not expand `$` in `Environment=`, only `%` specifiers).
pub fn systemd_env(key: &str, value: &str) -> Result<String, Error> {
    if has_control(value) || has_control(key) {
        return Err(refuse(
            "a systemd unit",
            value,
            "control characters or newlines",
        ));
    }
    Ok(format!(
        "\"{key}={}\"",
        value
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('%', "%%")
    ))
}

/// A word of a systemd command line (`ExecStart=`): plain paths and flags stay bare,
/// anything else is double-quoted; `$` and `%` are escaped.
pub fn systemd_word(value: &str) -> Result<String, Error> {
    if has_control(value) {
        return Err(refuse(
            "a systemd command line",
            value,
            "control characters or newlines",
        ));
    }
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/:@=+,-".contains(&b));
    if plain {
        return Ok(value.to_string());
    }
    Ok(format!(
        "\"{}\"",
        value
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('%', "%%")
            .replace('$', "$$")
    ))
}

/// A bash word: bare when it is plainly safe, else single-quoted.
pub fn shell(value: &str) -> Result<String, Error> {
    if value.contains('\0') {
        return Err(refuse("bash", value, "a NUL byte"));
    }
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/:@=+,-%".contains(&b));
    if plain {
        return Ok(value.to_string());
    }
    Ok(format!("'{}'", value.replace('\'', r"'\''")))
}

/// A word of a command in a sudoers file: sudoers' own special characters are
/// backslash-escaped; white space, quotes, wildcards and anything else a sudoers
/// rule could read as syntax or a pattern are refused.
pub fn sudoers(value: &str) -> Result<String, Error> {
    let safe = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/@+-=:,".contains(&b));
    if !safe {
        return Err(refuse(
            "a sudoers rule",
            value,
            "only letters, digits and `._/@+-=:,` are allowed in a command word",
        ));
    }
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, ',' | ':' | '=' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(out)
}

/// A JavaScript literal: JSON, which is valid JavaScript for every value.
pub fn js(value: &Value) -> Result<String, Error> {
    let json = serde_json::to_string(value)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("not JSON: {e}")))?;
    // JSON allows U+2028/U+2029 in strings; escape them for older JavaScript parsers.
    Ok(json
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}

/// A comment line: control characters would end the comment, and so would the
/// line and paragraph separators U+2028/U+2029 in JavaScript.
pub fn comment(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                '?'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_quoting() {
        assert_eq!(nginx("/srv/app/public/").unwrap(), "/srv/app/public/");
        assert_eq!(
            nginx("default-src 'self'; img-src *").unwrap(),
            "\"default-src 'self'; img-src *\""
        );
        assert_eq!(nginx(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert!(nginx("a$b").is_err());
        assert!(nginx("a\nb").is_err());
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell("/srv/app").unwrap(), "/srv/app");
        assert_eq!(
            shell("npm ci --include=dev").unwrap(),
            "'npm ci --include=dev'"
        );
        assert_eq!(shell("it's $(x)").unwrap(), r"'it'\''s $(x)'");
        assert_eq!(shell("").unwrap(), "''");
    }

    #[test]
    fn systemd_quoting() {
        assert_eq!(systemd("50% off").unwrap(), "50%% off");
        assert!(systemd("a\\").is_err());
        assert_eq!(
            systemd_env("GREETING", "say \"hi\" $HOME 100%").unwrap(),
            r#""GREETING=say \"hi\" $HOME 100%%""#
        );
        assert_eq!(systemd_word("--flag=a b").unwrap(), "\"--flag=a b\"");
    }

    #[test]
    fn sudoers_quoting() {
        assert_eq!(sudoers("/usr/sbin/nginx").unwrap(), "/usr/sbin/nginx");
        assert_eq!(sudoers("-g=a:b,c").unwrap(), r"-g\=a\:b\,c");
        assert!(sudoers("a b").is_err());
        assert!(sudoers("*").is_err());
        assert!(sudoers("").is_err());
    }

    #[test]
    fn comments_never_end_early() {
        assert_eq!(comment("a\u{2028}b\nc\u{2029}"), "a?b?c?");
    }

    #[test]
    fn js_quoting() {
        let v = Value::from("</script>\u{2028}'\"");
        assert_eq!(js(&v).unwrap(), "\"</script>\\u2028'\\\"\"");
    }
}
