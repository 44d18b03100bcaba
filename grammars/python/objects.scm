; Dict literals and `dict(...)` calls: candidate response objects.
(dictionary) @dict

(call
  function: (identifier) @_dict (#eq? @_dict "dict")
  arguments: (argument_list) @arguments) @dict_call
