"""Oscillators, envelopes and drum voices for the demo catalog's synthesized music.

Everything is plain numpy on mono float64 buffers at 44.1 kHz with seeded noise, so one
recipe gives the same samples on every run. (Another CPU or numpy build may round a few
samples differently; the seeder then still recognises its tracks by name.)"""

import functools

import numpy as np

SAMPLE_RATE = 44_100
_TABLE_SIZE = 16_384  # a power of two, so phase wraps with a mask
# Harmonics above this would fold back into the audible band as aliasing.
_HIGHEST_PARTIAL_HZ = 16_000

# Amplitude of harmonic 1, 2, 3, ... for each named timbre.
TIMBRES: dict[str, tuple[float, ...]] = {
    "sine": (1.0,),
    "saw": tuple(1 / k for k in range(1, 41)),
    "dark_saw": tuple(np.exp(-k / 5) / k for k in range(1, 21)),
    "square": tuple((1 / k if k % 2 else 0.0) for k in range(1, 41)),
    "soft_square": tuple((1 / k**1.6 if k % 2 else 0.0) for k in range(1, 21)),
    "triangle": tuple(((-1) ** (k // 2) / k**2 if k % 2 else 0.0) for k in range(1, 16)),
    "pulse": tuple(abs(np.sin(np.pi * k * 0.25)) / k for k in range(1, 41)),
    "organ": (1.0, 0.7, 0.0, 0.45, 0.0, 0.3, 0.0, 0.2, 0.0, 0.0, 0.0, 0.1),
    "rhodes": (1.0, 0.3, 0.12, 0.05, 0.02),
    "reed": (1.0, 0.85, 0.6, 0.45, 0.3, 0.22, 0.15, 0.1, 0.07, 0.05),
    "hollow": (1.0, 0.0, 0.45, 0.0, 0.25, 0.0, 0.12),
    "glass": (1.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.25),
}


@functools.cache
def wavetable(timbre: str, partials: int) -> np.ndarray:
    """Return one cycle of `timbre` with at most `partials` harmonics, peak 1."""
    amplitudes = TIMBRES[timbre][: max(1, partials)]
    spectrum = np.zeros(_TABLE_SIZE // 2 + 1, dtype=complex)
    # A sine's coefficient in an inverse real FFT is -i (N / 2) times its amplitude.
    spectrum[1 : len(amplitudes) + 1] = -1j * np.asarray(amplitudes) * (_TABLE_SIZE / 2)
    cycle = np.fft.irfft(spectrum, n=_TABLE_SIZE)
    return cycle / np.max(np.abs(cycle))


def midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def oscillate(timbre: str, frequency: float | np.ndarray, count: int) -> np.ndarray:
    """Play `timbre` at a fixed or per-sample `frequency` for `count` samples."""
    top = float(np.max(frequency))
    table = wavetable(timbre, int(_HIGHEST_PARTIAL_HZ // max(top, 1.0)))
    # A long table read without interpolation is as clean as 128 kbit/s MP3 can tell.
    if np.ndim(frequency) == 0:
        position = np.arange(count) * (float(frequency) * _TABLE_SIZE / SAMPLE_RATE)
    else:
        position = np.cumsum(frequency) * (_TABLE_SIZE / SAMPLE_RATE)
    return table[position.astype(np.int64) & (_TABLE_SIZE - 1)]


def envelope(
    count: int, *, attack: float, release: float, decay: float = 0.0, sustain: float = 1.0
) -> np.ndarray:
    """Return an attack / exponential decay to `sustain` / release curve, times in seconds."""
    seconds = np.arange(count) / SAMPLE_RATE
    shape = np.ones(count)
    if decay:
        shape = sustain + (1 - sustain) * np.exp(-seconds / decay)
    rise = min(count, max(1, int(attack * SAMPLE_RATE)))
    shape[:rise] *= np.linspace(0.0, 1.0, rise)
    fall = min(count, max(1, int(release * SAMPLE_RATE)))
    shape[-fall:] *= np.linspace(1.0, 0.0, fall)
    return shape


def smooth(signal: np.ndarray, width: int) -> np.ndarray:
    """Return a moving average of `signal`: a cheap low-pass filter."""
    if width <= 1:
        return signal
    return np.convolve(signal, np.ones(width) / width, mode="same")


def saturate(signal: np.ndarray, drive: float) -> np.ndarray:
    if drive <= 0:
        return signal
    return np.tanh(signal * (1 + drive)) / np.tanh(1 + drive)


def tone(
    timbre: str,
    note: float,
    seconds: float,
    *,
    attack: float = 0.005,
    release: float = 0.05,
    decay: float = 0.0,
    sustain: float = 1.0,
    detune: float = 0.0,
    vibrato: float = 0.0,
    tremolo: float = 0.0,
) -> np.ndarray:
    """Return one note of a wavetable voice; `detune` in semitones thickens it."""
    count = max(1, int(seconds * SAMPLE_RATE))
    hz = midi_hz(note)
    if vibrato:
        wobble = 1 + vibrato * np.sin(2 * np.pi * 5.5 * np.arange(count) / SAMPLE_RATE)
        sound = oscillate(timbre, hz * wobble, count)
    else:
        sound = oscillate(timbre, hz, count)
    if detune:
        sound = 0.5 * (sound + oscillate(timbre, midi_hz(note + detune), count))
    if tremolo:
        sound *= 1 - tremolo * (
            0.5 + 0.5 * np.sin(2 * np.pi * 4.5 * np.arange(count) / SAMPLE_RATE)
        )
    shape = envelope(count, attack=attack, release=release, decay=decay, sustain=sustain)
    return sound * shape


def pluck(
    note: float, seconds: float, *, brightness: float = 1.0, damping: float = 1.0
) -> np.ndarray:
    """Return a plucked-string note: a bright attack dies away into a rounder tone."""
    count = max(1, int(seconds * SAMPLE_RATE))
    time = np.arange(count) / SAMPLE_RATE
    bright = oscillate("saw", midi_hz(note), count) * np.exp(-time * 14 / damping)
    round_ = oscillate("triangle", midi_hz(note), count) * np.exp(-time * 2.5 / damping)
    sound = brightness * 0.6 * bright + round_
    return sound * envelope(count, attack=0.002, release=0.03)


def bell(note: float, seconds: float) -> np.ndarray:
    """Return a struck-metal note from inharmonic partials."""
    count = max(1, int(seconds * SAMPLE_RATE))
    time = np.arange(count) / SAMPLE_RATE
    hz = midi_hz(note)
    sound = np.zeros(count)
    for ratio, amplitude, decay in (
        (1.0, 1.0, 1.6),
        (2.76, 0.45, 0.7),
        (5.4, 0.25, 0.35),
        (8.93, 0.12, 0.2),
    ):
        if hz * ratio < _HIGHEST_PARTIAL_HZ:
            sound += amplitude * np.exp(-time / decay) * np.sin(2 * np.pi * hz * ratio * time)
    return sound * envelope(count, attack=0.002, release=0.05)


def sub_bass(note: float, seconds: float, *, glide: float = 0.0, drive: float = 0.6) -> np.ndarray:
    """Return an 808-style sine bass that may slide in from `glide` semitones away."""
    count = max(1, int(seconds * SAMPLE_RATE))
    time = np.arange(count) / SAMPLE_RATE
    frequency = midi_hz(note) * 2 ** (glide * np.exp(-time / 0.06) / 12)
    sound = np.sin(2 * np.pi * np.cumsum(frequency) / SAMPLE_RATE)
    shape = envelope(count, attack=0.003, release=0.08, decay=0.9, sustain=0.35)
    return saturate(sound * shape, drive)


# Drums ------------------------------------------------------------------------------


def kick(
    *, start_hz: float = 150.0, end_hz: float = 48.0, seconds: float = 0.4, click: float = 0.3
) -> np.ndarray:
    count = int(seconds * SAMPLE_RATE)
    time = np.arange(count) / SAMPLE_RATE
    frequency = end_hz + (start_hz - end_hz) * np.exp(-time / 0.035)
    body = np.sin(2 * np.pi * np.cumsum(frequency) / SAMPLE_RATE) * np.exp(-time / (seconds / 3))
    body[:80] += click * np.linspace(1.0, 0.0, 80)
    return saturate(body, 0.5) * envelope(count, attack=0.0005, release=0.02)


def snare(
    rng: np.random.Generator, *, tone_hz: float = 190.0, snap: float = 0.7, seconds: float = 0.25
) -> np.ndarray:
    count = int(seconds * SAMPLE_RATE)
    time = np.arange(count) / SAMPLE_RATE
    noise = rng.standard_normal(count)
    noise = smooth(noise - smooth(noise, 12), 2) * np.exp(-time / 0.07)
    body = np.sin(2 * np.pi * tone_hz * time) * np.exp(-time / 0.04)
    return (snap * noise * 0.6 + (1 - snap) * body) * envelope(count, attack=0.0008, release=0.02)


def hat(rng: np.random.Generator, *, open_: bool = False, brightness: int = 2) -> np.ndarray:
    seconds = 0.35 if open_ else 0.06
    count = int(seconds * SAMPLE_RATE)
    time = np.arange(count) / SAMPLE_RATE
    noise = rng.standard_normal(count)
    for _ in range(brightness):
        noise = np.diff(noise, prepend=0.0) * 0.5
    decay = 0.12 if open_ else 0.018
    return noise * np.exp(-time / decay) * envelope(count, attack=0.0005, release=0.01)


def clap(rng: np.random.Generator) -> np.ndarray:
    count = int(0.3 * SAMPLE_RATE)
    time = np.arange(count) / SAMPLE_RATE
    noise = rng.standard_normal(count)
    noise = smooth(noise - smooth(noise, 20), 3)
    bursts = np.zeros(count)
    for offset in (0.0, 0.011, 0.022):
        bursts += (time >= offset) * np.exp(-np.clip(time - offset, 0, None) / 0.008)
    shape = 0.5 * bursts + np.exp(-np.clip(time - 0.022, 0, None) / 0.09) * (time >= 0.022)
    return noise * shape * 0.5


def shaker(rng: np.random.Generator) -> np.ndarray:
    count = int(0.09 * SAMPLE_RATE)
    noise = np.diff(rng.standard_normal(count), prepend=0.0) * 0.5
    return noise * envelope(count, attack=0.02, release=0.06) * 0.6


def rim() -> np.ndarray:
    count = int(0.06 * SAMPLE_RATE)
    time = np.arange(count) / SAMPLE_RATE
    return (np.sin(2 * np.pi * 1700 * time) * 0.5 + np.sin(2 * np.pi * 420 * time)) * np.exp(
        -time / 0.012
    )


def conga(hz: float) -> np.ndarray:
    count = int(0.3 * SAMPLE_RATE)
    time = np.arange(count) / SAMPLE_RATE
    frequency = hz * (1 + 0.15 * np.exp(-time / 0.02))
    return np.sin(2 * np.pi * np.cumsum(frequency) / SAMPLE_RATE) * np.exp(-time / 0.09)


def ride(rng: np.random.Generator) -> np.ndarray:
    count = int(0.8 * SAMPLE_RATE)
    time = np.arange(count) / SAMPLE_RATE
    metal = np.zeros(count)
    for hz in (3120.0, 4235.0, 5340.0, 6011.0, 7280.0):
        metal += np.sin(2 * np.pi * hz * time)
    noise = np.diff(rng.standard_normal(count), prepend=0.0)
    return (0.12 * metal + 0.25 * noise) * np.exp(-time / 0.3) * 0.5


def brush(rng: np.random.Generator) -> np.ndarray:
    count = int(0.22 * SAMPLE_RATE)
    noise = smooth(rng.standard_normal(count), 4)
    return noise * envelope(count, attack=0.03, release=0.15) * 0.7


# Space ------------------------------------------------------------------------------


def echo(signal: np.ndarray, *, delay: int, feedback: float, taps: int = 3) -> np.ndarray:
    """Add repeats of `signal`; they wrap around because every segment is a loop."""
    result = signal.copy()
    for tap in range(1, taps + 1):
        result += feedback**tap * np.roll(signal, tap * delay)
    return result


def pan_gains(position: float) -> tuple[float, float]:
    """Return the left and right gains for `position` from -1 (left) to 1 (right)."""
    angle = (position + 1) * np.pi / 4
    return float(np.cos(angle)), float(np.sin(angle))
