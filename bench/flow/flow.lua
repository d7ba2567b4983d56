-- wrk script for bench/flow/run.sh: POST /orders through the gateway with a different access token on each
-- request (the tokens file has one per line), so every hop verifies many distinct tokens.
-- Environment: TOKENS_FILE (required), ORDERS_PATH (default /orders), RATE (requests/s over all connections,
-- 0 or unset = as fast as possible), CONNS (connections, to spread RATE), LABEL (printed with the figures).
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do
  if #line > 0 then tokens[#tokens + 1] = line end
end
local path = os.getenv("ORDERS_PATH") or "/orders"
local rate = tonumber(os.getenv("RATE") or "0")
local conns = tonumber(os.getenv("CONNS") or "1000")
local body = '{"item":"book","quantity":1}'
local counter = 0
local pause = 0

function init(args)
  -- threads start at different offsets so that connections do not walk the tokens in lockstep
  counter = math.random(#tokens)
  if rate > 0 then
    pause = conns * 1000 / rate -- ms between a response and the next request on one connection
  end
end

if rate > 0 then
  -- only defined for the fixed-rate run: wrk calls it before every request of a connection (the first one
  -- too). Uniform in [0, 2 * pause]: the mean gives the rate, and connections do not start in lockstep.
  function delay()
    return math.random() * 2 * pause
  end
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token,
                                    ["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "FLOW %s requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f "
      .. "connect_err=%d read_err=%d write_err=%d timeouts=%d non2xx=%d\n",
    os.getenv("LABEL") or "run", summary.requests, s, summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
