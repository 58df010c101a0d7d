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
local outlets = gazetteer("data/agencies.tsv")
local demonyms = gazetteer("data/demonyms.tsv")

lexicon.rules = {
   rule { name = "country", type = "location", gazetteer = places,
      examples = { { text = "Talks between Armenia and the Russian Federation.",
                     expect = { { type = "location", text = "Armenia", attrs = { name = "Armenia" } },
                                { type = "location", attrs = { name = "Russia" } } } } } },
   rule { name = "place", type = "location", gazetteer = cities,
      examples = { { text = "He flew from Yerevan to Kiev.",
                     expect = { { type = "location", text = "Yerevan" }, { type = "location", text = "Kiev" } } } } },
   rule { name = "organization", type = "organization", gazetteer = orgs, priority = 1,
      examples = { { text = "The OSCE Minsk Group met at the United Nations.",
                     expect = { { type = "organization", text = "OSCE Minsk Group" },
                                { type = "organization", text = "United Nations" } } } } },
   rule { name = "outlet", type = "organization", gazetteer = outlets, priority = 1,
      examples = { { text = "The New York Times and Reuters reported it.",
                     expect = { { type = "organization", text = "New York Times" },
                                { type = "organization", text = "Reuters" } } } } },
   rule { name = "demonym", type = "demonym", gazetteer = demonyms,
      examples = { { text = "Armenian and Azerbaijani troops.",
                     expect = { { type = "demonym", text = "Armenian", attrs = { country = "Armenia" } } } } } },
}

return lexicon
