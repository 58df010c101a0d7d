--- quarry extract: run a rule pack over documents; JSON lines out, or
-- spans stored in a corpus with --db.
local common = require "quarry.cli.common"

local io_stdout, io_stderr, ipairs = io.stdout, io.stderr, ipairs

local extract = {
   help = "Run a rule pack over documents and print one JSON object an annotation, or store them with --db.",
}

function extract.configure(cmd)
   cmd:argument("path", "Text files, folders, JSONL files, or - for stdin."):args("*")
   common.rules_option(cmd)
   cmd:option("--date", "Date (YYYY-MM-DD) of documents that carry none, for relative dates.")
   cmd:option("--db", "Run over the documents of this corpus and store the spans there.")
   cmd:flag("--trusted", "Let the pack use os, io and any module.")
   cmd:flag("--force", "With --db: run again on documents the pack already saw unchanged.")
end

function extract.run(args)
   if args.date and not args.date:match("^%d%d%d%d%-%d%d%-%d%d$") then
      io_stderr:write("quarry extract: --date must be YYYY-MM-DD\n")
      return 2
   end
   local pack, err = common.load_pack(args.rules or "news", args.trusted)
   if not pack then
      io_stderr:write("quarry extract: ", err, "\n")
      return 1
   end
   if args.db then
      local quarry = require "quarry"
      local corpus, oerr = quarry.open(args.db)
      if not corpus then
         io_stderr:write("quarry extract: ", oerr, "\n")
         return 1
      end
      local bar = common.progress_bar("documents")
      local stats, xerr = corpus:extract(pack, { force = args.force, date = args.date,
         progress = bar and function(done, total) bar.update(done, total) end or nil })
      if bar then bar.clear() end
      corpus:close()
      if not stats then
         io_stderr:write("quarry extract: ", xerr, "\n")
         return 1
      end
      io_stderr:write(("quarry extract: %d documents, %d skipped unchanged, %d spans stored\n")
         :format(stats.documents, stats.skipped, stats.spans))
      return 0
   end
   if #args.path == 0 then
      io_stderr:write("quarry extract: give files, folders, JSONL or - (or --db DB)\n")
      return 2
   end
   -- one document at a time: memory stays flat however long the input is
   local bar = common.progress_bar("documents")
   local total = bar and require("quarry.docs").count(args.path) or nil
   local iter, failed = common.documents("extract", args.path, bar)
   local done = 0
   local rule_failed = false
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
         io_stderr:write("quarry extract: ", doc.id, ": ", tostring(anns), "\n")
         rule_failed = true
      end
      io_stdout:flush()
      done = done + 1
      if bar then bar.update(done, total) end
   end
   if bar then bar.clear() end
   return (failed() or rule_failed) and 1 or 0
end

return extract
