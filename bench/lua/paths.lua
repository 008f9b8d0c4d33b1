-- POST (or GET) to paths read from a file, one per line, in turn; fresh Idempotency-Keys.
-- wrk ... -s paths.lua BASEURL -- <paths-file> <method> <body-file or -> <header lines...>
local counter, index = 0, 0
local run = tostring(os.time()) .. tostring(math.random(1e9))
local threads = 0
local paths = {}

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  wrk.method = args[2]
  if args[3] ~= "-" then
    local file = assert(io.open(args[3], "r"))
    wrk.body = file:read("*a")
    file:close()
    wrk.headers["Content-Type"] = "application/json"
  end
  for i = 4, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
  index = (thread_id or 0) * 7919
end

function request()
  counter = counter + 1
  index = index + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, thread_id or 0, counter)
  return wrk.format(nil, paths[(index % #paths) + 1])
end
