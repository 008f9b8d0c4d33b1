-- POST /v1/oauth/token exchanging a fresh authorization code (with its PKCE verifier) per
-- request: each line of the codes file (bench/oauth_setup.py) is one whole form body, and a
-- code works once. Client authentication: the header lines (HTTP Basic).
-- wrk ... -s token_authorization_code.lua BASEURL/v1/oauth/token --
--     <codes file> <codes per thread per run> <header lines...>
-- (from bench/oauth_setup.py: its "authorization_code_args")
--
-- So that a warm-up and the measured run never send the same code, each wrk thread claims
-- the next unused block of lines in init(), recorded in "<codes file>.cursor". wrk runs
-- setup() and init() of its threads one after another on its main thread, so claims never
-- race. A thread that uses up its block starts it again: the repeated codes are refused
-- (400 invalid_grant) and show as non-2xx responses, so mint more (MAX_RATE) if they do.

local bodies = {}
local index = 0
local warned = false

local function claim(cursor_file, count)
  local first = 0
  local file = io.open(cursor_file, "r")
  if file then
    first = tonumber(file:read("*l")) or 0
    file:close()
  end
  file = assert(io.open(cursor_file, "w"))
  file:write(tostring(first + count), "\n")
  file:close()
  return first
end

function init(args)
  local per_thread = assert(tonumber(args[2]), "codes per thread per run")
  local first = claim(args[1] .. ".cursor", per_thread)
  local line_number = 0
  for line in io.lines(args[1]) do
    if line_number >= first + per_thread then break end
    if line_number >= first then bodies[#bodies + 1] = line end
    line_number = line_number + 1
  end
  if #bodies < per_thread then
    io.stderr:write(string.format("token_authorization_code.lua: only %d of %d codes left\n",
                                  #bodies, per_thread))
  end
  assert(#bodies > 0, "no codes left: mint more with bench/oauth_setup.py")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

function request()
  index = index + 1
  if index > #bodies then
    if not warned then
      io.stderr:write("token_authorization_code.lua: codes used up, repeating them\n")
      warned = true
    end
    index = 1
  end
  return wrk.format(nil, nil, nil, bodies[index])
end
