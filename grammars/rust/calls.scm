; Calls of a plain name (`helper(...)`), the ones awaited (`helper(...).await`), and loops whose
; constant bound multiplies the calls in their body: the file's call graph.
(call_expression
  function: (identifier) @callee) @call
(await_expression
  (call_expression
    function: (identifier)) @awaited)
(for_expression) @loop
