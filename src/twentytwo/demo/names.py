"""Invented names and words for the demo catalog, drawn from word lists by a seeded RNG.

Every artist, label, curator and shop here is made up; every link points into the
reserved .example domain."""

import random

from django.utils.text import slugify

_ADJECTIVES = (
    "Amber", "Blue", "Broken", "Burning", "Silent", "Golden", "Hidden", "Hollow", "Last",
    "Late", "Little", "Lost", "Low", "Midnight", "Neon", "Northern", "Open", "Paper", "Quiet",
    "Restless", "Rusty", "Secret", "Slow", "Soft", "Static", "Sunday", "Velvet", "Wild",
    "Electric", "Early", "Distant", "Crystal", "Copper", "Faded", "Glass", "Heavy", "Lucky",
    "Magnetic", "Olive", "Pale", "Purple", "Salt", "Second", "Silver", "Small", "Strange",
    "Sweet", "Tender", "Twisted", "Violet", "Warm", "White", "Winter", "Yellow", "Lunar",
)  # fmt: skip
_NOUNS = (
    "Harbour", "Tram", "Canal", "Bridge", "Window", "Garden", "River", "Signal", "Station",
    "Morning", "Evening", "Weekend", "Summer", "Rain", "Mirror", "Engine", "Island", "Ferry",
    "Pavement", "Rooftop", "Market", "Lantern", "Circuit", "Machine", "Letter", "Orchard",
    "Harvest", "Ocean", "Desert", "Forest", "Tower", "Highway", "Horizon", "Echo", "Shadow",
    "Feather", "Stone", "Fire", "Cloud", "Thunder", "Dancer", "Stranger", "Runner", "Sailor",
    "Dream", "Motel", "Radio", "Tape", "Record", "Satellite", "Orbit", "Comet", "Heart",
    "Pulse", "Spiral", "Mountain", "Meadow", "Lighthouse", "Bicycle", "Umbrella", "Postcard",
)  # fmt: skip
_TITLE_SHAPES = (
    "{adjective} {noun}", "{adjective} {noun}", "The {noun}", "{noun} of {noun2}",
    "{noun} in {adjective} Light", "Back to the {noun}", "{adjective}", "{noun} Song",
    "Waiting for the {noun}", "{noun} ({adjective} Mix)", "Under the {noun}", "{noun} Dub",
)  # fmt: skip
_FIRST_NAMES = (
    "Anouk", "Bram", "Daan", "Eva", "Femke", "Joris", "Lotte", "Milan", "Noor", "Ruben",
    "Sanne", "Thijs", "Yara", "Jonas", "Lena", "Felix", "Mila", "Paul", "Greta", "Anton",
    "Clara", "Moritz", "Ida", "Leon", "Amara", "Kofi", "Ines", "Tiago", "Yusuf", "Nadia",
    "Omar", "Sofia", "Marek", "Zoe", "Elif", "Ravi", "Hana", "Luca", "Maya", "Samir",
)  # fmt: skip
_LAST_NAMES = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos",
    "Peters", "Hendriks", "Dekker", "Schulz", "Becker", "Hoffmann", "Wagner", "Keller",
    "Richter", "Wolff", "Krause", "Lange", "Vogel", "Mensah", "Okafor", "Silva", "Costa",
    "Yilmaz", "Kowalski", "Novak", "Haddad", "Rossi", "Moreau", "Lindqvist", "Sato",
)  # fmt: skip
_BAND_SHAPES = (
    "The {adjective} {noun}s", "{noun} {noun2}", "{adjective} {noun} Orchestra",
    "{first} & the {noun}s", "{adjective}{noun2}", "{noun} Collective", "DJ {first}",
    "{first} {last}", "{first} {last}", "{first} {last} Trio", "MC {adjective}",
)  # fmt: skip
_LABEL_SUFFIXES = ("Records", "Recordings", "Music", "Tapes", "Sounds", "Audio", "Editions")
_PLACES = (
    "Amsterdam-Noord", "Rotterdam", "Utrecht", "Kreuzberg", "Neukölln", "Leipzig", "Lisbon",
    "Ghent", "Marseille", "Glasgow", "Detroit", "Lagos", "São Paulo", "Copenhagen", "Vienna",
)  # fmt: skip
_ARTIST_KINDS = (
    "producer", "band", "duo", "multi-instrumentalist", "DJ and producer", "songwriter",
    "collective", "bedroom producer",
)  # fmt: skip
_ARTIST_HABITS = (
    "records everything on a four-track in a former bakery",
    "started out playing at squat parties",
    "builds their own synthesizers from kits",
    "releases one record a year, never more",
    "grew up on their parents' record collection",
    "plays every instrument on their records",
    "has a weekly show on community radio",
    "was discovered through a demo tape left at a record shop",
)  # fmt: skip
_CURATOR_ROLES = (
    "DJ", "radio host", "record-shop owner", "music journalist", "blogger", "promoter",
    "producer", "club booker", "record collector",
)  # fmt: skip
_CURATOR_HABITS = (
    "digs through crates every Saturday morning",
    "has played every club in town, most of them twice",
    "writes about music for a neighbourhood paper",
    "runs a small label from a spare bedroom",
    "hosts a monthly night for people who dance alone",
    "keeps a list of every record that made someone cry on the dance floor",
)  # fmt: skip
_NOTES = (
    "", "", "", "Turn this one up.", "A new favourite.", "Perfect for the last tram home.",
    "Straight from the record bag.", "Heard it at four in the morning and had to have it.",
    "For the early risers.", "Listen to the bass line.", "This one grows on you.",
)  # fmt: skip
SHOPS = (
    ("Crate Diggers", "https://shop.example/tracks/{slug}"),
    ("Waveform Downloads", "https://downloads.example/{slug}"),
    ("Corner Vinyl", "https://vinyl.example/release/{slug}"),
)


def track_title(rng: random.Random) -> str:
    return rng.choice(_TITLE_SHAPES).format(
        adjective=rng.choice(_ADJECTIVES), noun=rng.choice(_NOUNS), noun2=rng.choice(_NOUNS)
    )


def artist_name(rng: random.Random) -> str:
    return rng.choice(_BAND_SHAPES).format(
        adjective=rng.choice(_ADJECTIVES), noun=rng.choice(_NOUNS), noun2=rng.choice(_NOUNS),
        first=rng.choice(_FIRST_NAMES), last=rng.choice(_LAST_NAMES),
    )  # fmt: skip


def label_name(rng: random.Random) -> str:
    return f"{rng.choice(_NOUNS)} {rng.choice(_LABEL_SUFFIXES)}"


def artist_bio(rng: random.Random, *, artist: str, genre: str) -> str:
    place = rng.choice(_PLACES)
    kind = rng.choice(_ARTIST_KINDS)
    habit = rng.choice(_ARTIST_HABITS)
    return f"{artist} is a {kind} from {place} who {habit}. Mostly {genre.lower()}, sometimes not."


def artist_links(artist: str) -> list[dict[str, str]]:
    slug = slugify(artist) or "artist"
    return [{"label": "Website", "url": f"https://artists.example/{slug}"}]


def buy_links(rng: random.Random, *, artist: str, title: str) -> list[tuple[str, str]]:
    slug = slugify(f"{artist} {title}") or "track"
    shops = rng.sample(SHOPS, rng.randint(1, 2))
    return [(shop, url.format(slug=slug)) for shop, url in shops]


def curator_name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


def curator_bio(rng: random.Random, *, name: str, city: str) -> str:
    first = name.split()[0]
    role = rng.choice(_CURATOR_ROLES)
    since = rng.randint(1994, 2012)
    return f"{first} has been a {role} in {city} since {since} and {rng.choice(_CURATOR_HABITS)}."


def curator_links(slug: str) -> list[dict[str, str]]:
    return [
        {"label": "Instagram", "url": f"https://instagram.example/{slug}"},
        {"label": "Mixcloud", "url": f"https://mixcloud.example/{slug}"},
    ]


def curator_note(rng: random.Random) -> str:
    return rng.choice(_NOTES)
