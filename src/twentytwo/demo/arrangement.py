"""Render the sections of a genre's music: a few bars each, looped, in stereo.

Every section lasts a whole number of MP3 frames, so encoded sections can be joined
frame by frame into tracks (see demo/mp3.py)."""

import math
from collections.abc import Callable

import numpy as np

from twentytwo.demo import instruments as voice
from twentytwo.demo.instruments import SAMPLE_RATE
from twentytwo.demo.styles import FAMILIES, MODES, Family, Recipe

FRAME_SAMPLES = 1152  # samples in one MPEG-1 Layer III frame
# Sections a track is assembled from: one intro, bodies in a varying order, one outro.
SECTIONS = ("intro", "verse", "chorus", "verse_b", "chorus_b", "break", "groove", "outro")
BODY_SECTIONS = SECTIONS[1:-1]
_PARTS = {
    "intro": {"kick", "hats", "perc", "chords"},
    "verse": {"kick", "snare", "hats", "perc", "bass", "chords"},
    "chorus": {"kick", "snare", "hats", "perc", "bass", "chords", "lead"},
    "verse_b": {"kick", "snare", "hats", "perc", "bass", "chords"},
    "chorus_b": {"kick", "snare", "hats", "perc", "bass", "chords", "lead", "fill"},
    "break": {"hats", "chords", "lead"},
    "groove": {"kick", "snare", "hats", "perc", "bass", "lead"},
    "outro": {"kick", "snare", "hats", "perc", "bass", "chords"},
}
_SECOND_PROGRESSION = {"verse_b", "chorus_b", "break"}
# Short fades at both ends hide the seam where two sections meet.
_EDGE_SECONDS = 0.008


def section_bars(recipe: Recipe) -> int:
    """Return how many bars make a section: the power of two nearest to eight seconds."""
    bar_seconds = 240 / recipe.tempo
    return min((1, 2, 4, 8), key=lambda bars: abs(math.log(bars * bar_seconds / 8)))


def section_frames(recipe: Recipe) -> int:
    seconds = section_bars(recipe) * 240 / recipe.tempo
    return round(seconds * SAMPLE_RATE / FRAME_SAMPLES)


def _scale_note(recipe: Recipe, degree: int, octave: int) -> int:
    scale = MODES[recipe.mode]
    lift, index = divmod(degree, len(scale))
    return recipe.root + 12 * (octave + lift) + scale[index]


class _Section:
    """The state of one section being rendered: its grid, harmony and mix bus."""

    def __init__(self, recipe: Recipe, name: str, sounds: dict) -> None:
        self.recipe = recipe
        # Notes and chords recur across steps and sections: render each once per genre.
        self.sounds = sounds
        self.family: Family = FAMILIES[recipe.family]
        self.name = name
        self.parts = _PARTS[name]
        self.count = section_frames(recipe) * FRAME_SAMPLES
        self.steps = section_bars(recipe) * 16
        self.step = self.count / self.steps
        self.rng = np.random.default_rng([recipe.seed, SECTIONS.index(name)])
        progression = recipe.progression
        if name in _SECOND_PROGRESSION:
            progression = progression[2:] + progression[:2]
        self.progression = progression
        # One bus per place in the stereo field, mixed down once at the end.
        self.buses: dict[tuple[float, int], np.ndarray] = {}

    def position(self, step: float) -> int:
        swing = self.family.swing
        unit = 2 if swing >= 0.25 else 1  # strong swing shuffles eighths, light swing 16ths
        if swing and int(step) % (2 * unit) == unit:
            step += swing * unit
        return int(step * self.step) % self.count

    def chord_degree(self, step: int) -> int:
        return self.progression[step * len(self.progression) // self.steps]

    def chord_notes(self, step: int, octave: int = 2) -> list[int]:
        degree = self.chord_degree(step)
        size = 4 if self.family.sevenths else 3
        return [_scale_note(self.recipe, degree + 2 * tone, octave) for tone in range(size)]

    def hits(self, pattern: str, *, soft: str = "o") -> list[tuple[int, float]]:
        """Return (step, velocity) for every step the pattern plays in this section."""
        if not pattern:
            return []
        symbols = [pattern[step % len(pattern)] for step in range(self.steps)]
        return [
            (step, 0.55 if symbol == soft else 1.0)
            for step, symbol in enumerate(symbols)
            if symbol != "."
        ]

    def gate(self, pattern: str, step: int, fraction: float) -> float:
        """Return the seconds a note at `step` lasts: `fraction` of the gap to the next one."""
        gap = 1
        while gap < len(pattern) and pattern[(step + gap) % len(pattern)] == ".":
            gap += 1
        return max(0.05, fraction * gap * self.step / SAMPLE_RATE)

    def sound[T](self, key: tuple, render: Callable[[], T]) -> T:
        if key not in self.sounds:
            self.sounds[key] = render()
        return self.sounds[key]

    def lay(self, bus: np.ndarray, sound: np.ndarray, step: float, gain: float) -> None:
        """Add `sound` at `step`; a tail past the end wraps round, as a loop would."""
        start = self.position(step)
        sound = sound[: self.count] * gain
        end = start + len(sound)
        if end <= self.count:
            bus[start:end] += sound
        else:
            split = self.count - start
            bus[start:] += sound[:split]
            bus[: end - self.count] += sound[split:]

    def add(self, bus: np.ndarray, pan: float, width: int = 0) -> None:
        """Mix `bus` in at `pan`; `width` delays the right side a little for a wider sound."""
        if (pan, width) in self.buses:
            self.buses[pan, width] += bus
        else:
            self.buses[pan, width] = bus

    def mixdown(self) -> np.ndarray:
        mix = np.zeros((2, self.count))
        for (pan, width), bus in self.buses.items():
            left, right = voice.pan_gains(pan)
            mix[0] += left * bus
            mix[1] += right * (np.roll(bus, width) if width else bus)
        return mix


def _drum_kit(recipe: Recipe) -> dict[str, np.ndarray]:
    """Return the genre's drum sounds: one kit for all of its sections."""
    family = FAMILIES[recipe.family]
    kit = np.random.default_rng(recipe.seed)
    start_hz, end_hz = family.kick_hz
    percussion = {
        "rim": voice.rim,
        "conga": lambda: voice.conga(kit.uniform(180, 260)),
        "shaker": lambda: voice.shaker(kit),
        "ride": lambda: voice.ride(kit),
    }[family.perc_voice]
    return {
        "kick": voice.kick(start_hz=start_hz * kit.uniform(0.9, 1.1), end_hz=end_hz),
        "snare": voice.snare(kit, tone_hz=kit.uniform(160, 230), snap=kit.uniform(0.5, 0.85)),
        "clap": voice.clap(kit),
        "hat": voice.hat(kit, brightness=int(kit.integers(1, 4))),
        "open_hat": voice.hat(kit, open_=True),
        "brush": voice.brush(kit),
        "perc": percussion(),
    }


def _drums(section: _Section) -> None:
    family, parts = section.family, section.parts
    sounds = section.sound(("kit",), lambda: _drum_kit(section.recipe))
    plan = [
        ("kick", family.kick, sounds["kick"], 0.9, 0.0),
        ("snare", family.snare, sounds[family.snare_voice], 0.5, 0.05),
        ("snare", family.clap, sounds["clap"], 0.45, -0.05),
        ("hats", family.hat, sounds["hat"], 0.22, 0.35),
        ("hats", family.open_hat, sounds["open_hat"], 0.16, 0.3),
        ("perc", family.perc, sounds["perc"], 0.3, -0.4),
    ]
    for part, pattern, sound, gain, pan in plan:
        if part not in parts or not pattern:
            continue
        bus = np.zeros(section.count)
        for step, velocity in section.hits(pattern):
            section.lay(bus, sound, step, gain * velocity)
        section.add(bus, pan)
    if "fill" in parts and family.snare:
        bus = np.zeros(section.count)
        for step in range(section.steps - 4, section.steps):
            section.lay(bus, sounds["snare"], step, 0.35 + 0.08 * (step % 4))
        section.add(bus, 0.0)


def _bass(section: _Section) -> None:
    family, recipe = section.family, section.recipe
    bus = np.zeros(section.count)
    walk = (0, 2, 4)
    # In a bass line "o" is the octave, not a soft note.
    for step, velocity in section.hits(family.bass, soft=""):
        degree = section.chord_degree(step)
        symbol = family.bass[step % len(family.bass)]
        offset = {"r": 0, "t": 2, "f": 4, "o": 7, "x": 0}.get(symbol, 0)
        if symbol == "w":
            # Three chord tones, then a passing note that leads into the next bar.
            beat = (step // 4) % 4
            offset = walk[beat] if beat < 3 else int(section.rng.integers(3, 6))
        note = _scale_note(recipe, degree + offset, 0)
        seconds = section.gate(family.bass, step, family.bass_gate)
        glide = 3.0 if step % 8 else 0.0

        def render(note=note, seconds=seconds, glide=glide) -> np.ndarray:
            if family.bass_voice == "sub":
                return voice.sub_bass(note, seconds, glide=glide)
            if family.bass_voice == "pluck":
                return voice.pluck(note, seconds, brightness=0.6, damping=2.0)
            return voice.tone(
                recipe.bass_timbre,
                note,
                seconds,
                attack=0.004,
                release=0.03,
                decay=0.25,
                sustain=0.6,
            )

        sound = section.sound(("bass", note, round(seconds, 3), glide), render)
        section.lay(bus, sound, step, 0.55 * velocity)
    section.add(voice.saturate(bus, family.drive * 0.5), 0.0)


def _chord_sound(section: _Section, notes: list[int], seconds: float) -> np.ndarray:
    family, timbre = section.family, section.recipe.chord_timbre
    kind = family.chord_voice
    count = max(1, int(seconds * SAMPLE_RATE))
    sound = np.zeros(count + int(0.1 * SAMPLE_RATE))
    if kind == "arpeggio":
        return voice.pluck(notes[0], seconds * 3, brightness=0.9)
    for index, note in enumerate(notes):
        if kind == "pad":
            played = voice.tone(
                timbre, note, seconds, attack=min(0.6, seconds / 3), release=0.5, detune=0.09
            )
        elif kind == "strings":
            played = voice.tone(timbre, note, seconds, attack=0.25, release=0.3, vibrato=0.004)
        elif kind == "rhodes":
            played = voice.tone(
                timbre, note, seconds, release=0.2, decay=1.2, sustain=0.3, tremolo=0.3
            )
        elif kind == "organ":
            played = voice.tone(timbre, note, seconds, attack=0.01, release=0.04)
        elif kind == "power":
            played = voice.tone(timbre, note - 12, seconds, release=0.08) if index < 2 else None
        elif kind == "strum":
            played = np.concatenate(
                (np.zeros(int(index * 0.012 * SAMPLE_RATE)), voice.pluck(note, seconds + 0.3))
            )
        else:  # stab
            played = voice.tone(timbre, note, seconds, release=0.03, decay=0.12, sustain=0.4)
        if played is not None:
            length = min(len(played), len(sound))
            sound[:length] += played[:length]
    if kind == "power":
        sound = voice.saturate(sound, 3.0)
    return sound / len(notes) ** 0.5


def _chords(section: _Section) -> None:
    family = section.family
    bus = np.zeros(section.count)
    gain = 0.6 if section.name == "intro" else 1.0
    for step, velocity in section.hits(family.chords):
        seconds = section.gate(family.chords, step, family.chord_gate)
        if family.chord_voice in ("pad", "strings"):
            # Sustained voices hold until the harmony changes.
            seconds = max(seconds, section.count / len(section.progression) / SAMPLE_RATE)
        notes = section.chord_notes(step)
        if family.chord_voice == "arpeggio":
            notes = [notes[(step // 2) % len(notes)] + (12 if step % 16 >= 8 else 0)]
        sound = section.sound(
            ("chord", *notes, round(seconds, 3)),
            lambda notes=notes, seconds=seconds: _chord_sound(section, notes, seconds),
        )
        section.lay(bus, sound, step, 0.3 * gain * velocity)
    if family.echo_steps:
        bus = voice.echo(
            bus, delay=int(family.echo_steps * section.step), feedback=family.echo_feedback
        )
    section.add(bus, -0.15, width=int(0.011 * SAMPLE_RATE))


def _lead(section: _Section) -> None:
    family, recipe = section.family, section.recipe
    bus = np.zeros(section.count)
    # The same seed in both choruses: the tune returns over the other chords.
    tune = np.random.default_rng([recipe.seed, 99])
    if family.lead == "arp":
        seconds = 0.8 * section.step / SAMPLE_RATE
        for step in range(section.steps):
            notes = section.chord_notes(step, octave=3)
            note = notes[step % len(notes)] + (12 if step % 8 >= 4 else 0)
            sound = section.sound(
                ("arp", note),
                lambda note=note: voice.tone(
                    recipe.lead_timbre, note, seconds, release=0.02, decay=0.08, sustain=0.3
                ),
            )
            section.lay(bus, sound, step, 0.2 if step % 4 else 0.28)
    elif family.lead == "bells":
        for step in range(0, section.steps, 6 if section.steps > 16 else 3):
            notes = section.chord_notes(step, octave=4)
            note = notes[int(tune.integers(len(notes)))]
            sound = section.sound(("bell", note), lambda note=note: voice.bell(note, 1.5))
            section.lay(bus, sound, step, 0.25)
    elif family.lead == "melody":
        degree, step = 7, 0
        while step < section.steps:
            length = int(tune.choice((2, 2, 4, 4, 6, 8)))
            if tune.random() < 0.2:
                step += length
                continue
            chord = section.chord_degree(step)
            if step % 16 == 0:
                degree = chord + 7 + 2 * int(tune.integers(0, 3))
            else:
                degree += int(tune.choice((-2, -1, -1, 1, 1, 2)))
                degree = min(max(degree, chord + 3), chord + 13)
            note = _scale_note(recipe, degree, 2)
            seconds = 0.95 * length * section.step / SAMPLE_RATE
            sound = voice.tone(
                recipe.lead_timbre, note, seconds, attack=0.02, release=0.06, vibrato=0.003
            )
            section.lay(bus, sound, step, 0.22)
            step += length
    if family.echo_steps:
        bus = voice.echo(
            bus, delay=int(family.echo_steps * section.step), feedback=family.echo_feedback
        )
    section.add(bus, 0.2)


def sections_render(recipe: Recipe) -> list[np.ndarray]:
    """Return the (2, n) samples of every section of the recipe's music, in SECTIONS order."""
    sounds: dict = {}
    return [_section_render(recipe, name, sounds) for name in SECTIONS]


def _section_render(recipe: Recipe, name: str, sounds: dict) -> np.ndarray:
    section = _Section(recipe, name, sounds)
    if section.parts & {"kick", "snare", "hats", "perc"}:
        _drums(section)
    if "bass" in section.parts and section.family.bass:
        _bass(section)
    if "chords" in section.parts and section.family.chords:
        _chords(section)
    if "lead" in section.parts and section.family.lead:
        _lead(section)
    mix = section.mixdown()
    edge = int(_EDGE_SECONDS * SAMPLE_RATE)
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, edge))
    mix[:, :edge] *= ramp
    mix[:, -edge:] *= ramp[::-1]
    if name == "intro":
        mix *= np.linspace(0.15, 1.0, section.count) ** 0.5
    elif name == "outro":
        mix *= np.linspace(1.0, 0.0, section.count) ** 1.5
    return mix
