--- quarry report DB REPORT: render a report over a corpus file.
local reports = require "quarry.reports"
local render = require "quarry.render"
local corpus_mod = require "quarry.corpus"
local search = require "quarry.cli.search"

local io_open, io_stdout, os_remove, os_rename = io.open, io.stdout, os.remove, os.rename
local ipairs, pcall, tostring = ipairs, pcall, tostring
local table_concat = table.concat

local report = {
   help = "Render a report (quotes, entities, timeline, ...) over a corpus: Markdown, JSON, CSV, HTML or a table.",
}

local common = require "quarry.cli.common"
local count = common.count

--- The time limit of a report by default, in milliseconds.
report.TIMEOUT_MS = 60000

local DESCRIPTIONS = {
   summary = "an overview: documents, annotations, most quoted and most mentioned",
   quotes = "who said what, grouped by speaker, with document, date and context",
   entities = "canonical names, variants, mention counts and documents",
   timeline = "dated statements and events in order (an SVG chart in HTML)",
   sources = "outlets, agencies and datelines",
   kwic = "a concordance of --query, or of the mentions of --entity or --speaker",
   search = "the documents that pass the filters (ranked with --query)",
   digest = "summary, quotes, timeline, entities and sources in one document",
   article = "one document (--doc ID): its text, quotes, entities and dates",
   profile = "one speaker (--speaker) or entity (--entity): quotes, variants, co-mentions, months",
   facets = "the documents counted by outlet, month, speaker and entity",
}

function report.configure(cmd)
   local lines = {}
   for _, name in ipairs(reports.SHIPPED) do
      lines[#lines + 1] = string.format("   %-9s %s", name, DESCRIPTIONS[name] or "")
   end
   cmd:usage("Usage: quarry report [-h] <db> [<db>] ... <report> [options]")
   cmd:argument("db", "The corpus file. Several (shards, up to 11) are read as one, without merging.")
   cmd:argument("report", "A shipped report (below) or the path of your own report file (.lua), after the "
      .. "corpus files."):args("+")
   cmd:option("-f --format", "Output format: " .. table_concat(render.formats, ", ") .. ".", "md")
      :choices(render.formats):argname("<format>")
   cmd:option("--speaker", "Only this speaker's quotes (any variant of the name; case does not matter).")
      :argname("<name>")
   cmd:option("--entity", "Only this person, organisation or place (any variant of the name).")
      :argname("<name>")
   cmd:option("--from", "Only dates on or after DATE (ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD).")
      :convert(common.iso_date)
      :argname("<date>")
   cmd:option("--to", "Only dates on or before DATE (inclusive: 2024-03 keeps all of March).")
      :convert(common.iso_date)
      :argname("<date>")
   cmd:option("-q --query", "Only documents matching this full-text query (as quarry search takes).")
      :argname("<fts>")
   cmd:option("--outlet", "Only documents from this outlet (the documents' source).")
      :argname("<name>")
   cmd:option("--doc", "Only this document (its id); the article report needs it.")
      :argname("<id>")
   cmd:option("-n --limit", "At most N rows a table (for summary: the length of its top lists).")
      :convert(count):argname("<n>")
   cmd:option("--offset", "Skip the first N rows (with --limit: a page of the search report).")
      :convert(count):argname("<n>")
   cmd:option("--base-url", "HTML: link documents to the article pages of a quarry serve at this URL "
      .. "(e.g. http://127.0.0.1:8080/).")
      :argname("<url>")
   cmd:option("-o --output", "Write to FILE instead of standard output.")
      :argname("<file>")
   cmd:flag("--trusted", "Let your own report use os, io and any module.")
   common.timeout_option(cmd, report.TIMEOUT_MS)
   common.limit_options(cmd, "report")
   cmd:epilog("Reports:\n" .. table_concat(lines, "\n")
      .. "\n\nExamples:\n   quarry report news.db quotes --speaker 'Sergei Voronov' --from 2024-03\n"
      .. "   quarry report news.db digest --format html -o report.html\n"
      .. "   quarry report news.db " .. (common.example("reports/titles.lua")
         or "examples/reports/titles.lua") .. " --format csv\n"
      .. "   quarry report shard1.db shard2.db shard3.db entities   (three shards read as one)")
end

-- Writes the rendering to path through a temporary file, so that a failed
-- run leaves no half-written report.
local function write_file(path, model, fmt, ropts)
   local tmp = path .. ".tmp"
   local f, err = io_open(tmp, "wb")
   if not f then return nil, err end
   local ok, werr = pcall(render.write, model, fmt, f, ropts)
   local closed, cerr = f:close()
   if not ok or not closed then
      os_remove(tmp)
      return nil, tostring(ok and cerr or werr)
   end
   local renamed, rerr = os_rename(tmp, path)
   if not renamed then
      os_remove(tmp)
      return nil, rerr
   end
   return true
end

-- Opens the corpus files for reading, several as one (the shards of
-- quarry.corpus.open_shards), under a time limit; nil after saying why not.
local function open_corpora(paths, time_limit_ms)
   if #paths == 1 then return search.open_existing("report", paths[1], time_limit_ms) end
   for _, path in ipairs(paths) do
      local f = io_open(path, "rb")
      if not f then
         common.complain("report", path .. ": no such corpus file")
         return nil
      end
      f:close()
   end
   local corpus, err = corpus_mod.open_shards(paths, { time_limit_ms = time_limit_ms })
   if not corpus then common.complain("report", err) end
   return corpus
end

function report.run(args)
   if args.base_url and not args.base_url:match("^https?://[^%s\"'<>]+$") then
      common.complain("report", "--base-url must be an http:// or https:// URL, not '" .. args.base_url .. "'")
      return 2
   end
   -- the report comes last, after the corpus files
   local paths = { args.db }
   for i = 1, #args.report - 1 do paths[#paths + 1] = args.report[i] end
   args.report = args.report[#args.report]
   for _, k in ipairs { "from", "to" } do
      if args[k] and not corpus_mod.is_iso_date(args[k]) then
         common.complain("report", "--" .. k .. " must be an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD), not '"
            .. args[k] .. "'")
         return 2
      end
   end
   local limits = require("quarry.cli.common").limits(args)
   local rep, err, code = reports.load(args.report, { trusted = args.trusted, limits = limits })
   if not rep then
      common.complain("report", err)
      return code == "notfound" and 2 or 1
   end
   local corpus = open_corpora(paths, args.timeout)
   if not corpus then return 1 end
   local model
   model, err, code = reports.run(corpus, rep, {
      speaker = args.speaker, entity = args.entity, from = args.from, to = args.to, query = args.query,
      outlet = args.outlet, doc = args.doc, limit = args.limit, offset = args.offset,
   }, { trusted = args.trusted, limits = limits })
   if not model then
      corpus:close()
      common.complain("report", common.query_error(err, code))
      return code == "usage" and 2 or 1
   end
   corpus:close()
   -- the notes (of the parts too), each once
   local said = {}
   local function say(m)
      for _, note in ipairs(m.notes or {}) do
         if not said[note] then
            said[note] = true
            common.say("report", note)
         end
      end
      for _, part in ipairs(m.parts or {}) do say(part) end
   end
   say(model)
   local ropts = { base_url = args.base_url }
   if args.output then
      local ok, werr = write_file(args.output, model, args.format, ropts)
      if not ok then
         common.complain("report", args.output .. ": " .. tostring(werr))
         return 1
      end
      return 0
   end
   render.write(model, args.format, io_stdout, ropts)
   io_stdout:flush()
   return 0
end

return report
