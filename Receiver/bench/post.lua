-- wrk script: POST /image/post with a path no request has used before (unique per thread and run).
local counter = 0
local threads = 0
prefix = ""

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  prefix = tostring(os.time()) .. "-" .. tostring(id or 0) .. "-" .. tostring(math.random(1, 1000000000))
end

request = function()
  counter = counter + 1
  local body = '{"path":"bench/' .. prefix .. '/' .. counter .. '.jpg"}'
  return wrk.format("POST", "/image/post", { ["Content-Type"] = "application/json" }, body)
end
