; Statements that may not run when the code around them does (a function's own body holds its
; uses too, so it changes nothing): a binding in one reaches a later use outside it only maybe.
(statement_block) @branch
(else_clause) @branch
(switch_case) @branch
(switch_default) @branch
(catch_clause) @branch
(if_statement consequence: (_) @branch)
(for_statement body: (_) @branch)
(for_in_statement body: (_) @branch)
(while_statement body: (_) @branch)
(do_statement body: (_) @branch)
(ternary_expression) @branch
