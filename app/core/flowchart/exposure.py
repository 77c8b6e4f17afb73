"""Names in a patient's lists resolved to agents: what was received, what is unavailable, what is refractory.

The lists accept the guideline's regimen abbreviations, drug names and their aliases, brand names
(glossary ``brands``) and class words; anything else is refused, never ignored. Exposure is matched
on a regimen's *defining agents* (glossary ``defining_agents``): the non-steroid agents that make it
a different treatment, following "patients can receive treatments that they have not been
previously exposed to" (RRMM › Two or more prior lines › Recommendations, bullet 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.core.content.models import Drug, Glossary, Regimen

CLASS_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "car-t": ("CAR T cells", ("BCMA-directed CAR-T",)),
    "adc": ("an antibody–drug conjugate", ("BCMA-directed ADC",)),
    "bispecific": ("a bispecific T cell engager", ("BCMA-directed bispecific", "GPRC5D-directed bispecific")),
    "anti-cd38": ("an anti-CD38 antibody", ("anti-CD38",)),
    "pi": ("a proteasome inhibitor", ("PI",)),
    "imid": ("an immunomodulatory drug", ("IMiD",)),
}
"""Class words a user may type → (how the class reads in a sentence, glossary drug classes)."""

CLASS_ALIASES = {
    "car-t": "car-t", "cart": "car-t", "car t": "car-t", "car t cells": "car-t", "car-t cells": "car-t",
    "adc": "adc", "antibody-drug conjugate": "adc", "antibody–drug conjugate": "adc",
    "bispecific": "bispecific", "bispecifics": "bispecific", "bispecific antibody": "bispecific",
    "bispecific t cell engager": "bispecific", "bispecific t-cell engager": "bispecific",
    "anti-cd38": "anti-cd38", "anti-cd38 antibody": "anti-cd38", "anti cd38": "anti-cd38", "cd38": "anti-cd38",
    "pi": "pi", "proteasome inhibitor": "pi",
    "imid": "imid", "immunomodulatory drug": "imid",
}

STEROID_CLASS = "corticosteroid"


@dataclass(frozen=True)
class Resolved:
    """One entry of a patient's list: its canonical name and the agents it stands for."""

    name: str
    kind: str  # "regimen" | "drug" | "class"
    agents: frozenset[str]


class Names:
    """Resolves the names people type to regimens, drugs and classes of the glossary."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.drugs: dict[str, Drug] = {d.id: d for d in glossary.drugs}
        self.regimens: dict[str, Regimen] = {r.abbr: r for r in glossary.regimens}
        self._drug_names: dict[str, str] = {}
        for drug in glossary.drugs:
            for name in [drug.id, drug.name, *drug.aliases, *(b.name for b in drug.brands)]:
                self._drug_names[_key(name)] = drug.id
        self._regimen_names: dict[str, str] = {}
        for regimen in glossary.regimens:
            for name in [regimen.abbr, *regimen.aliases]:
                self._regimen_names[_key(name)] = regimen.abbr

    def resolve(self, name: str) -> Resolved | None:
        key = _key(name)
        if key in self._regimen_names:
            abbr = self._regimen_names[key]
            return Resolved(abbr, "regimen", frozenset(self.active_components(abbr)))
        if key in self._drug_names:
            drug_id = self._drug_names[key]
            return Resolved(drug_id, "drug", frozenset([drug_id]))
        if key in CLASS_ALIASES:
            word = CLASS_ALIASES[key]
            return Resolved(word, "class", frozenset(self.agents_of_class(word)))
        return None

    def active_components(self, abbr: str) -> list[str]:
        return [c for c in self.regimens[abbr].components if STEROID_CLASS not in self.drugs[c].classes]

    def agents_of_class(self, word: str) -> list[str]:
        classes = CLASS_WORDS[word][1]
        return [d.id for d in self.glossary.drugs if set(d.classes) & set(classes)]

    def class_word_of(self, drug_id: str, words: Iterable[str]) -> str | None:
        for word in words:
            if drug_id in self.agents_of_class(word):
                return word
        return None

    def defining_agents(self, abbr: str) -> list[str]:
        return list(self.regimens[abbr].defining_agents)

    def drug_name(self, drug_id: str) -> str:
        return self.drugs[drug_id].name


_NAMES: dict[int, tuple[Glossary, Names]] = {}


def names_for(glossary: Glossary) -> Names:
    """The :class:`Names` of a glossary, built once per glossary object (glossaries are frozen).

    Building them reads every drug, brand and alias: ~0.65 ms, twice per evaluation, on every
    answer of a flowchart screen.
    """
    found = _NAMES.get(id(glossary))
    if found is None or found[0] is not glossary:
        if len(_NAMES) >= 8:
            _NAMES.pop(next(iter(_NAMES)))
        found = (glossary, Names(glossary))
        _NAMES[id(glossary)] = found
    return found[1]


def _key(name: str) -> str:
    return " ".join(name.replace("\u2010", "-").replace("\u2011", "-").casefold().split())


def join_names(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
