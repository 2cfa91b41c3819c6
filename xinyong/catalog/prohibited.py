"""Detection of prohibited information in field definitions.

A field is refused if its name, its labels, its enum values or its ``concept`` tag
reveal a prohibited concept (religion, health, whereabouts...). Matching is by words,
not characters, wherever the language has words, so that ``region`` does not match
"religion", ``penalty content`` does not match "online content" and ``sex`` (性别, which
the court list publishes) does not match "sexual life". Chinese has no spaces, so zh
keywords match as substrings; each concept lists the compounds that contain a keyword
but mean something else (转基因, genetically modified, for "基因"), and those are taken
out of the text first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from xinyong.catalog.model import FieldSpec, Label, ProhibitedConcept

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Finding:
    """A prohibited concept found in a field, and the part of the field that revealed it."""

    concept: ProhibitedConcept
    found_in: str

    def message(self, field_name: str) -> str:
        """The refusal message: which field, why, and under which law."""
        reason = self.concept.reason()
        return f"field '{field_name}' is prohibited: {reason} (found in {self.found_in})"


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _words(text: str) -> list[str]:
    return _WORD.findall(_normal(text).replace("_", " "))


def _spans(words: list[str], phrase: list[str]) -> Iterator[range]:
    """Where ``phrase`` occurs in ``words``; a trailing plural s/es on a word still matches."""
    size = len(phrase)
    for start in range(len(words) - size + 1):
        window = words[start : start + size]
        if all(w in (p, p + "s", p + "es") for w, p in zip(window, phrase, strict=True)):
            yield range(start, start + size)


def matches_en(text: str, keywords: Iterable[str], exceptions: Iterable[str] = ()) -> bool:
    """Whether an English text (or a snake_case name) contains a keyword as whole words."""
    words = _words(text)
    excluded: set[int] = set()
    for phrase in exceptions:
        for span in _spans(words, _words(phrase)):
            excluded.update(span)
    for phrase in keywords:
        for span in _spans(words, _words(phrase)):
            if not excluded.intersection(span):
                return True
    return False


def matches_zh(text: str, keywords: Iterable[str], exceptions: Iterable[str] = ()) -> bool:
    """Whether a Chinese text contains a keyword outside the listed exception compounds."""
    cleaned = _normal(text)
    for compound in exceptions:
        cleaned = cleaned.replace(_normal(compound), "\x00")
    return any(_normal(k) in cleaned for k in keywords)


def _label_hit(concept: ProhibitedConcept, label: Label | None) -> str | None:
    if label is None:
        return None
    if matches_zh(label.zh, concept.keywords_zh, concept.exceptions_zh):
        return f"zh label {label.zh!r}"
    if matches_en(label.en, concept.keywords_en, concept.exceptions_en):
        return f"en label {label.en!r}"
    return None


def _concept_hit(concept: ProhibitedConcept, spec: FieldSpec) -> str | None:
    if spec.concept is not None:
        tag = _normal(spec.concept)
        if tag == concept.id or tag in (_normal(a) for a in concept.aliases):
            return f"concept tag {spec.concept!r}"
    if matches_en(spec.name, concept.keywords_en, concept.exceptions_en):
        return f"name {spec.name!r}"
    hit = _label_hit(concept, spec.label)
    if hit:
        return hit
    for value in spec.values:
        if matches_en(value.value, concept.keywords_en, concept.exceptions_en):
            return f"enum value {value.value!r}"
        hit = _label_hit(concept, value.label)
        if hit:
            return f"enum value {value.value!r}, {hit}"
    return None


def find_prohibited(spec: FieldSpec, concepts: Iterable[ProhibitedConcept]) -> Finding | None:
    """The first prohibited concept the field reveals, or None if it is clean."""
    for concept in concepts:
        hit = _concept_hit(concept, spec)
        if hit:
            return Finding(concept, hit)
    return None
