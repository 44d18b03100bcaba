; `service_fn(handler)`, `service_fn(|event| handler(event))`, `lambda_runtime::service_fn(...)`,
; and the older `handler_fn(handler)`: what the runtime calls.
(call_expression
  function: [
    (identifier) @callee
    (scoped_identifier name: (identifier) @callee)
  ]
  (#any-of? @callee "service_fn" "handler_fn")
  arguments: (arguments . (_) @handler)) @call
