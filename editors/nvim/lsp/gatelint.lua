-- gatelint: API Gateway <-> Lambda integration errors in handlers and SAM/CloudFormation templates.
--
-- Neovim 0.11+: put this file on 'runtimepath' as lsp/gatelint.lua (e.g. ~/.config/nvim/lsp/) and
-- call vim.lsp.enable('gatelint'). The binary comes from `cargo install --path server` or a release.
---@type vim.lsp.Config
return {
  cmd = { 'gatelint', 'server' },
  filetypes = {
    'python',
    'javascript',
    'javascriptreact',
    'typescript',
    'typescriptreact',
    'rust',
    'yaml',
    'json',
    'terraform',
    'hcl',
  },
  root_markers = {
    'template.yaml',
    'template.yml',
    'samconfig.toml',
    'serverless.yml',
    'serverless.yaml',
    '.git',
  },
  -- Rule selection and severities, as the VS Code extension sends them.
  init_options = { rules = { select = {}, ignore = {}, severity = vim.empty_dict() } },
  settings = { gatelint = {} },
}
