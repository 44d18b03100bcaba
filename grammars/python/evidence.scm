; Reads of the event that only an API Gateway event has: `event["httpMethod"]`, `event.get("body")`.
(subscript
  value: (identifier) @object
  subscript: (string) @key) @read

(call
  function: (attribute
    object: (identifier) @object
    attribute: (identifier) @_get (#eq? @_get "get"))
  arguments: (argument_list . (string) @key)) @read
