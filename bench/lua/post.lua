-- POST `body` with a fresh Idempotency-Key per request (wrk.thread id + counter + run id).
-- Set from the command line: wrk ... -s post.lua URL -- <body-file> <header lines...>
local counter = 0
local run = tostring(os.time()) .. tostring(math.random(1e9))
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  for i = 2, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
  fresh_keys = wrk.headers["Idempotency-Key"] == "fresh"
end

function request()
  if fresh_keys then
    counter = counter + 1
    wrk.headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, thread_id or 0, counter)
  end
  return wrk.format()
end
