"""Aabenraa Kommune's MED and AMO organisation — a small, plausible demo structure (seed 002).

Seed 002 describes Aabenraa's enstrenget struktur (MED and arbejdsmiljø in one organisation, handled as close
to the workplace as possible), the yearly arbejdsmiljødrøftelse at every level, the Hoved-MED's strategiplan
every two years, and APV in a web portal. It has no organisation chart, so the units below are a small
selection: institution names are real Aabenraa Kommune institutions (Kongehøjskolen, Hærvejsskolen,
Lyreskovskolen, Børnehuset Fladhøj, Plejecenter Kirketoften, Bo & Aktivitet); the grouping, addresses
(the rådhus is Skelbækvej 2) and headcounts are demo data. amr_term_years 4 shows a kommune that has agreed
the longer AMR term. Pure data, no Django imports (read by demo_loader).

Structure (the counts in EXPECTED_COUNTS are counted from this description):
  Hoved-MED
  ├─ Område-MED Børn og Skole
  │    LokalMED Kongehøjskolen, LokalMED Hærvejsskolen, LokalMED Lyreskovskolen,
  │    personalemøde med MED-status Børnehuset Fladhøj, personalemøde med MED-status Dagplejen
  │    AMG Kongehøjskolen, AMG Hærvejsskolen, AMG Lyreskovskolen, AMG Dagtilbud (Fladhøj + Dagplejen)
  ├─ Område-MED Social og Sundhed
  │    LokalMED Plejecenter Kirketoften, LokalMED Hjemmeplejen Aabenraa, LokalMED Bo & Aktivitet,
  │    personalemøde med MED-status Træning og Rehabilitering
  │    AMG Kirketoften, AMG Hjemmeplejen, AMG Bo & Aktivitet, AMG Træning og Rehabilitering
  └─ Område-MED Teknik og Miljø
       LokalMED Drift og Anlæg, personalemøde med MED-status Teknik og Miljø på Rådhuset
       (covers Byg, Natur og Miljø and Vej og Trafik)
       AMG Drift og Anlæg, AMG Teknik og Miljø på Rådhuset
  LokalMED 3 + 3 + 1 = 7; personalemøder 2 + 1 + 1 = 4; AMG 4 + 4 + 2 = 10; workplaces 5 + 4 + 3 = 12.
"""

KOMMUNE = {
    "code": "aabenraa",
    "name": "Aabenraa Kommune",
    "kommunenummer": "580",
    "amr_term_years": 4,
    "med_agreement_name": "Aabenraa Kommunes MED-aftale",
    # Where the agreement says it (the paragraph on the arbejdsmiljøindsats: stk. 3 and 4).
    "rule_references": {
        "committees.yearly_amo_discussion": "stk. 3",
        "committees.strategy_plan": "stk. 3",
        "committees.strategy_midterm": "stk. 3",
        "apv.revision": "stk. 4",
        "apv.plan_follow_up": "stk. 4",
    },
}
HOVEDMED = {"code": "hoved-med", "name": "Hoved-MED"}

OMRAADER = [  # forvaltninger; each gets an Område-MED (AfdelingsMED) under Hoved-MED
    {"code": "boern-skole", "name": "Børn og Skole", "afdelingsmed": "Område-MED Børn og Skole"},
    {
        "code": "social-sundhed",
        "name": "Social og Sundhed",
        "afdelingsmed": "Område-MED Social og Sundhed",
    },
    {
        "code": "teknik-miljoe",
        "name": "Teknik og Miljø",
        "afdelingsmed": "Område-MED Teknik og Miljø",
    },
]

_RAADHUS = "Skelbækvej 2, 6200 Aabenraa"

WORKPLACES = [
    # --- Børn og Skole ----------------------------------------------------------------------------------------
    {
        "code": "kongehoejskolen",
        "name": "Kongehøjskolen",
        "omraade": "boern-skole",
        "section": "Skoler",
        "address": "Tøndervej 63, 6200 Aabenraa",
        "headcount": 115,
        "departments": ["Afdeling Tøndervej", "Afdeling Dronning Margrethes Vej", "SFO"],
    },
    {
        "code": "haervejsskolen",
        "name": "Hærvejsskolen",
        "omraade": "boern-skole",
        "section": "Skoler",
        "address": "Hærvejen 30, 6230 Rødekro",
        "headcount": 80,
        "departments": ["SFO"],
    },
    {
        "code": "lyreskovskolen",
        "name": "Lyreskovskolen",
        "omraade": "boern-skole",
        "section": "Skoler",
        "address": "Lyreskovvej 4, 6330 Padborg",
        "headcount": 72,
        "departments": ["SFO"],
    },
    {
        "code": "bhu-fladhoej",
        "name": "Børnehuset Fladhøj",
        "omraade": "boern-skole",
        "section": "Dagtilbud",
        "address": "Fladhøj 2, 6230 Rødekro",
        "headcount": 28,
        "departments": ["Vuggestue", "Børnehave"],
    },
    {
        "code": "dagplejen",
        "name": "Dagplejen",
        "omraade": "boern-skole",
        "section": "Dagtilbud",
        "address": _RAADHUS,
        "headcount": 60,
        "departments": [],
    },
    # --- Social og Sundhed ------------------------------------------------------------------------------------
    {
        "code": "plejecenter-kirketoften",
        "name": "Plejecenter Kirketoften",
        "omraade": "social-sundhed",
        "section": "Pleje og Omsorg",
        "address": "Kirketoften 1, 6200 Aabenraa",
        "headcount": 68,
        "departments": ["Dag", "Aften og nat"],
    },
    {
        "code": "hjemmeplejen-aabenraa",
        "name": "Hjemmeplejen Aabenraa",
        "omraade": "social-sundhed",
        "section": "Pleje og Omsorg",
        "address": "Nørreport 10, 6200 Aabenraa",
        "headcount": 120,
        "departments": ["Gruppe Nord", "Gruppe Syd", "Aften og nat"],
    },
    {
        "code": "bo-aktivitet",
        "name": "Bo & Aktivitet",
        "omraade": "social-sundhed",
        "section": "Social",
        "address": "Langrode 12, 6200 Aabenraa",
        "headcount": 90,
        "departments": [],
    },
    {
        "code": "traening-rehabilitering",
        "name": "Træning og Rehabilitering",
        "omraade": "social-sundhed",
        "section": "Sundhed",
        "address": "Haderslevvej 6, 6200 Aabenraa",
        "headcount": 35,
        "departments": [],
    },
    # --- Teknik og Miljø --------------------------------------------------------------------------------------
    {
        "code": "drift-anlaeg",
        "name": "Drift og Anlæg",
        "omraade": "teknik-miljoe",
        "section": "Drift",
        "address": "Industrivej 20, 6230 Rødekro",
        "headcount": 62,
        "departments": ["Vej", "Park og Natur"],
    },
    {
        "code": "byg-natur-miljoe",
        "name": "Byg, Natur og Miljø",
        "omraade": "teknik-miljoe",
        "section": "Myndighed",
        "address": _RAADHUS,
        "headcount": 34,
        "departments": [],
    },
    {
        "code": "vej-trafik",
        "name": "Vej og Trafik",
        "omraade": "teknik-miljoe",
        "section": "Myndighed",
        "address": _RAADHUS,
        "headcount": 18,
        "departments": [],
    },
]

_PM = "Personalemøde med MED-status – "

MED_COMMITTEES = [
    {
        "code": "lokalmed-kongehoejskolen",
        "name": "LokalMED Kongehøjskolen",
        "kind": "lokalmed",
        "omraade": "boern-skole",
        "section": "Skoler",
        "covers": ["kongehoejskolen"],
    },
    {
        "code": "lokalmed-haervejsskolen",
        "name": "LokalMED Hærvejsskolen",
        "kind": "lokalmed",
        "omraade": "boern-skole",
        "section": "Skoler",
        "covers": ["haervejsskolen"],
    },
    {
        "code": "lokalmed-lyreskovskolen",
        "name": "LokalMED Lyreskovskolen",
        "kind": "lokalmed",
        "omraade": "boern-skole",
        "section": "Skoler",
        "covers": ["lyreskovskolen"],
    },
    {
        "code": "pm-bhu-fladhoej",
        "name": _PM + "Børnehuset Fladhøj",
        "kind": "personalemoede",
        "omraade": "boern-skole",
        "section": "Dagtilbud",
        "covers": ["bhu-fladhoej"],
    },
    {
        "code": "pm-dagplejen",
        "name": _PM + "Dagplejen",
        "kind": "personalemoede",
        "omraade": "boern-skole",
        "section": "Dagtilbud",
        "covers": ["dagplejen"],
    },
    {
        "code": "lokalmed-plejecenter-kirketoften",
        "name": "LokalMED Plejecenter Kirketoften",
        "kind": "lokalmed",
        "omraade": "social-sundhed",
        "section": "Pleje og Omsorg",
        "covers": ["plejecenter-kirketoften"],
    },
    {
        "code": "lokalmed-hjemmeplejen-aabenraa",
        "name": "LokalMED Hjemmeplejen Aabenraa",
        "kind": "lokalmed",
        "omraade": "social-sundhed",
        "section": "Pleje og Omsorg",
        "covers": ["hjemmeplejen-aabenraa"],
    },
    {
        "code": "lokalmed-bo-aktivitet",
        "name": "LokalMED Bo & Aktivitet",
        "kind": "lokalmed",
        "omraade": "social-sundhed",
        "section": "Social",
        "covers": ["bo-aktivitet"],
    },
    {
        "code": "pm-traening-rehabilitering",
        "name": _PM + "Træning og Rehabilitering",
        "kind": "personalemoede",
        "omraade": "social-sundhed",
        "section": "Sundhed",
        "covers": ["traening-rehabilitering"],
    },
    {
        "code": "lokalmed-drift-anlaeg",
        "name": "LokalMED Drift og Anlæg",
        "kind": "lokalmed",
        "omraade": "teknik-miljoe",
        "section": "Drift",
        "covers": ["drift-anlaeg"],
    },
    {
        "code": "pm-teknik-miljoe-raadhuset",
        "name": _PM + "Teknik og Miljø på Rådhuset",
        "kind": "personalemoede",
        "omraade": "teknik-miljoe",
        "section": "Myndighed",
        "covers": ["byg-natur-miljoe", "vej-trafik"],
    },
]

AMGS = [
    {
        "code": "amg-kongehoejskolen",
        "name": "AMG Kongehøjskolen",
        "omraade": "boern-skole",
        "parent": "lokalmed-kongehoejskolen",
        "covers": ["kongehoejskolen"],
    },
    {
        "code": "amg-haervejsskolen",
        "name": "AMG Hærvejsskolen",
        "omraade": "boern-skole",
        "parent": "lokalmed-haervejsskolen",
        "covers": ["haervejsskolen"],
    },
    {
        "code": "amg-lyreskovskolen",
        "name": "AMG Lyreskovskolen",
        "omraade": "boern-skole",
        "parent": "lokalmed-lyreskovskolen",
        "covers": ["lyreskovskolen"],
    },
    # Two personalemøder, no LokalMED in common: reports to the Område-MED.
    {
        "code": "amg-dagtilbud",
        "name": "AMG Dagtilbud",
        "omraade": "boern-skole",
        "parent": "afdelingsmed:boern-skole",
        "covers": ["bhu-fladhoej", "dagplejen"],
    },
    {
        "code": "amg-kirketoften",
        "name": "AMG Plejecenter Kirketoften",
        "omraade": "social-sundhed",
        "parent": "lokalmed-plejecenter-kirketoften",
        "covers": ["plejecenter-kirketoften"],
    },
    {
        "code": "amg-hjemmeplejen",
        "name": "AMG Hjemmeplejen Aabenraa",
        "omraade": "social-sundhed",
        "parent": "lokalmed-hjemmeplejen-aabenraa",
        "covers": ["hjemmeplejen-aabenraa"],
    },
    {
        "code": "amg-bo-aktivitet",
        "name": "AMG Bo & Aktivitet",
        "omraade": "social-sundhed",
        "parent": "lokalmed-bo-aktivitet",
        "covers": ["bo-aktivitet"],
    },
    {
        "code": "amg-traening-rehabilitering",
        "name": "AMG Træning og Rehabilitering",
        "omraade": "social-sundhed",
        "parent": "pm-traening-rehabilitering",
        "covers": ["traening-rehabilitering"],
    },
    {
        "code": "amg-drift-anlaeg",
        "name": "AMG Drift og Anlæg",
        "omraade": "teknik-miljoe",
        "parent": "lokalmed-drift-anlaeg",
        "covers": ["drift-anlaeg"],
    },
    {
        "code": "amg-teknik-miljoe-raadhuset",
        "name": "AMG Teknik og Miljø på Rådhuset",
        "omraade": "teknik-miljoe",
        "parent": "pm-teknik-miljoe-raadhuset",
        "covers": ["byg-natur-miljoe", "vej-trafik"],
    },
]

# Counted by hand from the structure in the module docstring, not from len() of the lists above.
EXPECTED_COUNTS = {
    "afdelingsmed": 3,  # three Område-MED
    "lokalmed": 7,  # 3 + 3 + 1
    "personalemoede": 4,  # 2 + 1 + 1
    "amg": 10,  # 4 + 4 + 2
    "workplaces": 12,  # 5 + 4 + 3
}
