"""Facts of the founding article (ARI Nº 16/2005), each checked through Cypher against the loaded seed corpus.

Each case is (quote from the article, Cypher returning one boolean column ``ok``). Ties are matched by URI so that
a renamed label cannot hide a lost fact. Plus: every node and relationship carries its source file, and every
seed tie carries evidence."""

from __future__ import annotations

import pytest

ID = "https://w3id.org/diaspora-kg/id/"


def tie(subject: str, rel: str, obj: str) -> str:
    """Cypher that is true when the tie subject-[rel]->object exists (ids relative to dkgid:)."""
    return (f"RETURN EXISTS {{ MATCH (:Resource {{uri: '{ID}{subject}'}})-[:{rel}]->"
            f"(:Resource {{uri: '{ID}{obj}'}}) }} AS ok")


def cell(row: str, prop: str, value) -> str:
    """Cypher that is true when the observation ``row`` has ``prop`` = value (to the cent for floats)."""
    return f"MATCH (o:Resource {{uri: '{ID}{row}'}}) RETURN round(o.{prop}, 2) = round({value}, 2) AS ok"


def figure(obs: str, value, approximation: str) -> str:
    return (f"MATCH (o:Resource {{uri: '{ID}observation/{obs}'}}) "
            f"RETURN o.value = {value} AND o.approximation = '{approximation}' AS ok")


FACTS = [
    # Introduction
    ("Mexico, Colombia and El Salvador ... have created offices within their respective Foreign Affairs ministries",
     tie("org/co-mfa-emigrant-office", "SUB_ORGANISATION_OF", "org/co-mfa")),
    ("Mexico –which receives approximately US$15 billion annually–",
     figure("mexico-remittances-per-year", 15000000000, "about")),
    ("El Salvador –where remittances total approximately 15% of its GDP–",
     figure("el-salvador-remittances-share-of-gdp", 15, "about")),
    ("to demand that countries of origin extend dual citizenship",
     "RETURN EXISTS { MATCH (:Resource {uri: '" + ID + "collective/latin-american-emigrants'})-[d:DEMANDS]->() "
     "WHERE d.topic ENDS WITH 'dual-citizenship' } AS ok"),
    ("and absentee voting rights",
     "RETURN EXISTS { MATCH ()-[d:DEMANDS]->() WHERE d.topic ENDS WITH 'voting-from-abroad' } AS ok"),
    ("to lobby American officials regarding legislation affecting home-country interests",
     tie("collective/latin-american-emigrants", "LOBBIES", "collective/us-officials")),
    ("(Basch et al., 1994, p. 6)", tie("source/ari-16-2005", "CITES", "publication/basch-et-al-1994")),
    # Hometown associations
    ("there are around 200 Salvadoran hometown associations", figure("salvadoran-htas-in-us-count", 200, "about")),
    ("more than 550 Mexican hometown associations", figure("mexican-htas-in-us-count", 550, "more than")),
    ("According to the Salvadoran Ministry of Foreign Affairs",
     tie("observation/salvadoran-htas-in-us-count", "REPORTED_BY", "org/sv-mfa")),
    ("Salvadoran hometown associations in cities such as Houston",
     tie("collective/salvadoran-htas", "LOCATED_IN", "place/us/houston")),
    ("... Los Angeles and Washington, DC", tie("collective/salvadoran-htas", "LOCATED_IN", "place/us/washington-dc")),
    ("Mexican hometown associations in Los Angeles, New York, San Antonio, Austin, Chicago, Detroit Phoenix",
     "MATCH (:Resource {uri: '" + ID + "collective/mexican-htas'})-[:LOCATED_IN]->(c:City) "
     "RETURN count(DISTINCT c) = 7 AS ok"),
    ("a board and a few active members, numbering around ten", figure("hta-board-and-active-members", 10, "about")),
    ("a hometown association is formed by only five families", figure("hta-founding-families-minimum", 5, "exact")),
    ("Club Monte Escobedo in Zacatecas, Mexico",
     tie("org/club-monte-escobedo", "ORIGINATES_FROM", "place/MX-ZAC/monte-escobedo")),
    ("Monte Escobedo in Zacatecas", tie("place/MX-ZAC/monte-escobedo", "PART_OF", "place/MX-ZAC")),
    ("the local pastor organised the creation of the first 'committee' in Chicago",
     tie("org/club-monte-escobedo-committee", "CREATED_BY", "person/monte-escobedo-pastor")),
    ("the first 'committee' in Chicago", tie("org/club-monte-escobedo-committee", "LOCATED_IN", "place/us/chicago")),
    ("to gather funds to repair the local church",
     tie("org/club-monte-escobedo-committee", "FUNDS", "project/monte-escobedo-church-repair")),
    ("Eighteen years later the committee was formally established as a hometown association",
     tie("org/club-monte-escobedo-committee", "SUCCEEDED_BY", "org/club-monte-escobedo")),
    ("Sometimes HTAs form around a disaster, such as hurricane Mitch",
     tie("collective/htas-formed-around-hurricane-mitch", "FORMED_IN_RESPONSE_TO", "event/hurricane-mitch")),
    ("In 2002 in Zacatecas, one-third of the approved projects (305)",
     figure("zacatecas-2002-approved-projects", 305, "exact")),
    ("HTAs from several communities in Michoacan established the Federación de Clubes Michoacanos in Illinois",
     tie("org/fedecmi", "CREATED_BY", "collective/fedecmi-founding-htas")),
    ("the Federación de Clubes Michoacanos in Illinois", tie("org/fedecmi", "LOCATED_IN", "place/US-IL")),
    ("a youth programme in cooperation with Heartland Alliance",
     tie("org/heartland-alliance", "CO_RUNS", "programme/fedecmi-youth")),
    ("Enlaces America ... is the international programme of Heartland Alliance",
     tie("org/heartland-alliance", "RUNS", "programme/enlaces-america")),
    ("the annual Zacatecan picnic in Chicago, Illinois", tie("event/zacatecan-picnic-chicago", "LOCATED_IN",
                                                             "place/us/chicago")),
    ("which draws more than 5,000 persons", figure("zacatecan-picnic-attendance", 5000, "more than")),
    ("a community base of 50 to over 100 people", figure("hta-fundraising-base-high", 100, "more than")),
    ("Most groups raise less than US$15,000 a year for projects", figure("hta-annual-fundraising", 15000,
                                                                         "less than")),
    ("the Semana Cultural Michoacana, organised by the Federación de Clubes Michoacanos en Illinois",
     tie("org/fedecmi", "ORGANISES", "event/semana-cultural-michoacana")),
    ("interview with José Luis Gutiérrez, Federación de Clubes Michoacanos en Illinois, FEDECMI",
     tie("person/jose-luis-gutierrez", "MEMBER_OF", "org/fedecmi")),
    ("a paper commissioned from Manuel Orozco by The Tomas Rivera Policy Institute",
     tie("publication/orozco-tomas-rivera-policy-institute-paper", "COMMISSIONED_BY",
         "org/tomas-rivera-policy-institute")),
    # Institutional responses
    ("in 2000, El Salvador and Mexico approved a limited form of dual citizenship",
     tie("org/gov-SV", "ADOPTS", "policy/sv-dual-citizenship-2000")),
    ("... and Mexico", tie("org/gov-MX", "ADOPTS", "policy/mx-dual-citizenship-2000")),
    ("the Dominican Republic and Colombia, have recently modified their electoral laws",
     tie("org/gov-DO", "ADOPTS", "policy/do-voting-from-abroad")),
    ("Colombia ... elect their own representative to the national legislature",
     tie("org/gov-CO", "ADOPTS", "policy/co-diaspora-representative")),
    ("a General Directorate within the Ministry of Foreign Affairs ... (DGACE)",
     tie("org/dgace", "SUB_ORGANISATION_OF", "org/sv-mfa")),
    ("The directorate, created in January 2000",
     "MATCH (d:Resource {uri: '" + ID + "org/dgace'}) RETURN d.foundedYear = 2000 AS ok"),
    ("an online publication (Comunidad en Acción)", tie("org/dgace", "PUBLISHES", "publication/comunidad-en-accion")),
    ("outreach programmes such as Paisano", tie("org/gov-MX", "RUNS", "programme/paisano")),
    ("the Programme for Mexican Communities Abroad (PCME), created by the Ministry of Foreign Affairs",
     tie("programme/pcme", "CREATED_BY", "org/mx-mfa")),
    ("set up through Mexico's embassy and its consulates", tie("org/mx-embassy-us", "CO_RUNS", "programme/pcme")),
    ("interview with Dante Gómez, Mexican Consulate General in Chicago",
     tie("person/dante-gomez", "MEMBER_OF", "org/mx-consulate-general-chicago")),
    ("the newly elected Fox administration created the Presidential Office for Mexicans Abroad",
     tie("org/presidential-office-mexicans-abroad", "CREATED_BY", "org/fox-administration")),
    ("which was merged with the PCME to create the Institute for Mexicans Abroad (IME)",
     tie("org/pcme", "MERGED_INTO", "org/ime")),
    ("The IME is an independent agency within the Ministry of Foreign Affairs",
     tie("org/ime", "SUB_ORGANISATION_OF", "org/mx-mfa")),
    ("a governing board of 152 members", figure("ime-governing-board-members", 152, "exact")),
    ("elected by the Mexican and Mexican-American communities in the US",
     tie("org/ime-governing-board", "ELECTED_BY", "collective/mexican-and-mexican-american-communities-us")),
    ("a ten member advisory board appointed by the IME's Director",
     tie("org/ime-advisory-board", "APPOINTED_BY", "person/ime-director")),
    ("the IME is the executive arm of the National Council for Mexican Communities Abroad",
     tie("org/ime", "EXECUTIVE_ARM_OF", "org/national-council-mexican-communities-abroad")),
    ("which is headed by Mexico's President",
     tie("person/mx-president", "HEADS", "org/national-council-mexican-communities-abroad")),
    ("whose members include the Secretaries of the Interior, of Foreign Affairs, of Finance, of Social Development "
     "and of Education", "MATCH (p:Person)-[m:MEMBER_OF]->(:Resource {uri: '" + ID +
     "org/national-council-mexican-communities-abroad'}) WHERE m.role = 'member' RETURN count(p) = 5 AS ok"),
    ("Rodolfo O. de la Garza, the main author of this paper, serves on the advisory board",
     tie("person/rodolfo-o-de-la-garza", "MEMBER_OF", "org/ime-advisory-board")),
    ("the Zacatecas State Institute of Migration",
     tie("org/zac-state-institute-of-migration", "SUB_ORGANISATION_OF", "org/gov-MX-ZAC")),
    ("the General Office for the Michoacanean Migrant",
     tie("org/mic-general-office-michoacanean-migrant", "SUB_ORGANISATION_OF", "org/gov-MX-MIC")),
    # Development partnerships, Table 1
    ("the Social Investment and Local Development Fund (FISDL) of the government of El Salvador",
     tie("org/fisdl", "SUB_ORGANISATION_OF", "org/gov-SV")),
    ("through groups such as El Rescate and Carecen",
     tie("collective/salvadoran-htas", "PARTNERS_WITH", "org/carecen")),
    ("umbrella hometown association groups such as Comunidades Unidas Salvadoreñas",
     tie("collective/salvadoran-htas", "MEMBER_OF", "org/comunidades-unidas-salvadorenas")),
    ("the FISDL (in partnership with the DGACE) has developed a programme",
     tie("org/dgace", "CO_RUNS", "programme/unidos-por-la-solidaridad")),
    ("The programme, known as Unidos por la Solidaridad", tie("org/fisdl", "RUNS",
                                                              "programme/unidos-por-la-solidaridad")),
    ("(b) The hometown association must match at least 10% of the project's costs.",
     "MATCH (r:Resource {uri: '" + ID + "rule/unidos-b'}) RETURN r.minimumValue = 10.0 AND "
     "r.constrainsMeasure ENDS WITH 'htaSharePercent' AS ok"),
    ("(e) Projects must cost at least US$30,000.",
     "MATCH (:Resource {uri: '" + ID + "programme/unidos-por-la-solidaridad'})-[:HAS_RULE]->(r:ProgrammeRule) "
     "WHERE r.ruleLabel = '(e)' RETURN r.minimumValue = 30000.0 AS ok"),
    ("Since 1993 there have been 14 competitions for FISDL matching funds",
     figure("fisdl-competitions-since-1993", 14, "exact")),
    ("to which hometown associations have contributed US$2.1 million",
     figure("fisdl-competition-hta-contributions-since-1993", 2100000, "exact")),
    ("The FISDL runs a programme called Conoce tu municipio", tie("org/fisdl", "RUNS",
                                                                  "programme/conoce-tu-municipio")),
    ("of the 45 projects ... 28 are in three of the country's fourteen provinces",
     figure("fisdl-hta-partnership-projects-in-three-departments", 28, "exact")),
    ("the country's fourteen provinces",
     "MATCH (d:Department)-[:PART_OF]->(:Country {isoCode: 'SV'}) RETURN count(d) = 14 AS ok"),
    ("Of the 45 projects, 17 deal with infrastructure", cell("table/1-categories/infrastructure", "projectCount",
                                                              17)),
    ("14 target recreation", cell("table/1-categories/recreation", "projectCount", 14)),
    ("SALA, LA and Asociación Adentro Cojutepeque", tie("org/sala", "ORIGINATES_FROM", "place/SV-CU")),
    ("In Suchitoto, Cuscatlan, SALA worked with the FISDL to repair and install streetlights",
     tie("org/sala", "FUNDS", "project/suchitoto-streetlights")),
    ("In Cojutepeque they worked to remodel and furnish a recreation area",
     tie("project/cojutepeque-recreation-area", "IN_PROGRAMME", "programme/unidos-por-la-solidaridad")),
    ("Table 1: La Unión 11 34,987.72", cell("table/1/la-union", "htaDonationUsd", 34987.72)),
    ("Table 1: Usulutan ... 158,106.43", cell("table/1/usulutan", "htaDonationUsd", 158106.43)),
    ("Table 1: Total/average 45 ... 1,307,342.09", cell("table/1/total", "totalCostUsd", 1307342.09)),
    ("Source: FISDL, Proyectos de 'Unidos por la Solidaridad' con Salvadoreños en el Exterior",
     tie("table/1", "REPORTED_BY", "publication/fisdl-unidos-por-la-solidaridad-projects")),
    # IFAD
    ("IFAD has been working in cooperation with the World Bank", tie("org/ifad", "PARTNERS_WITH", "org/world-bank")),
    ("IFAD worked with a Los Angeles hometown association, supported by El Rescate",
     tie("org/el-rescate", "SUPPORTS", "org/la-hta-ifad-high-school")),
    ("Besides providing 53% of the funding",
     "MATCH (:Resource {uri: '" + ID + "org/ifad'})-[f:FUNDS]->(:Resource {uri: '" + ID +
     "project/ifad-high-school'}) RETURN f.share = 0.53 AS ok"),
    ("help in obtaining the Ministry of Education's support for the project",
     tie("org/sv-ministry-of-education", "SUPPORTS", "project/ifad-high-school")),
    ("its Rural Reconstruction and Modernisation Programme",
     tie("org/ifad", "RUNS", "programme/ifad-rural-reconstruction")),
    # 3x1 and Tables 2, 3
    ("in operation in Mexico in Zacatecas, Guerrero, Jalisco and Guanajuato",
     "MATCH (:Resource {uri: '" + ID + "programme/3x1'})-[:OPERATES_IN]->(s:State) RETURN count(s) = 4 AS ok"),
    ("each party shares 25% of the cost",
     "MATCH ()-[f:FUNDS]->(:Resource {uri: '" + ID + "programme/3x1'}) "
     "RETURN count(f) >= 4 AND all(x IN collect(f.share) WHERE x = 0.25) AS ok"),
    ("(Goldring, 2002)", tie("publication/goldring-2002", "CONCERNS", "programme/3x1")),
    ("the 282 HTAs", figure("zacatecas-linked-hta-count", 282, "exact")),
    ("more than 16 hometown association federations", figure("zacatecas-linked-hta-federation-count", 16,
                                                             "more than")),
    ("Table 2: 2002 308 43 17,597,250.69", cell("table/2/2002", "amountUsd", 17597250.69)),
    ("Table 2: Total 937 164 44,862,099.05", cell("table/2/total", "amountUsd", 44862099.05)),
    ("Source: Gobierno del Estado de Zacatecas", tie("table/2", "REPORTED_BY", "org/gov-MX-ZAC")),
    ("as part of the National Agreement for Human and Social Development",
     tie("programme/3x1-michoacan", "FRAMED_BY", "policy/mx-national-agreement-human-social-development")),
    ("In 2003 there were 153 project proposals from January to May",
     figure("mic-3x1-project-proposals-2003", 153, "exact")),
    ("totalling US$1,056,572.23", figure("mic-3x1-first-expenditure-2003-amount", 1056572.23, "exact")),
    ("Table 3: 2 16 11 190,000 1,317,550.46", cell("table/3/stipend-2", "peopleBenefited", 190000)),
    ("Source: Coordinación General para la Atención al Migrante Michoacano",
     tie("table/3", "REPORTED_BY", "org/mic-coordinacion-general-atencion-migrante")),
    # Investment
    ("'Invest in Mexico' programme, which involves Nacional Financiera",
     tie("org/nacional-financiera", "CO_RUNS", "programme/invest-in-mexico")),
    ("the Inter-American Development Bank", tie("org/idb", "CO_RUNS", "programme/invest-in-mexico")),
    ("the State governments of Zacatecas, Puebla and Hidalgo", tie("org/gov-MX-HID", "CO_RUNS",
                                                                    "programme/invest-in-mexico")),
    ("in Jalisco the state government offers loan support and technical assistance",
     tie("org/gov-MX-JAL", "RUNS", "programme/jalisco-emigrant-business-support")),
    ("monthly payments starting at US$140 dollars", figure("us-arranged-mortgage-monthly-payment", 140, "at least")),
    ("for 25 years", figure("us-arranged-mortgage-term", 25, "exact")),
]


@pytest.mark.parametrize("quote, cypher", FACTS, ids=[quote[:60] for quote, _ in FACTS])
def test_fact(seed_db, quote, cypher):
    rows = seed_db.read(cypher)
    assert rows and rows[0]["ok"] is True, f"not in the graph: {quote!r}"


def test_at_least_sixty_distinct_facts():
    assert len({quote for quote, _ in FACTS}) >= 60


def test_every_node_and_relationship_carries_its_source(seed_db):
    nodes = seed_db.read("MATCH (n:Resource) WHERE size(coalesce(n.sources, [])) = 0 RETURN count(n) AS n")
    rels = seed_db.read("MATCH ()-[r]->() WHERE size(coalesce(r.sources, [])) = 0 RETURN count(r) AS n")
    assert (nodes[0]["n"], rels[0]["n"]) == (0, 0)


def test_every_seed_tie_has_evidence(seed_db):
    # Ties from data/seed (gazetteer PART_OF ties come from pycountry) need evidence on the tie, except the
    # structural ones of provenance and statistics, whose observation/evidence node carries it.
    rows = seed_db.read(
        "MATCH (a)-[r]->(b) WHERE any(s IN r.sources WHERE s STARTS WITH 'data/seed/') "
        "AND NOT type(r) IN ['QUOTED_FROM', 'IN_DATASET', 'REF_AREA'] AND size(coalesce(r.evidence, [])) = 0 "
        "AND NOT (a:Observation AND size(coalesce(a.evidence, [])) > 0) "
        "RETURN type(r) AS type, a.uri AS subject, b.uri AS object LIMIT 20")
    assert rows == []
