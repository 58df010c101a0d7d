--- What the specs share: temporary folders and files, fixtures, error
-- assertions, and running the quarry command line (against the build the
-- suite runs on: QUARRY_CPATH names the ASan build in its run).
local lfs = require "lfs"
local assert = require "luassert"   -- busted's, as in the specs

local support = {}

support.CPATH = os.getenv("QUARRY_CPATH") or "build/?.so"

--- Asserts that fn raises an error mentioning every needle (plain text);
-- returns the message.
function support.raises(fn, ...)
   local ok, err = pcall(fn)
   assert.is_false(ok, "expected an error")
   err = tostring(err)
   for _, needle in ipairs { ... } do
      assert.is_truthy(err:find(needle, 1, true), "error '" .. err .. "' does not mention '" .. needle .. "'")
   end
   return err
end

--- Asserts that string s holds needle (plain text).
function support.has(s, needle)
   assert.is_truthy(s:find(needle, 1, true), "'" .. s .. "' does not contain '" .. needle .. "'")
end

--- The non-empty lines of s, in order.
--- The tokens of a text, and the token number of each word's first
-- occurrence, by key: toks, at = support.tokens_of(text).
function support.tokens_of(text)
   local toks = require("quarry").tokenize(text)
   local at = {}
   for i = 1, #toks do
      local k = toks:key(i)
      at[k] = at[k] or i
   end
   return toks, at
end

function support.lines(s)
   local out = {}
   for line in s:gmatch("[^\n]+") do out[#out + 1] = line end
   return out
end

--- The kind of the page segment (a news pack's "segment" annotation other
-- than a dateline) of anns that holds the first needle (plain text) of
-- text, or nil.
function support.segment_at(anns, text, needle)
   local pos = assert(text:find(needle, 1, true), needle) - 1
   for _, a in ipairs(anns) do
      if a.type == "segment" and a.attrs.kind ~= "dateline" and a.start <= pos and pos < a.stop then
         return a.attrs.kind
      end
   end
end

--- The contents of a file ("" when it cannot be read).
function support.read(path)
   local f = io.open(path, "rb")
   if not f then return "" end
   local s = f:read("a")
   f:close()
   return s
end

function support.write(path, content)
   local f = io.open(path, "wb") or error("cannot write " .. path)
   f:write(content)
   f:close()
end

--- The text of tests/fixtures/NAME.
function support.fixture(name)
   local f = io.open("tests/fixtures/" .. name, "rb") or error("no fixture " .. name)
   local s = f:read("a")
   f:close()
   return s
end

--- Writes dir/name, making the folders on the way; returns the path.
function support.put(dir, name, content)
   local path = dir
   for part in name:gmatch("([^/]+)/") do
      path = path .. "/" .. part
      lfs.mkdir(path)
   end
   support.write(dir .. "/" .. name, content)
   return dir .. "/" .. name
end

--- Removes a file or a folder and everything in it; a symbolic link is
-- removed, never followed (a scratch folder may link into the checkout).
function support.rmtree(path)
   if lfs.symlinkattributes(path, "mode") == "directory" then
      for name in lfs.dir(path) do
         if name ~= "." and name ~= ".." then support.rmtree(path .. "/" .. name) end
      end
      lfs.rmdir(path)
   else
      os.remove(path)
   end
end

local made = {}

--- A new temporary folder, with files { ["a/b.txt"] = "..." } if given;
-- support.cleanup() removes every folder made so far.
function support.tmpdir(files)
   local dir = os.tmpname()
   os.remove(dir)
   assert.truthy(lfs.mkdir(dir))
   made[#made + 1] = dir
   for name, content in pairs(files or {}) do support.put(dir, name, content) end
   return dir
end

function support.cleanup()
   for _, d in ipairs(made) do support.rmtree(d) end
   made = {}
end

--- Runs a shell command to completion: exit code, stdout, stderr (kept
-- apart). input, if given, is the text on its standard input.
function support.run(cmd, input)
   local inf, errf = nil, os.tmpname()
   if input then
      inf = os.tmpname()
      support.write(inf, input)
      cmd = cmd .. " < " .. inf
   end
   local p = io.popen(cmd .. " 2>" .. errf, "r") or error("cannot run " .. cmd)
   local out = p:read("a")
   local _, _, code = p:close()
   local err = support.read(errf)
   os.remove(errf)
   if inf then os.remove(inf) end
   return code, out, err
end

--- Runs bin/quarry CMDLINE to completion: exit code, stdout, stderr.
-- opts.input goes to stdin; opts.path is put in front of LUA_PATH.
function support.quarry(cmdline, opts)
   opts = opts or {}
   local env = "LUA_PATH='" .. (opts.path or "") .. "lua/?.lua;lua/?/init.lua;;' LUA_CPATH='"
      .. support.CPATH .. ";;' "
   return support.run(env .. "lua5.4 bin/quarry " .. cmdline, opts.input)
end

--- Whether the specs run as root (who reads and writes files whatever
-- their mode says).
function support.is_root()
   local p = io.popen("id -u")
   local uid = p:read("a")
   p:close()
   return uid:match("^0%s") ~= nil
end

--- A prefix that runs a command as nobody when the specs run as root, so
-- that a file's mode means what it says; "" for other users.
function support.as_nobody()
   return support.is_root() and "setpriv --reuid=65534 --regid=65534 --clear-groups " or ""
end

--- Runs a shell command; returns its exit code and what it wrote (stdout
-- and stderr together).
function support.sh(cmd)
   local p = io.popen("(" .. cmd .. ") 2>&1")
   local out = p:read("a")
   local _, _, code = p:close()
   return code, out
end

--- Every row of an SQL query on a corpus file (opened read-only), as one
-- string: a row a line, its cells "column=value" sorted by column.
function support.rows(path, sql)
   local c = assert(require("quarry").open(path, { readonly = true }))
   local st = assert(c.db:prepare(sql))
   local rows = {}
   for row in st:rows() do
      local cells = {}
      for k, v in pairs(row) do cells[#cells + 1] = k .. "=" .. tostring(v) end
      table.sort(cells)
      rows[#rows + 1] = table.concat(cells, "|")
   end
   st:close()
   c:close()
   return table.concat(rows, "\n")
end

return support
