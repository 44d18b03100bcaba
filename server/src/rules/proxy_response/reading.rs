//! The policy of the proxy-response rules: which objects of a handler file are Lambda proxy
//! responses, under which payload format, behind which front door, how surely, and whether their
//! fixes may be applied unattended. Decided once per file, before the response rules run; the
//! rules then judge each object only against its reading.
//!
//! Never judged, unless a template links the function: test code, objects that build request
//! events, and files whose framework writes the response itself (`knowledge::frameworks`).

use std::collections::HashSet;

use crate::context::ShownFrontDoor;
use crate::context::{function_chain, invocations_of, FileContext};
use crate::files::Language;
use crate::findings::{Finding, Related, Severity};
use crate::knowledge::frameworks::{self, Ecosystem};
use crate::knowledge::proxy::{
    PayloadVersion, ALB_MULTI_VALUE_RESPONSE_KEYS, ALB_RESPONSE_KEYS, AUTHORIZER_RESPONSE_MARKERS,
    OTHER_FRONT_DOOR_RESPONSE_KEYS, OTHER_RESPONSE_KEYS, REQUEST_EVENT_ONLY_KEYS,
};
use crate::languages::{FunctionId, Origin, PayloadEvidence, ResponseObject, SourceFacts};
use crate::templates::functions::Invocation;
use crate::templates::graph::ApiKind;
use crate::templates::IntegrationKind;

use super::is_response_shaped;

/// Rules whose failure is the Lambda runtime's (it cannot serialise the returned value), which
/// happens behind any front door: an assumed front door does not make them conditional.
const RUNTIME_FAILURES: &[&str] = &["GL108"];

/// How surely a response object is a Lambda proxy response, and so how it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certainty {
    /// Its function serves API Gateway and nothing else: every returned object is a response.
    Sure,
    /// It may be (it returns a `statusCode`, or it serves API Gateway and other sources): only
    /// objects shaped like a response (with `statusCode`, `body`, `headers`, ...) are read.
    Likely,
}

/// Which front door answers the client, as far as gatelint knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontDoor {
    /// A template links the handler to a proxy integration of this kind of API.
    Known(ApiKind),
    /// No template links it: the API is assumed (REST unless the code shows payload 2.0), and
    /// messages say so.
    Assumed,
}

/// How one response object is read.
#[derive(Clone, Debug)]
pub struct Reading {
    pub payload: PayloadVersion,
    pub certainty: Certainty,
    pub front_door: FrontDoor,
    /// The template line that says how the handler is invoked, when one does.
    pub related: Option<Related>,
    /// Whether `check --fix` may apply the fixes marked safe: the handler is linked by a template
    /// or its code shows API Gateway invokes it, it is not test code, and the object is no
    /// payload 2.0 body (whose keys are the client's data).
    pub fixes_applicable: bool,
    /// Behind an Application Load Balancer, whether its target group enables
    /// `lambda.multi_value_headers.enabled` (it then reads `multiValueHeaders`, not `headers`).
    pub multi_value_headers: bool,
    /// The other front doors that invoke the handler with a looser contract than the one it is
    /// judged by (a function URL beside a REST API): named in every finding.
    pub other_doors: Vec<(String, Related)>,
}

impl Reading {
    /// The keys the front door reads from a response: an Application Load Balancer's own set
    /// (with `statusDescription`, and `headers` or `multiValueHeaders` by its target group),
    /// else the payload format's.
    pub fn response_keys(&self) -> &'static [&'static str] {
        match self.front_door {
            FrontDoor::Known(ApiKind::LoadBalancer) if self.multi_value_headers => {
                ALB_MULTI_VALUE_RESPONSE_KEYS
            }
            FrontDoor::Known(ApiKind::LoadBalancer) => ALB_RESPONSE_KEYS,
            _ => self.payload.response_keys(),
        }
    }

    /// Whether an Application Load Balancer answers the client.
    pub fn behind_load_balancer(&self) -> bool {
        self.front_door == FrontDoor::Known(ApiKind::LoadBalancer)
    }

    /// The door's name for messages: `HTTP API`, `function URL`, ...; `API Gateway` when assumed.
    pub fn door_name(&self) -> &'static str {
        match self.front_door {
            FrontDoor::Known(kind) => kind.name(),
            FrontDoor::Assumed => "API Gateway",
        }
    }

    /// Whether the object is, under payload 2.0, no response but the body itself: it has no
    /// `statusCode`, so API Gateway sends it whole as JSON with 200.
    pub fn is_v2_body(&self, response: &ResponseObject) -> bool {
        // A spread without a visible `statusCode` may hold one or not: unknown, so read as data.
        self.payload == PayloadVersion::V2 && response.entry("statusCode").is_none()
    }

    /// Applies the reading to a finding a response rule made: under an assumed front door the
    /// finding is a conditional claim ("if this runs behind a REST API ...": the handler may sit
    /// behind an HTTP API, a non-proxy integration or no API at all), so it is a warning at most;
    /// where the reading does not allow unattended fixes, its fixes are offered for a person to
    /// judge, never applied unattended. The runtime's own failures (a value Lambda cannot
    /// serialise) fail whatever the front door and keep their severity.
    pub fn settle(&self, finding: &mut Finding) {
        if self.front_door == FrontDoor::Assumed
            && finding.severity == Severity::Error
            && !RUNTIME_FAILURES.contains(&finding.code)
        {
            finding.severity = Severity::Warning;
        }
        if !self.fixes_applicable {
            for fix in &mut finding.fixes {
                fix.safe = false;
            }
        }
        if !self.other_doors.is_empty() && !finding.message.contains("also invoked through") {
            let names: Vec<&str> = self
                .other_doors
                .iter()
                .map(|(name, _)| name.as_str())
                .collect();
            let judged = self
                .related
                .as_ref()
                .and_then(|related| related.message.split(" invokes ").next())
                .unwrap_or("the stricter door");
            finding.message.push_str(&format!(
                " (judged by the stricter contract of {judged}; also invoked through {})",
                names.join(", ")
            ));
            for (_, related) in &self.other_doors {
                if !finding.related.contains(related) {
                    finding.related.push(related.clone());
                }
            }
        }
    }

    /// What the client gets when API Gateway cannot read the response, as a clause: named for the
    /// front door the template declares, and conditional where none does.
    pub fn rejection(&self) -> &'static str {
        match (self.front_door, self.payload) {
            (FrontDoor::Known(ApiKind::Http), _) => {
                "the HTTP API answers 500 {\"message\":\"Internal Server Error\"}"
            }
            (FrontDoor::Known(ApiKind::WebSocket), _) => {
                "the WebSocket API cannot answer the caller, who gets an error message instead"
            }
            (FrontDoor::Known(ApiKind::FunctionUrl), _) => {
                "the function URL answers with an error (5xx), not the response"
            }
            (FrontDoor::Known(ApiKind::LoadBalancer), _) => {
                "the Application Load Balancer answers 502 Bad Gateway"
            }
            (FrontDoor::Known(_), _) => "API Gateway answers 502 (Malformed Lambda proxy response)",
            (FrontDoor::Assumed, PayloadVersion::V2) => {
                "if this runs behind an HTTP API, it answers 500 {\"message\":\"Internal Server \
                 Error\"}"
            }
            (FrontDoor::Assumed, PayloadVersion::V1) => {
                "if this runs behind a REST API, API Gateway answers 502 (Malformed Lambda proxy \
                 response)"
            }
        }
    }

    /// What the client gets when the invocation itself fails (the runtime cannot serialise the
    /// result), as a clause.
    pub fn failed_invocation(&self) -> &'static str {
        match (self.front_door, self.payload) {
            (FrontDoor::Known(ApiKind::Http), _) => {
                "the HTTP API answers 500 {\"message\":\"Internal Server Error\"}"
            }
            (FrontDoor::Known(ApiKind::WebSocket), _) => {
                "the WebSocket API cannot answer the caller, who gets an error message instead"
            }
            (FrontDoor::Known(ApiKind::FunctionUrl), _) => {
                "the function URL answers with an error (5xx), not the response"
            }
            (FrontDoor::Known(ApiKind::LoadBalancer), _) => {
                "the Application Load Balancer answers 502 Bad Gateway"
            }
            (FrontDoor::Known(_), _) => {
                "API Gateway answers 502 {\"message\": \"Internal server error\"}"
            }
            (FrontDoor::Assumed, PayloadVersion::V2) => {
                "if this runs behind an HTTP API, it answers 500 {\"message\":\"Internal Server \
                 Error\"}"
            }
            (FrontDoor::Assumed, PayloadVersion::V1) => {
                "if this runs behind a REST API, API Gateway answers 502 (500 behind an HTTP API)"
            }
        }
    }
}

/// What the policy reads of a whole file, found once per file: whether a framework writes its
/// responses, and what each function returns. Reading it per response or per handler instead
/// would cost a scan of the file or of all its responses each time, quadratic in a bundle of
/// thousands of functions.
pub struct FileReturns {
    serialised_by_framework: bool,
    /// The front door other than a REST or HTTP API the file's code or project shows.
    shown: Option<ShownFrontDoor>,
    /// Functions returning an object with a `statusCode`.
    status: HashSet<FunctionId>,
    /// Functions returning an authorizer's answer.
    authorizer: HashSet<FunctionId>,
    /// Functions returning an answer with a key only another front door reads
    /// (`statusDescription`: a load balancer's or CloudFront's).
    other_front_door: HashSet<FunctionId>,
}

impl FileReturns {
    pub fn of(facts: &SourceFacts, text: &str, file: &FileContext) -> FileReturns {
        let mut returns = FileReturns {
            serialised_by_framework: serialised_by_framework(facts, text),
            shown: file.shown_front_door(text),
            status: HashSet::new(),
            authorizer: HashSet::new(),
            other_front_door: HashSet::new(),
        };
        for response in &facts.responses {
            let Some(function) = response.function() else {
                continue;
            };
            if response.entry("statusCode").is_some() {
                returns.status.insert(function);
            }
            if response
                .entries
                .iter()
                .any(|e| AUTHORIZER_RESPONSE_MARKERS.contains(&e.key.as_str()))
            {
                returns.authorizer.insert(function);
            }
            if writes_other_front_door(response) {
                returns.other_front_door.insert(function);
            }
        }
        returns
    }

    /// Whether a function of `chain` returns an object with a `statusCode`.
    fn status_in(&self, chain: &[FunctionId]) -> bool {
        chain.iter().any(|id| self.status.contains(id))
    }

    /// Whether a function of `chain` returns an authorizer's answer.
    fn authorizer_in(&self, chain: &[FunctionId]) -> bool {
        chain.iter().any(|id| self.authorizer.contains(id))
    }

    /// Whether a function of `chain` answers with a key only another front door reads.
    fn other_front_door_in(&self, chain: &[FunctionId]) -> bool {
        chain.iter().any(|id| self.other_front_door.contains(id))
    }
}

/// Every object of the file that is read as a proxy response, with its reading.
pub fn read_responses<'f>(
    facts: &'f SourceFacts,
    text: &str,
    file: &FileContext,
) -> Vec<(&'f ResponseObject, Reading)> {
    let returns = FileReturns::of(facts, text, file);
    if returns.serialised_by_framework {
        return Vec::new();
    }
    let shown = returns.shown;
    facts
        .responses
        .iter()
        .filter_map(|response| Some((response, reading(file, facts, &returns, response, shown)?)))
        .collect()
}

/// How a handler's answers that are no object at all (`None`, a string, nothing) are read: only
/// where the handler surely answers a proxy integration, as [`Certainty::Sure`]. A template that
/// links it to proxy integrations alone says so; without one, its code must read API Gateway event
/// keys, read no other source's, and return a `statusCode` somewhere (the front door is then
/// assumed). `None` for test code, authorizers, handlers also invoked some other way (returning
/// nothing is right for SQS, S3 or a schedule), WebSocket routes, and files whose framework writes
/// the response.
pub fn handler_reading(
    facts: &SourceFacts,
    returns: &FileReturns,
    file: &FileContext,
    handler: FunctionId,
) -> Option<Reading> {
    if returns.serialised_by_framework {
        return None;
    }
    match template_reading(file, facts, handler) {
        TemplateReading::NotProxy => return None,
        TemplateReading::Proxy {
            also_other: true, ..
        }
        | TemplateReading::Proxy {
            api: ApiKind::WebSocket,
            ..
        } => return None,
        TemplateReading::Proxy {
            payload,
            api,
            related,
            also_other: false,
            multi_value_headers,
            other_doors,
        } => {
            return Some(Reading {
                payload,
                certainty: Certainty::Sure,
                front_door: FrontDoor::Known(api),
                related: Some(related),
                fixes_applicable: !file.test_code,
                multi_value_headers,
                other_doors,
            })
        }
        // A template links other functions of this file, not this one: it is no entry point.
        TemplateReading::Unknown if !file.handlers.is_empty() => return None,
        TemplateReading::Unknown => {}
    }
    // The code shows a front door with a contract of its own (as in [`reading`]).
    if file.test_code || returns.shown.is_some() {
        return None;
    }
    let chain = function_chain(facts, handler);
    let functions = || chain.iter().map(|id| facts.function(*id));
    if !functions().any(|function| function.api_evidence.is_some())
        || functions().any(|function| function.other_source_evidence.is_some())
    {
        return None;
    }
    if !returns.status_in(&chain)
        || returns.authorizer_in(&chain)
        || returns.other_front_door_in(&chain)
    {
        return None;
    }
    let payload = functions()
        .find_map(|function| function.payload_evidence.as_ref())
        .and_then(PayloadEvidence::only)
        .unwrap_or(PayloadVersion::V1);
    Some(Reading {
        payload,
        certainty: Certainty::Sure,
        front_door: FrontDoor::Assumed,
        related: None,
        fixes_applicable: true,
        multi_value_headers: false,
        other_doors: Vec::new(),
    })
}

/// Whether the file hands its answers to a framework that writes the proxy response itself
/// (Powertools resolvers, Chalice, Mangum, serverless-http, middy's serializer, ...).
fn serialised_by_framework(facts: &SourceFacts, text: &str) -> bool {
    let ecosystem = match facts.language {
        Language::Python => Ecosystem::Python,
        Language::Rust => Ecosystem::Rust,
        _ => Ecosystem::Node,
    };
    frameworks::used_by(text, ecosystem).any(|framework| framework.serialises_responses)
}

/// What the template says about how a handler is invoked.
enum TemplateReading {
    /// No template links this handler: read it as the code itself suggests.
    Unknown,
    /// Not a proxy response at all (non-proxy integration, authorizer, only other event sources).
    NotProxy,
    /// Behind proxy integrations with this payload format; `also_other` when other event sources
    /// invoke it too.
    Proxy {
        payload: PayloadVersion,
        api: ApiKind,
        also_other: bool,
        related: Related,
        multi_value_headers: bool,
        /// The other doors' descriptions and where they are declared.
        other_doors: Vec<(String, Related)>,
    },
}

fn template_reading(
    file: &FileContext,
    facts: &SourceFacts,
    function: FunctionId,
) -> TemplateReading {
    let contexts = file.contexts_of(facts, function);
    if contexts.is_empty() {
        return TemplateReading::Unknown;
    }
    let invocations = || invocations_of(&contexts);
    if invocations().any(|(_, invocation)| invocation.authorizer.is_some()) {
        return TemplateReading::NotProxy;
    }
    // A WebSocket route's answer is not the REST proxy contract (`$disconnect`'s is ignored,
    // `$connect`'s only its status, other routes' only sent with a route response): such an
    // invocation is another source, not a proxy integration whose response is judged.
    // A streaming REST integration reads a response stream the function writes (its status and
    // headers in the stream's prelude), not the buffered proxy response either.
    let unbuffered =
        |invocation: &Invocation| invocation.api_kind == ApiKind::WebSocket || invocation.streaming;
    let also_other = contexts
        .iter()
        .any(|context| context.function.other_sources)
        || invocations().any(|(_, invocation)| unbuffered(invocation));
    let proxies: Vec<_> = invocations()
        .filter(|(_, invocation)| {
            invocation.kind == IntegrationKind::Proxy && !unbuffered(invocation)
        })
        .collect();
    // The strictest contract any door reads decides: payload 1.0 where there is one (a REST
    // API's first, then an Application Load Balancer's, then an HTTP API's set to 1.0), else 2.0
    // (an HTTP API's, then a function URL's). The other doors are named beside it.
    let strictness =
        |invocation: &Invocation| match (invocation.payload_version, invocation.api_kind) {
            (PayloadVersion::V1, ApiKind::Rest) => 0,
            (PayloadVersion::V1, ApiKind::LoadBalancer) => 1,
            (PayloadVersion::V1, _) => 2,
            (PayloadVersion::V2, ApiKind::FunctionUrl) => 4,
            (PayloadVersion::V2, _) => 3,
        };
    let strictest = proxies
        .iter()
        .min_by_key(|(_, invocation)| strictness(invocation));
    match strictest {
        Some((context, invocation)) => {
            let mut other_doors: Vec<(String, Related)> = Vec::new();
            for (other_context, other) in invocations() {
                let same_door = other.api_kind == invocation.api_kind
                    && other.payload_version == invocation.payload_version
                    && other.streaming == invocation.streaming;
                if same_door || other.authorizer.is_some() {
                    continue;
                }
                let name = other.description.clone();
                if !other_doors.iter().any(|(known, _)| *known == name) {
                    other_doors.push((name, other_context.related(other)));
                }
            }
            TemplateReading::Proxy {
                payload: invocation.payload_version,
                api: invocation.api_kind,
                also_other,
                related: context.related(invocation),
                multi_value_headers: invocation.multi_value_headers,
                other_doors,
            }
        }
        // Invoked only by non-proxy integrations or other sources: no proxy response.
        None if also_other || invocations().next().is_some() => TemplateReading::NotProxy,
        // Declared with no event at all (a function URL, direct invokes): read the code.
        None => TemplateReading::Unknown,
    }
}

/// How a response is read; `None` when it is no proxy response (its function shows another
/// event source, nothing shows it serves API Gateway, it is test code or a request event).
fn reading(
    file: &FileContext,
    facts: &SourceFacts,
    returns: &FileReturns,
    response: &ResponseObject,
    shown: Option<ShownFrontDoor>,
) -> Option<Reading> {
    let function = response
        .function()
        .or_else(|| enclosing_function(facts, response));
    if let Some(function) = function {
        match template_reading(file, facts, function) {
            TemplateReading::Unknown => {}
            TemplateReading::NotProxy => return None,
            TemplateReading::Proxy {
                payload,
                api,
                also_other,
                related,
                multi_value_headers,
                other_doors,
            } => {
                let certainty = if also_other {
                    Certainty::Likely
                } else {
                    Certainty::Sure
                };
                if certainty == Certainty::Likely && !carries_payload(response) {
                    return None;
                }
                return Some(Reading {
                    payload,
                    certainty,
                    front_door: FrontDoor::Known(api),
                    related: Some(related),
                    fixes_applicable: !file.test_code,
                    multi_value_headers,
                    other_doors,
                });
            }
        }
    }
    // No template links it: test code and request events are not answers, and neither are the
    // answers of code written for a load balancer or CloudFront.
    if file.test_code || builds_request_event(response) || writes_other_front_door(response) {
        return None;
    }
    // The code or project shows a front door with a contract of its own (a WebSocket route, a
    // Netlify Function): the REST proxy contract is not assumed for it.
    if shown.is_some() {
        return None;
    }
    // The code may say which format (`event["rawPath"]`, `APIGatewayProxyEventV2` are 2.0).
    let payload = function
        .and_then(|function| {
            function_chain(facts, function)
                .into_iter()
                .find_map(|id| facts.function(id).payload_evidence.as_ref())
        })
        .and_then(PayloadEvidence::only)
        .unwrap_or(PayloadVersion::V1);
    let mut api = false;
    let certainty = match function {
        None => Certainty::Likely,
        Some(function) => {
            let chain = function_chain(facts, function);
            api = chain
                .iter()
                .any(|id| facts.function(*id).api_evidence.is_some());
            let other = chain
                .iter()
                .any(|id| facts.function(*id).other_source_evidence.is_some());
            let returns_status = returns.status_in(&chain);
            // An authorizer's answers are read by the authorizer rules, not as proxy responses.
            if returns.authorizer_in(&chain) || returns.other_front_door_in(&chain) {
                return None;
            }
            match (api, other) {
                (true, false) => Certainty::Sure,
                (true, true) => Certainty::Likely,
                (false, true) => return None,
                (false, false)
                    if returns_status || response.origin == Origin::StatusCodeLiteral =>
                {
                    Certainty::Likely
                }
                (false, false) => return None,
            }
        }
    };
    if certainty == Certainty::Likely && !carries_payload(response) {
        return None;
    }
    let mut reading = Reading {
        payload,
        certainty,
        front_door: FrontDoor::Assumed,
        related: None,
        fixes_applicable: api,
        multi_value_headers: false,
        other_doors: Vec::new(),
    };
    if reading.is_v2_body(response) {
        reading.fixes_applicable = false;
    }
    Some(reading)
}

/// Whether an object builds an API Gateway request event rather than a response: it has a key
/// only events have (`httpMethod`, `rawPath`, `requestContext`, ...) and no `statusCode`. A
/// function returning `{"httpMethod": "GET", "path": "/orders", "body": ...}` makes an event
/// for a test or a local invoker; it does not answer one.
pub fn builds_request_event(response: &ResponseObject) -> bool {
    response.entry("statusCode").is_none()
        && response
            .entries
            .iter()
            .any(|entry| REQUEST_EVENT_ONLY_KEYS.contains(&entry.key.as_str()))
}

/// Whether an object has a key only another front door reads (`statusDescription`: an
/// Application Load Balancer or CloudFront answer). Behind API Gateway that key is an error the
/// response rules report, but only where a template says API Gateway invokes the function: code
/// that writes it without one was written for that other front door.
pub fn writes_other_front_door(response: &ResponseObject) -> bool {
    response
        .entries
        .iter()
        .any(|entry| OTHER_FRONT_DOOR_RESPONSE_KEYS.contains(&entry.key.as_str()))
}

/// Whether a handler (or a helper it returns through) answers with a key only another front door
/// reads: without a template, neither API Gateway's contract nor its time limit is assumed for it.
pub fn answers_other_front_door(facts: &SourceFacts, handler: FunctionId) -> bool {
    other_front_door_answerers(facts).contains(&handler)
}

/// The handlers of a file that answer with a key only another front door reads (see
/// [`answers_other_front_door`]), found in one pass over its responses: per handler, that pass
/// would be quadratic in a bundle of thousands of functions.
pub fn other_front_door_answerers(facts: &SourceFacts) -> HashSet<FunctionId> {
    facts
        .responses
        .iter()
        .filter(|response| writes_other_front_door(response))
        .filter_map(|response| response.function())
        .flat_map(|owner| function_chain(facts, owner))
        .collect()
}

/// Where the code may serve something else, only an object with a body or headers is surely meant
/// as a response: `{"statusCode": 200, "success": true}` reports a step's result.
fn carries_payload(response: &ResponseObject) -> bool {
    response
        .entries
        .iter()
        .any(|entry| OTHER_RESPONSE_KEYS.contains(&entry.key.as_str()))
        && is_response_shaped(response, PayloadVersion::V1)
}

/// The handler or helper whose definition holds a response literal.
fn enclosing_function(facts: &SourceFacts, response: &ResponseObject) -> Option<FunctionId> {
    facts
        .functions
        .iter()
        .position(|function| {
            function.range.start <= response.range.start && response.range.end <= function.range.end
        })
        .map(FunctionId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextRange;

    fn finding(code: &'static str) -> Finding {
        Finding {
            code,
            severity: Severity::Error,
            range: TextRange::empty(0),
            message: String::new(),
            fixes: Vec::new(),
            related: Vec::new(),
        }
    }

    fn reading(front_door: FrontDoor) -> Reading {
        Reading {
            payload: PayloadVersion::V1,
            certainty: Certainty::Sure,
            front_door,
            related: None,
            fixes_applicable: true,
            multi_value_headers: false,
            other_doors: Vec::new(),
        }
    }

    #[test]
    fn an_assumed_front_door_makes_errors_warnings() {
        // GL106 under an assumed front door: "if this runs behind a REST API" is a condition.
        let mut body = finding("GL106");
        reading(FrontDoor::Assumed).settle(&mut body);
        assert_eq!(body.severity, Severity::Warning);
        // Known to be a REST API: API Gateway fails the request.
        let mut body = finding("GL106");
        reading(FrontDoor::Known(ApiKind::Rest)).settle(&mut body);
        assert_eq!(body.severity, Severity::Error);
        // Bytes Lambda cannot serialise fail behind any front door.
        let mut bytes = finding("GL108");
        reading(FrontDoor::Assumed).settle(&mut bytes);
        assert_eq!(bytes.severity, Severity::Error);
    }
}
