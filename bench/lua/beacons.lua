-- POST listening beacons to /api/events as the player does, and count what the app accepted.
-- Arguments after `--`: the placements file (lines of "<genre id> <track id> <duration>"),
-- the number of events per request and the Origin to send (the app's own).
-- Every request comes from a new random listener (the tt_listener cookie) and every event has
-- a new random id, so nothing is dropped as a duplicate and the listener index grows as it
-- would with many listeners. At the end it prints "BENCH_RESULT <json>" for bench/load.py,
-- with the events sent and accepted and a few answers that dropped events.

local counter = 0
local threads = {}
local placements = {}
local batch = 1
local origin = ""
local path = "/api/events"
local max_samples = 3

function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
   threads[#threads + 1] = thread
end

function init(args)
   for line in io.lines(args[1]) do
      local genre, track, duration = line:match("^(%d+)%s+(%d+)%s+([%d.]+)$")
      if genre then
         placements[#placements + 1] = { genre = genre, track = track, duration = tonumber(duration) }
      end
   end
   batch = tonumber(args[2] or "1")
   origin = args[3] or ""
   -- Each thread its own sequence, or both would send the same ids in step.
   math.randomseed(os.time() * 100 + (thread_id or 0))
   events_sent, accepted, refused, samples, sample_count = 0, 0, 0, "", 0
end

local function hex16()
   return string.format("%04x", math.random(0, 65535))
end

-- A version 4 UUID: 122 random bits, the version nibble and the variant bits set.
local function uuid4()
   return hex16() .. hex16() .. "-" .. hex16() .. "-" ..
      string.format("4%03x", math.random(0, 4095)) .. "-" ..
      string.format("%04x", 32768 + math.random(0, 16383)) .. "-" ..
      hex16() .. hex16() .. hex16()
end

function request()
   local listener = hex16() .. hex16() .. hex16() .. hex16() .. hex16() .. hex16() .. hex16() .. hex16()
   local place = placements[math.random(#placements)]
   local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
   local events = {}
   for i = 1, batch do
      events[i] = string.format(
         '{"id": "%s", "type": "ping", "genre": %s, "track": %s, "position": %.1f, "client_time": "%s"}',
         uuid4(), place.genre, place.track, math.random() * place.duration, now)
   end
   local body = '{"events": [' .. table.concat(events, ", ") .. "]}"
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Origin"] = origin,
      ["Cookie"] = "tt_listener=" .. listener,
   }, body)
end

local function json_string(text)
   return '"' .. text:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
   end) .. '"'
end

function response(status, headers, body)
   events_sent = events_sent + batch
   local got = tonumber(body:match('"accepted":%s*(%d+)') or "0")
   accepted = accepted + got
   if status ~= 200 then
      refused = refused + 1
   end
   if got ~= batch and sample_count < max_samples then
      sample_count = sample_count + 1
      local sample = json_string(status .. " " .. body:sub(1, 300))
      samples = samples == "" and sample or samples .. ", " .. sample
   end
end

function done(summary, latency, requests)
   local sent, ok, bad, found = 0, 0, 0, {}
   for _, thread in ipairs(threads) do
      sent = sent + thread:get("events_sent")
      ok = ok + thread:get("accepted")
      bad = bad + thread:get("refused")
      local sample = thread:get("samples")
      if sample ~= "" then
         found[#found + 1] = sample
      end
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"duration_us": %d, "requests": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}, ' ..
      '"events_sent": %d, "accepted": %d, "not_200": %d, "samples": [%s]}\n',
      summary.duration, summary.requests, summary.bytes,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, sent, ok, bad, table.concat(found, ", ")))
end
