; Calls of a plain name: `callback(null, response)`.
(call_expression
  function: (identifier) @callee
  arguments: (arguments) @arguments) @call
; Calls whose result the caller waits for: awaited, or returned (the runtime awaits a returned
; promise); and loops whose constant bound multiplies the calls in their body. With the plain-name
; calls above: the file's call graph.
(await_expression
  (call_expression
    function: (identifier)) @awaited)
(return_statement
  (call_expression
    function: (identifier)) @awaited)
(arrow_function
  body: (call_expression
    function: (identifier)) @awaited)
(for_statement) @loop
