--- quarry extract: run a rule pack over documents; JSON lines out, or
-- spans stored in a corpus with --db.
local common = require "quarry.cli.common"

local io_stdout, io_stderr, ipairs = io.stdout, io.stderr, ipairs

local extract = {
   help = "Run a rule pack over documents and print one JSON object an annotation, or store them with --db.",
}

function extract.configure(cmd)
   cmd:argument("path", common.PATHS_HELP):args("*")
   common.rules_option(cmd)
   cmd:option("--date", "Date (YYYY-MM-DD) of documents that carry none, for relative dates.")
      :convert(common.day):argname("<date>")
   cmd:option("--db", "Run over the documents of this corpus and store the spans there.")
   cmd:flag("--trusted", "Let the pack use os, io and any module.")
   common.limit_options(cmd, "pack")
   cmd:flag("--force", "With --db: run again on documents the pack already saw unchanged.")
   cmd:option("--max-failures", "Stop after N documents the pack failed on (an error, a limit); those done keep "
      .. "their output or stored spans. Default: no limit."):convert(common.positive):argname("<n>")
   cmd:option("-j --jobs", "Worker processes (default: the number of cores; 1 runs in this process). "
      .. "The output is the same whatever the number."):convert(common.positive):argname("<n>")
   common.reading_options(cmd)
end

--- The job of a worker process of `quarry extract -j N` (quarry.parallel):
-- a document in, its annotations out as the JSON lines -j 1 writes.
function extract.worker(config)
   local parallel = require "quarry.parallel"
   local opts = parallel.decode(config)
   local pack, err = common.load_pack(opts.rules, opts.trusted, opts.limits)
   if not pack then error(err, 0) end
   return function(payload)
      local doc = parallel.decode(payload)
      local ok, anns = pcall(pack.run, pack, doc)
      if not ok then error(doc.id .. ": " .. tostring(anns), 0) end
      local lines = {}
      for i, a in ipairs(anns) do lines[i] = common.annotation_json(doc.id, a) end
      lines[#lines + 1] = ""
      return table.concat(lines, "\n")
   end
end

-- The note of a run that --max-failures stopped.
local function stopped(args, what)
   common.complain("extract", ("stopped after %d failed documents (--max-failures %d); %s")
      :format(args.max_failures, args.max_failures, what))
end

-- Writes s to stdout; raises when stdout is gone (a closed pipe).
local function emit(s)
   local ok, err = io_stdout:write(s)
   if ok then ok, err = io_stdout:flush() end
   if not ok then error("standard output: " .. tostring(err), 0) end
end

-- The documents of paths through worker processes; returns the exit code.
local function run_jobs(args, iter, bar, total)
   local parallel = require "quarry.parallel"
   local done, failures = 0, 0
   local limit = args.max_failures or math.huge
   local ok, err, signal = parallel.map {
      jobs = args.jobs, worker = "quarry.cli.extract", input_blocks = require("quarry.docs").may_wait(args.path),
      config = parallel.encode { rules = args.rules, trusted = args.trusted or false, limits = common.limits(args) },
      input = function()
         if failures >= limit then return nil end   -- those in flight finish
         local doc = iter()
         if not doc then return nil end
         if args.date and not doc.date then doc.date = args.date end
         return parallel.encode(doc), doc.id
      end,
      result = function(lines)
         if lines ~= "" then emit(lines) end
         done = done + 1
         if bar then bar.update(done, total) end
      end,
      failed = function(msg, id)
         if bar then bar.clear() end
         if msg:find("^worker %d") then msg = id .. ": not annotated: " .. msg end
         common.complain("extract", msg)
         failures = failures + 1
         done = done + 1
      end,
      notice = function(msg)
         if bar then bar.clear() end
         common.complain("extract", msg)
      end,
   }
   if bar then bar.clear() end
   if not ok then
      common.complain("extract", tostring(err) .. (signal and string.format(" (%d documents written)", done) or ""))
      return signal == "sigint" and 130 or 1
   end
   if failures >= limit then stopped(args, ("%d documents written"):format(done - failures)) end
   return failures > 0 and 1 or 0
end

function extract.run(args)
   args.rules = args.rules or "news"
   args.jobs = args.jobs or require("quarry.parallel").cores()
   if args.jobs > 1 and not args.db and #args.path > 0 then
      local bar = common.progress_bar("documents")
      local total = bar and require("quarry.docs").count(args.path) or nil
      local iter, failed = common.documents("extract", args.path, bar, args.max_bytes)
      local code = run_jobs(args, iter, bar, total)
      return failed() and code == 0 and 1 or code
   end
   if args.db then
      local quarry = require "quarry"
      -- a corpus that is not there is a typo, not a corpus to make: quarry ingest makes them
      local f = io.open(args.db, "rb")
      if not f then
         common.complain("extract", args.db .. ": no such corpus file (quarry ingest makes one)")
         return 1
      end
      f:close()
      local corpus, oerr = quarry.open(args.db, { create = false })
      if not corpus then
         common.complain("extract", oerr)
         return 1
      end
      local bar = common.progress_bar("documents")
      -- a document the pack fails on is reported as it comes, and the
      -- others still run and are stored
      local ok, stats, xerr, xcode = pcall(corpus.extract, corpus, args.rules, { force = args.force, date = args.date,
         trusted = args.trusted, limits = common.limits(args), jobs = args.jobs, max_failures = args.max_failures,
         progress = bar and function(done, total) bar.update(done, total) end or nil,
         on_failure = function(id, msg)
            if bar then bar.clear() end
            common.complain("extract", id .. ": " .. msg)
         end,
         on_notice = function(msg)
            if bar then bar.clear() end
            common.complain("extract", msg)
         end })
      if bar then bar.clear() end
      corpus:close()
      if not ok or not stats then
         common.complain("extract", ok and xerr or stats)
         return xcode == "interrupted" and 130 or 1
      end
      if stats.stopped then
         stopped(args, ("%d documents stored, %d not run (running again does the failed ones and the rest)")
            :format(stats.documents, stats.not_run))
         return 1
      end
      if stats.failed > 0 then
         -- said even with --quiet: the run did not do all it was asked
         io_stderr:write(("quarry extract: %d documents, %d failed (running again retries them), %d skipped "
            .. "unchanged, %d spans stored\n"):format(stats.documents, stats.failed, stats.skipped, stats.spans))
         return 1
      end
      common.say("extract", ("%d documents, %d skipped unchanged, %d spans stored")
         :format(stats.documents, stats.skipped, stats.spans))
      return 0
   end
   local pack, err = common.load_pack(args.rules, args.trusted, common.limits(args))
   if not pack then
      common.complain("extract", err)
      return 1
   end
   if #args.path == 0 then
      io_stderr:write("quarry extract: give files, folders, JSONL or - (or --db DB)\n")
      return 2
   end
   -- one document at a time: memory stays flat however long the input is
   local bar = common.progress_bar("documents")
   local total = bar and require("quarry.docs").count(args.path) or nil
   local iter, failed = common.documents("extract", args.path, bar, args.max_bytes)
   local done, failures = 0, 0
   for doc in iter do
      if args.date and not doc.date then doc.date = args.date end
      -- a rule that fails on one document (a regex past its match limit)
      -- is reported with the document, and the others still run
      local ok, anns = pcall(pack.run, pack, doc)
      if ok then
         for _, a in ipairs(anns) do
            io_stdout:write(common.annotation_json(doc.id, a), "\n")
         end
      else
         common.complain("extract", doc.id .. ": " .. tostring(anns))
         failures = failures + 1
      end
      io_stdout:flush()
      done = done + 1
      if bar then bar.update(done, total) end
      if failures == args.max_failures then
         if bar then bar.clear() end
         stopped(args, ("%d documents written"):format(done - failures))
         break
      end
   end
   if bar then bar.clear() end
   return (failed() or failures > 0) and 1 or 0
end

return extract
