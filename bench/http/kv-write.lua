-- wrk script: KV v2 writes (a new version of one of 1000 keys per request).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local path = "/v1/secret/data/bench/key-" .. (counter % 1000)
  local body = '{"data":{"username":"svc","password":"p-' .. counter .. '-0123456789abcdef"}}'
  return wrk.format(nil, path, nil, body)
end
