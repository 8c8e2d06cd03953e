-- wrk script for every benchmark workload: POSTs one JSON-RPC message and checks each answer.
-- Environment (bench/bench.py sets it per workload):
--   BENCH_BODY     the request body
--   BENCH_HEADERS  extra headers, "Name: value" separated by newlines
--   BENCH_EXPECT   a substring every good answer contains
--   BENCH_REJECT   a substring no good answer contains (optional)
--   BENCH_METHOD   HTTP method (default POST; GET sends no body)
-- Prints at the end: bad=<answers that were not 200 with BENCH_EXPECT and without BENCH_REJECT>,
-- and first_bad=<status and start of the first such answer>.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
if wrk.method ~= "GET" then
  wrk.body = os.getenv("BENCH_BODY") or ""
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
end
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end
local expect = os.getenv("BENCH_EXPECT") or ""
local reject = os.getenv("BENCH_REJECT")
if reject == "" then reject = nil end

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; sample = nil end
function response(status, headers, body)
  if status ~= 200 or not body:find(expect, 1, true) or (reject and body:find(reject, 1, true)) then
    bad = bad + 1
    if sample == nil then sample = status .. " " .. body:sub(1, 160):gsub("\n", " ") end
  end
end
function done(summary, latency, requests)
  local total, first = 0, nil
  for _, t in ipairs(threads) do
    total = total + (t:get("bad") or 0)
    first = first or t:get("sample")
  end
  io.write(string.format("bad=%d\n", total))
  if first then io.write("first_bad=" .. first .. "\n") end
end
