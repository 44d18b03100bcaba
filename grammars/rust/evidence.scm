; Reads of the event that only an API Gateway event has: `event.payload["httpMethod"]`,
; `payload.get("queryStringParameters")`.
(index_expression
  (_) @object
  (string_literal) @key) @read

(call_expression
  function: (field_expression
    value: (_) @object
    field: (field_identifier) @_get (#eq? @_get "get"))
  arguments: (arguments . (string_literal) @key)) @read
