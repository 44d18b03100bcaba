; `const name = value`, `let name = value`, `var name = value`: bindings for resolving identifiers.
(variable_declarator
  name: (identifier) @target
  value: (_) @value) @binding

; `name = value`
(assignment_expression
  left: (identifier) @target
  right: (_) @value) @binding

; `const { a, b } = value`: names bound to values that are not followed.
(variable_declarator
  name: [(object_pattern) (array_pattern)] @pattern) @destructuring

; `for (const item of items)`
(for_in_statement
  left: (_) @pattern) @destructuring

; `response.body = value`: a response built up after its literal.
(assignment_expression
  left: (member_expression
    object: (identifier) @member_target
    property: (property_identifier) @member_key)
  right: (_) @value) @member_assignment

; `response["headers"] = value` (any other index makes the object opaque)
(assignment_expression
  left: (subscript_expression
    object: (identifier) @member_target
    index: (_) @member_key)
  right: (_) @value) @member_assignment

; `Object.assign(response, {...})`
(call_expression
  function: (member_expression
    object: (identifier) @_object (#eq? @_object "Object")
    property: (property_identifier) @_assign (#eq? @_assign "assign"))
  arguments: (arguments
    .
    (identifier) @update_target) @update_arguments) @update

; `catch (err) { ... }`: the name holds the caught error in the block.
(catch_clause
  parameter: (identifier) @error_name
  body: (statement_block) @error_block)

; `call(..., (err, data) => { ... })`: an inline function as the last argument; the extractor
; decides whether it is an error-first callback (or a `.catch` handler) by its first parameter.
(call_expression
  function: (_) @callback_callee
  arguments: (arguments
    [(arrow_function) (function_expression)] @callback
    .))

; `throw { statusCode: 400, ... }`, `throw response(400, ...)`, `Promise.reject({...})`: the file
; throws values that may not be errors, so what a `catch` receives is not surely an error.
(throw_statement
  [(object) (call_expression)] @thrown_value)

(call_expression
  function: (member_expression
    object: (identifier) @_promise (#eq? @_promise "Promise")
    property: (property_identifier) @_reject (#eq? @_reject "reject"))
  arguments: (arguments
    .
    [(object) (call_expression)] @thrown_value))
