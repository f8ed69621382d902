"""The demo cities and their genres, each with the recipe of its music.

No two genres share a recipe: genres of one family differ in tempo, key, mode and
timbre, so even Amsterdam's and Berlin's techno sound apart."""

import zlib
from dataclasses import dataclass

from twentytwo.demo.styles import Recipe


@dataclass(frozen=True, slots=True)
class CitySpec:
    name: str
    slug: str
    country: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class GenreSpec:
    name: str
    slug: str
    description: str
    recipe: Recipe


CITIES = (
    CitySpec("Amsterdam", "amsterdam", "NL", "Europe/Amsterdam"),
    CitySpec("Berlin", "berlin", "DE", "Europe/Berlin"),
)

I_VI_IV_V = (0, 5, 3, 4)
I_VII_VI_VII = (0, 6, 5, 6)
I_V_VI_IV = (0, 4, 5, 3)
II_V_I_VI = (1, 4, 0, 5)
I_IV = (0, 3, 0, 3)
I_BVII_IV_I = (0, 6, 3, 0)
ONE_CHORD = (0, 0, 0, 0)
I_IV_V_IV = (0, 3, 4, 3)

# name, slug, family, bpm, root (MIDI), mode, progression, bass, chords, lead, description
# fmt: off
_GENRES: dict[str, tuple[tuple, ...]] = {
    "amsterdam": (
        ("Techno", "techno", "techno", 128, 33, "minor", I_VII_VI_VII, "saw", "dark_saw",
         "square", "Warehouse pressure: straight kicks, rolling bass and stabs that echo."),
        ("House", "house", "house", 124, 36, "dorian", I_IV, "soft_square", "organ", "glass",
         "Organ chords, hand claps and a bass line that never sits still."),
        ("Deep House", "deep-house", "house", 120, 31, "minor", I_VI_IV_V, "sine", "rhodes",
         "hollow", "Late-night house with warm keys and a soft-spoken groove."),
        ("Disco", "disco", "disco", 118, 38, "major", I_V_VI_IV, "pulse", "saw", "reed",
         "Octave bass, lush strings and a hi-hat that opens on every offbeat."),
        ("Funk", "funk", "funk", 104, 35, "mixolydian", I_BVII_IV_I, "square", "saw", "reed",
         "Ghost notes, choppy guitar and a bass line that talks back."),
        ("Soul", "soul", "soul", 96, 34, "major", II_V_I_VI, "triangle", "rhodes", "organ",
         "Electric piano, brushed-up drums and melodies that take their time."),
        ("Hip Hop", "hip-hop", "boom_bap", 90, 33, "minor", I_VI_IV_V, "sine", "rhodes", "glass",
         "Boom-bap at ninety: dusty keys, heavy kicks and a snare that cracks."),
        ("Jazz", "jazz", "jazz", 110, 36, "major", II_V_I_VI, "triangle", "rhodes", "hollow",
         "Swing on the ride cymbal, a walking bass and seventh chords in the middle register."),
        ("Ambient", "ambient", "ambient", 68, 33, "lydian", I_IV, "sine", "dark_saw", "glass",
         "Slow pads and far-away bells for the hours nobody is counting."),
        ("Drum & Bass", "drum-and-bass", "drum_and_bass", 174, 30, "minor", I_VI_IV_V,
         "dark_saw", "soft_square", "glass", "Breakneck breaks over a low, growling bass."),
        ("Dub", "dub", "dub", 74, 31, "minor", I_IV, "sine", "organ", "reed",
         "One-drop drums, skanking organ and echoes that fall down the stairs."),
        ("Reggae", "reggae", "dub", 80, 38, "major", I_IV_V_IV, "sine", "organ", "hollow",
         "Sunny chords on the offbeat and a bass line you can sing."),
        ("Indie", "indie", "rock", 120, 36, "major", I_V_VI_IV, "square", "saw", "pulse",
         "Guitars turned up a little too loud for the bedroom they were recorded in."),
        ("Rock", "rock", "rock", 136, 28, "mixolydian", I_BVII_IV_I, "square", "dark_saw", "saw",
         "Power chords, eighth-note bass and drums that mean it."),
        ("Folk", "folk", "folk", 100, 31, "major", I_IV_V_IV, "triangle", "triangle", "reed",
         "Finger-picked strings and a harmonica line for the long way home."),
        ("Latin", "latin", "bossa", 132, 33, "dorian", II_V_I_VI, "triangle", "triangle", "hollow",
         "Bossa clave on the rim, nylon strings and a flute that floats over it."),
        ("Afrobeat", "afrobeat", "afro", 112, 35, "dorian", I_IV, "square", "glass", "organ",
         "Interlocking congas, a bell pattern and a marimba that keeps answering."),
        ("Electro", "electro", "electro", 122, 33, "phrygian", I_VI_IV_V, "saw", "pulse", "square",
         "Drum machines and arpeggiators, straight out of a Detroit basement."),
        ("Classical", "classical", "chamber", 76, 36, "major", I_V_VI_IV, "triangle", "dark_saw",
         "reed", "A small string ensemble playing around one patient melody."),
        ("Trap", "trap", "trap", 140, 30, "harmonic_minor", I_VI_IV_V, "sine", "dark_saw",
         "glass", "Rolling hi-hats, long 808 slides and a snare on the three."),
        ("Minimal", "minimal", "minimal", 125, 34, "phrygian", ONE_CHORD, "soft_square", "dark_saw",
         "glass", "Less is more: a kick, a click and one small melody repeating."),
        ("Chill", "chill", "boom_bap", 80, 37, "lydian", I_IV_V_IV, "sine", "glass", "hollow",
         "Lazy beats and soft chords for Sunday mornings on the canal."),
    ),
    "berlin": (
        ("Techno", "techno", "techno", 132, 29, "phrygian", ONE_CHORD, "pulse", "saw", "pulse",
         "Harder and darker than the river side: techno for the morning after the night."),
        ("Minimal", "minimal", "minimal", 127, 31, "dorian", I_IV, "sine", "dark_saw", "hollow",
         "Clicks, rim shots and a bass line that barely moves, for hours."),
        ("Dub Techno", "dub-techno", "dub_techno", 120, 33, "minor", I_VI_IV_V, "sine", "dark_saw",
         "glass", "Chords dissolving into echo over a steady, muffled kick."),
        ("Tech House", "tech-house", "house", 125, 30, "minor", I_VII_VI_VII, "saw", "pulse",
         "square", "Between the two floors: house swing with techno's weight."),
        ("Electro", "electro", "electro", 128, 31, "minor", I_VII_VI_VII, "pulse", "dark_saw",
         "saw", "Robotic drums, acid-tinged bass and an arpeggio that will not stop."),
        ("EBM", "ebm", "ebm", 122, 28, "minor", ONE_CHORD, "saw", "saw", "square",
         "Body music: sixteenth-note bass, a hard snare and no mercy."),
        ("Krautrock", "krautrock", "motorik", 140, 33, "mixolydian", I_BVII_IV_I, "square", "organ",
         "triangle", "The motorik beat: one chord, one road, eyes forward."),
        ("Ambient", "ambient", "ambient", 64, 28, "minor", I_VI_IV_V, "triangle", "saw", "sine",
         "Cold, wide pads and a bell somewhere in the fog."),
        ("House", "house", "house", 122, 38, "major", I_V_VI_IV, "square", "organ", "reed",
         "Classic house: piano-bright organ, a clap on two and four."),
        ("Italo Disco", "italo-disco", "disco", 120, 33, "minor", I_VI_IV_V, "saw", "pulse",
         "square", "Synthetic strings and octave bass with a little melancholy."),
        ("Hip Hop", "hip-hop", "boom_bap", 92, 35, "dorian", I_IV, "triangle", "rhodes", "reed",
         "Boom-bap from the backyard: swung hats, round bass, a piano sample feel."),
        ("Trap", "trap", "trap", 146, 32, "phrygian", I_VII_VI_VII, "sine", "saw", "glass",
         "Half-time weight, sliding 808s and nervous hi-hat rolls."),
        ("Jazz", "jazz", "jazz", 126, 31, "dorian", II_V_I_VI, "triangle", "hollow", "reed",
         "Up-tempo swing from a basement club: ride, walking bass and a horn-like line."),
        ("Soul", "soul", "soul", 100, 31, "minor", I_VI_IV_V, "soft_square", "rhodes", "glass",
         "Minor-key soul with a tremolo piano and a heart on its sleeve."),
        ("Drum & Bass", "drum-and-bass", "drum_and_bass", 172, 33, "dorian", I_IV, "saw",
         "dark_saw", "sine", "Liquid drum and bass: fast breaks under slow, warm chords."),
        ("Dub", "dub", "dub", 76, 33, "dorian", I_VII_VI_VII, "sine", "reed", "reed",
         "Deep bass, melodica and echoes bouncing off concrete."),
        ("Punk", "punk", "rock", 176, 33, "major", I_IV_V_IV, "square", "saw", "square",
         "Three chords, fast, loud and over before you know it."),
        ("Indie", "indie", "rock", 112, 32, "lydian", I_IV, "soft_square", "pulse", "glass",
         "Jangly, dreamy guitars and a lydian lift in every chorus."),
        ("Neo-Classical", "neo-classical", "chamber", 70, 33, "minor", I_VI_IV_V, "sine", "saw",
         "hollow", "Strings and a lonely melody, somewhere between film score and lullaby."),
        ("Folk", "folk", "folk", 92, 33, "dorian", I_IV, "triangle", "triangle", "hollow",
         "Modal finger-picking with a whistle of a tune on top."),
        ("Afro House", "afro-house", "afro", 122, 31, "minor", I_VI_IV_V, "sine", "glass", "hollow",
         "Four-to-the-floor meets congas and a marimba riding the offbeats."),
        ("Balearic", "balearic", "bossa", 110, 36, "lydian", I_V_VI_IV, "sine", "triangle", "glass",
         "Sunset guitars and a soft clave: the island sound, brought inland."),
    ),
}
# fmt: on


def city_genres(city: CitySpec) -> tuple[GenreSpec, ...]:
    """Return the city's genres in their playlist order."""
    specs = []
    for row in _GENRES[city.slug]:
        name, slug, family, tempo, root, mode, progression, bass, chords, lead, description = row
        recipe = Recipe(
            family=family,
            tempo=tempo,
            root=root,
            mode=mode,
            progression=progression,
            bass_timbre=bass,
            chord_timbre=chords,
            lead_timbre=lead,
            # crc32, not hash(): the same seed in every process and on every run.
            seed=zlib.crc32(f"{city.slug}/{slug}".encode()),
        )
        specs.append(GenreSpec(name=name, slug=slug, description=description, recipe=recipe))
    return tuple(specs)
