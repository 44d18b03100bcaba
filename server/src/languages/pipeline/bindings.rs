//! Names bound in scopes and what code assigns to them: one lookup rule and one assignment
//! window for every language.

use std::collections::HashMap;

use tree_sitter::Node;

use super::scopes::ScopeIndex;

/// A name bound in a scope; `value` is `None` for parameters and destructured names, whose
/// values the file does not pin down (they still shadow outer bindings).
pub(in crate::languages) struct Binding<'t> {
    /// The binding scope (function, lambda or block) it is bound in; `None` at module level.
    pub scope: Option<usize>,
    /// The function or lambda body it runs in; `None` at module level.
    pub body: Option<usize>,
    pub value: Option<Node<'t>>,
    /// Where the binding statement starts.
    pub start: usize,
    /// Visible from this byte on: the end of the binding statement, so that `x = f(x)` reads the
    /// earlier `x` on its right.
    pub at: usize,
    /// Bound to a caught error (`catch (err)`, `except E as e`, an error-first callback's first
    /// parameter): its value is an exception or error object.
    pub error: bool,
}

/// `target[key] = value` (or `target.key = value`): an entry set on an object after its literal.
pub(in crate::languages) struct KeyAssignment<'t> {
    pub body: Option<usize>,
    pub target: &'t str,
    pub key: Node<'t>,
    pub value: Node<'t>,
    pub at: usize,
}

/// `target.update(...)` / `Object.assign(target, ...)`: entries merged into an object.
pub(in crate::languages) struct Update<'t> {
    pub body: Option<usize>,
    pub target: &'t str,
    pub arguments: Node<'t>,
    pub at: usize,
}

/// The stretch of code between a binding of `name` and a use of it: the assignments to the
/// bound object that the use sees.
#[derive(Clone, Copy)]
pub(in crate::languages) struct Window<'t> {
    pub body: Option<usize>,
    pub name: &'t str,
    pub from: usize,
    pub to: usize,
}

impl Window<'_> {
    /// The one assignment-window rule: an assignment counts when it targets the name, runs in
    /// the same function body as the binding (not in a nested function), and starts after the
    /// binding and before the use.
    pub fn holds(&self, body: Option<usize>, target: &str, at: usize) -> bool {
        body == self.body && target == self.name && self.from <= at && at < self.to
    }
}

/// Every binding, key assignment and update of a file, kept by the scope (or body) and name a
/// lookup asks for: a lookup costs the bindings of one name in the scopes around the use, not
/// every binding of the name in the file (a minified bundle binds `e` and `t` in each of its
/// thousands of functions).
#[derive(Default)]
pub(in crate::languages) struct Bindings<'t> {
    /// The bindings of each name in each binding scope (`None`: module level), in the order
    /// recorded.
    by_scope: HashMap<&'t str, HashMap<Option<usize>, Vec<Binding<'t>>>>,
    /// Per name: where its earliest binding becomes visible, and whether one is at module level.
    names: HashMap<&'t str, Reach>,
    /// Blocks that may not run (`if`/`else` arms, loop bodies, `try`/`except` blocks; the dialect's
    /// `@branch` captures): a binding inside one reaches a use outside it only maybe.
    pub branches: ScopeIndex,
    /// Key assignments and updates by the body they run in and the name they target, in the
    /// order recorded (document order).
    assignments: HashMap<(Option<usize>, &'t str), Vec<KeyAssignment<'t>>>,
    updates: HashMap<(Option<usize>, &'t str), Vec<Update<'t>>>,
}

/// What any binding of one name reaches: the first byte one is visible from, and whether one
/// is bound at module level.
#[derive(Clone, Copy)]
struct Reach {
    first_at: usize,
    module_level: bool,
}

impl<'t> Bindings<'t> {
    fn record(&mut self, name: &'t str, binding: Binding<'t>) {
        let reach = self.names.entry(name).or_insert(Reach {
            first_at: binding.at,
            module_level: false,
        });
        reach.first_at = reach.first_at.min(binding.at);
        reach.module_level |= binding.scope.is_none();
        self.by_scope
            .entry(name)
            .or_default()
            .entry(binding.scope)
            .or_default()
            .push(binding);
    }

    /// The bindings of `name` recorded in the binding scope `scope`.
    fn in_scope(&self, name: &str, scope: Option<usize>) -> &[Binding<'t>] {
        self.by_scope
            .get(name)
            .and_then(|scopes| scopes.get(&scope))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether some binding of `name` is visible at `at` (or, for a use in a function body
    /// (`called_later`), bound at module level anywhere): when none is, the scopes around the
    /// use are not needed.
    fn any_precedes(&self, name: &str, at: usize, called_later: bool) -> bool {
        self.names
            .get(name)
            .is_some_and(|reach| reach.first_at <= at || (called_later && reach.module_level))
    }

    /// Records `name = value` (or a parameter, with no value) bound by `statement` (visible from
    /// its end) or, with `visible_from`, from that byte.
    pub fn bind(
        &mut self,
        scopes: &ScopeIndex,
        statement: Node<'t>,
        name: &'t str,
        value: Option<Node<'t>>,
        visible_from: Option<usize>,
    ) {
        self.record(
            name,
            Binding {
                scope: scopes.binding_scope(statement),
                body: scopes.body_scope(statement),
                value,
                start: statement.start_byte(),
                at: visible_from.unwrap_or(statement.end_byte()),
                error: false,
            },
        );
    }

    /// Records a parameter of `function` (a scope node), visible in all of it.
    pub fn bind_parameter(&mut self, function: Node<'t>, name: &'t str) {
        self.record(
            name,
            Binding {
                scope: Some(function.id()),
                body: Some(function.id()),
                value: None,
                start: function.start_byte(),
                at: function.start_byte(),
                error: false,
            },
        );
    }

    /// Records `name` bound to a caught error for the code of `block` (the `catch`/`except`
    /// block or the callback's body), visible from its start. As `block` is a branch, the error
    /// reaches uses inside it only.
    pub fn bind_error(&mut self, scopes: &ScopeIndex, block: Node<'t>, name: &'t str) {
        self.record(
            name,
            Binding {
                scope: scopes.binding_scope(block),
                body: scopes.body_scope(block),
                value: None,
                start: block.start_byte(),
                at: block.start_byte(),
                error: true,
            },
        );
    }

    /// Whether every binding of `name` that may reach `node` binds a caught error (and none
    /// reassigns it): the name then holds an exception or error object.
    pub fn holds_error(&self, scopes: &ScopeIndex, node: Node<'_>, name: &str) -> bool {
        self.reaching(scopes, node, name)
            .is_some_and(|reaching| !reaching.is_empty() && reaching.iter().all(|b| b.error))
    }

    pub fn assign(
        &mut self,
        scopes: &ScopeIndex,
        statement: Node<'t>,
        target: &'t str,
        key: Node<'t>,
        value: Node<'t>,
    ) {
        let body = scopes.body_scope(statement);
        self.assignments
            .entry((body, target))
            .or_default()
            .push(KeyAssignment {
                body,
                target,
                key,
                value,
                at: statement.start_byte(),
            });
    }

    pub fn update(
        &mut self,
        scopes: &ScopeIndex,
        statement: Node<'t>,
        target: &'t str,
        arguments: Node<'t>,
    ) {
        let body = scopes.body_scope(statement);
        self.updates
            .entry((body, target))
            .or_default()
            .push(Update {
                body,
                target,
                arguments,
                at: statement.start_byte(),
            });
    }

    /// The one lookup rule: the binding of `name` visible at `node` is the last one visible
    /// before it in the innermost binding scope around it that has one, out to module level. A
    /// use inside a function body sees the module's bindings as they stand once the module has
    /// run, wherever they are written (`return UNAUTHORIZED` above `const UNAUTHORIZED = {...}`).
    pub fn visible(&self, scopes: &ScopeIndex, node: Node<'_>, name: &str) -> Option<&Binding<'t>> {
        let at = node.start_byte();
        let called_later = scopes.in_function_body(node);
        let precedes =
            |binding: &Binding<'_>| binding.at <= at || (called_later && binding.scope.is_none());
        // Most names looked up (parameters, globals) have no binding before `node` at all: then
        // the scopes around it are not needed.
        if !self.any_precedes(name, at, called_later) {
            return None;
        }
        scopes.binding_chain(node).into_iter().find_map(|scope| {
            self.in_scope(name, scope)
                .iter()
                .filter(|binding| precedes(binding))
                .max_by_key(|binding| binding.at)
        })
    }

    /// Whether `name` is bound (assigned, a parameter, destructured) in a scope around `node`, at
    /// any point, other than by the definition `function` itself (`const helper = () => ...`):
    /// a call of `name` at `node` may then call something else.
    pub fn rebinds(
        &self,
        scopes: &ScopeIndex,
        node: Node<'_>,
        name: &str,
        function: usize,
    ) -> bool {
        if !self.names.contains_key(name) {
            return false;
        }
        scopes.binding_chain(node).into_iter().any(|scope| {
            self.in_scope(name, scope)
                .iter()
                .any(|binding| binding.value.is_none_or(|value| value.id() != function))
        })
    }

    /// The bindings of `name` that may give its value at `node`: in the innermost binding scope
    /// around it that binds the name before it, the last binding, and the earlier ones while the
    /// later stand in a branch the use is not in (`x = None` then `if c: x = {...}`: both). `None`
    /// when no binding surely runs before the use (they all stand in branches), so the value may
    /// come from elsewhere.
    pub fn reaching(
        &self,
        scopes: &ScopeIndex,
        node: Node<'_>,
        name: &str,
    ) -> Option<Vec<&Binding<'t>>> {
        let at = node.start_byte();
        let called_later = scopes.in_function_body(node);
        let precedes =
            |binding: &Binding<'_>| binding.at <= at || (called_later && binding.scope.is_none());
        if !self.any_precedes(name, at, called_later) {
            return None;
        }
        for scope in scopes.binding_chain(node) {
            let mut in_scope: Vec<&Binding<'t>> = self
                .in_scope(name, scope)
                .iter()
                .filter(|binding| precedes(binding))
                .collect();
            if in_scope.is_empty() {
                continue;
            }
            in_scope.sort_by_key(|binding| std::cmp::Reverse(binding.at));
            let mut reaching = Vec::new();
            for binding in in_scope {
                reaching.push(binding);
                let surely_runs = self
                    .branches
                    .innermost_holding(binding.start, binding.at)
                    .is_none_or(|(start, end)| start <= at && at < end);
                if surely_runs {
                    return Some(reaching);
                }
            }
            return None;
        }
        None
    }

    /// The value of the first module-level binding of `name` that has one (`const handler =
    /// middy(base)` read from an export elsewhere in the module).
    pub fn module_level(&self, name: &str) -> Option<Node<'t>> {
        self.in_scope(name, None)
            .iter()
            .find_map(|binding| binding.value)
    }

    /// The window between `binding` of `name` and its use at `use_at`.
    pub fn window(binding: &Binding<'_>, name: &'t str, use_at: usize) -> Window<'t> {
        Window {
            body: binding.body,
            name,
            from: binding.at,
            to: use_at,
        }
    }

    /// The key assignments made in `window`, in document order.
    pub fn assignments_in<'b>(
        &'b self,
        window: Window<'b>,
    ) -> impl Iterator<Item = &'b KeyAssignment<'t>> + 'b {
        self.assignments
            .get(&(window.body, window.name))
            .into_iter()
            .flatten()
            .filter(move |a| window.holds(a.body, a.target, a.at))
    }

    /// The updates made in `window`, in document order.
    pub fn updates_in<'b>(
        &'b self,
        window: Window<'b>,
    ) -> impl Iterator<Item = &'b Update<'t>> + 'b {
        self.updates
            .get(&(window.body, window.name))
            .into_iter()
            .flatten()
            .filter(move |u| window.holds(u.body, u.target, u.at))
    }
}
