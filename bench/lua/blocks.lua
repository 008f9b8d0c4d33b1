-- Lines of a file that a wrk thread uses once: each thread claims the next unused block of
-- `count` lines in init(), recorded in "<file>.cursor", so that a warm-up and the measured
-- run never send the same line. wrk runs setup() and init() of its threads one after another
-- on its main thread, so claims never race.
local blocks = {}

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

function blocks.claim(path, count, script)
  local first = claim(path .. ".cursor", count)
  local lines, line_number = {}, 0
  for line in io.lines(path) do
    if line_number >= first + count then break end
    if line_number >= first then lines[#lines + 1] = line end
    line_number = line_number + 1
  end
  if #lines < count then
    io.stderr:write(string.format("%s: only %d of %d lines left\n", script, #lines, count))
  end
  assert(#lines > 0, script .. ": no lines left: make more")
  return lines
end

-- The next line; a thread that uses up its block starts it again (the repeated requests are
-- refused and show as non-2xx responses: make more lines if they do).
function blocks.cycle(lines, script)
  local index, warned = 0, false
  return function()
    index = index + 1
    if index > #lines then
      if not warned then
        io.stderr:write(script .. ": lines used up, repeating them\n")
        warned = true
      end
      index = 1
    end
    return lines[index]
  end
end

return blocks
