use super::{gaps, literal_path_parameter, source_arn_text, Coverage};
use crate::findings::{Category, Edit, Fix, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::Syntax;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL303",
        name: "invoke-permission-source-arn",
        category: Category::Permission,
        severity: Severity::Error,
        summary: "The permission for an API-invoked function has a `SourceArn` naming another API, method or path.",
        aws_error: "Execution failed due to configuration error: Invalid permissions on Lambda function (client: 500 {\"message\": \"Internal server error\"})",
        why: "A permission's `SourceArn` limits which execute-api ARN (`api-id/stage/METHOD/path`) may invoke the \
              function. When it names another API (a copy-pasted `${OtherApi}`) or another method or path, the \
              route that really invokes the function is not allowed, and API Gateway gets AccessDenied. A path \
              parameter written as `{id}` is no wildcard: it matches only those characters, so no request.",
        fix: "Name the API that invokes the function; `${Api}/*` allows all its stages, methods and paths, \
              `${Api}/*/GET/orders` only that route. The quick fix is offered in the editor only, never by `gatelint check --fix`: it changes what is deployed, so a person reviews it.",
        before: "SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${AdminApi}/*",
        after: "SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${OrdersApi}/*",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    let gaps = gaps(ctx);
    let mut reported = Vec::new();
    for (edge, coverages) in &gaps.uncovered {
        for (at, coverage) in coverages {
            let Some(source_arn) = gaps.permissions[*at].source_arn else {
                continue;
            };
            let what = match coverage {
                Coverage::OtherApi(other) => format!("names `{other}`"),
                Coverage::OtherRoute => match literal_path_parameter(source_arn, &edge.api) {
                    Some(parameter) => format!(
                        "holds `{parameter}` literally, which no request matches (write `*` for a \
                         path parameter)"
                    ),
                    None => format!("does not match {} {}", edge.method, edge.path),
                },
                _ => continue,
            };
            if reported.contains(&source_arn.range) {
                continue;
            }
            reported.push(source_arn.range);
            let message = format!(
                "{} {what}, but `{}` is invoked by {}: that call gets 500 (Invalid permissions on \
                 Lambda function)",
                ctx.template.dialect.spelled("SourceArn"),
                edge.function.logical_id,
                edge.describe()
            );
            let indent = " ".repeat(super::template_edit::column(
                ctx.text,
                source_arn.range.start,
            ));
            let replacement = source_arn_text(ctx.template, ctx.text, &edge.api, &indent);
            let fix = Fix {
                safe: false,
                title: format!("Allow every route of {}", edge.api),
                edits: vec![Edit::replace(
                    source_arn.range,
                    match ctx.template.syntax {
                        Syntax::Yaml => {
                            replacement.trim_start_matches('\n').trim_start().to_owned()
                        }
                        Syntax::Json => replacement,
                    },
                )],
            };
            sink.report(source_arn.range, message).with_fix(Some(fix));
        }
    }
}
