//! YAML text → JSON value plus a position for every key and value.
//!
//! serde-saphyr parses the YAML (it reports a line, column and byte offset for each
//! node through `Spanned`); this module walks it once into a `serde_json::Value` for
//! schema validation and typed deserialization, and records where each JSON pointer
//! came from, so every later error can point at the exact YAML text.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::{Location, Spanned};

/// A byte range in the source text with its 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub offset: usize,
    pub len: usize,
    pub line: usize,
    pub column: usize,
}

impl Pos {
    fn from_location(loc: &Location) -> Self {
        let span = loc.span();
        Self {
            offset: span.byte_offset().map(|o| o as usize).unwrap_or(0),
            len: span.byte_len().map(|l| l as usize).unwrap_or(0),
            line: loc.line() as usize,
            column: loc.column() as usize,
        }
    }
}

/// Where a JSON pointer's key and value stand in the YAML text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Place {
    /// The mapping key (absent for the document root and sequence items).
    pub key: Option<Pos>,
    pub value: Pos,
}

/// Pointer (`/routes/2/path`) → place in the YAML text.
///
/// The places are shared: an environment's index is a view of its description's
/// (`view`), found first under the environment's own pointer, so N environments
/// cost one index, not N copies of it.
#[derive(Debug, Default, Clone)]
pub struct PositionIndex {
    places: Arc<HashMap<String, Place>>,
    /// `/environments/NAME`: looked up first, then the description's own place.
    view: Option<Arc<str>>,
}

impl PositionIndex {
    pub fn get(&self, pointer: &str) -> Option<&Place> {
        if let Some(at) = &self.view
            && let Some(p) = self.places.get(&format!("{at}{pointer}"))
        {
            return Some(p);
        }
        self.places.get(pointer)
    }

    /// The index as an environment sees it: what `at` (`/environments/NAME`)
    /// writes, else the description's place. Shares the places.
    pub fn view(&self, at: &str) -> PositionIndex {
        PositionIndex {
            places: Arc::clone(&self.places),
            view: Some(Arc::from(at)),
        }
    }

    /// Makes everything at `from` (`/supervisor`, `/supervisor/kind`, …) also
    /// found at `to` (`/host/supervisor`, …): a key the loader moved is reported
    /// where it was written.
    pub fn alias(&mut self, from: &str, to: &str) {
        let moved: Vec<(String, Place)> = self
            .places
            .iter()
            .filter(|(p, _)| *p == from || p.starts_with(&format!("{from}/")))
            .map(|(p, place)| (format!("{to}{}", &p[from.len()..]), *place))
            .collect();
        Arc::make_mut(&mut self.places).extend(moved);
    }

    /// Records where a pointer the loader made up stands (at what it stands for).
    pub fn insert(&mut self, pointer: &str, place: Place) {
        Arc::make_mut(&mut self.places)
            .entry(pointer.to_string())
            .or_insert(place);
    }

    /// The place of `pointer`, or of its nearest ancestor that exists (a missing
    /// field is reported at the mapping that lacks it).
    pub fn nearest(&self, pointer: &str) -> Place {
        let mut p = pointer;
        loop {
            if let Some(place) = self.get(p) {
                return *place;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Place::default(),
            }
        }
    }
}

/// A syntax error in the YAML text itself.
#[derive(Debug, Clone)]
pub struct YamlSyntaxError {
    pub message: String,
    pub pos: Option<Pos>,
}

/// How many values one file may hold once its aliases are expanded: a
/// description holds a few hundred, a manifest stream a few thousand. Counted per
/// file, across its documents (`parse_within`), so a stream of small alias bombs
/// stops as soon as one large one would.
pub const FILE_NODE_BUDGET: usize = 200_000;

thread_local! {
    /// Values the file being parsed may still hold.
    static NODES_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

/// Parses `text` into a JSON value and the position of every node.
pub fn parse(text: &str) -> Result<(Value, PositionIndex), YamlSyntaxError> {
    let mut left = FILE_NODE_BUDGET;
    parse_within(text, &mut left)
}

/// [`parse`], spending the values it holds (aliases expanded) from `left`, the
/// budget of the file the text is part of.
pub fn parse_within(
    text: &str,
    left: &mut usize,
) -> Result<(Value, PositionIndex), YamlSyntaxError> {
    NODES_LEFT.with(|n| n.set(*left));
    let parsed = parse_counted(text);
    *left = NODES_LEFT.with(|n| n.replace(usize::MAX));
    parsed
}

fn parse_counted(text: &str) -> Result<(Value, PositionIndex), YamlSyntaxError> {
    if text.trim().is_empty() {
        return Err(YamlSyntaxError {
            message: "the file is empty; a service description is a YAML mapping".into(),
            pos: None,
        });
    }
    let node: Node = serde_saphyr::from_str(text).map_err(|e| {
        let pos = e.location().map(|l| {
            let mut pos = Pos::from_location(&l);
            // Syntax errors may carry only a line and column.
            if pos.offset == 0 && (pos.line, pos.column) > (1, 1) {
                pos.offset = offset_of(text, pos.line, pos.column);
                pos.len = usize::from(pos.offset < text.len());
            }
            pos
        });
        // serde-saphyr renders a snippet into its Display; keep only the first line,
        // our own reporter draws the snippet.
        let full = e.to_string();
        let first = full.lines().next().unwrap_or("invalid YAML");
        let first = first.strip_prefix("error: ").unwrap_or(first).to_string();
        let message = match first.split_once(": ") {
            Some((head, rest)) if head.starts_with("line ") => rest.to_string(),
            _ => first,
        };
        YamlSyntaxError { message, pos }
    })?;
    let mut index = PositionIndex::default();
    let value = node.into_json(String::new(), None, &mut index);
    Ok((value, index))
}

/// The byte offset of a 1-based line and (character) column (also used for the
/// positions shellcheck reports).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Spanned<String>, Node)>),
}

struct Node {
    value: Scalar,
    pos: Pos,
}

impl Node {
    fn into_json(self, pointer: String, key: Option<Pos>, index: &mut PositionIndex) -> Value {
        Arc::make_mut(&mut index.places).insert(
            pointer.clone(),
            Place {
                key,
                value: self.pos,
            },
        );
        match self.value {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::Number(i.into()),
            Scalar::UInt(u) => Value::Number(u.into()),
            Scalar::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
            Scalar::Str(s) => Value::String(s),
            Scalar::Seq(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, n)| n.into_json(format!("{pointer}/{i}"), None, index))
                    .collect(),
            ),
            Scalar::Map(entries) => {
                let mut map = Map::new();
                for (k, n) in entries {
                    let child = format!("{pointer}/{}", escape_pointer_segment(&k.value));
                    let key_pos = Pos::from_location(&k.referenced);
                    let v = n.into_json(child, Some(key_pos), index);
                    map.insert(k.value, v);
                }
                Value::Object(map)
            }
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(b))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Scalar::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = map.next_key::<Spanned<String>>()? {
            let v = map.next_value::<Node>()?;
            entries.push((k, v));
        }
        Ok(Scalar::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let left = NODES_LEFT.with(std::cell::Cell::get);
        if left == 0 {
            return Err(serde::de::Error::custom(format_args!(
                "the file holds more than {FILE_NODE_BUDGET} values once its aliases are expanded; svcgen stops reading it"
            )));
        }
        NODES_LEFT.with(|n| n.set(left - 1));
        let spanned = Spanned::<Scalar>::deserialize(d)?;
        Ok(Node {
            value: spanned.value,
            pos: Pos::from_location(&spanned.referenced),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_a_position() {
        let text =
            "name: api\nroutes:\n  - path: /\n    kind: proxy\n  - {path: /ws, kind: websocket}\n";
        let (value, index) = parse(text).unwrap();
        assert_eq!(value["routes"][1]["kind"], "websocket");
        let p = index.get("/routes/1/kind").unwrap();
        assert_eq!((p.value.line, p.value.column), (5, 23));
        assert_eq!(
            &text[p.value.offset..p.value.offset + p.value.len],
            "websocket"
        );
        let k = index.get("/routes/0/kind").unwrap().key.unwrap();
        assert_eq!((k.line, k.column), (4, 5));
        assert_eq!(index.nearest("/routes/0/missing").value.line, 3);
    }

    #[test]
    fn syntax_errors_and_duplicates_have_positions() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(e.pos.unwrap().line, 2);
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert!(e.message.contains("duplicate"), "{}", e.message);
        assert_eq!(e.pos.unwrap().line, 2);
        assert!(parse("  \n").is_err());
    }
}
