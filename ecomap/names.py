"""Name lists for synthetic data: given names and made-up surnames, never real people.

Every name :mod:`ecomap.synth` writes is one given name from :data:`GIVEN_NAMES`,
optionally followed by one surname from :data:`SURNAMES`. The surnames are invented
compounds (a landscape word and an ending), so a full name is never a real person's.
"""

from __future__ import annotations

from random import Random

GIVEN_NAMES: tuple[str, ...] = (
    "Aaliyah", "Abel", "Ada", "Adaeze", "Aiden", "Aisha", "Alba", "Alfie", "Amara", "Amir",
    "Anaya", "Andrei", "Anika", "Arlo", "Arjun", "Aston", "Ava", "Ayla", "Bea", "Benji",
    "Bilal", "Blessing", "Bo", "Bonnie", "Brody", "Callum", "Cara", "Casey", "Cato", "Chidi",
    "Cleo", "Connor", "Dalia", "Dani", "Darcy", "Dara", "Dev", "Dina", "Dylan", "Ebony",
    "Eden", "Efe", "Elif", "Ellis", "Elsie", "Emeka", "Emre", "Enzo", "Esme", "Ezra",
    "Fatima", "Femi", "Finn", "Flora", "Freya", "Gabi", "Grace", "Hana", "Harley", "Harvey",
    "Hassan", "Hollie", "Ibrahim", "Ida", "Ilyas", "Imani", "Iris", "Isla", "Ivo", "Jada",
    "Jago", "Jamal", "Jaya", "Jem", "Joel", "Jude", "Kai", "Kamal", "Kayla", "Keira",
    "Kian", "Kofi", "Lacey", "Layla", "Leon", "Lexi", "Liam", "Lila", "Lola", "Luca",
    "Lulu", "Mabel", "Maisie", "Malik", "Mara", "Marek", "Maya", "Mei", "Milo", "Mina",
    "Nadia", "Nell", "Niamh", "Nico", "Nina", "Noah", "Noor", "Ola", "Olly", "Omar",
    "Orla", "Oscar", "Priya", "Quinn", "Rafi", "Rania", "Reggie", "Remi", "Rhea", "Riley",
    "Rio", "Roisin", "Rosa", "Ruby", "Rudy", "Sade", "Safa", "Sami", "Sana", "Seren",
    "Sid", "Sienna", "Sol", "Stevie", "Tala", "Tam", "Tariq", "Tess", "Theo", "Tia",
    "Tobi", "Tomas", "Uma", "Vera", "Vik", "Wren", "Xander", "Yara", "Yusuf", "Zara",
    "Zeki", "Zoe",
)
"""Given names for children and young people."""

ADULT_GIVEN_NAMES: tuple[str, ...] = (
    "Abena", "Adrian", "Agnes", "Alan", "Alison", "Amina", "Angela", "Anil", "Babs", "Barry",
    "Bernadette", "Bev", "Brenda", "Carl", "Carol", "Cheryl", "Chinwe", "Clive", "Colin", "Dawn",
    "Deborah", "Dean", "Deepa", "Denise", "Derek", "Donna", "Doreen", "Elaine", "Emma", "Eunice",
    "Farah", "Fiona", "Gail", "Gareth", "Gillian", "Glenn", "Gordon", "Hazel", "Helen", "Ian",
    "Ifeoma", "Imran", "Irene", "Jackie", "Janet", "Jasvinder", "Joanne", "Kareem", "Karen",
    "Keith", "Kerry", "Kwame", "Leanne", "Lorraine", "Lynn", "Mandy", "Marcia", "Marlon", "Maureen",
    "Mehmet", "Michelle", "Mo", "Moira", "Nasreen", "Neil", "Nicola", "Nkechi", "Norma", "Pam",
    "Parveen", "Paula", "Pauline", "Rashid", "Ray", "Rehana", "Rita", "Roy", "Sandra", "Shabnam",
    "Sharon", "Shirley", "Simone", "Stuart", "Sunita", "Tanya", "Terry", "Tracey", "Trevor",
    "Vanessa", "Vince", "Wayne", "Wendy", "Yasmin", "Yvonne", "Zainab",
)
"""Given names for the adults around a child (a generation or two older)."""

_SURNAME_STEMS: tuple[str, ...] = (
    "Alder", "Ash", "Barrow", "Beck", "Birch", "Bram", "Brook", "Burn", "Carr", "Clay",
    "Combe", "Crag", "Dale", "Dun", "Elm", "Fell", "Fern", "Gill", "Gorse", "Hazel",
    "Heath", "Holm", "Kell", "Larch", "Ley", "Linden", "Marsh", "Mere", "Moss", "Oak",
    "Pike", "Reed", "Rook", "Rowan", "Scar", "Sedge", "Sloe", "Tarn", "Thorn", "Wold",
)
_SURNAME_ENDINGS: tuple[str, ...] = (
    "acre", "by", "cote", "croft", "dell", "fold", "garth", "hurst", "lock", "mire",
    "ridge", "shaw", "stow", "wick",
)

SURNAMES: tuple[str, ...] = tuple(
    stem + ending for stem in _SURNAME_STEMS for ending in _SURNAME_ENDINGS
)
"""Made-up surnames: every landscape stem with every ending (560 of them)."""

NAME_WORDS: frozenset[str] = frozenset(GIVEN_NAMES + ADULT_GIVEN_NAMES + SURNAMES)
"""Every word a synthetic name may contain (for tests that check names are synthetic)."""


def given_name(rng: Random, *, adult: bool) -> str:
    """A given name for an adult or a young person.

    >>> given_name(Random(1), adult=False) in GIVEN_NAMES
    True
    """
    return rng.choice(ADULT_GIVEN_NAMES if adult else GIVEN_NAMES)


def surname(rng: Random) -> str:
    """A made-up surname.

    >>> surname(Random(1)) in SURNAMES
    True
    """
    return rng.choice(SURNAMES)


def is_synthetic(name: str) -> bool:
    """Whether every word of ``name`` comes from these lists.

    >>> is_synthetic("Maureen Thornwick"), is_synthetic("Ada Lovelace")
    (True, False)
    """
    words = name.split()
    return bool(words) and all(word in NAME_WORDS for word in words)
