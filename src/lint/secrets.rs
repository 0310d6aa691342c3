//! What looks like a secret in an environment variable (shared by the unit and
//! ecosystem rules).

const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "ACCESS_KEY",
];

/// True when a variable's name says it holds a secret (and its value could be one:
/// not empty, a number of up to six digits or a boolean, as in `TOKEN_TTL=3600` or
/// `PASSWORD_RESET_ENABLED=true`), or its value is a URL with a password
/// (`scheme://user:password@host`).
pub fn looks_secret(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let setting = value.is_empty()
        || (value.len() <= 6 && value.bytes().all(|b| b.is_ascii_digit()))
        || matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off"
        );
    if SECRET_WORDS.iter().any(|w| upper.contains(w)) && !setting {
        return true;
    }
    value.split_once("://").is_some_and(|(_, rest)| {
        rest.contains('@')
            && rest
                .split('@')
                .next()
                .is_some_and(|auth| auth.contains(':'))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets() {
        assert!(super::looks_secret("DATABASE_PASSWORD", "x"));
        assert!(super::looks_secret("DATABASE_URL", "postgres://u:p@db/x"));
        assert!(!super::looks_secret("DATABASE_URL", "postgres://db/x"));
        assert!(!super::looks_secret("TOKEN_TTL", ""));
        assert!(!super::looks_secret("TOKEN_TTL", "3600"));
        assert!(!super::looks_secret("PASSWORD_RESET_ENABLED", "true"));
        assert!(super::looks_secret("API_TOKEN", "3f9a0c"));
        assert!(super::looks_secret("DB_PASSWORD", "20261205123"));
    }
}
