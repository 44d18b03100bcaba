; Calls of a plain name (`helper(...)`), the ones awaited (`await helper(...)`), and loops whose
; constant bound multiplies the calls in their body: the file's call graph.
(call
  function: (identifier) @callee) @call
(await
  (call
    function: (identifier)) @awaited)
(for_statement) @loop
; `asyncio.run(helper(...))` runs the coroutine to its end before returning.
(call
  function: (attribute) @_run
  arguments: (argument_list
    .
    (call
      function: (identifier)) @awaited)
  (#eq? @_run "asyncio.run"))
