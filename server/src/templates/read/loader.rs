//! Whether a YAML loader as lenient as CloudFormation's reads a text the grammar rejects.

/// Whether libyaml, the loader behind PyYAML and so behind the SAM CLI and cfn-lint, reads the
/// whole text without error. It is as lenient as CloudFormation about indentation.
///
/// tree-sitter-yaml 0.7 (and strict YAML 1.2 parsers too) reject what these loaders accept: the
/// continuation lines of a flow collection or of a multi-line quoted scalar written at the
/// indentation of the key that holds it, not deeper (`Schema: {"a": 1,` then `"b": 2}` on the
/// next line at the column of `Schema`; `Resource: [` ... `]` with the items at the key's column;
/// `PolicyDocument: !Sub '{` ... `}'` closed at the key's column).
pub fn loader_accepts(text: &str) -> bool {
    use std::mem::MaybeUninit;
    use unsafe_libyaml::{
        yaml_event_delete, yaml_parser_delete, yaml_parser_initialize, yaml_parser_parse,
        yaml_parser_set_input_string, yaml_parser_t, YAML_STREAM_END_EVENT,
    };
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
