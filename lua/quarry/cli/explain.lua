--- quarry explain [--rules PACK] FILE...: which rule produced each annotation, and where it is written.
local common = require "quarry.cli.common"
local term = require "quarry.term"

local io_stdout, io_stderr, ipairs, pairs, pcall, table_concat, table_sort, tostring =
   io.stdout, io.stderr, ipairs, pairs, pcall, table.concat, table.sort, tostring

local explain = {
   help = "Show which rule (phase, file:line) produced each annotation of a document, for each quote "
      .. "the strategy that found its speaker and those tried before it, and for each term why it is no quote.",
}

function explain.configure(cmd)
   cmd:argument("path", "Text files, folders, JSONL files, or - for stdin."):args("+")
   common.rules_option(cmd)
   cmd:option("--date", "Date (YYYY-MM-DD) of documents that carry none.")
      :convert(common.day):argname("<date>")
   cmd:flag("--trusted", "Let the pack use os, io and any module.")
   common.limit_options(cmd, "pack")
end

local function attrs_text(attrs)
   if not attrs then return "" end
   local keys = {}
   for k in pairs(attrs) do keys[#keys + 1] = k end
   table_sort(keys)
   local parts = {}
   for i, k in ipairs(keys) do parts[i] = k .. "=" .. tostring(attrs[k]) end
   return table_concat(parts, " ")
end

-- (the pack's phases asked for the traces they can give: ctx.trace)
local TRACED = { trace = true }

function explain.run(args)
   local pack, err = common.load_pack(common.rules_of("explain", args, "path"), args.trusted, common.limits(args))
   if not pack then
      common.complain("explain", err)
      return 1
   end
   if #args.path == 0 then
      io_stderr:write("quarry explain: give files, folders, JSONL or - after the pack\n")
      return 2
   end
   local where = {}
   for _, r in ipairs(pack:list()) do where[r.name] = r.where end
   local iter, failed = common.documents("explain", args.path)
   local rule_failed = false
   for doc in iter do
      if args.date and not doc.date then doc.date = args.date end
      -- a document the pack fails on (past a limit) is reported, and the others still run
      local ok, anns = pcall(pack.run, pack, doc, TRACED)
      if not ok then
         common.complain("explain", doc.id .. ": " .. tostring(anns))
         rule_failed = true
         goto next_doc
      end
      io_stdout:write("== ", term.escape(doc.id), "\n")
      local rows, traced = {}, {}
      for _, a in ipairs(anns) do
         local text = a.text:gsub("%s+", " ")
         if #text > 60 then text = text:sub(1, 57) .. "..." end
         local trace = type(a.trace) == "table" and a.trace or nil
         rows[#rows + 1] = { a.start .. "-" .. a.stop, a.type, text, a.phase or "", a.rule,
            trace and trace.where or where[a.rule] or "?", attrs_text(a.attrs) }
         if trace then traced[#traced + 1] = { a.start .. "-" .. a.stop, trace } end
      end
      common.print_table(io_stdout, { "span", "type", "text", "phase", "rule", "written at", "attrs" }, rows)
      -- a sieve of strategies (the news pack's speakers): which one decided,
      -- after which
      -- (marks around words nobody says: why they are no quote)
      for _, t in ipairs(traced) do
         local tr = t[2]
         local tried = type(tr.tried) == "table" and #tr.tried > 0 and table_concat(tr.tried, ", ") or "none"
         if tr.term then
            io_stdout:write(t[1], ": not speech (", term.escape(tostring(tr.term)), ")\n")
         else
            local by = tr.strategy and ("found by " .. term.escape(tostring(tr.strategy))) or "found by no strategy"
            io_stdout:write(t[1], ": ", by,
               tr.where and (" (" .. term.escape(tostring(tr.where)) .. ")") or "", "; tried before: ",
               term.escape(tried), "\n")
         end
      end
      ::next_doc::
   end
   return (failed() or rule_failed) and 1 or 0
end

return explain
