--- The `quarry` command line. Each subcommand is a module
-- quarry.cli.<name> returning {help = ..., configure = fn(command), run = fn(args) -> exit code}.
-- Exit codes: 0 success, 1 failure, 2 usage error.
local argparse = require "argparse"
local quarry = require "quarry"
local term = require "quarry.term"

local io_stderr, ipairs, pcall, require, tostring = io.stderr, ipairs, pcall, require, tostring

local cli = {}

cli.commands = { "tokens", "ingest", "search", "kwic", "extract", "report", "serve", "merge", "rules", "explain",
   "eval" }

-- Every converter of an option or argument names it in its message:
-- "--limit must be a non-negative integer, not 'x'" (argparse gives the
-- converter's message alone).
local function name_converters(p)
   local function wrap(element, label)
      local convert = element._convert
      if type(convert) ~= "function" then return end
      element._convert = function(s)
         local v, err = convert(s)
         if v == nil and err and not err:match("^%-") then
            err = string.format("%s %s, not '%s'", label, err, s)
         end
         return v, err
      end
   end
   for _, opt in ipairs(p._options or {}) do
      local label = opt._aliases[1]
      for _, alias in ipairs(opt._aliases) do
         if alias:match("^%-%-") then label = alias end
      end
      wrap(opt, label)
   end
   for _, a in ipairs(p._arguments or {}) do wrap(a, a._name) end
   for _, c in ipairs(p._commands or {}) do name_converters(c) end
end

local function build_parser()
   local parser = argparse("quarry", "Fast text mining for news: tokenise, index, extract, report.")
      :epilog("Run 'quarry COMMAND --help' for the options of a command.")
   parser:command_target("command")
   parser:flag("--version", "Print the version and exit.")
      :action(function()
         io.stdout:write("quarry ", quarry.version, "\n")
         os.exit(0)
      end)
   local modules = {}
   for _, name in ipairs(cli.commands) do
      local mod = require("quarry.cli." .. name)
      local cmd = parser:command(name, mod.help)
      mod.configure(cmd)
      cmd:flag("--quiet", "No progress bar, summary or notes: only results, warnings and errors.")
      modules[name] = mod
   end
   name_converters(parser)
   return parser, modules
end

-- Parses argv; on a usage error returns nil, the parser of the command it
-- is in (the subcommand's, when one was named), the message.
local function parse(parser, argv)
   local where, message
   local ok, args = pcall(parser._parse, parser, argv, function(p, msg)
      where, message = p, msg
      error(msg, 0)
   end)
   if ok then return args end
   if not message then error(args, 0) end
   return nil, where, message
end

--- Runs the command line; returns the exit code.
function cli.main(argv)
   local parser, modules = build_parser()
   local args, where, message = parse(parser, argv)
   if not args then
      -- the usage of the command the mistake is in, and the mistake, naming the option
      local name = where == parser and "quarry" or "quarry " .. where._name
      io_stderr:write(where:get_usage(), "\n\n", name, ": ", tostring(message), "\nRun '", name,
         " --help' for ", where == parser and "its commands" or "its options", ".\n")
      return 2
   end
   require("quarry.cli.common").quiet = args.quiet or false
   local mod = modules[args.command]
   local done, code = pcall(mod.run, args)
   if not done then
      io_stderr:write("quarry ", args.command, ": ", term.escape(tostring(code)), "\n")
      return 1
   end
   return code or 0
end

return cli
