--- quarry eval PACK --gold PATH: precision, recall and F1 per type and per rule.
local common = require "quarry.cli.common"
local docs = require "quarry.docs"
local evaluation = require "quarry.eval"
local cjson = require "cjson"

local io_stdout, io_stderr, ipairs, next, pairs, table_sort = io.stdout, io.stderr, ipairs, next, pairs, table.sort
local string_format = string.format

local eval_cmd = {
   help = "Score a pack against gold annotations: JSONL in the extract format, or BRAT .ann/.txt.",
}

function eval_cmd.configure(cmd)
   cmd:argument("pack", "Rule pack: a name (quarry.rules.NAME) or a path.")
   cmd:argument("docs", "With JSONL gold: the documents (files, folders, JSONL)."):args("*")
   cmd:option("--gold", "Gold: a JSONL file in the extract format, or a folder of BRAT .ann files."):count(1)
   cmd:option("--map", "Gold type = system type, comma separated (e.g. Content=quote)."):default("")
   cmd:option("--types", "Only score these system types, comma separated.")
   cmd:option("--match", "Span matching: exact or overlap.", "exact"):choices { "exact", "overlap" }
   cmd:flag("--json", "Print the scores as JSON.")
   cmd:flag("--trusted", "Let the pack use os, io and any module.")
end

local function split_list(s)
   local out = {}
   for item in (s or ""):gmatch("[^,]+") do out[#out + 1] = item:match("^%s*(.-)%s*$") end
   return out
end

function eval_cmd.run(args)
   local pack, err = common.load_pack(args.pack, args.trusted)
   if not pack then
      io_stderr:write(err, "\n")
      return 1
   end
   local map = {}
   for _, pair in ipairs(split_list(args.map)) do
      local g, s = pair:match("^([^=]+)=(.+)$")
      if not g then
         io_stderr:write("quarry eval: --map takes gold=system pairs\n")
         return 2
      end
      map[g] = s
   end
   local types = args.types and split_list(args.types)
   if not types and next(map) then
      types = {}
      for _, s in pairs(map) do types[#types + 1] = s end
   end
   local scorer = evaluation.scorer { match = args.match, types = types }
   local function mapped(list)
      for _, g in ipairs(list) do g.type = map[g.type] or g.type end
      return list
   end
   local ndocs = 0
   local lfs = require "lfs"
   if lfs.attributes(args.gold, "mode") == "directory" then
      local pairs_, perr = evaluation.brat_pairs(args.gold)
      if not pairs_ then
         io_stderr:write("quarry eval: ", perr, "\n")
         return 1
      end
      for _, p in ipairs(pairs_) do
         local f = assert(io.open(p.txt, "rb"))
         local text = f:read("a")
         f:close()
         local gold, gerr = evaluation.read_brat(p.ann, text)
         if not gold then
            io_stderr:write("quarry eval: ", gerr, "\n")
            return 1
         end
         local doc = docs.from_text(text, { id = p.id, path = p.txt })
         scorer:add(pack:run(doc), mapped(gold))
         ndocs = ndocs + 1
      end
   else
      local gold, gerr = evaluation.read_jsonl(args.gold)
      if not gold then
         io_stderr:write("quarry eval: ", gerr, "\n")
         return 1
      end
      if #args.docs == 0 then
         io_stderr:write("quarry eval: with JSONL gold, give the documents too\n")
         return 2
      end
      local iter, failed = common.documents("eval", args.docs)
      for doc in iter do
         scorer:add(pack:run(doc), mapped(gold[doc.id] or {}))
         ndocs = ndocs + 1
      end
      if failed() then return 1 end
   end
   local report = scorer:report()
   report.documents = ndocs
   if args.json then
      io_stdout:write(cjson.encode(report), "\n")
      return 0
   end
   local function rows_of(tab)
      local keys = {}
      for k in pairs(tab) do keys[#keys + 1] = k end
      table_sort(keys)
      local rows = {}
      for _, k in ipairs(keys) do
         local c = tab[k]
         rows[#rows + 1] = { k, c.tp, c.fp, c.fn, string_format("%.3f", c.precision),
            string_format("%.3f", c.recall), string_format("%.3f", c.f1) }
      end
      return rows
   end
   io_stdout:write(string_format("%d documents, %s match\n\nper type\n", ndocs, args.match))
   local rows = rows_of(report.types)
   local t = report.total
   rows[#rows + 1] = { "all", t.tp, t.fp, t.fn, string_format("%.3f", t.precision),
      string_format("%.3f", t.recall), string_format("%.3f", t.f1) }
   common.print_table(io_stdout, { "type", "tp", "fp", "fn", "precision", "recall", "f1" }, rows)
   io_stdout:write("\nper rule (recall is per type)\n")
   local rrows = {}
   for _, r in ipairs(rows_of(report.rules)) do rrows[#rrows + 1] = { r[1], r[2], r[3], r[5] } end
   common.print_table(io_stdout, { "rule", "tp", "fp", "precision" }, rrows)
   return 0
end

return eval_cmd
