--- quarry eval PACK --gold PATH: precision, recall and F1 per type and per
-- rule against JSONL, BRAT or CoNLL gold; attribute accuracy (--attr);
-- quotations and their speakers against BRAT attributions (--quotes).
local common = require "quarry.cli.common"
local docs = require "quarry.docs"
local evaluation = require "quarry.eval"
local cjson = require "cjson"

local io_open, io_stdout, io_stderr = io.open, io.stdout, io.stderr
local ipairs, next, pairs, table_sort = ipairs, next, pairs, table.sort
local string_format = string.format

local eval_cmd = {
   help = "Score a pack against gold annotations: JSONL in the extract format, BRAT .ann/.txt, "
      .. "or CoNLL columns; --quotes scores quotations and speakers against BRAT attributions.",
}

-- CoNLL-2003's types as the news pack names them; MISC is not scored
-- unless --map names it.
local CONLL_MAP = { PER = "person", ORG = "organization", LOC = "location" }

function eval_cmd.configure(cmd)
   cmd:argument("pack", "Rule pack: a name (quarry.rules.NAME) or a path.")
   cmd:argument("docs", "With JSONL gold: the documents (files, folders, JSONL)."):args("*")
   cmd:option("--gold", "Gold: a JSONL file in the extract format, a folder of BRAT .ann files, "
      .. "or a CoNLL file (token ... IOB-tag a line)."):count(1)
   cmd:option("--format", "Gold format: auto (a folder is BRAT; a file is JSONL, or CoNLL when "
      .. "its first line is columns ending in an IOB tag), jsonl, brat or conll.", "auto")
      :choices { "auto", "jsonl", "brat", "conll" }
   cmd:option("--map", "Gold type = system type, comma separated (e.g. Content=quote). "
      .. "CoNLL: PER=person,ORG=organization,LOC=location unless overridden."):default("")
   cmd:option("--types", "Only score these system types, comma separated.")
   cmd:option("--match", "Span matching: exact, overlap (any shared byte) or half (shared bytes at least "
      .. "half of the shorter span). Default: exact; with --quotes, half."):choices { "exact", "overlap", "half" }
   cmd:option("--attr", "Also give the accuracy of this attribute on matched spans whose gold has it "
      .. "(repeatable, or comma separated), e.g. --attr value."):count("*")
   cmd:flag("--quotes", "Score the pack's quote annotations and their speakers against BRAT "
      .. "attributions (PolNeAR): the quoted stretches of each Content.")
   cmd:option("--errors", "Write misses, false positives and wrong speakers or attributes to this file "
      .. "as JSON lines.")
   cmd:option("--date", "Date (YYYY-MM-DD) of documents that carry none, for relative dates.")
   cmd:flag("--json", "Print the scores as JSON.")
   cmd:flag("--trusted", "Let the pack use os, io and any module.")
   common.limit_options(cmd, "pack")
end

local function split_list(s)
   local out = {}
   for item in (s or ""):gmatch("[^,]+") do
      item = item:match("^%s*(.-)%s*$")
      if item ~= "" then out[#out + 1] = item end
   end
   return out
end

local function fmt(x) return string_format("%.3f", x) end

local function read_file(path)
   local f, err = io_open(path, "rb")
   if not f then return nil, err end
   local text = f:read("a")
   f:close()
   if not text then return nil, path .. ": cannot read" end
   return text
end

-- The quotes report as tables.
local function print_quotes(rep)
   local q, sp = rep.quotes, rep.speaker
   io_stdout:write(string_format("%d documents, %s match, %d gold quotes, %d system quotes\n\n",
      rep.documents, rep.match, q.gold, q.system))
   local rows = {}
   for _, r in ipairs { { "strict", q.strict }, { "attributed", q.attributed } } do
      local c = r[2]
      rows[#rows + 1] = { r[1], c.tp, c.fp, c.fn, fmt(c.precision), fmt(c.recall), fmt(c.f1) }
   end
   common.print_table(io_stdout, { "quotes", "tp", "fp", "fn", "precision", "recall", "f1" }, rows)
   io_stdout:write(string_format("strict: every unmatched system quote is a false positive; attributed: "
      .. "the %d outside every gold Content (unattributed) are left out\n\n", q.unattributed))
   common.print_table(io_stdout, { "speaker", "correct", "scored", "accuracy" },
      { { "matched quotes", sp.correct, sp.scored, fmt(sp.accuracy) } })
   io_stdout:write(string_format("correct by speaker mention: %d, by name: %d; matched quotes without a gold "
      .. "source (not scored): %d\n", sp.by_mention, sp.by_name, sp.no_gold_source))
end

local function print_spans(report, ndocs, match, conll)
   local function rows_of(tab)
      local keys = {}
      for k in pairs(tab) do keys[#keys + 1] = k end
      table_sort(keys)
      local rows = {}
      for _, k in ipairs(keys) do
         local c = tab[k]
         rows[#rows + 1] = { k, c.tp, c.fp, c.fn, fmt(c.precision), fmt(c.recall), fmt(c.f1) }
      end
      return rows
   end
   io_stdout:write(string_format("%d documents, %s match\n", ndocs, match))
   if conll then
      io_stdout:write(string_format("CoNLL: %d sentences; a document starts at %s\n", conll.sentences,
         conll.split == "datelines" and "each dateline (with its headline)" or conll.split))
   end
   io_stdout:write("\nper type\n")
   local rows = rows_of(report.types)
   local t = report.total
   rows[#rows + 1] = { "all", t.tp, t.fp, t.fn, fmt(t.precision), fmt(t.recall), fmt(t.f1) }
   common.print_table(io_stdout, { "type", "tp", "fp", "fn", "precision", "recall", "f1" }, rows)
   if report.attributes then
      io_stdout:write("\nattributes (of matched spans whose gold has the attribute)\n")
      local arows, types = {}, {}
      for ty in pairs(report.attributes.types) do types[#types + 1] = ty end
      table_sort(types)
      local function add(ty, by_name)
         local names = {}
         for name in pairs(by_name) do names[#names + 1] = name end
         table_sort(names)
         for _, name in ipairs(names) do
            local c = by_name[name]
            arows[#arows + 1] = { ty, name, c.correct, c.scored, fmt(c.accuracy) }
         end
      end
      for _, ty in ipairs(types) do add(ty, report.attributes.types[ty]) end
      add("all", report.attributes.all)
      common.print_table(io_stdout, { "type", "attribute", "correct", "scored", "accuracy" }, arows)
   end
   io_stdout:write("\nper rule (recall is per type)\n")
   local rrows = {}
   for _, r in ipairs(rows_of(report.rules)) do rrows[#rrows + 1] = { r[1], r[2], r[3], r[5] } end
   common.print_table(io_stdout, { "rule", "tp", "fp", "precision" }, rrows)
end

function eval_cmd.run(args)
   local function usage(msg)
      io_stderr:write("quarry eval: ", msg, "\n")
      return 2
   end
   local function fail(msg)
      io_stderr:write("quarry eval: ", msg, "\n")
      return 1
   end
   local map = {}
   for _, pair in ipairs(split_list(args.map)) do
      local g, s = pair:match("^([^=]+)=(.+)$")
      if not g then return usage("--map takes gold=system pairs") end
      map[g] = s
   end
   local attrs = {}
   for _, item in ipairs(args.attr or {}) do
      for _, name in ipairs(split_list(item)) do attrs[#attrs + 1] = name end
   end
   if args.date and not args.date:match("^%d%d%d%d%-%d%d%-%d%d$") then
      return usage("--date must be YYYY-MM-DD")
   end
   if args.quotes then
      if args.format == "jsonl" or args.format == "conll" then
         return usage("--quotes needs BRAT gold (a folder of .ann files with their .txt), not " .. args.format)
      end
      if next(map) or args.types or #attrs > 0 then
         return usage("--quotes scores the pack's quote annotations: --map, --types and --attr do not apply")
      end
   end
   local format = args.format
   if format == "auto" then
      local ferr
      format, ferr = evaluation.gold_format(args.gold)
      if not format then return fail(ferr) end
   end
   if args.quotes and format ~= "brat" then
      return usage("--quotes needs BRAT gold (a folder of .ann files with their .txt); " .. args.gold
         .. " is " .. format)
   end
   if (args.quotes or format == "conll") and #args.docs > 0 then
      return usage("with " .. (args.quotes and "--quotes" or "CoNLL gold")
         .. " the documents come from the gold: give no document paths")
   end
   local match = args.match or (args.quotes and "half" or "exact")

   local pack, err = common.load_pack(args.pack, args.trusted, common.limits(args))
   if not pack then return fail(err) end

   local errors_out, on_error
   if args.errors then
      local eerr
      errors_out, eerr = io_open(args.errors, "wb")
      if not errors_out then return fail(eerr) end
      on_error = function(rec) errors_out:write(evaluation.error_json(rec), "\n") end
   end
   local function finish(code)
      if errors_out then errors_out:close() end
      return code
   end
   local function run(doc)
      if args.date and not doc.date then doc.date = args.date end
      return pack:run(doc)
   end

   if args.quotes then
      local scorer = evaluation.quote_scorer { match = match, errors = on_error }
      local pairs_, perr = evaluation.brat_pairs(args.gold)
      if not pairs_ then return finish(fail(perr)) end
      for _, p in ipairs(pairs_) do
         local text, terr = read_file(p.txt)
         if not text then return finish(fail(terr)) end
         local brat, berr = evaluation.read_brat_attributions(p.ann, text)
         if not brat then return finish(fail(berr)) end
         local doc = docs.from_text(text, { id = p.id, path = p.txt })
         local gold, contents = evaluation.gold_quotes(doc.text, brat)
         scorer:add(run(doc), gold, contents, doc)
      end
      local report = scorer:report()
      if args.json then io_stdout:write(cjson.encode(report), "\n") else print_quotes(report) end
      return finish(0)
   end

   if format == "conll" then
      for g, s in pairs(CONLL_MAP) do
         if map[g] == nil then map[g] = s end
      end
   end
   local types = args.types and split_list(args.types)
   if not types and next(map) then
      types = {}
      local seen = {}
      for _, s in pairs(map) do
         if not seen[s] then types[#types + 1], seen[s] = s, true end
      end
      table_sort(types)
   end
   local scorer = evaluation.scorer { match = match, types = types, attrs = #attrs > 0 and attrs or nil,
      errors = on_error }
   local function mapped(list)
      for _, g in ipairs(list) do g.type = map[g.type] or g.type end
      return list
   end
   local ndocs, extra = 0, nil
   if format == "brat" then
      local pairs_, perr = evaluation.brat_pairs(args.gold)
      if not pairs_ then return finish(fail(perr)) end
      for _, p in ipairs(pairs_) do
         local text, terr = read_file(p.txt)
         if not text then return finish(fail(terr)) end
         local gold, gerr = evaluation.read_brat(p.ann, text)
         if not gold then return finish(fail(gerr)) end
         local doc = docs.from_text(text, { id = p.id, path = p.txt })
         scorer:add(run(doc), mapped(gold), doc)
         ndocs = ndocs + 1
      end
   elseif format == "conll" then
      local list, info = evaluation.read_conll(args.gold, {
         warn = function(msg) io_stderr:write("quarry eval: warning: ", msg, "\n") end })
      if not list then return finish(fail(info)) end
      for _, doc in ipairs(list) do
         scorer:add(run(doc), mapped(doc.gold), doc)
         ndocs = ndocs + 1
      end
      extra = info
   else
      local gold, gerr = evaluation.read_jsonl(args.gold)
      if not gold then return finish(fail(gerr)) end
      if #args.docs == 0 then return finish(usage("with JSONL gold, give the documents too")) end
      local iter, failed = common.documents("eval", args.docs)
      for doc in iter do
         scorer:add(run(doc), mapped(gold[doc.id] or {}), doc)
         ndocs = ndocs + 1
      end
      if failed() then return finish(1) end
   end
   local report = scorer:report()
   report.documents = ndocs
   if extra then
      report.sentences, report.split = extra.sentences, extra.split
   end
   if args.json then
      io_stdout:write(cjson.encode(report), "\n")
   else
      print_spans(report, ndocs, match, extra)
   end
   return finish(0)
end

return eval_cmd
