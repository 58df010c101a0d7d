--- The `quarry` command line. Each subcommand is a module
-- quarry.cli.<name> returning {help = ..., configure = fn(command), run = fn(args) -> exit code}.
-- Exit codes: 0 success, 1 failure, 2 usage error.
local argparse = require "argparse"
local quarry = require "quarry"

local io_stderr, ipairs, pcall, require, tostring = io.stderr, ipairs, pcall, require, tostring

local cli = {}

cli.commands = { "tokens", "ingest", "search", "kwic", "extract", "report", "serve", "merge", "rules", "explain",
   "eval" }

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
      modules[name] = mod
   end
   return parser, modules
end

--- Runs the command line; returns the exit code.
function cli.main(argv)
   local parser, modules = build_parser()
   local ok, args = parser:pparse(argv)
   if not ok then
      io_stderr:write(parser:get_usage(), "\n\nquarry: ", tostring(args), "\n")
      return 2
   end
   local mod = modules[args.command]
   local done, code = pcall(mod.run, args)
   if not done then
      io_stderr:write("quarry ", args.command, ": ", tostring(code), "\n")
      return 1
   end
   return code or 0
end

return cli
