//! Handler roles: which functions a dialect found are handlers, and which are helpers a handler
//! returns through (to a fixpoint). One rule and one numbering for every language.

use std::collections::HashMap;

use crate::languages::facts::{FunctionId, Role};

/// Settles the roles of the candidate functions, given in document order: `roles[i]` holds the
/// handler role the dialect saw for candidate `i`, and `returned_calls` each `(owner, callee)`
/// where `owner` returns (or answers with) a call of `callee`. A callee of a handler or helper
/// becomes its helper. Returns the helpers made, `(callee, owner)`, in the order they were made
/// (so that a dialect can pass something down the chain), with `Role::Helper { of }` naming the
/// owner's candidate index until [`renumber`] maps it.
pub(in crate::languages) fn settle(
    roles: &mut [Option<Role>],
    returned_calls: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let mut made = Vec::new();
    loop {
        let mut changed = false;
        for &(owner, callee) in returned_calls {
            if owner != callee && roles[owner].is_some() && roles[callee].is_none() {
                roles[callee] = Some(Role::Helper {
                    of: FunctionId(owner),
                });
                made.push((callee, owner));
                changed = true;
            }
        }
        if !changed {
            return made;
        }
    }
}

/// The ids of the candidates that have a role, numbered in document order, and their roles with
/// helpers' owners renumbered. Candidates without a role are dropped.
pub(in crate::languages) fn renumber(roles: Vec<Option<Role>>) -> Vec<Option<(FunctionId, Role)>> {
    let mut ids = HashMap::new();
    for (index, role) in roles.iter().enumerate() {
        if role.is_some() {
            ids.insert(index, FunctionId(ids.len()));
        }
    }
    roles
        .into_iter()
        .enumerate()
        .map(|(index, role)| {
            let mut role = role?;
            if let Role::Helper { of } = &mut role {
                *of = ids[&of.0];
            }
            Some((ids[&index], role))
        })
        .collect()
}

/// Function names to candidate indexes; where a name is defined twice, the last definition (the
/// one a later definition leaves in place at run time).
pub(in crate::languages) fn by_name<'t>(
    names: impl IntoIterator<Item = &'t str>,
) -> HashMap<&'t str, usize> {
    names
        .into_iter()
        .enumerate()
        .map(|(index, name)| (name, index))
        .collect()
}
