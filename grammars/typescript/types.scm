; Type names in a signature: `APIGatewayProxyHandler`, `APIGatewayProxyEvent`, `Handler<...>`,
; `lambda.APIGatewayProxyHandler` (the `type_identifier` inside a `nested_type_identifier`).
(type_identifier) @type
