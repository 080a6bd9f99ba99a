"""The seed corpus holds the article's three tables, the rules of Unidos por la Solidaridad and the text figures
that restate table cells, exactly as printed in ARI Nº 16/2005.

The expected rows below are copied from the article (/work/shared/seed/000_cea5b18b63cdda07.txt), not from the
data: a cell typed wrongly into data/seed/ fails here. Money is compared as the printed decimal string (commas
removed), so the printed cents must be kept.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[2]
DKG = Namespace("https://w3id.org/diaspora-kg/ontology#")
ID = "https://w3id.org/diaspora-kg/id/"
TABLE_1, TABLE_2, TABLE_3 = (URIRef(f"{ID}table/{n}") for n in (1, 2, 3))
UNIDOS = URIRef(f"{ID}programme/unidos-por-la-solidaridad")
PREFIXES = f"PREFIX dkg: <{DKG}>\n"

# Table 1, as printed: Department, Nr of Projects, HTA Donation, FISDL Funds, Total Cost of Projects,
# Avg. Cost/Project, % HTA Donation, % FISDL Funds; plus the ISO 3166-2 code of the department.
TABLE_1_ROWS = [
    ("La Unión", "SV-UN", 11, "34,987.72", "273,468.48", "414,321.27", "37,665.57", "8.4", "66.0"),
    ("La Paz", "SV-PA", 10, "7,138.78", "89,349.51", "156,039.11", "15,603.91", "4.6", "57.3"),
    ("Chalatenango", "SV-CH", 7, "12,515.15", "46,676.50", "77,957.09", "11,136.72", "16.1", "59.9"),
    ("Cabañas", "SV-CA", 3, "11,283.60", "88,895.22", "129,472.74", "43,157.58", "8.7", "68.7"),
    ("San Miguel", "SV-SM", 3, "7,543.77", "38,449.12", "51,006.38", "17,002.13", "14.8", "75.4"),
    ("Cuscatlan", "SV-CU", 2, "2,512.85", "21,046.49", "29,115.12", "14,557.56", "8.6", "72.3"),
    ("San Salvador", "SV-SS", 2, "685.32", "44,294.50", "72,980.69", "36,490.34", "0.9", "60.7"),
    ("Usulutan", "SV-US", 2, "158,106.43", "117,081.53", "276,493.34", "138,246.67", "57.2", "42.3"),
    ("Ahuachapan", "SV-AH", 1, "456.88", "2,398.63", "4,568.82", "4,568.82", "10.0", "52.5"),
    ("La Libertad", "SV-LI", 1, "1,658.24", "15,372.58", "17,030.82", "17,030.82", "9.7", "90.3"),
    ("Morazan", "SV-MO", 1, "567.90", "39,125.06", "56,785.28", "56,785.28", "1.0", "68.9"),
    ("San Vicente", "SV-SV", 1, "4,200.91", "3,437.12", "7,638.04", "7,638.04", "55.0", "45.0"),
    ("Santa Ana", "SV-SA", 1, "2,090.01", "10,728.72", "13,933.40", "13,933.40", "15.0", "77.0"),
    ("Total/average", "SV", 45, "243,747.56", "790,323.45", "1,307,342.09", "31,832.06", "16.2", "64.3"),
]
TABLE_1_MEASURES = ("htaDonationUsd", "governmentFundsUsd", "totalCostUsd", "averageCostUsd", "htaSharePercent",
                    "governmentSharePercent")

# Table 2, as printed: Year, Projects, Municipalities, Amount (US$); the reference year (None on the total row).
TABLE_2_ROWS = [
    ("1999", 1999, 93, 27, "503,253.77"),
    ("2000", 2000, 108, 28, "6,330,249.10"),
    ("2001", 2001, 123, 22, "7,256,539.63"),
    ("2002", 2002, 308, 43, "17,597,250.69"),
    ("2003*", 2003, 305, 44, "13,174,805.87"),
    ("Total", None, 937, 164, "44,862,099.05"),
]

# Table 3, as printed: Stipends, Projects, Municipalities, People Benefited, Amount (US$); the stipend number
# stored (the printed "1we" is stored as 1; None on the total row).
TABLE_3_ROWS = [
    ("1we", 1, 12, 9, 31342, "762,669.81"),
    ("2", 2, 16, 11, 190000, "1,317,550.46"),
    ("3", 3, 20, 8, 46270, "959,504.79"),
    ("4", 4, 9, 3, 1966, "639,789.66"),
    ("5", 5, 7, 7, 4412, "380,512.60"),
    ("Total", None, 64, 30, 273990, "4,060,027.33"),
]

# Requirements (a)-(e) of Unidos por la Solidaridad: label, printed text, bounded measure, minimum.
UNIDOS_RULES = [
    ("(a)", "The project must conform to the municipal government’s plan on civic participation.",
     "conformsToMunicipalPlan", None),
    ("(b)", "The hometown association must match at least 10% of the project’s costs.", "htaSharePercent", "10"),
    ("(c)", "The municipal government must be solvent.", "solvent", None),
    ("(d)", "Only social infrastructure projects are included.", "category", None),
    ("(e)", "Projects must cost at least US$30,000.", "totalCostUsd", "30000"),
]

# Text figures of engineer B's sections that restate a table cell: observation, row, measure, printed value.
RESTATEMENTS = [
    ("observation/fisdl-hta-partnership-projects", "table/1/total", "projectCount", "45"),
    ("observation/fisdl-hta-partnership-average-cost", "table/1/total", "averageCostUsd", "31832"),
    ("observation/fisdl-hta-partnership-average-hta-share", "table/1/total", "htaSharePercent", "16"),
    ("observation/fisdl-hta-partnership-hta-share-san-salvador", "table/1/san-salvador", "htaSharePercent", "1"),
    ("observation/fisdl-hta-partnership-hta-share-usulutan", "table/1/usulutan", "htaSharePercent", "57"),
    ("observation/fisdl-hta-partnership-projects-cabanas", "table/1/cabanas", "projectCount", "3"),
    ("observation/fisdl-hta-partnership-hta-donation-cabanas", "table/1/cabanas", "htaDonationUsd", "99000"),
    ("observation/fisdl-hta-partnership-hta-share-cabanas", "table/1/cabanas", "htaSharePercent", "9"),
    ("observation/fisdl-hta-partnership-fisdl-funds-cabanas", "table/1/cabanas", "governmentFundsUsd", "780000"),
    ("observation/fisdl-hta-partnership-fisdl-share-cabanas", "table/1/cabanas", "governmentSharePercent", "69"),
    ("table/1-categories/total", "table/1/total", "projectCount", "45"),
    ("table/3-categories/total", "table/3/total", "projectCount", "64"),
]


@pytest.fixture(scope="module")
def corpus() -> Graph:
    """The seed corpus and the gazetteer, parsed together as they are loaded."""
    files = sorted((ROOT / "data" / "seed").glob("*.ttl")) + sorted((ROOT / "data" / "gazetteer").glob("*.ttl"))
    graph = Graph()
    for path in files:
        graph.parse(path)
    return graph


def printed(amount: str) -> str:
    """A printed figure ("34,987.72") as the lexical form of its xsd:decimal ("34987.72")."""
    return amount.replace(",", "")


def rows_of(graph: Graph, table: URIRef) -> list[URIRef]:
    """The row observations of ``table``, in dkg:rowIndex order."""
    query = PREFIXES + "SELECT ?row WHERE { ?row dkg:dataSet ?table ; dkg:rowIndex ?i } ORDER BY ?i"
    return [r.row for r in graph.query(query, initBindings={"table": table})]


def one(graph: Graph, subject: URIRef, prop: str):
    """The single value of ``prop`` on ``subject``; fails if it is missing or repeated."""
    values = list(graph.objects(subject, DKG[prop]))
    assert len(values) == 1, f"{subject} has {len(values)} values of dkg:{prop}"
    return values[0]


def assert_decimal_as_printed(value: Literal, figure: str, where: str) -> None:
    assert Decimal(str(value)) == Decimal(printed(figure)), f"{where}: {value} != {figure}"
    assert str(value) == printed(figure), f"{where}: lexical form {value!s} loses the printed {figure}"


@pytest.mark.parametrize(("table", "expected"), [(TABLE_1, TABLE_1_ROWS), (TABLE_2, TABLE_2_ROWS),
                                                 (TABLE_3, TABLE_3_ROWS)], ids=["table-1", "table-2", "table-3"])
def test_rows_are_indexed_in_printed_order_with_one_total_row_last(corpus, table, expected):
    rows = rows_of(corpus, table)
    assert [int(one(corpus, row, "rowIndex")) for row in rows] == list(range(1, len(expected) + 1))
    assert [str(one(corpus, row, "rowLabel")) for row in rows] == [row[0] for row in expected]
    totals = [row for row in rows if (row, DKG.isTotal, Literal(True)) in corpus]
    assert totals == [rows[-1]]


def test_table_1_cells_are_as_printed(corpus):
    rows = rows_of(corpus, TABLE_1)
    assert len(rows) == len(TABLE_1_ROWS)
    for row, (label, _iso, projects, *figures) in zip(rows, TABLE_1_ROWS, strict=True):
        assert int(one(corpus, row, "projectCount")) == projects, label
        for measure, figure in zip(TABLE_1_MEASURES, figures, strict=True):
            assert_decimal_as_printed(one(corpus, row, measure), figure, f"Table 1 {label} {measure}")


def test_table_1_rows_refer_to_their_iso_department(corpus):
    for row, (label, iso, *_figures) in zip(rows_of(corpus, TABLE_1), TABLE_1_ROWS, strict=True):
        area = one(corpus, row, "refArea")
        assert str(one(corpus, area, "isoCode")) == iso, label
        if label != "Total/average":
            assert (area, DKG.partOf, URIRef(f"{ID}place/SV")) in corpus, label


def test_table_2_cells_are_as_printed(corpus):
    rows = rows_of(corpus, TABLE_2)
    assert len(rows) == len(TABLE_2_ROWS)
    for row, (label, year, projects, municipalities, amount) in zip(rows, TABLE_2_ROWS, strict=True):
        assert int(one(corpus, row, "projectCount")) == projects, label
        assert int(one(corpus, row, "municipalityCount")) == municipalities, label
        assert_decimal_as_printed(one(corpus, row, "amountUsd"), amount, f"Table 2 {label}")
        years = [str(y) for y in corpus.objects(row, DKG.refYear)]
        assert years == ([] if year is None else [str(year)]), label
        assert str(one(corpus, one(corpus, row, "refArea"), "isoCode")) == "MX-ZAC", label


def test_table_3_cells_are_as_printed(corpus):
    rows = rows_of(corpus, TABLE_3)
    assert len(rows) == len(TABLE_3_ROWS)
    for row, (label, stipend, projects, municipalities, people, amount) in zip(rows, TABLE_3_ROWS, strict=True):
        assert int(one(corpus, row, "projectCount")) == projects, label
        assert int(one(corpus, row, "municipalityCount")) == municipalities, label
        assert int(one(corpus, row, "peopleBenefited")) == people, label
        assert_decimal_as_printed(one(corpus, row, "amountUsd"), amount, f"Table 3 {label}")
        stipends = [int(s) for s in corpus.objects(row, DKG.stipend)]
        assert stipends == ([] if stipend is None else [stipend]), label
        assert str(one(corpus, row, "refYear")) == "2002", label
        assert str(one(corpus, one(corpus, row, "refArea"), "isoCode")) == "MX-MIC", label


def test_printed_1we_stipend_is_explained(corpus):
    first = rows_of(corpus, TABLE_3)[0]
    assert any("1we" in str(note) for note in corpus.objects(first, DKG.note))


@pytest.mark.parametrize(("table", "title", "source", "footnote"), [
    (TABLE_1, "Table 1. FISDL-Hometown Association Partnership Projects (US$)",
     "publication/fisdl-unidos-por-la-solidaridad-projects", None),
    (TABLE_2, "Table 2. 3x1 Programme in Zacatecas, Mexico", "org/gov-MX-ZAC", "(*) Up to April 12, 2003."),
    (TABLE_3, "Table 3. 3x1 Programme in Michoacan, Mexico (2002)",
     "org/mic-coordinacion-general-atencion-migrante", None),
], ids=["table-1", "table-2", "table-3"])
def test_tables_keep_title_source_and_footnote(corpus, table, title, source, footnote):
    assert str(one(corpus, table, "title")) == title
    assert (table, DKG.reportedBy, URIRef(ID + source)) in corpus
    if footnote:
        assert footnote in {str(note) for note in corpus.objects(table, DKG.note)}


def test_unidos_rules_a_to_e_with_their_bounds(corpus):
    query = PREFIXES + """
        SELECT ?rule ?label WHERE { ?programme dkg:hasRule ?rule . ?rule dkg:ruleLabel ?label } ORDER BY ?label"""
    rules = list(corpus.query(query, initBindings={"programme": UNIDOS}))
    assert [str(r.label) for r in rules] == [expected[0] for expected in UNIDOS_RULES]
    for (rule, _label), (label, text, measure, minimum) in zip(rules, UNIDOS_RULES, strict=True):
        assert str(one(corpus, rule, "ruleText")) == text, label
        assert str(one(corpus, rule, "constrainsMeasure")) == str(DKG[measure]), label
        minimums = [Decimal(str(m)) for m in corpus.objects(rule, DKG.minimumValue)]
        assert minimums == ([] if minimum is None else [Decimal(minimum)]), label
        assert list(corpus.objects(rule, DKG.maximumValue)) == [], label


@pytest.mark.parametrize(("observation", "row", "measure", "value"), RESTATEMENTS,
                         ids=[r[0].rsplit("/", 1)[-1] for r in RESTATEMENTS])
def test_text_figures_restate_the_right_row_and_measure(corpus, observation, row, measure, value):
    node = URIRef(ID + observation)
    assert one(corpus, node, "restates") == URIRef(ID + row)
    assert str(one(corpus, node, "measure")) == str(DKG[measure])
    assert Decimal(str(one(corpus, node, "value"))) == Decimal(value)
    assert (URIRef(ID + row), DKG[measure], None) in corpus, "the restated cell exists"


def test_every_restating_figure_points_at_an_existing_cell(corpus):
    query = PREFIXES + """
        SELECT ?obs ?row ?measure WHERE { ?obs dkg:restates ?row . OPTIONAL { ?obs dkg:measure ?measure } }"""
    found = list(corpus.query(query))
    assert len(found) >= len(RESTATEMENTS)
    for obs, row, measure in found:
        assert measure is not None, f"{obs} restates {row} without dkg:measure"
        assert (row, DKG.dataSet, None) in corpus, f"{obs} restates {row}, which is not a table row"
        assert (row, URIRef(str(measure)), None) in corpus, f"{row} has no {measure}"


def test_figures_restating_the_same_cell_share_one_quantity(corpus):
    query = PREFIXES + "SELECT ?row ?measure ?quantity WHERE { ?obs dkg:restates ?row ; dkg:measure ?measure ; dkg:quantity ?quantity }"
    quantities: dict[tuple[str, str], set[str]] = {}
    for row, measure, quantity in corpus.query(query):
        quantities.setdefault((str(row), str(measure)), set()).add(str(quantity))
    assert quantities
    for cell, names in quantities.items():
        assert len(names) == 1, f"{cell} is restated under several quantities: {sorted(names)}"


def test_breakdown_of_table_1_projects_by_type(corpus):
    query = PREFIXES + """
        SELECT ?label ?category ?count WHERE {
            ?row dkg:dataSet ?table ; dkg:rowIndex ?i ; dkg:rowLabel ?label ; dkg:projectCount ?count .
            OPTIONAL { ?row dkg:category ?category }
        } ORDER BY ?i"""
    table = URIRef(f"{ID}table/1-categories")
    found = [(str(r.label), r.category and str(r.category).rsplit("/", 1)[-1], int(r["count"]))
             for r in corpus.query(query, initBindings={"table": table})]
    assert found == [("infrastructure", "infrastructure", 17), ("recreation", "recreation", 14),
                     ("health", "health", 6), ("schools", "schools", 5), ("water", "water", 4),
                     ("productive activities", "productive", 2), ("Of the 45 projects", None, 45)]
