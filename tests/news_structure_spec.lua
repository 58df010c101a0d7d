-- The news pack's page structure on pages written for these tests: a
-- marker line opens a block of clutter only when clutter follows it, and
-- the article resumes where its prose does.
local rules = require "quarry.rules"
local support = require "tests.support"

local news = rules.load("news")

-- The kind of the segment holding a needle, and the quotes found.
local function page(paragraphs)
   local text = table.concat(paragraphs, "\n\n")
   local anns = news:run({ text = text, date = "2024-05-02" })
   local function kind_at(needle) return support.segment_at(anns, text, needle) end
   local quotes = {}
   for _, a in ipairs(anns) do
      if a.type == "quote" then quotes[#quotes + 1] = a.text end
   end
   return kind_at, quotes
end

-- The kind the shipped pack gives the segment holding a needle.
local function kind_of_news(text, needle)
   return support.segment_at(news:run({ text = text, date = "2024-05-02" }), text, needle)
end

describe("news page structure", function()
   it("takes one 'Related' line inside an article for itself only", function()
      local kind_at, quotes = page {
         "Harbour council approves ferry budget",
         "The harbour council approved a new budget for the ferry service on Tuesday after a long debate.",
         "Related: Ferry fares rise for the third year",
         "Council leader Mara Dunn said the vote was close. \u{201C}We had to keep the boats running,\u{201D} "
            .. "Dunn said after the meeting ended late in the evening.",
         "Opposition members said they would keep asking questions about the cost of the new vessels.",
      }
      assert.equal("related", kind_at("Related: Ferry fares"))
      assert.equal("body", kind_at("Council leader Mara Dunn"))
      assert.equal("body", kind_at("Opposition members"))
      assert.same({ "We had to keep the boats running," }, quotes)
   end)

   it("takes a reader prompt inside an article for itself only", function()
      local kind_at, quotes = page {
         "Town votes to close the old library",
         "The town voted on Monday to close its old library and move the books to the school next door.",
         "What do you think?",
         "Librarian Tom Vale was not convinced. \u{201C}Nobody asked the readers,\u{201D} Vale said on the steps "
            .. "of the building as the doors closed.",
      }
      assert.equal("comments", kind_at("What do you think?"))
      assert.equal("body", kind_at("Librarian Tom Vale"))
      assert.same({ "Nobody asked the readers," }, quotes)
   end)

   it("ends a block of related links where the article's prose resumes", function()
      local kind_at, quotes = page {
         "Bridge repairs to last all summer",
         "Repairs to the old bridge will last all summer, the roads office said in a statement on Friday.",
         "Read also",
         "Ferry fares rise for the third year",
         "New cycle lanes open on the river road",
         "Engineer Lisa Marr said the work was overdue. \u{201C}The steel is older than any of us,\u{201D} Marr "
            .. "said during a tour of the site.",
      }
      assert.equal("related", kind_at("Read also"))
      assert.equal("related", kind_at("New cycle lanes"))
      assert.equal("body", kind_at("Engineer Lisa Marr"))
      assert.same({ "The steel is older than any of us," }, quotes)
   end)

   it("keeps reader comments apart, signed or announced", function()
      local kind_at, quotes = page {
         "Bridge repairs to last all summer",
         "Repairs to the old bridge will last all summer, the roads office said in a statement on Friday.",
         "2 comments",
         "1. Pete K. said:",
         "They said \u{201C}two weeks\u{201D} last year as well and it took three months to finish the job.",
         "2. Ana said:",
         "My bus goes round the long way now and nobody at the office will say when it ends.",
      }
      assert.equal("comments", kind_at("2 comments"))
      assert.equal("comments", kind_at("They said"))
      assert.equal("comments", kind_at("My bus goes round"))
      assert.same({}, quotes)
   end)

   it("takes a short line holding a boilerplate phrase, in any case and anywhere in it, for boilerplate", function()
      local long = "The committee met on Thursday to read the new privacy policy of the ferry company aloud, line by "
         .. "line, because members of the public had asked what it would mean for passengers who book their "
         .. "tickets online and for the staff who sell them at the harbour office every morning."
      local kind_at = page {
         "Harbour council approves ferry budget",
         "The harbour council approved a new budget for the ferry service on Tuesday after a long debate.",
         long,
         "Council leader Mara Dunn said the vote was close and that the boats would keep running all year.",
         "Read our Privacy Policy and Terms of Use.",
         "Opposition members said they would keep asking questions about the cost of the new vessels.",
      }
      assert.equal("boilerplate", kind_at("Read our Privacy Policy"))
      assert.equal("body", kind_at("The committee met"))
      assert.equal("body", kind_at("Council leader Mara Dunn"))
   end)

   it("counts the words of a paragraph whatever white space and bytes it holds", function()
      -- 44 words, tabs between some, a byte that is not UTF-8 in one: more than a boilerplate line has
      local long = ("Members\tof the public asked the council to subscribe to the ferry plan and "):rep(3)
         .. "then went home \xFF early."
      -- 14 words, the same byte in one: a short line, boilerplate
      local short = "Subscribe to our \xFF newsletter\tfor the latest ferry news from the harbour every week."
      local kind_at = page {
         "Harbour council approves ferry budget",
         "The harbour council approved a new budget for the ferry service on Tuesday after a long debate.",
         long,
         short,
         "Opposition members said they would keep asking questions about the cost of the new vessels.",
      }
      assert.equal("body", kind_at("then went home"))
      assert.equal("boilerplate", kind_at("Subscribe to our"))
      assert.equal("body", kind_at("Opposition members"))
   end)

   it("opens comments at a bare 'Comments' line and at a count of them, in any case", function()
      for _, marker in ipairs { "Comments", "12 COMMENTS", "1 comment" } do
         local kind_at = page {
            "Bridge repairs to last all summer",
            "Repairs to the old bridge will last all summer, the roads office said in a statement on Friday.",
            marker,
            "Pete K. says:",
            "They promised two weeks last year as well and it took three months to finish the job.",
         }
         assert.equal("comments", kind_at(marker))
         assert.equal("comments", kind_at("They promised"))
      end
   end)

   it("takes a first line in title case, or ending with a name's initial, for the headline, not a sentence", function()
      local function first_kind(line)
         local kind_at = page { line, "The harbour council approved a new budget for the ferry service on Tuesday "
            .. "after a long debate that went on into the night." }
         return kind_at(line)
      end
      assert.equal("headline", first_kind("Harbour Council Approves New Ferry Budget."))
      assert.equal("headline", first_kind("Ferry budget passes, thanks to Mr."))
      assert.equal("headline", first_kind("Ferry budget passes"))
      assert.are_not.equal("headline", first_kind("The council met and the budget passed after a vote."))
   end)

   it("finds a dateline of upper-case words, and none in a line that only begins with capitals", function()
      local text = "Ferry budget passes\n\nST. LOUIS (Harbour Wire) \u{2014} The council approved the budget.\n\n"
         .. "U.S.-based lines said the fares would rise."
      local anns = news:run({ text = text, date = "2024-05-02" })
      local places = {}
      for _, a in ipairs(anns) do
         if a.type == "dateline" then places[#places + 1] = a.attrs.place .. "/" .. tostring(a.attrs.source) end
      end
      assert.same({ "ST. LOUIS/Harbour Wire" }, places)
   end)

   describe("in a copy of the pack whose clutter list is changed", function()
      -- the pack's folder copied, a line added to its data/page_clutter.tsv
      local function copy_with(line)
         local dir = support.tmpdir()
         assert.is_true(os.execute("cp -r lua/quarry/rules/news '" .. dir .. "/news'"))
         local f = assert(io.open(dir .. "/news/data/page_clutter.tsv", "a"))
         f:write(line, "\n")
         f:close()
         return dir .. "/news/init.lua"
      end
      teardown(support.cleanup)

      it("takes the added line for clutter", function()
         local pack = rules.load(copy_with("^harbour notice\tboilerplate"))
         local text = "Ferry budget passes\n\nThe harbour council approved a new budget for the ferry service on "
            .. "Tuesday after a long debate.\n\nHarbour Notice: the office closes early."
         local kind = support.segment_at(pack:run({ text = text, date = "2024-05-02" }), text, "Harbour Notice")
         assert.equal("boilerplate", kind)
         assert.equal("body", kind_of_news(text, "Harbour Notice"))
      end)

      it("names the file and line of a role it does not know", function()
         local ok, err = pcall(rules.load, copy_with("^harbour notice\tads"))
         assert.is_false(ok)
         assert.matches("data/page_clutter.tsv:%d+: the role must be comments, related, signature or boilerplate, "
            .. "not 'ads'", err)
      end)
   end)
end)
