"""Names as entity resolution reads them (graph_loader.resolution.names): folding, tokens, kind words, acronyms,
place names in names; the properties that must hold for any name, checked on names built at random (seeded) from
the seed corpus's own words."""

from __future__ import annotations

import random
import unicodedata

from graph_loader.model import fold
from graph_loader.resolution.blocking import MAX_EXTRA_LETTERS, initials_keys, probe_keys
from graph_loader.resolution.names import (
    STOP_WORDS,
    PlaceNames,
    acronym_match,
    canonical,
    deletions,
    initials,
    name_form,
    places_differ,
    split_words,
)

#: Words of the seed corpus's names (organisations and places), with their accents.
CORPUS_WORDS = ("Federación", "Clubes", "Michoacanos", "Illinois", "Monte", "Escobedo", "Asociación", "Adentro",
                "Cojutepeque", "Comunidades", "Unidas", "Salvadoreñas", "Social", "Investment", "Local",
                "Development", "Fund", "Heartland", "Alliance", "Zacatecas", "Michoacán", "Cuscatlán", "Usulután",
                "Suchitoto", "Chicago", "Gobierno", "Estado", "Instituto", "Mexicanos", "Exterior", "Nacional",
                "Financiera", "Morazán", "Ahuachapán", "Querétaro", "León")
SMALL = ("de", "del", "la", "los", "y", "en", "of", "the")


def random_names(count: int, seed: int) -> list[list[str]]:
    """Names of 2 to 6 corpus words with small words between some of them."""
    rng = random.Random(seed)
    names = []
    for _ in range(count):
        words = []
        for word in rng.sample(CORPUS_WORDS, rng.randint(2, 6)):
            if words and rng.random() < 0.3:
                words.append(rng.choice(SMALL))
            words.append(word)
        names.append(words)
    return names


NAMES = random_names(300, seed=29)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# -- folding and tokens --------------------------------------------------------------------------------------------

def test_case_accents_punctuation_and_word_order_do_not_change_the_key():
    for words in NAMES:
        name = " ".join(words)
        form = name_form(name)
        assert name_form(strip_accents(name).upper()).key == form.key, name
        assert name_form(name.replace(" ", " , ") + ".").key == form.key, name
        assert name_form(" ".join(reversed(words))).key == form.key, name
        assert fold(fold(name)) == fold(name), name
        assert not any(unicodedata.combining(c) for c in fold(name)), name
        assert not set(form.tokens) & STOP_WORDS, name
        assert set(form.core) <= set(form.tokens), name


def test_abbreviations_are_written_out_and_kind_words_are_one_word_in_both_languages():
    assert split_words("Fed. Clubes Michoacanos Cd. Hidalgo, A.C.")[:4] == ["federacion", "clubes", "michoacanos",
                                                                            "ciudad"]
    assert name_form("Asoc. Adentro Cojutepeque").key == name_form("Asociación Adentro Cojutepeque").key
    assert name_form("Federation of Michoacanos Clubs in Illinois").key == \
        name_form("Federación de Clubes Michoacanos en Illinois").key
    assert name_form("State government of Michoacan").key == name_form("Gobierno del Estado de Michoacán").key
    assert name_form("Club Monte Escobedo").core == name_form("Monte Escobedo").core == ("monte", "escobedo")
    assert name_form("Federación de Clubes Michoacanos").kind == "federation"  # the clubs are its members
    assert name_form("Club Michoacano").kind == name_form("Asociación Michoacana").kind == "hometown association"


def test_a_kind_word_misspelt_by_one_letter_is_still_that_word_but_other_words_are_not():
    assert [canonical(w) for w in ("clb", "cluub", "asocaicion", "federacoin", "comit")] == \
        ["club", "club", "asociacion", "federacion", "comite"]
    assert canonical("zacapu") == "zacapu" and canonical("de") == "de"
    assert name_form("Clb Los Pinos").core == name_form("Club Los Pinos").core == ("pinos",)


def test_numbers_are_kept_apart_from_words():
    assert name_form("Anacleto Canabal 2da. Sección").numbers == ("2",)
    assert name_form("Anacleto Canabal 3ra. Sección").numbers == ("3",)


# -- acronyms ------------------------------------------------------------------------------------------------------

def test_acronyms_formed_by_each_habit_are_recognised_and_found_by_blocking():
    probed = 0
    for words in NAMES:
        form = name_form(" ".join(words))
        content = [w for w in form.words if w not in STOP_WORDS]
        plain = "".join(w[0] for w in content)
        with_small = "".join(w[0] for w in form.words)
        beginnings = content[0][:3] + "".join(w[0] for w in content[1:])
        assert acronym_match(plain.upper(), form.words) == "initials", form.raw
        if with_small != plain:
            assert acronym_match(with_small.upper(), form.words) == "initials with small words", form.raw
        assert acronym_match(beginnings.upper(), form.words) in ("word beginnings", "initials"), form.raw
        waiting = initials_keys("organisation", form)
        for acronym in (plain, with_small, beginnings):
            if len(acronym) - len(plain) <= MAX_EXTRA_LETTERS:
                assert waiting & probe_keys("organisation", name_form(acronym.upper())), (form.raw, acronym)
                probed += 1
    assert probed > len(NAMES) * 2  # the blocking property was checked, not skipped


def test_an_acronym_that_skips_a_word_or_changes_a_letter_is_no_acronym_of_the_name():
    for words in NAMES:
        form = name_form(" ".join(words))
        content = [w for w in form.words if w not in STOP_WORDS]
        letters = "".join(w[0] for w in content)
        assert acronym_match(letters[:-1], form.words) is None, form.raw  # the last word gives nothing
        wrong = letters[:-1] + next(c for c in "qxz" if c != content[-1][0])
        assert acronym_match(wrong, form.words) is None, form.raw
        assert acronym_match(letters + "q", form.words) is None, form.raw


def test_real_acronyms_of_the_corpus_and_of_spanish_habits():
    words = name_form("Federación de Clubes Michoacanos en Illinois").words
    assert acronym_match("FEDECMI", words) == "word beginnings"  # FEDE-ración C M I
    assert acronym_match("FCMI", words) == "initials"
    assert acronym_match("IFAD", name_form("International Fund for Agricultural Development").words) == "initials"
    assert acronym_match("CONACYT", name_form("Consejo Nacional de Ciencia y Tecnología").words) == \
        "word beginnings"  # CO NA C Y T: syllables and the y of a small word
    assert acronym_match("PEMEX", name_form("Petróleos Mexicanos").words) == "word beginnings"
    assert acronym_match("FISDL", name_form("Fondo de Inversión Social para el Desarrollo Local").words) == \
        "initials"
    assert acronym_match("FISDL", name_form("Social Investment and Local Development Fund").words) is None
    assert acronym_match("IDB", name_form("Inter-American Development Bank").compounds) == "initials"
    assert acronym_match("ASDMM", name_form("Asociación 2da. Sección de Medio Monte").words) == \
        "initials with small words"  # a word that starts with a digit may give nothing
    assert initials(name_form("Asociación 2da. Sección de Medio Monte").words) == "asmm"


def test_one_typo_apart_two_words_share_a_deletion():
    rng = random.Random(7)
    for word in ("escobedo", "cojutepeque", "michoacanos", "zacapu"):
        for _ in range(20):
            k = rng.randrange(1, len(word))
            typos = [word[:k] + word[k + 1:], word[:k] + "x" + word[k:], word[:k] + "x" + word[k + 1:],
                     word[:k - 1] + word[k] + word[k - 1] + word[k + 1:]]
            for typo in typos:
                assert deletions(word) & deletions(typo), (word, typo)


# -- places in names -----------------------------------------------------------------------------------------------

def test_places_named_inside_names_and_when_they_differ():
    places = PlaceNames([("ex:il", "Illinois"), ("ex:ca", "California"), ("ex:mic", "Michoacán"),
                         ("ex:mic", "Michoacán de Ocampo"), ("ex:bcs", "Baja California Sur"),
                         ("ex:bc", "Baja California")])
    il = places.mentions(name_form("Federación de Clubes de Michoacán en Illinois").words)
    ca = places.mentions(name_form("Federación de Clubes de Michoacán en California").words)
    assert [m.text for m in il] == ["michoacan", "illinois"]
    assert places_differ(il, ca) == (["illinois"], ["california"])
    ocampo = places.mentions(name_form("Federación de Clubes de Michoacán de Ocampo").words)
    assert places_differ(il, ocampo) is None  # the same state by two of its names; Illinois only added
    assert [m.text for m in places.mentions(name_form("Club Baja California Sur").words)] == ["baja california sur"]
