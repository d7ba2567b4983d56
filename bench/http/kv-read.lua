-- wrk script: KV v2 reads of one of 1000 keys per request.
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/v1/secret/data/bench/key-" .. (counter % 1000))
end
