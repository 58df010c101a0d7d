--- Worker processes: a job over a stream of items on every core, the
-- results handed back in input order.
--
--   local parallel = require "quarry.parallel"
--   local ok, err = parallel.map {
--      jobs = parallel.cores(), worker = "my.job", config = "...",
--      input = function() return payload, label end,    -- nil at the end
--      result = function(payload, label) ... end,      -- in input order
--      failed = function(message, label) ... end,      -- in input order
--      notice = function(message) ... end,             -- optional
--   }
--
-- Each worker is a fresh Lua interpreter (the one running this, with the
-- same package.path and package.cpath) that requires the module `worker`
-- names ("module", or "module:function") and calls its worker(config)
-- (or that function) -> handler [, info]; handler(payload)
-- -> result (strings both ways) runs once an item. Items go to a worker in
-- batches (up to 32 items, about 64 KB), and its answers come back once a
-- batch, so that the parent wakes once a batch, not once an item. An item
-- whose handler raises is handed to failed with the message. A worker that
-- dies (a crash, kill -9) is replaced; the items it held run again, each
-- alone on a worker (notice hears how it died and what it held), and an
-- item a worker dies on alone is handed to failed with how it died. Items
-- go out only while fewer than `window` are unfinished, and while those
-- not sent yet hold less than 256 KB a worker, so memory stays flat
-- however long the input. SIGINT and SIGTERM stop every worker; map then
-- returns nil, "interrupted", signal.
-- Processes, pipes and signals come from libuv (Debian lua-luv): Debian's
-- luaposix is not built for Lua 5.4.
--
-- The wire: frames of a 13-byte header (kind, item number, length) and
-- the payload, on the worker's fd 0 (in) and fd 3 (out). An item is "D",
-- or "L" when it ends a batch; an answer is "O" (done) or "F" (raised). A
-- worker's fd 1 is the parent's stderr, so nothing a job prints reaches
-- the parent's stdout. `parallel.encode`/`decode` carry Lua values exactly (documents
-- and annotations).
-- @module quarry.parallel
local uv = require "luv"
local cjson_null = require("cjson.safe").null

local error, getmetatable, ipairs, pairs, pcall, require, setmetatable, tostring, type =
   error, getmetatable, ipairs, pairs, pcall, require, setmetatable, tostring, type
local math_type = math.type
local string_pack, string_unpack, string_format = string.pack, string.unpack, string.format
local table_concat = table.concat

local parallel = {}

local HEADER = "<c1I8I4"
local HEADER_SIZE = 13
-- Items go to a worker in batches: at most MAX_BATCH items, about
-- BATCH_BYTES of them; a worker writes its answers back once a batch (or
-- once FLUSH_BYTES of them wait).
local MAX_BATCH, BATCH_BYTES, FLUSH_BYTES = 32, 64 * 1024, 1024 * 1024

--- The number of cores this process may use.
-- @return integer at least 1
function parallel.cores()
   if uv.available_parallelism then return uv.available_parallelism() end
   local cpus = uv.cpu_info()
   return cpus and #cpus or 1
end

-- --- values on the wire ------------------------------------------------------------------

local function put(buf, v)
   local t = type(v)
   if t == "string" then
      buf[#buf + 1] = string_pack("<c1s4", "s", v)
   elseif math_type(v) == "integer" then
      buf[#buf + 1] = string_pack("<c1j", "i", v)
   elseif t == "number" then
      buf[#buf + 1] = string_pack("<c1n", "f", v)
   elseif t == "boolean" then
      buf[#buf + 1] = v and "T" or "F"
   elseif v == nil then
      buf[#buf + 1] = "z"
   elseif v == cjson_null then
      buf[#buf + 1] = "N"
   elseif t == "table" then
      local n = 0
      for _ in pairs(v) do n = n + 1 end
      buf[#buf + 1] = string_pack("<c1I4", "t", n)
      for i = 1, #v do   -- the array part first, in order
         put(buf, i)
         put(buf, v[i])
      end
      for k, x in pairs(v) do
         if math_type(k) ~= "integer" or k < 1 or k > #v then
            put(buf, k)
            put(buf, x)
         end
      end
   else
      error("parallel.encode: cannot send a " .. t, 0)
   end
end

--- parallel.encode(value) -> string: a string, number, boolean, nil,
-- cjson.null or a table of these (no cycles), exactly.
-- @param v the value
-- @return string
function parallel.encode(v)
   local buf = {}
   put(buf, v)
   return table_concat(buf)
end

local function get(s, pos)
   local tag = s:sub(pos, pos)
   pos = pos + 1
   if tag == "s" then return string_unpack("<s4", s, pos)
   elseif tag == "i" then return string_unpack("<j", s, pos)
   elseif tag == "f" then return string_unpack("<n", s, pos)
   elseif tag == "T" then return true, pos
   elseif tag == "F" then return false, pos
   elseif tag == "z" then return nil, pos
   elseif tag == "N" then return cjson_null, pos
   elseif tag == "t" then
      local n
      n, pos = string_unpack("<I4", s, pos)
      local t = {}
      for _ = 1, n do
         local k, x
         k, pos = get(s, pos)
         x, pos = get(s, pos)
         t[k] = x
      end
      return t, pos
   end
   error(string_format("parallel.decode: bad value tag %q at byte %d", tag, pos - 1), 0)
end

--- parallel.decode(string) -> value: what parallel.encode made.
-- @param s string what parallel.encode made
-- @return the value
function parallel.decode(s)
   return (get(s, 1))
end

-- --- the worker's side ---------------------------------------------------------------------

-- Writes all of s to a blocking libuv stream.
local function write_all(out, s)
   while #s > 0 do
      local n, err = uv.try_write(out, s)
      if not n then error("worker: cannot write to the parent: " .. tostring(err), 0) end
      s = s:sub(n + 1)
   end
end

local function send(out, kind, seq, payload)
   write_all(out, string_pack(HEADER, kind, seq, #payload) .. payload)
end

--- Runs in a worker process (started by parallel.map): reads the job,
-- answers items until its input ends, then exits.
-- @return nothing: the worker process exits
function parallel.serve()
   -- Ctrl-C reaches the whole process group: the parent decides, and
   -- stops its workers itself
   local sig = uv.new_signal()
   sig:start("sigint", function() end)
   local input = io.stdin
   -- fd 3 is a socket (libuv's pipes are): written through libuv, blocking
   local out = uv.new_pipe(false)
   assert(out:open(3))
   uv.stream_set_blocking(out, true)
   local function read_frame()
      local head = input:read(HEADER_SIZE)
      if not head or #head < HEADER_SIZE then return nil end
      local kind, seq, len = string_unpack(HEADER, head)
      local payload = len > 0 and input:read(len) or ""
      if not payload or #payload < len then return nil end
      return kind, seq, payload
   end
   local kind, _, job = read_frame()
   if kind ~= "J" then os.exit(1) end
   local name, config = job:match("^([^\0]*)\0(.*)$")
   -- "module" runs module.worker; "module:fn" runs module.fn
   local mod, fn = name:match("^([^:]+):?(.*)$")
   local ok, handler, info = pcall(function() return require(mod)[fn ~= "" and fn or "worker"](config) end)
   if not ok then
      send(out, "E", 0, tostring(handler))
      os.exit(1)
   end
   send(out, "R", 0, info or "")
   -- the answers to a batch go back in one write, when its last item ("L")
   -- is answered: the parent wakes once a batch, not once an item
   local answers, size = {}, 0
   while true do
      local seq, payload
      kind, seq, payload = read_frame()
      if not kind then break end
      local done, res = pcall(handler, payload)
      res = done and (res or "") or tostring(res)
      answers[#answers + 1] = string_pack(HEADER, done and "O" or "F", seq, #res)
      answers[#answers + 1] = res
      size = size + #res
      if kind == "L" or size > FLUSH_BYTES then
         write_all(out, table_concat(answers))
         answers, size = {}, 0
      end
   end
   out:close()
   os.exit(0)
end

-- --- the parent's side -----------------------------------------------------------------------

local BOOT = "require('quarry.parallel').serve()"

-- The environment of a worker: this one's, with this interpreter's module paths.
local function worker_env()
   local env = {}
   local skip = { LUA_PATH = true, LUA_CPATH = true, LUA_PATH_5_4 = true, LUA_CPATH_5_4 = true, LUA_INIT = true,
      LUA_INIT_5_4 = true }
   for k, v in pairs(uv.os_environ()) do
      if not skip[k] then env[#env + 1] = k .. "=" .. v end
   end
   env[#env + 1] = "LUA_PATH_5_4=" .. package.path
   env[#env + 1] = "LUA_CPATH_5_4=" .. package.cpath
   return env
end

-- How a process ended, in words.
local SIGNALS = { [1] = "SIGHUP", [2] = "SIGINT", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL",
   [11] = "SIGSEGV", [13] = "SIGPIPE", [15] = "SIGTERM" }
local function death(code, signal)
   if signal and signal ~= 0 then
      local name = SIGNALS[signal]
      return string_format("was killed by signal %d%s", signal, name and " (" .. name .. ")" or "")
   end
   return string_format("exited with status %d", code or -1)
end

-- Starts worker number n; its events land in the state's tables.
local function spawn(st, n)
   local w = { n = n, held = {}, batches = 0, chunks = {}, size = 0, ready = false, eof = false }
   w.stdin, w.stdout = uv.new_pipe(false), uv.new_pipe(false)
   local handle, pid = uv.spawn(st.exe, {
      args = { "-e", BOOT }, stdio = { w.stdin, 2, 2, w.stdout }, env = st.env,
   }, function(code, signal)
      w.exited, w.code, w.signal = true, code, signal
   end)
   if not handle then
      w.stdin:close()
      w.stdout:close()
      return nil, string_format("cannot start a worker process (%s): %s", st.exe, tostring(pid))
   end
   w.handle, w.pid = handle, pid
   w.stdout:read_start(function(err, chunk)
      if err or not chunk then
         w.eof = true
         if not w.stdout:is_closing() then w.stdout:read_stop() end
      else
         w.chunks[#w.chunks + 1] = chunk
         w.size = w.size + #chunk
      end
   end)
   uv.write(w.stdin, { string_pack(HEADER, "J", 0, #st.job), st.job }, function() end)
   st.workers[n] = w
   return w
end

-- The complete frames a worker sent so far, as {kind, seq, payload}.
local function frames(w)
   local out = {}
   if w.size < HEADER_SIZE then return out end
   local first = w.chunks[1]
   if #first < HEADER_SIZE then
      first = table_concat(w.chunks)
      w.chunks = { first }
   end
   -- a large frame arrives in many reads: join them once it is whole
   local _, _, need = string_unpack(HEADER, first)
   if w.size < HEADER_SIZE + need then return out end
   local buf = #w.chunks == 1 and first or table_concat(w.chunks)
   local pos, size = 1, #buf
   while size - pos + 1 >= HEADER_SIZE do
      local kind, seq, len = string_unpack(HEADER, buf, pos)
      if size - pos + 1 < HEADER_SIZE + len then break end
      out[#out + 1] = { kind, seq, buf:sub(pos + HEADER_SIZE, pos + HEADER_SIZE + len - 1) }
      pos = pos + HEADER_SIZE + len
   end
   local rest = pos > size and "" or buf:sub(pos)
   w.chunks = rest ~= "" and { rest } or {}
   w.size = #rest
   return out
end

local function close_worker(w)
   for _, h in ipairs { w.stdin, w.stdout, w.handle } do
      if h and not h:is_closing() then h:close() end
   end
end

-- Stops every worker still running (SIGTERM, then SIGKILL after a second)
-- and waits for them.
local function stop_all(st, force)
   for _, w in pairs(st.workers) do
      if not w.stdin:is_closing() then w.stdin:close() end
      if force and not w.exited then w.handle:kill("sigterm") end
   end
   local deadline = uv.now() + 1000
   local timer = uv.new_timer()
   timer:start(100, 100, function() end)
   while true do
      local running = false
      for _, w in pairs(st.workers) do
         if not w.exited then running = true end
      end
      if not running then break end
      if uv.now() > deadline then
         for _, w in pairs(st.workers) do
            if not w.exited then w.handle:kill("sigkill") end
         end
         deadline = math.huge
      end
      uv.run("once")
      uv.update_time()
   end
   timer:close()
   for _, w in pairs(st.workers) do close_worker(w) end
   for _, s in ipairs(st.signals) do s:close() end
   uv.run("nowait")
end

-- Hands over, in input order, every item that is finished.
local function deliver(st, opts)
   while st.done[st.next_out] do
      local d = st.done[st.next_out]
      st.done[st.next_out] = nil
      local label = st.labels[st.next_out]
      st.labels[st.next_out] = nil
      st.next_out = st.next_out + 1
      if d[1] then opts.result(d[2], label) else opts.failed(d[2], label) end
   end
end

-- Reads what worker w sent; marks the items it finished. Returns nil,
-- message when a worker cannot start.
local function take(st, w)
   for _, f in ipairs(frames(w)) do
      local kind, seq, payload = f[1], f[2], f[3]
      if kind == "R" then
         w.ready = true
         if not st.info then
            st.info = payload
            if st.on_ready then st.on_ready(payload) end
         end
      elseif kind == "E" then
         return nil, payload
      else
         w.held[seq] = nil
         st.payloads[seq] = nil
         if st.ends[seq] then
            st.ends[seq] = nil
            w.batches, w.alone = w.batches - 1, nil
         end
         st.done[seq] = { kind == "O", payload }
      end
   end
   return true
end

-- A worker that ended: another takes its place. The items it held that
-- went with others in a batch run again, each alone (any of them may
-- have killed it); one that was alone fails, named with how the worker
-- died. notice(message), when given, hears of a death that sends items
-- round again.
local function bury(st, w, notice)
   if not w.ready then
      return nil, string_format("a worker process %s before it was ready", death(w.code, w.signal))
   end
   local lost = {}
   for seq in pairs(w.held) do lost[#lost + 1] = seq end
   table.sort(lost)
   local labels = {}
   for i, seq in ipairs(lost) do labels[i] = tostring(st.labels[seq] or seq) end
   local how = string_format("worker %d (pid %d) %s while it held %s", w.n, w.pid, death(w.code, w.signal),
      table_concat(labels, ", "))
   local again = {}
   for _, seq in ipairs(lost) do
      st.ends[seq] = nil
      if st.alone[seq] or #lost == 1 then
         st.alone[seq] = nil
         st.done[seq] = { false, how }
      else
         st.alone[seq] = true
         again[#again + 1] = { seq, st.payloads[seq] }
         st.queued = st.queued + #st.payloads[seq]
      end
   end
   if #again > 0 then
      -- first in the queue, in input order
      for i = st.sent + 1, #st.queue do again[#again + 1] = st.queue[i] end
      st.queue, st.sent = again, 0
      if notice then notice(how .. "; running them again one at a time") end
   end
   close_worker(w)
   st.workers[w.n] = nil
   return spawn(st, w.n)
end

-- The worker to send the next batch to (the least busy), or nil. An item
-- running alone goes to a worker that holds nothing, and then it holds
-- nothing else.
local function idle(st, per_worker, alone)
   local best
   local most = alone and 1 or per_worker
   for _, w in pairs(st.workers) do
      if w.ready and not w.exited and not w.alone and w.batches < most and (not best or w.batches < best.batches) then
         best = w
      end
   end
   return best
end

-- Sends worker w the next batch of the queue: a share of the items that
-- wait (so that the last ones spread over every worker), at most
-- MAX_BATCH and about BATCH_BYTES; an item running again after a worker
-- died goes alone. Every frame is "D" but the last, "L".
local function send_batch(st, w)
   local size = math.max(1, math.min(MAX_BATCH, (#st.queue - st.sent) // (st.jobs * st.per_worker)))
   local out, bytes, last = {}, 0, nil
   while st.sent < #st.queue and #out < size and bytes < BATCH_BYTES do
      local item = st.queue[st.sent + 1]
      if #out > 0 and st.alone[item[1]] then break end
      st.sent = st.sent + 1
      st.queue[st.sent] = false
      local seq, payload = item[1], item[2]
      st.queued = st.queued - #payload
      w.held[seq] = true
      -- kept until answered only when a death could send it round again
      if not st.alone[seq] then st.payloads[seq] = payload end
      out[#out + 1] = string_pack(HEADER, "D", seq, #payload)
      out[#out + 1] = payload
      bytes = bytes + #payload
      last = seq
      if st.alone[seq] then
         w.alone = true
         break
      end
   end
   out[#out - 1] = string_pack(HEADER, "L", last, #out[#out])
   st.ends[last] = true
   w.batches = w.batches + 1
   uv.write(w.stdin, out, function() end)
end

-- Starts (on) or stops the pool's handlers of SIGINT and SIGTERM (SIGPIPE
-- stays ignored): a signal is noted, and the next turn returns "interrupted".
local function listen(st, on)
   for _, s in ipairs(st.signals) do
      local name = st.signal_names[s]
      if on then
         s:start(name, function()
            if name ~= "sigpipe" then st.signal = name end
         end)
      elseif name ~= "sigpipe" then
         s:stop()
      end
   end
end

local function check_opts(opts, what, fields)
   if type(opts) ~= "table" then error(what .. ": options must be a table", 3) end
   for _, k in ipairs(fields) do
      if type(opts[k]) ~= "function" then error(what .. ": '" .. k .. "' must be a function", 3) end
   end
end

-- One turn of the loop: read ahead, send what can go, start workers the
-- items waiting call for, wait for an event, take what came.
local function turn(st, opts, per_worker, window)
   -- input that may wait (stdin, a FIFO) is read ahead only four items a
   -- worker, since a read that waits holds back the items read before it;
   -- and it is read with SIGINT and SIGTERM doing what they do by default:
   -- libuv's handlers only take note of a signal, and the read it
   -- interrupts starts again (Ctrl-C went unheard)
   if opts.input_blocks then window = math.min(window, st.jobs * 4) end
   local waiting = opts.input_blocks and not st.ended and st.next_seq - st.next_out < window
   if waiting then listen(st, false) end
   -- (and while the items not sent yet hold less than four batches' bytes a worker)
   while not st.ended and st.next_seq - st.next_out < window and st.queued < st.jobs * 4 * BATCH_BYTES do
      -- an input that fails (malformed JSONL) ends the input: the items
      -- before it are finished and handed over, then the error is raised
      local ok, payload, label = pcall(opts.input)
      if not ok then st.input_error = payload end
      if not ok or payload == nil then
         st.ended = true
         break
      end
      local seq = st.next_seq
      st.next_seq = seq + 1
      st.labels[seq] = label
      st.queue[#st.queue + 1] = { seq, payload }
      st.queued = st.queued + #payload
   end
   if waiting then listen(st, true) end
   while st.sent < #st.queue do
      local w = idle(st, per_worker, st.alone[st.queue[st.sent + 1][1]])
      if not w then break end
      send_batch(st, w)
   end
   if st.sent == #st.queue then st.queue, st.sent = {}, 0 end
   -- a worker more while more items wait than workers are starting
   local starting = 0
   for _, w in pairs(st.workers) do
      if not w.ready then starting = starting + 1 end
   end
   while st.started < st.jobs and #st.queue - st.sent > starting * per_worker do
      st.started = st.started + 1
      starting = starting + 1
      local ok, err = spawn(st, st.started)
      if not ok then return nil, err end
   end
   if st.ended and st.next_out == st.next_seq then return true, true end
   uv.run("once")
   if st.signal then return nil, "interrupted", st.signal end
   for _, w in pairs(st.workers) do
      local ok, err = take(st, w)
      if not ok then return nil, err end
      if w.exited and w.eof then
         ok, err = bury(st, w, opts.notice)
         if not ok then return nil, err end
      end
   end
   deliver(st, opts)
   return true, st.ended and st.next_out == st.next_seq
end

local Pool = {}
Pool.__index = Pool
Pool.__name = "quarry.parallel.Pool"

--- parallel.pool{jobs, worker, config [, window, on_ready]} -> pool
-- Up to `jobs` worker processes running module `worker`'s job, started as
-- items call for them; they stay for every pool:map until pool:close().
-- window (default 128 a worker; at most 4 a worker when the input may
-- wait): the most items unfinished at once (each worker holds two
-- batches: one it works on, the next).
-- on_ready(info): called once with the info the first worker's
-- worker(config) returned. While the pool is open, SIGINT and SIGTERM
-- stop it (pool:map returns nil, "interrupted", signal) and SIGPIPE is
-- ignored (a write to a closed pipe fails instead).
-- @param opts table {jobs, worker (a module name), config, window, on_ready}
-- @return table the pool (see Pool)
function parallel.pool(opts)
   if type(opts) ~= "table" then error("parallel.pool: options must be a table", 2) end
   if math_type(opts.jobs) ~= "integer" or opts.jobs < 1 then
      error("parallel.pool: 'jobs' must be a positive integer", 2)
   end
   if type(opts.worker) ~= "string" then error("parallel.pool: 'worker' must be a module name", 2) end
   local window = opts.window or opts.jobs * 4 * MAX_BATCH
   local st = setmetatable({
      jobs = opts.jobs, window = window, per_worker = 2, on_ready = opts.on_ready,
      exe = uv.exepath(), env = worker_env(), job = opts.worker .. "\0" .. (opts.config or ""),
      workers = {}, started = 0, queue = {}, sent = 0, queued = 0, next_seq = 1, next_out = 1, done = {}, labels = {},
      ends = {}, alone = {}, payloads = {},
      signals = {}, signal_names = {},
   }, Pool)
   for _, name in ipairs { "sigint", "sigterm", "sigpipe" } do
      local s = uv.new_signal()
      st.signals[#st.signals + 1] = s
      st.signal_names[s] = name
   end
   listen(st, true)
   return st
end

--- pool:map{input, result, failed [, input_blocks, notice]} -> true | nil, message [, signal]
-- Runs the job over every item input() returns (payload, label; nil at
-- the end) and hands each result to result(result, label), or a failure to
-- failed(message, label), in input order. A job that cannot start (its
-- module fails to load) returns nil, its message; an interrupt nil,
-- "interrupted", signal; an error raised by input, result or failed is
-- raised again. After any of these the pool is closed. input_blocks: the
-- input may wait (stdin, a FIFO); while it is read, SIGINT and SIGTERM end
-- the process as they do by default, since they could not stop the read.
-- notice(message): hears of a worker that died holding several items
-- (they run again, one at a time).
-- @param opts table {input, result, failed, input_blocks, notice}: the functions of the job's items
-- @return true; or nil, message [, signal]
function Pool:map(opts)
   if getmetatable(self) ~= Pool then error("expected a quarry.parallel.Pool (use pool:map())", 2) end
   if self.closed then error("pool:map: the pool is closed", 2) end
   check_opts(opts, "pool:map", { "input", "result", "failed" })
   if opts.notice ~= nil and type(opts.notice) ~= "function" then error("pool:map: 'notice' must be a function", 2) end
   self.ended, self.input_error = false, nil
   local ok, res, msg, sig = pcall(function()
      while true do
         local good, finished, signal = turn(self, opts, self.per_worker, self.window)
         if not good then return nil, finished, signal end
         if finished then
            if self.input_error ~= nil then error(self.input_error, 0) end
            return true
         end
      end
   end)
   if not (ok and res) then self:close(true) end
   if not ok then error(res, 0) end
   return res, msg, sig
end

--- pool:close([force]): ends the workers (waiting for them; force kills
-- them) and the signal handlers; idempotent.
-- @param force boolean optional: kill the workers rather than wait for them
-- @return nothing
function Pool:close(force)
   if self.closed then return end
   self.closed = true
   stop_all(self, force)
end

function Pool:__close(err)
   self:close(err ~= nil)
end

--- parallel.map{jobs, worker, config, input, result, failed [, window, on_ready, input_blocks, notice]}
--   -> true | nil, message [, signal]
-- A pool for one map (see parallel.pool and pool:map).
-- @param opts table {jobs, worker, config, input, result, failed, window, on_ready, input_blocks, notice}
-- @return true; or nil, message [, signal]
function parallel.map(opts)
   check_opts(opts, "parallel.map", { "input", "result", "failed" })
   local pool <close> = parallel.pool(opts)
   return pool:map(opts)
end

return parallel
