-- POST a form body to paths that each take one request (confirming or capturing an intent):
-- each line of the paths file (bench/stripe_setup.py) is one path, used once (blocks.lua);
-- a fresh Idempotency-Key per request.
-- wrk ... -s once.lua BASEURL -- <paths file> <paths per thread per run> <form body>
--     <header lines...>
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local blocks = require("blocks")
local next_path
local counter = 0
local run = tostring(os.time()) .. tostring(math.random(1e9))
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  local per_thread = assert(tonumber(args[2]), "paths per thread per run")
  next_path = blocks.cycle(blocks.claim(args[1], per_thread, "once.lua"), "once.lua")
  wrk.method = "POST"
  wrk.body = args[3]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  for i = 4, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, thread_id or 0, counter)
  return wrk.format(nil, next_path())
end
