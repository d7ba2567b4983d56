-- wrk script for bench/gateway/run.sh: GET /hello with a bearer token taken in turn from a file of distinct
-- tokens (so a verify-once claims cache sees 1000 different tokens, not one), and, when WRK_DELAY_MS is set, a
-- pause before every request of each connection, so the run offers a fixed rate instead of a closed loop.
--   [WRK_DELAY_MS=D] wrk ... -s tokens.lua http://host:port/hello -- TOKENS_FILE
-- With C connections and a mean pause of D ms the offered rate is about C * 1000 / D requests per second; each
-- pause is drawn uniformly from 0.5 D .. 1.5 D so the connections do not fire in lock step.
local tokens = {}
local next_token = 1
local mean_delay = tonumber(os.getenv("WRK_DELAY_MS") or "0")

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  next_token = math.random(#tokens)
end

function request()
  local t = tokens[next_token]
  next_token = next_token % #tokens + 1
  return wrk.format("GET", "/hello", { ["Authorization"] = "Bearer " .. t })
end

if mean_delay > 0 then
  -- wrk looks for delay() before init() runs, so it is defined only in the fixed-rate mode
  function delay()
    return math.floor(mean_delay * (0.5 + math.random()))
  end
end
