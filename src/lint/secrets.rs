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

/// Prefixes of credentials whose shape says what they are, whatever the
/// variable's name: AWS access key IDs, Stripe live and restricted keys, GitHub
/// and GitLab tokens, Slack tokens, a PEM private key.
const SECRET_SHAPES: &[(&str, usize)] = &[
    ("AKIA", 20),
    ("ASIA", 20),
    ("sk_live_", 16),
    ("rk_live_", 16),
    ("ghp_", 36),
    ("gho_", 36),
    ("ghs_", 36),
    ("github_pat_", 40),
    ("glpat-", 20),
    ("xoxb-", 20),
    ("xoxp-", 20),
    ("-----BEGIN", 10),
];

/// True when a value has the shape of a well-known credential (a prefix of
/// `SECRET_SHAPES` and at least its length, without blanks; or a PEM private key).
fn secret_shape(value: &str) -> bool {
    let v = value.trim();
    if v.starts_with("-----BEGIN") {
        return v.contains("PRIVATE KEY");
    }
    SECRET_SHAPES.iter().any(|(prefix, len)| {
        v.starts_with(prefix)
            && v.len() >= *len
            && v[prefix.len()..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

/// True when a variable's name says it holds a secret (and its value could be one:
/// not empty, a number of up to six digits or a boolean, as in `TOKEN_TTL=3600` or
/// `PASSWORD_RESET_ENABLED=true`), its value has a credential's shape (`AKIA…`,
/// `sk_live_…`, `ghp_…`, a PEM private key), or its value is a URL with a password
/// (`scheme://user:password@host`).
pub fn looks_secret(name: &str, value: &str) -> bool {
    if secret_shape(value) {
        return true;
    }
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
        // By shape, whatever the name.
        assert!(super::looks_secret("AWS_ID", "AKIAIOSFODNN7EXAMPLE"));
        assert!(super::looks_secret(
            "STRIPE",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
        ));
        assert!(super::looks_secret(
            "GH",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
        ));
        assert!(!super::looks_secret("REGION", "AKIA"));
        assert!(!super::looks_secret("GREETING", "sk_live_ is a prefix"));
    }
}
