-- transfer.lua - registry transfers for wrk (bench/pg.sh): one credit a
-- request between the accounts of PAIRS pairs (A1..An, B1..Bn), a random
-- pair and direction each time, so 16 clients spread over 8 pairs as
-- issue 21 asks; every reply that is not 2xx is counted and done() prints
-- the count over all of wrk's threads.
local token = os.getenv("BENCH_TOKEN")
local pairs_n = tonumber(os.getenv("PAIRS") or "1")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) errors = 0; firsterr = ""; math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)) end
function request()
  local p = math.random(pairs_n)
  local a, b = "BENCH-A" .. p, "BENCH-B" .. p
  if math.random(2) == 1 then a, b = b, a end
  return wrk.format("POST", "/api/v1/registry/transfer",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token},
    string.format('{"from": "%s", "to": "%s", "quantity": 1}', a, b))
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    errors = errors + 1
    if firsterr == "" then firsterr = status .. " " .. string.sub(body or "", 1, 160) end
  end
end
function done(summary, latency, requests)
  local e, first = 0, ""
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
    if first == "" then first = t:get("firsterr") end
  end
  io.write(string.format("bench-run: requests=%d errors=%d p99_ms=%.2f first_error=%s\n",
    summary.requests, e + summary.errors.timeout + summary.errors.connect, latency:percentile(99) / 1000, first))
end
