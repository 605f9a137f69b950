-- wrk script: single-query POST /v1/screen, rotating through a few names (persons,
-- organizations, Hangul, misspellings, a name on no list). Requests are built once.
local bodies = {
  '{"name": "Kim Jong Un"}',
  '{"name": "김정은", "kind": "person"}',
  '{"name": "Korea Mining Development Trading Corporation", "kind": "organization"}',
  '{"name": "PAK Chol Su", "dob": "1975", "country": "KP"}',
  '{"name": "Kim Jong-un", "dob": "1984-01-08"}',
  '{"name": "Quentin Obscurename"}',
  '{"name": "Banco Nacional de Cuba"}',
  '{"name": "Ri Su Yong"}',
}
local requests = {}
local n = 0

function init(args)
  for i, body in ipairs(bodies) do
    requests[i] = wrk.format("POST", "/v1/screen", {["Content-Type"] = "application/json"}, body)
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
