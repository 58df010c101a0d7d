-- Gazetteer phase: the names the pack knows. Places (countries, capitals,
-- cities, regions), organisations (international bodies, governments,
-- parties, companies), news outlets and agencies, and demonyms
-- ("Armenian" -> Armenia). Entries marked "ambiguous" in the data
-- (Turkey, Chad, Nice, WHO...) must be written capitalised to count; the
-- resolve phase drops lower-case matches of them.

local lexicon = {}

local places = gazetteer("data/countries.tsv")
local cities = gazetteer("data/places.tsv")
local orgs = gazetteer("data/organizations.tsv")
-- acronyms that are also words or name parts ("WHO", "UN"): exact case only
local orgs_exact = gazetteer("data/organizations_exact.tsv", { fold = "exact" })
local outlets = gazetteer("data/agencies.tsv")
local demonyms = gazetteer("data/demonyms.tsv")

-- Sports clubs: names that are only clubs, and names that are also places
-- or common words ("Leeds", "Giants"), which count as clubs only in a
-- document about sport (entities.team_names decides).
local clubs, sport_clubs = {}, {}
for _, row in ipairs(read_list("data/clubs.tsv")) do
   local attrs = row[4] or ""
   local item = { row[1], canonical = row[2] ~= "" and row[2] or nil, type = row[3], attrs = attrs }
   if attrs:find('"sports_only":true', 1, true) then sport_clubs[#sport_clubs + 1] = item
   else clubs[#clubs + 1] = item end
end
clubs, sport_clubs = gazetteer(clubs), gazetteer(sport_clubs)

-- rank: how much a rule's names count when overlaps across phases are
-- settled (resolve.lua); an entry the data marks ambiguous ranks lower.
lexicon.rules = {
   rule { name = "country", rank = 4, type = "location", gazetteer = places,
      examples = { { text = "Talks between Armenia and the Russian Federation.",
                     expect = { { type = "location", text = "Armenia", attrs = { name = "Armenia" } },
                                { type = "location", attrs = { name = "Russia" } } } } } },
   rule { name = "place", rank = 4, type = "location", gazetteer = cities,
      examples = { { text = "He flew from Yerevan to Kiev.",
                     expect = { { type = "location", text = "Yerevan" }, { type = "location", text = "Kiev" } } } } },
   rule { name = "organization", rank = 5, type = "organization", gazetteer = orgs, priority = 1,
      examples = { { text = "The OSCE Minsk Group met at the United Nations.",
                     expect = { { type = "organization", text = "OSCE Minsk Group" },
                                { type = "organization", text = "United Nations" } } } } },
   rule { name = "organization_exact", rank = 5, type = "organization", gazetteer = orgs_exact, priority = 1,
      examples = { { text = "The UN and the WHO met; the who and un words are not.",
                     expect = { { type = "organization", text = "UN" }, { type = "organization", text = "WHO" } },
                     reject = { { type = "organization", text = "who" } } } } },
   rule { name = "outlet", rank = 5, type = "organization", gazetteer = outlets, priority = 1,
      examples = { { text = "The New York Times and Reuters reported it.",
                     expect = { { type = "organization", text = "New York Times" },
                                { type = "organization", text = "Reuters" } } } } },
   rule { name = "club", rank = 5, type = "organization", gazetteer = clubs, priority = 1,
      examples = { { text = "Fans of the Toronto Raptors and Sturm Graz.", any_rule = true,
                     expect = { { type = "organization", text = "Toronto Raptors" },
                                { type = "organization", text = "Sturm Graz" } } } } },
   rule { name = "club_sport", rank = 4.2, type = "organization", gazetteer = sport_clubs, priority = 1,
      examples = { { text = "Leeds scored twice in their first league match of the season.", any_rule = true,
                     expect = { { type = "organization", text = "Leeds" } } },
                   { text = "Leeds council said the bridge would open.", any_rule = true,
                     reject = { { type = "organization", text = "Leeds" } } } } },
   rule { name = "demonym", type = "demonym", gazetteer = demonyms,
      examples = { { text = "Armenian and Azerbaijani troops.",
                     expect = { { type = "demonym", text = "Armenian", attrs = { country = "Armenia" } } } } } },
}

return lexicon
