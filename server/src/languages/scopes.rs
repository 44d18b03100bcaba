//! Which function, lambda or class a position lies in, answered from the scope nodes a query
//! captured, without walking parents: tree-sitter finds a node's parent by descending from the
//! root, so a walk up per lookup would make extraction quadratic in wide files.

use tree_sitter::Node;

/// The kind of a scope node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// A named function (`def`, `function`, `fn`): has a role, binds names.
    Function,
    /// An anonymous function: binds names, but is not a handler or helper.
    Lambda,
    /// A class body: not a scope for names here, but what is inside is not module level.
    Class,
}

struct Scope {
    start: usize,
    end: usize,
    kind: ScopeKind,
    node_id: usize,
    parent: Option<usize>,
}

/// Scope nodes in document order, each knowing the innermost scope around it.
pub struct ScopeIndex {
    scopes: Vec<Scope>,
}

impl ScopeIndex {
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
        let (start, end) = (node.start_byte(), node.end_byte());
        let mut candidate = self
            .scopes
            .partition_point(|scope| scope.start <= start)
            .checked_sub(1);
        while let Some(index) = candidate {
            let scope = &self.scopes[index];
            if scope.node_id != node.id() && scope.start <= start && end <= scope.end {
                return Some(index);
            }
            candidate = scope.parent;
        }
        None
    }

    /// The node id of the named function whose body holds `node`, unless a lambda or class
    /// lies in between.
    pub fn enclosing_function(&self, node: Node<'_>) -> Option<usize> {
        let scope = &self.scopes[self.around(node)?];
        (scope.kind == ScopeKind::Function).then_some(scope.node_id)
    }

    /// The node id of the function or lambda that binds names used at `node`; `None` at module
    /// level. Class bodies are transparent.
    pub fn binding_scope(&self, node: Node<'_>) -> Option<usize> {
        let mut index = self.around(node);
        while let Some(current) = index {
            let scope = &self.scopes[current];
            if scope.kind != ScopeKind::Class {
                return Some(scope.node_id);
            }
            index = scope.parent;
        }
        None
    }

    /// Whether `node` lies in no function, lambda or class.
    pub fn is_top_level(&self, node: Node<'_>) -> bool {
        self.around(node).is_none()
    }
}
