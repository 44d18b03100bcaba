use crate::context::{function_chain, invocations_of};
use crate::files::Language;
use crate::findings::{Category, Severity};
use crate::languages::FunctionId;
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::functions::RuntimeFamily;
use crate::templates::graph::{ApiKind, IntegrationKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL115",
        name: "buffered-handler-streamed",
        category: Category::ProxyResponse,
        severity: Severity::Warning,
        summary: "A handler that returns a buffered response is invoked only by streaming REST integrations, which need the function to write a response stream.",
        aws_error: "none documented: API Gateway starts streaming only after valid metadata and the delimiter, and AWS does not say what the client gets otherwise",
        why: "A REST API integration with `ResponseTransferMode: STREAM` (OpenAPI \
              `responseTransferMode: STREAM`, or the Lambda URI ending in \
              `/response-streaming-invocations`) invokes the function with `InvokeWithResponseStream` and \
              streams its output only if the function writes the format API Gateway requires: a JSON \
              metadata object (`statusCode`, `headers`, `cookies`), a delimiter of 8 null bytes, then the \
              payload. API Gateway starts streaming only once it has received valid metadata and the \
              delimiter (AWS docs, \"Set up a Lambda proxy integration with payload response streaming\"). \
              In the Node.js managed runtimes a function writes that stream when its handler is wrapped in \
              `awslambda.streamifyResponse` and writes through `awslambda.HttpResponseStream.from(stream, \
              metadata)` (or Middy runs it with `executionModeStreamifyResponse`); in Rust, with \
              `lambda_runtime`'s streaming support (`run_with_streaming_response`, a `StreamResponse`). A \
              handler that returns a buffered proxy object instead writes none of this. AWS does not \
              document what the client then receives, so this is a warning that states the requirement, \
              not a predicted status code. Only handlers every door of which is a streaming REST \
              integration are reported; one also behind a buffered integration or a function URL \
              (whatever its `InvokeMode`), Python handlers, and functions whose code may be something else \
              (layers such as the Lambda Web Adapter, container images, other runtimes) are left alone. \
              The reverse, a `streamifyResponse` handler behind a buffered integration, is not reported: \
              AWS does not document what happens then.",
        fix: "Write the handler for streaming (Node: `export const handler = \
              awslambda.streamifyResponse(async (event, responseStream) => { responseStream = \
              awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers }); \
              responseStream.write(body); responseStream.end(); })`), or let the integration buffer the \
              response (drop `ResponseTransferMode: STREAM` and use the `/invocations` Lambda URI).",
        before: "// behind a REST integration with ResponseTransferMode: STREAM\nexport const handler = async (event) => {\n  return { statusCode: 200, body: JSON.stringify(await report(event)) };\n};",
        after: "// behind a REST integration with ResponseTransferMode: STREAM\nexport const handler = awslambda.streamifyResponse(async (event, responseStream) => {\n  responseStream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200 });\n  responseStream.write(JSON.stringify(await report(event)));\n  responseStream.end();\n});",
        example_language: "javascript",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let facts = ctx.facts;
    // Python cannot stream in its managed runtime; what else it runs on is not known here.
    if !matches!(
        facts.language,
        Language::JavaScript | Language::TypeScript | Language::Rust
    ) {
        return;
    }
    for (index, function) in facts.functions.iter().enumerate() {
        let id = FunctionId(index);
        if !function.role.is_handler() || facts.streams(id) {
            continue;
        }
        // The template first: most handlers have no streaming door, and finding what one
        // returns is a walk over the file's responses.
        let contexts = ctx.file.contexts_of(facts, id);
        let known_code =
            |family: RuntimeFamily| matches!(family, RuntimeFamily::Node | RuntimeFamily::Rust);
        if contexts.is_empty()
            || contexts.iter().any(|context| {
                let spec = &context.function;
                !known_code(spec.family) || spec.layers || spec.image || spec.other_sources
            })
        {
            continue;
        }
        let invocations: Vec<_> = invocations_of(&contexts).collect();
        let streaming_rest = |invocation: &crate::templates::functions::Invocation| {
            invocation.api_kind == ApiKind::Rest
                && invocation.streaming
                && invocation.kind == IntegrationKind::Proxy
                && invocation.authorizer.is_none()
        };
        let Some((context, first)) = invocations.first() else {
            continue;
        };
        if !invocations
            .iter()
            .all(|(_, invocation)| streaming_rest(invocation))
        {
            continue;
        }
        // Buffered: it returns a proxy object (itself or through a helper).
        let Some(returned) = facts.responses.iter().find(|response| {
            response
                .function()
                .is_some_and(|owner| function_chain(facts, owner).contains(&id))
        }) else {
            continue;
        };
        let others = match invocations.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let writer = if facts.language == Language::Rust {
            "a Rust function writes it with lambda_runtime's streaming support \
             (`run_with_streaming_response`, a `StreamResponse`)"
        } else {
            "a Node handler writes it when wrapped in `awslambda.streamifyResponse` and writing \
             through `awslambda.HttpResponseStream.from`"
        };
        let message = format!(
            "`{}` returns a buffered response, but {}{} is a streaming integration: API Gateway streams a function's output only in the \
             format it requires (JSON metadata, a delimiter of 8 null bytes, then the payload), and \
             {writer}; this handler writes no such stream. Write it for streaming, or let the \
             integration buffer the response",
            function.name, first.description, others,
        );
        sink.report(returned.anchor, message)
            .related
            .push(context.related(first));
    }
}
