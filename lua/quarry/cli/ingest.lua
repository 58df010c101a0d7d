--- quarry ingest: store documents in a corpus file with a full-text index.
local quarry = require "quarry"
local common = require "quarry.cli.common"
local term = require "quarry.term"

local io_stdout, io_stderr = io.stdout, io.stderr
local string_format = string.format

local ingest = {
   help = "Store documents in a corpus file (created if missing), with a full-text index.",
}

local positive = common.positive

function ingest.configure(cmd)
   cmd:argument("db", "The corpus file (SQLite); created if missing.")
   cmd:argument("path", common.PATHS_HELP):args("+")
   cmd:flag("--replace", "Replace documents whose id is already stored (default: skip them).")
   cmd:option("--batch", "Documents per transaction: a crash keeps every committed batch.", "10000")
      :convert(positive)
   cmd:option("--timeout", "Milliseconds to wait for another writer before giving up.", "5000")
      :convert(positive)
   cmd:option("--meta", "JSON lines {file, id, date, source, url, title}: the fields of the text files of "
      .. "that name (as in examples/articles.meta.jsonl).")
   -- measured (docs/scale.md, "Why quarry ingest defaults to -j 1"): the
   -- writer of -j 2 does as much work as all of -j 1
   cmd:option("-j --jobs", "Worker processes that decode and hash the documents while this one reads and "
      .. "writes them. The default is 1, not the number of cores as for extract: the writer, building the "
      .. "full-text index, is most of an ingest, and taking a document from a worker costs it what decoding one "
      .. "does (Reuters, 2 cores: -j 2 ran at 0.65x the speed of -j 1; docs/scale.md). The corpus is the same "
      .. "whatever the number."):convert(positive):argname("<n>")
   common.reading_options(cmd)
end

function ingest.run(args)
   local meta, merr
   if args.meta then
      meta, merr = require("quarry.docs").read_meta(args.meta)
      if not meta then
         common.complain("ingest", merr)
         return 1
      end
   end
   local corpus, err = quarry.open(args.db, { timeout_ms = args.timeout })
   if not corpus then
      common.complain("ingest", err)
      return 1
   end
   local bar = common.progress_bar("documents")
   local failed = false
   local function say(prefix, msg)
      if bar then bar.clear() end
      io_stderr:write("quarry ingest: ", prefix, term.escape(msg), "\n")
   end
   local summary, ierr, icode = corpus:ingest(args.path, {
      jobs = args.jobs or 1,
      batch = args.batch,
      replace = args.replace,
      meta = meta,
      max_bytes = args.max_bytes,
      progress = bar and bar.update or nil,
      warn = function(msg) say("warning: ", msg) end,
      fail = function(msg) say("", msg); failed = true end,
   })
   if bar then bar.clear() end
   local count = summary and corpus:count()
   corpus:close()
   if not summary then
      common.complain("ingest", ierr)
      return icode == "interrupted" and 130 or 1
   end
   if not common.quiet then io_stdout:write(string_format(
      "ingested %d documents into %s: %d added, %d replaced, %d unchanged, %d skipped (already stored); "
      .. "%d documents in the corpus\n",
      summary.added + summary.replaced + summary.unchanged + summary.skipped, args.db,
      summary.added, summary.replaced, summary.unchanged, summary.skipped, count or 0)) end
   return failed and 1 or 0
end

return ingest
