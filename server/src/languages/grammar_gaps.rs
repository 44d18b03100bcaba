//! Valid syntax the tree-sitter grammars reject. tree-sitter-javascript 0.25 and
//! tree-sitter-typescript 0.23 (the newest releases) read a few valid constructs as errors: a bare
//! `&` in JSX text or attribute strings, a keyword as a JSX attribute name (`for=`, `class=`, in the
//! JavaScript grammar), `/ >` closing a JSX tag, `f<typeof import('m')>()`, import attributes the
//! grammar lacks (`assert { ... }`, `export ... from '...' with { ... }`) and the escapes a tagged
//! template allows (`String.raw`\u...``). There is no second JavaScript parser to ask, so the
//! error nodes themselves are the evidence: an error whose shape is one of these constructs is
//! rewritten in place (same length, same lines) into syntax the grammar reads, and the text is
//! parsed again. When nothing else is left, the file only holds grammar gaps; when the first error
//! left is none of them, it is a syntax error, at the same place as in the file.

use tree_sitter::{Node, Tree};

use crate::files::FileKind;
use crate::text::{first_syntax_error, parse, TextRange};

/// What the parse errors of a file are.
#[derive(Debug)]
pub enum SyntaxProblem {
    /// A syntax error (or one gatelint cannot tell from a grammar gap): the first line of it.
    Error(TextRange),
    /// Only valid constructs the grammar does not read: the first of them, what it is, and the
    /// file as the grammar reads it.
    GrammarGap {
        range: TextRange,
        construct: &'static str,
        read: Box<Rewritten>,
    },
}

/// A file with its grammar gaps rewritten: the same length and lines, so every offset is the
/// file's own; only the `rewritten` ranges differ from it.
#[derive(Debug)]
pub struct Rewritten {
    pub text: String,
    pub tree: Tree,
    pub rewritten: Vec<TextRange>,
}

/// Rewriting and parsing again stops after this many rounds (each rewrites every recognised
/// error of its tree).
const MAX_ROUNDS: usize = 4;
/// Error nodes looked at per round.
const MAX_ERRORS: usize = 256;

const AMPERSAND: &str = "a bare `&` in JSX text or a JSX attribute string";
const KEYWORD_ATTRIBUTE: &str = "a keyword as a JSX attribute name (`for=`, `class=`)";
const SELF_CLOSING: &str = "a space inside a JSX tag's `/>`";
const TYPEOF_IMPORT: &str = "`typeof import('...')` as a type argument";
const IMPORT_ATTRIBUTES: &str = "import attributes (`with { type: \"json\" }`, `assert { ... }`)";
const TAGGED_ESCAPE: &str = "an escape a tagged template allows (`String.raw`)";

/// The JavaScript keywords the JavaScript grammar will not read as a JSX attribute name.
const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "export",
    "extends",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "return",
    "switch",
    "this",
    "throw",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
];

/// What the parse errors of a handler file are; `None` when it has none.
pub fn syntax_problem(kind: FileKind, tree: &Tree, text: &str) -> Option<SyntaxProblem> {
    let first = first_syntax_error(tree, text)?;
    if !matches!(
        kind,
        FileKind::JavaScript | FileKind::TypeScript | FileKind::Tsx
    ) {
        return Some(SyntaxProblem::Error(first));
    }
    let mut gap: Option<(TextRange, &'static str)> = None;
    let mut patched: Option<(String, Tree)> = None;
    let mut rewritten: Vec<TextRange> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let (current_tree, current_text) = match &patched {
            Some((patched_text, patched_tree)) => (patched_tree, patched_text.as_str()),
            None => (tree, text),
        };
        let errors = innermost_errors(current_tree);
        if errors.is_empty() {
            break;
        }
        let mut edits: Vec<(usize, String)> = Vec::new();
        for (index, (error, ancestors)) in errors.iter().enumerate() {
            match recognise(kind, *error, ancestors, current_text) {
                Some((construct, mut rewrite)) => {
                    let at = TextRange::of_node(error).first_line(current_text);
                    if gap.is_none_or(|(range, _)| at.start < range.start) {
                        gap = Some((at, construct));
                    }
                    edits.append(&mut rewrite);
                }
                None if index == 0 => {
                    return Some(SyntaxProblem::Error(
                        first_syntax_error(current_tree, current_text).unwrap_or(first),
                    ));
                }
                None => {}
            }
        }
        let mut next = current_text.to_owned();
        for (at, replacement) in edits {
            let end = at + replacement.len();
            if end <= next.len()
                && next.is_char_boundary(at)
                && next.is_char_boundary(end)
                && next[at..end].matches('\n').count() == replacement.matches('\n').count()
            {
                next.replace_range(at..end, &replacement);
                rewritten.push(TextRange::new(at, end));
            }
        }
        let Some(next_tree) = parse(kind, &next, None) else {
            return Some(SyntaxProblem::Error(first));
        };
        patched = Some((next, next_tree));
    }
    match (patched, gap) {
        (Some((patched_text, patched_tree)), Some((range, construct))) => {
            match first_syntax_error(&patched_tree, &patched_text) {
                // Errors left after the last round: the first is a real one.
                Some(error) => Some(SyntaxProblem::Error(error)),
                None => Some(SyntaxProblem::GrammarGap {
                    range,
                    construct,
                    read: Box::new(Rewritten {
                        text: patched_text,
                        tree: patched_tree,
                        rewritten,
                    }),
                }),
            }
        }
        _ => Some(SyntaxProblem::Error(first)),
    }
}

/// The innermost ERROR nodes (no error inside) and MISSING nodes, in document order, each with
/// its ancestors (outermost first).
fn innermost_errors(tree: &Tree) -> Vec<(Node<'_>, Vec<Node<'_>>)> {
    let mut found = Vec::new();
    let root = tree.root_node();
    if !root.has_error() {
        return found;
    }
    let mut ancestors: Vec<Node<'_>> = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let mut descend = false;
        if node.is_missing() {
            found.push((node, ancestors.clone()));
        } else if node.has_error() {
            let mut children = node.walk();
            let nested_error = node.children(&mut children).any(|child| child.has_error());
            if node.is_error() && !nested_error {
                found.push((node, ancestors.clone()));
            } else {
                descend = true;
            }
        }
        if found.len() >= MAX_ERRORS {
            return found;
        }
        if descend && cursor.goto_first_child() {
            ancestors.push(node);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
            ancestors.pop();
        }
    }
}

/// The construct an error node is, with the same-length rewrites (offset, new text) that make it
/// syntax the grammar reads; `None` for anything else.
fn recognise(
    kind: FileKind,
    error: Node<'_>,
    ancestors: &[Node<'_>],
    text: &str,
) -> Option<(&'static str, Vec<(usize, String)>)> {
    if error.is_missing() {
        return None;
    }
    let own = text.get(error.byte_range())?;
    // The nearest ancestor that is no ERROR, and the one above it.
    let mut real = ancestors.iter().rev().filter(|node| !node.is_error());
    let parent = real.next();
    let grandparent = real.next();
    let parent_kind = parent.map(Node::kind);

    // `<a href="?a=1&b=2">`, `<p>Fish & chips</p>`: `&` starting no character reference.
    if own.starts_with('&') {
        let in_attribute =
            parent_kind == Some("string") && grandparent.map(Node::kind) == Some("jsx_attribute");
        let in_text = matches!(parent_kind, Some("jsx_element" | "jsx_fragment"));
        if in_attribute || in_text {
            return Some((AMPERSAND, vec![(error.start_byte(), "_".to_owned())]));
        }
    }

    // `<img src={logo} / >`.
    if own == "/" && parent_kind == Some("jsx_opening_element") {
        let after = &text[error.end_byte()..];
        let space = after.len() - after.trim_start().len();
        if space > 0 && after[space..].starts_with('>') {
            let rewritten = format!("{}/>", &after[..space]);
            return Some((SELF_CLOSING, vec![(error.start_byte(), rewritten)]));
        }
    }

    // `<Label for="name">` (the TypeScript grammars read it).
    if kind == FileKind::JavaScript {
        let in_tag = matches!(
            parent_kind,
            Some("jsx_opening_element" | "jsx_self_closing_element")
        );
        if let Some(rewrite) = keyword_attribute(error, in_tag, text) {
            return Some((KEYWORD_ATTRIBUTE, vec![rewrite]));
        }
    }

    // `String.raw`C:\users``: a tagged template's escapes need not be valid ones.
    if own.starts_with('\\')
        && parent_kind == Some("template_string")
        && grandparent.map(Node::kind) == Some("call_expression")
    {
        return Some((TAGGED_ESCAPE, vec![(error.start_byte(), "_".to_owned())]));
    }

    if matches!(kind, FileKind::TypeScript | FileKind::Tsx) {
        if let Some(rewrite) = typeof_import_argument(error, text) {
            return Some((TYPEOF_IMPORT, vec![rewrite]));
        }
    }

    if let Some(rewrite) = import_attributes(error, text) {
        return Some((IMPORT_ATTRIBUTES, vec![rewrite]));
    }
    None
}

/// `<Tag for="x">` read as an ERROR holding `<`, the tag's name, the keyword and `=` (or, inside a
/// tag the grammar did read, the keyword and `=`): the keyword becomes an identifier of the same
/// length.
fn keyword_attribute(error: Node<'_>, in_tag: bool, text: &str) -> Option<(usize, String)> {
    let mut cursor = error.walk();
    let children: Vec<Node<'_>> = error.children(&mut cursor).collect();
    let skip = if in_tag {
        0
    } else {
        children.iter().position(|child| child.kind() == "<")? + 2
    };
    children.windows(2).skip(skip).find_map(|pair| {
        let word = text.get(pair[0].byte_range())?;
        (pair[0].kind() == word && KEYWORDS.contains(&word) && pair[1].kind() == "=").then(|| {
            let mut renamed = word[..1].to_owned();
            renamed.push_str(&"_".repeat(word.len() - 1));
            (pair[0].start_byte(), renamed)
        })
    })
}

/// `importOriginal<typeof import('m')>()` read as `importOriginal < typeof import('m')` and an
/// ERROR `>()`: the type query becomes a type name of the same length.
fn typeof_import_argument(error: Node<'_>, text: &str) -> Option<(usize, String)> {
    let own = text.get(error.byte_range())?;
    if !own.starts_with('>') || !own[1..].trim_start().starts_with('(') {
        return None;
    }
    let before = &text[..error.start_byte()];
    let window_start = floor_char_boundary(before, before.len().saturating_sub(400));
    let query_at = window_start + before[window_start..].rfind("typeof")?;
    if !before[..query_at].trim_end().ends_with('<') {
        return None;
    }
    let query = &before[query_at..];
    let rest = query["typeof".len()..].trim_start();
    let rest = rest
        .strip_prefix("import")?
        .trim_start()
        .strip_prefix('(')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let close = rest[1..].find(quote)? + 1;
    let rest = rest[close + 1..].trim_start().strip_prefix(')')?;
    // `typeof import('m').Name.Other`
    let members_ok = rest.trim_end().split('.').skip(1).all(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    });
    if !(rest.trim_end().is_empty() || rest.starts_with('.') && members_ok) {
        return None;
    }
    Some((query_at, same_length("T", query)))
}

/// `from './x.json' assert { type: 'json' }` (and `with` where the grammar lacks it, as after
/// `export ... from`) on the error's lines: the attributes become spaces.
fn import_attributes(error: Node<'_>, text: &str) -> Option<(usize, String)> {
    let line_start = text[..error.start_byte()]
        .rfind('\n')
        .map_or(0, |at| at + 1);
    let window_end = floor_char_boundary(text, (error.end_byte() + 1).min(text.len()));
    let window = &text[line_start..window_end];
    for keyword in ["assert", "with"] {
        let mut from = 0;
        while let Some(found) = window[from..].find(keyword) {
            let at = from + found;
            from = at + keyword.len();
            let before = window[..at].trim_end();
            if before.len() == window[..at].len() {
                continue;
            }
            // The module specifier, after `from` or `import`.
            let Some(quote) = before.chars().last().filter(|c| matches!(c, '\'' | '"')) else {
                continue;
            };
            let Some(open) = before[..before.len() - 1].rfind(quote) else {
                continue;
            };
            let head = before[..open].trim_end();
            if !(head.ends_with("from") || head.ends_with("import")) {
                continue;
            }
            let start = line_start + at;
            let after = text[start + keyword.len()..].trim_start();
            let Some(body) = after.strip_prefix('{') else {
                continue;
            };
            let Some(close) = body.find('}') else {
                continue;
            };
            if !attribute_entries(&body[..close]) {
                continue;
            }
            let end = text.len() - body.len() + close + 1;
            return Some((start, same_length("", &text[start..end])));
        }
    }
    None
}

/// `type: "json"`, comma-separated, keys names or strings, values strings.
fn attribute_entries(body: &str) -> bool {
    let string = |value: &str| {
        let value = value.trim();
        value.len() >= 2
            && matches!(value.as_bytes()[0], b'"' | b'\'')
            && value.as_bytes()[value.len() - 1] == value.as_bytes()[0]
    };
    body.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .all(|entry| {
            entry.split_once(':').is_some_and(|(key, value)| {
                let key = key.trim();
                (string(key)
                    || !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '$'))
                    && string(value)
            })
        })
}

/// `prefix` followed by spaces, keeping every line break of `original`, as long as `original`.
fn same_length(prefix: &str, original: &str) -> String {
    let mut out = String::with_capacity(original.len());
    out.push_str(prefix);
    let mut skipped = 0;
    for c in original.chars() {
        if skipped < prefix.len() {
            skipped += c.len_utf8();
            continue;
        }
        match c {
            '\n' | '\r' => out.push(c),
            _ => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
        }
    }
    out
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::{syntax_problem, SyntaxProblem};
    use crate::files::FileKind;
    use crate::text::parse;

    fn problem(kind: FileKind, text: &str) -> Option<SyntaxProblem> {
        let tree = parse(kind, text, None).expect("a tree");
        syntax_problem(kind, &tree, text)
    }

    fn gap(kind: FileKind, text: &str) -> Option<&'static str> {
        match problem(kind, text) {
            Some(SyntaxProblem::GrammarGap {
                construct, read, ..
            }) => {
                assert_eq!(read.text.len(), text.len());
                assert_eq!(read.text.lines().count(), text.lines().count());
                Some(construct)
            }
            _ => None,
        }
    }

    fn error_at(kind: FileKind, text: &str) -> Option<usize> {
        match problem(kind, text) {
            Some(SyntaxProblem::Error(range)) => Some(range.start),
            _ => None,
        }
    }

    #[test]
    fn valid_code_the_grammars_lack_is_a_gap() {
        let js = FileKind::JavaScript;
        let ts = FileKind::TypeScript;
        assert!(gap(js, "const a = <a href=\"?a=1&b=2\">x</a>;\n").is_some());
        assert!(gap(js, "const a = <p>Fish & chips</p>;\n").is_some());
        assert!(gap(
            js,
            "const a = <div><label for=\"x\">y</label><p class=\"z\">w</p></div>;\n"
        )
        .is_some());
        assert!(gap(js, "const a = <img alt=\"logo\" / >;\n").is_some());
        assert!(gap(FileKind::Tsx, "const a = <img alt=\"logo\" / >;\n").is_some());
        assert!(gap(js, "import d from './d.json' assert { type: 'json' };\n").is_some());
        assert!(gap(js, "export { a } from './a.json' with { type: 'json' };\n").is_some());
        assert!(gap(ts, "export { a } from './a.json' with { type: 'json' };\n").is_some());
        assert!(gap(js, "const a = String.raw`\\uc1`;\n").is_some());
        assert!(gap(ts, "const m = await load<typeof import('m')>();\n").is_some());
        assert!(gap(ts, "const m = await load<typeof import(\"m\").Inner>();\n").is_some());
        assert!(gap(FileKind::Tsx, "const m = load<typeof import('m')>();\n").is_some());
    }

    #[test]
    fn syntax_errors_stay_errors() {
        let js = FileKind::JavaScript;
        let ts = FileKind::TypeScript;
        // An untagged template's escapes must be valid.
        assert!(error_at(js, "const a = `\\uc1`;\n").is_some());
        assert!(error_at(js, "const class = 1;\n").is_some());
        assert!(error_at(js, "const a = b & ;\n").is_some());
        // Attribute values are strings.
        assert!(error_at(js, "import d from './d.json' assert { type: json };\n").is_some());
        assert!(error_at(ts, "const m = await load<typeof import(m)>();\n").is_some());
        // A gap first, then a real error: the error, where it is in the file.
        let text = "const a = <a href=\"?a=1&b=2\">x</a>;\nconst b = (;\n";
        assert!(error_at(js, text).is_some_and(|at| at > text.find('\n').unwrap()));
        assert!(error_at(FileKind::Python, "def f(:\n    pass\n").is_some());
        assert!(problem(js, "const a = 1;\n").is_none());
    }
}
