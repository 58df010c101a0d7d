--- Rule packs: loading, compiling and running extraction rules.
--
-- A pack is a Lua file (or a folder with init.lua) that returns
--
--   { name = "mypack", phases = { phase, ... } }
--
-- A phase is { name = ..., control = "appelt" | "all" | "first", rules = {...} },
-- or a document phase { name = ..., run = function(ctx) ... end }: Lua that
-- sees the whole document at once (ctx.doc, ctx.text, ctx.tokens, ctx.date,
-- ctx.annotations: everything earlier phases kept) and returns the list of
-- annotations the next phases see (nil: ctx.annotations as it left them).
-- A rule is a table with a name and one of
--   pattern = <token pattern>   (see quarry.pattern)
--   regex = "PCRE2 pattern"     (over the document text; named groups are captures)
--   gazetteer = <gazetteer or path>
-- and what it emits: type = "...", span = "capture" (default: the whole
-- match), attrs = { key = "constant" | "$capture" | "$capture.attr" | function(m) },
-- or action = function(m) ... end returning annotations, true (emit the
-- declared one) or nil/false (veto). Optional: priority (default 0),
-- scope ("sentence" | "paragraph" | "document" for token patterns),
-- examples = {{text = ..., expect = {...}}}.
--
-- Each phase sees the tokens and the annotations of earlier phases.
-- Overlaps within a phase are resolved by its control style:
--   appelt (default): higher priority wins, then the longer span, then the
--     earlier start, then the rule declared first;
--   first: left to right, at each token the first rule (in declaration
--     order) that matches there, then on after its end;
--   all: every match is kept.
-- Annotations are tables {type, start, stop, text, rule, attrs}; offsets
-- are 0-based bytes into the document text, stop exclusive.
-- @module quarry.rules
local quarry_core = require "quarry.core"
local P = require "quarry.pattern"
local sandbox = require "quarry.sandbox"
local cjson_decode = require("cjson").decode

local regex_annotations = quarry_core.regex_annotations
local core_class_list, resolve_overlaps = quarry_core.class_list, quarry_core.resolve_overlaps
local complete_annotations = quarry_core.complete_annotations
local emit_annotations, append_kept = quarry_core.emit_annotations, quarry_core.append_kept
local append_declared, append_candidates = quarry_core.append_declared, quarry_core.append_candidates
local declared_candidates = quarry_core.declared_candidates
local gazetteer_rules = quarry_core.gazetteer_rules
local gazetteer_behind = sandbox.gazetteer_behind

local error, ipairs, pairs, pcall, setmetatable, tostring, type, next, require =
   error, ipairs, pairs, pcall, setmetatable, tostring, type, next, require
local string_format = string.format
local math_type, math_floor, math_tointeger = math.type, math.floor, math.tointeger
-- (phase times: the thread's CPU clock, which moves by less than the
-- kernel's tick inside the box's limited call, where os.clock does not)
local cpu_clock = quarry_core.cpu_clock
local debug_getinfo = debug.getinfo

local rules = {}

local function rule_where(rule)
   if rule.where then return rule.where end
   if type(rule.pattern) == "table" and rule.pattern.where then return rule.pattern.where end
   return rule.pack_file or "?"
end

-- The message names the user's file and line (rule_where): no position of
-- quarry's own is added to it.
local function rule_error(rule, msg)
   error(string_format("%s: rule %s: %s", rule_where(rule), type(rule.name) == "string" and rule.name or "?", msg), 0)
end

-- --- the mistakes a pack can make, caught when it loads ------------------------

-- The fields of a rule (rule{} adds where), those compiling records on its
-- copy, and the fields of a phase.
local RULE_FIELDS = { "name", "type", "pattern", "regex", "regex_options", "gazetteer", "gazetteer_options",
   "span", "attrs", "action", "priority", "rank", "scope", "examples", "where" }
local COMPILED_FIELDS = { pack_file = true, order = true, phase = true, needs_match = true, index = true,
   compiled = true }
local PHASE_FIELDS = { "name", "control", "rules", "run", "examples", "where" }

local function set_of(list)
   local s = {}
   for _, k in ipairs(list) do s[k] = true end
   return s
end
local RULE_FIELD, PHASE_FIELD = set_of(RULE_FIELDS), set_of(PHASE_FIELDS)

-- Edits (insertions, deletions, substitutions, swaps of neighbours) from a to b.
local function distance(a, b)
   local d = {}
   for i = 0, #a do d[i] = { [0] = i } end
   for j = 0, #b do d[0][j] = j end
   for i = 1, #a do
      for j = 1, #b do
         local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
         local v = math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
         if i > 1 and j > 1 and a:sub(i, i) == b:sub(j - 1, j - 1) and a:sub(i - 1, i - 1) == b:sub(j, j) then
            v = math.min(v, d[i - 2][j - 2] + 1)
         end
         d[i][j] = v
      end
   end
   return d[#a][#b]
end

-- " (did you mean 'span'?)" for the candidate nearest to word, when near.
local function did_you_mean(word, candidates)
   local best, bd
   for _, c in ipairs(candidates) do
      local d = distance(word, c)
      if not bd or d < bd then best, bd = c, d end
   end
   if bd and bd <= math.max(1, #word // 3) then return string_format(" (did you mean '%s'?)", best) end
   return ""
end

local function sorted_keys(t)
   local keys = {}
   for k in pairs(t) do keys[#keys + 1] = k end
   table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
   return keys
end

-- A field a rule does not have is a typo (spn = "name"): the rule would
-- compile and quietly do less.
local function check_rule_fields(rule)
   -- before anything reaches the C matcher, which takes them as strings
   if rule.name ~= nil and type(rule.name) ~= "string" then rule_error(rule, "name must be a string") end
   if rule.type ~= nil and type(rule.type) ~= "string" then rule_error(rule, "type must be a string") end
   -- (the first wrong field in sorted order is named: sorted only when one is)
   local wrong = false
   for k in pairs(rule) do
      if type(k) ~= "string" or not (RULE_FIELD[k] or COMPILED_FIELDS[k]) then wrong = true break end
   end
   if not wrong then return end
   for _, k in ipairs(sorted_keys(rule)) do
      if type(k) ~= "string" then
         rule_error(rule, string_format("a value without a field name (%s): write name = value", tostring(rule[k])))
      elseif not RULE_FIELD[k] and not COMPILED_FIELDS[k] then
         rule_error(rule, string_format("unknown field '%s'%s", k, did_you_mean(k, RULE_FIELDS)))
      end
   end
end

-- Whether pattern q holds an annotation unit (P.ann); memo: node -> that.
local function holds_ann(q, memo)
   if type(q) ~= "table" then return false end
   local h = memo[q]
   if h == nil then
      h = q.t == "ann" or holds_ann(q.p, memo)
      for _, x in ipairs(not h and type(q.list) == "table" and q.list or {}) do
         if holds_ann(x, memo) then h = true break end
      end
      memo[q] = h
   end
   return h
end

-- The captures of a pattern: name -> whether it holds an annotation unit
-- (P.ann), whose attrs "$name.attr" reads. memo (for one compile: caps,
-- node -> its captures; ann, as holds_ann's): the sub-patterns rules share
-- are walked once. What it returns is only read.
local function pattern_captures(p, memo)
   if type(p) ~= "table" then return {} end
   local out = memo.caps[p]
   if out then return out end
   out = {}
   if p.t == "cap" and type(p.name) == "string" then out[p.name] = holds_ann(p.p, memo.ann) end
   local parts = { p.p }
   for _, x in ipairs(type(p.list) == "table" and p.list or {}) do parts[#parts + 1] = x end
   for _, x in ipairs(parts) do
      for name, h in pairs(pattern_captures(x, memo)) do out[name] = out[name] or h end
   end
   memo.caps[p] = out
   return out
end

-- span and "$capture" / "$capture.attr" in attrs name captures the rule has:
-- caps is name -> whether it holds an annotation.
local function check_captures(rule, caps)
   local function need(cap, what)
      if caps[cap] == nil then
         rule_error(rule, string_format("%s: the rule has no capture '%s'%s", what, cap,
            did_you_mean(cap, sorted_keys(caps))))
      end
   end
   if type(rule.span) == "string" then need(rule.span, string_format('span = "%s"', rule.span)) end
   if type(rule.attrs) ~= "table" then return end
   for _, k in ipairs(sorted_keys(rule.attrs)) do
      local v = rule.attrs[k]
      if type(v) == "string" then
         local what = string_format('attrs.%s = "%s"', tostring(k), v)
         local cap = v:match("^%$([%w_]+)%.[%w_]+$")
         if cap then
            need(cap, what)
            if not caps[cap] then
               rule_error(rule, string_format('%s: capture \'%s\' holds no annotation (P.ann), so it has no attrs; '
                  .. '"$%s" is its text', what, cap, cap))
            end
         else
            cap = v:match("^%$([%w_]+)$")
            if cap and cap ~= "match" then need(cap, what) end
         end
      end
   end
end

-- The line of a pack file where a phase's field is written (control =
-- "apelt"), for a message: phases have no rule{} to record it.
local function line_of(file, field, value)
   local f = type(file) == "string" and io.open(file, "rb")
   if not f then return nil end
   local n, found = 0, nil
   for line in f:lines() do
      n = n + 1
      if line:find(field, 1, true)
         and (line:find('"' .. value .. '"', 1, true) or line:find("'" .. value .. "'", 1, true)) then
         found = n
         break
      end
   end
   f:close()
   return found
end

-- A phase's message: "file[:line]: phase NAME: problem".
local function phase_error(def, phase, msg, line)
   error(string_format("%s%s: phase %s: %s", def.file or "pack", line and (":" .. line) or "", phase.name, msg), 0)
end

local control_styles = { appelt = true, all = true, first = true }

-- A phase's fields and control style (ph: as the pack wrote it).
local function check_phase(def, ph, phase)
   for _, k in ipairs(sorted_keys(ph)) do
      if type(k) == "string" and not PHASE_FIELD[k] then
         phase_error(def, phase, string_format("unknown field '%s'%s", k, did_you_mean(k, PHASE_FIELDS)),
            line_of(def.file, k, tostring(ph[k])))
      end
   end
   if not control_styles[phase.control] then
      local given = tostring(phase.control)
      phase_error(def, phase, string_format("control must be appelt, first or all, not '%s'%s", given,
         did_you_mean(given, { "appelt", "first", "all" })), line_of(def.file, "control", given))
   end
end

-- --- loading -------------------------------------------------------------

-- Loading code calls no method and no field a pack could have reached.
local string_find, string_gsub, string_match, string_sub = string.find, string.gsub, string.match, string.sub
local lfs_attributes = require("lfs").attributes

-- Modules an untrusted pack may require; each pack gets its own instance.
local PACK_MODULES = { "quarry.pattern", "quarry.regex", "quarry.calendar", "quarry.names", "quarry.sieve",
   "quarry.spanset", "quarry.wordset", "quarry.tense", "quarry.attribution", "quarry.marks", "quarry.phrases",
   "quarry.page", "cjson", "cjson.safe" }

-- require "quarry.rules.<...>" in an untrusted pack: a module file inside
-- the pack's folder, run in the pack's sandbox, once.
local function pack_module(box, name)
   if not string_find(name, "^quarry%.rules%.") then return false end
   local value = box.loaded[name]
   if value == nil then
      local path, err = package.searchpath(name, package.path)
      if not path then error(err, 3) end
      local real = box:path(path, "require '" .. name .. "'", 3, true)
      value = box:load(real, 3, path)(name, path)
      if value == nil then value = true end
      box.loaded[name] = value
   end
   return true, value
end

-- rule{...}: the rule, with where it is written. A C function (see
-- quarry.core.callsite) sees its caller's line even in `return rule{...}`.
local rule_helper = quarry_core.callsite(function(where, t)
   if type(t) ~= "table" then error((where and where .. ": " or "") .. "rule: expected a table", 0) end
   if t.where == nil then t.where = where end
   return t
end)

local function find_pack(name_or_path)
   name_or_path = string_gsub(name_or_path, "(.)/+$", "%1")
   local f, oerr = io.open(name_or_path, "r")
   if not f and oerr and not string_find(oerr, "No such file or directory", 1, true) then
      return nil, oerr       -- there, but unreadable: say so, not "not found"
   end
   if f then
      f:close()
      local init = name_or_path .. "/init.lua"
      local g = io.open(init, "r")
      if g then g:close(); return init, name_or_path end
      return name_or_path, string_match(name_or_path, "^(.*)/[^/]*$") or "."
   end
   local path = package.searchpath("quarry.rules." .. name_or_path, package.path)
   if not path then
      -- one line: what was looked for, not every folder of package.path
      if string_find(name_or_path, "/", 1, true) or string_find(name_or_path, "%.lua$") then
         return nil, name_or_path .. ": no such rule pack (a .lua file, or a folder with init.lua)"
      end
      return nil, string_format("no rule pack '%s': no file or folder of that name here, and no quarry.rules.%s "
         .. "installed (the shipped pack is news)", name_or_path, name_or_path)
   end
   return path, string_match(path, "^(.*)/[^/]*$") or "."
end

-- What a pack's results depend on: its file, or for a folder pack every
-- regular file of the folder (included rules, gazetteers, word lists;
-- sandbox.files never leaves the folder nor reads devices).
local function fingerprint(path, dir)
   local parts = {}
   local function add(p, rel)
      local f = io.open(p, "rb")
      if f then
         parts[#parts + 1] = rel .. "\0" .. (f:read("a") or "")
         f:close()
      end
   end
   if string_find(path, "/init%.lua$") and string_sub(path, 1, #dir) == dir then
      for _, rel in ipairs(sandbox.files(dir)) do add(dir .. "/" .. rel, rel) end
   else
      add(path, string_sub(path, #dir + 2))
   end
   return require("quarry.docs").hash(table.concat(parts, "\0"))
end

local function copy(t)
   local c = {}
   for k, v in next, t do c[k] = v end
   return c
end

-- The pack's tables as quarry keeps them: copies, so that what compile
-- records on a rule (its compiled gazetteer, its order) stays out of the
-- pack's reach.
local function copy_def(def)
   local d = copy(def)
   if type(def.phases) ~= "table" then return d end
   d.phases = {}
   for i, ph in ipairs(def.phases) do
      if type(ph) == "table" then
         ph = copy(ph)
         if type(ph.rules) == "table" then
            local list = {}
            for j, r in ipairs(ph.rules) do list[j] = type(r) == "table" and copy(r) or r end
            ph.rules = list
         end
      end
      d.phases[i] = ph
   end
   return d
end

-- The limits of a pack's documents: the command line's, else the pack's
-- own (an untrusted pack may only lower them), else the defaults.
local function pack_limits(given, declared, trusted)
   local out = {}
   for _, k in ipairs { "steps", "memory" } do
      local user = given and given[k]
      local own = declared and declared[k]
      local default = sandbox.limits(nil)[k]
      if user ~= nil then
         out[k] = user
      elseif own ~= nil and (trusted or (own ~= 0 and (default == 0 or own < default))) then
         out[k] = own
      else
         out[k] = default
      end
   end
   return out
end

-- Runs the pack's file and checks what it returns (under box:run): its
-- definition, a copy quarry keeps, and the limits the pack declares.
local function read_def(box, chunk, path, name)
   local def = chunk()
   if type(def) ~= "table" then error(path .. ": a rule pack must return a table", 0) end
   box:check_plain(def, path)
   def = copy_def(def)
   def.file = def.file or path
   def.name = def.name or name
   local declared = def.limits
   if declared ~= nil then
      local ok, checked = pcall(sandbox.limits, declared)
      if not ok then error(path .. ": " .. tostring(checked), 0) end
      declared = checked
      -- what the pack set, not the defaults filling the rest
      for k in pairs(checked) do if def.limits[k] == nil then checked[k] = nil end end
   end
   return def, declared
end

-- Where a definition came from, for compiling it: its sandbox, its
-- quarry.pattern and its declared limits (kept out of the pack's reach).
local origins = setmetatable({}, { __mode = "k" })

local pack_include

-- The folder of the packs quarry ships, as realpath(3) gives it: rules/
-- next to this file, quarry's own installed modules (nil when this file
-- was not loaded from one).
local SHIPPED_DIR
do
   local here = string_match(debug_getinfo(1, "S").source, "^@(.*)/rules%.lua$")
   SHIPPED_DIR = here and quarry_core.realpath(here .. "/rules")
end

-- Whether the file or folder at path really is (symbolic links resolved)
-- SHIPPED_DIR or under it.
local function inside_shipped(path)
   local real = quarry_core.realpath(path)
   return SHIPPED_DIR ~= nil and real ~= nil
      and (real == SHIPPED_DIR or string_sub(real, 1, #SHIPPED_DIR + 1) == SHIPPED_DIR .. "/")
end

-- Whether the pack whose file is path and folder dir is one quarry ships:
-- both really are under SHIPPED_DIR (the folder too, as the pack includes
-- and reads the files of its folder: a link in a user's folder to the
-- news pack's init.lua does not make that folder's files quarry's). Where
-- it was found from, and what it says of itself, do not count: a file
-- named quarry/rules/NAME.lua on another folder of package.path is not one.
local function shipped(path, dir)
   return inside_shipped(path) and inside_shipped(dir)
end

-- A new sandbox for a pack whose file is path and folder dir; share: the
-- box of the pack that includes it, whose module instances it shares (one
-- quarry.pattern for the patterns of both). A pack quarry ships counts its
-- step budget by the CPU clock (sandbox.new's clock), any other pack by
-- instructions; a pack included runs in the including pack's box, and
-- counts as it does.
local function pack_box(path, dir, name, opts, share)
   local clock
   if share then clock = share.clock else clock = shipped(path, dir) end
   local box = sandbox.new { kind = "rule pack", name = name, root = dir, trusted = opts.trusted,
      limits = share and share.limits or sandbox.limits(opts.limits, 3), modules = PACK_MODULES,
      require = pack_module, include = pack_include, files = true, globals = { rule = rule_helper },
      instances = share and share.instances, clock = clock }
   box.env.P = opts.trusted and P or box:module("quarry.pattern")
   box.packs = {}   -- the definitions of the packs it includes
   return box
end

-- The definition of the pack at path, read in box (under box:run): with
-- its fingerprint, what changes when its files (or those of the packs it
-- includes) do; corpus:extract reruns documents whose spans came from
-- another version.
local function definition_in(box, path, dir, name)
   local def, declared = read_def(box, box:load(path, 3), path, name)
   local fp = fingerprint(path, dir)
   if #box.packs > 0 then
      local parts = { fp }
      for _, inc in ipairs(box.packs) do parts[#parts + 1] = inc.fingerprint end
      fp = require("quarry.docs").hash(table.concat(parts, "\0"))
   end
   def.fingerprint = fp
   origins[def] = { box = box, pattern = box.env.P, declared = declared, dir = dir }
   return def
end

-- include "news" in a pack with no file news.lua: the shipped pack of that
-- name, to build on (its definition, read in a box of its own folder that
-- shares the including pack's modules).
function pack_include(box, name)
   if not string_match(name, "^[%w_]+$") then return false end
   local own = (box.root or box.dir or ".") .. "/" .. name .. ".lua"
   if lfs_attributes(own, "mode") then return false end
   local path = package.searchpath("quarry.rules." .. name, package.path)
   if not path then return false end
   local dir = string_match(path, "^(.*)/[^/]*$") or "."
   local child = pack_box(path, dir, name, { trusted = box.trusted }, box)
   local def = definition_in(child, path, dir, name)
   box.packs[#box.packs + 1] = def
   return true, def
end

local Pack = {}
Pack.__index = Pack

-- The box and definition of a pack by name or path (level: for errors).
local function open_pack(name_or_path, opts)
   local path, dir = find_pack(name_or_path)
   -- these messages name the pack's file (or say there is none): no position of quarry's is added
   if not path then error(dir, 0) end
   if lfs_attributes(path, "mode") ~= "file" then error(path .. ": a rule pack must be a regular file", 0) end
   local name = string_gsub(string_match(string_gsub(name_or_path, "/+$", ""), "([^/]+)$") or "pack", "%.lua$", "")
   local box = pack_box(path, dir, name, opts)
   local ok, def = pcall(box.run, box, "loading", definition_in, box, path, dir, name)
   if not ok then error(tostring(def), 0) end
   return def
end

--- The definition of a pack before it is compiled: the table its file
-- returns (its phases and rules, and what else it exposes, such as the
-- news pack's `quotes` sieve), with file, name and fingerprint set. Change
-- it, then compile it with rules.load(def). A pack file gets one with
-- `include "news"`.
-- rules.definition(name_or_path [, {trusted, limits}]) -> table; raises
-- "file:line: problem" for a pack that does not load.
-- @param name_or_path string a pack's name or path
-- @param opts table optional: trusted, limits
-- @return table the definition
function rules.definition(name_or_path, opts)
   if type(name_or_path) ~= "string" then error("rules.definition: expected a pack name or path", 2) end
   return open_pack(name_or_path, opts or {})
end

-- Compiles def (under box:run); what quarry reads of a rule later,
-- outside the pack's limits, it makes plain strings now: reading them then
-- runs none of the pack's code.
local function compile_plain(def, cfg)
   local pack = rules.compile(def, cfg)
   for _, r in ipairs(pack.rules) do
      r.where = tostring(rule_where(r))
      if type(r.name) ~= "string" then rule_error(r, "name must be a string") end
      if r.type ~= nil and type(r.type) ~= "string" then rule_error(r, "type must be a string") end
   end
   for _, ph in ipairs(pack.phases) do ph.where = tostring(ph.where) end
   return pack
end

-- Compiles a definition that rules.definition read, in its own sandbox.
local function compile_in(def, opts, level)
   local origin = origins[def]
   local box = origin.box
   local cfg = { trusted = box.trusted, step_limit = opts.step_limit, dir = origin.dir, box = box,
      pattern = origin.pattern }
   if opts.limits then box:set_limits(sandbox.limits(opts.limits, level + 1)) end
   local ok, pack = pcall(box.run, box, "loading", compile_plain, def, cfg)
   if not ok then error(tostring(pack), 0) end
   pack.version = pack.version or def.fingerprint
   pack.fingerprint = def.fingerprint
   pack.box = box
   box:set_limits(pack_limits(opts.limits, origin.declared, box.trusted))
   return pack
end

--- Loads a pack by name (quarry.rules.NAME on package.path), path, or
-- definition (rules.definition). opts.trusted lets it use os, io and any
-- module; opts.limits = {steps, memory} caps each call of its code
-- (loading, each document; see quarry.sandbox), over the pack's own
-- `limits` and the defaults. Returns the compiled pack, or raises
-- "file:line: rule NAME: problem" for a malformed one.
-- @param name_or_path string a pack's name, or the path of a file or of a folder with init.lua
-- @param opts table optional: trusted (boolean), step_limit (integer: steps a pattern may take from one token)
-- @return table the compiled pack (see Pack)
function rules.load(name_or_path, opts)
   opts = opts or {}
   if type(name_or_path) == "table" then
      if origins[name_or_path] then return compile_in(name_or_path, opts, 2) end
      return rules.compile(name_or_path, opts)
   end
   if type(name_or_path) ~= "string" then error("rules.load: expected a pack name, path or table", 2) end
   return compile_in(open_pack(name_or_path, opts), opts, 2)
end

local function check_attrs(rule)
   if rule.rank ~= nil and type(rule.rank) ~= "number" then rule_error(rule, "rank must be a number") end
   if rule.attrs == nil then return end
   if type(rule.attrs) ~= "table" then rule_error(rule, "attrs must be a table") end
end


local function document_phase_where(fn)
   local info = debug_getinfo(fn, "S")
   return string_format("%s:%d", info.short_src, info.linedefined)
end

-- What a rule's action gets for each match (the type Match below); the
-- matcher makes them (matcher:shape). The methods stay out of a pack's
-- reach: m.__index is nil.
local Match = {}
local MatchMT = { __index = Match, __metatable = "quarry.Match" }

-- A capture's text is cut from the document only when someone reads it.
local Capture = {
   __index = function(c, k)
      if k == "text" then
         local t = c.doc_text:sub(c.start + 1, c.stop)
         rawset(c, "text", t)
         return t
      end
      return nil
   end,
}

-- How the C side makes the annotations of a declared rule (no action, no
-- function in attrs, no "$capture.attr"), or nil when the rule needs Lua:
-- {type, rule, phase, span, attrs = {{key, "const", value} | {key, "cap", ref}
-- | {key, "match"}, ...}} with attrs in the order pairs() gives them, as
-- declared_annotation fills them. cap(name) is the capture's reference for
-- the C side, or nil when the rule has no such capture.
local function emit_spec(rule, phase_name, cap)
   if rule.needs_match or type(rule.type) ~= "string" or type(rule.name) ~= "string"
      or type(phase_name) ~= "string" then
      return nil
   end
   local spec = { type = rule.type, rule = rule.name, phase = phase_name }
   if rule.span ~= nil then
      spec.span = type(rule.span) == "string" and cap(rule.span) or nil
      if spec.span == nil then return nil end
   end
   if rule.attrs then
      local list = {}
      for k, v in pairs(rule.attrs) do
         local item = { k, "const", v }
         if type(v) == "string" and v:sub(1, 1) == "$" then
            if v:match("^%$[%w_]+%.[%w_]+$") then return nil end
            local name = v:match("^%$([%w_]+)$")
            if name == "match" then
               item = { k, "match" }
            elseif name then
               local ref = cap(name)
               item = ref ~= nil and { k, "cap", ref } or nil   -- no such capture: always nil
            end
         end
         list[#list + 1] = item
      end
      spec.attrs = list
   end
   return spec
end

-- The merge list of a pack definition as quarry keeps it: a copy of the
-- strings checked (corpus:extract reads it once the pack's calls are over,
-- when the pack could have changed its own tables); nil when it has none.
local function merge_list(def)
   local merge = def.merge and {}
   for i, m in ipairs(def.merge or {}) do
      if type(m) ~= "table" or type(m.type) ~= "string" or type(m.key) ~= "string" or type(m.name) ~= "string"
         or not m.key:match("^[%w_]+$") or not m.name:match("^[%w_]+$")
         or (m.like ~= nil and type(m.like) ~= "string") then
         error(string_format("%s: merge %d needs type, key and name (attr names)", def.file or "pack", i), 0)
      end
      merge[i] = { type = m.type, key = m.key, name = m.name, like = m.like }
   end
   return merge
end

-- Compiles rule number ri of a phase into phase (what the phase compiles
-- to) and pack; seen: the rule names taken so far; caps_memo: the
-- compile's memo of pattern_captures.
local function compile_rule(def, opts, pack, phase, compiler, seen, ri, rule, caps_memo)
   if type(rule) ~= "table" then
      error(string_format("%s: phase %s: rule %d is not a table", def.file or "pack", phase.name, ri), 0)
   end
   rule.pack_file = def.file
   check_rule_fields(rule)
   rule.name = rule.name or string_format("%s.%d", phase.name, ri)
   if seen[rule.name] then rule_error(rule, "a rule of that name already exists") end
   seen[rule.name] = true
   rule.order = #pack.rules + 1
   rule.priority = rule.priority or 0
   rule.phase = phase.name
   check_attrs(rule)
   rule.needs_match = rule.action ~= nil
   for _, v in pairs(rule.attrs or {}) do
      if type(v) == "function" then rule.needs_match = true end
   end
   if rule.action ~= nil and type(rule.action) ~= "function" then
      rule_error(rule, "action must be a function")
   end
   if not rule.action and not rule.type then rule_error(rule, "needs a type or an action") end
   local kinds = (rule.pattern and 1 or 0) + (rule.regex and 1 or 0) + (rule.gazetteer and 1 or 0)
   if kinds ~= 1 then rule_error(rule, "needs exactly one of pattern, regex or gazetteer") end
   if rule.pattern then
      local ok, err = pcall(function()
         rule.index = compiler:add(rule.name, rule.pattern, { scope = rule.scope })
      end)
      if not ok then
         -- quarry's own file:line is no help to the pack's author
         err = tostring(err):gsub("^[^\n:]-quarry/[%w_/]+%.lua:%d+: ", "")
         -- it names the pattern's file:line; add the rule's
         if err:match("^rule [^:]+: ") then error(rule_where(rule) .. ": " .. err, 0) end
         rule_error(rule, err)
      end
      check_captures(rule, pattern_captures(rule.pattern, caps_memo))
      phase.token_rules[rule.index] = rule
   elseif rule.regex then
      if type(rule.regex) ~= "string" then rule_error(rule, "regex must be a string") end
      local ok, re = pcall(quarry_core.regex, rule.regex, rule.regex_options)
      if not ok then rule_error(rule, tostring(re)) end
      local groups = {}
      for _, g in ipairs(re:names()) do groups[g] = false end
      check_captures(rule, groups)
      rule.compiled = re
      phase.regex_specs[rule] = emit_spec(rule, phase.name, function(name) return name end)
      phase.regex_rules[#phase.regex_rules + 1] = rule
   else
      local g = rule.gazetteer
      if type(g) == "string" or (type(g) == "table" and not g.match) then
         if type(g) == "string" and opts.box then
            -- a file of the pack's folder (quarry.sandbox checks where it leads)
            local ok, path = pcall(opts.box.path, opts.box, g, "gazetteer")
            if not ok then rule_error(rule, tostring(path)) end
            g = path
         elseif type(g) == "string" and not g:match("^/") and opts.dir then
            g = opts.dir .. "/" .. g
         end
         local ok, loaded, lerr = pcall(require("quarry.gazetteer").load, g, rule.gazetteer_options)
         if not ok then rule_error(rule, tostring(loaded)) end
         if not loaded then rule_error(rule, tostring(lerr)) end
         g = loaded
      end
      check_captures(rule, {})
      rule.compiled = g
      phase.gaz_rules[#phase.gaz_rules + 1] = rule
   end
   phase.rules[#phase.rules + 1] = rule
   pack.rules[#pack.rules + 1] = rule
end

--- Compiles a pack definition (the table a pack file returns).
-- @param def table the pack definition {name, phases, merge}
-- @param opts table optional: file (where the pack was written, for messages), step_limit
-- @return table the compiled pack
function rules.compile(def, opts)
   opts = opts or {}
   if type(def.phases) ~= "table" or #def.phases == 0 then
      error((def.file or "pack") .. ": a rule pack needs a non-empty 'phases' list", 0)
   end
   if def.merge ~= nil and type(def.merge) ~= "table" then
      error((def.file or "pack") .. ": 'merge' must be a list of {type, key, name}", 0)
   end
   local merge = merge_list(def)
   local pack = setmetatable({ name = def.name or "pack", file = def.file, phases = {}, rules = {}, merge = merge,
      version = def.version and tostring(def.version) or def.fingerprint }, Pack)
   if type(pack.name) ~= "string" then error((def.file or "pack") .. ": the pack's name must be a string", 0) end
   local seen, caps_memo = {}, { caps = {}, ann = {} }
   for pi, ph in ipairs(def.phases) do
      if type(ph) ~= "table" or (type(ph.rules) ~= "table" and type(ph.run) ~= "function") then
         error(string_format("%s: phase %d needs a 'rules' list or a 'run' function", def.file or "pack", pi), 0)
      end
      if ph.rules ~= nil and ph.run ~= nil then
         error(string_format("%s: phase %d has both 'rules' and 'run'", def.file or "pack", pi), 0)
      end
      local phase = { name = ph.name or ("phase" .. pi), control = ph.control or "appelt",
         token_rules = {}, regex_rules = {}, gaz_rules = {}, rules = {}, regex_specs = {}, gaz_native = {} }
      if type(phase.name) ~= "string" then
         error(string_format("%s: phase %d: name must be a string", def.file or "pack", pi), 0)
      end
      check_phase(def, ph, phase)
      phase.run = ph.run
      phase.examples = ph.examples
      phase.where = ph.where or (ph.run and document_phase_where(ph.run)) or def.file
      local compiler = (opts.pattern or P).compiler()   -- the pack's own quarry.pattern
      for ri, rule in ipairs(ph.rules or {}) do
         compile_rule(def, opts, pack, phase, compiler, seen, ri, rule, caps_memo)
      end
      if next(phase.token_rules) then
         local ok, m = pcall(compiler.build, compiler, { step_limit = opts.step_limit })
         if not ok then error(tostring(m), 0) end
         phase.matcher = m
         phase.compiler = compiler
         -- declared rules: the matcher makes their annotations
         -- the others: the matcher makes their Match objects
         for index, rule in pairs(phase.token_rules) do
            local cr = compiler.rules[index]
            local spec = emit_spec(rule, phase.name, function(name) return cr.cap_ids[name] end)
            if spec then m:declare(index, spec)
            else m:shape(index, { name = rule.name, caps = cr.caps, match = MatchMT, capture = Capture }) end
         end
      end
      pack.phases[#pack.phases + 1] = phase
   end
   return pack
end

-- --- running ---------------------------------------------------------------

-- Token span of a byte span: the tokens it touches (nil when none).
local function token_span(toks, start, stop)
   return toks:cover(start, stop)
end
rules.token_span = token_span

--- The tokens a byte span touches: rules.token_span(toks, start, stop) -> first, last.
-- @function token_span
-- @param toks quarry.Tokens the document's tokens
-- @param start integer the span's start (0-based byte)
-- @param stop integer the span's end (exclusive)
-- @return integer the first token (1-based), or nil when the span touches none
-- @return integer the last token

--- Which candidates of a phase survive its overlap control:
-- rules.resolve(phase, cands, crules, cstarts [, deferred]) -> kept (used by pack:run; exposed for its specs).
-- @function resolve
-- @param phase table the compiled phase (its control: "appelt", "first" or "all")
-- @param cands table the candidate annotations {type, start, stop, ...}
-- @param crules table the rule of each candidate
-- @param cstarts table where each candidate's match starts
-- @param deferred userdata optional: the annotations the phase's matcher deferred (a
-- candidate that is a number is one of them)
-- @return table the indexes of the candidates kept, in order

local function attrs_match(want, have)
   if not want then return true end
   if not have then return false end
   for k, v in pairs(want) do
      if have[k] ~= v then return false end
   end
   return true
end

-- The flat annotation list of a phase's classes (quarry.core.class_list),
-- packed: the matcher reads it as it is.
local function class_list(phase, toks, anns)
   local compiler = phase.compiler
   if not compiler or #compiler.classes == 0 then return nil end
   return core_class_list(compiler.classes, toks, anns, true)
end

--- What a rule's action gets for each match: m.start, m.stop, m.caps
-- (name -> {start, stop, text, first, last, units}), m.units, m.tokens, m.doc.
-- @type Match

--- The text of a capture (or of the whole match).
-- @param name string optional: a capture's name
-- @return string the capture's text, or the whole match's; nil for a capture that took no part
function Match:text(name)
   if not name then return self.doc_text:sub(self.start + 1, self.stop) end
   local c = self.caps[name]
   return c and c.text
end

local function capture_value(m, spec)
   local name, attr = spec:match("^%$([%w_]+)%.([%w_]+)$")
   if name then
      local c = m.caps[name]
      if not c then return nil end
      for _, u in ipairs(c.units or {}) do
         if u.attrs and u.attrs[attr] ~= nil then return u.attrs[attr] end
      end
      return nil
   end
   name = spec:match("^%$([%w_]+)$")
   if name then
      if name == "match" then return m:text() end
      local c = m.caps[name]
      return c and c.text
   end
   return spec
end

local function declared_annotation(rule, m)
   local start, stop = m.start, m.stop
   if rule.span then
      local c = m.caps[rule.span]
      if not c then return nil end     -- the span's capture took no token
      start, stop = c.start, c.stop
   end
   local attrs
   if rule.attrs then
      attrs = {}
      for k, v in pairs(rule.attrs) do
         if type(v) == "string" and v:sub(1, 1) == "$" then attrs[k] = capture_value(m, v)
         elseif type(v) == "function" then attrs[k] = v(m)
         else attrs[k] = v end
      end
   end
   return { type = rule.type, start = start, stop = stop, attrs = attrs }
end

-- The message of an error a pack's code raised, as the pack's code (under
-- its limits): an error object's __tostring may loop (the limit's error is
-- then the message), fail, or return no string.
local function error_text(e)
   if type(e) == "string" then return e end
   local ok, s = pcall(tostring, e)
   if type(s) ~= "string" then s = "?" end
   return ok and s or "(an error object whose __tostring failed: " .. s .. ")"
end

local function call_action(rule, m)
   local ok, res = pcall(rule.action, m)
   if not ok then
      local info = debug_getinfo(rule.action, "S")
      error(string_format("%s:%d: rule %s: action failed: %s", info.short_src, info.linedefined, rule.name,
         error_text(res)), 0)
   end
   return res
end

-- Raises what is wrong with an annotation of rule's (quarry.core.emit_annotations'
-- problem; start and stop as given) in a text of size bytes.
local function check_failed(rule, problem, size, start, stop)
   if problem == "numbers" then
      rule_error(rule, "an action must return annotations with numeric start and stop")
   elseif problem == "span" then
      rule_error(rule, string_format("an annotation needs integer start <= stop within the text (0 to %d bytes), "
         .. "not start %s, stop %s", size, tostring(start), tostring(stop)))
   end
   rule_error(rule, problem == "no type" and "an annotation from the action has no type" or "an annotation's type must "
      .. "be a string")
end

-- An annotation of a match's, checked: byte offsets within the text (the
-- action, or a function in attrs, may have changed m.start, m.stop or a
-- capture's with rawset, or returned any numbers) and a type.
local function checked(rule, a, size)
   local start, stop = a.start, a.stop
   if math_type(start) == "float" and start == math_floor(start) then start = math_tointeger(start) end
   if math_type(stop) == "float" and stop == math_floor(stop) then stop = math_tointeger(stop) end
   if math_type(start) ~= "integer" or math_type(stop) ~= "integer" or start < 0 or stop < start or stop > size then
      check_failed(rule, "span", size, a.start, a.stop)
   end
   if type(a.type) ~= "string" then check_failed(rule, a.type == nil and "no type" or "type") end
   a.start, a.stop = start, stop
   return a
end

-- Candidates of one match: the annotations its rule emits (those an
-- action returns checked in C: quarry.core.emit_annotations).
local function emit(rule, m, out)
   local res = true
   if rule.action then res = call_action(rule, m) end
   local size = #m.doc_text
   if res == true then
      local a = declared_annotation(rule, m)
      if a then out[#out + 1] = checked(rule, a, size) end
   elseif type(res) == "table" then
      local problem, start, stop = emit_annotations(res, out, size, rule.type)
      if problem then check_failed(rule, problem, size, start, stop) end
   elseif res ~= nil and res ~= false then
      rule_error(rule, "an action returns annotations, true, or nil/false to veto")
   end
end

local function make_match(rule, doc_text, toks, start, stop, first, last, caps, units)
   return setmetatable({ rule = rule.name, doc_text = doc_text, tokens = toks, start = start, stop = stop,
      first = first, last = last, caps = caps or {}, units = units or {} }, MatchMT)
end

-- The candidates a match of rule adds (hit: start, stop, first, last,
-- caps, units, raw_start, raw_stop); crules and cstarts record each one's
-- rule and where its match starts, for overlap resolution.
local function add_candidates(rule, ctx, hit, cands, crules, cstarts)
   local before = #cands
   if rule.needs_match then
      local m = make_match(rule, ctx.text, ctx.tokens, hit.start, hit.stop, hit.first, hit.last, hit.caps, hit.units)
      m.raw_start, m.raw_stop = hit.raw_start, hit.raw_stop
      m.doc = ctx.doc
      emit(rule, m, cands)
   else
      -- a declared rule needs no match object: the annotation straight away
      hit.doc_text, hit.text = ctx.text, Match.text
      local a = declared_annotation(rule, hit)
      if a then cands[#cands + 1] = a end
   end
   for i = before + 1, #cands do crules[i], cstarts[i] = rule, hit.start end
end

-- The candidates of a phase's token rules: cands, crules (the rule of
-- each) and cstarts (where its match starts), new lists the phase's other
-- rules append to; and deferred: a phase that resolves overlaps has the
-- matcher defer its declared rules' annotations (a candidate is then the
-- number of one there), made only when kept (quarry.core.append_kept).
local function run_token_rules(phase, ctx, anns)
   local toks = ctx.tokens
   local keep_all = phase.control == "all"
   local ok, matches, mrules, mstarts, deferred = pcall(phase.matcher.run, phase.matcher, toks,
      class_list(phase, toks, anns), { text = ctx.text, doc = ctx.doc, annotations = anns }, not keep_all)
   if not ok then error(tostring(matches):gsub("^rule (%S+):", function(name)
      for _, r in pairs(phase.token_rules) do
         if r.name == name then return rule_where(r) .. ": rule " .. name .. ":" end
      end
      return "rule " .. name .. ":"
   end), 0) end
   local token_rules = phase.token_rules
   -- the annotations the matcher made of declared rules go in as they are
   -- (in C, up to the next Match; the matcher's own lists when there is
   -- none); a phase that keeps every candidate needs no rule and start
   -- for them
   local cands, crules, cstarts, k = declared_candidates(matches, mrules, mstarts, token_rules, keep_all)
   while k do
      -- a Match the matcher made (matcher:shape)
      local m, rule, n = matches[k], token_rules[mrules[k]], #cands
      if rule.needs_match then
         emit(rule, m, cands)
      else
         local a = declared_annotation(rule, m)
         if a then cands[n + 1] = a end
      end
      for i = n + 1, #cands do crules[i], cstarts[i] = rule, mstarts[k] end
      k = append_declared(cands, crules, cstarts, matches, mrules, mstarts, token_rules, k + 1, keep_all)
   end
   return cands, crules, cstarts, deferred
end

local function run_regex_rules(phase, ctx, cands, crules, cstarts)
   local toks, text = ctx.tokens, ctx.text
   for _, rule in ipairs(phase.regex_rules) do
      local spec = phase.regex_specs[rule]
      if spec then
         -- a declared rule: its annotations made in C
         local list, starts = regex_annotations(rule.compiled, text, toks, spec)
         if not list then   -- level 0: the message names the pack's file:line, not this one
            error(string_format("%s: rule %s: regex failed: %s", rule_where(rule), rule.name or "?",
               tostring(starts)), 0)
         end
         append_candidates(cands, crules, cstarts, list, rule, starts, phase.control == "all")
         goto next_rule
      end
      local found, err = rule.compiled:find_all(text)
      if not found then   -- level 0: the message names the pack's file:line, not this one
         error(string_format("%s: rule %s: regex failed: %s", rule_where(rule), rule.name or "?", tostring(err)), 0)
      end
      for _, hit in ipairs(found) do
         local s, e = hit.start, hit.stop
         local first, last = token_span(toks, s, e)
         if first then
            local ms = toks:span(first)
            local _, me = toks:span(last)
            local caps = {}
            for name, span in pairs(hit.captures or {}) do
               if type(name) == "string" and span[2] > span[1] then
                  local cf, cl = token_span(toks, span[1], span[2])
                  if cf then
                     local cs = toks:span(cf)
                     local _, ce = toks:span(cl)
                     caps[name] = setmetatable({ start = cs, stop = ce, first = cf, last = cl, doc_text = text,
                        raw_start = span[1], raw_stop = span[2] }, Capture)
                  end
               end
            end
            add_candidates(rule, ctx, { start = ms, stop = me, first = first, last = last, caps = caps,
               raw_start = s, raw_stop = e }, cands, crules, cstarts)
         end
      end
      ::next_rule::
   end
end

-- The cache of a gazetteer rule's decoded entry attrs: entry id -> the
-- table, or false when the entry's attrs do not decode to one.
local function entry_cache(rule)
   local cache = rule.entry_attrs
   if not cache then
      cache = {}
      rule.entry_attrs = cache
   end
   return cache
end

-- A gazetteer entry's own attrs (its TSV column or list item's attrs)
-- join the annotation's name and category; decoded once per entry.
local function merge_entry_attrs(rule, a)
   local cache = entry_cache(rule)
   local extra = cache[a.entry]
   if extra == nil then
      local _, _, json = rule.compiled:entry(a.entry)
      local ok, decoded = pcall(cjson_decode, json or "")
      extra = ok and type(decoded) == "table" and decoded or false
      cache[a.entry] = extra
   end
   a.entry = nil
   if extra then
      local attrs = a.attrs
      for k, v in pairs(extra) do
         if attrs[k] == nil then attrs[k] = v end
      end
   end
end

-- How a plain gazetteer rule (no action, attrs nor span) matches in C,
-- when quarry made its gazetteer (a quarry.Gazetteer, or the view
-- box:gazetteer gives a pack): {gazetteer, match = the view's own match,
-- opts = the options, made once, which go to C only}; false otherwise.
-- The C side decodes the attrs of an entry the cache lacks (decode, called
-- protected), as merge_entry_attrs does.
local function native_gazetteer(phase, rule, all)
   local native = phase.gaz_native[rule]
   if native == nil then
      local g, match = rule.compiled, nil
      if type(g) ~= "userdata" then g, match = gazetteer_behind(g) end
      native = g and not (rule.needs_match or rule.attrs or rule.span) and { gazetteer = g, match = match,
         opts = { all = all, annotate = rule.type, rule = rule.name, phase = phase.name, rank = rule.rank,
            entry_attrs = entry_cache(rule), decode = cjson_decode } } or false
      phase.gaz_native[rule] = native
   end
   return native
end

-- The matches of a gazetteer rule that needs Lua (an action, attrs, a
-- span, or a gazetteer of the pack's own): Match objects, emitted.
local function lua_gaz_rule(phase, rule, ctx, cands, crules, cstarts)
   local toks, text = ctx.tokens, ctx.text
   for _, hit in ipairs(rule.compiled:match(toks, { all = phase.control == "all" })) do
      local before = #cands
      local m = make_match(rule, text, toks, hit.start, hit.stop, hit.first, hit.last, nil, nil)
      m.entry = hit
      m.doc = ctx.doc
      emit(rule, m, cands)
      for i = before + 1, #cands do
         local a = cands[i]
         if not rule.action then
            a.attrs = a.attrs or {}
            if a.attrs.name == nil then a.attrs.name = hit.canonical end
            if a.attrs.category == nil and hit.type and hit.type ~= "" then a.attrs.category = hit.type end
            if hit.attrs then
               a.entry = hit.entry
               merge_entry_attrs(rule, a)
            end
         end
         crules[i], cstarts[i] = rule, hit.start
      end
   end
end

-- The phase's gazetteer rules matched together in C
-- (quarry.core.gazetteer_rules), when each is plain and on a gazetteer
-- quarry made (native_gazetteer), and each view among them still has its
-- own match (a pack may replace it); false otherwise. Made once a phase,
-- with the list of its views (phase.gaz_views), which alone are tested again.
local function gaz_group(phase)
   local group = phase.gaz_group
   if group == nil then
      local all, members, views = phase.control == "all", {}, {}
      for i, rule in ipairs(phase.gaz_rules) do
         local native = phase.gaz_native[rule]
         if native == nil then native = native_gazetteer(phase, rule, all) end
         if not native then
            members = nil
            break
         end
         members[i] = { gazetteer = native.gazetteer, opts = native.opts, rule = rule }
         if native.match then views[#views + 1] = rule end
      end
      group = members ~= nil and gazetteer_rules(members)
      phase.gaz_group, phase.gaz_views = group, views
   end
   if not group then return false end
   local natives = phase.gaz_native
   for _, rule in ipairs(phase.gaz_views) do
      local compiled = rule.compiled
      if not (compiled.match == natives[rule].match and compiled.native) then return false end
   end
   return group
end

local function run_gaz_rules(phase, ctx, cands, crules, cstarts)
   local toks = ctx.tokens
   local all = phase.control == "all"
   local group = gaz_group(phase)
   if group then
      group:candidates(toks, cands, crules, cstarts, all)
      return
   end
   for _, rule in ipairs(phase.gaz_rules) do
      local list, pending
      local native, compiled = phase.gaz_native[rule], rule.compiled
      if native == nil then native = native_gazetteer(phase, rule, all) end
      -- (a view's own match does what the gazetteer's does)
      if native and (not native.match or (compiled.match == native.match and compiled.native)) then
         list, pending = native.gazetteer:match(toks, native.opts)
      elseif rule.needs_match or rule.attrs or rule.span or (type(compiled) ~= "userdata" and not compiled.native) then
         lua_gaz_rule(phase, rule, ctx, cands, crules, cstarts)
      else
         list, pending = compiled:match(toks, { all = all, annotate = rule.type, rule = rule.name,
            phase = phase.name, rank = rule.rank, entry_attrs = entry_cache(rule) })
      end
      -- a plain gazetteer rule: the C side builds the annotations, with
      -- the rank and the entry attrs (a view of the pack's own lists
      -- those whose entry's attrs are still to decode)
      if list then
         if pending then
            for _, k in ipairs(pending) do merge_entry_attrs(rule, list[k]) end
         end
         append_candidates(cands, crules, cstarts, list, rule, nil, all)
      end
   end
end

-- Which candidates a phase keeps: their indexes, by its control style
-- (quarry.core.resolve_overlaps for appelt and first; all keeps them all).
-- crules[i] is the rule of cands[i], cstarts[i] where its match starts;
-- deferred: the annotations the matcher deferred (run_token_rules), or nil.
local function resolve(phase, cands, crules, cstarts, deferred)
   if phase.control ~= "all" then return resolve_overlaps(cands, crules, cstarts, phase.control, deferred) end
   local order = {}
   for i = 1, #cands do order[i] = i end
   return order
end

-- A document phase: its function gets the whole document and the
-- annotations so far (by position), and returns those the next phases see
-- (sorted by position too when sort: the pack's last phase).
local function run_document_phase(phase, ctx, anns, sort)
   ctx.annotations = quarry_core.sort_annotations(anns)
   local ok, out = pcall(phase.run, ctx)
   ctx.annotations = nil
   if not ok then
      error(string_format("%s: phase %s: %s", phase.where, phase.name, error_text(out)), 0)
   end
   if out == nil then out = anns end
   if type(out) ~= "table" then
      error(string_format("%s: phase %s: run must return a list of annotations or nil", phase.where,
         phase.name), 0)
   end
   -- each checked, and given the phase, rule and text it lacks (in C;
   -- sorting them there reads their positions once)
   local bad = complete_annotations(out, ctx.text, phase.name, sort)
   if bad then
      error(string_format("%s: phase %s: annotation %d needs a type and integer start <= stop within the text",
         phase.where, phase.name, bad), 0)
   end
   return out
end

-- A phase of declared rules: the candidates of its token, regex and
-- gazetteer rules, those its control style keeps appended to anns.
local function run_rule_phase(phase, ctx, anns)
   -- a phase of plain gazetteer rules alone: matched, resolved and kept in C
   local group = not phase.matcher and #phase.regex_rules == 0 and #phase.gaz_rules > 0 and gaz_group(phase)
   if group then return group:phase(ctx.tokens, anns, phase.control, phase.name) end
   local cands, crules, cstarts, deferred
   if phase.matcher then cands, crules, cstarts, deferred = run_token_rules(phase, ctx, anns)
   else cands, crules, cstarts = {}, {}, {} end
   if #phase.regex_rules > 0 then run_regex_rules(phase, ctx, cands, crules, cstarts) end
   if #phase.gaz_rules > 0 then run_gaz_rules(phase, ctx, cands, crules, cstarts) end
   -- a phase that keeps every candidate keeps them in order; those kept
   -- get rule, phase and text (annotations made in C come complete) and
   -- their rule's rank, for later document phases (in C)
   local kept = phase.control ~= "all" and resolve(phase, cands, crules, cstarts, deferred)
   return append_kept(anns, cands, crules, kept, ctx.text, phase.name, deferred)
end

-- By start, then longest first, then type: in C, where a Lua comparator
-- was the largest part of the engine's Lua time.
local sort_by_position = quarry_core.sort_annotations

local function run_phases(self, doc, opts)
   local text = doc.text
   local toks = opts.tokens or quarry_core.tokenize(text)
   local ctx = { doc = doc, text = text, tokens = toks, date = doc.date, trace = opts.trace == true or nil }
   local anns = {}
   local times = opts.phase_times
   local clock = times and cpu_clock()
   local phases = self.phases
   local sorted = false
   for i, phase in ipairs(phases) do
      -- (a last document phase sorts what it returns as it completes it)
      sorted = phase.run ~= nil and i == #phases
      if phase.run then anns = run_document_phase(phase, ctx, anns, sorted)
      else anns = run_rule_phase(phase, ctx, anns) end
      if times then
         local now = cpu_clock()
         times[phase.name] = (times[phase.name] or 0) + (now - clock)
         clock = now
      end
   end
   if not opts.tokens then toks:close() end
   if sorted then return anns end
   return sort_by_position(anns)
end

-- A document under the pack's sandbox: the pack sees a copy of it, and
-- what it returns holds no table of its own with a metatable. A pack
-- quarry ships (its box counts by the CPU clock: code quarry ships and
-- tests, never a user's) hands back its annotations as they are: it keeps
-- none of them and shares no table between them (tests/news/isolation_spec.lua),
-- so the copy, 7% of the news pack's instructions, would change nothing.
local function run_boxed(self, doc, opts)
   local anns = run_phases(self, copy(doc), opts)
   if self.box.clock then return anns end
   return self.box:plain_annotations(anns, self.name .. ": the annotations")
end

--- A compiled rule pack, as rules.load returns it: pack.name, pack.phases,
-- pack.rules, and the methods below.
-- @type Pack

--- Runs a compiled pack over one document: pack:run(doc_or_text [, opts])
-- -> list of annotations sorted by start. A loaded pack runs under its
-- limits (quarry.sandbox): past them, it raises "rule pack 'NAME',
-- document 'ID': file:line: ... step limit exceeded ..." (or memory limit).
-- @param doc string|table the text, or a document {text = ..., date = ...}
-- @param opts table optional: tokens (a quarry.Tokens to reuse); phase_times
-- (a table: the CPU seconds of each phase are added to phase_times[name]);
-- trace (true: the phases are asked, as ctx.trace, for a trace of how each
-- annotation was found, a.trace, as quarry explain shows it)
-- @return table the annotations
function Pack:run(doc, opts)
   if type(doc) == "string" then doc = { text = doc } end
   if type(doc) ~= "table" or type(doc.text) ~= "string" then
      error("pack:run: expected a text or a document {text = ...}", 2)
   end
   opts = opts or {}
   if not self.box then return run_phases(self, doc, opts) end
   local id = doc.id
   local what = (type(id) == "string" or math_type(id)) and string_format("document '%s'", id) or "a document"
   return self.box:run(what, run_boxed, self, doc, opts)
end

--- The rules of a pack, in order: pack:list() -> {{name, phase, kind, type, where}}.
-- @return table {{name, phase, kind, type, where}, ...}
function Pack:list()
   local out = {}
   for _, phase in ipairs(self.phases) do
      if phase.run then
         out[#out + 1] = { name = phase.name, phase = phase.name, kind = "document", where = phase.where }
      end
      for _, r in ipairs(phase.rules) do
         out[#out + 1] = { name = r.name, phase = r.phase, type = r.type,
            kind = r.pattern and "pattern" or r.regex and "regex" or "gazetteer", where = rule_where(r) }
      end
   end
   return out
end

local function expect_matches(found, want)
   -- want: {type=, text=, attrs=} tables; each must be among found
   for _, w in ipairs(want) do
      local hit = false
      for _, a in ipairs(found) do
         if (not w.type or a.type == w.type) and (not w.text or a.text == w.text)
            and attrs_match(w.attrs, a.attrs) then
            hit = true
            break
         end
      end
      if not hit then return false, w end
   end
   return true
end

-- A value of an example's expectation as a failure keeps it: a string,
-- number or boolean as it is, anything else as tostring gives it.
local function scalar(v)
   local t = type(v)
   if t == "string" or t == "number" or t == "boolean" then return v end
   return tostring(v)
end

-- An expectation of an example ({type, text, attrs}), made of quarry's own
-- tables and plain values: the failures are read once the pack's call is over.
local function expectation(w)
   if type(w) ~= "table" then return { text = scalar(w) } end
   local out = { type = w.type ~= nil and scalar(w.type) or nil, text = w.text ~= nil and scalar(w.text) or nil }
   if type(w.attrs) == "table" then
      out.attrs = {}
      for k, v in pairs(w.attrs) do out.attrs[scalar(k)] = scalar(v) end
   end
   return out
end

local function test_examples(self)
   local passed, failed, failures = 0, 0, {}
   local owners = {}
   for _, r in ipairs(self.rules) do owners[#owners + 1] = r end
   for _, phase in ipairs(self.phases) do
      if phase.examples then
         owners[#owners + 1] = { name = phase.name, where = phase.where, examples = phase.examples, phase = true }
      end
   end
   for _, r in ipairs(owners) do
      for _, ex in ipairs(r.examples or {}) do
         local found = self:run({ text = ex.text, date = ex.date })
         local mine = {}
         for _, a in ipairs(found) do
            if a.rule == r.name or ex.any_rule or (r.phase == true and a.phase == r.name) then
               mine[#mine + 1] = a
            end
         end
         local ok, missing = expect_matches(mine, ex.expect or {})
         if ok and ex.reject then
            for _, rej in ipairs(ex.reject) do
               if expect_matches(mine, { rej }) then ok, missing = false, { unexpected = rej } end
            end
         end
         if ok then passed = passed + 1
         else
            failed = failed + 1
            missing = missing.unexpected and { unexpected = expectation(missing.unexpected) } or expectation(missing)
            failures[#failures + 1] = { rule = r.name, where = rule_where(r), text = ex.text, missing = missing }
         end
      end
   end
   return passed, failed, failures
end

--- Runs every inline example of the pack's rules:
-- pack:test() -> passed, failed, failures {{rule, where, text, missing}}.
-- A loaded pack runs its examples under its limits, all of them one call
-- (its examples are its own tables: reading them may run its code).
-- @return integer the examples that passed
-- @return integer the examples that failed
-- @return table the failures: {{rule, where, text, missing}, ...}
function Pack:test()
   if not self.box then return test_examples(self) end
   return self.box:run("testing its examples", test_examples, self)
end

rules.Pack = Pack
rules.resolve = resolve
return rules
