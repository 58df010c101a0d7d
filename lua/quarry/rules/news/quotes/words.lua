-- The word lists of quote attribution, shared by its modules (read only).
local words = {}

local DOUBLE = { ["\""] = true, ["\u{201C}"] = true, ["\u{201D}"] = true, ["\u{201E}"] = true,
   ["\u{00AB}"] = true, ["\u{00BB}"] = true, ["''"] = true, ["``"] = true }

local PRONOUNS = { he = "m", him = "m", she = "f", her = "f", they = "p", them = "p", we = "p", i = "s",
   it = "n" }
local SKIP_AFTER_CUE = { ["also"] = true, ["then"] = true, ["later"] = true, ["again"] = true,
   ["further"] = true, ["simply"] = true, ["only"] = true, ["flatly"] = true, ["firmly"] = true,
   ["recently"] = true, ["previously"] = true, ["earlier"] = true, ["once"] = true, ["has"] = true,
   ["had"] = true, ["have"] = true, ["was"] = true, ["is"] = true, ["would"] = true, ["will"] = true,
   ["did"] = true, ["not"] = true, ["reportedly"] = true, ["publicly"] = true,
   ["privately"] = true, ["repeatedly"] = true, ["told"] = false }
local DESC_HEADS = {
   official = true, officials = true, minister = true, diplomat = true, spokesman = true,
   spokeswoman = true, spokesperson = true, president = true, leader = true, premier = true, source = true,
   sources = true, negotiator = true, envoy = true, ambassador = true, ministry = true, statement = true,
   newspaper = true, agency = true, paper = true, daily = true, report = true, outlet = true, channel = true,
   website = true, broadcaster = true, senator = true, governor = true, mayor = true, candidate = true,
   nominee = true, chief = true, head = true, aide = true, adviser = true, advisor = true, lawyer = true,
   analyst = true, expert = true, experts = true, executive = true, chairman = true, secretary = true,
   commander = true, general = true, prosecutor = true, judge = true, campaign = true, government = true,
   kremlin = true, administration = true, company = true, firm = true, group = true, spokesmen = true,
   man = true, woman = true, billionaire = true, businessman = true, mogul = true, democrat = true,
   republican = true, lawmaker = true, lawmakers = true, witness = true, witnesses = true, police = true,
   coach = true, manager = true, economist = true, professor = true, researcher = true, scientist = true,
   director = true, founder = true, ceo = true, chancellor = true, king = true, queen = true, pope = true,
   narrator = true, organizer = true, organizers = true, organiser = true, organisers = true,
   spokespeople = true, representative = true, representatives = true, activist = true, activists = true,
   protesters = true, residents = true, resident = true, critics = true, critic = true, supporters = true,
   voters = true, voter = true, doctor = true, host = true, anchor = true, moderator = true,
}
local OUTLET_HEADS = { newspaper = true, agency = true, paper = true, daily = true, report = true,
   outlet = true, channel = true, website = true, broadcaster = true, magazine = true, tabloid = true }
local ORG_HEADS = { ministry = true, government = true, kremlin = true, administration = true,
   company = true, firm = true, group = true, campaign = true, police = true, statement = true }
local UNNAMED = { source = true, sources = true, officials = true, experts = true, witnesses = true,
   lawmakers = true, man = true, woman = true, protesters = true, residents = true, resident = true,
   critics = true, supporters = true, voters = true, voter = true, activists = true, organizers = true,
   organisers = true, representatives = true }

local DETS = { the = true, a = true, an = true, his = true, her = true, its = true, their = true, my = true, our = true,
   one = true, another = true, two = true, three = true, several = true, some = true, many = true,
   other = true, ["this"] = true, ["that"] = true }
-- words before a speech verb that make it a noun: "Trump's tweet", "the claim"
local NOUN_LEADS = { the = true, a = true, an = true, his = true, her = true, its = true, their = true, our = true,
   my = true, your = true, these = true, those = true, ["'s"] = true, ["\u{2019}s"] = true, ["s'"] = true }
-- what opens a clause of its own, whose subject a verb before it does not govern
local CLAUSE_JOINS = { ["and"] = true, ["but"] = true, ["while"] = true, ["whereas"] = true, ["although"] = true,
   ["though"] = true, ["or"] = true, [";"] = true, [":"] = true, ["."] = true, ["when"] = true, ["after"] = true,
   ["before"] = true, ["as"] = true, ["since"] = true, ["if"] = true, ["unless"] = true, ["yet"] = true,
   ["\u{2014}"] = true, ["\u{2013}"] = true, ["--"] = true, ["("] = true, ["meanwhile"] = true }
-- words that cannot end the noun phrase of a subject
local NOT_NOUNS = { ["that"] = true, ["which"] = true, ["who"] = true, ["whom"] = true, ["whose"] = true,
   ["be"] = true, ["been"] = true, ["being"] = true, ["are"] = true, ["were"] = true, ["does"] = true,
   ["do"] = true, ["can"] = true, ["could"] = true, ["should"] = true, ["may"] = true, ["might"] = true,
   ["must"] = true, ["so"] = true, ["too"] = true, ["very"] = true, ["not"] = true, ["never"] = true,
   ["also"] = true, ["still"] = true, ["just"] = true, ["even"] = true, ["there"] = true, ["here"] = true,
   ["then"] = true, ["now"] = true, ["what"] = true, ["how"] = true, ["why"] = true, ["where"] = true }
local SUBORDINATORS = { as = true, when = true, after = true, before = true, ["while"] = true, although = true,
   though = true, ["if"] = true, because = true, since = true, once = true, ["until"] = true, unless = true,
   whereas = true, despite = true, amid = true, following = true }
-- nouns of saying: "his promise to be “neutral”", "Trump's claim that “…”"
local SPEECH_NOUNS = {}
for w in ([[claim claims promise promises assertion assertions comment comments remark remarks statement
   statements call calls demand demands description warning warnings pledge pledges vow vows words suggestion
   contention argument insistence accusation accusations charge charges declaration tweet tweets message
   answer response reply retort quip quote quotes question slogan catchphrase rhetoric complaint complaints
   admission announcement prediction boast boasts threat threats insult insults attack attacks criticism
   characterization labeling denial assessment explanation plea appeal request line refrain mantra]]):gmatch("%S+") do
   SPEECH_NOUNS[w] = true
end
local POSSESSIVE_PRONOUNS = { his = "he", her = "she", their = "they", its = "it", my = "i", our = "we" }
local PASSIVE_AUX = { was = true, were = true, been = true, being = true, is = true, are = true, be = true,
   got = true, gets = true, get = true }
-- capitals before a colon that head a text rather than name who speaks
local NOT_LABELS = { video = true, photo = true, photos = true, watch = true, update = true, updated = true,
   breaking = true, note = true, ["editor's note"] = true, read = true, related = true, source = true,
   sources = true, credit = true, warning = true, listen = true, audio = true, exclusive = true, live = true,
   opinion = true, analysis = true, transcript = true, correction = true, ["ps"] = true, ["p.s."] = true }
-- cues whose object follows them: "told Politico" names who heard it
local OBJECT_CUES = {}
for w in ([[told tells telling tell asked asks asking ask urged urges urging warned warns warning reminded
   reminds assured assures informed informs called calls calling described describes describing praised
   accused accuses blasted slammed labeled labelled branded dubbed termed hailed]]):gmatch("%S+") do
   OBJECT_CUES[w] = true
end
-- what someone issues and speaks through: "X released a statement saying"
local ISSUED = { statement = true, letter = true, report = true, release = true, memo = true, ad = true,
   video = true, email = true, post = true, message = true, op = true, editorial = true }
local RELATIVES = { which = true, who = true, whom = true }
local QUOTING = { quoted = true, quotes = true, quoting = true, cited = true, cites = true }

local SMALL = { ["of"] = true, ["the"] = true, ["and"] = true, ["in"] = true, ["on"] = true, ["a"] = true,
   ["an"] = true, ["for"] = true, ["to"] = true, ["with"] = true, ["at"] = true, ["by"] = true, ["&"] = true }
local PREPOSITIONS = { ["in"] = true, ["on"] = true, ["at"] = true, ["from"] = true, ["during"] = true,
   ["with"] = true, ["to"] = true, ["for"] = true, ["by"] = true, ["about"] = true, ["after"] = true,
   ["before"] = true, ["of"] = true, ["into"] = true, ["through"] = true, ["than"] = true, ["like"] = true,
   ["unlike"] = true, ["against"] = true, ["over"] = true, ["under"] = true, ["toward"] = true, ["towards"] = true,
   ["behind"] = true, ["among"] = true, ["between"] = true, ["despite"] = true, ["amid"] = true }
local CLAUSE_END = { ["."] = true, [","] = true, [";"] = true, ["in"] = true, ["on"] = true, ["at"] = true,
   ["to"] = true, ["during"] = true, ["after"] = true, ["before"] = true, ["via"] = true, ["from"] = true,
   ["while"] = true, ["as"] = true, ["of"] = true, ["when"] = true, ["with"] = true, ["in a"] = true,
   ["later"] = true, ["afterward"] = true, ["afterwards"] = true, ["recently"] = true, ["today"] = true,
   ["yesterday"] = true, ["earlier"] = true, ["monday"] = true, ["tuesday"] = true, ["wednesday"] = true,
   ["thursday"] = true, ["friday"] = true, ["saturday"] = true, ["sunday"] = true, ["\u{2014}"] = true,
   ["-"] = true, ["--"] = true, ["("] = true, [":"] = true, ["!"] = true, ["?"] = true, ["about"] = true,
   ["matter-of-factly"] = true }

local OUTLET_KINDS = { agency = true, newspaper = true, broadcaster = true, magazine = true, website = true,
   outlet = true }

-- set by words.setup from the pack's other data
local VERBS, NOT_NAMES = {}, {}

--- words.setup(entities): the speech verbs and the words that are no
-- names, from the entities module's data.
function words.setup(E)
   for _, v in ipairs(E.speech_verbs) do VERBS[v:lower()] = true end
   for _, w in ipairs(E.not_names) do NOT_NAMES[w] = true end
   NOT_NAMES.unlike, NOT_NAMES.like = true, true
   -- verbs that attribute words without being speech: X called Y a “…”
   for _, v in ipairs { "called", "calls", "calling", "described", "describes", "describing", "dubbed",
                        "labeled", "labelled", "branded", "termed", "hailed", "praised", "slammed",
                        "blasted", "accused", "urged", "vowed", "pledged", "promised" } do
      VERBS[v] = true
   end
end

words.DOUBLE = DOUBLE
words.PRONOUNS = PRONOUNS
words.SKIP_AFTER_CUE = SKIP_AFTER_CUE
words.DESC_HEADS = DESC_HEADS
words.OUTLET_HEADS = OUTLET_HEADS
words.ORG_HEADS = ORG_HEADS
words.UNNAMED = UNNAMED
words.DETS = DETS
words.NOUN_LEADS = NOUN_LEADS
words.CLAUSE_JOINS = CLAUSE_JOINS
words.NOT_NOUNS = NOT_NOUNS
words.SUBORDINATORS = SUBORDINATORS
words.SPEECH_NOUNS = SPEECH_NOUNS
words.POSSESSIVE_PRONOUNS = POSSESSIVE_PRONOUNS
words.PASSIVE_AUX = PASSIVE_AUX
words.NOT_LABELS = NOT_LABELS
words.OBJECT_CUES = OBJECT_CUES
words.ISSUED = ISSUED
words.RELATIVES = RELATIVES
words.QUOTING = QUOTING
words.SMALL = SMALL
words.PREPOSITIONS = PREPOSITIONS
words.CLAUSE_END = CLAUSE_END
words.OUTLET_KINDS = OUTLET_KINDS
words.VERBS = VERBS
words.NOT_NAMES = NOT_NAMES
return words
