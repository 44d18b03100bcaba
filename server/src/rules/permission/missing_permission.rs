use super::{gaps, insert_permission_fix, Grant};
use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::graph::ApiKind;
use crate::templates::{Dialect, Edge, EdgeRole};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL301",
        name: "missing-invoke-permission",
        category: Category::Permission,
        severity: Severity::Error,
        summary: "An API, a public function URL or a load balancer invokes a function that no `AWS::Lambda::Permission` opens to it.",
        aws_error: "Execution failed due to configuration error: Invalid permissions on Lambda function (client: 500 {\"message\": \"Internal server error\"})",
        why: "API Gateway calls Lambda as the service principal `apigateway.amazonaws.com`, and Lambda refuses unless \
              the function's resource policy allows it. SAM adds that permission for function `Events` of type `Api` \
              and `HttpApi` (scoped to the event's method and path: a `DefinitionBody` route reaching the function \
              on another method or path is not covered), for REST API `Auth` authorizers, for HTTP API Lambda \
              authorizers only with `EnableFunctionDefaultPermissions: true`, and for an \
              `AWS::Serverless::Connector` from the API to the function with `Write`; but an integration written by hand (`AWS::ApiGateway::Method`, \
              `AWS::ApiGatewayV2::Integration`, an OpenAPI `x-amazon-apigateway-integration`, an \
              `AWS::ApiGateway::Authorizer`) needs an explicit `AWS::Lambda::Permission`. An integration or \
              authorizer that names an IAM role for API Gateway to assume (`Credentials`, `CredentialsArn`, \
              `credentials`, `AuthorizerCredentials`, SAM `FunctionInvokeRole`) needs none: the role's policy \
              allows the call. An HTTP API made by quick create (`AWS::ApiGatewayV2::Api` with `Target`) gets \
              its route and integration but no permission. Other front doors: a hand-written \
              `AWS::Lambda::Url` with `AuthType: NONE` needs a permission for `lambda:InvokeFunctionUrl`, \
              `Principal: \"*\"`, `FunctionUrlAuthType: NONE` (SAM's `FunctionUrlConfig` and the Serverless \
              Framework's `url` add it; without it every call gets 403 Forbidden; `AuthType: AWS_IAM` callers \
              are allowed by their own policies); a target group of `TargetType: lambda` needs one for \
              `elasticloadbalancing.amazonaws.com` (Elastic Load Balancing checks it when the function is \
              registered as a target, so the target group `DependsOn` it).",
        fix: "Add an `AWS::Lambda::Permission` with `Action: lambda:InvokeFunction`, `Principal: apigateway.amazonaws.com`, \
              the function in `FunctionName`, and a `SourceArn` naming the API (`${Api}/*` covers all its stages and routes). The quick fix is offered in the editor only, never by `gatelint check --fix`: it changes what is deployed, so a person reviews it.",
        before: "GetOrderMethod:\n  Type: AWS::ApiGateway::Method\n  Properties:\n    RestApiId: !Ref OrdersApi\n    Integration:\n      Type: AWS_PROXY\n      IntegrationHttpMethod: POST\n      Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${GetOrder.Arn}/invocations",
        after: "GetOrderMethod:\n  Type: AWS::ApiGateway::Method\n  Properties:\n    RestApiId: !Ref OrdersApi\n    Integration:\n      Type: AWS_PROXY\n      IntegrationHttpMethod: POST\n      Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${GetOrder.Arn}/invocations\nGetOrderPermission:\n  Type: AWS::Lambda::Permission\n  Properties:\n    Action: lambda:InvokeFunction\n    FunctionName: !GetAtt GetOrder.Arn\n    Principal: apigateway.amazonaws.com\n    SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${OrdersApi}/*",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    for (edge, coverages) in &gaps(ctx).uncovered {
        let edge: &Edge = edge;
        // A permission that is nearly right is reported by the principal and SourceArn rules.
        if !coverages.is_empty() {
            continue;
        }
        if !edge.api_kind.is_api_gateway() {
            let fix = insert_permission_fix(ctx, edge);
            sink.report(edge.range, door_message(ctx, edge))
                .with_fix(fix);
            continue;
        }
        let what = match &edge.role {
            EdgeRole::Route => "function",
            EdgeRole::Authorizer { .. } => "authorizer function",
        };
        // SAM's permissions from the function's own events on this API, which cover only their
        // routes.
        let scoped: Vec<String> = ctx
            .graph
            .edges
            .iter()
            .filter(|other| {
                other.implicit_permission
                    && other.role == EdgeRole::Route
                    && edge.role == EdgeRole::Route
                    && other.api == edge.api
                    && other.function.logical_id == edge.function.logical_id
            })
            .map(|other| format!("{} {}", other.method, other.path))
            .collect();
        let http_sam_authorizer = match &edge.role {
            EdgeRole::Authorizer { name } => ctx.template.resource(&edge.api).is_some_and(|api| {
                api.is("AWS::Serverless::HttpApi")
                    && api
                        .property("Auth")
                        .and_then(|auth| auth.path(&["Authorizers", name]))
                        .is_some()
            }),
            EdgeRole::Route => false,
        };
        let scope = if http_sam_authorizer {
            " (SAM adds it for an HTTP API Lambda authorizer only with \
             `EnableFunctionDefaultPermissions: true`)"
                .to_owned()
        } else if scoped.is_empty() {
            String::new()
        } else {
            format!(
                " (SAM's permissions from its events cover only {})",
                scoped.join(", ")
            )
        };
        let message = format!(
            "No {} lets API Gateway invoke {what} `{}` for {}{scope}: calls fail \
             with 500 (Invalid permissions on Lambda function). Add one with {} \
             apigateway.amazonaws.com",
            ctx.template.dialect.spelled("AWS::Lambda::Permission"),
            edge.function.logical_id,
            edge.describe(),
            ctx.template.dialect.spelled("Principal"),
        );
        let fix = insert_permission_fix(ctx, edge);
        sink.report(edge.range, message).with_fix(fix);
    }
}

/// The message for a front door other than API Gateway: a public function URL, a load balancer.
fn door_message(ctx: &TemplateContext<'_>, edge: &Edge) -> String {
    let dialect = ctx.template.dialect;
    let grant = Grant::of(edge.api_kind);
    match edge.api_kind {
        ApiKind::FunctionUrl => format!(
            "{} `{}` is public ({} NONE), but no {} allows {} for {} `*` with {} NONE: \
             every call is refused with 403 Forbidden. Add one{}",
            dialect.spelled("AWS::Lambda::Url"),
            edge.api,
            dialect.spelled("AuthType"),
            dialect.spelled("AWS::Lambda::Permission"),
            grant.action,
            dialect.spelled("Principal"),
            dialect.spelled("FunctionUrlAuthType"),
            match dialect {
                Dialect::CloudFormation => " (SAM's FunctionUrlConfig adds it itself)",
                _ => "",
            },
        ),
        _ => format!(
            "No {} lets the Application Load Balancer invoke `{}` for {}: Elastic Load Balancing \
             checks it when the function is registered as a target, so registering it fails \
             (and with it the deployment). Add one with {} {}",
            dialect.spelled("AWS::Lambda::Permission"),
            edge.function.logical_id,
            edge.describe(),
            dialect.spelled("Principal"),
            grant.principal,
        ),
    }
}
