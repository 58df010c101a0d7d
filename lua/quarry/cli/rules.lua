--- quarry rules check|test|list PACK: tools for rule writers.
local common = require "quarry.cli.common"
local term = require "quarry.term"

local io_stdout, io_stderr, ipairs, tostring = io.stdout, io.stderr, ipairs, tostring

local rules_cmd = {
   help = "Check, test or list the rules of a pack.",
}

function rules_cmd.configure(cmd)
   cmd:argument("action", "check: compile everything; test: run the inline examples; list: the rules.")
      :choices { "check", "test", "list" }
   cmd:argument("pack", "Rule pack: a name (quarry.rules.NAME) or a path.")
   cmd:flag("--trusted", "Let the pack use os, io and any module.")
   common.limit_options(cmd, "pack")
end

function rules_cmd.run(args)
   local pack, err = common.load_pack(args.pack, args.trusted, common.limits(args))
   -- what a pack says (its name, its errors, its examples) is escaped for the terminal
   if not pack then
      io_stderr:write(term.escape(tostring(err)), "\n")
      return 1
   end
   if args.action == "check" then
      io_stdout:write(("%s: %d rules in %d phases compile\n"):format(term.escape(pack.name), #pack.rules,
         #pack.phases))
      return 0
   elseif args.action == "list" then
      local rows = {}
      for _, r in ipairs(pack:list()) do
         rows[#rows + 1] = { r.phase, r.name, r.kind, r.type or "(action)", r.where }
      end
      common.print_table(io_stdout, { "phase", "rule", "kind", "type", "where" }, rows)
      return 0
   end
   local ok, passed, failed, failures = pcall(pack.test, pack)
   if not ok then
      io_stderr:write(term.escape(tostring(passed)), "\n")
      return 1
   end
   for _, f in ipairs(failures) do
      local unexpected = f.missing.unexpected
      local what = unexpected and ("unexpected " .. tostring(unexpected.text or unexpected.type))
         or ("missing " .. (f.missing.type or "?") .. (f.missing.text and (" '" .. f.missing.text .. "'") or ""))
      io_stdout:write(("FAIL %s: rule %s: %s in: %s\n"):format(term.escape(tostring(f.where)),
         term.escape(tostring(f.rule)), term.escape(what), term.escape(tostring(f.text))))
   end
   io_stdout:write(("%d passed, %d failed\n"):format(passed, failed))
   return failed == 0 and 0 or 1
end

return rules_cmd
