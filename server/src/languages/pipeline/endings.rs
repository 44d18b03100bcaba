//! How a function body ends: whether some path through it completes without `return` or
//! `raise`/`throw` (falls off the end, so the function returns None / undefined), and where.
//! Written once; a dialect says what each of its statements is ([`Shape`]).
//!
//! Conservative: a construct the dialect cannot read (`try`/`finally`, a `match` or `switch` that
//! may be exhaustive, a call that may never return, a loop with an `else`) makes the answer
//! unknown, and unknown is no finding.

use tree_sitter::Node;

use super::flow::{Dialect, Returned};
use super::MAX_DEPTH;
use crate::files::Language;
use crate::languages::facts::{FallOff, FunctionId, NonObject, NonObjectKind, ValueKind};
use crate::text::TextRange;

/// What a statement is, as far as how it ends.
pub(in crate::languages) enum Shape<'t> {
    /// Statements run in order (a block).
    Sequence(Vec<Node<'t>>),
    /// Completes normally: an expression, an assignment, a definition.
    Plain,
    /// Never completes normally: `return`, `raise`/`throw`, `sys.exit()`, `break`/`continue`
    /// (jumps, read by the loop or `switch` around them).
    Exits,
    /// One of `arms` runs (each a sequence of statements); `otherwise` says what happens when
    /// none does.
    Branches {
        arms: Vec<Vec<Node<'t>>>,
        otherwise: Otherwise,
    },
    /// A loop: it ends (its condition fails, its iterable runs out, it breaks) unless it is an
    /// infinite loop (`while True`) with no `break`.
    Loop { infinite: bool, breaks: bool },
    /// Completes through a jump out of it (a `switch` with a `break`).
    Breaks,
    /// Not known.
    Unknown,
}

/// What happens when no arm of a [`Shape::Branches`] runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::languages) enum Otherwise {
    /// An arm always runs (`else`, `case _`, `default`, or a `try` whose body or handler runs).
    Exhaustive,
    /// Control goes on after the statement (an `if` without `else`).
    Falls,
    /// Not known (a `match`/`switch` that may cover every case).
    Unknown,
}

/// How a statement or body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::languages) enum Ending<'t> {
    /// Some path completes normally: at this statement, in this way.
    Falls(Node<'t>, FallOff),
    /// Every path returns, raises or jumps.
    Never,
    Unknown,
}

/// How `node` ends, reading statements with `shape`.
pub(in crate::languages) fn ending<'t>(
    node: Node<'t>,
    shape: &impl Fn(Node<'t>) -> Shape<'t>,
    depth: usize,
) -> Ending<'t> {
    if depth > MAX_DEPTH {
        return Ending::Unknown;
    }
    match shape(node) {
        Shape::Sequence(statements) => sequence(&statements, node, shape, depth),
        Shape::Plain => Ending::Falls(node, FallOff::After),
        Shape::Exits => Ending::Never,
        Shape::Branches { arms, otherwise } => {
            let mut unknown = false;
            for arm in &arms {
                match sequence(arm, node, shape, depth) {
                    Ending::Falls(at, how) => return Ending::Falls(at, how),
                    Ending::Unknown => unknown = true,
                    Ending::Never => {}
                }
            }
            match otherwise {
                Otherwise::Falls => Ending::Falls(node, FallOff::NoBranch),
                Otherwise::Unknown => Ending::Unknown,
                Otherwise::Exhaustive if unknown => Ending::Unknown,
                Otherwise::Exhaustive => Ending::Never,
            }
        }
        Shape::Loop {
            infinite: true,
            breaks: false,
        } => Ending::Never,
        Shape::Loop { .. } => Ending::Falls(node, FallOff::LoopEnds),
        Shape::Breaks => Ending::Falls(node, FallOff::After),
        Shape::Unknown => Ending::Unknown,
    }
}

/// Statements in order: the last one decides, unless one before it never completes (what follows
/// is dead) or is unknown. An empty sequence completes at `container`.
fn sequence<'t>(
    statements: &[Node<'t>],
    container: Node<'t>,
    shape: &impl Fn(Node<'t>) -> Shape<'t>,
    depth: usize,
) -> Ending<'t> {
    let mut last = Ending::Falls(container, FallOff::After);
    for statement in statements {
        match ending(*statement, shape, depth + 1) {
            Ending::Falls(at, how) => last = Ending::Falls(at, how),
            other => return other,
        }
    }
    last
}

/// Whether `node` holds a `break` (of `break_kind`, unlabelled) that leaves the loop or `switch`
/// it belongs to: nested loops, `switch`es and functions (`nested`) are not entered.
pub(in crate::languages) fn has_break(
    node: Node<'_>,
    text: &str,
    break_kind: &str,
    nested: &[&str],
) -> bool {
    if !super::super::mentions(node, text, &["break"]) {
        return false;
    }
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).any(|child| {
        if child.kind() == break_kind {
            return child.named_child_count() == 0;
        }
        !nested.contains(&child.kind()) && has_break(child, text, break_kind, nested)
    });
    found
}

/// A call statement's callee that may never return (`abort(404)`, `raise_error(...)`,
/// `fail(...)`): the path's end is then unknown.
pub(in crate::languages) fn may_not_return(callee: &str) -> bool {
    let last = callee
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(callee)
        .to_ascii_lowercase();
    [
        "raise", "abort", "fail", "throw", "exit", "die", "panic", "reject", "bail", "never",
    ]
    .iter()
    .any(|word| last.contains(word))
}

/// Whether a statement can never run: a statement before it in the same block always leaves the
/// block (`raise ...` then `return`). `exits` are the dialect's kinds of such statements.
pub(in crate::languages) fn unreachable(statement: Node<'_>, exits: &[&str]) -> bool {
    let mut previous = statement.prev_named_sibling();
    while let Some(sibling) = previous {
        if exits.contains(&sibling.kind()) {
            return true;
        }
        previous = sibling.prev_named_sibling();
    }
    false
}

/// The fall-off of a handler's `body`, if some path reaches its end: on the first line of the
/// last statement of that path. A path past an `if` on the request's method or route is marked
/// (see [`NonObject::route_dispatch`]).
pub(in crate::languages) fn fall_off<'t>(
    handler: FunctionId,
    body: Node<'t>,
    text: &str,
    shape: &impl Fn(Node<'t>) -> Shape<'t>,
) -> Option<NonObject> {
    let Ending::Falls(at, how) = ending(body, shape, 0) else {
        return None;
    };
    Some(NonObject {
        handler,
        range: TextRange::of_node(&at).first_line(text),
        what: NonObjectKind::FallsOff(how),
        route_dispatch: how == FallOff::NoBranch
            && crate::languages::escapes::is_method_guard(at, text),
    })
}

/// Reads what a handler's `return` statements answer when it is no object, for one dialect.
pub(in crate::languages) struct NonObjects<'a, D, C> {
    pub dialect: &'a D,
    pub language: Language,
    /// Statement kinds after which nothing in the same block runs.
    pub exits: &'a [&'a str],
    /// The kind of a value, as the dialect classifies it.
    pub classify: C,
}

impl<'t, D: Dialect<'t>, C: Fn(Node<'t>) -> ValueKind> NonObjects<'_, D, C> {
    /// What `statement` (a `return` of `handler`) answers when it is no object: nothing (a bare
    /// `return`), or the leaves of the returned `value` (followed as the dialect reads returned
    /// expressions) that are None/undefined, an error object, or a scalar or list. A `return`
    /// after an exit in the same block never runs and answers nothing.
    pub fn returned(
        &self,
        handler: FunctionId,
        statement: Node<'t>,
        value: Option<Node<'t>>,
        found: &mut Vec<NonObject>,
    ) {
        if unreachable(statement, self.exits) {
            return;
        }
        match value {
            None => found.push(NonObject {
                handler,
                range: TextRange::of_node(&statement),
                what: NonObjectKind::BareReturn,
                route_dispatch: false,
            }),
            Some(value) => self.leaves(handler, statement, value, 0, found),
        }
    }

    /// The first level is reported on the whole statement, deeper leaves on themselves.
    fn leaves(
        &self,
        handler: FunctionId,
        statement: Node<'t>,
        value: Node<'t>,
        depth: usize,
        found: &mut Vec<NonObject>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        if let Returned::Through(inner) = self.dialect.returned(value) {
            for inner in inner {
                self.leaves(handler, statement, inner, depth + 1, found);
            }
            return;
        }
        let range = if depth == 0 {
            TextRange::of_node(&statement)
        } else {
            TextRange::of_node(&value)
        };
        let what = match (self.classify)(value) {
            ValueKind::Null => NonObjectKind::Null,
            ValueKind::Error => NonObjectKind::Error,
            ValueKind::Bytes | ValueKind::Object(..) | ValueKind::Unknown => return,
            kind => NonObjectKind::Value(kind.describe(self.language)),
        };
        found.push(NonObject {
            handler,
            range,
            what,
            route_dispatch: false,
        });
    }
}
