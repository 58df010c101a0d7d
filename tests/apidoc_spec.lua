-- The API reference (make docs): LDoc builds it from the sources with no
-- warning, and every public function — each function of a module that
-- config.ld lists, and each method of the objects quarry hands out — is in
-- it with a summary, its parameters and what it returns.
local quarry = require "quarry"
local core = require "quarry.core"
local support = require "tests.support"

-- Runs ldoc in the checkout with extra arguments; returns its output.
local function ldoc(args)
   local out = support.tmpdir()
   local p = assert(io.popen("LUA_PATH='./?.lua;;' ldoc -d " .. out .. " " .. args .. " . 2>&1"))
   local text = p:read("a")
   p:close()
   return text
end

-- The Lua modules config.ld lists, by name.
local function listed_modules()
   local names = {}
   for path in support.read("config.ld"):gmatch('"(lua/quarry/[^"]+%.lua)"') do
      names[#names + 1] = path:gsub("^lua/", ""):gsub("%.lua$", ""):gsub("/init$", ""):gsub("/", ".")
   end
   return names
end

-- The methods of an object's class: its metatable's __index table, or
-- (quarry.Tokens, whose __index is a C function) the table it looks in.
local function methods(obj)
   local index = debug.getmetatable(obj).__index
   if type(index) == "function" then
      for i = 1, 4 do
         local _, v = debug.getupvalue(index, i)
         if type(v) == "table" and type(v.close) == "function" then index = v break end
      end
   end
   local names = {}
   for k, v in pairs(index) do
      if type(v) == "function" and not k:match("^_") then names[#names + 1] = k end
   end
   table.sort(names)
   return names
end

-- One object of each class the API hands out: class name -> object.
local function objects()
   local reports, base = require "quarry.reports", require "quarry.reports.base"
   local corpus = assert(quarry.open(":memory:"))
   local ctx
   assert(reports.run(corpus, base.new { name = "t", run = function(c) ctx = c; return {} end }, {}))
   local db = assert(core.db_open(":memory:"))
   return {
      Tokens = quarry.tokenize("Talks resumed."),
      Regex = quarry.regex.compile("a"),
      Gazetteer = quarry.gazetteer.new(),
      Db = db,
      Stmt = assert(db:prepare("SELECT 1")),
      WordSet = require("quarry.wordset").new { "said" },
      Set = require("quarry.spanset").new(),
      Corpus = corpus,
      Pack = quarry.rules.load("tests/fixtures/packs/newsroom.lua"),
      Context = ctx,
      PageClutter = require("quarry.page").clutter { { pattern = "^related", role = "related" } },
      Page = require("quarry.page").clutter({}):describe(quarry.tokenize("Talks resumed.")),
      PhraseScanner = require("quarry.phrases").new { heads = { "spokesman" } },
   }
end

describe("the API reference", function()
   local items, by_name

   setup(function()
      items, by_name = {}, {}
      for line in ldoc("--filter tools.ldoc_items.filter"):gmatch("[^\n]+") do
         local mod, name, kind, params, returns, summary = line:match("^(%S+)\t([^\t]+)\t(%S+)\t([^\t]*)\t(%d+)\t(.*)$")
         if mod then
            local item = { mod = mod, name = name, kind = kind, params = params, returns = tonumber(returns),
               summary = summary }
            items[#items + 1] = item
            -- "P.word" in quarry.pattern (whose table is P) is quarry.pattern.word
            by_name[mod .. "." .. (name:match("^[%w_]+%.([%w_]+)$") or name)] = item
            by_name[name] = by_name[name] or item
         end
      end
   end)

   it("builds with no warning", function()
      local out = ldoc("")
      local warnings = {}
      for line in out:gmatch("[^\n]+") do
         if not line:match("^reading configuration from config%.ld$") and not line:match("^output written to ")
            and not line:match("^found master module") and not line:match("^%*%*%*closing section") then
            warnings[#warnings + 1] = line
         end
      end
      assert(#warnings == 0, "LDoc warns:\n" .. table.concat(warnings, "\n"))
      assert.matches("output written to ", out)
   end)

   it("lists every top-level module of lua/quarry in config.ld", function()
      local listed = {}
      for _, name in ipairs(listed_modules()) do listed[name] = true end
      local lfs = require "lfs"
      for file in lfs.dir("lua/quarry") do
         local name = file:match("^(.+)%.lua$")
         if name then
            name = name == "init" and "quarry" or "quarry." .. name
            assert.is_true(listed[name] == true, name .. " is not in config.ld")
         end
      end
   end)

   it("documents every function of the public modules, with what it returns", function()
      local missing = {}
      for _, name in ipairs(listed_modules()) do
         local mod = require(name)
         for k, v in pairs(mod) do
            if type(v) == "function" and not k:match("^_") then
               local item = by_name[name .. "." .. k]
               if not item then
                  missing[#missing + 1] = name .. "." .. k .. ": not documented"
               elseif item.returns == 0 then
                  missing[#missing + 1] = name .. "." .. k .. ": no @return"
               end
            end
         end
      end
      for k, v in pairs(core) do
         if type(v) == "function" then
            local item = by_name["quarry.core." .. k]
            if not item then missing[#missing + 1] = "quarry.core." .. k .. ": not documented"
            elseif item.returns == 0 then missing[#missing + 1] = "quarry.core." .. k .. ": no @return" end
         end
      end
      table.sort(missing)
      assert(#missing == 0, #missing .. " public functions lack documentation:\n" .. table.concat(missing, "\n"))
   end)

   it("documents every method of the objects the API hands out, the C objects too", function()
      local missing = {}
      for class, obj in pairs(objects()) do
         for _, m in ipairs(methods(obj)) do
            local item = by_name[class .. ":" .. m]
            if not item then
               missing[#missing + 1] = class .. ":" .. m .. ": not documented"
            elseif item.returns == 0 then
               missing[#missing + 1] = class .. ":" .. m .. ": no @return"
            elseif item.summary == "" then
               missing[#missing + 1] = class .. ":" .. m .. ": no summary"
            end
         end
      end
      table.sort(missing)
      assert(#missing == 0, #missing .. " methods lack documentation:\n" .. table.concat(missing, "\n"))
   end)

   it("gives the parameters of the C functions whose signature takes any", function()
      -- the C bindings (module quarry.core and its objects) have their signatures in
      -- their summaries ("tokens:span(i) -> ...");
      -- each name between the parentheses has its @param
      local missing = {}
      for _, item in ipairs(items) do
         -- the names outside {...} options and strings: LDoc checks the Lua functions' own arguments
         local args = item.mod == "quarry.core" and item.summary:gsub("%b{}", ""):gsub('%b""', "")
            :match("^[%w_.:]+%(([^)]*)%)")
         if args then
            for name in args:gmatch("[%a_][%w_]*") do
               if not (("," .. item.params .. ","):find("," .. name .. ",", 1, true)) then
                  missing[#missing + 1] = item.mod .. " " .. item.name .. ": no @param " .. name
               end
            end
         end
      end
      assert(#missing == 0, table.concat(missing, "\n"))
   end)
end)
