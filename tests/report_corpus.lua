--- A small corpus with hand-made annotations, in the shape the news pack
-- writes them (person, organization, location, date, quote, dateline,
-- segment), for the report specs. Offsets are found in the text, so they
-- are right by construction.
local quarry = require "quarry"

local fixture = {}

-- Each document: its fields, and its annotations as {type, text, nth, attrs}:
-- the nth occurrence (default 1) of text in the document.
fixture.docs = {
   { id = "a", date = "2024-03-04", source = "Harbour Herald", title = "Bridge to open in May",
     text = "Bridge to open in May\n\nLISBON (Wire Service) — Mayor Ana Ruiz said the bridge will open on "
        .. "2024-05-01. “The bridge is ready,” Ruiz said.\n\nMinister Tomas Berg of the Port Authority disagreed. "
        .. "“Not before summer,” Berg told reporters in Lisbon.\n\n2 comments\n\nPaulo said:\n“Ruiz is wrong,” "
        .. "I think.",
     spans = {
        { "segment", "Bridge to open in May", 1, { kind = "headline" } },
        { "dateline", "LISBON (Wire Service) —", 1, { place = "Lisbon", source = "Wire Service" } },
        { "location", "LISBON", 1, { name = "Lisbon" } },
        { "person", "Ana Ruiz", 1, { name = "Ana Ruiz", title = "Mayor" } },
        { "date", "2024-05-01", 1, { value = "2024-05-01" } },
        { "quote", "The bridge is ready,", 1, { speaker = "Ana Ruiz", kind = "direct", cue = "said" } },
        { "person", "Ruiz", 2, { name = "Ana Ruiz" } },
        { "person", "Tomas Berg", 1, { name = "Tomas Berg", title = "Minister" } },
        { "organization", "Port Authority", 1, { name = "Port Authority" } },
        { "quote", "Not before summer,", 1, { speaker = "Tomas Berg", kind = "direct", cue = "told" } },
        { "person", "Berg", 2, { name = "Tomas Berg" } },
        { "location", "Lisbon", 1, { name = "Lisbon" } },
        { "segment", "2 comments\n\nPaulo said:\n“Ruiz is wrong,” I think.", 1, { kind = "comments" } },
        -- a reader's quote: the reports leave what is inside comments out
        { "quote", "Ruiz is wrong,", 1, { speaker = "Paulo Reader", kind = "direct" } },
     } },
   { id = "b", date = "2024-04-10", source = "Wire Service", title = "Talks to resume",
     text = "Talks to resume\n\nGENEVA (Wire Service) — Envoy Ilse Marek said talks would resume in March 2025. "
        .. "“We are close to a deal with the Port Authority,” Marek said.\n\nSergey Voronov said: “Nothing is "
        .. "agreed.”",
     spans = {
        { "dateline", "GENEVA (Wire Service) —", 1, { place = "Geneva", source = "Wire Service" } },
        { "location", "GENEVA", 1, { name = "Geneva" } },
        { "person", "Ilse Marek", 1, { name = "Ilse Marek", title = "Envoy" } },
        { "date", "March 2025", 1, { value = "2025-03" } },
        { "quote", "We are close to a deal with the Port Authority,", 1, { speaker = "Ilse Marek", kind = "direct" } },
        { "organization", "Port Authority", 1, { name = "Port Authority" } },
        { "person", "Marek", 2, { name = "Ilse Marek" } },
        { "person", "Sergey Voronov", 1, { name = "Sergei Voronov" } },
        { "quote", "Nothing is agreed.", 1, { speaker = "Sergei Voronov", kind = "direct" } },
     } },
   { id = "c", date = "2024-06-20", source = "Harbour Herald", title = "Voronov in Lisbon",
     text = "Voronov in Lisbon\n\nSergei Voronov visited Lisbon on June 19, 2024. “Lisbon is beautiful,” Voronov "
        .. "said. Then a voice from the crowd: “Who knows?”",
     spans = {
        { "person", "Voronov", 1, { name = "Sergei Voronov" } },
        { "location", "Lisbon", 1, { name = "Lisbon" } },
        { "person", "Sergei Voronov", 1, { name = "Sergei Voronov" } },
        { "location", "Lisbon", 2, { name = "Lisbon" } },
        { "date", "June 19, 2024", 1, { value = "2024-06-19" } },
        { "quote", "Lisbon is beautiful,", 1, { speaker = "Sergei Voronov", kind = "direct" } },
        { "location", "Lisbon", 3, { name = "Lisbon" } },
        { "person", "Voronov", 3, { name = "Sergei Voronov" } },
        { "quote", "Who knows?", 1, { kind = "direct" } },
     } },
   { id = "d", title = "Kraków note",
     text = "Kraków note\n\nŁukasz Żółw said “Żółw is my name, 100%,” in Kraków, on a day in 2023.",
     spans = {
        { "person", "Łukasz Żółw", 1, { name = "Łukasz Żółw" } },
        { "quote", "Żółw is my name, 100%,", 1, { speaker = "Łukasz Żółw", kind = "direct" } },
        { "location", "Kraków", 2, { name = "Kraków" } },
        { "date", "2023", 1, { value = "2023" } },
     } },
   { id = "e", date = "2024-07-01", source = "Oslo Daily", title = "Quiet day",
     text = "Quiet day\n\nA quiet day with nothing to report about the weather in Oslo." },
}

-- Byte offsets of the nth occurrence of needle in text.
local function find(text, needle, nth)
   local init = 1
   for _ = 1, nth or 1 do
      local s, e = text:find(needle, init, true)
      if not s then error("fixture: '" .. needle .. "' not found in: " .. text:sub(1, 40)) end
      if _ == (nth or 1) then return s - 1, e end
      init = s + 1
   end
end

--- Writes the corpus into path (a new file); returns the open corpus.
function fixture.build(path)
   local corpus = assert(quarry.open(path))
   for _, d in ipairs(fixture.docs) do
      assert(corpus:add { id = d.id, date = d.date, source = d.source, title = d.title, text = d.text })
      local spans = {}
      for _, sp in ipairs(d.spans or {}) do
         local start, stop = find(d.text, sp[2], sp[3])
         spans[#spans + 1] = { type = sp[1], start = start, stop = stop, rule = "fixture", attrs = sp[4] }
      end
      if #spans > 0 then assert(corpus:replace_spans(d.id, "news", spans, { version = "1" })) end
   end
   return corpus
end

--- The number of annotations of a type in the fixture (optionally only
-- those whose attrs[key] == value).
function fixture.count(type_, key, value)
   local n = 0
   for _, d in ipairs(fixture.docs) do
      for _, sp in ipairs(d.spans or {}) do
         if sp[1] == type_ and (key == nil or sp[4][key] == value) then n = n + 1 end
      end
   end
   return n
end

return fixture
