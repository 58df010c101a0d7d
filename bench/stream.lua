--- Streaming extraction: `quarry extract --rules PACK -` reads JSONL on
-- stdin and writes annotations as it goes, so its memory must stay flat
-- however long the input. The input is made on the fly (nothing is written
-- to disk): the corpus repeated, each copy with new ids, until it reaches
-- the size asked for, piped straight into quarry. The peak RSS of the
-- quarry process and of each of its worker processes (-j N; VmHWM,
-- sampled every 50 ms from /proc) is measured at 100 MB of input and at
-- the full size in the same run; the target is at most 100 MB a process at
-- 1 GB, and the same peak at both sizes.
--   lua5.4 bench/stream.lua [CORPUS.jsonl] [MEGABYTES] [--rules PACK] [--jobs N]
-- PACK defaults to the news pack when it is installed, else the stand-in
-- the specs use (tests/fixtures/packs/standin_news.lua).
--   lua5.4 bench/stream.lua --generate CORPUS.jsonl MEGABYTES   (the input, on stdout)
local cjson = require "cjson.safe"

if arg[1] == "--generate" then
   local path, want = arg[2], assert(tonumber(arg[3])) * 1e6
   local docs = {}
   for line in io.lines(path) do
      local obj = cjson.decode(line)
      if type(obj) == "table" and type(obj.text) == "string" then
         obj.id = nil
         -- the id goes first, so each copy only needs a new prefix
         docs[#docs + 1] = cjson.encode(obj):sub(2)
      end
   end
   local out, written, copy = io.stdout, 0, 0
   out:setvbuf("full", 1 << 16)
   while written < want do
      copy = copy + 1
      for i, rest in ipairs(docs) do
         local head = string.format('{"id":"c%d-%d",', copy, i)
         out:write(head, rest, "\n")
         written = written + #head + #rest + 1
         if written >= want then break end
      end
   end
   out:close()
   return
end

local corpus, megabytes, pack, jobs = nil, 1000, nil, nil
do
   local i = 1
   while arg[i] do
      if arg[i] == "--rules" then
         pack = arg[i + 1]
         i = i + 2
      elseif arg[i] == "--jobs" then
         jobs = assert(math.tointeger(tonumber(arg[i + 1])), "--jobs needs a number")
         i = i + 2
      elseif tonumber(arg[i]) then
         megabytes = tonumber(arg[i])
         i = i + 1
      else
         corpus = arg[i]
         i = i + 1
      end
   end
end
corpus = corpus or "../shared/corpora/reuters.jsonl"
if not io.open(corpus) then
   print("streaming benchmark: no corpus at " .. corpus .. "; skipped (give one: bench/stream.lua CORPUS.jsonl)")
   return
end
if not pack then
   pack = package.searchpath("quarry.rules.news", package.path) and "news" or "tests/fixtures/packs/standin_news.lua"
end

local lua = "lua5.4"
local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- The peak RSS (bytes) of a process, or nil when it is gone.
local function hwm_of(pid)
   local f = io.open("/proc/" .. pid .. "/status")
   if not f then return nil end
   local status = f:read("a")
   f:close()
   local hwm = tonumber(status:match("VmHWM:%s*(%d+)"))
   return hwm and hwm * 1024
end

-- The child processes of pid (quarry's workers).
local function children(pid)
   local f = io.open("/proc/" .. pid .. "/task/" .. pid .. "/children")
   if not f then return {} end
   local out = {}
   for c in (f:read("a") or ""):gmatch("%d+") do out[#out + 1] = c end
   f:close()
   return out
end

-- Runs the pipeline for mb megabytes; returns the peak RSS (bytes) of the
-- quarry process and of its largest worker, wall seconds, and the number
-- of annotation lines written.
local function run(mb)
   local pidfile, countfile, errfile = os.tmpname(), os.tmpname(), os.tmpname()
   local cmd = string.format("%s bench/stream.lua --generate %s %s | sh -c 'echo $$ >&3; exec %s bin/quarry extract "
      .. "--rules %s%s -' 3>%s 2>%s | wc -l > %s", lua, shell_quote(corpus), mb, lua, pack,
      jobs and (" -j " .. jobs) or "", pidfile, errfile, countfile)
   local t0 = os.time()
   local p = assert(io.popen("sh -c " .. shell_quote(cmd .. " & echo started; wait"), "r"))
   assert(p:read("l") == "started")
   local pid
   for _ = 1, 200 do
      local f = io.open(pidfile)
      pid = f and f:read("l")
      if f then f:close() end
      if pid and pid ~= "" then break end
      os.execute("sleep 0.05")
   end
   assert(pid and pid ~= "", "the extract process did not start")
   local peak, worker_peak = 0, 0
   while true do
      local hwm = hwm_of(pid)
      if not hwm then break end
      if hwm > peak then peak = hwm end
      for _, c in ipairs(children(pid)) do
         local w = hwm_of(c)
         if w and w > worker_peak then worker_peak = w end
      end
      os.execute("sleep 0.05")
   end
   p:read("a")
   p:close()
   local wall = os.time() - t0
   local f = io.open(countfile)
   local lines = f and tonumber(f:read("l")) or 0
   if f then f:close() end
   local e = io.open(errfile)
   local err = e and e:read("a") or ""
   if e then e:close() end
   os.remove(pidfile)
   os.remove(countfile)
   os.remove(errfile)
   if err ~= "" then error("quarry extract failed: " .. err, 0) end
   return peak, worker_peak, wall, lines
end

print(string.format("streaming benchmark: quarry extract --rules %s%s - over %s repeated, made on the fly", pack,
   jobs and (" -j " .. jobs) or "", corpus))
local function line(mb, p, wp, w, n)
   print(string.format("  %6d MB of JSONL: peak RSS %.1f MB (largest worker %.1f MB), %d annotations, %d s (%.1f MB/s)",
      mb, p / 1e6, wp / 1e6, n, w, mb / math.max(w, 1)))
end
local small_mb = math.min(100, megabytes)
local p1, wp1, w1, n1 = run(small_mb)
line(small_mb, p1, wp1, w1, n1)
if megabytes > small_mb then
   local p2, wp2, w2, n2 = run(megabytes)
   line(megabytes, p2, wp2, w2, n2)
   local top = math.max(p2, wp2)
   print(string.format("  peak at %d MB / peak at %d MB: %.2f, largest worker %.2f (flat: 1.0); target <= 100 MB a "
      .. "process: %s", megabytes, small_mb, p2 / p1, wp1 > 0 and wp2 / wp1 or 1, top <= 100e6 and "met" or "MISSED"))
end
