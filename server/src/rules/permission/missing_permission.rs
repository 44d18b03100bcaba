use super::{insert_permission_fix, permissions, uncovered};
use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::EdgeRole;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL301",
        name: "missing-invoke-permission",
        category: Category::Permission,
        severity: Severity::Error,
        summary: "An API invokes a function or authorizer that no `AWS::Lambda::Permission` opens to API Gateway.",
        aws_error: "Execution failed due to configuration error: Invalid permissions on Lambda function (client: 500 {\"message\": \"Internal server error\"})",
        why: "API Gateway calls Lambda as the service principal `apigateway.amazonaws.com`, and Lambda refuses unless \
              the function's resource policy allows it. SAM adds that permission for function `Events` of type `Api` \
              and `HttpApi` and for `Auth` authorizers, but an integration written by hand (`AWS::ApiGateway::Method`, \
              `AWS::ApiGatewayV2::Integration`, an OpenAPI `x-amazon-apigateway-integration`, an \
              `AWS::ApiGateway::Authorizer`) needs an explicit `AWS::Lambda::Permission`. An integration or \
              authorizer that names an IAM role for API Gateway to assume (`Credentials`, `CredentialsArn`, \
              `credentials`, `AuthorizerCredentials`, SAM `FunctionInvokeRole`) needs none: the role's policy \
              allows the call.",
        fix: "Add an `AWS::Lambda::Permission` with `Action: lambda:InvokeFunction`, `Principal: apigateway.amazonaws.com`, \
              the function in `FunctionName`, and a `SourceArn` naming the API (`${Api}/*` covers all its stages and routes). The quick fix is offered in the editor only, never by `gatelint check --fix`: it changes what is deployed, so a person reviews it.",
        before: "GetOrderMethod:\n  Type: AWS::ApiGateway::Method\n  Properties:\n    RestApiId: !Ref OrdersApi\n    Integration:\n      Type: AWS_PROXY\n      IntegrationHttpMethod: POST\n      Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${GetOrder.Arn}/invocations",
        after: "GetOrderMethod:\n  Type: AWS::ApiGateway::Method\n  Properties:\n    RestApiId: !Ref OrdersApi\n    Integration:\n      Type: AWS_PROXY\n      IntegrationHttpMethod: POST\n      Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${GetOrder.Arn}/invocations\nGetOrderPermission:\n  Type: AWS::Lambda::Permission\n  Properties:\n    Action: lambda:InvokeFunction\n    FunctionName: !GetAtt GetOrder.Arn\n    Principal: apigateway.amazonaws.com\n    SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${OrdersApi}/*",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    let permissions = permissions(ctx.template);
    for (edge, coverages) in uncovered(ctx, &permissions) {
        // A permission that is nearly right is reported by the principal and SourceArn rules.
        if !coverages.is_empty() {
            continue;
        }
        let what = match &edge.role {
            EdgeRole::Route => "function",
            EdgeRole::Authorizer { .. } => "authorizer function",
        };
        let message = format!(
            "No AWS::Lambda::Permission lets API Gateway invoke {what} `{}` for {}: calls fail with 500 \
             (Invalid permissions on Lambda function). Add one with Principal apigateway.amazonaws.com",
            edge.function.logical_id,
            edge.describe()
        );
        let fix = insert_permission_fix(ctx, edge);
        sink.report(edge.range, message).with_fix(fix);
    }
}
