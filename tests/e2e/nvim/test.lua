-- End-to-end test of gatelint in real Neovim (0.11+), through the config users install:
--   nvim --headless --clean -l test.lua REPOSITORY GATELINT_BINARY WORKSPACE
-- WORKSPACE is a scratch copy of tests/demo/sam-app (run.sh makes it; this script edits its files).
-- Prints one line per check, then `N passed, M failed` and PASS or FAIL; exits 1 on any failure.

local repository, binary, workspace = arg[1], arg[2], arg[3]
if not (repository and binary and workspace) then
  io.stderr:write('usage: nvim --headless --clean -l test.lua REPOSITORY GATELINT_BINARY WORKSPACE\n')
  os.exit(2)
end

local TIMEOUT_MS = 15000
local passed, failed = 0, 0

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    print(('ok    %s'):format(name))
  else
    failed = failed + 1
    print(('FAIL  %s%s'):format(name, detail and (': ' .. detail) or ''))
  end
  return ok
end

local function finish()
  print(('%d passed, %d failed'):format(passed, failed))
  print(failed == 0 and 'PASS nvim e2e' or 'FAIL nvim e2e')
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop(true)
  end
  os.exit(failed == 0 and 0 or 1)
end

-- Whatever goes wrong below, end with the summary line instead of a Lua traceback.
local function guarded(name, work)
  local ok, err = xpcall(work, debug.traceback)
  if not ok then
    check(name, false, tostring(err))
  end
end

-- The shipped config, found on 'runtimepath' exactly as a user's would be; only the binary differs.
vim.opt.runtimepath:prepend(repository .. '/editors/nvim')
vim.cmd('filetype on')
vim.lsp.config('gatelint', { cmd = { binary, 'server' } })
vim.lsp.enable('gatelint')

local function open(relative)
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/' .. relative))
  return vim.api.nvim_get_current_buf()
end

local function client_of(buffer)
  local attached = vim.wait(TIMEOUT_MS, function()
    return #vim.lsp.get_clients({ bufnr = buffer, name = 'gatelint' }) > 0
  end, 50)
  return attached and vim.lsp.get_clients({ bufnr = buffer, name = 'gatelint' })[1] or nil
end

local function diagnostics_with(buffer, code)
  return vim.tbl_filter(function(diagnostic)
    return diagnostic.code == code
  end, vim.diagnostic.get(buffer))
end

local function wait_for(buffer, code, present)
  vim.wait(TIMEOUT_MS, function()
    return (#diagnostics_with(buffer, code) > 0) == present
  end, 50)
  return diagnostics_with(buffer, code)
end

local function hover_text(buffer, client, line, character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buffer) },
    position = { line = line, character = character },
  }
  local response = client:request_sync('textDocument/hover', params, TIMEOUT_MS, buffer)
  if not (response and response.result and response.result.contents) then
    return ''
  end
  local contents = response.result.contents
  return type(contents) == 'table' and (contents.value or '') or tostring(contents)
end

-- Applies the preferred quick fix at the diagnostic through vim.lsp.buf.code_action, the command
-- users map (`gra` by default), and waits for the buffer to change.
local function apply_quick_fix(buffer, diagnostic)
  vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
  local before = vim.api.nvim_buf_get_changedtick(buffer)
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.isPreferred == true
    end,
  })
  vim.wait(TIMEOUT_MS, function()
    return vim.api.nvim_buf_get_changedtick(buffer) ~= before
  end, 50)
  return vim.api.nvim_buf_get_changedtick(buffer) ~= before
end

-- Every URI the server has published diagnostics for (an empty list included), so that a test can
-- tell "no finding" from "not analysed yet".
local published = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, context, config)
  if result and result.uri then
    published[result.uri] = true
  end
  return publish(err, result, context, config)
end

local function line_of(buffer, line)
  return vim.api.nvim_buf_get_lines(buffer, line, line + 1, false)[1] or ''
end

-- A handler: a malformed proxy response (GL101 on `"status"`).
guarded('python handler', function()
  local buffer = open('hello_world/app.py')
  local client = client_of(buffer)
  if not check('client attaches to hello_world/app.py', client ~= nil) then
    return
  end
  check(
    'root_dir is the SAM app (template.yaml marker)',
    client.root_dir == vim.fs.normalize(workspace),
    tostring(client.root_dir)
  )

  local found = wait_for(buffer, 'GL101', true)
  -- Before the workspace index links the handler to its template, the front door is assumed and
  -- GL101 is a warning; once the template is read it is the REST API's error.
  vim.wait(TIMEOUT_MS, function()
    local now = diagnostics_with(buffer, 'GL101')[1]
    return now ~= nil and now.severity == vim.diagnostic.severity.ERROR
  end, 50)
  found = diagnostics_with(buffer, 'GL101')
  local diagnostic = found[1]
  if not check('GL101 diagnostic on `"status"`', diagnostic ~= nil and diagnostic.lnum == 6 and diagnostic.col == 16,
      vim.inspect(vim.diagnostic.get(buffer))) then
    return
  end
  check('its severity is error', diagnostic.severity == vim.diagnostic.severity.ERROR)
  check('GL106 diagnostic on the dict body', #diagnostics_with(buffer, 'GL106') == 1)

  local hover = hover_text(buffer, client, diagnostic.lnum, diagnostic.col + 2)
  check(
    'hover shows the rule docs',
    hover:find('unknown-response-key', 1, true) ~= nil and hover:find('Malformed Lambda proxy response', 1, true) ~= nil,
    hover
  )

  check('quick fix applies', apply_quick_fix(buffer, diagnostic))
  check('the fix renames `status` to `statusCode`', line_of(buffer, 6):find('"statusCode": 400', 1, true) ~= nil, line_of(buffer, 6))
  check('GL101 is gone after the fix', #wait_for(buffer, 'GL101', false) == 0)
  check('GL106 is still reported', #diagnostics_with(buffer, 'GL106') == 1)

  if client.server_capabilities.definitionProvider then
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    local response = client:request_sync('textDocument/definition', params, TIMEOUT_MS, buffer)
    check('go to definition answers', response ~= nil and response.err == nil, vim.inspect(response))
  else
    print('skip  go to definition: the server does not offer textDocument/definition yet')
  end
end)

-- A template: a function timeout above the REST API's 29 s (GL401, fix: Timeout 29).
guarded('template', function()
  local buffer = open('template.yaml')
  local client = client_of(buffer)
  if not check('client attaches to template.yaml', client ~= nil) then
    return
  end
  local diagnostic = wait_for(buffer, 'GL401', true)[1]
  if not check('GL401 diagnostic on `Timeout: 60`', diagnostic ~= nil and line_of(buffer, diagnostic.lnum):find('Timeout: 60', 1, true) ~= nil,
      vim.inspect(vim.diagnostic.get(buffer))) then
    return
  end
  check('its severity is warning', diagnostic.severity == vim.diagnostic.severity.WARN)
  local hover = hover_text(buffer, client, diagnostic.lnum, diagnostic.col)
  check('template hover shows the rule docs', hover:find('function-timeout-exceeds-integration', 1, true) ~= nil, hover)
  local fixed_line = diagnostic.lnum
  check('template quick fix applies', apply_quick_fix(buffer, diagnostic))
  check('the fix sets Timeout to 29', line_of(buffer, fixed_line):find('Timeout: 29', 1, true) ~= nil, line_of(buffer, fixed_line))
  check('GL401 is gone after the fix', #wait_for(buffer, 'GL401', false) == 0)
end)

-- A Serverless Framework service (a folder of the workspace the client already serves):
-- serverless.yml is read as the stack it deploys. Its handler is
-- linked to a REST proxy route (GL101 is an error), and a timeout over 29 s written through
-- ${self:custom.apiTimeout} is GL401 on the custom value, fixed there.
guarded('serverless.yml', function()
  local handler = open('sls-service/src/orders.py')
  local handler_client = client_of(handler)
  if not check('client attaches to sls-service/src/orders.py', handler_client ~= nil) then
    return
  end
  vim.wait(TIMEOUT_MS, function()
    local now = diagnostics_with(handler, 'GL101')[1]
    return now ~= nil and now.severity == vim.diagnostic.severity.ERROR
  end, 50)
  local linked = diagnostics_with(handler, 'GL101')[1]
  check('the handler linked through serverless.yml gets GL101 as an error',
    linked ~= nil and linked.severity == vim.diagnostic.severity.ERROR, vim.inspect(vim.diagnostic.get(handler)))

  local buffer = open('sls-service/serverless.yml')
  local client = client_of(buffer)
  if not check('client attaches to serverless.yml', client ~= nil) then
    return
  end
  local diagnostic = wait_for(buffer, 'GL401', true)[1]
  if not check('GL401 diagnostic on `apiTimeout: 40`', diagnostic ~= nil and line_of(buffer, diagnostic.lnum):find('apiTimeout: 40', 1, true) ~= nil,
      vim.inspect(vim.diagnostic.get(buffer))) then
    return
  end
  local fixed_line = diagnostic.lnum
  check('serverless.yml quick fix applies', apply_quick_fix(buffer, diagnostic))
  check('the fix sets the custom value to 29', line_of(buffer, fixed_line):find('apiTimeout: 29', 1, true) ~= nil, line_of(buffer, fixed_line))
  check('GL401 is gone from serverless.yml after the fix', #wait_for(buffer, 'GL401', false) == 0)
end)

-- A Terraform configuration: main.tf is served (filetype terraform), its integration without an
-- aws_lambda_permission is GL301, and the handler it links gets its proxy-response error.
guarded('terraform', function()
  local buffer = open('tf-service/main.tf')
  local client = client_of(buffer)
  if not check('client attaches to tf-service/main.tf', client ~= nil, vim.bo[buffer].filetype) then
    return
  end
  local diagnostic = wait_for(buffer, 'GL301', true)[1]
  check('GL301 diagnostic on the integration uri', diagnostic ~= nil
      and line_of(buffer, diagnostic.lnum):find('invoke_arn', 1, true) ~= nil,
    vim.inspect(vim.diagnostic.get(buffer)))
  local handler = open('tf-service/src/app.py')
  vim.wait(TIMEOUT_MS, function()
    local now = diagnostics_with(handler, 'GL106')[1]
    return now ~= nil and now.severity == vim.diagnostic.severity.ERROR
  end, 50)
  local linked = diagnostics_with(handler, 'GL106')[1]
  check('the handler linked through main.tf gets GL106 as an error',
    linked ~= nil and linked.severity == vim.diagnostic.severity.ERROR, vim.inspect(vim.diagnostic.get(handler)))
end)

-- Terraform local modules: a function created in `./modules/function` is read with its caller,
-- so its timeout from the `module` block (40 s behind an HTTP API, 30 s) is GL401 there with a
-- quick fix; one hard-coded inside a module is reported on the calling `module` block, pointing
-- into the module's file; and the handler linked through the module's variables gets GL106.
guarded('terraform local modules', function()
  local buffer = open('tf-modules/main.tf')
  local client = client_of(buffer)
  if not check('client attaches to tf-modules/main.tf', client ~= nil) then
    return
  end
  local function on_line(text)
    for _, diagnostic in ipairs(diagnostics_with(buffer, 'GL401')) do
      if line_of(buffer, diagnostic.lnum):find(text, 1, true) ~= nil then
        return diagnostic
      end
    end
  end
  vim.wait(TIMEOUT_MS, function()
    return on_line('timeout    = 40') ~= nil and on_line('./modules/slow_function') ~= nil
  end, 50)
  local caller = on_line('timeout    = 40')
  local inside = on_line('./modules/slow_function')
  if not check('GL401 on the module call\'s `timeout = 40` and on the source of a module hard-coding 45 s',
      caller ~= nil and inside ~= nil, vim.inspect(vim.diagnostic.get(buffer))) then
    return
  end
  local related = ((inside.user_data or {}).lsp or {}).relatedInformation or {}
  check('the finding about the module\'s own timeout points into modules/slow_function/main.tf',
    related[1] ~= nil and related[1].location.uri:find('modules/slow_function/main.tf', 1, true) ~= nil,
    vim.inspect(related))
  local fixed_line = caller.lnum
  check('the quick fix on the module call applies', apply_quick_fix(buffer, caller))
  check('the fix sets the call\'s timeout to 30', line_of(buffer, fixed_line):find('timeout    = 30', 1, true) ~= nil,
    line_of(buffer, fixed_line))
  vim.wait(TIMEOUT_MS, function()
    return on_line('timeout    = 30') == nil and on_line('./modules/slow_function') ~= nil
  end, 50)
  check('GL401 is gone from the call and stays on the module hard-coding 45 s',
    on_line('timeout    = 30') == nil and on_line('./modules/slow_function') ~= nil,
    vim.inspect(vim.diagnostic.get(buffer)))
  local handler = open('tf-modules/src/orders/orders.py')
  vim.wait(TIMEOUT_MS, function()
    return diagnostics_with(handler, 'GL106')[1] ~= nil
  end, 50)
  check('the handler linked through the module\'s variables gets GL106',
    diagnostics_with(handler, 'GL106')[1] ~= nil, vim.inspect(vim.diagnostic.get(handler)))
end)

-- A Lambda function URL: the hand-written public URL without its permission is GL301 in the
-- template; a handler behind a REST API and a function URL is judged by REST's contract, its
-- message names both doors, and hover on the handler lists every door with format and budget.
guarded('function url', function()
  local buffer = open('url-service/template.yaml')
  local client = client_of(buffer)
  if not check('client attaches to url-service/template.yaml', client ~= nil) then
    return
  end
  local diagnostic = wait_for(buffer, 'GL301', true)[1]
  check('GL301 on the public function URL', diagnostic ~= nil
      and diagnostic.message:find('403 Forbidden', 1, true) ~= nil
      and line_of(buffer, diagnostic.lnum):find('PublicFunction.Arn', 1, true) ~= nil,
    vim.inspect(vim.diagnostic.get(buffer)))
  local handler = open('url-service/both/app.py')
  local handler_client = client_of(handler)
  if not check('client attaches to url-service/both/app.py', handler_client ~= nil) then
    return
  end
  local found = wait_for(handler, 'GL102', true)[1]
  check('GL102 names the REST API and the function URL', found ~= nil
      and found.message:find('REST API', 1, true) ~= nil
      and found.message:find('function URL BothFunctionUrl', 1, true) ~= nil,
    vim.inspect(vim.diagnostic.get(handler)))
  local hover = hover_text(handler, handler_client, 0, 5)
  check('hover on the handler lists both doors with format and budget',
    hover:find('GET /both of ServerlessRestApi (REST API): payload 1.0, function timeout 3 s', 1, true) ~= nil
      and hover:find('function URL BothFunctionUrl: payload 2.0, function timeout 3 s', 1, true) ~= nil,
    hover)
end)

-- An Application Load Balancer target: a numeric header value is an error there (the load
-- balancer answers 502), and the target group without a permission is GL301.
guarded('alb target', function()
  local handler = open('alb-service/py/app.py')
  local client = client_of(handler)
  if not check('client attaches to alb-service/py/app.py', client ~= nil) then
    return
  end
  vim.wait(TIMEOUT_MS, function()
    local now = diagnostics_with(handler, 'GL110')[1]
    return now ~= nil and now.severity == vim.diagnostic.severity.ERROR
  end, 50)
  local numeric = diagnostics_with(handler, 'GL110')[1]
  check('GL110 is an error naming the load balancer', numeric ~= nil
      and numeric.severity == vim.diagnostic.severity.ERROR
      and numeric.message:find('Application Load Balancer answers 502', 1, true) ~= nil,
    vim.inspect(vim.diagnostic.get(handler)))
  local buffer = open('alb-service/template.json')
  if not check('client attaches to alb-service/template.json', client_of(buffer) ~= nil) then
    return
  end
  local permission = wait_for(buffer, 'GL301', true)[1]
  check('GL301 on the target group without a permission', permission ~= nil
      and permission.message:find('elasticloadbalancing.amazonaws.com', 1, true) ~= nil,
    vim.inspect(vim.diagnostic.get(buffer)))
end)

-- A streaming REST integration waits up to its TimeoutInMillis (300 s here), not 29 s: raising the
-- function's timeout to 400 s shows GL401 naming the 300 s budget; back at 300 s it goes (a
-- buffered REST integration would stop at 29 s).
guarded('streaming', function()
  local buffer = open('stream-service/template.yaml')
  if not check('client attaches to stream-service/template.yaml', client_of(buffer) ~= nil) then
    return
  end
  local row
  for index, text in ipairs(vim.api.nvim_buf_get_lines(buffer, 0, -1, false)) do
    if text:find('Timeout: 300', 1, true) and row == nil then
      row = index - 1
    end
  end
  if not check('the template has `Timeout: 300`', row ~= nil) then
    return
  end
  local column = line_of(buffer, row):find('300', 1, true) - 1
  vim.api.nvim_buf_set_text(buffer, row, column, row, column + 3, { '400' })
  local found = wait_for(buffer, 'GL401', true)[1]
  check('GL401 at 400 s names the streaming budget of 300 s', found ~= nil
      and found.lnum == row
      and found.message:find('stops waiting after 300 s', 1, true) ~= nil,
    vim.inspect(vim.diagnostic.get(buffer)))
  vim.api.nvim_buf_set_text(buffer, row, column, row, column + 3, { '300' })
  check('no GL401 at 300 s behind the streaming integration', #wait_for(buffer, 'GL401', false) == 0,
    vim.inspect(vim.diagnostic.get(buffer)))
end)

-- A handler that returns a buffered response while its only door is a streaming REST integration:
-- GL115, a warning (AWS documents the format required, not what the client then gets), explained
-- on hover; the same app's handler wrapped in awslambda.streamifyResponse gets no GL115.
guarded('streaming handler', function()
  local buffer = open('streaming-handlers/buffered/app.mjs')
  local client = client_of(buffer)
  if not check('client attaches to streaming-handlers/buffered/app.mjs', client ~= nil) then
    return
  end
  local found = wait_for(buffer, 'GL115', true)[1]
  check('GL115 is a warning naming the streaming integration', found ~= nil
      and found.severity == vim.diagnostic.severity.WARN
      and found.message:find('GET /report of ReportsApi (REST API) is a streaming integration', 1, true) ~= nil,
    vim.inspect(vim.diagnostic.get(buffer)))
  if found then
    local hover = hover_text(buffer, client, found.lnum, found.col)
    check('hover on GL115 explains the streaming format', hover:find('8 null bytes', 1, true) ~= nil, hover)
  end
  local streamed = open('streaming-handlers/streamed/app.mjs')
  if not check('client attaches to streaming-handlers/streamed/app.mjs', client_of(streamed) ~= nil) then
    return
  end
  -- A clean file's diagnostics are an empty list: wait until the server has published them.
  local uri = vim.uri_from_bufnr(streamed)
  check('the server published diagnostics for the streamed handler', vim.wait(TIMEOUT_MS, function()
    return published[uri] ~= nil
  end, 50))
  check('no GL115 on a handler written for streaming', #diagnostics_with(streamed, 'GL115') == 0,
    vim.inspect(vim.diagnostic.get(streamed)))
end)

-- A CDK stack wired with L1 constructs gets no permission from CDK: the CfnMethod whose function
-- has no CfnPermission is GL301 on the stack's line, hovered with the rule's documentation.
guarded('cdk l1', function()
  local buffer = open('cdk-l1/lib/l1-stack.ts')
  local client = client_of(buffer)
  if not check('client attaches to cdk-l1/lib/l1-stack.ts', client ~= nil) then
    return
  end
  vim.wait(TIMEOUT_MS, function()
    return #diagnostics_with(buffer, 'GL301') >= 4
  end, 50)
  local missing
  for _, diagnostic in ipairs(diagnostics_with(buffer, 'GL301')) do
    if diagnostic.message:find('function `Missing` for GET /missing', 1, true) then
      missing = diagnostic
    end
  end
  check('GL301 on the L1 method without a CfnPermission', missing ~= nil
      and missing.message:find('No CfnPermission lets API Gateway invoke', 1, true) ~= nil,
    vim.inspect(vim.diagnostic.get(buffer)))
  if missing then
    local hover = hover_text(buffer, client, missing.lnum, missing.col)
    check('hover on GL301 says what AWS answers', hover:find('Invalid permissions on Lambda function', 1, true) ~= nil, hover)
  end
end)

-- A CDK app: the TypeScript stack is served as code and as the stack it declares. Raising
-- `Orders`' timeout from 10 s to 60 s behind its LambdaRestApi shows GL401 on the number, and
-- its handler re-diagnoses: the 15 s sleep no longer exceeds a 10 s budget (GL403 goes).
guarded('cdk', function()
  local handler = open('cdk-app/lambda/orders.py')
  if not check('client attaches to the CDK handler', client_of(handler) ~= nil) then
    return
  end
  check('the handler behind the stack has GL403 at a 10 s timeout', #wait_for(handler, 'GL403', true) > 0,
    vim.inspect(vim.diagnostic.get(handler)))
  local stack = open('cdk-app/lib/api-stack.ts')
  if not check('client attaches to lib/api-stack.ts', client_of(stack) ~= nil, vim.bo[stack].filetype) then
    return
  end
  local row
  for index, text in ipairs(vim.api.nvim_buf_get_lines(stack, 0, -1, false)) do
    if text:find('timeout: Duration.seconds(10),', 1, true) and row == nil then
      row = index - 1
    end
  end
  if not check('the stack has `timeout: Duration.seconds(10)`', row ~= nil) then
    return
  end
  local on_row = function()
    return vim.tbl_filter(function(diagnostic)
      return diagnostic.lnum == row
    end, diagnostics_with(stack, 'GL401'))
  end
  local line = line_of(stack, row)
  local column = line:find('10', 1, true) - 1
  vim.api.nvim_buf_set_text(stack, row, column, row, column + 2, { '60' })
  vim.wait(TIMEOUT_MS, function()
    return #on_row() > 0
  end, 50)
  local found = on_row()[1]
  check('GL401 on `Duration.seconds(60)` after the edit', found ~= nil and found.col == column,
    vim.inspect(vim.diagnostic.get(stack)))
  check('the handler re-diagnoses: GL403 is gone at a 60 s timeout', #wait_for(handler, 'GL403', false) == 0,
    vim.inspect(vim.diagnostic.get(handler)))
  if found then
    check('the stack quick fix applies', apply_quick_fix(stack, found))
    check('the fix edits the number only', line_of(stack, row):find('timeout: Duration.seconds(29),', 1, true) ~= nil,
      line_of(stack, row))
  end
end)

-- An AWS error text in a comment: hover explains it.
guarded('error text hover', function()
  local buffer = open('hello_world/app.py')
  local client = client_of(buffer)
  if not client then
    return check('client attaches for the error text hover', false)
  end
  vim.api.nvim_buf_set_lines(buffer, 0, 0, false, { '# Prod answered: Endpoint request timed out' })
  local hover = hover_text(buffer, client, 0, 25)
  check(
    'hover on "Endpoint request timed out" explains it and names GL401',
    hover:find('Endpoint request timed out', 1, true) ~= nil and hover:find('GL401', 1, true) ~= nil,
    hover
  )
end)

-- Rule settings as a user sets them in Neovim (`settings = { gatelint = { rules = ... } }`), sent
-- with workspace/didChangeConfiguration: they apply at once over gatelint.toml.
guarded('settings', function()
  -- The handler's buffer, already open (and edited by the hover check above).
  local buffer = vim.fn.bufnr(workspace .. '/hello_world/app.py')
  local client = client_of(buffer)
  if not client then
    return check('client attaches for the settings change', false)
  end
  client.settings = { gatelint = { rules = { severity = { GL106 = 'hint' } } } }
  client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  vim.wait(TIMEOUT_MS, function()
    local found = diagnostics_with(buffer, 'GL106')[1]
    return found ~= nil and found.severity == vim.diagnostic.severity.HINT
  end, 50)
  local found = diagnostics_with(buffer, 'GL106')[1]
  check(
    'a rules.severity setting makes GL106 a hint at once',
    found ~= nil and found.severity == vim.diagnostic.severity.HINT,
    vim.inspect(found)
  )
end)

finish()
