--- quarry search: full-text search of a corpus file, best matches first.
local quarry = require "quarry"
local json = require "quarry.json"
local term = require "quarry.term"

local io_open, io_stdout = io.open, io.stdout
local ipairs, string_format = ipairs, string.format

local search = {
   --- The keys of a result of --json, in order (the document's id is "doc", as in every JSON quarry writes).
   JSON_KEYS = { "doc", "date", "source", "title", "url", "rank", "snippet" },
   help = "Search a corpus: words, \"phrases\", prefix*, AND/OR/NOT, NEAR(...), title: or text: filters.",
}

local common = require "quarry.cli.common"
local count = common.count

local HIT_OPEN, HIT_CLOSE = "\255", "\254"

--- The time limit of search and kwic by default, in milliseconds.
search.TIMEOUT_MS = 10000

function search.configure(cmd)
   cmd:argument("db", "The corpus file.")
   cmd:argument("query", "An FTS5 query, e.g. '\"peace talks\" AND Geneva', 'NEAR(Voronov envoy*, 10)'.")
   cmd:option("-n --limit", "At most N results.", "20"):convert(count)
   cmd:option("--offset", "Skip the first N results.", "0"):convert(count)
   cmd:option("--from", "Only documents dated on or after DATE (ISO 8601).")
      :convert(common.iso_date):argname("<date>")
   cmd:option("--to", "Only documents dated on or before DATE (ISO 8601; 2024-03 includes all of March).")
      :convert(common.iso_date):argname("<date>")
   cmd:option("--source", "Only documents from SOURCE.")
   cmd:flag("--json", "One JSON object a result: id, title, date, source, url, rank, snippet.")
   common.timeout_option(cmd, search.TIMEOUT_MS)
end

--- Opens a corpus for reading, naming a missing file plainly; shared by the
-- commands that only read. time_limit_ms: see quarry.open.
function search.open_existing(command, path, time_limit_ms)
   local f = io_open(path, "rb")
   if not f then
      common.complain(command, path .. ": no such corpus file")
      return nil
   end
   f:close()
   local corpus, err = quarry.open(path, { readonly = true, time_limit_ms = time_limit_ms })
   if not corpus then common.complain(command, err) end
   return corpus
end

function search.run(args)
   local corpus = search.open_existing("search", args.db, args.timeout)
   if not corpus then return 1 end
   local tty = not args.json and common.color()
   -- for the terminal, the hits are marked with bytes stored text (UTF-8)
   -- never holds, and the text between them is escaped (quarry.term)
   local results, err, code = corpus:search(args.query, {
      limit = args.limit, offset = args.offset, from_date = args.from, to_date = args.to, source = args.source,
      snippet = { open = args.json and "[" or HIT_OPEN, close = args.json and "]" or HIT_CLOSE },
   })
   corpus:close()
   if not results then
      common.complain("search", common.query_error(err, code))
      return 1
   end
   for i, r in ipairs(results) do
      local snippet = r.snippet and r.snippet:gsub("%s+", " ")
      if args.json then
         io_stdout:write(json.encode({
            doc = r.id, date = r.date, source = r.source, title = r.title, url = r.url, rank = r.rank,
            snippet = snippet,
         }, search.JSON_KEYS), "\n")
      else
         io_stdout:write(term.escape(string_format("%d. %s%s%s", i + (args.offset or 0), r.id,
            r.date and ("  " .. r.date) or "", r.title and ("  " .. r.title) or "")), "\n")
         if snippet and snippet ~= "" then
            snippet = snippet:gsub("[^\254\255]+", term.escape)
               :gsub(HIT_OPEN, tty and "\27[1m" or "["):gsub(HIT_CLOSE, tty and "\27[0m" or "]")
            io_stdout:write("   ", snippet, "\n")
         end
      end
   end
   if #results == 0 and not args.json then common.say("search", "no documents match") end
   return 0
end

return search
