"""MARC relator codes: the roles people are credited for, in words and in codes."""

from __future__ import annotations

# MARC relator codes (https://id.loc.gov/vocabulary/relators) for the roles people name in words.
ROLES = {
    "author": "aut",
    "writer": "aut",
    "editor": "edt",
    "illustrator": "ill",
    "illustrations": "ill",
    "translator": "trl",
    "translation": "trl",
    "photographer": "pht",
    "photos": "pht",
    "contributor": "ctb",
    "reviewer": "rev",
    "designer": "dsr",
    "cover designer": "cov",
    "proofreader": "pfr",
    "compiler": "com",
    "artist": "art",
    "narrator": "nrt",
    "publisher": "pbl",
    "adapter": "adp",
    "annotator": "ann",
    "consultant": "csl",
    "researcher": "res",
    "copy editor": "edt",
    "creator": "cre",
    "sponsor": "spn",
    "funder": "fnd",
    "technical editor": "edt",
    "cartographer": "ctg",
    "composer": "cmp",
    "animator": "anm",
    "software developer": "prg",
    "programmer": "prg",
    "transcriber": "trc",
}
ROLE_NAMES = {
    "aut": "author",
    "edt": "editor",
    "ill": "illustrator",
    "trl": "translator",
    "pht": "photographer",
    "ctb": "contributor",
    "rev": "reviewer",
    "dsr": "designer",
    "cov": "cover designer",
    "pfr": "proofreader",
    "com": "compiler",
    "art": "artist",
    "nrt": "narrator",
    "pbl": "publisher",
    "adp": "adapter",
    "ann": "annotator",
    "csl": "consultant",
    "res": "researcher",
    "cre": "creator",
    "spn": "sponsor",
    "fnd": "funder",
    "ctg": "cartographer",
    "cmp": "composer",
    "anm": "animator",
    "prg": "programmer",
    "trc": "transcriber",
}


def role_code(role: str) -> str | None:
    """The MARC relator code for a role given as a word or as a code; None when unknown."""
    word = " ".join(str(role).lower().replace("_", " ").replace("-", " ").split())
    if word in ROLE_NAMES:
        return word
    return ROLES.get(word)


def role_name(code: str) -> str:
    return ROLE_NAMES.get(code, code)
