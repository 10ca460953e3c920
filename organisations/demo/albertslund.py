"""Albertslund Kommune's MED and AMO organisation as in the 2023 charts (seed 003) — cleaned names.

Sources: the OCR texts of "Arbejdsmiljøorganisationen i Albertslund Kommune 2023" (AMO chart, revideret
7. oktober 2023) and "MED organisationen i Albertslund Kommune 2023" (MED chart, revideret 17. oktober 2023)
near the end of shared/seeds/003_….txt. Both charts name mostly the same workplaces; the OCR was cleaned by
cross-reading the two (e.g. "Miljs & Taknik" / "Miljp & Teknik" = Miljø & Teknik; OCR turns ø into s, p or g,
å into i, 3 or 4, j into ], and 4 into &). Spellings of institutions were checked against albertslund.dk
where the two charts disagree (Egelundskolen, Børnehuset Brillesøen, Børnehaven Søndergård, Børnehuset
Baunegård, Børnehuset Troldehøj, Klub Storagergård, Humlehusene 1 og 7, Botilbuddet Herstedøster Sidevej).

Addresses are demo data: real where known, otherwise invented but plausible (2620 Albertslund); headcounts
are invented and add up to roughly 3,000 employees. Pure data, no Django imports (read by demo_loader).

Chart lines — count printed in the MED chart vs the names used here
--------------------------------------------------------------------
By, Kultur, Miljø & Beskæftigelse
  Borger & Arbejdsmarked
    "2 ArbejdspladsMED: Jobcenter og Borger- & Ydelsescenter"            2 = Jobcenter; Borger- & Ydelsescenter
        ("og" separates two names here)
    "2 personalemøder med MEDstatus: Analyse & Udviklingscenter og
     Uddannelse & Job"                                                    2 = Analyse & Udviklingscenter; Uddannelse & Job
  Miljø & Teknik
    "4 arbejdspladsMED: Rengøring, Kommunale Ejendomme, Forsyningen,
     Vej & Park"                                                          4 = as printed
    "1 personalemøde MEDstatus: Miljø, Byg & GIS"                         1 = Miljø, Byg & GIS (the comma is inside the
        name: it is the AMO chart's "Miljø & Byg")
  Kultur & Fritid
    "3 arbejdspladsMED: Bibliotek og Billedskole, Musikskolen,
     Albertslund Idrætsanlæg"                                             3 = Bibliotek & Billedskole (one unit: "og" joins,
        the AMO chart writes "Bibliotek & Billedskole"); Albertslund Musikskole; Albertslund Idrætsanlæg
    "5 personalemøder MEDstatus: Kultur & Fritid på Rådhuset,
     Musikteatret, Ridecentret, Vikingelandsbyen, Toftegården"            5 = as printed
Børn, Sundhed & Velfærd (the MED chart has three boxes; we use four sections, the first box split as the
AMO chart splits it: Skoler / Dagtilbud & Klubber)
    "15 arbejdspladsMED: Egelundskolen, Herstedlund Skole, Herstedvester
     Skole, Herstedøster Skole, Albertslund Ungecenter, Brøndagerskolen,
     BHU Kastanjen, BHU Damgården, BHU Roholmhaven, BHU Lindegården,
     BHU Toftekær, BHU Sydstjernen, BHU På Sporet, BHU Brillesøen,
     Dagtilbud & Skole - Sprog & Pædagogik, Læring & Trivsel,
     Strategi & Ressourcer"                                               15 = 6 schools/Ungecenter + 8 børnehuse + ONE
        ArbejdspladsMED "Dagtilbud & Skole" whose three afdelinger (the AMO chart's "de tre rådhusafdelinger")
        are listed after the dash. A naive comma split would give 17; the count 15 settles it.
    "9 personalemøde MEDstatus: Klubberne, BHU Stensmosen, BHU Søndergård,
     BHU Hyldespjældet, BHU Troldehøj, BHU Storken, BHU Ved Vejen,
     BHU Baunegård, Dagplejen"                                            9 = as printed. "Klubberne" is ONE
        personalemøde covering the seven clubs the AMO chart lists (AMG Klubber), each its own workplace.
        Søndergård is a børnehave (AMO chart "BH.", albertslund.dk "Børnehaven Søndergård").
    "5 arbejdspladsMED: Plejeboligerne Humlehusene, Plejeboligerne
     Albertshøj, Bostøtte og Aktivitet, Hjemme- & Sygeplejen,
     Hjælpemidler & Træning"                                              5 = as printed ("og" inside a name)
    "6 personalemøder MEDstatus: Albertslund Rusmiddelcenter,
     Længerevarende tilbud, Stab for Ældre, Sundhed & Social,
     Hjælpemiddeldepotet, Den sundheds- og socialfaglige myndighed,
     Midlertidigt botilbud"                                               6 = as printed; "Stab for Ældre, Sundhed &
        Social" is one name (a naive comma split gives 7). "Længerevarende tilbud" covers the two længerevarende
        botilbud of the AMO chart (Herstedøster Sidevej, Bofællesskabet Humlehusene).
    "1 arbejdspladsMED: Familieafsnittet"                                 1 = as printed
    "5 personalemøder MEDstatus: Tandplejen, Strategi & Udvikling,
     Sundhedsplejen og Familiehuset, Den Kriminalpræventive Enhed (DKE)"  5 = Tandplejen; Strategi & Udvikling;
        Sundhedsplejen; Familiehuset; DKE ("og" separates two names here — the count needs five, and the AMO
        chart lists Sundhedsplejen and Familiehuset separately)
Økonomi & Stab
    "1 arbejdspladsMED" (unnamed)                                         1 = ArbejdspladsMED Økonomi & Stab
Totals: ArbejdspladsMED 2+4+3+15+5+1+1 = 31; personalemøder med MED-status 2+1+5+9+6+5 = 28.

AMO chart — AMGs ("AMG <name>: workplaces") and how they are read
-----------------------------------------------------------------
 1 AMG Borger & Arbejdsmarked: Jobcenter, Uddannelse & Job, BYC (Borger- & Ydelsescenter), AUC (Analyse &
   Udviklingscenter)
 2 AMG Miljø & Teknik: Miljø & Byg (= Miljø, Byg & GIS), Forsyning(en), Rengøringsservice (= "Rengøring")
 3-4 "Under Kommunale Ejendomme er der en AMG i Ejendomme og i Intern Service (OBS for rådhuspersonalet?)":
   read as one AMG in each (nærhedsprincip: an AMG per fagområde) -> AMG Ejendomme, AMG Intern Service;
   Ejendomme and Intern Service are afdelinger of the workplace Kommunale Ejendomme.
 5-6 "Under Vej & Park er der en AMG i Trafik & Natur og på Materialegården (OBS for rådhuspersonalet?)":
   likewise AMG Trafik & Natur, AMG Materialegården; both afdelinger of Vej & Park.
 7 AMG Kultur & Fritid: Bibliotek & Billedskole, Albertslund Idrætsanlæg, Albertslund Musikskole, Rideskolen
   (= the MED chart's Ridecentret), Musikteatret, Toftegården. Kultur & Fritid på Rådhuset is not listed;
   the chart's note ("der er ændringer på vej i forhold til personalet i Rådhuset") and the name put it here.
 8 "... samt Vikingelandsbyen, der har sin egen AMG" (in the note) -> AMG Vikingelandsbyen. Counted: the
   chart says it exists, and Vikingelandsbyen would otherwise have no AMG.
 9 AMG Skoler: Egelundskolen og SFO, Herstedvester Skole og SFO, Herstedlund Skole og SFO, Herstedøster Skole
   og SFO, Brøndagerskolen (SFO = afdeling of each school)
10 AMG Klubber: Klub Storagergård, Klub Baunegård, Klub Svanen, Klub Bakkens Hjerte, Ungehuset Nord, Ungehuset
   Hedemarken, Albertslund Motorsports Center
11 AMG Dagtilbud: the 15 børnehuse (same 15 as the MED chart: 8 ArbejdspladsMED + 7 personalemøder).
   Dagplejen is in the MED chart but not in the AMO chart; it is put here (the obvious AMG).
12 AMG Andet (first, Skoler/Dagtilbud): Albertslund Ungecenter, "de tre rådhusafdelinger" (= Dagtilbud &
   Skole's Sprog & Pædagogik, Læring & Trivsel, Strategi & Ressourcer) -> "AMG Andet – Dagtilbud & Skole"
13 AMG Plejeboligområdet: Staben, Albertshøj 3. sal, 4. sal, 5. sal, Nattevagten, Humlehusene 1, Humlehusene 7,
   Humlely 51 og 53 -> afdelinger of Plejeboligerne Albertshøj / Humlehusene. The OCR "Humlehusane 7" is
   right (albertslund.dk: "Humlehusene 1 og 7"); "Humlely 51 og 5o" is read as 51 og 53 (unverified).
   Staben and Nattevagten serve the whole plejeboligområde; they are placed under Albertshøj.
14 AMG Længerevarende botilbud: Herstedøster Sidevej ("Herstadgster Sdeve]"), Bofællesskabet Humlehusene
15 AMG Hjælpemidler & Træning: Hjælpemiddelvisitationen/Rehabiliteringen/Genoptræningen/Forebyggende Team
   (afdelinger of Hjælpemidler & Træning), Hjælpemiddeldepotet
16 AMG Sundheds- & Socialfaglig Myndighed: Visitationen, Socialenheden for Voksne (afdelinger)
17 AMG Bostøtte & Aktivitet: Bostøtte/Opsøgende SKP/Trænings- og Aktivitetscentret (afdelinger of Bostøtte &
   Aktivitet), Villa Social (own workplace; MED: the ArbejdspladsMED Bostøtte & Aktivitet)
18 AMG Hjemme- & Sygeplejen: Gruppe 1, 2, 3, 4 ("Gruppe &"), Aften/nat (afdelinger)
19 AMG Andet (second, Ældre/Sundhed/Social): Albertslund Rusmiddelcenter, Stab for Ældre, Sundhed & Social,
   Midlertidigt botilbud -> "AMG Andet – Ældre, Sundhed & Social"
20 AMG Børn & Familie: Familieafsnittet, Familiehuset, Ungeboligerne på Stationstorvet, Sundhedsplejen,
   Tandplejen, Den Kriminalpræventive Enhed (DKE). Strategi & Udvikling (MED chart only) is put here.
   Ungeboligerne på Stationstorvet (AMO chart only) is put under the ArbejdspladsMED Familieafsnittet.
21 "AMG Økonomi & Stab: En AMG" ("AMGigkonomi &stab:EnavG") -> AMG Økonomi & Stab
Total: 21 AMGs.

An AMG reports to the MED committee covering all its workplaces; where it spans several, to the
ArbejdspladsMED of its first-listed workplace that has one (as AMG Borger & Arbejdsmarked -> ArbejdspladsMED
Jobcenter); where its workplaces only have personalemøder in different committees, to the AfdelingsMED.

Workplaces (a unit named in either chart, once; parts of a unit are afdelinger), by hand:
  Borger & Arbejdsmarked 4, Miljø & Teknik 5, Kultur & Fritid 8,
  Skoler 7 (5 schools, Ungecenter, Dagtilbud & Skole) + Dagtilbud & Klubber 23 (15 børnehuse, Dagplejen,
  7 clubs) = 30, Ældre, Sundhed & Social 13 (5 ArbejdspladsMED units + Villa Social + 7 personalemøde units
  with Længerevarende tilbud = 2 botilbud), Børn & Familie 7 (6 + Ungeboligerne), Økonomi & Stab 1
  = 4 + 5 + 8 + 30 + 13 + 7 + 1 = 68.
"""

KOMMUNE = {
    "code": "albertslund",
    "name": "Albertslund Kommune",
    "kommunenummer": "165",
    "amr_term_years": 2,
    "med_agreement_name": "MED-aftalen for Albertslund Kommune",
}
HOVEDMED = {"code": "kommunemed", "name": "KommuneMED"}

OMRAADER = [  # direktørområder; each gets an AfdelingsMED under HovedMED
    {
        "code": "bkmb",
        "name": "By, Kultur, Miljø & Beskæftigelse",
        "afdelingsmed": "AfdelingsMED By, Kultur, Miljø & Beskæftigelse",
    },
    {
        "code": "bsv",
        "name": "Børn, Sundhed & Velfærd",
        "afdelingsmed": "AfdelingsMED Børn, Sundhed & Velfærd",
    },
    {"code": "oes", "name": "Økonomi & Stab", "afdelingsmed": "AfdelingsMED Økonomi & Stab"},
]

_RAADHUS = "Nordmarks Allé 1, 2620 Albertslund"
_SUNDHEDSHUS = "Skolegangen 2, 2620 Albertslund"

WORKPLACES = [  # arbejdspladser (units). every workplace named in either chart appears once
    # --- By, Kultur, Miljø & Beskæftigelse: Borger & Arbejdsmarked ------------------------------------------
    {
        "code": "jobcenter",
        "name": "Jobcenter",
        "omraade": "bkmb",
        "section": "Borger & Arbejdsmarked",
        "address": "Bygaden 2, 2620 Albertslund",
        "headcount": 85,
        "departments": [],
    },
    {
        "code": "borger-ydelsescenter",
        "name": "Borger- & Ydelsescenter",
        "omraade": "bkmb",
        "section": "Borger & Arbejdsmarked",
        "address": _RAADHUS,
        "headcount": 75,
        "departments": [],
    },
    {
        "code": "analyse-udviklingscenter",
        "name": "Analyse & Udviklingscenter",
        "omraade": "bkmb",
        "section": "Borger & Arbejdsmarked",
        "address": "Bygaden 2, 2620 Albertslund",
        "headcount": 14,
        "departments": [],
    },
    {
        "code": "uddannelse-job",
        "name": "Uddannelse & Job",
        "omraade": "bkmb",
        "section": "Borger & Arbejdsmarked",
        "address": "Bygaden 4, 2620 Albertslund",
        "headcount": 24,
        "departments": [],
    },
    # --- Miljø & Teknik ---------------------------------------------------------------------------------------
    # MED chart "Rengøring", AMO chart "Rengøringsservice".
    {
        "code": "rengoeringsservice",
        "name": "Rengøringsservice",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "address": _RAADHUS,
        "headcount": 110,
        "departments": [],
    },
    {
        "code": "kommunale-ejendomme",
        "name": "Kommunale Ejendomme",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "address": "Bækkebrovej 6, 2620 Albertslund",
        "headcount": 48,
        "departments": ["Ejendomme", "Intern Service"],
    },
    # MED chart "Forsyningen", AMO chart "Forsyning".
    {
        "code": "forsyningen",
        "name": "Forsyningen",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "address": "Bækkebrovej 2, 2620 Albertslund",
        "headcount": 40,
        "departments": [],
    },
    {
        "code": "vej-park",
        "name": "Vej & Park",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "address": "Bækkebrovej 24, 2620 Albertslund",
        "headcount": 62,
        "departments": ["Trafik & Natur", "Materialegården"],
    },
    # MED chart "Miljø, Byg & GIS", AMO chart "Miljø & Byg".
    {
        "code": "miljoe-byg-gis",
        "name": "Miljø, Byg & GIS",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "address": _RAADHUS,
        "headcount": 32,
        "departments": [],
    },
    # --- Kultur & Fritid --------------------------------------------------------------------------------------
    {
        "code": "bibliotek-billedskole",
        "name": "Bibliotek & Billedskole",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "address": "Bibliotekstorvet 1, 2620 Albertslund",
        "headcount": 38,
        "departments": ["Biblioteket", "Billedskolen"],
    },
    # MED chart "Musikskolen", AMO chart "Albertslund Musikskole".
    {
        "code": "albertslund-musikskole",
        "name": "Albertslund Musikskole",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "address": "Kongsholmsvej 7, 2620 Albertslund",
        "headcount": 35,
        "departments": [],
    },
    {
        "code": "albertslund-idraetsanlaeg",
        "name": "Albertslund Idrætsanlæg",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "address": "Egelundsvej 40, 2620 Albertslund",
        "headcount": 30,
        "departments": [],
    },
    {
        "code": "kultur-fritid-raadhuset",
        "name": "Kultur & Fritid på Rådhuset",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "address": _RAADHUS,
        "headcount": 12,
        "departments": [],
    },
    {
        "code": "musikteatret",
        "name": "Musikteatret",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "address": "Bibliotekstorvet 2, 2620 Albertslund",
        "headcount": 14,
        "departments": [],
    },
    # MED chart "Ridecentret", AMO chart "Rideskolen": the same workplace.
    {
        "code": "ridecentret",
        "name": "Ridecentret",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "address": "Risbyvej 24, 2620 Albertslund",
        "headcount": 9,
        "departments": [],
    },
    {
        "code": "vikingelandsbyen",
        "name": "Vikingelandsbyen",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "address": "Kongsholmsvej 31, 2620 Albertslund",
        "headcount": 11,
        "departments": [],
    },
    {
        "code": "toftegaarden",
        "name": "Toftegården",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "address": "Herstedvestervej 14, 2620 Albertslund",
        "headcount": 8,
        "departments": [],
    },
    # --- Børn, Sundhed & Velfærd: Skoler ----------------------------------------------------------------------
    # MED chart "Egelundsskolen", AMO chart "Egelundskolen og SFO"; the school's name is Egelundskolen.
    {
        "code": "egelundskolen",
        "name": "Egelundskolen",
        "omraade": "bsv",
        "section": "Skoler",
        "address": "Egelundsvej 2, 2620 Albertslund",
        "headcount": 125,
        "departments": ["SFO"],
    },
    {
        "code": "herstedlund-skole",
        "name": "Herstedlund Skole",
        "omraade": "bsv",
        "section": "Skoler",
        "address": "Hedemarksvej 10, 2620 Albertslund",
        "headcount": 115,
        "departments": ["SFO"],
    },
    {
        "code": "herstedvester-skole",
        "name": "Herstedvester Skole",
        "omraade": "bsv",
        "section": "Skoler",
        "address": "Herstedvestervej 6, 2620 Albertslund",
        "headcount": 120,
        "departments": ["SFO"],
    },
    {
        "code": "herstedoester-skole",
        "name": "Herstedøster Skole",
        "omraade": "bsv",
        "section": "Skoler",
        "address": "Herstedøstervej 20, 2620 Albertslund",
        "headcount": 105,
        "departments": ["SFO"],
    },
    # Specialskole; the AMO chart lists it without "og SFO".
    {
        "code": "broendagerskolen",
        "name": "Brøndagerskolen",
        "omraade": "bsv",
        "section": "Skoler",
        "address": "Brøndagervej 5, 2620 Albertslund",
        "headcount": 75,
        "departments": [],
    },
    {
        "code": "albertslund-ungecenter",
        "name": "Albertslund Ungecenter",
        "omraade": "bsv",
        "section": "Skoler",
        "address": "Kongsholmsvej 10, 2620 Albertslund",
        "headcount": 45,
        "departments": [],
    },
    # The rådhus administration of dagtilbud and skoler; its three afdelinger are the AMO chart's
    # "de tre rådhusafdelinger".
    {
        "code": "dagtilbud-skole",
        "name": "Dagtilbud & Skole",
        "omraade": "bsv",
        "section": "Skoler",
        "address": _RAADHUS,
        "headcount": 40,
        "departments": ["Sprog & Pædagogik", "Læring & Trivsel", "Strategi & Ressourcer"],
    },
    # --- Børn, Sundhed & Velfærd: Dagtilbud & Klubber (AMO chart order) ---------------------------------------
    {
        "code": "bh-soendergaard",
        "name": "Børnehaven Søndergård",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Herstedvesterstræde 2, 2620 Albertslund",
        "headcount": 12,
        "departments": [],
    },
    {
        "code": "bhu-baunegaard",
        "name": "Børnehuset Baunegård",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Gl. Landevej 47, 2620 Albertslund",
        "headcount": 22,
        "departments": [],
    },
    {
        "code": "bhu-brillesoeen",
        "name": "Børnehuset Brillesøen",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Tranehusene 75, 2620 Albertslund",
        "headcount": 48,
        "departments": ["Kærmosen", "Tranekæret"],
    },
    {
        "code": "bhu-toftekaer",
        "name": "Børnehuset Toftekær",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Toftekærsvej 4, 2620 Albertslund",
        "headcount": 30,
        "departments": [],
    },
    {
        "code": "bhu-kastanjen",
        "name": "Børnehuset Kastanjen",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Rypehusene 15, 2620 Albertslund",
        "headcount": 34,
        "departments": [],
    },
    {
        "code": "bhu-roholmhaven",
        "name": "Børnehuset Roholmhaven",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Degnehusene 53, 2620 Albertslund",
        "headcount": 40,
        "departments": ["Mælkebøtten", "Valmuen", "Snerlen"],
    },
    {
        "code": "bhu-sydstjernen",
        "name": "Børnehuset Sydstjernen",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Hjortens Kvarter 9, 2620 Albertslund",
        "headcount": 32,
        "departments": [],
    },
    {
        "code": "bhu-damgaarden",
        "name": "Børnehuset Damgården",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Damgårdsvej 16, 2620 Albertslund",
        "headcount": 30,
        "departments": ["Bækken", "Jægerhytten"],
    },
    {
        "code": "bhu-troldehoej",
        "name": "Børnehuset Troldehøj",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Troldehøjvej 3, 2620 Albertslund",
        "headcount": 18,
        "departments": [],
    },
    {
        "code": "bhu-hyldespjaeldet",
        "name": "Børnehuset Hyldespjældet",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Store Torv 40, 2620 Albertslund",
        "headcount": 24,
        "departments": [],
    },
    {
        "code": "bhu-stensmosen",
        "name": "Børnehuset Stensmosen",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Stensmosevej 12, 2620 Albertslund",
        "headcount": 22,
        "departments": [],
    },
    {
        "code": "bhu-lindegaarden",
        "name": "Børnehuset Lindegården",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Hedemarksvej 20, 2620 Albertslund",
        "headcount": 28,
        "departments": [],
    },
    {
        "code": "bhu-paa-sporet",
        "name": "Børnehuset På Sporet",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Vognporten 5, 2620 Albertslund",
        "headcount": 42,
        "departments": ["Kanen", "Trinbrættet", "Vognporten"],
    },
    {
        "code": "bhu-ved-vejen",
        "name": "Børnehuset Ved Vejen",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Vridsløsevej 30, 2620 Albertslund",
        "headcount": 20,
        "departments": [],
    },
    {
        "code": "bhu-storken",
        "name": "Børnehuset Storken",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Storkens Kvarter 12, 2620 Albertslund",
        "headcount": 26,
        "departments": [],
    },
    {
        "code": "dagplejen",
        "name": "Dagplejen",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Damgårdsvej 20, 2620 Albertslund",
        "headcount": 55,
        "departments": [],
    },
    # The seven clubs of the AMO chart's "AMG Klubber"; in the MED chart they are one personalemøde,
    # "Klubberne".
    {
        "code": "klub-storagergaard",
        "name": "Klub Storagergård",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Gl. Landevej 15, 2620 Albertslund",
        "headcount": 14,
        "departments": [],
    },
    {
        "code": "klub-baunegaard",
        "name": "Klub Baunegård",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Gl. Landevej 49, 2620 Albertslund",
        "headcount": 9,
        "departments": [],
    },
    {
        "code": "klub-svanen",
        "name": "Klub Svanen",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Svanens Kvarter 34, 2620 Albertslund",
        "headcount": 13,
        "departments": [],
    },
    {
        "code": "klub-bakkens-hjerte",
        "name": "Klub Bakkens Hjerte",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Galgebakken Torv 202, 2620 Albertslund",
        "headcount": 14,
        "departments": [],
    },
    {
        "code": "ungehuset-nord",
        "name": "Ungehuset Nord",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Stensmosevej 14, 2620 Albertslund",
        "headcount": 8,
        "departments": [],
    },
    {
        "code": "ungehuset-hedemarken",
        "name": "Ungehuset Hedemarken",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Hedemarksvej 14, 2620 Albertslund",
        "headcount": 8,
        "departments": [],
    },
    {
        "code": "albertslund-motorsports-center",
        "name": "Albertslund Motorsports Center",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "address": "Alberts Vænge 1, 2620 Albertslund",
        "headcount": 5,
        "departments": [],
    },
    # --- Børn, Sundhed & Velfærd: Ældre, Sundhed & Social -----------------------------------------------------
    # Staben and Nattevagten serve the whole plejeboligområde; placed at Albertshøj (see module docstring).
    {
        "code": "plejeboligerne-albertshoej",
        "name": "Plejeboligerne Albertshøj",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Skolegangen 4, 2620 Albertslund",
        "headcount": 170,
        "departments": ["Staben", "3. sal", "4. sal", "5. sal", "Nattevagten"],
    },
    {
        "code": "plejeboligerne-humlehusene",
        "name": "Plejeboligerne Humlehusene",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Humlehusene 1, 2620 Albertslund",
        "headcount": 95,
        "departments": ["Humlehusene 1", "Humlehusene 7", "Humlely 51 og 53"],
    },
    {
        "code": "bostoette-aktivitet",
        "name": "Bostøtte & Aktivitet",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Kanalgaden 4, 2620 Albertslund",
        "headcount": 40,
        "departments": ["Bostøtte", "Opsøgende SKP", "Trænings- og Aktivitetscentret"],
    },
    # AMO chart only (AMG Bostøtte & Aktivitet); MED: the ArbejdspladsMED Bostøtte & Aktivitet.
    {
        "code": "villa-social",
        "name": "Villa Social",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Vridsløsevej 6, 2620 Albertslund",
        "headcount": 8,
        "departments": [],
    },
    {
        "code": "hjemme-sygeplejen",
        "name": "Hjemme- & Sygeplejen",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Herstedøstervej 27, 2620 Albertslund",
        "headcount": 260,
        "departments": ["Gruppe 1", "Gruppe 2", "Gruppe 3", "Gruppe 4", "Aften/nat"],
    },
    {
        "code": "hjaelpemidler-traening",
        "name": "Hjælpemidler & Træning",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": _SUNDHEDSHUS,
        "headcount": 55,
        "departments": [
            "Hjælpemiddelvisitationen",
            "Rehabiliteringen",
            "Genoptræningen",
            "Forebyggende Team",
        ],
    },
    {
        "code": "hjaelpemiddeldepotet",
        "name": "Hjælpemiddeldepotet",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Topstykket 12, 2620 Albertslund",
        "headcount": 9,
        "departments": [],
    },
    {
        "code": "albertslund-rusmiddelcenter",
        "name": "Albertslund Rusmiddelcenter",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Bygaden 30, 2620 Albertslund",
        "headcount": 16,
        "departments": [],
    },
    # The two længerevarende botilbud (AMO chart); in the MED chart one personalemøde "Længerevarende tilbud".
    {
        "code": "botilbud-herstedoester-sidevej",
        "name": "Botilbuddet Herstedøster Sidevej",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Herstedøster Sidevej 2, 2620 Albertslund",
        "headcount": 35,
        "departments": [],
    },
    {
        "code": "bofaellesskabet-humlehusene",
        "name": "Bofællesskabet Humlehusene",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Humlehusene 60, 2620 Albertslund",
        "headcount": 14,
        "departments": [],
    },
    {
        "code": "stab-aeldre-sundhed-social",
        "name": "Stab for Ældre, Sundhed & Social",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": _RAADHUS,
        "headcount": 18,
        "departments": [],
    },
    {
        "code": "sundheds-socialfaglig-myndighed",
        "name": "Den Sundheds- & Socialfaglige Myndighed",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": _RAADHUS,
        "headcount": 38,
        "departments": ["Visitationen", "Socialenheden for Voksne"],
    },
    {
        "code": "midlertidigt-botilbud",
        "name": "Midlertidigt botilbud",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "address": "Kanalgaden 20, 2620 Albertslund",
        "headcount": 22,
        "departments": [],
    },
    # --- Børn, Sundhed & Velfærd: Børn & Familie --------------------------------------------------------------
    {
        "code": "familieafsnittet",
        "name": "Familieafsnittet",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "address": _RAADHUS,
        "headcount": 70,
        "departments": [],
    },
    # AMO chart only; MED: the ArbejdspladsMED Familieafsnittet (the ungeboliger are its foranstaltning).
    {
        "code": "ungeboligerne-stationstorvet",
        "name": "Ungeboligerne på Stationstorvet",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "address": "Stationstorvet 5, 2620 Albertslund",
        "headcount": 10,
        "departments": [],
    },
    {
        "code": "tandplejen",
        "name": "Tandplejen",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "address": "Egelundsvej 8, 2620 Albertslund",
        "headcount": 30,
        "departments": [],
    },
    # MED chart only; AMG: AMG Børn & Familie.
    {
        "code": "strategi-udvikling",
        "name": "Strategi & Udvikling",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "address": _RAADHUS,
        "headcount": 12,
        "departments": [],
    },
    {
        "code": "sundhedsplejen",
        "name": "Sundhedsplejen",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "address": _SUNDHEDSHUS,
        "headcount": 16,
        "departments": [],
    },
    {
        "code": "familiehuset",
        "name": "Familiehuset",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "address": "Kanalgaden 12, 2620 Albertslund",
        "headcount": 18,
        "departments": [],
    },
    {
        "code": "dke",
        "name": "Den Kriminalpræventive Enhed (DKE)",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "address": _RAADHUS,
        "headcount": 9,
        "departments": [],
    },
    # --- Økonomi & Stab ---------------------------------------------------------------------------------------
    {
        "code": "oekonomi-stab",
        "name": "Økonomi & Stab",
        "omraade": "oes",
        "section": "Økonomi & Stab",
        "address": _RAADHUS,
        "headcount": 170,
        "departments": [],
    },
]

_PM = "Personalemøde med MED-status – "

MED_COMMITTEES = [  # the local level under the AfdelingsMED
    # --- By, Kultur, Miljø & Beskæftigelse ----------------------------------------------------------------------
    {
        "code": "apmed-jobcenter",
        "name": "ArbejdspladsMED Jobcenter",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Borger & Arbejdsmarked",
        "covers": ["jobcenter"],
    },
    {
        "code": "apmed-borger-ydelsescenter",
        "name": "ArbejdspladsMED Borger- & Ydelsescenter",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Borger & Arbejdsmarked",
        "covers": ["borger-ydelsescenter"],
    },
    {
        "code": "pm-analyse-udviklingscenter",
        "name": _PM + "Analyse & Udviklingscenter",
        "kind": "personalemoede",
        "omraade": "bkmb",
        "section": "Borger & Arbejdsmarked",
        "covers": ["analyse-udviklingscenter"],
    },
    {
        "code": "pm-uddannelse-job",
        "name": _PM + "Uddannelse & Job",
        "kind": "personalemoede",
        "omraade": "bkmb",
        "section": "Borger & Arbejdsmarked",
        "covers": ["uddannelse-job"],
    },
    {
        "code": "apmed-rengoering",
        "name": "ArbejdspladsMED Rengøring",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "covers": ["rengoeringsservice"],
    },
    {
        "code": "apmed-kommunale-ejendomme",
        "name": "ArbejdspladsMED Kommunale Ejendomme",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "covers": ["kommunale-ejendomme"],
    },
    {
        "code": "apmed-forsyningen",
        "name": "ArbejdspladsMED Forsyningen",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "covers": ["forsyningen"],
    },
    {
        "code": "apmed-vej-park",
        "name": "ArbejdspladsMED Vej & Park",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "covers": ["vej-park"],
    },
    {
        "code": "pm-miljoe-byg-gis",
        "name": _PM + "Miljø, Byg & GIS",
        "kind": "personalemoede",
        "omraade": "bkmb",
        "section": "Miljø & Teknik",
        "covers": ["miljoe-byg-gis"],
    },
    {
        "code": "apmed-bibliotek-billedskole",
        "name": "ArbejdspladsMED Bibliotek & Billedskole",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "covers": ["bibliotek-billedskole"],
    },
    {
        "code": "apmed-musikskolen",
        "name": "ArbejdspladsMED Musikskolen",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "covers": ["albertslund-musikskole"],
    },
    {
        "code": "apmed-idraetsanlaeg",
        "name": "ArbejdspladsMED Albertslund Idrætsanlæg",
        "kind": "arbejdspladsmed",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "covers": ["albertslund-idraetsanlaeg"],
    },
    {
        "code": "pm-kultur-fritid-raadhuset",
        "name": _PM + "Kultur & Fritid på Rådhuset",
        "kind": "personalemoede",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "covers": ["kultur-fritid-raadhuset"],
    },
    {
        "code": "pm-musikteatret",
        "name": _PM + "Musikteatret",
        "kind": "personalemoede",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "covers": ["musikteatret"],
    },
    {
        "code": "pm-ridecentret",
        "name": _PM + "Ridecentret",
        "kind": "personalemoede",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "covers": ["ridecentret"],
    },
    {
        "code": "pm-vikingelandsbyen",
        "name": _PM + "Vikingelandsbyen",
        "kind": "personalemoede",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "covers": ["vikingelandsbyen"],
    },
    {
        "code": "pm-toftegaarden",
        "name": _PM + "Toftegården",
        "kind": "personalemoede",
        "omraade": "bkmb",
        "section": "Kultur & Fritid",
        "covers": ["toftegaarden"],
    },
    # --- Børn, Sundhed & Velfærd: "15 arbejdspladsMED" ----------------------------------------------------------
    {
        "code": "apmed-egelundskolen",
        "name": "ArbejdspladsMED Egelundskolen",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Skoler",
        "covers": ["egelundskolen"],
    },
    {
        "code": "apmed-herstedlund-skole",
        "name": "ArbejdspladsMED Herstedlund Skole",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Skoler",
        "covers": ["herstedlund-skole"],
    },
    {
        "code": "apmed-herstedvester-skole",
        "name": "ArbejdspladsMED Herstedvester Skole",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Skoler",
        "covers": ["herstedvester-skole"],
    },
    {
        "code": "apmed-herstedoester-skole",
        "name": "ArbejdspladsMED Herstedøster Skole",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Skoler",
        "covers": ["herstedoester-skole"],
    },
    {
        "code": "apmed-albertslund-ungecenter",
        "name": "ArbejdspladsMED Albertslund Ungecenter",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Skoler",
        "covers": ["albertslund-ungecenter"],
    },
    {
        "code": "apmed-broendagerskolen",
        "name": "ArbejdspladsMED Brøndagerskolen",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Skoler",
        "covers": ["broendagerskolen"],
    },
    {
        "code": "apmed-bhu-kastanjen",
        "name": "ArbejdspladsMED Børnehuset Kastanjen",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-kastanjen"],
    },
    {
        "code": "apmed-bhu-damgaarden",
        "name": "ArbejdspladsMED Børnehuset Damgården",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-damgaarden"],
    },
    {
        "code": "apmed-bhu-roholmhaven",
        "name": "ArbejdspladsMED Børnehuset Roholmhaven",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-roholmhaven"],
    },
    {
        "code": "apmed-bhu-lindegaarden",
        "name": "ArbejdspladsMED Børnehuset Lindegården",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-lindegaarden"],
    },
    {
        "code": "apmed-bhu-toftekaer",
        "name": "ArbejdspladsMED Børnehuset Toftekær",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-toftekaer"],
    },
    {
        "code": "apmed-bhu-sydstjernen",
        "name": "ArbejdspladsMED Børnehuset Sydstjernen",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-sydstjernen"],
    },
    {
        "code": "apmed-bhu-paa-sporet",
        "name": "ArbejdspladsMED Børnehuset På Sporet",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-paa-sporet"],
    },
    {
        "code": "apmed-bhu-brillesoeen",
        "name": "ArbejdspladsMED Børnehuset Brillesøen",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-brillesoeen"],
    },
    {
        "code": "apmed-dagtilbud-skole",
        "name": "ArbejdspladsMED Dagtilbud & Skole",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Skoler",
        "covers": ["dagtilbud-skole"],
    },
    # --- Børn, Sundhed & Velfærd: "9 personalemøde MEDstatus" ---------------------------------------------------
    {
        "code": "pm-klubberne",
        "name": _PM + "Klubberne",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": [
            "klub-storagergaard",
            "klub-baunegaard",
            "klub-svanen",
            "klub-bakkens-hjerte",
            "ungehuset-nord",
            "ungehuset-hedemarken",
            "albertslund-motorsports-center",
        ],
    },
    {
        "code": "pm-bhu-stensmosen",
        "name": _PM + "Børnehuset Stensmosen",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-stensmosen"],
    },
    {
        "code": "pm-bh-soendergaard",
        "name": _PM + "Børnehaven Søndergård",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bh-soendergaard"],
    },
    {
        "code": "pm-bhu-hyldespjaeldet",
        "name": _PM + "Børnehuset Hyldespjældet",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-hyldespjaeldet"],
    },
    {
        "code": "pm-bhu-troldehoej",
        "name": _PM + "Børnehuset Troldehøj",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-troldehoej"],
    },
    {
        "code": "pm-bhu-storken",
        "name": _PM + "Børnehuset Storken",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-storken"],
    },
    {
        "code": "pm-bhu-ved-vejen",
        "name": _PM + "Børnehuset Ved Vejen",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-ved-vejen"],
    },
    {
        "code": "pm-bhu-baunegaard",
        "name": _PM + "Børnehuset Baunegård",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["bhu-baunegaard"],
    },
    {
        "code": "pm-dagplejen",
        "name": _PM + "Dagplejen",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Dagtilbud & Klubber",
        "covers": ["dagplejen"],
    },
    # --- Børn, Sundhed & Velfærd: "5 arbejdspladsMED" (Ældre, Sundhed & Social) --------------------------------
    {
        "code": "apmed-plejeboligerne-humlehusene",
        "name": "ArbejdspladsMED Plejeboligerne Humlehusene",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["plejeboligerne-humlehusene"],
    },
    {
        "code": "apmed-plejeboligerne-albertshoej",
        "name": "ArbejdspladsMED Plejeboligerne Albertshøj",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["plejeboligerne-albertshoej"],
    },
    # Villa Social is in the AMO chart only (AMG Bostøtte & Aktivitet): covered by this ArbejdspladsMED.
    {
        "code": "apmed-bostoette-aktivitet",
        "name": "ArbejdspladsMED Bostøtte & Aktivitet",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["bostoette-aktivitet", "villa-social"],
    },
    {
        "code": "apmed-hjemme-sygeplejen",
        "name": "ArbejdspladsMED Hjemme- & Sygeplejen",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["hjemme-sygeplejen"],
    },
    {
        "code": "apmed-hjaelpemidler-traening",
        "name": "ArbejdspladsMED Hjælpemidler & Træning",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["hjaelpemidler-traening"],
    },
    # --- "6 personalemøder MEDstatus" (Ældre, Sundhed & Social) -------------------------------------------------
    {
        "code": "pm-albertslund-rusmiddelcenter",
        "name": _PM + "Albertslund Rusmiddelcenter",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["albertslund-rusmiddelcenter"],
    },
    {
        "code": "pm-laengerevarende-tilbud",
        "name": _PM + "Længerevarende tilbud",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["botilbud-herstedoester-sidevej", "bofaellesskabet-humlehusene"],
    },
    {
        "code": "pm-stab-aeldre-sundhed-social",
        "name": _PM + "Stab for Ældre, Sundhed & Social",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["stab-aeldre-sundhed-social"],
    },
    {
        "code": "pm-hjaelpemiddeldepotet",
        "name": _PM + "Hjælpemiddeldepotet",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["hjaelpemiddeldepotet"],
    },
    {
        "code": "pm-sundheds-socialfaglig-myndighed",
        "name": _PM + "Den Sundheds- & Socialfaglige Myndighed",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["sundheds-socialfaglig-myndighed"],
    },
    {
        "code": "pm-midlertidigt-botilbud",
        "name": _PM + "Midlertidigt botilbud",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Ældre, Sundhed & Social",
        "covers": ["midlertidigt-botilbud"],
    },
    # --- Børn & Familie -----------------------------------------------------------------------------------------
    # Ungeboligerne på Stationstorvet is in the AMO chart only: covered by the ArbejdspladsMED Familieafsnittet.
    {
        "code": "apmed-familieafsnittet",
        "name": "ArbejdspladsMED Familieafsnittet",
        "kind": "arbejdspladsmed",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "covers": ["familieafsnittet", "ungeboligerne-stationstorvet"],
    },
    {
        "code": "pm-tandplejen",
        "name": _PM + "Tandplejen",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "covers": ["tandplejen"],
    },
    {
        "code": "pm-strategi-udvikling",
        "name": _PM + "Strategi & Udvikling",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "covers": ["strategi-udvikling"],
    },
    {
        "code": "pm-sundhedsplejen",
        "name": _PM + "Sundhedsplejen",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "covers": ["sundhedsplejen"],
    },
    {
        "code": "pm-familiehuset",
        "name": _PM + "Familiehuset",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "covers": ["familiehuset"],
    },
    {
        "code": "pm-dke",
        "name": _PM + "Den Kriminalpræventive Enhed (DKE)",
        "kind": "personalemoede",
        "omraade": "bsv",
        "section": "Børn & Familie",
        "covers": ["dke"],
    },
    # --- Økonomi & Stab: "1 arbejdspladsMED" (unnamed in the chart) ---------------------------------------------
    {
        "code": "apmed-oekonomi-stab",
        "name": "ArbejdspladsMED Økonomi & Stab",
        "kind": "arbejdspladsmed",
        "omraade": "oes",
        "section": "Økonomi & Stab",
        "covers": ["oekonomi-stab"],
    },
]

AMGS = [  # in AMO chart order; "covers" lists the lead (first-listed) workplace first
    {
        "code": "amg-borger-arbejdsmarked",
        "name": "AMG Borger & Arbejdsmarked",
        "omraade": "bkmb",
        "parent": "apmed-jobcenter",
        "covers": [
            "jobcenter",
            "uddannelse-job",
            "borger-ydelsescenter",
            "analyse-udviklingscenter",
        ],
    },
    {
        "code": "amg-miljoe-teknik",
        "name": "AMG Miljø & Teknik",
        "omraade": "bkmb",
        "parent": "apmed-forsyningen",
        "covers": ["miljoe-byg-gis", "forsyningen", "rengoeringsservice"],
    },
    {
        "code": "amg-ejendomme",
        "name": "AMG Ejendomme",
        "omraade": "bkmb",
        "parent": "apmed-kommunale-ejendomme",
        "covers": ["kommunale-ejendomme"],
    },
    {
        "code": "amg-intern-service",
        "name": "AMG Intern Service",
        "omraade": "bkmb",
        "parent": "apmed-kommunale-ejendomme",
        "covers": ["kommunale-ejendomme"],
    },
    {
        "code": "amg-trafik-natur",
        "name": "AMG Trafik & Natur",
        "omraade": "bkmb",
        "parent": "apmed-vej-park",
        "covers": ["vej-park"],
    },
    {
        "code": "amg-materialegaarden",
        "name": "AMG Materialegården",
        "omraade": "bkmb",
        "parent": "apmed-vej-park",
        "covers": ["vej-park"],
    },
    {
        "code": "amg-kultur-fritid",
        "name": "AMG Kultur & Fritid",
        "omraade": "bkmb",
        "parent": "apmed-bibliotek-billedskole",
        "covers": [
            "bibliotek-billedskole",
            "albertslund-idraetsanlaeg",
            "albertslund-musikskole",
            "ridecentret",
            "musikteatret",
            "toftegaarden",
            "kultur-fritid-raadhuset",
        ],
    },
    {
        "code": "amg-vikingelandsbyen",
        "name": "AMG Vikingelandsbyen",
        "omraade": "bkmb",
        "parent": "pm-vikingelandsbyen",
        "covers": ["vikingelandsbyen"],
    },
    {
        "code": "amg-skoler",
        "name": "AMG Skoler",
        "omraade": "bsv",
        "parent": "apmed-egelundskolen",
        "covers": [
            "egelundskolen",
            "herstedvester-skole",
            "herstedlund-skole",
            "herstedoester-skole",
            "broendagerskolen",
        ],
    },
    {
        "code": "amg-klubber",
        "name": "AMG Klubber",
        "omraade": "bsv",
        "parent": "pm-klubberne",
        "covers": [
            "klub-storagergaard",
            "klub-baunegaard",
            "klub-svanen",
            "klub-bakkens-hjerte",
            "ungehuset-nord",
            "ungehuset-hedemarken",
            "albertslund-motorsports-center",
        ],
    },
    {
        "code": "amg-dagtilbud",
        "name": "AMG Dagtilbud",
        "omraade": "bsv",
        "parent": "apmed-bhu-brillesoeen",
        "covers": [
            "bh-soendergaard",
            "bhu-baunegaard",
            "bhu-brillesoeen",
            "bhu-toftekaer",
            "bhu-kastanjen",
            "bhu-roholmhaven",
            "bhu-sydstjernen",
            "bhu-damgaarden",
            "bhu-troldehoej",
            "bhu-hyldespjaeldet",
            "bhu-stensmosen",
            "bhu-lindegaarden",
            "bhu-paa-sporet",
            "bhu-ved-vejen",
            "bhu-storken",
            "dagplejen",
        ],
    },
    {
        "code": "amg-andet-dagtilbud-skole",
        "name": "AMG Andet – Dagtilbud & Skole",
        "omraade": "bsv",
        "parent": "apmed-albertslund-ungecenter",
        "covers": ["albertslund-ungecenter", "dagtilbud-skole"],
    },
    {
        "code": "amg-plejeboligomraadet",
        "name": "AMG Plejeboligområdet",
        "omraade": "bsv",
        "parent": "apmed-plejeboligerne-albertshoej",
        "covers": ["plejeboligerne-albertshoej", "plejeboligerne-humlehusene"],
    },
    {
        "code": "amg-laengerevarende-botilbud",
        "name": "AMG Længerevarende botilbud",
        "omraade": "bsv",
        "parent": "pm-laengerevarende-tilbud",
        "covers": ["botilbud-herstedoester-sidevej", "bofaellesskabet-humlehusene"],
    },
    {
        "code": "amg-hjaelpemidler-traening",
        "name": "AMG Hjælpemidler & Træning",
        "omraade": "bsv",
        "parent": "apmed-hjaelpemidler-traening",
        "covers": ["hjaelpemidler-traening", "hjaelpemiddeldepotet"],
    },
    {
        "code": "amg-sundheds-socialfaglig-myndighed",
        "name": "AMG Sundheds- & Socialfaglig Myndighed",
        "omraade": "bsv",
        "parent": "pm-sundheds-socialfaglig-myndighed",
        "covers": ["sundheds-socialfaglig-myndighed"],
    },
    {
        "code": "amg-bostoette-aktivitet",
        "name": "AMG Bostøtte & Aktivitet",
        "omraade": "bsv",
        "parent": "apmed-bostoette-aktivitet",
        "covers": ["bostoette-aktivitet", "villa-social"],
    },
    {
        "code": "amg-hjemme-sygeplejen",
        "name": "AMG Hjemme- & Sygeplejen",
        "omraade": "bsv",
        "parent": "apmed-hjemme-sygeplejen",
        "covers": ["hjemme-sygeplejen"],
    },
    # Only personalemøder, in three different committees: reports to the AfdelingsMED.
    {
        "code": "amg-andet-aeldre-sundhed-social",
        "name": "AMG Andet – Ældre, Sundhed & Social",
        "omraade": "bsv",
        "parent": "afdelingsmed:bsv",
        "covers": [
            "albertslund-rusmiddelcenter",
            "stab-aeldre-sundhed-social",
            "midlertidigt-botilbud",
        ],
    },
    {
        "code": "amg-boern-familie",
        "name": "AMG Børn & Familie",
        "omraade": "bsv",
        "parent": "apmed-familieafsnittet",
        "covers": [
            "familieafsnittet",
            "familiehuset",
            "ungeboligerne-stationstorvet",
            "sundhedsplejen",
            "tandplejen",
            "dke",
            "strategi-udvikling",
        ],
    },
    {
        "code": "amg-oekonomi-stab",
        "name": "AMG Økonomi & Stab",
        "omraade": "oes",
        "parent": "apmed-oekonomi-stab",
        "covers": ["oekonomi-stab"],
    },
]

# Counted by hand from the chart text (see the module docstring), not from len() of the lists above.
EXPECTED_COUNTS = {
    "afdelingsmed": 3,  # three direktørområder
    "arbejdspladsmed": 31,  # 2 + 4 + 3 + 15 + 5 + 1 + 1 (MED chart)
    "personalemoede": 28,  # 2 + 1 + 5 + 9 + 6 + 5 (MED chart)
    "amg": 21,  # AMO chart: 16 "AMG <name>:" lines + 2 "Under … er der en AMG i X og i Y" lines
    # giving 2 each + Vikingelandsbyen's own AMG (in a note) = 16 + 4 + 1
    "workplaces": 68,  # 4 + 5 + 8 + 30 + 13 + 7 + 1
}
