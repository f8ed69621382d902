"""Style families and genre recipes: what each demo genre's music is made of.

A family fixes the groove (drum patterns, bass and chord rhythm, which voices play); a
recipe picks a family and gives it a tempo, key, mode, progression and timbres, so a few
families yield many genres that sound apart. Patterns are 16 steps a bar (32 for two
bars): "x" plays, "o" plays softly, "." rests. Bass steps name a chord tone: r(oot),
f(ifth), t(hird), o(ctave) or w(alk)."""

from dataclasses import dataclass

MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
}


@dataclass(frozen=True, slots=True)
class Family:
    kick: str = ""
    snare: str = ""
    # snare or brush
    snare_voice: str = "snare"
    clap: str = ""
    hat: str = ""
    open_hat: str = ""
    perc: str = ""
    # rim, conga, shaker or ride
    perc_voice: str = "rim"
    bass: str = ""
    bass_gate: float = 0.8
    # tone (a wavetable), sub (808 sine with a slide) or pluck
    bass_voice: str = "tone"
    chords: str = ""
    chord_gate: float = 0.9
    # pad, stab, strum, arpeggio, rhodes, organ, strings or power
    chord_voice: str = "pad"
    sevenths: bool = False
    # arp, melody, bells or nothing
    lead: str = ""
    swing: float = 0.0
    # Steps between echo repeats of chords and lead; 0 for none.
    echo_steps: int = 0
    echo_feedback: float = 0.35
    drive: float = 0.0
    kick_hz: tuple[float, float] = (150.0, 48.0)


FOUR = "x...x...x...x..."
BACKBEAT = "....x.......x..."
EIGHTHS = "x.x.x.x.x.x.x.x."
OFFBEAT = "..x...x...x...x."

# fmt: off
FAMILIES: dict[str, Family] = {
    "techno": Family(kick=FOUR, hat=OFFBEAT, clap="....o.......o...", perc="..o..o....o..o..",
                     bass="..r...r...r...r.", bass_gate=0.45, chords="x.....x.....x...",
                     chord_voice="stab", chord_gate=0.35, lead="arp", echo_steps=3, drive=0.4),
    "minimal": Family(kick=FOUR, hat="..o...o...o...o.", perc="..x..x....x..x..",
                      bass="r.....r...r.....", bass_gate=0.3, lead="arp", echo_steps=3,
                      echo_feedback=0.45, kick_hz=(130.0, 50.0)),
    "dub_techno": Family(kick=FOUR, hat="..o...o...o...o.", bass="r...............",
                         bass_gate=0.95, bass_voice="sub", chords="...x......x.....",
                         chord_voice="stab", chord_gate=0.5, sevenths=True, echo_steps=3,
                         echo_feedback=0.6, kick_hz=(120.0, 45.0)),
    "house": Family(kick=FOUR, clap=BACKBEAT, hat="o.o.o.o.o.o.o.o.", open_hat=OFFBEAT,
                    bass="r..r..r...r.r...", bass_gate=0.5, chords="..x..x....x..x..",
                    chord_voice="organ", chord_gate=0.5, sevenths=True, lead="melody"),
    "disco": Family(kick=FOUR, snare=BACKBEAT, hat="oooooooooooooooo", open_hat=OFFBEAT,
                    bass="r.o.r.o.r.o.r.o.", bass_gate=0.6, chords="x.......x.......",
                    chord_voice="strings", sevenths=True, lead="melody"),
    "funk": Family(kick="x..x..x...x.....", snare="....x..o.o..x...", hat="xoxoxoxoxoxoxoxo",
                   bass="r..r.or...f.o.r.", bass_gate=0.5, chords=".x.x..x..x.x..x.",
                   chord_voice="strum", chord_gate=0.2, sevenths=True, lead="melody",
                   swing=0.1, drive=0.2),
    "soul": Family(kick="x......xx.x.....", snare=BACKBEAT, hat=EIGHTHS, bass="r...r.f.r...o...",
                   bass_gate=0.7, chords="x.......x..x....", chord_voice="rhodes",
                   sevenths=True, lead="melody", swing=0.15),
    "boom_bap": Family(kick="x......x..x.....", snare=BACKBEAT, hat=EIGHTHS,
                       bass="r.........r.....", bass_gate=0.9, bass_voice="sub",
                       chords="x.......x.......", chord_voice="rhodes", sevenths=True,
                       lead="bells", swing=0.22, kick_hz=(110.0, 45.0)),
    "trap": Family(kick="x......x..x.....", snare="........x.......",
                   hat="x.x.x.xxx.x.x.xx", bass="r.........r.....", bass_gate=1.0,
                   bass_voice="sub", chords="x...............", chord_voice="pad",
                   lead="bells", kick_hz=(90.0, 42.0)),
    "jazz": Family(kick="o.......o.......", perc="x...x.x.x...x.x.", perc_voice="ride",
                   snare="....o.......o...", snare_voice="brush", hat="....o.......o...",
                   bass="w...w...w...w...",
                   bass_gate=0.9, bass_voice="pluck", chords="...x......x.....",
                   chord_voice="rhodes", chord_gate=0.6, sevenths=True, lead="melody",
                   swing=0.33, kick_hz=(90.0, 50.0)),
    "ambient": Family(bass="r...............", bass_gate=1.0, bass_voice="tone",
                      chords="x...............", chord_voice="pad", sevenths=True,
                      lead="bells", echo_steps=6, echo_feedback=0.5),
    "chamber": Family(bass="r...f...r...f...", bass_gate=0.5, bass_voice="pluck",
                      chords="x.......x.......", chord_voice="strings", lead="melody"),
    "folk": Family(perc="..o...o...o...o.", perc_voice="shaker", bass="r.......f.......",
                   bass_gate=0.9, bass_voice="pluck", chords=EIGHTHS.replace(".", "x"),
                   chord_voice="arpeggio", lead="melody", swing=0.08),
    "drum_and_bass": Family(kick="x.........x.....", snare=BACKBEAT, hat="oxoxoxoxoxoxoxox",
                            bass="r.......r.....r.", bass_gate=0.9, chords="x...............",
                            chord_voice="pad", lead="bells", echo_steps=3, drive=0.3),
    "dub": Family(kick="........x.......", snare="........x.......", hat=EIGHTHS,
                  bass="r..r....f.r.t...", bass_gate=0.8, bass_voice="sub", chords=OFFBEAT,
                  chord_voice="organ", chord_gate=0.3, lead="melody", swing=0.12,
                  echo_steps=3, echo_feedback=0.5, kick_hz=(100.0, 45.0)),
    "rock": Family(kick="x.....x.x.......", snare=BACKBEAT, hat=EIGHTHS,
                   bass="r.r.r.r.r.r.r.r.", bass_gate=0.8, chords="x.......x.......",
                   chord_voice="power", lead="melody", drive=1.5),
    "bossa": Family(kick="x..x....x..x....", perc="x..x..x...x..x..", hat="xoxoxoxoxoxoxoxo",
                    bass="r..f....r..f....", bass_gate=0.7, bass_voice="pluck",
                    chords="x..x..x...x..x..", chord_voice="strum", chord_gate=0.5,
                    sevenths=True, lead="melody"),
    "afro": Family(kick=FOUR, perc="x.x..x.xx.x..x..", perc_voice="conga", hat="x.x.xx.x.x.x.x..",
                   bass="r..r..f.r..r..f.", bass_gate=0.5, chords=".x.x.x.x.x.x.x.x",
                   chord_voice="arpeggio", lead="melody", swing=0.1),
    "electro": Family(kick="x.....x...x.....", snare=BACKBEAT, hat=EIGHTHS,
                      bass="r.r.r.r.o.r.r.r.", bass_gate=0.4, chords="x...............",
                      chord_voice="pad", lead="arp", echo_steps=3, kick_hz=(180.0, 52.0)),
    "ebm": Family(kick=FOUR, snare=BACKBEAT, hat=OFFBEAT, bass="rrrrrrrrrrrrrrrr",
                  bass_gate=0.5, chords="x.......x.......", chord_voice="stab",
                  chord_gate=0.25, lead="", drive=1.2, kick_hz=(170.0, 50.0)),
    "motorik": Family(kick="x.x...x.x.x...x.", snare=BACKBEAT, hat=EIGHTHS,
                      bass="r.r.r.r.r.r.r.r.", bass_gate=0.6, chords="x...............",
                      chord_voice="organ", lead="arp", echo_steps=3, drive=0.3),
}
# fmt: on


@dataclass(frozen=True, slots=True)
class Recipe:
    """Everything the synthesizer needs for one genre; equal recipes sound equal."""

    family: str
    tempo: int
    # MIDI note of the tonic in the bass octave (33 is A1).
    root: int
    mode: str
    # Scale degrees of the chords, counted from 0.
    progression: tuple[int, ...]
    bass_timbre: str
    chord_timbre: str
    lead_timbre: str
    seed: int
