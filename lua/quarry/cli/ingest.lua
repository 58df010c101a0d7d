--- quarry ingest: store documents in a corpus file with a full-text index.
local quarry = require "quarry"

local io_stdout, io_stderr, os_execute, os_time = io.stdout, io.stderr, os.execute, os.time
local math_floor, math_tointeger, string_format, string_rep = math.floor, math.tointeger, string.format, string.rep
local tonumber = tonumber

local ingest = {
   help = "Store documents in a corpus file (created if missing), with a full-text index.",
}

local function positive(s)
   local n = math_tointeger(tonumber(s))
   if n and n > 0 then return n end
   return nil, "must be a positive integer"
end

function ingest.configure(cmd)
   cmd:argument("db", "The corpus file (SQLite); created if missing.")
   cmd:argument("path", "Text files, folders, JSONL files, or - for stdin."):args("+")
   cmd:flag("--replace", "Replace documents whose id is already stored (default: skip them).")
   cmd:option("--batch", "Documents per transaction: a crash keeps every committed batch.", "10000")
      :convert(positive)
   cmd:option("--timeout", "Milliseconds to wait for another writer before giving up.", "5000")
      :convert(positive)
end

-- A progress bar on stderr, redrawn at most every tenth of a second.
local function progress_bar()
   local bar = { shown = false }
   local last = -1
   local started = os_time()
   function bar.update(done, total)
      local now = os.clock()
      if now - last < 0.1 and done ~= total then return end
      last = now
      local line
      if total and total > 0 then
         local frac = done / total
         if frac > 1 then frac = 1 end
         local filled = math_floor(frac * 30 + 0.5)
         line = string_format("[%s%s] %3d%% %d/%d documents", string_rep("#", filled), string_rep(".", 30 - filled),
            math_floor(frac * 100), done, total)
      else
         line = string_format("%d documents", done)
      end
      io_stderr:write("\r\27[K", line, string_format("  %ds", os_time() - started))
      bar.shown = true
   end
   function bar.clear()
      if bar.shown then io_stderr:write("\r\27[K") end
      bar.shown = false
   end
   return bar
end

function ingest.run(args)
   local corpus, err = quarry.open(args.db, { timeout_ms = args.timeout })
   if not corpus then
      io_stderr:write("quarry ingest: ", err, "\n")
      return 1
   end
   local bar = os_execute("test -t 2") and progress_bar() or nil
   local failed = false
   local function say(prefix, msg)
      if bar then bar.clear() end
      io_stderr:write("quarry ingest: ", prefix, msg, "\n")
   end
   local summary, ierr = corpus:ingest(args.path, {
      batch = args.batch,
      replace = args.replace,
      progress = bar and bar.update or nil,
      warn = function(msg) say("warning: ", msg) end,
      fail = function(msg) say("", msg); failed = true end,
   })
   if bar then bar.clear() end
   local count = summary and corpus:count()
   corpus:close()
   if not summary then
      io_stderr:write("quarry ingest: ", ierr, "\n")
      return 1
   end
   io_stdout:write(string_format(
      "ingested %d documents into %s: %d added, %d replaced, %d unchanged, %d skipped (already stored); "
      .. "%d documents in the corpus\n",
      summary.added + summary.replaced + summary.unchanged + summary.skipped, args.db,
      summary.added, summary.replaced, summary.unchanged, summary.skipped, count or 0))
   return failed and 1 or 0
end

return ingest
