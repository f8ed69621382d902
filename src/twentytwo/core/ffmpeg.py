"""Where the FFmpeg program is: the one that comes with the imageio-ffmpeg package.

The project installs its own FFmpeg (with LAME, Opus and the EBU R128 filters) through its
Python dependencies, so a machine needs no system package for it and every machine runs
the same build. IMAGEIO_FFMPEG_EXE names another program to use instead."""

import functools
import os
import stat
from pathlib import Path

import imageio_ffmpeg


@functools.cache
def ffmpeg_executable() -> str:
    """Return the path of the FFmpeg program to run."""
    path = Path(imageio_ffmpeg.get_ffmpeg_exe())
    mode = path.stat().st_mode
    if not mode & stat.S_IXUSR and os.access(path, os.W_OK):
        # An install that dropped the executable bit (an unpacked wheel) keeps working.
        path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)
