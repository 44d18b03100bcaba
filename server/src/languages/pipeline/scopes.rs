//! Scopes: which function, lambda, class or block a position lies in, answered from the scope
//! nodes a query captured (each dialect's `@function`, `@lambda`, `@class`, `@block` captures),
//! without walking parents: tree-sitter finds a node's parent by descending from the root, so a
//! walk up per lookup would make extraction quadratic in wide files.

use tree_sitter::Node;

use crate::languages::query::{Matches, QueryFile};

/// The kind of a scope node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// A named function (`def`, `function`, `fn`): has a role, binds names.
    Function,
    /// An anonymous function: binds names, but is not a handler or helper.
    Lambda,
    /// A class body: not a scope for names here, but what is inside is not module level.
    Class,
    /// A block that scopes `let` bindings (Rust): binds names, but runs as part of the function
    /// around it.
    Block,
}

struct Scope {
    start: usize,
    end: usize,
    kind: ScopeKind,
    node_id: usize,
    parent: Option<usize>,
}

/// Scope nodes in document order, each knowing the innermost scope around it.
#[derive(Default)]
pub struct ScopeIndex {
    scopes: Vec<Scope>,
}

impl ScopeIndex {
    /// Builds the index from a query file's matches: each match's first capture named in
    /// `kinds` (`("function", ScopeKind::Function)`, ...) is a scope of that kind.
    pub fn from_captures<'t>(
        matches: &Matches<'_, 't>,
        file: QueryFile,
        kinds: &[(&str, ScopeKind)],
    ) -> Self {
        let mut nodes = Vec::new();
        matches.each(file, |captures| {
            nodes.extend(
                kinds
                    .iter()
                    .find_map(|(name, kind)| Some((captures.get(name)?, *kind))),
            );
        });
        Self::new(nodes)
    }

    /// Builds the index from scope nodes given in document order (as a query returns them).
    pub fn new<'t>(nodes: impl IntoIterator<Item = (Node<'t>, ScopeKind)>) -> Self {
        let mut scopes: Vec<Scope> = nodes
            .into_iter()
            .map(|(node, kind)| Scope {
                start: node.start_byte(),
                end: node.end_byte(),
                kind,
                node_id: node.id(),
                parent: None,
            })
            .collect();
        scopes.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut open: Vec<usize> = Vec::new();
        for index in 0..scopes.len() {
            while let Some(&top) = open.last() {
                if scopes[top].end >= scopes[index].end && scopes[top].start <= scopes[index].start
                {
                    break;
                }
                open.pop();
            }
            scopes[index].parent = open.last().copied();
            open.push(index);
        }
        Self { scopes }
    }

    /// The innermost scope strictly around `node` (a scope node is not around itself). The last
    /// scope starting at or before the node either holds it or is inside every scope that does,
    /// since tree nodes nest: so the answer is it or one of its ancestors.
    fn around(&self, node: Node<'_>) -> Option<usize> {
        self.around_bytes(node.start_byte(), node.end_byte(), Some(node.id()))
    }

    /// The innermost scope around the bytes `start..end` that is not the node `own`.
    fn around_bytes(&self, start: usize, end: usize, own: Option<usize>) -> Option<usize> {
        let mut candidate = self
            .scopes
            .partition_point(|scope| scope.start <= start)
            .checked_sub(1);
        while let Some(index) = candidate {
            let scope = &self.scopes[index];
            if Some(scope.node_id) != own && scope.start <= start && end <= scope.end {
                return Some(index);
            }
            candidate = scope.parent;
        }
        None
    }

    /// The range of the innermost scope holding the bytes `start..end` (a scope equal to them
    /// holds them too).
    pub fn innermost_holding(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let mut candidate = self
            .scopes
            .partition_point(|scope| scope.start <= start)
            .checked_sub(1);
        while let Some(index) = candidate {
            let scope = &self.scopes[index];
            if scope.start <= start && end <= scope.end {
                return Some((scope.start, scope.end));
            }
            candidate = scope.parent;
        }
        None
    }

    /// The innermost scope around `node` that is not of a kind in `transparent`.
    fn innermost(&self, node: Node<'_>, transparent: &[ScopeKind]) -> Option<usize> {
        self.innermost_from(self.around(node), transparent)
    }

    fn innermost_from(&self, mut index: Option<usize>, transparent: &[ScopeKind]) -> Option<usize> {
        while let Some(current) = index {
            let scope = &self.scopes[current];
            if !transparent.contains(&scope.kind) {
                return Some(current);
            }
            index = scope.parent;
        }
        None
    }

    /// The node id of the named function whose body holds `node`, unless a lambda or class
    /// lies in between (blocks are part of their function).
    pub fn enclosing_function(&self, node: Node<'_>) -> Option<usize> {
        let scope = &self.scopes[self.innermost(node, &[ScopeKind::Block])?];
        (scope.kind == ScopeKind::Function).then_some(scope.node_id)
    }

    /// [`Self::enclosing_function`] of the code at `range` (a call the timing walk recorded).
    pub fn enclosing_function_of(&self, range: crate::text::TextRange) -> Option<usize> {
        let around = self.around_bytes(range.start, range.end, None);
        let scope = &self.scopes[self.innermost_from(around, &[ScopeKind::Block])?];
        (scope.kind == ScopeKind::Function).then_some(scope.node_id)
    }

    /// The node id of the function, lambda or block that binds names used at `node`; `None` at
    /// module level. Class bodies are transparent.
    pub fn binding_scope(&self, node: Node<'_>) -> Option<usize> {
        self.innermost(node, &[ScopeKind::Class])
            .map(|index| self.scopes[index].node_id)
    }

    /// The node id of the function or lambda whose body runs `node` (classes and blocks are
    /// transparent); `None` at module level.
    pub fn body_scope(&self, node: Node<'_>) -> Option<usize> {
        self.innermost(node, &[ScopeKind::Class, ScopeKind::Block])
            .map(|index| self.scopes[index].node_id)
    }

    /// The binding scopes around `node`, innermost first, ending with `None` (module level):
    /// where a name used at `node` is looked up, in order.
    pub fn binding_chain(&self, node: Node<'_>) -> Vec<Option<usize>> {
        let mut chain = Vec::new();
        let mut index = self.around(node);
        while let Some(current) = index {
            let scope = &self.scopes[current];
            if scope.kind != ScopeKind::Class {
                chain.push(Some(scope.node_id));
            }
            index = scope.parent;
        }
        chain.push(None);
        chain
    }

    /// Whether `node` lies in a function or lambda body: code that runs when it is called, so
    /// after the module's own statements ran (a handler is called once its module has loaded).
    pub fn in_function_body(&self, node: Node<'_>) -> bool {
        let mut index = self.around(node);
        while let Some(current) = index {
            let scope = &self.scopes[current];
            if matches!(scope.kind, ScopeKind::Function | ScopeKind::Lambda) {
                return true;
            }
            index = scope.parent;
        }
        false
    }

    /// Whether `node` lies in no function, lambda or class.
    pub fn is_top_level(&self, node: Node<'_>) -> bool {
        self.around(node).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::FileKind;
    use crate::text::Document;

    #[test]
    fn answers_like_a_walk_up_the_tree() {
        let source = "def outer(event, context):\n    x = 1\n    f = lambda y: y + x\n    class C:\n        def m(self):\n            return x\n    return f\n\nz = 2\n";
        let document = Document::new(Some(FileKind::Python), source.to_owned());
        let root = document.tree().expect("parsed").root_node();
        let mut scopes = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "function_definition" => scopes.push((node, ScopeKind::Function)),
                "lambda" => scopes.push((node, ScopeKind::Lambda)),
                "class_definition" => scopes.push((node, ScopeKind::Class)),
                _ => {}
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        let functions: Vec<Node<'_>> = scopes
            .iter()
            .filter(|(_, k)| *k == ScopeKind::Function)
            .map(|(n, _)| *n)
            .collect();
        let index = ScopeIndex::new(scopes.iter().copied());
        let at = |needle: &str| {
            let offset = source.find(needle).expect("needle in source");
            root.descendant_for_byte_range(offset, offset + needle.len())
                .expect("a node")
        };
        let outer = functions
            .iter()
            .find(|f| f.start_byte() == 0)
            .expect("outer");
        let method = functions
            .iter()
            .find(|f| f.start_byte() != 0)
            .expect("method");
        assert_eq!(index.enclosing_function(at("x = 1")), Some(outer.id()));
        assert_eq!(
            index.enclosing_function(at("y + x")),
            None,
            "inside a lambda"
        );
        assert_eq!(index.enclosing_function(at("return x")), Some(method.id()));
        assert_eq!(index.binding_scope(at("return x")), Some(method.id()));
        assert!(index.is_top_level(*outer));
        assert!(!index.is_top_level(*method));
        assert!(index.is_top_level(at("z = 2")));
        assert_eq!(index.binding_scope(at("z = 2")), None);
    }
}
