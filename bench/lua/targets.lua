-- Spread wrk's requests over a list of paths, optionally as random byte ranges.
-- Arguments after `--`: the targets file (lines of "<path> <size in bytes>"), the
-- range length in bytes (0 asks for whole responses) and, optionally, "unique": each
-- request then gets a query string of its own, so no cache can answer it.
-- At the end it prints one line, "BENCH_RESULT <json>", that bench/load.py parses.

local counter = 0
local targets = {}
local range_bytes = 0
local unique = false
local sent = 0

function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
end

function init(args)
   for line in io.lines(args[1]) do
      local path, size = line:match("^(%S+)%s+(%d+)$")
      if path then
         targets[#targets + 1] = { path = path, size = tonumber(size) }
      end
   end
   range_bytes = tonumber(args[2] or "0")
   unique = args[3] == "unique"
   -- Each thread its own sequence, or both would ask for the same windows in step.
   math.randomseed(os.time() * 100 + (thread_id or 0))
end

function request()
   local target = targets[math.random(#targets)]
   if unique then
      sent = sent + 1
      return wrk.format("GET", string.format("%s?bench=%d-%d", target.path, thread_id or 0, sent))
   end
   if range_bytes <= 0 then
      return wrk.format("GET", target.path)
   end
   local length = math.min(range_bytes, target.size)
   local first = math.random(0, target.size - length)
   local range = string.format("bytes=%d-%d", first, first + length - 1)
   return wrk.format("GET", target.path, { Range = range })
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"duration_us": %d, "requests": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
      summary.duration, summary.requests, summary.bytes,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max))
end
