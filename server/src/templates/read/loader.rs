//! Whether a YAML loader as lenient as CloudFormation's reads a text the grammar rejects.

/// Whether libyaml, the loader behind PyYAML and so behind the SAM CLI and cfn-lint, reads the
/// whole text without error. It is as lenient as CloudFormation about indentation.
///
/// tree-sitter-yaml 0.7 (and strict YAML 1.2 parsers too) reject what these loaders accept: the
/// continuation lines of a flow collection or of a multi-line quoted scalar written at the
/// indentation of the key that holds it, not deeper (`Schema: {"a": 1,` then `"b": 2}` on the
/// next line at the column of `Schema`; `Resource: [` ... `]` with the items at the key's column;
/// `PolicyDocument: !Sub '{` ... `}'` closed at the key's column).
///
/// Not asked, `false`, when the text may open more than [`MAX_FLOW_DEPTH`] flow collections
/// (`[`, `{`) inside each other: libyaml's scanner looks at every open flow level for each token,
/// so 100,000 unclosed `[a, ` took 85 s. The count is of brackets anywhere (in quotes and
/// comments too, which only overcounts); real templates nest a few.
pub fn loader_accepts(text: &str) -> bool {
    use std::mem::MaybeUninit;
    use unsafe_libyaml::{
        yaml_event_delete, yaml_parser_delete, yaml_parser_initialize, yaml_parser_parse,
        yaml_parser_set_input_string, yaml_parser_t, YAML_STREAM_END_EVENT,
    };
    if flow_depth_bound(text) > MAX_FLOW_DEPTH {
        return false;
    }
    let mut parser = MaybeUninit::<yaml_parser_t>::uninit();
    // SAFETY: the parser is initialised before use and deleted once; it reads `text` only while
    // `text` is borrowed here; every event is deleted after its type is read.
    unsafe {
        if yaml_parser_initialize(parser.as_mut_ptr()).fail {
            return false;
        }
        let parser = parser.as_mut_ptr();
        yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as u64);
        let mut event = MaybeUninit::uninit();
        let accepted = loop {
            if yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                break false;
            }
            let done = (*event.as_ptr()).type_ == YAML_STREAM_END_EVENT;
            yaml_event_delete(event.as_mut_ptr());
            if done {
                break true;
            }
        };
        yaml_parser_delete(parser);
        accepted
    }
}

/// How deep flow collections may nest for libyaml to be asked (see [`loader_accepts`]): its cost
/// is its tokens times this, at most.
pub const MAX_FLOW_DEPTH: usize = 200;

/// An upper bound of how deep the flow collections of `text` nest: brackets opened and not yet
/// closed, wherever they stand.
fn flow_depth_bound(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for byte in text.bytes() {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #21 item 9: unbalanced flow brackets are not handed to libyaml, whose scanner takes
    /// time quadratic in their depth; nesting real templates use still is.
    #[test]
    fn deep_flow_nesting_is_not_handed_to_libyaml() {
        let nested = |depth: usize| format!("A: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(flow_depth_bound(&nested(MAX_FLOW_DEPTH)), MAX_FLOW_DEPTH);
        assert!(loader_accepts(&nested(MAX_FLOW_DEPTH)));
        assert!(!loader_accepts(&nested(MAX_FLOW_DEPTH + 1)));
        let unbalanced = format!("A: {}\n", "[a, ".repeat(100_000));
        assert!(flow_depth_bound(&unbalanced) > MAX_FLOW_DEPTH);
        assert!(!loader_accepts(&unbalanced));
        // Brackets closed as they go never add up.
        assert_eq!(flow_depth_bound(&"{a: [1, 2]}\n".repeat(10_000)), 2);
    }
}
