-- POST /v1/oauth/token exchanging a fresh authorization code (with its PKCE verifier) per
-- request: each line of the codes file (bench/oauth_setup.py) is one whole form body, and a
-- code works once. Client authentication: the header lines (HTTP Basic).
-- wrk ... -s token_authorization_code.lua BASEURL/v1/oauth/token --
--     <codes file> <codes per thread per run> <header lines...>
-- (from bench/oauth_setup.py: its "authorization_code_args")
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local blocks = require("blocks")
local next_body

function init(args)
  local per_thread = assert(tonumber(args[2]), "codes per thread per run")
  next_body = blocks.cycle(blocks.claim(args[1], per_thread, "token_authorization_code.lua"),
                           "token_authorization_code.lua")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

function request()
  return wrk.format(nil, nil, nil, next_body())
end
