#!/usr/bin/env lua5.4
-- Generates the country and demonym gazetteers of the news rule pack and
-- checks every gazetteer file of the pack.
--
--   lua5.4 tools/gen_gazetteers.lua [ISO_JSON_DIR [DATA_DIR]]
--
-- ISO_JSON_DIR defaults to /usr/share/iso-codes/json (Debian package
-- iso-codes), DATA_DIR to lua/quarry/rules/news/data. To regenerate, run
-- from the root of the checkout:
--
--   LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='build/?.so;;' \
--     lua5.4 tools/gen_gazetteers.lua /usr/share/iso-codes/json lua/quarry/rules/news/data
--
-- It writes DATA_DIR/countries.tsv and DATA_DIR/demonyms.tsv, then checks
-- them and the hand-written places.tsv, organizations.tsv,
-- organizations_exact.tsv, agencies.tsv, titles.txt and speech_verbs.txt
-- (TSV_FILES, LINE_FILES below): fields and JSON attrs well formed; no
-- phrase of a file leading to two entries; the country, region or city an
-- attrs names is a canonical name of countries.tsv or places.tsv; word
-- lists lower case without duplicates; files under 300 KB. Entries found
-- in two TSV files of the folder with different attrs are noted (a
-- gazetteer keeps the first attrs of an entry).
-- With quarry's C core on LUA_CPATH the check compares phrases by the very
-- token keys the gazetteer uses; without it, by an approximation (case
-- folded, quotes unified). Problems go to stderr and make the exit status 1.
--
-- countries.tsv: every entry of ISO 3166-1 (name, common_name and
-- official_name, with an ASCII spelling of names with diacritics), under the
-- short English name news uses (CANONICAL below), plus the aliases of
-- ALIASES, the non-ISO entries of EXTRA_COUNTRIES (England, Scotland, Kosovo,
-- historical states). demonyms.tsv: the hand-written DEMONYMS table.
-- The output depends only on the inputs: attrs keys are written in a fixed
-- order, entries sorted by canonical name.

local cjson = require "cjson"

local iso_dir = arg[1] or "/usr/share/iso-codes/json"
local data_dir = arg[2] or "lua/quarry/rules/news/data"

local MAX_FILE_BYTES = 300 * 1024

---------------------------------------------------------------------------
-- Countries
---------------------------------------------------------------------------

-- The name news uses, where it is not the ISO common_name or name.
local CANONICAL = {
   AE = "United Arab Emirates", AX = "Åland Islands", BN = "Brunei",
   BO = "Bolivia", CC = "Cocos Islands", CD = "Democratic Republic of the Congo",
   CG = "Republic of the Congo", CI = "Ivory Coast", CV = "Cape Verde",
   CZ = "Czech Republic", FK = "Falkland Islands", FM = "Micronesia",
   GB = "United Kingdom", IR = "Iran", KP = "North Korea", KR = "South Korea",
   LA = "Laos", MD = "Moldova", MF = "Saint Martin", MO = "Macau",
   PN = "Pitcairn Islands", PS = "Palestine", RU = "Russia",
   SH = "Saint Helena", ST = "Sao Tome and Principe", SX = "Sint Maarten",
   SY = "Syria", SZ = "Eswatini", TL = "East Timor", TR = "Turkey",
   TW = "Taiwan", TZ = "Tanzania", US = "United States", VA = "Vatican City",
   VE = "Venezuela", VG = "British Virgin Islands", VI = "U.S. Virgin Islands",
   VN = "Vietnam", BQ = "Caribbean Netherlands", UM = "U.S. Minor Outlying Islands",
}

-- ISO names not used as phrases (misleading in news text).
local DROP = {
   CG = { ["Congo"] = true },     -- "Congo" is the DRC in today's news; see ALIASES
}

-- Aliases news uses, by ISO code (the ISO names are added anyway).
local ALIASES = {
   AE = { "UAE", "U.A.E." },
   AG = { "Antigua" },
   AX = { "Aland Islands", "Åland", "Aland" },
   BA = { "Bosnia", "Bosnia-Herzegovina", "Bosnia & Herzegovina", "Bosnia-Hercegovina",
          "Bosnia and Hercegovina" },
   BL = { "St Barts", "St. Barts", "Saint-Barthélemy", "St Barthelemy" },
   BQ = { "Bonaire", "Sint Eustatius", "Bonaire, Sint Eustatius and Saba" },
   BY = { "Byelorussia", "Belorussia" },
   CC = { "Keeling Islands", "Cocos (Keeling) Islands" },
   CD = { "Congo", "DR Congo", "D.R. Congo", "DRC", "D.R.C.", "Democratic Republic of Congo",
          "Congo-Kinshasa", "Congo Kinshasa", "Zaire" },
   CG = { "Republic of Congo", "Congo-Brazzaville", "Congo Brazzaville", "Congo Republic" },
   CI = { "Côte d'Ivoire", "Cote d'Ivoire", "Cote D'Ivoire" },
   CV = { "Cabo Verde" },
   CZ = { "Czechia" },
   FK = { "Falklands", "Malvinas", "Islas Malvinas", "Malvinas Islands" },
   FM = { "Federated States of Micronesia" },
   FO = { "Faroes", "Faeroe Islands", "Faeroes" },
   GB = { "U.K.", "UK", "Britain", "Great Britain" },
   GS = { "South Georgia" },
   HK = { "Hongkong" },
   IO = { "Chagos Islands", "Chagos Archipelago" },
   KG = { "Kirghizia", "Kyrgyz Republic", "Kirgizstan", "Kirghizstan" },
   KN = { "St Kitts and Nevis", "St. Kitts and Nevis", "Saint Kitts", "St Kitts", "St. Kitts",
          "St Kitts & Nevis" },
   KP = { "DPRK", "D.P.R.K.", "N. Korea", "N.Korea", "Democratic People's Republic of Korea" },
   KR = { "Republic of Korea", "ROK", "S. Korea", "S.Korea", "Korea" },
   KY = { "Caymans", "Cayman" },
   KZ = { "Kazakstan" },
   LA = { "Lao PDR" },
   LC = { "St Lucia", "St. Lucia" },
   LK = { "Ceylon" },
   MD = { "Moldavia" },
   MF = { "St Martin", "St. Martin", "Saint-Martin" },
   MK = { "Macedonia", "FYROM", "Former Yugoslav Republic of Macedonia", "Republic of Macedonia",
          "Republic of North Macedonia" },
   MM = { "Burma", "Union of Myanmar", "Union of Burma" },
   MO = { "Macao" },
   MP = { "Northern Marianas", "Marianas" },
   NL = { "Holland" },
   PG = { "PNG" },
   PM = { "St Pierre and Miquelon", "St. Pierre and Miquelon" },
   PS = { "State of Palestine", "Palestinian Territories", "Occupied Palestinian Territories" },
   RU = { "Russian Federation" },
   SA = { "KSA", "Kingdom of Saudi Arabia" },
   SH = { "St Helena", "St. Helena", "Saint Helena, Ascension and Tristan da Cunha" },
   SJ = { "Svalbard" },
   ST = { "São Tomé and Príncipe", "Sao Tome", "São Tomé", "Sao Tome & Principe" },
   SZ = { "Swaziland", "Kingdom of Swaziland" },
   TC = { "Turks and Caicos", "Turks & Caicos" },
   TL = { "Timor-Leste", "Timor Leste" },
   TR = { "Türkiye", "Turkiye" },
   TT = { "Trinidad", "Trinidad & Tobago" },
   TW = { "Republic of China", "Chinese Taipei", "Formosa" },
   US = { "U.S.", "US", "U.S.A.", "USA", "America", "United States of America" },
   VA = { "Vatican", "Holy See", "Vatican City State" },
   VC = { "St Vincent and the Grenadines", "St. Vincent and the Grenadines", "St Vincent",
          "St. Vincent", "Saint Vincent" },
   VG = { "BVI", "B.V.I." },
   VI = { "US Virgin Islands", "USVI", "Virgin Islands" },
   VN = { "Viet Nam" },
   WF = { "Wallis & Futuna" },
}

-- Names that are also common words, first names, surnames or other places:
-- rules should want title case and context before trusting a one-token
-- match of these entries.
local AMBIGUOUS = {
   CL = true,  -- chile (pepper)
   CN = true,  -- china (porcelain)
   GE = true,  -- U.S. state, first name
   GG = true,  -- guernsey (sweater)
   GN = true,  -- guinea (coin, guinea pig)
   IL = true,  -- first name
   IN = true,  -- first name
   JE = true,  -- jersey (shirt), New Jersey
   JO = true,  -- first name, surname
   ML = true,  -- first name
   NE = true,  -- river Niger
   RE = true,  -- "Reunion", the ASCII spelling, is a common word
   TD = true,  -- first name
   TG = true,  -- "to go"
   TR = true,  -- turkey (bird)
}

-- Territories that are not sovereign states (attrs.dependent = true).
local DEPENDENT = {}
for code in ([[AW AI AX AS TF BQ BL BM BV CC CK CW CX KY EH FK FO GG GI GP GL GF GU HK
   HM IM IO JE MO MF MP MS MQ YT NC NF NU PN PR PF RE GS SH SJ PM SX TC TK UM VG VI WF]]):gmatch("%u%u") do
   DEPENDENT[code] = true
end

-- Entries that are not in ISO 3166-1: parts of the United Kingdom (ISO
-- 3166-2 codes), Kosovo (the user-assigned code XK) and states that no
-- longer exist (codes of ISO 3166-3), frequent in older news.
local EXTRA_COUNTRIES = {
   { code = "GB-ENG", name = "England", part_of = "United Kingdom" },
   { code = "GB-SCT", name = "Scotland", part_of = "United Kingdom" },
   { code = "GB-WLS", name = "Wales", part_of = "United Kingdom" },
   { code = "GB-NIR", name = "Northern Ireland", part_of = "United Kingdom", aliases = { "Ulster" } },
   { code = "XK", name = "Kosovo", aliases = { "Republic of Kosovo", "Kosova" } },
   { code = "SU", name = "Soviet Union", historical = true,
     aliases = { "USSR", "U.S.S.R.", "Union of Soviet Socialist Republics" } },
   { code = "YU", name = "Yugoslavia", historical = true,
     aliases = { "Federal Republic of Yugoslavia", "Socialist Federal Republic of Yugoslavia" } },
   { code = "CS", name = "Serbia and Montenegro", historical = true,
     aliases = { "Serbia-Montenegro", "Serbia & Montenegro" } },
   { code = "CS", name = "Czechoslovakia", historical = true },
   { code = "DD", name = "East Germany", historical = true,
     aliases = { "German Democratic Republic", "GDR" } },
   { code = "DE", name = "West Germany", historical = true },
   { code = "AN", name = "Netherlands Antilles", historical = true },
}

---------------------------------------------------------------------------
-- Demonyms: {country (a canonical name of countries.tsv), singular names
-- (the first is the canonical one), plural names (likewise)[, ambiguous]}.
-- A name that is both singular and plural ("Chinese") is listed once.
---------------------------------------------------------------------------

local DEMONYMS = {
   { "Afghanistan", { "Afghan" }, { "Afghans" } },
   { "Albania", { "Albanian" }, { "Albanians" } },
   { "Algeria", { "Algerian" }, { "Algerians" } },
   { "Andorra", { "Andorran" }, { "Andorrans" } },
   { "Angola", { "Angolan" }, { "Angolans" } },
   { "Antigua and Barbuda", { "Antiguan", "Barbudan" }, { "Antiguans" } },
   { "Argentina", { "Argentine", "Argentinian", "Argentinean" }, { "Argentines", "Argentinians", "Argentineans" } },
   { "Armenia", { "Armenian" }, { "Armenians" } },
   { "Aruba", { "Aruban" }, { "Arubans" } },
   { "Australia", { "Australian", "Aussie" }, { "Australians", "Aussies" } },
   { "Austria", { "Austrian" }, { "Austrians" } },
   { "Azerbaijan", { "Azerbaijani", "Azeri" }, { "Azerbaijanis", "Azeris" } },
   { "Bahamas", { "Bahamian" }, { "Bahamians" } },
   { "Bahrain", { "Bahraini" }, { "Bahrainis" } },
   { "Bangladesh", { "Bangladeshi" }, { "Bangladeshis" } },
   { "Barbados", { "Barbadian", "Bajan" }, { "Barbadians", "Bajans" } },
   { "Belarus", { "Belarusian", "Belarussian", "Byelorussian", "Belorussian" },
     { "Belarusians", "Belarussians", "Byelorussians", "Belorussians" } },
   { "Belgium", { "Belgian" }, { "Belgians" } },
   { "Belize", { "Belizean" }, { "Belizeans" } },
   { "Benin", { "Beninese", "Beninois" }, {} },
   { "Bermuda", { "Bermudian", "Bermudan" }, { "Bermudians" } },
   { "Bhutan", { "Bhutanese" }, {} },
   { "Bolivia", { "Bolivian" }, { "Bolivians" } },
   { "Bosnia and Herzegovina", { "Bosnian", "Herzegovinian" }, { "Bosnians" } },
   { "Botswana", { "Botswanan", "Motswana" }, { "Batswana", "Botswanans" } },
   { "Brazil", { "Brazilian" }, { "Brazilians" } },
   { "Brunei", { "Bruneian" }, { "Bruneians" } },
   { "Bulgaria", { "Bulgarian" }, { "Bulgarians" } },
   { "Burkina Faso", { "Burkinabe", "Burkinabé" }, {} },
   { "Burundi", { "Burundian" }, { "Burundians" } },
   { "Cambodia", { "Cambodian" }, { "Cambodians" } },
   { "Cameroon", { "Cameroonian" }, { "Cameroonians" } },
   { "Canada", { "Canadian" }, { "Canadians" } },
   { "Cape Verde", { "Cape Verdean", "Cabo Verdean" }, { "Cape Verdeans" } },
   { "Cayman Islands", { "Caymanian" }, { "Caymanians" } },
   { "Central African Republic", { "Central African" }, { "Central Africans" } },
   { "Chad", { "Chadian" }, { "Chadians" } },
   { "Chile", { "Chilean" }, { "Chileans" } },
   { "China", { "Chinese" }, {} },
   { "Colombia", { "Colombian" }, { "Colombians" } },
   { "Comoros", { "Comoran", "Comorian" }, { "Comorans", "Comorians" } },
   { "Democratic Republic of the Congo", { "Congolese" }, {} },
   { "Costa Rica", { "Costa Rican" }, { "Costa Ricans" } },
   { "Ivory Coast", { "Ivorian", "Ivoirian" }, { "Ivorians", "Ivoirians" } },
   { "Croatia", { "Croatian", "Croat" }, { "Croatians", "Croats" } },
   { "Cuba", { "Cuban" }, { "Cubans" } },
   { "Cyprus", { "Cypriot", "Greek Cypriot", "Turkish Cypriot" },
     { "Cypriots", "Greek Cypriots", "Turkish Cypriots" } },
   { "Czech Republic", { "Czech" }, { "Czechs" } },
   { "Denmark", { "Danish", "Dane" }, { "Danes" } },
   { "Djibouti", { "Djiboutian" }, { "Djiboutians" } },
   { "Dominican Republic", { "Dominican" }, { "Dominicans" } },
   { "East Timor", { "East Timorese", "Timorese" }, {} },
   { "Ecuador", { "Ecuadorian", "Ecuadorean" }, { "Ecuadorians", "Ecuadoreans" } },
   { "Egypt", { "Egyptian" }, { "Egyptians" } },
   { "El Salvador", { "Salvadoran", "Salvadorean", "Salvadorian" }, { "Salvadorans", "Salvadoreans" } },
   { "Equatorial Guinea", { "Equatorial Guinean", "Equatoguinean" }, { "Equatorial Guineans" } },
   { "Eritrea", { "Eritrean" }, { "Eritreans" } },
   { "Estonia", { "Estonian" }, { "Estonians" } },
   { "Eswatini", { "Swazi" }, { "Swazis" } },
   { "Ethiopia", { "Ethiopian" }, { "Ethiopians" } },
   { "Faroe Islands", { "Faroese", "Faeroese" }, {} },
   { "Fiji", { "Fijian" }, { "Fijians" } },
   { "Finland", { "Finnish" }, { "Finns" } },
   { "France", { "French", "Frenchman", "Frenchwoman" }, { "Frenchmen", "Frenchwomen" } },
   { "French Polynesia", { "French Polynesian", "Tahitian" }, { "Tahitians" } },
   { "Gabon", { "Gabonese" }, {} },
   { "Gambia", { "Gambian" }, { "Gambians" } },
   { "Georgia", { "Georgian" }, { "Georgians" }, true },
   { "Germany", { "German" }, { "Germans" } },
   { "Ghana", { "Ghanaian", "Ghanian" }, { "Ghanaians" } },
   { "Gibraltar", { "Gibraltarian" }, { "Gibraltarians" } },
   { "Greece", { "Greek", "Hellenic" }, { "Greeks" } },
   { "Greenland", { "Greenlandic", "Greenlander" }, { "Greenlanders" } },
   { "Grenada", { "Grenadian" }, { "Grenadians" } },
   { "Guam", { "Guamanian" }, { "Guamanians" } },
   { "Guatemala", { "Guatemalan" }, { "Guatemalans" } },
   { "Guinea", { "Guinean" }, { "Guineans" } },
   { "Guinea-Bissau", { "Bissau-Guinean" }, { "Bissau-Guineans" } },
   { "Guyana", { "Guyanese" }, {} },
   { "Haiti", { "Haitian" }, { "Haitians" } },
   { "Honduras", { "Honduran" }, { "Hondurans" } },
   { "Hong Kong", { "Hong Konger", "Hongkonger" }, { "Hong Kongers", "Hongkongers" } },
   { "Hungary", { "Hungarian", "Magyar" }, { "Hungarians", "Magyars" } },
   { "Iceland", { "Icelandic", "Icelander" }, { "Icelanders" } },
   { "India", { "Indian" }, { "Indians" } },
   { "Indonesia", { "Indonesian" }, { "Indonesians" } },
   { "Iran", { "Iranian" }, { "Iranians" } },
   { "Iraq", { "Iraqi" }, { "Iraqis" } },
   { "Ireland", { "Irish", "Irishman", "Irishwoman" }, { "Irishmen", "Irishwomen" } },
   { "Israel", { "Israeli" }, { "Israelis" } },
   { "Italy", { "Italian" }, { "Italians" } },
   { "Jamaica", { "Jamaican" }, { "Jamaicans" } },
   { "Japan", { "Japanese" }, {} },
   { "Jordan", { "Jordanian" }, { "Jordanians" } },
   { "Kazakhstan", { "Kazakh", "Kazakhstani", "Kazak", "Kazakstani" }, { "Kazakhs", "Kazakhstanis", "Kazaks" } },
   { "Kenya", { "Kenyan" }, { "Kenyans" } },
   { "Kiribati", { "I-Kiribati" }, {} },
   { "Kosovo", { "Kosovar", "Kosovan" }, { "Kosovars", "Kosovans" } },
   { "Kuwait", { "Kuwaiti" }, { "Kuwaitis" } },
   { "Kyrgyzstan", { "Kyrgyz", "Kirghiz", "Kyrgyzstani", "Kirgiz" }, { "Kyrgyzstanis" } },
   { "Laos", { "Laotian" }, { "Laotians" } },
   { "Latvia", { "Latvian" }, { "Latvians" } },
   { "Lebanon", { "Lebanese" }, {} },
   { "Lesotho", { "Mosotho", "Basotho" }, {} },
   { "Liberia", { "Liberian" }, { "Liberians" } },
   { "Libya", { "Libyan" }, { "Libyans" } },
   { "Liechtenstein", { "Liechtensteiner" }, { "Liechtensteiners" } },
   { "Lithuania", { "Lithuanian" }, { "Lithuanians" } },
   { "Luxembourg", { "Luxembourgish", "Luxembourger", "Luxembourgian" }, { "Luxembourgers" } },
   { "Macau", { "Macanese" }, {} },
   { "Madagascar", { "Malagasy" }, {} },
   { "Malawi", { "Malawian" }, { "Malawians" } },
   { "Malaysia", { "Malaysian" }, { "Malaysians" } },
   { "Maldives", { "Maldivian" }, { "Maldivians" } },
   { "Mali", { "Malian" }, { "Malians" } },
   { "Malta", { "Maltese" }, {} },
   { "Marshall Islands", { "Marshallese" }, {} },
   { "Mauritania", { "Mauritanian" }, { "Mauritanians" } },
   { "Mauritius", { "Mauritian" }, { "Mauritians" } },
   { "Mexico", { "Mexican" }, { "Mexicans" } },
   { "Micronesia", { "Micronesian" }, { "Micronesians" } },
   { "Moldova", { "Moldovan", "Moldavian" }, { "Moldovans", "Moldavians" } },
   { "Monaco", { "Monegasque", "Monacan" }, { "Monegasques" } },
   { "Mongolia", { "Mongolian" }, { "Mongolians" } },
   { "Montenegro", { "Montenegrin" }, { "Montenegrins" } },
   { "Morocco", { "Moroccan" }, { "Moroccans" } },
   { "Mozambique", { "Mozambican" }, { "Mozambicans" } },
   { "Myanmar", { "Burmese" }, {} },
   { "Namibia", { "Namibian" }, { "Namibians" } },
   { "Nauru", { "Nauruan" }, { "Nauruans" } },
   { "Nepal", { "Nepalese", "Nepali" }, { "Nepalis" } },
   { "Netherlands", { "Dutch", "Dutchman", "Dutchwoman", "Netherlander" }, { "Dutchmen", "Netherlanders" } },
   { "New Caledonia", { "New Caledonian" }, { "New Caledonians" } },
   { "New Zealand", { "New Zealander" }, { "New Zealanders" } },
   { "Nicaragua", { "Nicaraguan" }, { "Nicaraguans" } },
   { "Niger", { "Nigerien" }, { "Nigeriens" } },
   { "Nigeria", { "Nigerian" }, { "Nigerians" } },
   { "North Korea", { "North Korean" }, { "North Koreans" } },
   { "North Macedonia", { "Macedonian", "North Macedonian" }, { "Macedonians", "North Macedonians" } },
   { "Norway", { "Norwegian" }, { "Norwegians" } },
   { "Oman", { "Omani" }, { "Omanis" } },
   { "Pakistan", { "Pakistani" }, { "Pakistanis" } },
   { "Palau", { "Palauan" }, { "Palauans" } },
   { "Palestine", { "Palestinian" }, { "Palestinians" } },
   { "Panama", { "Panamanian" }, { "Panamanians" } },
   { "Papua New Guinea", { "Papua New Guinean" }, { "Papua New Guineans" } },
   { "Paraguay", { "Paraguayan" }, { "Paraguayans" } },
   { "Peru", { "Peruvian" }, { "Peruvians" } },
   { "Philippines", { "Filipino", "Philippine", "Filipina" }, { "Filipinos", "Filipinas" } },
   { "Poland", { "Polish", "Pole" }, { "Poles" }, true },
   { "Portugal", { "Portuguese" }, {} },
   { "Puerto Rico", { "Puerto Rican" }, { "Puerto Ricans" } },
   { "Qatar", { "Qatari" }, { "Qataris" } },
   { "Romania", { "Romanian", "Rumanian", "Roumanian" }, { "Romanians", "Rumanians" } },
   { "Russia", { "Russian" }, { "Russians" } },
   { "Rwanda", { "Rwandan", "Rwandese" }, { "Rwandans" } },
   { "Saint Kitts and Nevis", { "Kittitian", "Nevisian" }, { "Kittitians" } },
   { "Saint Lucia", { "Saint Lucian", "St Lucian" }, { "Saint Lucians" } },
   { "Saint Vincent and the Grenadines", { "Vincentian" }, { "Vincentians" } },
   { "Samoa", { "Samoan" }, { "Samoans" } },
   { "San Marino", { "Sammarinese", "San Marinese" }, {} },
   { "Sao Tome and Principe", { "Santomean", "Sao Tomean" }, { "Santomeans" } },
   { "Saudi Arabia", { "Saudi", "Saudi Arabian" }, { "Saudis", "Saudi Arabians" } },
   { "Senegal", { "Senegalese" }, {} },
   { "Serbia", { "Serbian", "Serb" }, { "Serbians", "Serbs" } },
   { "Seychelles", { "Seychellois" }, {} },
   { "Sierra Leone", { "Sierra Leonean" }, { "Sierra Leoneans" } },
   { "Singapore", { "Singaporean" }, { "Singaporeans" } },
   { "Slovakia", { "Slovak", "Slovakian" }, { "Slovaks", "Slovakians" } },
   { "Slovenia", { "Slovenian", "Slovene" }, { "Slovenians", "Slovenes" } },
   { "Solomon Islands", { "Solomon Islander" }, { "Solomon Islanders" } },
   { "Somalia", { "Somali", "Somalian" }, { "Somalis", "Somalians" } },
   { "South Africa", { "South African" }, { "South Africans" } },
   { "South Korea", { "South Korean" }, { "South Koreans" } },
   { "South Sudan", { "South Sudanese" }, {} },
   { "Spain", { "Spanish", "Spaniard" }, { "Spaniards" } },
   { "Sri Lanka", { "Sri Lankan" }, { "Sri Lankans" } },
   { "Sudan", { "Sudanese" }, {} },
   { "Suriname", { "Surinamese", "Surinamer" }, { "Surinamers" } },
   { "Sweden", { "Swedish", "Swede" }, { "Swedes" }, true },
   { "Switzerland", { "Swiss" }, {} },
   { "Syria", { "Syrian" }, { "Syrians" } },
   { "Taiwan", { "Taiwanese" }, {} },
   { "Tajikistan", { "Tajik", "Tajikistani", "Tadjik", "Tadzhik" }, { "Tajiks", "Tajikistanis", "Tadjiks" } },
   { "Tanzania", { "Tanzanian" }, { "Tanzanians" } },
   { "Thailand", { "Thai" }, { "Thais" } },
   { "Togo", { "Togolese" }, {} },
   { "Tonga", { "Tongan" }, { "Tongans" } },
   { "Trinidad and Tobago", { "Trinidadian", "Tobagonian", "Trinbagonian" }, { "Trinidadians", "Tobagonians" } },
   { "Tunisia", { "Tunisian" }, { "Tunisians" } },
   { "Turkey", { "Turkish", "Turk" }, { "Turks" } },
   { "Turkmenistan", { "Turkmen", "Turkmenistani", "Turkoman", "Turkman" }, { "Turkmens", "Turkomans" } },
   { "Tuvalu", { "Tuvaluan" }, { "Tuvaluans" } },
   { "Uganda", { "Ugandan" }, { "Ugandans" } },
   { "Ukraine", { "Ukrainian" }, { "Ukrainians" } },
   { "United Arab Emirates", { "Emirati", "Emirian" }, { "Emiratis" } },
   { "United Kingdom", { "British", "Briton", "Brit" }, { "Britons", "Brits" } },
   { "United States", { "American" }, { "Americans" } },
   { "Uruguay", { "Uruguayan" }, { "Uruguayans" } },
   { "Uzbekistan", { "Uzbek", "Uzbekistani" }, { "Uzbeks", "Uzbekistanis" } },
   { "Vanuatu", { "Ni-Vanuatu", "Vanuatuan" }, {} },
   { "Venezuela", { "Venezuelan" }, { "Venezuelans" } },
   { "Vietnam", { "Vietnamese" }, {} },
   { "Yemen", { "Yemeni", "Yemenite" }, { "Yemenis", "Yemenites" } },
   { "Zambia", { "Zambian" }, { "Zambians" } },
   { "Zimbabwe", { "Zimbabwean" }, { "Zimbabweans" } },
   -- parts of the United Kingdom
   { "England", { "English", "Englishman", "Englishwoman" }, { "Englishmen", "Englishwomen" } },
   { "Scotland", { "Scottish", "Scot", "Scotsman", "Scotswoman" }, { "Scots", "Scotsmen", "Scotswomen" } },
   { "Wales", { "Welsh", "Welshman", "Welshwoman" }, { "Welshmen", "Welshwomen" } },
   { "Northern Ireland", { "Northern Irish" }, {} },
   -- states that no longer exist
   { "Soviet Union", { "Soviet" }, { "Soviets" } },
   { "Yugoslavia", { "Yugoslav", "Yugoslavian" }, { "Yugoslavs", "Yugoslavians" } },
   { "Czechoslovakia", { "Czechoslovak", "Czechoslovakian" }, { "Czechoslovaks" } },
   { "East Germany", { "East German" }, { "East Germans" } },
   { "West Germany", { "West German" }, { "West Germans" } },
}

-- Demonyms that are not of a country: {kind, place (the region, people,
-- religion or language; attrs.region / attrs.group), singulars, plurals
-- [, ambiguous]}.
local OTHER_DEMONYMS = {
   -- continents and regions (attrs.region: a canonical name of places.tsv)
   { "region", "Europe", { "European" }, { "Europeans" } },
   { "region", "Africa", { "African" }, { "Africans" } },
   { "region", "Asia", { "Asian" }, { "Asians" } },
   { "region", "Latin America", { "Latin American" }, { "Latin Americans" } },
   { "region", "South America", { "South American" }, { "South Americans" } },
   { "region", "North America", { "North American" }, { "North Americans" } },
   { "region", "Central America", { "Central American" }, { "Central Americans" } },
   { "region", "Middle East", { "Middle Eastern" }, {} },
   { "region", "Eastern Europe", { "Eastern European", "East European" }, { "Eastern Europeans", "East Europeans" } },
   { "region", "Western Europe", { "Western European", "West European" }, { "Western Europeans" } },
   { "region", "Central Europe", { "Central European" }, { "Central Europeans" } },
   { "region", "Southeast Asia", { "Southeast Asian", "South-East Asian" }, { "Southeast Asians" } },
   { "region", "Central Asia", { "Central Asian" }, { "Central Asians" } },
   { "region", "South Asia", { "South Asian" }, { "South Asians" } },
   { "region", "East Asia", { "East Asian" }, { "East Asians" } },
   { "region", "North Africa", { "North African" }, { "North Africans" } },
   { "region", "West Africa", { "West African" }, { "West Africans" } },
   { "region", "East Africa", { "East African" }, { "East Africans" } },
   { "region", "Scandinavia", { "Scandinavian" }, { "Scandinavians" } },
   { "region", "Nordic countries", { "Nordic" }, {} },
   { "region", "Baltic states", { "Baltic" }, { "Balts" } },
   { "region", "Balkans", { "Balkan" }, {} },
   { "region", "Caucasus", { "Caucasian" }, { "Caucasians" }, true },
   { "region", "Eurasia", { "Eurasian" }, { "Eurasians" } },
   { "region", "Pacific", { "Pacific Islander" }, { "Pacific Islanders" } },
   { "region", "Sub-Saharan Africa", { "Sub-Saharan", "sub-Saharan" }, {} },
   { "region", "Western world", { "Western" }, { "Westerners" }, true },
   { "region", "Siberia", { "Siberian" }, { "Siberians" } },
   { "region", "Crimea", { "Crimean" }, { "Crimeans" } },
   { "region", "Chechnya", { "Chechen" }, { "Chechens" } },
   { "region", "Dagestan", { "Dagestani" }, { "Dagestanis" } },
   { "region", "Ingushetia", { "Ingush" }, {} },
   { "region", "Abkhazia", { "Abkhaz", "Abkhazian" }, { "Abkhazians" } },
   { "region", "South Ossetia", { "Ossetian", "South Ossetian" }, { "Ossetians" } },
   { "region", "Nagorno-Karabakh", { "Karabakh Armenian" }, { "Karabakh Armenians" } },
   { "region", "Catalonia", { "Catalan", "Catalonian" }, { "Catalans" } },
   { "region", "Basque Country", { "Basque" }, { "Basques" } },
   { "region", "Flanders", { "Flemish", "Fleming" }, { "Flemings" } },
   { "region", "Wallonia", { "Walloon" }, { "Walloons" } },
   { "region", "Bavaria", { "Bavarian" }, { "Bavarians" } },
   { "region", "Sicily", { "Sicilian" }, { "Sicilians" } },
   { "region", "Sardinia", { "Sardinian" }, { "Sardinians" } },
   { "region", "Corsica", { "Corsican" }, { "Corsicans" } },
   { "region", "Quebec", { "Quebecer", "Quebecker", "Québécois", "Quebecois" }, { "Quebecers", "Quebeckers" } },
   { "region", "Texas", { "Texan" }, { "Texans" } },
   { "region", "California", { "Californian" }, { "Californians" } },
   { "region", "Florida", { "Floridian" }, { "Floridians" } },
   { "region", "Tibet", { "Tibetan" }, { "Tibetans" } },
   { "region", "Xinjiang", { "Uighur", "Uyghur", "Uigur" }, { "Uighurs", "Uyghurs" } },
   { "region", "Kashmir", { "Kashmiri" }, { "Kashmiris" } },
   { "region", "Punjab", { "Punjabi" }, { "Punjabis" } },
   { "region", "Bengal", { "Bengali" }, { "Bengalis" } },
   { "region", "Gaza Strip", { "Gazan" }, { "Gazans" } },
   { "region", "Kurdistan", { "Kurdish", "Kurd" }, { "Kurds" } },
   { "region", "Darfur", { "Darfuri" }, { "Darfuris" } },
   { "region", "Tigray", { "Tigrayan" }, { "Tigrayans" } },
   { "region", "Transnistria", { "Transnistrian" }, { "Transnistrians" } },
   { "region", "Galicia", { "Galician" }, { "Galicians" } },
   { "region", "Andalusia", { "Andalusian" }, { "Andalusians" } },
   { "region", "Hawaii", { "Hawaiian" }, { "Hawaiians" } },
   { "region", "Alaska", { "Alaskan" }, { "Alaskans" } },
   { "city", "Moscow", { "Muscovite" }, { "Muscovites" } },
   { "city", "London", { "Londoner" }, { "Londoners" } },
   { "city", "Paris", { "Parisian" }, { "Parisians" } },
   { "city", "New York", { "New Yorker" }, { "New Yorkers" } },
   { "city", "Berlin", { "Berliner" }, { "Berliners" } },
   -- peoples and ethnic groups
   { "ethnic", "Arabs", { "Arab", "Arabian" }, { "Arabs" } },
   { "ethnic", "Koreans", { "Korean" }, { "Koreans" } },
   { "ethnic", "Slavs", { "Slavic", "Slav", "Slavonic" }, { "Slavs" } },
   { "ethnic", "Latinos", { "Latino", "Latina" }, { "Latinos", "Latinas" } },
   { "ethnic", "Hispanics", { "Hispanic" }, { "Hispanics" } },
   { "ethnic", "Anglo-Saxons", { "Anglo-Saxon" }, { "Anglo-Saxons" } },
   { "ethnic", "Persians", { "Persian" }, { "Persians" } },
   { "ethnic", "Pashtuns", { "Pashtun", "Pathan", "Pushtun" }, { "Pashtuns", "Pathans" } },
   { "ethnic", "Baloch", { "Baloch", "Baluch", "Balochi" }, {} },
   { "ethnic", "Hazaras", { "Hazara" }, { "Hazaras" } },
   { "ethnic", "Tamils", { "Tamil" }, { "Tamils" } },
   { "ethnic", "Sinhalese", { "Sinhalese", "Sinhala" }, {} },
   { "ethnic", "Berbers", { "Berber", "Amazigh" }, { "Berbers" } },
   { "ethnic", "Bedouin", { "Bedouin" }, { "Bedouins" } },
   { "ethnic", "Roma", { "Romany", "Romani" }, { "Roma" } },
   { "ethnic", "Druze", { "Druze", "Druse" }, {} },
   { "ethnic", "Maori", { "Maori", "Māori" }, {} },
   { "ethnic", "Aboriginal Australians", { "Aboriginal", "Aborigine" }, { "Aborigines" } },
   { "ethnic", "Yazidis", { "Yazidi", "Yezidi" }, { "Yazidis", "Yezidis" } },
   { "ethnic", "Tatars", { "Tatar", "Tartar" }, { "Tatars" } },
   { "ethnic", "Circassians", { "Circassian" }, { "Circassians" } },
   { "ethnic", "Hutu", { "Hutu" }, { "Hutus" } },
   { "ethnic", "Tutsi", { "Tutsi" }, { "Tutsis" } },
   { "ethnic", "Zulu", { "Zulu" }, { "Zulus" } },
   { "ethnic", "Rohingya", { "Rohingya" }, { "Rohingyas" } },
   { "ethnic", "Inuit", { "Inuit" }, {} },
   { "ethnic", "Native Americans", { "Native American" }, { "Native Americans" } },
   { "ethnic", "African Americans", { "African American", "African-American" },
     { "African Americans", "African-Americans" } },
   { "ethnic", "Afrikaners", { "Afrikaner" }, { "Afrikaners" } },
   { "ethnic", "Celts", { "Celt" }, { "Celts" } },
   { "ethnic", "Mongols", { "Mongol" }, { "Mongols" } },
   { "ethnic", "Khmer", { "Khmer" }, {} },
   { "ethnic", "Han", { "Han Chinese" }, {} },
   -- religions (attrs.group)
   { "religion", "Islam", { "Muslim", "Moslem", "Islamic" }, { "Muslims", "Moslems" } },
   { "religion", "Christianity", { "Christian" }, { "Christians" }, true },
   { "religion", "Judaism", { "Jewish", "Jew" }, { "Jews" } },
   { "religion", "Catholicism", { "Catholic", "Roman Catholic" }, { "Catholics", "Roman Catholics" } },
   { "religion", "Protestantism", { "Protestant" }, { "Protestants" } },
   { "religion", "Eastern Orthodoxy", { "Orthodox", "Orthodox Christian" }, { "Orthodox Christians" } },
   { "religion", "Hinduism", { "Hindu" }, { "Hindus" } },
   { "religion", "Buddhism", { "Buddhist" }, { "Buddhists" } },
   { "religion", "Sunni Islam", { "Sunni" }, { "Sunnis" } },
   { "religion", "Shia Islam", { "Shi'ite", "Shiite", "Shia", "Shi'a" }, { "Shi'ites", "Shiites", "Shias" } },
   { "religion", "Alawites", { "Alawite" }, { "Alawites" } },
   { "religion", "Coptic Christianity", { "Coptic", "Copt" }, { "Copts" } },
   { "religion", "Evangelicalism", { "Evangelical" }, { "Evangelicals" } },
   { "religion", "Anglicanism", { "Anglican" }, { "Anglicans" } },
   { "religion", "Lutheranism", { "Lutheran" }, { "Lutherans" } },
   { "religion", "Mormonism", { "Mormon" }, { "Mormons" } },
   { "religion", "Sikhism", { "Sikh" }, { "Sikhs" } },
   { "religion", "Zionism", { "Zionist" }, { "Zionists" } },
   -- languages (attrs.group) that are not a nationality's adjective above
   { "language", "Arabic", { "Arabic" }, {} },
   { "language", "Hebrew", { "Hebrew" }, {} },
   { "language", "Mandarin", { "Mandarin" }, {} },
   { "language", "Cantonese", { "Cantonese" }, {} },
   { "language", "Hindi", { "Hindi" }, {} },
   { "language", "Urdu", { "Urdu" }, {} },
   { "language", "Farsi", { "Farsi" }, {} },
   { "language", "Swahili", { "Swahili" }, {} },
   { "language", "Latin", { "Latin" }, {} },
   { "language", "Yiddish", { "Yiddish" }, {} },
   { "language", "Afrikaans", { "Afrikaans" }, {} },
   { "language", "Gaelic", { "Gaelic" }, {} },
   { "language", "Esperanto", { "Esperanto" }, {} },
   { "language", "Pashto", { "Pashto" }, {} },
   { "language", "Dari", { "Dari" }, {} },
}

---------------------------------------------------------------------------
-- Helpers
---------------------------------------------------------------------------

local function die(msg)
   io.stderr:write("gen_gazetteers: ", msg, "\n")
   os.exit(1)
end

local function read_file(path)
   local f, err = io.open(path, "rb")
   if not f then return nil, err end
   local s = f:read("a")
   f:close()
   return s
end

-- JSON object text with keys in the given order (skipping nil values), so
-- that the output does not depend on hash-table order.
local function attrs_json(t, order)
   local parts = {}
   for _, k in ipairs(order) do
      local v = t[k]
      if v ~= nil then parts[#parts + 1] = cjson.encode(k) .. ":" .. cjson.encode(v) end
   end
   return "{" .. table.concat(parts, ",") .. "}"
end

-- ASCII spelling of a name: Latin letters with diacritics lose them.
local ASCII = {
   ["á"] = "a", ["à"] = "a", ["â"] = "a", ["ä"] = "a", ["ã"] = "a", ["å"] = "a",
   ["Á"] = "A", ["À"] = "A", ["Â"] = "A", ["Ä"] = "A", ["Ã"] = "A", ["Å"] = "A",
   ["ç"] = "c", ["Ç"] = "C", ["é"] = "e", ["è"] = "e", ["ê"] = "e", ["ë"] = "e",
   ["É"] = "E", ["È"] = "E", ["í"] = "i", ["ì"] = "i", ["î"] = "i", ["ï"] = "i",
   ["Í"] = "I", ["ñ"] = "n", ["Ñ"] = "N", ["ó"] = "o", ["ò"] = "o", ["ô"] = "o",
   ["ö"] = "o", ["õ"] = "o", ["Ó"] = "O", ["Ö"] = "O", ["ú"] = "u", ["ù"] = "u",
   ["û"] = "u", ["ü"] = "u", ["Ú"] = "U", ["Ü"] = "U", ["ý"] = "y", ["ÿ"] = "y",
}
local function ascii(s)
   return (s:gsub(utf8.charpattern, function(c) return ASCII[c] end))
end

-- A phrase key close to the gazetteer's (case folded, quotes unified,
-- tokens separated by one space). With the C core at hand, the exact keys.
local exact_key
do
   local ok, core = pcall(require, "quarry.core")
   if ok and type(core) == "table" and core.tokenize then
      exact_key = function(s)
         local toks <close> = core.tokenize(s)
         local keys = {}
         for i = 1, #toks do keys[i] = toks[i].key end
         return table.concat(keys, " ")
      end
   end
end
local function approx_key(s)
   for _, q in ipairs { "\u{2018}", "\u{2019}", "\u{02BC}", "`" } do s = s:gsub(q, "'") end
   for _, q in ipairs { "\u{201C}", "\u{201D}" } do s = s:gsub(q, '"') end
   s = s:gsub(utf8.charpattern, function(c)
      local cp = utf8.codepoint(c)
      if (cp >= 0x41 and cp <= 0x5A) or (cp >= 0xC0 and cp <= 0xDE and cp ~= 0xD7) then
         return utf8.char(cp + 32)
      end
   end)
   return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end
local function key_of(s) return exact_key and exact_key(s) or approx_key(s) end

-- Lines of a gazetteer TSV file being written: entries in order, each a
-- canonical name, a type, attrs and phrases (first the canonical name).
local function new_tsv()
   return { entries = {}, by_canonical = {} }
end

local function tsv_entry(tsv, canonical, typ, attrs)
   local e = tsv.by_canonical[canonical]
   if e then return e end
   e = { canonical = canonical, type = typ, attrs = attrs, phrases = {}, seen = {} }
   tsv.entries[#tsv.entries + 1] = e
   tsv.by_canonical[canonical] = e
   return e
end

-- Adds phrase (and its ASCII spelling) to entry e unless e already has it.
local function add_phrase(e, phrase)
   for _, p in ipairs { phrase, ascii(phrase) } do
      local k = approx_key(p)
      if not e.seen[k] then
         e.seen[k] = true
         e.phrases[#e.phrases + 1] = p
      end
   end
end

local function write_tsv(path, header, tsv, sort)
   local entries = { table.unpack(tsv.entries) }
   if sort then table.sort(entries, function(a, b) return a.canonical < b.canonical end) end
   local out = { header }
   for _, e in ipairs(entries) do
      for i, p in ipairs(e.phrases) do
         out[#out + 1] = table.concat({ p, i == 1 and p == e.canonical and "" or e.canonical, e.type, e.attrs }, "\t")
      end
   end
   local f = assert(io.open(path, "wb"))
   f:write(table.concat(out, "\n"), "\n")
   f:close()
   io.stderr:write(string.format("gen_gazetteers: wrote %s (%d entries, %d phrases)\n",
      path, #entries, #out - 1))
end

---------------------------------------------------------------------------
-- countries.tsv
---------------------------------------------------------------------------

local COUNTRY_KEYS = { "kind", "code", "dependent", "part_of", "historical", "ambiguous" }

local function iso_names(e)
   local names = {}
   for _, field in ipairs { "common_name", "name", "official_name" } do
      local n = e[field]
      if n then
         n = n:gsub("^the ", "")
         -- inverted names ("Korea, Republic of", "Virgin Islands, British")
         -- are catalogue forms, not text; bracketed notes are dropped
         if not n:find(",", 1, true) then
            local bare = n:gsub("%s*%b()", "")
            names[#names + 1] = bare
         end
      end
   end
   return names
end

local function build_countries()
   local text = read_file(iso_dir .. "/iso_3166-1.json")
   if not text then die("cannot read " .. iso_dir .. "/iso_3166-1.json") end
   local iso = cjson.decode(text)["3166-1"]
   local tsv = new_tsv()
   local canonical_of = {}
   for _, e in ipairs(iso) do
      local code = e.alpha_2
      local canonical = CANONICAL[code] or e.common_name or e.name
      if canonical:find(",", 1, true) then die("no canonical name for " .. code .. " (" .. e.name .. ")") end
      canonical_of[code] = canonical
      local attrs = attrs_json({
         kind = code == "AQ" and "continent" or "country", code = code, dependent = DEPENDENT[code] or nil,
         ambiguous = AMBIGUOUS[code] or nil,
      }, COUNTRY_KEYS)
      local entry = tsv_entry(tsv, canonical, "location", attrs)
      add_phrase(entry, canonical)
      local drop = DROP[code] or {}
      for _, n in ipairs(iso_names(e)) do
         if not drop[n] then add_phrase(entry, n) end
      end
      for _, n in ipairs(ALIASES[code] or {}) do add_phrase(entry, n) end
   end
   for code in pairs(ALIASES) do
      if not canonical_of[code] then die("ALIASES names " .. code .. ", not an ISO 3166-1 code") end
   end
   for code in pairs(CANONICAL) do
      if not canonical_of[code] then die("CANONICAL names " .. code .. ", not an ISO 3166-1 code") end
   end
   for _, x in ipairs(EXTRA_COUNTRIES) do
      local attrs = attrs_json({ kind = "country", code = x.code, part_of = x.part_of,
         historical = x.historical }, COUNTRY_KEYS)
      local entry = tsv_entry(tsv, x.name, "location", attrs)
      add_phrase(entry, x.name)
      for _, n in ipairs(x.aliases or {}) do add_phrase(entry, n) end
   end
   return tsv
end

---------------------------------------------------------------------------
-- demonyms.tsv
---------------------------------------------------------------------------

local DEMONYM_KEYS = { "kind", "country", "region", "city", "group", "plural", "ambiguous" }

local function build_demonyms(countries)
   local tsv = new_tsv()
   local function add(names, attrs_of_plural)
      if #names == 0 then return end
      local entry = tsv_entry(tsv, names[1], "demonym", attrs_of_plural)
      for _, n in ipairs(names) do add_phrase(entry, n) end
   end
   for _, d in ipairs(DEMONYMS) do
      local country, singular, plural, ambiguous = d[1], d[2], d[3], d[4] or nil
      if not countries.by_canonical[country] then die("demonym of an unknown country: " .. country) end
      add(singular, attrs_json({ kind = "country", country = country, plural = false, ambiguous = ambiguous },
         DEMONYM_KEYS))
      add(plural, attrs_json({ kind = "country", country = country, plural = true, ambiguous = ambiguous },
         DEMONYM_KEYS))
   end
   for _, d in ipairs(OTHER_DEMONYMS) do
      local kind, place, singular, plural, ambiguous = d[1], d[2], d[3], d[4], d[5] or nil
      local region = kind == "region" and place or nil
      local city = kind == "city" and place or nil
      local group = not (region or city) and place or nil
      add(singular, attrs_json({ kind = kind, region = region, city = city, group = group, plural = false,
         ambiguous = ambiguous }, DEMONYM_KEYS))
      add(plural, attrs_json({ kind = kind, region = region, city = city, group = group, plural = true,
         ambiguous = ambiguous }, DEMONYM_KEYS))
   end
   return tsv
end

---------------------------------------------------------------------------
-- Checks of every file in the data folder
---------------------------------------------------------------------------

local problems, notes = 0, 0
local function problem(where, msg)
   problems = problems + 1
   io.stderr:write(where, ": ", msg, "\n")
end
local note_list = {}
local function note(msg)
   notes = notes + 1
   note_list[notes] = msg
end

-- Phrases that deliberately lead to several entries of one file.
local SHARED_PHRASES = {}

local function list_dir(dir)
   local p = assert(io.popen('ls -1 "' .. dir .. '"'))
   local names = {}
   for name in p:lines() do names[#names + 1] = name end
   p:close()
   table.sort(names)
   return names
end

-- {file = {entries = {[canonical \0 type] = attrs}, phrases = {[key] = {entry keys}}}}
local function check_tsv(path, all, strict)
   local report = strict and problem or function() end
   local text = read_file(path)
   if #text > MAX_FILE_BYTES then report(path, string.format("%d bytes, over %d", #text, MAX_FILE_BYTES)) end
   local entries, phrases, first_line = {}, {}, {}
   local n = 0
   local lineno = 0
   for line in (text .. "\n"):gmatch("(.-)\r?\n") do
      lineno = lineno + 1
      if line ~= "" and not line:find("^#") then
         local where = path .. ":" .. lineno
         local f = {}
         for field in (line .. "\t"):gmatch("(.-)\t") do f[#f + 1] = field end
         if #f < 3 or #f > 4 then report(where, "expected 3 or 4 fields, found " .. #f) end
         local phrase, canonical, typ, attrs = f[1], f[2], f[3], f[4] or ""
         if phrase == "" or phrase:find("^%s") or phrase:find("%s$") then report(where, "bad phrase") end
         if canonical == "" then canonical = phrase end
         if typ == "" then report(where, "no type") end
         if attrs ~= "" then
            local ok, t = pcall(cjson.decode, attrs)
            if not ok or type(t) ~= "table" then report(where, "attrs are not a JSON object") end
         end
         local ekey = canonical .. "\0" .. typ
         if entries[ekey] == nil then
            entries[ekey] = attrs
         elseif attrs ~= "" and entries[ekey] ~= attrs then
            report(where, "attrs differ from those of the entry's first line: " .. canonical)
         end
         local k = key_of(phrase)
         local list = phrases[k]
         if not list then
            list = {}
            phrases[k] = list
            first_line[k] = lineno
         end
         local dup = false
         for _, x in ipairs(list) do if x == ekey then dup = true end end
         if dup then
            report(where, "phrase given twice for one entry: " .. phrase)
         else
            list[#list + 1] = ekey
            if #list == 2 and not SHARED_PHRASES[k] then
               report(where, string.format("phrase '%s' leads to two entries (%s; line %d: %s)",
                  phrase, canonical, first_line[k], (list[1]:gsub("%z.*", ""))))
            end
         end
         n = n + 1
      end
   end
   all[path] = { entries = entries, phrases = phrases, lines = n }
end

local function check_lines(path)
   local text = read_file(path)
   if #text > MAX_FILE_BYTES then problem(path, "over the size limit") end
   local seen, n, lineno = {}, 0, 0
   for line in (text .. "\n"):gmatch("(.-)\r?\n") do
      lineno = lineno + 1
      if line ~= "" and not line:find("^#") then
         local where = path .. ":" .. lineno
         if line ~= line:lower() then problem(where, "not lower case: " .. line) end
         if line:find("^%s") or line:find("%s$") or line:find("\t") then problem(where, "stray white space") end
         if seen[line] then problem(where, "duplicate of line " .. seen[line] .. ": " .. line) end
         seen[line] = lineno
         n = n + 1
      end
   end
   return n
end

-- The files this script checks strictly: its own output and the
-- hand-written lists of the same format. The folder holds other lists
-- (clubs, first names, cue words) kept by other means: their TSV entries
-- take part in the checks across files only.
local LINE_FILES = { ["titles.txt"] = true, ["speech_verbs.txt"] = true }
local TSV_FILES = {
   ["countries.tsv"] = true, ["demonyms.tsv"] = true, ["places.tsv"] = true,
   ["organizations.tsv"] = true, ["organizations_exact.tsv"] = true, ["agencies.tsv"] = true,
}

local function check_all()
   local all = {}
   local counts = {}
   for _, name in ipairs(list_dir(data_dir)) do
      local path = data_dir .. "/" .. name
      if name:match("%.tsv$") then
         check_tsv(path, all, TSV_FILES[name])
         counts[#counts + 1] = string.format("%s: %d phrases", name, all[path].lines)
      elseif LINE_FILES[name] then
         counts[#counts + 1] = string.format("%s: %d lines", name, check_lines(path))
      end
   end
   -- the countries attrs name
   local countries = all[data_dir .. "/countries.tsv"]
   local places = all[data_dir .. "/places.tsv"]
   local function known(set, name)
      return set and set.entries[name .. "\0location"] ~= nil
   end
   for path, file in pairs(all) do
      for ekey, attrs in pairs(file.entries) do
         if attrs ~= "" then
            local t = cjson.decode(attrs)
            if type(t) == "table" then
               for _, field in ipairs { "country", "part_of" } do
                  if type(t[field]) == "string" and not known(countries, t[field]) then
                     problem(path, string.format("%s: %s '%s' is not a canonical name of countries.tsv",
                        (ekey:gsub("%z.*", "")), field, t[field]))
                  end
               end
               for _, field in ipairs { "region", "city" } do
                  local v = t[field]
                  if type(v) == "string" and not known(places, v) and not known(countries, v) then
                     note(string.format("%s: %s: %s '%s' is not a canonical name of places.tsv",
                        path, (ekey:gsub("%z.*", "")), field, v))
                  end
               end
            end
         end
      end
   end
   -- across files: one entry, two sets of attrs
   local paths = {}
   for path in pairs(all) do paths[#paths + 1] = path end
   table.sort(paths)
   for i = 1, #paths do
      for j = i + 1, #paths do
         local a, b = all[paths[i]], all[paths[j]]
         for ekey, attrs in pairs(a.entries) do
            local other = b.entries[ekey]
            if other and other ~= attrs then
               note(string.format("entry '%s' (%s) is in %s and %s with different attrs",
                  (ekey:gsub("%z.*", "")), (ekey:gsub("^.*%z", "")), paths[i], paths[j]))
            end
         end
      end
   end
   table.sort(note_list)
   for _, msg in ipairs(note_list) do io.stderr:write("note: ", msg, "\n") end
   for _, c in ipairs(counts) do io.stderr:write(c, "\n") end
end

---------------------------------------------------------------------------

local countries = build_countries()
write_tsv(data_dir .. "/countries.tsv", [[
# Countries and territories, for the news rule pack: phrase, canonical name,
# type, attrs (kind "country", code: ISO 3166-1 alpha-2; dependent: not a
# sovereign state; part_of; historical: a state that no longer exists;
# ambiguous: a name that is also a common word, first name or other place,
# so rules should want title case and context for a one-token match).
#
# GENERATED by tools/gen_gazetteers.lua from Debian's iso-codes
# (/usr/share/iso-codes/json/iso_3166-1.json: name, common_name,
# official_name) plus the script's own tables of news names and aliases.
# Do not edit; edit the script and run it again (see its header).]], countries, true)

local demonyms = build_demonyms(countries)
write_tsv(data_dir .. "/demonyms.tsv", [[
# Demonyms and adjectives of countries, regions, peoples, religions and
# languages, for the news rule pack: phrase, canonical name, type "demonym",
# attrs (kind "country" with country: a canonical name of countries.tsv;
# kind "region" with region: a canonical name of places.tsv; kind "ethnic",
# "religion" or "language" with group; plural: a noun of many people;
# ambiguous: also a common word or first name).
# The canonical name is the usual singular (or plural) form, not the
# country: a gazetteer entry is keyed by canonical name and type, so
# "Armenian" and "Armenians" must be two entries to keep attrs.plural.
#
# GENERATED by tools/gen_gazetteers.lua from its hand-written tables
# (general knowledge). Do not edit; edit the script and run it again.]], demonyms, false)

if exact_key == nil then note("quarry.core not found: phrases compared by approximate keys") end
check_all()
if problems > 0 then
   io.stderr:write(string.format("gen_gazetteers: %d problem(s)\n", problems))
   os.exit(1)
end
