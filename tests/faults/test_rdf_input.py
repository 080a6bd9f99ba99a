"""Hostile or odd RDF files (issue 19): each is refused with its file and line, exit code 2, no traceback, and
never by the process dying; harmless oddities (a byte-order mark) are read as if they were not there.

* XML entity declarations ("billion laughs": 1 KB that pyoxigraph expands to gigabytes) are refused before
  parsing, wherever in the file the DOCTYPE hides;
* nesting deeper than :data:`graph_loader.rdf.read.MAX_NESTING` in JSON-LD (pyoxigraph segfaults at a few
  thousand levels) and RDF/XML (its time grows with the cube of the depth) is refused before parsing;
* a UTF-8 byte-order mark is skipped in every format, and the file is still hashed as it is on disk;
* a remote JSON-LD ``@context`` is refused as such, not as a "syntax error";
* non-UTF-8, binary, empty, special files and RDF 1.2 triple terms get a clear message.

Through the real command line (``validate``, which needs no Neo4j) and through :mod:`graph_loader.rdf.read`.
Whatever could blow up if a guard failed runs in a subprocess under a 2 GB address-space limit and a timeout, so a
regression fails the test instead of taking the machine or the test runner down. All data are synthetic
(``https://example.org/test/``).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graph_loader.errors import InputError
from graph_loader.model import Lit
from graph_loader.rdf import read
from graph_loader.rdf.read import inspect, iter_triples

CLI = [sys.executable, "-m", "graph_loader"]
EX = "https://example.org/test/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
BOM = "\ufeff"
MEMORY_LIMIT = 2 << 30  # bytes of address space for a subprocess that a failed guard could blow up
PREFIX = f"@prefix ex: <{EX}> .\n"
RDF_XML_OPEN = f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="{EX}">\n'


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def cli(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_limit_memory, env={**os.environ, "COLUMNS": "500"})


def assert_refused(run: subprocess.CompletedProcess, *fragments: str) -> None:
    """Not killed by a signal, exit 2, no traceback, and every fragment in the error output."""
    assert run.returncode >= 0, f"killed by signal {-run.returncode}:\n{run.stderr[-2000:]}"
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 2, run.stdout + run.stderr
    for fragment in fragments:
        assert fragment in run.stderr, f"{fragment!r} not in:\n{run.stderr}"


READ_SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from graph_loader.errors import InputError
    from graph_loader.rdf.read import inspect, iter_triples
    try:
        print(json.dumps({"triples": sum(1 for _ in iter_triples(inspect(Path(sys.argv[1]))))}))
    except InputError as exc:
        print(json.dumps({"error": str(exc), "path": exc.path, "line": exc.line}))
""")


def read_in_subprocess(path: Path, timeout: float = 120) -> dict:
    """``iter_triples(inspect(path))`` in a memory-limited subprocess: ``{"triples": n}`` or the InputError."""
    run = subprocess.run([sys.executable, "-c", READ_SCRIPT, str(path)], capture_output=True, text=True,
                         timeout=timeout, preexec_fn=_limit_memory)
    assert run.returncode == 0, f"the reader died (exit {run.returncode}):\n{run.stderr[-2000:]}"
    return json.loads(run.stdout)


def refusal(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        list(iter_triples(inspect(path)))
    assert info.value.path == str(path)
    return info.value


# -- 1. XML entity declarations ----------------------------------------------------------------------------------

def billion_laughs() -> str:
    """Under 1 KB; ``&lol9;`` expands to 10^9 "lol"s (3 GB), and pyoxigraph expands entities."""
    names = ["lol"] + [f"lol{i}" for i in range(1, 10)]
    entities = ['<!ENTITY lol "lol">'] + [f'<!ENTITY {name} "{f"&{inner};" * 10}">'
                                          for inner, name in zip(names, names[1:], strict=False)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n" + RDF_XML_OPEN
            + f'<rdf:Description rdf:about="{EX}a"><ex:p>&lol9;</ex:p></rdf:Description>\n</rdf:RDF>\n')


def test_billion_laughs_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, "laughs.rdf", billion_laughs())
    assert len(path.read_bytes()) < 1024
    assert_refused(cli("validate", path, timeout=60), f"{path.name}:3:", "entity", "Turtle")
    assert read_in_subprocess(path, timeout=60)["line"] == 3


ENTITY = '<!ENTITY e "https://example.org/test/expanded">'
DESCRIPTION = '<rdf:Description rdf:about="&e;"><ex:p>x</ex:p></rdf:Description>\n'
HIDDEN_ENTITIES = {
    # name: (file text, line of the entity declaration)
    "after-declaration-comment-and-pi": ('<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n'
                                         f'<?some-pi data?>\n<!DOCTYPE rdf:RDF [{ENTITY}]>\n'
                                         + RDF_XML_OPEN + DESCRIPTION + "</rdf:RDF>\n", 4),
    "after-a-byte-order-mark": (f"{BOM}<!DOCTYPE rdf:RDF [\n{ENTITY}\n]>\n" + RDF_XML_OPEN + DESCRIPTION
                                + "</rdf:RDF>\n", 2),
    # pyoxigraph honours a DOCTYPE met after the root element has started, so scanning the prolog is not enough.
    "inside-the-root-element": (RDF_XML_OPEN + f"<!DOCTYPE rdf:RDF [\n\n{ENTITY}]>\n" + DESCRIPTION
                                + "</rdf:RDF>\n", 4),
    "lower-case-doctype": (f"<!doctype rdf:RDF [{ENTITY}]>\n" + RDF_XML_OPEN + DESCRIPTION + "</rdf:RDF>\n", 1),
    "declaration-over-lines": ('<!DOCTYPE rdf:RDF [\n<!ENTITY\n  e\n  "https://example.org/test/expanded">\n]>\n'
                               + RDF_XML_OPEN + DESCRIPTION + "</rdf:RDF>\n", 2),
}


@pytest.mark.parametrize("name", HIDDEN_ENTITIES)
def test_entity_declarations_are_found_wherever_they_hide(tmp_path, name):
    text, line = HIDDEN_ENTITIES[name]
    path = write(tmp_path, "hidden.rdf", text)
    error = refusal(path)
    assert error.line == line and "entity" in error.message


@pytest.mark.parametrize("doctype", [
    "<!DOCTYPE rdf:RDF>",
    # As in Dublin Core's examples; pyoxigraph never fetches the DTD.
    '<!DOCTYPE rdf:RDF PUBLIC "-//DUBLIN CORE//DCMES DTD 2002/07/31//EN"\n'
    '  "http://dublincore.org/documents/2002/07/31/dcmes-xml/dcmes-xml-dtd.dtd">',
], ids=["bare", "external-dtd"])
def test_a_doctype_without_entities_still_loads(tmp_path, doctype):
    path = write(tmp_path, "doctype.rdf", f'<?xml version="1.0"?>\n{doctype}\n' + RDF_XML_OPEN
                 + f'<rdf:Description rdf:about="{EX}a"><ex:p>x</ex:p></rdf:Description>\n</rdf:RDF>\n')
    assert list(iter_triples(inspect(path))) == [(f"{EX}a", f"{EX}p", Lit("x"))]


def test_a_doctype_internal_subset_is_refused(tmp_path):
    # pyoxigraph ends a DOCTYPE by counting < and >, not as XML does: what is a comment to XML can hide elements
    # from any scan that reads XML properly. Nothing in RDF/XML needs an internal subset but entities.
    path = write(tmp_path, "subset.rdf", '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!-- > --> ]>\n'
                 + RDF_XML_OPEN + f'<rdf:Description rdf:about="{EX}a"><ex:p>x</ex:p></rdf:Description>\n'
                 "</rdf:RDF>\n")
    error = refusal(path)
    assert error.line == 2 and "internal subset" in error.message


# -- 2. nesting depth --------------------------------------------------------------------------------------------

def nested_json_ld(depth: int, *, one_level_a_line: bool = False) -> str:
    """A node whose property holds a node, ``depth`` objects deep (the outermost object is level 1)."""
    sep = "\n" if one_level_a_line else ""
    return (f'{{"@id": "{EX}a", "{EX}p": {sep}' * depth) + '"x"' + "}" * depth + "\n"


def test_deep_json_ld_is_refused_not_a_crash(tmp_path):
    path = write(tmp_path, "deep.jsonld", nested_json_ld(10_000))
    assert_refused(cli("validate", path), f"{path.name}:1:", "nested", str(read.MAX_NESTING))
    assert "nested" in read_in_subprocess(path)["error"]


def test_json_ld_nesting_limit_and_its_line(tmp_path):
    limit = read.MAX_NESTING
    at_limit = write(tmp_path, "at_limit.jsonld", nested_json_ld(limit, one_level_a_line=True))
    assert len(list(iter_triples(inspect(at_limit)))) == limit
    beyond = write(tmp_path, "beyond.jsonld", nested_json_ld(limit + 1, one_level_a_line=True))
    assert refusal(beyond).line == limit + 1  # the line of the opening bracket one level too deep


def test_brackets_inside_json_strings_do_not_count(tmp_path):
    tricky = '[{[\\"\\\\' * 300  # brackets, an escaped quote and an escaped backslash inside one string
    path = write(tmp_path, "strings.jsonld", f'{{"@id": "{EX}a", "{EX}p": "{tricky}"}}\n')
    assert list(iter_triples(inspect(path))) == [(f"{EX}a", f"{EX}p", Lit(json.loads(f'"{tricky}"')))]


def nested_rdf_xml(depth: int) -> str:
    """Blank nodes nested ``depth`` deep (two XML elements a level: property, then node)."""
    return (RDF_XML_OPEN + f'<rdf:Description rdf:about="{EX}a">' + "<ex:p><rdf:Description>" * depth
            + "<ex:q>x</ex:q>" + "</rdf:Description></ex:p>" * depth + "</rdf:Description>\n</rdf:RDF>\n")


def test_deep_rdf_xml_is_refused_before_its_parse_time_explodes(tmp_path):
    # 20,000 levels take pyoxigraph ~10 s, 40,000 a minute: a few MB would take hours.
    path = write(tmp_path, "deep.rdf", nested_rdf_xml(20_000))
    assert_refused(cli("validate", path, timeout=60), f"{path.name}:2:", "nested", str(read.MAX_NESTING))


def test_rdf_xml_nesting_within_the_limit_loads(tmp_path):
    depth = (read.MAX_NESTING - 3) // 2  # 2 * depth levels, plus rdf:RDF, the outer node and the innermost ex:q
    path = write(tmp_path, "nested.rdf", nested_rdf_xml(depth))
    assert len(list(iter_triples(inspect(path)))) == depth + 1


@pytest.mark.parametrize("opening, closing, triples", [("[ ex:p ", " ]", 1), ("( ", " )", 2)],
                         ids=["blank-node-property-lists", "collections"])
def test_deep_turtle_nesting_parses_without_a_crash(tmp_path, opening, closing, triples):
    # pyoxigraph's Turtle parser keeps its own stack: 10^5 levels parse in linear time, so no limit is needed.
    depth = 10_000
    path = write(tmp_path, "deep.ttl", PREFIX + "ex:a ex:p " + opening * depth + '"x"' + closing * depth + " .\n")
    assert read_in_subprocess(path) == {"triples": triples * depth + 1}


# -- 3. byte-order mark ------------------------------------------------------------------------------------------

BOM_CASES = {
    ".ttl": PREFIX + 'ex:a ex:p "x" .\n',
    ".nt": f'<{EX}a> <{EX}p> "x" .\n',
    ".nq": f'<{EX}a> <{EX}p> "x" <{EX}graph> .\n',
    ".trig": PREFIX + '{ ex:a ex:p "x" . }\n',
    ".jsonld": f'{{"@id": "{EX}a", "{EX}p": "x"}}\n',
    ".rdf": RDF_XML_OPEN + f'<rdf:Description rdf:about="{EX}a"><ex:p>x</ex:p></rdf:Description>\n</rdf:RDF>\n',
}


@pytest.mark.parametrize("suffix", BOM_CASES)
def test_a_byte_order_mark_is_skipped_and_the_file_hashed_as_it_is(tmp_path, suffix):
    path = write(tmp_path, "bom" + suffix, BOM + BOM_CASES[suffix])
    source = inspect(path)
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(iter_triples(source)) == [(f"{EX}a", f"{EX}p", Lit("x"))]


def test_a_turtle_file_with_a_byte_order_mark_validates(tmp_path):
    path = write(tmp_path, "bom.ttl", BOM + PREFIX + f'ex:a a <{EX}Thing> .\n')
    run = cli("validate", path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_byte_order_mark_alone_is_an_empty_file(tmp_path):
    path = write(tmp_path, "only_bom.ttl", BOM + "\n")
    assert_refused(cli("validate", path), f"{path.name}: is empty")


# -- 4. remote JSON-LD contexts ----------------------------------------------------------------------------------

REMOTE_CONTEXTS = {
    "string": ('{\n  "@context": "https://schema.org/",\n  "@id": "%sa",\n  "name": "x"\n}\n', 2),
    "in-an-array": ('{\n  "@context": [{"ex": "%s"},\n               "https://schema.org/"],\n'
                    '  "@id": "ex:a", "name": "x"\n}\n', 3),
    "escaped-slashes": ('{"@context": "https:\\/\\/schema.org\\/", "@id": "%sa", "name": "x"}\n', 1),
    "imported": ('{"@context": {"@import": "https://schema.org/"}, "@id": "%sa", "name": "x"}\n', 1),
}


@pytest.mark.parametrize("name", REMOTE_CONTEXTS)
def test_a_remote_context_is_refused_as_such(tmp_path, name):
    text, line = REMOTE_CONTEXTS[name]
    path = write(tmp_path, "remote.jsonld", text % EX)
    error = refusal(path)
    assert "remote @context https://schema.org/ is not fetched" in error.message
    assert "syntax error" not in error.message and error.line == line
    assert "inline" in error.hint


def test_a_remote_context_through_the_cli(tmp_path):
    path = write(tmp_path, "remote.jsonld", REMOTE_CONTEXTS["string"][0] % EX)
    assert_refused(cli("validate", path), f"{path.name}:2: remote @context https://schema.org/ is not fetched",
                   "inline")


def test_an_inline_context_loads(tmp_path):
    path = write(tmp_path, "inline.jsonld",
                 f'{{"@context": {{"name": "{EX}name"}}, "@id": "{EX}a", "name": "x"}}\n')
    assert list(iter_triples(inspect(path))) == [(f"{EX}a", f"{EX}name", Lit("x"))]


# -- 5. files that are not UTF-8 RDF text ------------------------------------------------------------------------

def test_latin_1_turtle_names_the_line(tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes((PREFIX + 'ex:a ex:p "caf\u00e9" .\n').encode("latin-1"))
    assert_refused(cli("validate", path), f"{path.name}:2: is not valid UTF-8", "save the file as UTF-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf_16_and_32_are_named(tmp_path, encoding):
    path = tmp_path / "wide.ttl"
    path.write_bytes((PREFIX + 'ex:a ex:p "x" .\n').encode(encoding))
    assert_refused(cli("validate", path), f"{path.name}: is {encoding.upper()[:6]} text", "save the file as UTF-8")


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.rdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_refused(cli("validate", path), f"{path.name}: is a binary file")


def test_empty_file_is_refused(tmp_path):
    path = write(tmp_path, "empty.jsonld", " \n\n")
    assert_refused(cli("validate", path), f"{path.name}: is empty")


def test_a_folder_named_like_a_file(tmp_path):
    folder = tmp_path / "data.ttl"
    folder.mkdir()
    assert_refused(cli("validate", folder), "data.ttl: no RDF or CSV file found")
    with pytest.raises(InputError, match="is a folder"):
        inspect(folder)


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    path = tmp_path / "pipe.ttl"
    os.mkfifo(path)
    assert_refused(cli("validate", path, timeout=30), f"{path.name}: is not a regular file")


@pytest.mark.parametrize("text", ["ex:s ex:q <<( ex:a ex:p ex:b )>> .\n", "<< ex:a ex:p ex:b >> ex:q \"x\" .\n"],
                         ids=["triple-term", "reifying-triple"])
def test_rdf_1_2_triple_terms_are_refused_with_their_line(tmp_path, text):
    path = write(tmp_path, "star.ttl", PREFIX + "ex:a ex:p ex:b .\n" + text)
    assert_refused(cli("validate", path), f"{path.name}:3:", "triple term", "rdf:Statement")


# -- issue 25, item 18: relative IRIs without a base -----------------------------------------------------------------
RELATIVE = {
    "data.ttl": (PREFIX + "\nex:a ex:p <relative/thing> .\n", 3, "relative/thing"),
    "data.nt": (f"<{EX}a> <{EX}p> <relative/thing> .\n", 1, "relative/thing"),
    "prefix.ttl": ("@prefix rel: <relative/> .\nrel:a <https://example.org/test/p> \"x\" .\n", 1, "relative/"),
    "data.jsonld": ('{\n  "@id": "https://example.org/test/a",\n  "https://example.org/test/p": '
                    '{"@id": "relative/thing"}\n}\n', 3, "relative/thing"),
    "subject.jsonld": ('[\n {"@id": "relative/thing", "https://example.org/test/p": "x"}\n]\n', 2,
                       "relative/thing"),
    "data.rdf": ('<?xml version="1.0"?>\n' + RDF_XML_OPEN +
                 '<rdf:Description rdf:about="relative/thing"><ex:p>x</ex:p></rdf:Description>\n</rdf:RDF>\n',
                 3, "relative/thing"),
}


@pytest.mark.parametrize("name", sorted(RELATIVE))
def test_a_relative_iri_without_a_base_is_refused(tmp_path, name):
    """It used to be resolved against the file's own location (``file:///<folder>/relative/thing``): IRIs that
    change with where the file lies, on a machine nobody else sees. In JSON-LD a relative ``@id`` was even dropped
    silently. Now: refused, with the IRI and the line."""
    text, line, relative = RELATIVE[name]
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as info:
        list(iter_triples(inspect(path)))
    message = str(info.value)
    assert f"<{relative}>" in message and "no base" in message, message
    assert info.value.line == line, message
    assert_refused(cli("validate", path), f"{path}:{line}", f"<{relative}>", "@base")


@pytest.mark.parametrize("name, text", [
    ("data.ttl", "@base <https://example.org/test/> .\n<a> <p> <relative/thing> .\n"),
    ("data.jsonld", '{"@context": {"@base": "https://example.org/test/"}, "@id": "a", '
                    '"https://example.org/test/p": {"@id": "relative/thing"}}'),
    ("data.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                 'xmlns:ex="https://example.org/test/" xml:base="https://example.org/test/">\n'
                 '<rdf:Description rdf:about="a"><ex:p rdf:resource="relative/thing"/></rdf:Description>\n'
                 '</rdf:RDF>\n'),
])
def test_a_relative_iri_under_a_declared_base_is_resolved_against_it(tmp_path, name, text):
    path = write(tmp_path, name, text)
    assert list(iter_triples(inspect(path))) == [(f"{EX}a", f"{EX}p", f"{EX}relative/thing")]
