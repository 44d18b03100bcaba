; `exports.name = value` and `module.exports.name = value`.
(assignment_expression
  left: (member_expression
    object: (identifier) @_exports (#eq? @_exports "exports")
    property: (property_identifier) @name)
  right: (_) @value) @export

(assignment_expression
  left: (member_expression
    object: (member_expression
      object: (identifier) @_module (#eq? @_module "module")
      property: (property_identifier) @_exports (#eq? @_exports "exports"))
    property: (property_identifier) @name)
  right: (_) @value) @export

; `module.exports = { handler, main: base }`
(assignment_expression
  left: (member_expression
    object: (identifier) @_module (#eq? @_module "module")
    property: (property_identifier) @_exports (#eq? @_exports "exports"))
  right: (object) @object) @export_object

; `export { handler }`, `export { main as handler }`
(export_statement
  (export_clause
    (export_specifier) @specifier)) @export_clause

; `export const handler = ...`, `export function handler(...)`
(export_statement
  declaration: (_) @declaration) @export_declaration
