//! Value kinds the pipeline derives the same way in every language.

use crate::languages::facts::ValueKind;

/// The kind both branches of a conditional share (`a if c else b`, `c ? a : b`), or unknown.
pub(in crate::languages) fn same_kind(a: ValueKind, b: ValueKind) -> ValueKind {
    match (&a, &b) {
        (x, y) if x.is_stringy() && y.is_stringy() => ValueKind::String,
        (ValueKind::Bytes, ValueKind::Bytes) => ValueKind::Bytes,
        (
            ValueKind::Integer(_) | ValueKind::Float(_) | ValueKind::Number,
            ValueKind::Integer(_) | ValueKind::Float(_) | ValueKind::Number,
        ) => ValueKind::Number,
        (ValueKind::Object(..), ValueKind::Object(..)) => a,
        (ValueKind::Array(_), ValueKind::Array(_)) => a,
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
