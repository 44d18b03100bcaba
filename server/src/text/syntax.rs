//! Where a tree-sitter tree records syntax errors: the first one to report, and every region the
//! grammar could not read (for the template model to stay silent about).

use tree_sitter::{Node, Tree};

use super::TextRange;

/// Where the first syntax error is: the first line of the first ERROR or MISSING node.
pub fn first_syntax_error(tree: &Tree, text: &str) -> Option<TextRange> {
    let node = first_error_node(tree)?;
    let start = node.start_byte().min(text.len());
    let end = node.end_byte().min(text.len()).max(start);
    Some(TextRange::new(start, end).first_line(text))
}

fn first_error_node(tree: &Tree) -> Option<Node<'_>> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_missing() {
            return Some(node);
        }
        // An ERROR node often wraps everything from the last good statement on; the innermost
        // first ERROR is where the text really goes wrong.
        let mut children = node.walk();
        let nested_error = node.children(&mut children).any(|child| child.has_error());
        if node.is_error() && !nested_error {
            return Some(node);
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}

/// The ranges of the outermost ERROR and MISSING nodes: the text the grammar could not read.
pub fn error_ranges(tree: &Tree) -> Vec<TextRange> {
    let mut ranges = Vec::new();
    let root = tree.root_node();
    if !root.has_error() {
        return ranges;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            ranges.push(TextRange::of_node(&node));
        } else if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return ranges;
            }
        }
    }
}
