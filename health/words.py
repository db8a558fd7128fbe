"""Is a stage named in the company's words? Two tests, in English and French.

1. **Word lists**: jargon that belongs inside the company ("lead", "ticket",
   "back office", "traitement", "dossier"), kept in ``data/company_words.*.txt``
   and extended per workspace (``WorkspaceWords``). Both languages' lists apply
   to every map: French teams say "onboarding" and "lead" too.
2. **Shape**: a customer stage is something the customer does ("Compare
   options", "Comparer les offres"). A stage named by one abstract noun
   ("Qualification", "Activation", "Facturation", "Paiement") names a company
   step instead; nouns are recognised by their suffix.

Matching ignores case and accents and works on whole words, so "lead" never
matches "misleading" and "process" matches "Process" and "processes".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "fr")
MAX_WORDS = 300
MAX_WORD_LENGTH = 60

_TOKEN = re.compile(r"[a-z0-9]+")
_WRITTEN = re.compile(r"[^\W_]+")

# Endings of abstract nouns that name a step of the company's process when they
# stand alone as a stage ("Activation", "Paiement", "Facturation", "Maturity").
# Verbs in the infinitive or imperative ("Recommend", "Recommander", "Compare")
# never end like this; "-ing" is left out on purpose: "Browsing" or "Shopping"
# is something the customer does (the company's gerunds are in the lists).
_NOUN_ENDINGS = ("tion", "sion", "ment", "ance", "ence", "ity", "ite", "ure", "age", "ship", "isme", "ism")
# Short words with these endings that are not abstract nouns.
_SHAPE_EXCEPTIONS = frozenset({"page", "image", "message", "usage", "voyage", "stage", "site", "suite", "visite"})


def normalise(text: str) -> str:
    """Lower case, accents dropped, typographic apostrophes as plain ones."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(normalise(text)))


@lru_cache(maxsize=4)
def builtin_words(language: str) -> tuple[str, ...]:
    path = DATA / f"company_words.{language}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def clean_word_list(words: Iterable[str]) -> list[str]:
    """A workspace's list as stored: trimmed, without blanks or repeats, in order."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for word in words:
        word = " ".join(word.split())
        key = normalise(word)
        if word and key not in seen:
            seen.add(key)
            cleaned.append(word)
    return cleaned


class Vocabulary:
    """The phrases to look for, each as a tuple of tokens, with what to call them."""

    def __init__(self, words: Iterable[str]) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}
        for word in words:
            key = tokens(word)
            if key and key not in self.phrases:
                self.phrases[key] = word
        self.longest = max((len(key) for key in self.phrases), default=0)

    @classmethod
    def for_workspace(cls, extra: Iterable[str] = ()) -> Vocabulary:
        return cls([*builtin_words("en"), *builtin_words("fr"), *extra])

    def jargon_in(self, text: str) -> list[str]:
        """The listed words found in ``text``, as the list spells them."""
        found: list[str] = []
        words = tokens(text)
        # The words as the text writes them, to quote them back ("CRM", "Dossiers").
        written = _WRITTEN.findall(text)
        if len(written) != len(words):
            written = list(words)
        start = 0
        while start < len(words):
            size = next((size for size in range(min(self.longest, len(words) - start), 0, -1)
                         if words[start:start + size] in self.phrases
                         or _singular(words[start:start + size]) in self.phrases), 0)
            if size:
                quoted = " ".join(written[start:start + size])
                if quoted not in found:
                    found.append(quoted)
                start += size
            else:
                start += 1
        return found


def _singular(phrase: tuple[str, ...]) -> tuple[str, ...]:
    """The phrase with a plural "s" or "x" dropped from its last word."""
    last = phrase[-1]
    if len(last) > 3 and last[-1] in "sx":
        return (*phrase[:-1], last[:-1])
    return phrase


def is_lone_abstract_noun(name: str) -> bool:
    """A stage named by a single abstract noun ("Qualification", "Facturation")."""
    words = tokens(name)
    if len(words) != 1:
        return False
    word = _singular(words)[0]
    return len(word) > 5 and word not in _SHAPE_EXCEPTIONS and word.endswith(_NOUN_ENDINGS)
