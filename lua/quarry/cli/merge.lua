--- quarry merge OUT.db SHARD.db...: corpora made apart (on other
-- machines, by other jobs) merged into one.
local common = require "quarry.cli.common"
local quarry = require "quarry"

local io_open, io_stdout, io_stderr, ipairs = io.open, io.stdout, io.stderr, ipairs
local string_format = string.format

local merge = {
   help = "Merge corpus files made apart (shards) into one: documents, full-text index, spans, one name a person.",
}

function merge.configure(cmd)
   cmd:argument("out", "The corpus to merge into (created if missing).")
   cmd:argument("shard", "Corpus files to merge, in this order."):args("+")
   cmd:option("--timeout", "Milliseconds to wait for another writer before giving up.", "5000")
      :convert(require("quarry.cli.common").positive)
   cmd:epilog("Each shard is one transaction: a merge stopped halfway keeps the shards it finished, and running it "
      .. "again completes it (a shard merged twice adds nothing). A document whose id OUT holds with another text "
      .. "keeps OUT's text. Shards of another corpus schema, or whose spans come from another version of a pack, "
      .. "are refused before anything is merged.")
end

-- Every shard readable and of this schema, before anything is merged.
local function check_shards(shards)
   for _, path in ipairs(shards) do
      local f = io_open(path, "rb")
      if not f then return nil, path .. ": no such corpus file" end
      f:close()
      local c, err = quarry.open(path, { readonly = true })
      if not c then return nil, err end
      c:close()
   end
   return true
end

function merge.run(args)
   local ok, err = check_shards(args.shard)
   if not ok then
      common.complain("merge", err)
      return 1
   end
   local out
   out, err = quarry.open(args.out, { timeout_ms = args.timeout })
   if not out then
      common.complain("merge", err)
      return 1
   end
   for _, path in ipairs(args.shard) do
      local n, merr = out:merge(path)
      if not n then
         out:close()
         common.complain("merge", merr)
         return 1
      end
      if not common.quiet then io_stdout:write(string_format("%s: %d documents: %d added, %d already in %s "
         .. "(%d pack runs added), %d ids with another text kept from %s; %d spans added\n", path, n.documents,
         n.added, n.present, args.out, n.runs, n.conflicts, args.out, n.spans)) end
      if n.conflicts > 0 then
         io_stderr:write(string_format("quarry merge: warning: %s: %d documents have an id %s holds with another "
            .. "text; %s's were kept\n", path, n.conflicts, args.out, args.out))
      end
   end
   local merged, nerr = out:merge_names()
   local count = out:count()
   out:close()
   if not merged then
      common.complain("merge", nerr)
      return 1
   end
   if not common.quiet then
      io_stdout:write(string_format("%s: %d documents; names merged across the shards\n", args.out, count or 0))
   end
   return 0
end

return merge
