-- wrk script: the alert-queue request (GET /v1/alerts) in the mixes the web page sends:
-- the open queue by score and by age, filtered by band, list, party tag and decided
-- state, on pages 1 to 20 (50 a page). Requests are built once.
local mixes = {
  "status=open&sort=score",
  "status=open&sort=age",
  "status=open&band=match",
  "status=open&list=us_ofac_sdn",
  "status=open&tag=contractor",
  "status=decided",
}
local requests = {}
local n = 0

function init(args)
  for page = 0, 19 do
    for _, mix in ipairs(mixes) do
      local path = "/v1/alerts?" .. mix .. "&limit=50&offset=" .. (page * 50)
      requests[#requests + 1] = wrk.format("GET", path)
    end
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
