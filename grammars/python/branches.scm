; Blocks that may not run when the code around them does (a function's own body holds its uses
; too, so it changes nothing): a binding in one reaches a later use outside it only maybe.
(block) @branch
