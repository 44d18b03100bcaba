; `return value` anywhere in a function body.
(return_expression (_) @value) @return
