//! Running the tree-sitter queries in `grammars/`: compiled once per process, walked as matches
//! whose captures are looked up by name.

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Node, Query, QueryCursor};

/// Compiles one of our own query files; they are part of the program, and a test compiles every
/// one, so a failure here is a bug in gatelint, not in the user's input.
pub fn compile(language: &Language, source: &str, file: &str) -> Query {
    Query::new(language, source)
        .unwrap_or_else(|error| panic!("grammar query {file} is invalid: {error}"))
}

/// Declares a lazily compiled query from `grammars/<language>/<file>.scm`.
macro_rules! grammar_query {
    ($name:ident, $language:expr, $file:literal) => {
        static $name: std::sync::LazyLock<tree_sitter::Query> = std::sync::LazyLock::new(|| {
            $crate::languages::query::compile(
                &$language,
                include_str!(concat!("../../../grammars/", $file)),
                $file,
            )
        });
    };
}
pub(crate) use grammar_query;

/// The captures of one match.
pub struct Captures<'q, 't> {
    query: &'q Query,
    nodes: Vec<(u32, Node<'t>)>,
}

impl<'t> Captures<'_, 't> {
    /// The first node captured under `name`.
    pub fn get(&self, name: &str) -> Option<Node<'t>> {
        let index = self.query.capture_index_for_name(name)?;
        self.nodes
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, node)| *node)
    }
}

/// Calls `each` for every match of `query` under `node`, in document order.
pub fn for_each_match<'t>(
    query: &Query,
    node: Node<'t>,
    text: &'t str,
    mut each: impl FnMut(&Captures<'_, 't>),
) {
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, node, text.as_bytes());
    while let Some(found) = matches.next() {
        let captures = Captures {
            query,
            nodes: found
                .captures()
                .iter()
                .map(|capture| (capture.index, capture.node))
                .collect(),
        };
        each(&captures);
    }
}
