-- wrk script for the token-endpoint benchmark (run.sh). Every request is a client-credentials grant
-- authenticated with client_secret_basic; the credentials rotate round-robin over many distinct clients,
-- each wrk thread starting at its own offset so the connections do not move in lock-step.
--   BENCH_CREDENTIALS  file with one "Basic" credential (base64 of client_id:client_secret) per line
--   BENCH_PATH         the token endpoint's path
-- done() prints one line "BENCH_JSON {...}" that run.sh summarises (latencies in microseconds).

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BENCH_PATH")
  local body = "grant_type=client_credentials&scope=api%3Aread"
  requests_by_client = {}
  for line in io.lines(os.getenv("BENCH_CREDENTIALS")) do
    if #line > 0 then
      local headers = {
        ["Authorization"] = "Basic " .. line,
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Accept"] = "application/json",
      }
      requests_by_client[#requests_by_client + 1] = wrk.format("POST", path, headers, body)
    end
  end
  clients = #requests_by_client
  if clients == 0 then
    error("no credentials in " .. tostring(os.getenv("BENCH_CREDENTIALS")))
  end
  next_client = (tid * 97) % clients
  non200 = 0
  c4xx = 0
  c5xx = 0
  last_bad_status = 0
end

function request()
  next_client = next_client % clients + 1
  return requests_by_client[next_client]
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    last_bad_status = status
    if status >= 500 then
      c5xx = c5xx + 1
    elseif status >= 400 then
      c4xx = c4xx + 1
    end
  end
end

function done(summary, latency, requests)
  local non200_total, c4xx_total, c5xx_total, last = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    non200_total = non200_total + thread:get("non200")
    c4xx_total = c4xx_total + thread:get("c4xx")
    c5xx_total = c5xx_total + thread:get("c5xx")
    local bad = thread:get("last_bad_status")
    if bad ~= 0 then last = bad end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,'
      .. '"errors_write":%d,"errors_timeout":%d,"non200":%d,"c4xx":%d,"c5xx":%d,"last_bad_status":%d,'
      .. '"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    non200_total, c4xx_total, c5xx_total, last, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max))
end
