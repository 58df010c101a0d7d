--- quarry kwic: concordance lines (keyword in context) from a corpus file.
local search = require "quarry.cli.search"
local json = require "quarry.json"
local term = require "quarry.term"

local io_stdout = io.stdout
local ipairs, string_rep = ipairs, string.rep
local utf8_len = utf8.len

-- the keys of a line of --json, in order
local KEYS = { "doc", "start", "end", "left", "match", "right" }

local kwic = {
   help = "Concordance: every occurrence of a word or phrase with its left and right context.",
}

local common = require "quarry.cli.common"
local count = common.count

function kwic.configure(cmd)
   cmd:argument("db", "The corpus file.")
   cmd:argument("term", "A word or phrase (\"peace talks\"); a trailing * matches a prefix (negotiat*).")
   cmd:option("-w --width", "Characters of context on each side.", "40"):convert(count)
   cmd:option("-n --limit", "At most N lines."):convert(count)
   cmd:flag("--query", "TERM is a full FTS5 query (NEAR, OR, ...); its phrases are shown.")
   cmd:flag("--json", "One JSON object a line: doc, start, end, left, match, right.")
   common.timeout_option(cmd, search.TIMEOUT_MS)
end

local function width_of(s)
   return utf8_len(s, 1, -1, true) or #s
end

function kwic.run(args)
   local corpus = search.open_existing("kwic", args.db, args.timeout)
   if not corpus then return 1 end
   local lines, err, code = corpus:kwic(args.term, { width = args.width, limit = args.limit, query = args.query })
   corpus:close()
   if not lines then
      common.complain("kwic", common.query_error(err, code))
      return 1
   end
   local tty = not args.json and common.color()
   local open, close = tty and "\27[1m" or "", tty and "\27[0m" or ""
   for _, l in ipairs(lines) do
      if args.json then
         io_stdout:write(json.encode({
            doc = l.doc, start = l.start, ["end"] = l.stop, left = l.left, match = l.match, right = l.right,
         }, KEYS), "\n")
      else
         local left, right = term.escape(l.left), term.escape(l.right)
         local lpad = args.width - width_of(left)
         local rpad = args.width - width_of(right)
         io_stdout:write(string_rep(" ", lpad > 0 and lpad or 0), left, open, term.escape(l.match), close, right,
            string_rep(" ", rpad > 0 and rpad or 0), "  ", term.escape(l.doc), "\n")
      end
   end
   if #lines == 0 and not args.json then common.say("kwic", "no matches") end
   return 0
end

return kwic
