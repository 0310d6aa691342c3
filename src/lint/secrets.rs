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

/// True when a variable's name says it holds a secret (and it has a value), or its
/// value is a URL with a password (`scheme://user:password@host`).
pub fn looks_secret(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if SECRET_WORDS.iter().any(|w| upper.contains(w)) && !value.is_empty() {
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
    }
}
