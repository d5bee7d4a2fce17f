//! Line and column of any node of a YAML document, found by its path (`sections.0.items.3.id`).
//!
//! serde_yaml reports positions for the errors it finds itself, but a deserialised value
//! carries none. Checks made after deserialising (duplicate ids, unknown viewports …) know the
//! path of the value at fault; this index turns that path back into `line:column`. It is built
//! only when there is something to report, so loading a good file pays nothing for it.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Positions of every node of a document, keyed by dotted path; the root is `""`.
#[derive(Debug, Default)]
pub struct PositionIndex {
    positions: HashMap<String, Position>,
}

impl PositionIndex {
    /// Indexes `source`. A document that does not parse gives a partial index, never an error:
    /// the caller only wants positions for problems it has already found.
    pub fn build(source: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(source);
        // A parse error only stops the index early; positions found so far stay useful.
        let _ = parser.load(&mut builder, false);
        PositionIndex {
            positions: builder.positions,
        }
    }

    /// The position of the node at `path`, or of its nearest indexed ancestor.
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(position) = self.positions.get(path) {
                return Some(*position);
            }
            match path.rfind('.') {
                Some(dot) => path = &path[..dot],
                None => return self.positions.get("").copied(),
            }
        }
    }
}

enum Frame {
    Mapping { path: String, key: Option<String> },
    Sequence { path: String, next_index: usize },
}

#[derive(Default)]
struct Builder {
    positions: HashMap<String, Position>,
    stack: Vec<Frame>,
}

impl Builder {
    /// The path of the node that the next value event describes, or `None` when that event
    /// is a mapping key.
    fn next_value_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Mapping { key: None, .. }) => None,
            Some(Frame::Mapping {
                path,
                key: Some(key),
            }) => Some(join(path, key)),
            Some(Frame::Sequence { path, next_index }) => {
                let child = join(path, &next_index.to_string());
                *next_index += 1;
                Some(child)
            }
        }
    }

    /// Called after a whole value (scalar or collection) has been seen.
    fn value_done(&mut self) {
        if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
            *key = None;
        }
    }

    fn record(&mut self, path: &str, mark: Marker) {
        self.positions.entry(path.to_string()).or_insert(Position {
            line: mark.line(),
            column: mark.col() + 1,
        });
    }
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => match self.next_value_path() {
                Some(path) => {
                    self.record(&path, mark);
                    self.value_done();
                }
                None => {
                    if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
                        *key = Some(text);
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.next_value_path() {
                    self.record(&path, mark);
                }
                self.value_done_or_key();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A collection used as a mapping key has no useful path; index it under `?`.
                let path = self.next_value_path().unwrap_or_else(|| "?".to_string());
                self.record(&path, mark);
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping { path, key: None }
                    } else {
                        Frame::Sequence {
                            path,
                            next_index: 0,
                        }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done_or_key();
            }
            _ => {}
        }
    }
}

impl Builder {
    /// After an alias or a collection: if it was a key, the mapping now expects its value.
    fn value_done_or_key(&mut self) {
        if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
            *key = match key {
                Some(_) => None,
                None => Some("?".to_string()),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "id: x\nsections:\n  - id: a\n    items:\n      - id: one\n        severity: 7\n      - id: two\n";

    #[test]
    fn finds_nested_values_by_path() {
        let index = PositionIndex::build(DOC);
        assert_eq!(index.find("id"), Some(Position { line: 1, column: 5 }));
        assert_eq!(
            index.find("sections.0.items.0.severity"),
            Some(Position {
                line: 6,
                column: 19
            })
        );
        assert_eq!(
            index.find("sections.0.items.1.id"),
            Some(Position {
                line: 7,
                column: 13
            })
        );
    }

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        let index = PositionIndex::build(DOC);
        assert_eq!(
            index.find("sections.0.items.1.only.viewports.0"),
            index.find("sections.0.items.1")
        );
    }
}
