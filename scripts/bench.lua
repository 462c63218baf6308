-- bench.lua — the request wrk sends, from environment variables set by
-- scripts/bench.sh (method, path is on the command line, body, headers).
wrk.method = os.getenv("PAT_BENCH_METHOD") or "GET"
local body = os.getenv("PAT_BENCH_BODY")
if body ~= nil and body ~= "" then wrk.body = body end
local auth = os.getenv("PAT_BENCH_AUTH")
if auth ~= nil and auth ~= "" then wrk.headers["Authorization"] = auth end
local ct = os.getenv("PAT_BENCH_CT")
if ct ~= nil and ct ~= "" then wrk.headers["Content-Type"] = ct end
