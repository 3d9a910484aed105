-- soak.lua - the mixed load of bench/soak.sh for wrk: of every ten requests
-- eight are reads over the public lists a page makes (partnerships, a search,
-- places, the registry's accounts, the figures) and two are registry
-- transfers of one credit, one each way between two accounts (so neither
-- runs dry however long the run).  Every reply that is not 2xx is counted;
-- done() prints the count over all of wrk's threads.
local token = os.getenv("SOAK_TOKEN")
local reads = {
  "/api/v1/partnerships", "/api/v1/search?q=%E5%AF%8C%E5%B1%B1", "/api/v1/places?country=VN&limit=20",
  "/api/v1/registry/accounts", "/api/v1/stats", "/api/v1/projects?limit=50",
  "/api/v1/search?q=Da%20Nang", "/api/v1/registry/balance?account=JP-ENT-1",
}
local moves = {
  '{"from": "JP-GOV-1", "to": "JP-ENT-1", "quantity": 1}',
  '{"from": "JP-ENT-1", "to": "JP-GOV-1", "quantity": 1}',
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) n = 0; errors = 0; writes = 0; firsterr = "" end
function request()
  n = n + 1
  local k = n % 10
  if k < 8 then return wrk.format("GET", reads[k + 1]) end
  writes = writes + 1
  return wrk.format("POST", "/api/v1/registry/transfer",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, moves[k - 7])
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    errors = errors + 1
    if firsterr == "" then firsterr = status .. " " .. string.sub(body or "", 1, 200) end
  end
end
function done(summary, latency, requests)
  local e, w, first = 0, 0, ""
  for _, t in ipairs(threads) do
    e = e + t:get("errors"); w = w + t:get("writes")
    if first == "" then first = t:get("firsterr") end
  end
  io.write(string.format("soak-window: requests=%d errors=%d writes=%d p50_ms=%.2f p99_ms=%.2f socket_errors=%d first_error=%s\n",
    summary.requests, e, w, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, first))
end
