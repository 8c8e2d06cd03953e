-- wrk: a 2026-07-28 tools/call add that counts every request it sends (written to a socket),
-- answered or not, so a check can compare the server's access lines with the requests made.
-- Prints at the end: sent=<requests written> bad=<answers not 200 or not 5>.
-- wrk calls request() once more than it sends: thread 1 calls it before the run to check that
-- the script makes a well-formed request (script_verify_request), and that one is never written.
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = "tools/call"
wrk.headers["Mcp-Name"] = "add"
wrk.headers["User-Agent"] = "access-log-check"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; sent = 0 end
function request()
  sent = sent + 1
  return wrk.format()
end
function response(status, headers, body)
  if status ~= 200 or not body:find('"result":5.0', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total_sent, total_bad = 0, 0
  for _, t in ipairs(threads) do
    total_sent = total_sent + (t:get("sent") or 0)
    total_bad = total_bad + (t:get("bad") or 0)
  end
  io.write(string.format("sent=%d\nbad=%d\n", total_sent - 1, total_bad))
end
