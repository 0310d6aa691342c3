//! Human-written quantities: durations (`10s`, `1h30m`, `2y`) and sizes (`750M`).
//!
//! Both are strings in YAML, validated by a schema pattern first (so a bad value is
//! reported at its line with the other schema errors) and parsed here.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, de};

use super::kinds::Kind;

/// The pattern every duration must match: one or more `<number><unit>` groups.
pub const DURATION_PATTERN: &str = r"^([0-9]+(ms|s|m|h|d|w|y))+$";
/// The pattern every size must match: a number and an optional K, M or G suffix.
pub const SIZE_PATTERN: &str = r"^[0-9]+[KMG]?$";

/// A length of time, kept in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    millis: u64,
}

impl Duration {
    pub const fn from_millis(millis: u64) -> Self {
        Self { millis }
    }
    pub const fn from_secs(secs: u64) -> Self {
        Self {
            millis: secs * 1000,
        }
    }
    pub fn millis(self) -> u64 {
        self.millis
    }
    /// Whole seconds, rounded up: a timeout must never come out shorter than asked.
    pub fn secs_ceil(self) -> u64 {
        self.millis.div_ceil(1000)
    }
    pub fn saturating_add(self, other: Duration) -> Duration {
        Duration {
            millis: self.millis.saturating_add(other.millis),
        }
    }

    /// Parses `10s`, `1h30m`, `250ms`, `2y` (a year is 365 days, as in HSTS practice).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = text.as_bytes();
        if bytes.is_empty() {
            return Err("a duration cannot be empty".into());
        }
        let mut total: u64 = 0;
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if start == i {
                return Err(format!("expected a number at `{}`", &text[i..]));
            }
            let number: u64 = text[start..i]
                .parse()
                .map_err(|_| format!("`{}` is too large", &text[start..i]))?;
            let unit_start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let factor: u64 = match &text[unit_start..i] {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                "w" => 7 * 86_400_000,
                "y" => 365 * 86_400_000,
                "" => return Err(format!("`{number}` needs a unit: ms, s, m, h, d, w or y")),
                other => {
                    return Err(format!(
                        "unknown unit `{other}`; use ms, s, m, h, d, w or y"
                    ));
                }
            };
            total = number
                .checked_mul(factor)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| format!("`{text}` is too long a duration"))?;
        }
        Ok(Self { millis: total })
    }
}

impl fmt::Display for Duration {
    /// The shortest exact human form: `1h30m`, `10s`, `250ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.millis == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.millis;
        for (unit, size) in [
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
            ("ms", 1),
        ] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Duration::parse(&text).map_err(de::Error::custom)
    }
}

impl Duration {
    pub const KIND: Kind = Kind {
        name: "Duration",
        pattern: DURATION_PATTERN,
        accepts: "a duration such as `10s`, `1h30m` or `2y`",
        why: None,
        rule: None,
    };
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": DURATION_PATTERN,
            "x-kind": "Duration",
            "description": "A duration such as `250ms`, `10s`, `1h30m`, `30d` or `2y` (units: ms, s, m, h, d, w, y; a year is 365 days).",
            "examples": ["10s", "1h30m"]
        })
    }
}

/// A memory size in bytes, written `512M`, `2G`, `64K` or a plain byte count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size {
    bytes: u64,
}

impl Size {
    pub const fn from_bytes(bytes: u64) -> Self {
        Self { bytes }
    }
    pub fn bytes(self) -> u64 {
        self.bytes
    }
    pub fn parse(text: &str) -> Result<Self, String> {
        let (digits, factor) = match text.as_bytes().last() {
            Some(b'K') => (&text[..text.len() - 1], 1u64 << 10),
            Some(b'M') => (&text[..text.len() - 1], 1u64 << 20),
            Some(b'G') => (&text[..text.len() - 1], 1u64 << 30),
            _ => (text, 1),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "`{text}` is not a size; write a number with an optional K, M or G suffix, such as `750M`"
            ));
        }
        let number: u64 = digits
            .parse()
            .map_err(|_| format!("`{text}` is too large"))?;
        number
            .checked_mul(factor)
            .map(|bytes| Self { bytes })
            .ok_or_else(|| format!("`{text}` is too large"))
    }
}

impl fmt::Display for Size {
    /// The largest exact unit, in the `K`/`M`/`G` form nginx, systemd and PM2 all accept.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (unit, size) in [("G", 1u64 << 30), ("M", 1 << 20), ("K", 1 << 10)] {
            if self.bytes >= size && self.bytes.is_multiple_of(size) {
                return write!(f, "{}{unit}", self.bytes / size);
            }
        }
        write!(f, "{}", self.bytes)
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Size::parse(&text).map_err(de::Error::custom)
    }
}

impl Size {
    pub const KIND: Kind = Kind {
        name: "Size",
        pattern: SIZE_PATTERN,
        accepts: "a size such as `750M`",
        why: None,
        rule: None,
    };
}

impl JsonSchema for Size {
    fn schema_name() -> Cow<'static, str> {
        "Size".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": SIZE_PATTERN,
            "x-kind": "Size",
            "description": "A size in bytes with an optional K, M or G suffix (powers of 1024), such as `750M`.",
            "examples": ["750M", "10M"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(Duration::parse("10s").unwrap().millis(), 10_000);
        assert_eq!(Duration::parse("1h30m").unwrap().millis(), 5_400_000);
        assert_eq!(Duration::parse("250ms").unwrap().millis(), 250);
        assert_eq!(Duration::parse("2y").unwrap().secs_ceil(), 63_072_000);
        assert_eq!(Duration::parse("1h30m").unwrap().to_string(), "1h30m");
        assert_eq!(Duration::parse("1500ms").unwrap().to_string(), "1s500ms");
        assert_eq!(Duration::from_millis(1500).secs_ceil(), 2);
        for bad in ["", "10", "s", "10x", "1.5s", "-1s", "99999999999999999999s"] {
            assert!(Duration::parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(Size::parse("750M").unwrap().bytes(), 750 << 20);
        assert_eq!(Size::parse("1024").unwrap().to_string(), "1K");
        assert_eq!(Size::parse("1536M").unwrap().to_string(), "1536M");
        assert_eq!(Size::parse("2G").unwrap().to_string(), "2G");
        for bad in ["", "M", "1.5G", "10MB", "-1"] {
            assert!(Size::parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
