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
