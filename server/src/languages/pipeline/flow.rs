//! The response flow: which objects a handler (or a helper it returns through) answers with,
//! followed through parentheses, `await`, casts, conditionals and local variables, with the
//! entries assigned to a variable's object between its binding and the return; and the
//! response-shaped literals that stand anywhere else. Written once; a [`Dialect`] says how its
//! syntax spells each step.

use std::collections::HashSet;

use tree_sitter::Node;

use super::bindings::{Bindings, KeyAssignment, Update, Window};
use super::scopes::ScopeIndex;
use super::MAX_DEPTH;
use crate::languages::facts::{is_status_code_literal, Entry, ObjectShape, Origin, ResponseObject};

/// How a dialect reads one returned expression.
pub(in crate::languages) enum Returned<'t> {
    /// A response-object literal (`{...}`, `dict(...)`, the object inside `json!(...)`).
    Object(Node<'t>),
    /// Expressions it evaluates to: the inside of parentheses, `await` and casts, both branches
    /// of a conditional.
    Through(Vec<Node<'t>>),
    /// A name, resolved through its visible binding.
    Name,
    /// Anything else: not followed.
    Other,
}

/// What a language tells the flow about its syntax; the rest of the flow is shared.
pub(in crate::languages) trait Dialect<'t> {
    fn text(&self) -> &'t str;
    fn scopes(&self) -> &ScopeIndex;
    fn bindings(&self) -> &Bindings<'t>;
    /// How a returned expression is read.
    fn returned(&self, value: Node<'t>) -> Returned<'t>;
    /// The object literal a variable is bound to, if it is bound to one.
    fn bound_object(&self, bound: Node<'t>) -> Option<Node<'t>>;
    /// The entries of an object literal; `None` when it is not one the dialect reads.
    fn object_entries(&self, object: Node<'t>) -> Option<(Vec<Entry>, ObjectShape)>;
    /// The entry `target[key] = value` sets; `None` when its key is not a known string (the
    /// object becomes opaque).
    fn assigned_entry(&self, assignment: &KeyAssignment<'t>) -> Option<Entry>;
    /// The entries an update merges in, and whether it may merge keys the file does not show.
    fn updated_entries(&self, update: &Update<'t>) -> (Vec<Entry>, ObjectShape);
    /// Whether code in `window` may change the object in ways no assignment shows (Rust's
    /// `as_object_mut()`).
    fn hidden_changes(&self, _window: Window<'_>) -> bool {
        false
    }
    /// The response object for `object` with these entries (its edit style is the dialect's).
    fn response_object(
        &self,
        object: Node<'t>,
        entries: Vec<Entry>,
        shape: ObjectShape,
        origin: Origin,
    ) -> ResponseObject;
}

/// The response objects found in one file, each object once.
#[derive(Default)]
pub(in crate::languages) struct Responses {
    seen: HashSet<usize>,
    found: Vec<ResponseObject>,
}

impl Responses {
    /// Records the response objects `value`, answered with `origin`, evaluates to.
    pub fn returned<'t>(
        &mut self,
        dialect: &impl Dialect<'t>,
        origin: Origin,
        value: Node<'t>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match dialect.returned(value) {
            Returned::Object(object) => self.object(dialect, origin, object, None),
            Returned::Through(inner) => {
                for inner in inner {
                    self.returned(dialect, origin, inner, depth + 1);
                }
            }
            Returned::Name => {
                let name = &dialect.text()[value.byte_range()];
                let bindings = dialect.bindings();
                let Some(binding) = bindings.visible(dialect.scopes(), value, name) else {
                    return;
                };
                let window = Bindings::window(binding, name, value.start_byte());
                if let Some(object) = binding.value.and_then(|bound| dialect.bound_object(bound)) {
                    self.object(dialect, origin, object, Some(window));
                }
            }
            Returned::Other => {}
        }
    }

    /// A returned object, with the assignments and updates made to it in `window` (between the
    /// binding it was returned through and the return).
    fn object<'t>(
        &mut self,
        dialect: &impl Dialect<'t>,
        origin: Origin,
        object: Node<'t>,
        window: Option<Window<'_>>,
    ) {
        if !self.seen.insert(object.id()) {
            return;
        }
        let Some((mut entries, mut shape)) = dialect.object_entries(object) else {
            return;
        };
        if let Some(window) = window {
            let bindings = dialect.bindings();
            for assignment in bindings.assignments_in(window) {
                match dialect.assigned_entry(assignment) {
                    Some(entry) => entries.push(Entry {
                        assigned_later: true,
                        ..entry
                    }),
                    None => shape = ObjectShape::Opaque,
                }
            }
            for update in bindings.updates_in(window) {
                let (more, more_shape) = dialect.updated_entries(update);
                entries.extend(more.into_iter().map(|entry| Entry {
                    assigned_later: true,
                    ..entry
                }));
                if more_shape == ObjectShape::Opaque {
                    shape = ObjectShape::Opaque;
                }
            }
            if dialect.hidden_changes(window) {
                shape = ObjectShape::Opaque;
            }
        }
        let response = dialect.response_object(object, entries, shape, origin);
        self.found.push(response);
    }

    /// A literal no handler returns: a response when it has a `statusCode` and is not
    /// `excluded` (sample data, a test's expectation; checked last, as most literals are not
    /// response-shaped).
    pub fn literal<'t>(
        &mut self,
        dialect: &impl Dialect<'t>,
        object: Node<'t>,
        excluded: impl FnOnce(Node<'t>) -> bool,
    ) {
        if self.seen.contains(&object.id()) {
            return;
        }
        let Some((entries, shape)) = dialect.object_entries(object) else {
            return;
        };
        if is_status_code_literal(&entries) && !excluded(object) {
            self.seen.insert(object.id());
            let response =
                dialect.response_object(object, entries, shape, Origin::StatusCodeLiteral);
            self.found.push(response);
        }
    }

    /// Records a response read some other way (Rust's response structs).
    pub fn push(&mut self, response: ResponseObject) {
        self.found.push(response);
    }

    /// The responses, in document order.
    pub fn finish(mut self) -> Vec<ResponseObject> {
        self.found.sort_by_key(|response| response.range.start);
        self.found
    }
}
