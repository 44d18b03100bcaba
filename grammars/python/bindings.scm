; `name = value`: local and module-level bindings, for resolving identifiers.
(assignment
  left: (identifier) @target
  right: (_) @value) @binding

; `name: Type = value`
(assignment
  left: (identifier) @target
  type: (_)
  right: (_) @value) @binding

; `resp["body"] = value`: a response built up after its literal.
(assignment
  left: (subscript
    value: (identifier) @item_target
    subscript: (string) @item_key)
  right: (_) @value) @item_assignment

; `resp.update({...})` / `resp.update(key=value)`
(call
  function: (attribute
    object: (identifier) @update_target
    attribute: (identifier) @_update (#eq? @_update "update"))
  arguments: (argument_list) @update_arguments) @update

; `except E as e:`: the name holds the caught exception in the handler block.
(except_clause
  (as_pattern
    alias: (as_pattern_target
      (identifier) @error_name))) @error_clause
