--- quarry serve DB: the corpus explorer in the browser (docs/explorer.md).
local serve = require "quarry.serve"
local common = require "quarry.cli.common"

local io_stdout = io.stdout

local cmd_serve = {
   help = "Explore a corpus in the browser: search, articles, speakers, entities, timeline (read-only).",
}

function cmd_serve.configure(cmd)
   cmd:argument("db", "The corpus file (opened read-only).")
   cmd:option("--host", "The address to listen on; keep the default unless others must reach it.", "127.0.0.1")
      :argname("<address>")
   cmd:option("-p --port", "The port (0: any free port).", "8080")
      :convert(common.count):argname("<port>")
   cmd:flag("--quiet", "Do not log each request on stderr.")
   common.timeout_option(cmd, require("quarry.cli.search").TIMEOUT_MS)
   cmd:epilog("Pages (each also as JSON with ?format=json):\n"
      .. "   /                  search, with hits in context and facets\n"
      .. "   /article?doc=ID    a document, what was found highlighted\n"
      .. "   /speaker?name=N    a speaker's quotes; /entity?name=N an entity\n"
      .. "   /timeline          dated statements and events\n"
      .. "   /report/NAME       any report (summary, quotes, entities, sources, ...)\n\n"
      .. "Example:\n   quarry serve news.db --port 8080     # then open http://127.0.0.1:8080/")
end

function cmd_serve.run(args)
   local search = require "quarry.cli.search"
   local probe = search.open_existing("serve", args.db)
   if not probe then return 1 end
   probe:close()
   local server, err = serve.start { db = args.db, host = args.host, port = args.port, quiet = args.quiet,
      time_limit_ms = args.timeout }
   if not server then
      common.complain("serve", err)
      return 1
   end
   io_stdout:write("quarry serve: ", server.url, " (read-only; Ctrl-C to stop)\n")
   io_stdout:flush()
   local ok, lerr = server:loop()
   if not ok then
      common.complain("serve", lerr)
      return 1
   end
   return 0
end

return cmd_serve
