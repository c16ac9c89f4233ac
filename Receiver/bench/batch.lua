-- wrk script: POST /images/post with 1,000 new paths per request.
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
  local items = {}
  for i = 1, 1000 do
    items[i] = '{"path":"batch/' .. prefix .. '/' .. counter .. '/' .. i .. '.jpg"}'
  end
  local body = '{"paths":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/images/post", { ["Content-Type"] = "application/json" }, body)
end
