-- wrk script: paths no request has used before (unique per thread and run).
--   wrk ... -s post.lua URL            POST /image/post, one path per request
--   wrk ... -s post.lua URL -- 1000    POST /images/post, 1,000 paths per request
local counter = 0
local threads = 0
local batch = 0
prefix = ""

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  prefix = tostring(os.time()) .. "-" .. tostring(id or 0) .. "-" .. tostring(math.random(1, 1000000000))
  batch = tonumber(args[1] or "0") or 0
end

local headers = { ["Content-Type"] = "application/json" }

request = function()
  counter = counter + 1
  if batch == 0 then
    return wrk.format("POST", "/image/post", headers, '{"path":"bench/' .. prefix .. '/' .. counter .. '.jpg"}')
  end
  local items = {}
  for i = 1, batch do
    items[i] = '{"path":"batch/' .. prefix .. '/' .. counter .. '/' .. i .. '.jpg"}'
  end
  return wrk.format("POST", "/images/post", headers, '{"paths":[' .. table.concat(items, ",") .. ']}')
end
