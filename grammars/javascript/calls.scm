; Calls of a plain name: `callback(null, response)`.
(call_expression
  function: (identifier) @callee
  arguments: (arguments) @arguments) @call
