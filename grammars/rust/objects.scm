; `json!(...)` and `serde_json::json!(...)`: candidate response objects.
(macro_invocation
  macro: [
    (identifier) @macro
    (scoped_identifier name: (identifier) @macro)
  ]
  (#eq? @macro "json")
  (token_tree) @arguments) @json

; `ApiGatewayProxyResponse { status_code: 200, .. }`, also with a path.
(struct_expression
  name: [
    (type_identifier) @type
    (scoped_type_identifier name: (type_identifier) @type)
  ]
  (#any-of? @type "ApiGatewayProxyResponse" "ApiGatewayV2httpResponse")
  body: (field_initializer_list) @fields) @struct
