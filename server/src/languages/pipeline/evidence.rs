//! Evidence of where a handler's events come from (API Gateway or another source, and which
//! payload format), gathered from a dialect's reads and types, recorded one way for every
//! language: earliest in the document first, the first of each kind kept (see
//! [`record_evidence`](crate::languages::facts::record_evidence)).

use crate::knowledge::proxy as api_event;
use crate::languages::facts::{ApiEvidence, Function, FunctionId};
use crate::text::TextRange;

#[derive(Default)]
pub(in crate::languages) struct Evidence {
    /// (function, evidence, whether it shows API Gateway rather than another event source)
    found: Vec<(FunctionId, ApiEvidence, bool)>,
}

impl Evidence {
    /// `function` reads `key` from its event (`message` says how): API Gateway evidence when only
    /// API Gateway events carry the key, other-source evidence otherwise.
    pub fn key_read(&mut self, function: FunctionId, message: String, key: &str, range: TextRange) {
        if api_event::SHARED_EVENT_KEYS.contains(&key) {
            return; // `body`, `headers`, ...: API Gateway's and many custom payloads' alike.
        }
        let is_api = api_event::EVENT_KEYS.contains(&key);
        self.found
            .push((function, ApiEvidence::key(message, key, range), is_api));
    }

    /// `function`'s signature names an API Gateway type.
    pub fn api_type(&mut self, function: FunctionId, name: &str, range: TextRange) {
        self.found
            .push((function, ApiEvidence::typed(name, range), true));
    }

    /// `function`'s signature names another source's event type (`S3Event`, `SqsEvent`).
    pub fn other_type(&mut self, function: FunctionId, name: &str, range: TextRange) {
        self.found
            .push((function, ApiEvidence::typed(name, range), false));
    }

    /// Records what was found on `functions`, earliest in the document first.
    pub fn record(mut self, functions: &mut [Function]) {
        self.found
            .sort_by_key(|(_, evidence, _)| evidence.range.start);
        for (id, evidence, is_api) in self.found {
            functions[id.0].record_evidence(evidence, is_api);
        }
    }
}
