-- wrk script for bench/authz-http.sh: random Drive-dataset checks (half allowed, half denied), as
-- DriveDataset.randomCheck makes them, against POST /stores/{id}/check.
local store = os.getenv("STORE")
local token = os.getenv("TOKEN")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.path = "/stores/" .. store .. "/check"

request = function()
  local d = math.random(0, 799999)
  local user
  if math.random() < 0.5 then
    local root = math.floor((d % 20000) / 1000)
    local group = root * 20 + math.random(0, 19)
    user = "user:u" .. (group * 10 + math.random(0, 9))
  else
    user = "user:u" .. math.random(0, 99999)
  end
  local body = '{"tuple_key":{"object":"document:d' .. d .. '","relation":"viewer","user":"' .. user .. '"}}'
  return wrk.format(nil, nil, nil, body)
end

-- Fixed offered rate (RATE requests/s over CONNS connections, both set by bench/authz-http.sh): each connection
-- pauses a random 0.5-1.5 x its mean interval before every request, so the total is RATE on average. At a rate
-- below saturation the latencies are the server's, not the queueing of a closed loop on two shared cores.
local rate = tonumber(os.getenv("RATE") or "0")
if rate > 0 then
  local interval = 1000 * tonumber(os.getenv("CONNS")) / rate
  delay = function()
    return math.floor(interval * (0.5 + math.random()))
  end
end

-- One summary line the lead can paste: requests/s and the tail (wrk's --latency table stops at p99).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format("authz-http: requests %d requests/s %.0f  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  errors %d (non-2xx included)\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, errors))
end
