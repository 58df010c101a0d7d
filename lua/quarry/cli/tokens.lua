--- quarry tokens: tokenise documents and print statistics or the tokens.
local quarry = require "quarry"
local docs = require "quarry.docs"
local json = require "quarry.json"
local common = require "quarry.cli.common"
local term = require "quarry.term"

local io_stdout, ipairs, string_format = io.stdout, ipairs, string.format
local os_clock = os.clock

-- the keys of --json output, in order
local TOKEN_KEYS = { "doc", "index", "start", "end", "kind", "case", "shape", "key", "text" }
local STATS_KEYS = { "doc", "title", "bytes", "tokens", "words", "numbers", "punct", "quotes", "sentences",
   "paragraphs", "kinds" }

local tokens = {
   help = "Tokenise documents; print statistics, or every token with --list.",
}

function tokens.configure(cmd)
   cmd:argument("path", common.PATHS_HELP):args("+")
   cmd:flag("-l --list", "Print every token: doc, index, start, stop, kind, case, shape, key, text (TSV).")
   cmd:flag("--json", "With --list, one JSON object a token; otherwise statistics as JSON.")
   cmd:option("--paragraphs", "Paragraph breaks: auto, blank or line.", "auto")
      :choices { "auto", "blank", "line" }
   common.reading_options(cmd)
end

-- A TSV field: control characters escaped (quarry.term), backslashes doubled.
local function escape(s)
   return term.escape(s, true)
end

local function list_tokens(doc, toks, as_json)
   local out = io_stdout
   for i = 1, #toks do
      local start, stop = toks:span(i)
      if as_json then
         out:write(json.encode({
            doc = doc.id, index = i, start = start, ["end"] = stop, kind = toks:kind(i),
            case = toks:get(i, "case"), shape = toks:shape(i), key = toks:key(i), text = toks:text(i),
         }, TOKEN_KEYS), "\n")
      else
         out:write(escape(doc.id), "\t", i, "\t", start, "\t", stop, "\t", toks:kind(i), "\t",
            toks:get(i, "case"), "\t", toks:shape(i), "\t", escape(toks:key(i)), "\t",
            escape(toks:text(i)), "\n")
      end
   end
end

local columns = { "bytes", "tokens", "words", "numbers", "punct", "quotes", "sentences", "paragraphs" }

local function stats_of(doc, toks)
   local c = toks:counts()
   return {
      doc = doc.id, title = doc.title, bytes = #doc.text, tokens = #toks, words = c.word,
      numbers = c.number, punct = c.punct + c.dash,
      quotes = c.open_quote + c.close_quote, sentences = toks:nsentences(),
      paragraphs = toks:nparagraphs(), kinds = c,
   }
end

function tokens.run(args)
   local rows, failed = {}, false
   local total = { doc = "total" }
   for _, k in ipairs(columns) do total[k] = 0 end
   local seconds = 0
   local iter = docs.each(args.path, {
      max_bytes = args.max_bytes,
      warn = function(msg) common.warn("tokens", msg) end,
      fail = function(msg) common.complain("tokens", msg); failed = true end,
   })
   for doc in iter do
      local t0 = os_clock()
      local toks <close> = quarry.tokenize(doc.text, { paragraphs = args.paragraphs })
      seconds = seconds + (os_clock() - t0)
      if args.list then
         list_tokens(doc, toks, args.json)
      else
         local row = stats_of(doc, toks)
         rows[#rows + 1] = row
         for _, k in ipairs(columns) do total[k] = total[k] + row[k] end
      end
   end
   if not args.list and (#rows > 0 or not failed) then
      if args.json then
         local stats = {}
         for i, r in ipairs(rows) do stats[i] = json.encode(r, STATS_KEYS) end
         io_stdout:write('{"documents":[', table.concat(stats, ","), '],"total":', json.encode(total, STATS_KEYS),
            ',"seconds":', json.encode(seconds), "}\n")
      else
         local fmt = "%-44s" .. string.rep(" %9s", #columns) .. "\n"
         io_stdout:write(string_format(fmt, "document", table.unpack(columns)))
         rows[#rows + 1] = total
         for _, r in ipairs(rows) do
            local name = term.escape(r.doc)
            if #name > 44 then name = "…" .. name:sub(-42) end
            local cells = {}
            for i, k in ipairs(columns) do cells[i] = r[k] end
            io_stdout:write(string_format(fmt, name, table.unpack(cells)))
         end
         io_stdout:write(string_format("tokenised %d documents, %d bytes, in %.3f s (%.1f MB/s)\n",
            #rows - 1, total.bytes, seconds, seconds > 0 and total.bytes / seconds / 1e6 or 0))
      end
   end
   return failed and 1 or 0
end

return tokens
