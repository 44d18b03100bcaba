; Blocks that may not run when the code around them does: `if`/`elif`/`else` arms, loop bodies,
; `try` bodies (an exception may leave them early) and their handlers, `case` arms. A binding in
; one reaches a later use outside it only maybe. (`with` bodies and function bodies run whole.)
(if_statement consequence: (block) @branch)
(elif_clause consequence: (block) @branch)
(else_clause body: (block) @branch)
(for_statement body: (block) @branch)
(while_statement body: (block) @branch)
(try_statement body: (block) @branch)
(except_clause (block) @branch)
(case_clause consequence: (block) @branch)
