"""The report's first screen: what the graph answers, in sentences with numbers.

Every sentence is made from the run's own answers, measures and findings (never written by hand), so it says what
this graph holds: how many federations link to how many home places and at which level, who the best brokers are
and between whom, which coalitions form, and where the source's figures disagree. A sentence whose material the
run does not have (offline: no query was asked) is left out, and the report says why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..viz.kinds import readable
from .blocks import Code, Strong

ROLE_MEANING = {
    "coordinator": "between actors of its own country",
    "itinerant": "between two actors of another country",
    "representative": "carrying its own country's ties out to another country",
    "gatekeeper": "letting another country's actors in to its own",
    "liaison": "between actors of two countries other than its own",
}


def plural(count: int, word: str, words: str | None = None) -> str:
    """``count`` and the word, singular or plural.

    >>> plural(1, "federation"), plural(3, "home place"), plural(2, "country", "countries")
    ('1 federation', '3 home places', '2 countries')
    """
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def names(items: Iterable[str], shown: int = 3) -> str:
    """``a, b and c``; beyond ``shown``, ``a, b, c and 4 more``.

    >>> names(["SALA"]), names(["a", "b"]), names(["a", "b", "c", "d", "e"])
    ('SALA', 'a and b', 'a, b, c and 2 more')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if len(items) <= shown:
        return ", ".join(items[:-1]) + " and " + items[-1]
    return ", ".join(items[:shown]) + f" and {len(items) - shown} more"


#: A coalition's most common kind group, in words (``analysis.groups.kind_group``'s values).
GROUP_WORDS = {"diaspora": "diaspora organisations", "government": "public bodies",
               "international": "international organisations", "partner": "partner organisations",
               "person": "people", "collective": "collectives", "organisation": "organisations"}


def kind_words(kind: str | None, count: int = 1) -> str:
    """A class label in words, plural for a count other than one.

    >>> kind_words("GovernmentAgency"), kind_words("StateGovernment", 6), kind_words("PublicBody", 2), kind_words("Person", 3)
    ('government agency', 'state governments', 'public bodies', 'people')
    """
    if not kind:
        return ""
    words = readable(kind)
    words = words if words.isupper() else words[0].lower() + words[1:]
    if count == 1:
        return words
    if words == "person":
        return "people"
    if words.endswith("y") and not words.endswith(("ay", "ey", "oy")):
        return words[:-1] + "ies"
    return words + "s"


def _answer(result, name: str):
    return next((a for a in result.questions if a.query.name == name), None)


def federations(result) -> list | None:
    """How many federations link to how many home places, at which level; and where diaspora organisations come
    from (``federations_to_municipalities``, ``associations_by_home_area``)."""
    answer = _answer(result, "federations_to_municipalities")
    if answer is None:
        return None
    rows = [r for r in answer.rows if r.get("federation") and r.get("place")]
    if not rows:
        return [Strong("Federations and home places."), " No federation of hometown associations is tied to a home "
                "place in the graph."]
    feds = list(dict.fromkeys(r["federation"] for r in rows))
    places = {(r["place"], r.get("place_level"), r.get("country")) for r in rows}
    levels = Counter(level or "unknown level" for _, level, _ in places)
    countries = sorted({c for *_, c in places if c})
    pairs = list(dict.fromkeys(f"{r['federation']} → {r['place']}" for r in rows))
    text = (f" {plural(len(feds), 'federation')} of hometown associations "
            f"{'links' if len(feds) == 1 else 'link'} to {plural(len(places), 'home place')} "
            f"({', '.join(f'{n} at the {level} level' for level, n in levels.most_common())})"
            + (f" in {names(countries)}" if countries else "")
            + f", through {plural(len(rows), 'path')}: {names(pairs)}.")
    parts = [Strong("Federations and home places."), text]
    areas = _answer(result, "associations_by_home_area")
    if areas and areas.rows and "associations" in areas.rows[0]:
        members = {a for r in areas.rows for a in (r.get("associations") or [])}
        by_level = Counter(r.get("area_level") or "area" for r in areas.rows)
        origins = names(plural(n, level) for level, n in by_level.most_common())
        parts.append(f" {plural(len(members), 'diaspora organisation')} come from {origins} of origin: "
                     f"{_areas(areas.rows)}.")
    return parts


def _areas(rows: list[dict]) -> str:
    ranked = sorted(rows, key=lambda r: (-(r.get("association_count") or 0), str(r.get("area"))))
    return names(f"{r.get('area')} ({r.get('association_count')})" for r in ranked)


def _who(row: dict) -> str:
    return ", ".join(x for x in (kind_words(row.get("kind")), row.get("country")) if x)


def _what_it_brokers(row: dict, network) -> str:
    """The actors a broker ties and the role most of its brokerage plays."""
    uri = row["uri"]
    text = ""
    if network is not None and uri in network:
        tied = sorted(network[uri], key=lambda v: (-network.degree[v], str(network.nodes[v].get("name"))))
        text = f" and ties {plural(len(tied), 'actor')}: {names(network.nodes[v].get('name', v) for v in tied)}"
    roles = {r: row.get(r) or 0 for r in ROLE_MEANING}
    role = max(roles, key=roles.get)
    if roles[role]:
        text += (f"; {roles[role]} of the {plural(row.get('brokerage') or roles[role], 'two-path')} it brokers run "
                 f"{ROLE_MEANING[role]}")
    return text


def brokers(result, network=None) -> list | None:
    """The three best brokers, how central, and between whom."""
    analysis = result.analysis
    if analysis is None or not analysis.brokers:
        return None
    best, *others = analysis.brokers[:3]
    parts = [Strong("Brokers."), f" Among {analysis.actors.among(analysis.broker_info.nodes)}, the best broker is ",
             Strong(str(best["name"])), f" ({_who(best)}): it lies on {best['betweenness']:.1%} of the shortest "
             "paths between the others" + _what_it_brokers(best, network) + "."]
    if others:
        parts.append(" Next come ")
        for i, row in enumerate(others):
            parts += [(" and " if i else ""), Strong(str(row["name"])),
                      f" ({_who(row)}, {row['betweenness']:.1%})"]
        parts.append(".")
    return parts


def coalitions(result) -> list | None:
    """How many coalitions, how stable, and the largest two in a phrase each."""
    analysis = result.analysis
    if analysis is None:
        return None
    c = analysis.coalition_info
    found = analysis.coalitions
    if not found:
        return [Strong("Coalitions."), " No coalition of two or more actors forms."]
    stable = (f"; across {c.stability.runs} seeds the partitions agree with a mean adjusted Rand index of "
              f"{c.stability.mean_ari:.2f}" if c.stability and c.stability.runs else "")
    phrases = []
    for coalition in found[:2]:
        if coalition.get("dominant_kind"):
            what = kind_words(coalition["dominant_kind"], coalition.get("dominant_kind_count") or 2)
        else:
            what = GROUP_WORDS.get(coalition.get("dominant_kind_group"), "actors of several kinds")
        country = f", home country {coalition['dominant_country']}" if coalition.get("dominant_country") else ""
        bound = coalition.get("binding") or []
        tie = f", bound by {bound[0]['name'] or bound[0]['uri']} ({bound[0]['members']} members)" if bound else ""
        phrases.append(f"{coalition['size']} members, most of them {what}{country}{tie}")
    return [Strong("Coalitions."),
            f" {c.method.capitalize()} finds {plural(len(found), 'coalition')} of two or more among the "
            f"{analysis.actors.among(c.nodes)}: modularity {c.modularity:.2f}{stable}. The largest: "
            + "; ".join(phrases) + "."]


def funding(result) -> list | None:
    """Who funds what, in counts (``who_funds_what`` asked for every funder)."""
    answer = _answer(result, "who_funds_what")
    if answer is None or not answer.rows or "funder" not in answer.rows[0]:
        return None
    rows = answer.rows
    funders = {r["funder"] for r in rows}
    recipients = {r.get("recipient") for r in rows}
    amounts = sum(1 for r in rows if r.get("amount_usd") is not None or r.get("amount") is not None)
    shares = sum(1 for r in rows if r.get("share") is not None)
    return [Strong("Money."), f" {plural(len(rows), 'funding tie')} from {plural(len(funders), 'funder')} to "
            f"{plural(len(recipients), 'recipient')}; the source gives an amount for {amounts} and a share of the "
            f"cost for {shares}."]


def _headline(finding: dict) -> str:
    explanation = str(finding.get("explanation") or finding.get("subject") or "")
    first = explanation.split("; ")[0].split(". ")[0].rstrip(".")
    first = first[:1].lower() + first[1:]
    table = str(finding.get("table_name") or "").split(".")[0]
    return first.replace("the table", table) if table else first


def audit(result) -> list | None:
    """How many findings, and the errors in a phrase each."""
    if result.audit is None:
        return None
    counts = Counter(f["severity"] for f in result.audit)
    errors = [f for f in result.audit if f["severity"] == "error"]
    text = (f" Checking the source's figures against each other gives {plural(len(result.audit), 'finding')}: "
            f"{plural(counts.get('error', 0), 'error')}, {plural(counts.get('warning', 0), 'warning')}, "
            f"{plural(counts.get('info', 0), 'note')}.")
    if errors:
        text += " The errors: " + "; ".join(_headline(f) for f in errors) + "."
    return [Strong("The source's figures."), text]


def offline(result) -> list | None:
    """What an offline run cannot say."""
    if not result.offline:
        return None
    return [Strong("Offline."), " The federations' home places, who funds what, every other question of the query "
            "library and the audit of the source's figures are asked of Neo4j: ", Code(result.shell("run")),
            " with Neo4j answers them."]


def first_screen(result, network=None) -> list[list]:
    """The findings, one list of inline parts each, in the order the report shows them."""
    found = [federations(result), brokers(result, network), coalitions(result), funding(result), audit(result),
             offline(result)]
    return [parts for parts in found if parts]
