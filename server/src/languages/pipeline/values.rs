//! Value kinds the pipeline derives the same way in every language.

use crate::languages::facts::ValueKind;

/// The kind both branches of a conditional share (`a if c else b`, `c ? a : b`), or unknown.
pub(in crate::languages) fn same_kind(a: ValueKind, b: ValueKind) -> ValueKind {
    match (&a, &b) {
        (x, y) if x.is_stringy() && y.is_stringy() => ValueKind::String,
        (ValueKind::Bytes, ValueKind::Bytes) => ValueKind::Bytes,
        (ValueKind::Error, ValueKind::Error) => ValueKind::Error,
        (
            ValueKind::Integer(_) | ValueKind::Float(_) | ValueKind::Number,
            ValueKind::Integer(_) | ValueKind::Float(_) | ValueKind::Number,
        ) => ValueKind::Number,
        (ValueKind::Object(..), ValueKind::Object(..)) => a,
        (ValueKind::Array(_), ValueKind::Array(_)) => a,
        _ => ValueKind::Unknown,
    }
}

/// The kind of a name that any of `kinds` (the values of the bindings that may reach a use) may
/// give: one binding's own kind, or the kind they all share, or unknown.
pub(in crate::languages) fn reaching_kind(kinds: Vec<ValueKind>) -> ValueKind {
    let mut kinds = kinds.into_iter();
    let Some(first) = kinds.next() else {
        return ValueKind::Unknown;
    };
    kinds.fold(first, same_kind)
}

/// The kind of `left <operator> right` for an arithmetic operator, when the operands show it is a
/// number: `-`, `/`, `//`, `**` and `+` with a number on either side (any other operand would
/// raise, or in JavaScript `-`, `*`, `/`, `%`, `**` always give a number), `*` and `%` with
/// numbers on both sides (Python repeats and formats strings with them).
pub(in crate::languages) fn arithmetic(
    operator: &str,
    left: &ValueKind,
    right: &ValueKind,
    always_numeric: &[&str],
) -> ValueKind {
    let number = |kind: &ValueKind| {
        matches!(
            kind,
            ValueKind::Integer(_) | ValueKind::Float(_) | ValueKind::Number
        )
    };
    if always_numeric.contains(&operator) {
        return ValueKind::Number;
    }
    match operator {
        "-" | "/" | "//" | "**" | "+" if number(left) || number(right) => {
            if left.is_stringy() || right.is_stringy() {
                ValueKind::Unknown
            } else {
                ValueKind::Number
            }
        }
        "*" | "%" if number(left) && number(right) => ValueKind::Number,
        _ => ValueKind::Unknown,
    }
}

/// `-n` for a number kind, the kind itself otherwise unknown.
pub(in crate::languages) fn negated(kind: Option<ValueKind>, negative: bool) -> ValueKind {
    match kind {
        Some(ValueKind::Integer(n)) => ValueKind::Integer(if negative { -n } else { n }),
        Some(ValueKind::Float(n)) => ValueKind::Float(if negative { -n } else { n }),
        _ => ValueKind::Unknown,
    }
}
