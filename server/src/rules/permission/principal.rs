use super::{gaps, replace_scalar, Coverage, API_GATEWAY_PRINCIPAL};
use crate::findings::{Category, Edit, Fix, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL302",
        name: "invoke-permission-principal",
        category: Category::Permission,
        severity: Severity::Error,
        summary: "The permission for an API-invoked function names a misspelled principal instead of `apigateway.amazonaws.com`.",
        aws_error: "Execution failed due to configuration error: Invalid permissions on Lambda function (client: 500 {\"message\": \"Internal server error\"})",
        why: "Lambda matches the principal exactly. A permission for `apigateway.amazon.com`, `execute-api.amazonaws.com` \
              or `apigateway.amazonaws.con` deploys without complaint (or fails on an unknown service) and grants \
              nothing to API Gateway, which then gets AccessDenied on every call.",
        fix: "Set `Principal: apigateway.amazonaws.com`. The quick fix is offered in the editor only, never by `gatelint check --fix`: it changes what is deployed, so a person reviews it.",
        before: "Principal: apigateway.amazon.com",
        after: "Principal: apigateway.amazonaws.com",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    let gaps = gaps(ctx);
    let mut reported = Vec::new();
    for (edge, coverages) in &gaps.uncovered {
        for (at, coverage) in coverages {
            let permission = &gaps.permissions[*at];
            let Some((principal, range)) = &permission.principal else {
                continue;
            };
            if *coverage != Coverage::BadPrincipal || reported.contains(range) {
                continue;
            }
            reported.push(*range);
            let message = format!(
                "Principal `{principal}` is not API Gateway's: `{}` is invoked by {} and gets 500 (Invalid \
                 permissions on Lambda function). Use {API_GATEWAY_PRINCIPAL}",
                edge.function.logical_id,
                edge.describe()
            );
            let fix = Fix {
                safe: false,
                title: format!("Set Principal to {API_GATEWAY_PRINCIPAL}"),
                edits: vec![Edit::replace(
                    *range,
                    replace_scalar(ctx.text, *range, API_GATEWAY_PRINCIPAL),
                )],
            };
            sink.report(*range, message).with_fix(Some(fix));
        }
    }
}
