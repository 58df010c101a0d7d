--- quarry eval [--rules PACK] --gold PATH: precision, recall and F1 per type and per
-- rule against JSONL, BRAT, CoNLL or TimeML gold; attribute accuracy and
-- F1 (--attr); quotations and their speakers against BRAT attributions
-- (--quotes).
local calendar = require "quarry.calendar"
local common = require "quarry.cli.common"
local docs = require "quarry.docs"
local evaluation = require "quarry.eval"
local json = require "quarry.json"

local io_open, io_stdout, io_stderr = io.open, io.stdout, io.stderr
local ipairs, next, pairs, pcall, tostring, table_sort = ipairs, next, pairs, pcall, tostring, table.sort
local string_format = string.format

local eval_cmd = {
   help = "Score a pack against gold annotations: JSONL in the extract format, BRAT .ann/.txt, "
      .. "CoNLL columns or TimeML; --quotes scores quotations and speakers against BRAT attributions.",
}

-- CoNLL-2003's types as the news pack names them; MISC is not scored
-- unless --map names it.
local CONLL_MAP = { PER = "person", ORG = "organization", LOC = "location" }
-- TimeML's TIMEX3 types: DATE is the news pack's date, scored with its
-- value; TIME, DURATION and SET are not scored unless --map names them.
local TIMEML_MAP = { DATE = "date" }

function eval_cmd.configure(cmd)
   common.rules_option(cmd)
   cmd:argument("docs", "With JSONL gold: the documents (files, folders, JSONL)."):args("*")
   cmd:option("--gold", "Gold: a JSONL file in the extract format, a folder of BRAT .ann files, "
      .. "a CoNLL file (token ... IOB-tag a line), or a TimeML .tml file or folder of them."):count(1)
   cmd:option("--format", "Gold format: auto (a folder is TimeML when it holds .tml files and no "
      .. ".ann, else BRAT; a .tml file is TimeML; another file is JSONL, or CoNLL when its first line "
      .. "is columns ending in an IOB tag), jsonl, brat, conll or timeml.", "auto")
      :choices { "auto", "jsonl", "brat", "conll", "timeml" }
   cmd:option("--map", "Gold type = system type, comma separated (e.g. Content=quote). "
      .. "CoNLL: PER=person,ORG=organization,LOC=location unless overridden; "
      .. "TimeML: DATE=date (scored with --attr value unless --attr is given)."):default("")
   cmd:option("--types", "Only score these system types, comma separated.")
   cmd:option("--match", "Span matching: exact, overlap (any shared byte) or half (shared bytes at least "
      .. "half of the shorter span). Default: exact; with --quotes, half; with TimeML, overlap "
      .. "(TempEval-3's relaxed match; the exact match is given too)."):choices { "exact", "overlap", "half" }
   cmd:option("--attr", "Also give the accuracy of this attribute on matched spans whose gold has it "
      .. "(repeatable, or comma separated), e.g. --attr value."):count("*")
   cmd:flag("--quotes", "Score the pack's quote annotations and their speakers against BRAT "
      .. "attributions (PolNeAR): the quoted stretches of each Content.")
   cmd:option("--errors", "Write misses, false positives and wrong speakers or attributes to this file "
      .. "as JSON lines.")
   cmd:option("--date", "Date (YYYY-MM-DD) of documents that carry none, for relative dates.")
      :convert(common.day):argname("<date>")
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
      .. "the %d outside every gold Content (unattributed) are left out\n", q.unattributed))
   local t = rep.terms
   io_stdout:write(string_format("terms (marks around words nobody says): %d, of which %d are gold quotes "
      .. "(counted as misses)\n\n", t.system, t.missed))
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
   io_stdout:write(string_format("%d documents, %s match%s\n", ndocs, match,
      report.exact and " (TempEval-3's relaxed match; exact below)" or ""))
   if conll then
      io_stdout:write(string_format("CoNLL: %d sentences; a document starts at %s\n", conll.sentences,
         conll.split == "datelines" and "each dateline (with its headline)" or conll.split))
   end
   io_stdout:write("\nper type\n")
   local rows = rows_of(report.types)
   local t = report.total
   rows[#rows + 1] = { "all", t.tp, t.fp, t.fn, fmt(t.precision), fmt(t.recall), fmt(t.f1) }
   common.print_table(io_stdout, { "type", "tp", "fp", "fn", "precision", "recall", "f1" }, rows)
   if report.false_positives_over then
      local parts = {}
      for ty, row in pairs(report.false_positives_over) do
         local gold = {}
         for g, n in pairs(row) do gold[#gold + 1] = string_format("%s %d", g, n) end
         table_sort(gold)
         parts[#parts + 1] = ty .. ": " .. table.concat(gold, ", ")
      end
      table_sort(parts)
      io_stdout:write("false positives that overlap gold of a type not scored: ", table.concat(parts, "; "), "\n")
   end
   if report.exact then
      io_stdout:write("\nexact match\n")
      rows = rows_of(report.exact.types)
      t = report.exact.total
      rows[#rows + 1] = { "all", t.tp, t.fp, t.fn, fmt(t.precision), fmt(t.recall), fmt(t.f1) }
      common.print_table(io_stdout, { "type", "tp", "fp", "fn", "precision", "recall", "f1" }, rows)
   end
   if report.attributes then
      io_stdout:write("\nattributes (accuracy: of matched spans whose gold has the attribute; "
         .. "precision, recall, f1: a span counts when it matches and its attribute is right)\n")
      local arows, types = {}, {}
      for ty in pairs(report.attributes.types) do types[#types + 1] = ty end
      table_sort(types)
      local function add(ty, by_name)
         local names = {}
         for name in pairs(by_name) do names[#names + 1] = name end
         table_sort(names)
         for _, name in ipairs(names) do
            local c = by_name[name]
            arows[#arows + 1] = { ty, name, c.correct, c.scored, fmt(c.accuracy), fmt(c.precision),
               fmt(c.recall), fmt(c.f1) }
         end
      end
      for _, ty in ipairs(types) do add(ty, report.attributes.types[ty]) end
      add("all", report.attributes.all)
      common.print_table(io_stdout, { "type", "attribute", "correct", "scored", "accuracy", "precision",
         "recall", "f1" }, arows)
   end
   io_stdout:write("\nper rule (recall is per type)\n")
   local rrows = {}
   for _, r in ipairs(rows_of(report.rules)) do rrows[#rrows + 1] = { r[1], r[2], r[3], r[5] } end
   common.print_table(io_stdout, { "rule", "tp", "fp", "precision" }, rrows)
end

-- The options, checked: {map, attrs, format, match} or nil, exit code
-- with the message printed.
local function options(args, usage, fail)
   local map = {}
   for _, pair in ipairs(split_list(args.map)) do
      local g, s = pair:match("^([^=]+)=(.+)$")
      if not g then return nil, usage("--map takes gold=system pairs") end
      map[g] = s
   end
   local attrs = {}
   for _, item in ipairs(args.attr or {}) do
      for _, name in ipairs(split_list(item)) do attrs[#attrs + 1] = name end
   end
   if args.date and not (#args.date == 10 and select(3, calendar.parse_iso(args.date))) then
      return nil, usage("--date must be YYYY-MM-DD")
   end
   if args.quotes then
      if args.format ~= "auto" and args.format ~= "brat" then
         return nil, usage("--quotes needs BRAT gold (a folder of .ann files with their .txt), not " .. args.format)
      end
      if next(map) or args.types or #attrs > 0 then
         return nil, usage("--quotes scores the pack's quote annotations: --map, --types and --attr do not apply")
      end
   end
   local format = args.format
   if format == "auto" then
      local ferr
      format, ferr = evaluation.gold_format(args.gold)
      if not format then return nil, fail(ferr) end
   end
   if args.quotes and format ~= "brat" then
      return nil, usage("--quotes needs BRAT gold (a folder of .ann files with their .txt); " .. args.gold
         .. " is " .. format)
   end
   if (args.quotes or format == "conll" or format == "timeml") and #args.docs > 0 then
      return nil, usage("with " .. (args.quotes and "--quotes" or format == "conll" and "CoNLL gold"
         or "TimeML gold") .. " the documents come from the gold: give no document paths")
   end
   local default_map = format == "conll" and CONLL_MAP or format == "timeml" and TIMEML_MAP or {}
   for g, s in pairs(default_map) do
      if map[g] == nil then map[g] = s end
   end
   if format == "timeml" and #attrs == 0 then attrs = { "value" } end
   local match = args.match or (args.quotes and "half" or format == "timeml" and "overlap" or "exact")
   return { map = map, attrs = attrs, format = format, match = match }
end

local function score_quotes(args, opt, run, on_error, fail)
   local scorer = evaluation.quote_scorer { match = opt.match, errors = on_error }
   local pairs_, perr = evaluation.brat_pairs(args.gold)
   if not pairs_ then return fail(perr) end
   for _, p in ipairs(pairs_) do
      local text, terr = read_file(p.txt)
      if not text then return fail(terr) end
      local brat, berr = evaluation.read_brat_attributions(p.ann, text)
      if not brat then return fail(berr) end
      local doc = docs.from_text(text, { id = p.id, path = p.txt })
      local gold, contents = evaluation.gold_quotes(doc.text, brat)
      scorer:add(run(doc), gold, contents, doc)
   end
   local report = scorer:report()
   if args.json then io_stdout:write(json.encode(report), "\n") else print_quotes(report) end
   return 0
end

-- Calls add(doc, gold) for each document of the gold. Returns the number
-- of documents and what the reader says of them (CoNLL), or nil, exit code.
local function each_document(args, format, add, usage, fail)
   local ndocs, extra = 0, nil
   if format == "brat" then
      local pairs_, perr = evaluation.brat_pairs(args.gold)
      if not pairs_ then return nil, fail(perr) end
      for _, p in ipairs(pairs_) do
         local text, terr = read_file(p.txt)
         if not text then return nil, fail(terr) end
         local gold, gerr = evaluation.read_brat(p.ann, text)
         if not gold then return nil, fail(gerr) end
         add(docs.from_text(text, { id = p.id, path = p.txt }), gold)
         ndocs = ndocs + 1
      end
   elseif format == "conll" then
      local list, info = evaluation.read_conll(args.gold, {
         warn = function(msg) common.warn("eval", msg) end })
      if not list then return nil, fail(info) end
      for _, doc in ipairs(list) do
         add(doc, doc.gold)
         ndocs = ndocs + 1
      end
      extra = info
   elseif format == "timeml" then
      local files, ferr = evaluation.timeml_files(args.gold)
      if not files then return nil, fail(ferr) end
      for _, path in ipairs(files) do
         local doc, derr = evaluation.read_timeml(path)
         if not doc then return nil, fail(derr) end
         add({ id = doc.id, text = doc.text, date = doc.date, path = path }, doc.gold)
         ndocs = ndocs + 1
      end
   else
      local gold, gerr = evaluation.read_jsonl(args.gold)
      if not gold then return nil, fail(gerr) end
      if #args.docs == 0 then return nil, usage("with JSONL gold, give the documents too") end
      local iter, failed = common.documents("eval", args.docs)
      for doc in iter do
         add(doc, gold[doc.id] or {})
         ndocs = ndocs + 1
      end
      if failed() then return nil, 1 end
   end
   return ndocs, extra
end

local function score_spans(args, opt, run, on_error, usage, fail)
   local map = opt.map
   local types = args.types and split_list(args.types)
   if not types and next(map) then
      types = {}
      local seen = {}
      for _, s in pairs(map) do
         if not seen[s] then types[#types + 1], seen[s] = s, true end
      end
      table_sort(types)
   end
   local attrs = #opt.attrs > 0 and opt.attrs or nil
   local scorer = evaluation.scorer { match = opt.match, types = types, attrs = attrs, errors = on_error }
   -- TimeML: TempEval-3 gives the exact span match beside the relaxed one
   local exact = opt.format == "timeml" and opt.match ~= "exact"
      and evaluation.scorer { match = "exact", types = types, attrs = attrs }
   local function add(doc, gold)
      for _, g in ipairs(gold) do g.type = map[g.type] or g.type end
      local system = run(doc)
      scorer:add(system, gold, doc)
      if exact then exact:add(system, gold, doc) end
   end
   local ndocs, extra = each_document(args, opt.format, add, usage, fail)
   if not ndocs then return extra end
   local report = scorer:report()
   report.documents = ndocs
   if extra then
      report.sentences, report.split = extra.sentences, extra.split
   end
   if exact then report.exact = exact:report() end
   if args.json then
      io_stdout:write(json.encode(report), "\n")
   else
      print_spans(report, ndocs, opt.match, extra)
   end
   return 0
end

function eval_cmd.run(args)
   local function usage(msg)
      common.complain("eval", msg)
      return 2
   end
   local function fail(msg)
      common.complain("eval", msg)
      return 1
   end
   local pack_name = common.rules_of("eval", args, "docs")
   local opt, code = options(args, usage, fail)
   if not opt then return code end

   local pack, err = common.load_pack(pack_name, args.trusted, common.limits(args))
   if not pack then return fail(err) end

   local errors_out, on_error
   if args.errors then
      local eerr
      errors_out, eerr = io_open(args.errors, "wb")
      if not errors_out then return fail(eerr) end
      on_error = function(rec) errors_out:write(evaluation.error_json(rec), "\n") end
   end
   -- a document the pack fails on (an error, a limit) is reported and
   -- scored as annotating nothing; the others still run
   local failed = 0
   local opts = on_error and { trace = true } or nil    -- (an error record says why a term is no quote)
   local function run(doc)
      if args.date and not doc.date then doc.date = args.date end
      local ok, anns = pcall(pack.run, pack, doc, opts)
      if ok then return anns end
      failed = failed + 1
      common.complain("eval", tostring(doc.id) .. ": " .. tostring(anns))
      return {}
   end
   if args.quotes then
      code = score_quotes(args, opt, run, on_error, fail)
   else
      code = score_spans(args, opt, run, on_error, usage, fail)
   end
   if errors_out then errors_out:close() end
   if failed > 0 then
      io_stderr:write(string_format("quarry eval: the pack failed on %d document(s), scored as annotating nothing\n",
         failed))
      if code == 0 then code = 1 end
   end
   return code
end

return eval_cmd
