-- wrk: call_add.lua's 2026-07-28 tools/call add (answers checked the same way), counting every
-- request it writes to a socket, answered or not, so a check can compare the server's access
-- lines with the requests made. Prints at the end: sent=<requests written> bad=<wrong answers>.
-- wrk calls request() once more than it sends: thread 1 calls it before the run to check that
-- the script makes a well-formed request (script_verify_request); that one is never written.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "call_add.lua")
wrk.headers["User-Agent"] = "access-log-check"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; sent = 0 end
function request()
  sent = sent + 1
  return wrk.format()
end
function done(summary, latency, requests)
  local total_sent, total_bad = 0, 0
  for _, t in ipairs(threads) do
    total_sent = total_sent + (t:get("sent") or 0)
    total_bad = total_bad + (t:get("bad") or 0)
  end
  io.write(string.format("sent=%d\nbad=%d\n", total_sent - 1, total_bad))
end
