--- Shared helpers of the benchmarks: loading a corpus, timing, printing.
local cjson = require "cjson.safe"

local common = {}

--- The texts of a corpus: a JSONL file ({text=...} a line) or a text file.
function common.load_texts(path)
   local texts = {}
   if path:match("%.jsonl$") then
      for line in io.lines(path) do
         local obj = cjson.decode(line)
         if obj and type(obj.text) == "string" then texts[#texts + 1] = obj.text end
      end
   else
      local f = assert(io.open(path, "rb"))
      texts[1] = f:read("a")
      f:close()
   end
   return texts
end

--- The documents of a corpus ({id, text, date}; a JSONL file, or one text
-- file as one document), and a sample of about `want` bytes of them taken
-- at an even stride, so that every section of the corpus is in it.
-- @return table the sample
-- @return number the sample's bytes
-- @return table all the documents
function common.news_sample(path, want)
   local docs = {}
   if path:match("%.jsonl$") then
      for line in io.lines(path) do
         local obj = cjson.decode(line)
         if type(obj) == "table" and type(obj.text) == "string" then
            docs[#docs + 1] = { id = obj.id or tostring(#docs + 1), text = obj.text, date = obj.date }
         end
      end
   else
      docs[1] = { id = path, text = common.load_texts(path)[1] }
   end
   local corpus_bytes = 0
   for _, d in ipairs(docs) do corpus_bytes = corpus_bytes + #d.text end
   local sample, bytes = {}, 0
   local stride = math.max(1, corpus_bytes / want)
   local pos = 1
   while pos <= #docs and bytes < want do
      local d = docs[math.floor(pos)]
      sample[#sample + 1] = d
      bytes = bytes + #d.text
      pos = pos + stride
   end
   return sample, bytes, docs
end

--- Best wall-clock-free CPU time of fn over `rounds` calls, and its last result.
function common.best_time(fn, rounds)
   local best, result = math.huge, nil
   for _ = 1, rounds do
      local t0 = os.clock()
      result = fn()
      local dt = os.clock() - t0
      if dt < best then best = dt end
   end
   return best, result
end

--- Runs named measurements interleaved, round after round, so that a
-- noisy neighbour slows all of them alike; keeps each one's best time.
function common.interleaved(cases, rounds)
   local best, results = {}, {}
   for _ = 1, rounds do
      for _, case in ipairs(cases) do
         -- the garbage of one case must not be collected on another's clock
         collectgarbage()
         local t0 = os.clock()
         local r = case.run()
         local dt = os.clock() - t0
         if not best[case.name] or dt < best[case.name] then best[case.name] = dt end
         results[case.name] = r
      end
   end
   return best, results
end

--- Wall-clock seconds (Linux, 10 ms resolution), next to os.clock's CPU time.
function common.wall()
   local f = io.open("/proc/uptime", "r")
   if not f then return os.time() end
   local up = f:read("n")
   f:close()
   return up
end

--- The bytes of a file (0 when it is missing).
function common.size_of(path)
   local f = io.open(path, "rb")
   if not f then return 0 end
   local n = f:seek("end")
   f:close()
   return n
end

function common.status_line(key)
   for line in io.lines("/proc/self/status") do
      local v = line:match("^" .. key .. ":%s*(%d+)")
      if v then return tonumber(v) * 1024 end
   end
   return nil
end

--- Resets the peak-RSS counter (Linux); returns false where that is not allowed.
function common.reset_peak()
   local f = io.open("/proc/self/clear_refs", "w")
   if not f then return false end
   local ok = f:write("5")
   f:close()
   return ok ~= nil
end

local NODE_DIR = "bench/node"

--- Installs compromise (npm) into bench/node on first use: a peer measured
-- beside quarry, never a dependency of it.
function common.ensure_compromise()
   local have = io.open(NODE_DIR .. "/node_modules/compromise/package.json", "r")
   if have then have:close() return end
   print("  installing compromise from npm into bench/node (benchmark only, not a dependency of quarry)")
   os.execute("npm install --silent --no-audit --no-fund --prefix " .. NODE_DIR .. " >/dev/null 2>&1")
end

--- Runs compromise in a fresh node process over a JSONL file of {text}:
-- seconds (wall clock around its loop), how many people, places,
-- organizations and quotations it found, and CPU seconds (nil from an older
-- script); or nil and its output.
function common.run_compromise(jsonl)
   local p = io.popen("node " .. NODE_DIR .. "/compromise_bench.mjs " .. jsonl .. " 2>&1")
   local out = p:read("a")
   p:close()
   local secs, n = out:match("seconds=([%d.]+) found=(%d+)")
   if not secs then return nil, (out:gsub("%s+$", "")) end
   return tonumber(secs), tonumber(n), tonumber(out:match("cpu_seconds=([%d.]+)"))
end

return common
