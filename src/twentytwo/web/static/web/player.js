/*
 * The 22tracks player.
 *
 * One <audio> element in a bar outside <main>. htmx swaps only <main> when a link is
 * followed, so this script, its queue and the audio element stay put and the music goes
 * on. Pages describe their playable tracks with data-* attributes; a [data-queue]
 * element groups the tracks that play one after another. Playing needs no cookie. What the
 * player does, it tells other scripts through events (see "What the player tells the page").
 *
 * A few steps do leave the page (signing in goes to the provider and back, signing out
 * posts a form). So that the music survives them, the queue, the track and the position
 * are kept in sessionStorage (this tab only) when a page goes away, and the next page
 * load in the tab takes them up again.
 */
(function () {
  "use strict";

  // Play buttons are hidden by the stylesheet until this class says they will work.
  document.documentElement.classList.add("js");

  // "Previous" restarts the track instead when it has played this long, as players do.
  const RESTART_INSTEAD_OF_PREVIOUS_AFTER = 3;
  const VOLUME_KEY = "twentytwo.player.volume";
  const RESUME_KEY = "twentytwo.player.resume";
  // A saved position older than this is a different listening session: start fresh.
  const RESUME_WITHIN_MS = 60 * 60 * 1000;

  const state = { queue: [], index: -1, failures: 0 };
  let ui = null;

  function formatTime(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) {
      return "0:00";
    }
    const whole = Math.floor(seconds);
    const hours = Math.floor(whole / 3600);
    const minutes = Math.floor((whole % 3600) / 60);
    const secs = String(whole % 60).padStart(2, "0");
    return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + secs : minutes + ":" + secs;
  }

  function trackFromElement(element) {
    const data = element.dataset;
    return {
      id: data.trackId,
      title: data.title || "",
      artist: data.artist || "",
      duration: parseFloat(data.duration) || 0,
      streamUrl: data.streamUrl,
      artworkUrl: data.artworkUrl || "",
      trackUrl: data.trackUrl || "",
      genre: data.genre || "",
      genreId: data.genreId || "",
    };
  }

  function queueElements(element) {
    const container = element.closest("[data-queue]");
    if (!container) {
      const single = element.closest("[data-track]");
      return single ? [single] : [];
    }
    return Array.from(container.querySelectorAll("[data-track]"));
  }

  function currentTrack() {
    return state.queue[state.index] || null;
  }

  function readVolume() {
    try {
      const stored = window.localStorage.getItem(VOLUME_KEY);
      const volume = stored === null ? NaN : parseFloat(stored);
      return Number.isFinite(volume) ? Math.min(Math.max(volume, 0), 1) : 1;
    } catch (error) {
      // Storage is refused when the visitor blocks site data; the player works without it.
      return 1;
    }
  }

  function storeVolume(volume) {
    try {
      window.localStorage.setItem(VOLUME_KEY, String(volume));
    } catch (error) {
      // See readVolume: remembering the volume is a nicety, not a requirement.
    }
  }

  // --- Surviving a page load ------------------------------------------------------------

  function saveForNextPage() {
    if (!state.queue.length || state.index < 0) {
      return;
    }
    const saved = {
      queue: state.queue.map(function (track) {
        return {
          id: track.id,
          title: track.title,
          artist: track.artist,
          duration: track.duration,
          streamUrl: track.streamUrl,
          artworkUrl: track.artworkUrl,
          trackUrl: track.trackUrl,
          genre: track.genre,
          genreId: track.genreId,
        };
      }),
      index: state.index,
      currentTime: ui.audio.currentTime || 0,
      playing: !ui.audio.paused,
      savedAt: Date.now(),
    };
    try {
      window.sessionStorage.setItem(RESUME_KEY, JSON.stringify(saved));
    } catch (error) {
      // Without storage the player starts afresh after a page load, as it did before.
    }
  }

  function takeSaved() {
    try {
      const raw = window.sessionStorage.getItem(RESUME_KEY);
      window.sessionStorage.removeItem(RESUME_KEY);
      const saved = raw ? JSON.parse(raw) : null;
      if (
        !saved ||
        !Array.isArray(saved.queue) ||
        !saved.queue[saved.index] ||
        Date.now() - saved.savedAt > RESUME_WITHIN_MS
      ) {
        return null;
      }
      return saved;
    } catch (error) {
      return null;
    }
  }

  function showResumable(resumable) {
    ui.bar.classList.toggle("is-resumable", resumable);
    if (ui.resume) {
      ui.resume.hidden = !resumable;
    }
    if (resumable) {
      ui.status.textContent = ui.bar.dataset.textResume;
    }
  }

  function restoreSaved() {
    const saved = takeSaved();
    if (!saved) {
      return;
    }
    state.queue = saved.queue.filter(function (track) {
      return Boolean(track && track.streamUrl);
    });
    state.index = Math.min(Math.max(saved.index, 0), state.queue.length - 1);
    const track = currentTrack();
    if (!track) {
      state.queue = [];
      state.index = -1;
      return;
    }
    leavingTrack();
    ui.audio.src = track.streamUrl;
    showTrack(track);
    const position = Math.max(parseFloat(saved.currentTime) || 0, 0);
    ui.audio.addEventListener(
      "loadedmetadata",
      function () {
        if (position > 0 && currentTrack() === track) {
          ui.audio.currentTime = Math.min(position, ui.audio.duration || position);
        }
        showPosition();
        if (!saved.playing) {
          return;
        }
        const promise = ui.audio.play();
        if (promise && typeof promise.catch === "function") {
          promise.catch(function (error) {
            // Browsers may refuse to start sound without a click on this page: show the
            // track paused at its place, with a hint that one press goes on.
            if (error && error.name === "NotAllowedError") {
              showResumable(true);
            }
            updateButtons();
            markCurrentRows();
          });
        }
      },
      { once: true }
    );
  }

  function setRangeFill(range, fraction) {
    range.style.setProperty("--progress", (Math.min(Math.max(fraction, 0), 1) * 100).toFixed(2) + "%");
  }

  // --- Showing the state -------------------------------------------------------------

  function replaceTitleLink(track) {
    // htmx reads a boosted link's href once, so a fresh element is boosted for the new URL.
    const link = ui.title.cloneNode(false);
    link.textContent = track.title;
    link.href = track.trackUrl || ui.title.getAttribute("href");
    ui.title.replaceWith(link);
    ui.title = link;
    if (window.htmx) {
      window.htmx.process(link);
    }
  }

  function showTrack(track) {
    replaceTitleLink(track);
    ui.artist.textContent = track.genre ? track.artist + " · " + track.genre : track.artist;
    ui.art.src = track.artworkUrl || ui.art.dataset.placeholder;
    ui.total.textContent = formatTime(track.duration);
    ui.seek.max = String(track.duration || 0);
    ui.seek.value = "0";
    ui.seek.disabled = false;
    setRangeFill(ui.seek, 0);
    ui.elapsed.textContent = "0:00";
    ui.bar.removeAttribute("data-idle");
    ui.status.textContent = ui.bar.dataset.textNowPlaying
      .replace("{title}", track.title)
      .replace("{artist}", track.artist);
    updateMediaSession(track);
    updateButtons();
    markCurrentRows();
    // Hearts (favorites/hearts.js) follow the track in the bar.
    document.dispatchEvent(new CustomEvent("twentytwo:track", { detail: { id: track.id } }));
  }

  function updateButtons() {
    const hasQueue = state.queue.length > 0;
    const playing = hasQueue && !ui.audio.paused;
    ui.bar.classList.toggle("is-playing", playing);
    ui.toggle.setAttribute(
      "aria-label",
      playing ? ui.toggle.dataset.labelPause : ui.toggle.dataset.labelPlay
    );
    ui.toggle.disabled = !hasQueue && !document.querySelector("[data-track]");
    ui.previous.disabled = !hasQueue;
    ui.next.disabled = !hasQueue;
    if ("mediaSession" in navigator) {
      navigator.mediaSession.playbackState = hasQueue ? (playing ? "playing" : "paused") : "none";
    }
  }

  function markCurrentRows() {
    const track = currentTrack();
    const playing = Boolean(track) && !ui.audio.paused;
    document.querySelectorAll("[data-track]").forEach(function (row) {
      const isCurrent = Boolean(track) && row.dataset.trackId === track.id;
      row.classList.toggle("is-current", isCurrent);
      row.classList.toggle("is-playing", isCurrent && playing);
      row.querySelectorAll("[data-play]").forEach(function (button) {
        button.setAttribute("aria-pressed", isCurrent && playing ? "true" : "false");
      });
    });
  }

  function showPosition() {
    const duration = Number.isFinite(ui.audio.duration) ? ui.audio.duration : 0;
    const position = ui.audio.currentTime;
    ui.elapsed.textContent = formatTime(position);
    if (duration) {
      ui.seek.max = String(duration);
      ui.total.textContent = formatTime(duration);
    }
    if (document.activeElement !== ui.seek) {
      ui.seek.value = String(position);
    }
    ui.seek.setAttribute(
      "aria-valuetext",
      formatTime(position) + " / " + formatTime(duration || parseFloat(ui.seek.max))
    );
    setRangeFill(ui.seek, duration ? position / duration : 0);
  }

  // --- Media Session (lock screen, media keys, headset buttons) ------------------------

  function updateMediaSession(track) {
    if (!("mediaSession" in navigator) || typeof window.MediaMetadata !== "function") {
      return;
    }
    const artwork = track.artworkUrl
      ? [{ src: new URL(track.artworkUrl, window.location.href).href, sizes: "512x512" }]
      : [];
    navigator.mediaSession.metadata = new window.MediaMetadata({
      title: track.title,
      artist: track.artist,
      album: track.genre,
      artwork: artwork,
    });
  }

  function updateMediaPosition() {
    const duration = ui.audio.duration;
    if (!("mediaSession" in navigator) || !Number.isFinite(duration) || duration <= 0) {
      return;
    }
    try {
      navigator.mediaSession.setPositionState({
        duration: duration,
        playbackRate: ui.audio.playbackRate,
        position: Math.min(ui.audio.currentTime, duration),
      });
    } catch (error) {
      // A browser that rejects the position still plays; the lock screen shows less.
    }
  }

  function registerMediaSession() {
    if (!("mediaSession" in navigator)) {
      return;
    }
    const handlers = {
      play: function () {
        resume();
      },
      pause: function () {
        ui.audio.pause();
      },
      previoustrack: previous,
      nexttrack: next,
      seekto: function (details) {
        seekTo(details.seekTime);
      },
      seekbackward: function (details) {
        seekTo(ui.audio.currentTime - (details.seekOffset || 10));
      },
      seekforward: function (details) {
        seekTo(ui.audio.currentTime + (details.seekOffset || 10));
      },
    };
    Object.keys(handlers).forEach(function (action) {
      try {
        navigator.mediaSession.setActionHandler(action, handlers[action]);
      } catch (error) {
        // Browsers throw for actions they do not know; the others still work.
      }
    });
  }


  // --- What the player tells the page ------------------------------------------------
  //
  // Other scripts follow the player through events on document, each with the track (its
  // id and genre id) and the position in seconds: "twentytwo:playing" (sound starts, or
  // starts again), "twentytwo:pause" (`ended` when the track ran out), "twentytwo:ended",
  // "twentytwo:seek", and "twentytwo:leave" as the player moves on from a track (`ended`
  // says whether it had finished). audience/beacons.js makes the listening statistics of
  // them; "twentytwo:track" (see showTrack) names each track as it is put up.

  function announce(name, track, extra) {
    if (!track) {
      return;
    }
    const detail = { track: { id: track.id, genreId: track.genreId }, position: ui.audio.currentTime || 0 };
    document.dispatchEvent(new CustomEvent("twentytwo:" + name, { detail: Object.assign(detail, extra) }));
  }

  function leavingTrack() {
    announce("leave", currentTrack(), { ended: ui.audio.ended });
  }

  // --- Playing ----------------------------------------------------------------------

  function startPlayback() {
    const promise = ui.audio.play();
    if (promise && typeof promise.catch === "function") {
      promise.catch(function (error) {
        // A newer load interrupts a pending play (AbortError); a blocked autoplay leaves
        // the player paused, which the buttons already show.
        if (error && error.name !== "AbortError") {
          updateButtons();
          markCurrentRows();
        }
      });
    }
  }

  function load(index) {
    leavingTrack();
    state.index = index;
    const track = currentTrack();
    ui.audio.src = track.streamUrl;
    showTrack(track);
    startPlayback();
  }

  function refreshStreamUrl(track, position) {
    const url = "/api/tracks/" + encodeURIComponent(track.id);
    return fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("track lookup answered " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        track.streamUrl = body.stream_url;
        if (currentTrack() !== track) {
          return;
        }
        ui.audio.src = track.streamUrl;
        if (position > 0) {
          ui.audio.currentTime = position;
        }
        startPlayback();
      });
  }

  function playQueue(elements, index) {
    const tracks = elements.map(trackFromElement).filter(function (track) {
      return Boolean(track.streamUrl);
    });
    if (!tracks.length) {
      return;
    }
    state.queue = tracks;
    state.failures = 0;
    load(Math.min(Math.max(index, 0), tracks.length - 1));
  }

  function resume() {
    if (state.queue.length) {
      startPlayback();
      return;
    }
    const first = document.querySelector("[data-track]");
    if (first) {
      playQueue(queueElements(first), 0);
    }
  }

  function toggle() {
    if (state.queue.length && !ui.audio.paused) {
      ui.audio.pause();
    } else {
      resume();
    }
  }

  function next() {
    if (state.queue.length) {
      load((state.index + 1) % state.queue.length);
    }
  }

  function previous() {
    if (!state.queue.length) {
      return;
    }
    if (ui.audio.currentTime > RESTART_INSTEAD_OF_PREVIOUS_AFTER) {
      seekTo(0);
      return;
    }
    load((state.index - 1 + state.queue.length) % state.queue.length);
  }

  function seekTo(seconds) {
    if (!state.queue.length || !Number.isFinite(seconds)) {
      return;
    }
    const duration = Number.isFinite(ui.audio.duration) ? ui.audio.duration : currentTrack().duration;
    ui.audio.currentTime = Math.min(Math.max(seconds, 0), duration || seconds);
    announce("seek", currentTrack());
    showPosition();
    updateMediaPosition();
  }

  // --- Wiring -----------------------------------------------------------------------

  function onDocumentClick(event) {
    const playAll = event.target.closest("[data-play-all]");
    if (playAll) {
      event.preventDefault();
      playQueue(queueElements(playAll), 0);
      return;
    }
    const button = event.target.closest("[data-play]");
    if (!button) {
      return;
    }
    event.preventDefault();
    const row = button.closest("[data-track]");
    if (!row) {
      return;
    }
    const track = currentTrack();
    if (track && track.id === row.dataset.trackId) {
      toggle();
      return;
    }
    const rows = queueElements(row);
    playQueue(rows, rows.indexOf(row));
  }

  function isTyping(target) {
    return Boolean(
      target &&
        target.closest &&
        target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])")
    );
  }

  function onKeyDown(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const target = event.target;
    if (isTyping(target)) {
      return;
    }
    switch (event.key) {
      case " ":
      case "Spacebar":
        // Space already presses a focused button or opens a summary; do not do it twice.
        if (target.closest && target.closest("button, summary, [role='button']")) {
          return;
        }
        event.preventDefault();
        toggle();
        break;
      case "j":
      case "J":
      case "ArrowRight":
        if (state.queue.length) {
          event.preventDefault();
          next();
        }
        break;
      case "k":
      case "K":
      case "ArrowLeft":
        if (state.queue.length) {
          event.preventDefault();
          previous();
        }
        break;
      default:
        break;
    }
  }

  function onPageSwapped() {
    markCurrentRows();
    updateButtons();
  }

  function onNavigated() {
    // Move focus to the new content so keyboard and screen-reader users start there.
    const main = document.getElementById("main");
    if (main) {
      main.focus({ preventScroll: true });
    }
  }

  function onSwapRefused(event) {
    // htmx swaps neither server errors nor failed requests; load the page the plain way
    // so the visitor sees what went wrong instead of a link that does nothing.
    const path = event.detail && event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (path && event.detail.boosted) {
      window.location.assign(path);
    }
  }

  function init() {
    const bar = document.getElementById("player");
    if (!bar) {
      return;
    }
    ui = {
      bar: bar,
      audio: document.getElementById("player-audio"),
      art: document.getElementById("player-art"),
      title: document.getElementById("player-title"),
      artist: document.getElementById("player-artist"),
      toggle: bar.querySelector("[data-player='toggle']"),
      previous: bar.querySelector("[data-player='previous']"),
      next: bar.querySelector("[data-player='next']"),
      seek: document.getElementById("player-seek"),
      elapsed: document.getElementById("player-elapsed"),
      total: document.getElementById("player-total"),
      volume: document.getElementById("player-volume"),
      status: document.getElementById("player-status"),
      resume: document.getElementById("player-resume"),
    };

    const volume = readVolume();
    ui.audio.volume = volume;
    ui.volume.value = String(volume);
    setRangeFill(ui.volume, volume);

    ui.toggle.addEventListener("click", toggle);
    ui.previous.addEventListener("click", previous);
    ui.next.addEventListener("click", next);
    ui.seek.addEventListener("input", function () {
      seekTo(parseFloat(ui.seek.value));
    });
    ui.volume.addEventListener("input", function () {
      const value = parseFloat(ui.volume.value);
      ui.audio.volume = value;
      setRangeFill(ui.volume, value);
      storeVolume(value);
    });

    ["play", "playing", "pause"].forEach(function (name) {
      ui.audio.addEventListener(name, function () {
        updateButtons();
        markCurrentRows();
      });
    });
    ui.audio.addEventListener("playing", function () {
      state.failures = 0;
      showResumable(false);
      const track = currentTrack();
      if (track) {
        track.refreshed = false;
      }
    });
    ui.audio.addEventListener("timeupdate", showPosition);
    ui.audio.addEventListener("durationchange", showPosition);
    ui.audio.addEventListener("loadedmetadata", function () {
      showPosition();
      updateMediaPosition();
    });
    ui.audio.addEventListener("seeked", updateMediaPosition);
    ui.audio.addEventListener("playing", function () {
      announce("playing", currentTrack());
    });
    ui.audio.addEventListener("pause", function () {
      announce("pause", currentTrack(), { ended: ui.audio.ended });
    });
    ui.audio.addEventListener("ended", function () {
      announce("ended", currentTrack());
      next();
    });
    ui.audio.addEventListener("error", function () {
      if (!state.queue.length) {
        return;
      }
      const track = currentTrack();
      if (track && !track.refreshed) {
        // Stream links expire (a page left open for hours, or restored from history):
        // ask once for a fresh link and carry on where the track was.
        track.refreshed = true;
        refreshStreamUrl(track, ui.audio.currentTime).catch(skipFailedTrack);
        return;
      }
      skipFailedTrack();
    });

    function skipFailedTrack() {
      state.failures += 1;
      // Skip a track that cannot be played, but stop once every track has failed.
      if (state.failures < state.queue.length) {
        next();
      } else {
        ui.status.textContent = ui.bar.dataset.textError;
        ui.artist.textContent = ui.bar.dataset.textError;
        updateButtons();
      }
    }

    document.addEventListener("click", onDocumentClick);
    document.addEventListener("keydown", onKeyDown);
    document.body.addEventListener("htmx:afterSettle", onPageSwapped);
    document.body.addEventListener("htmx:historyRestore", onPageSwapped);
    document.body.addEventListener("htmx:pushedIntoHistory", onNavigated);
    document.body.addEventListener("htmx:responseError", onSwapRefused);

    // pagehide fires for every way of leaving, including into the back-forward cache.
    window.addEventListener("pagehide", saveForNextPage);

    registerMediaSession();
    bar.hidden = false;
    restoreSaved();
    updateButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  // A read-only view of the queue and the position, for looking into the player from the
  // console and for the apps' scripts: favorites/hearts.js also asks the player to keep its
  // place before sign-in, and audience/beacons.js reads the position for its pings.
  window.twentytwoPlayer = {
    get queue() {
      return state.queue.slice();
    },
    get index() {
      return state.index;
    },
    get currentTrackId() {
      const track = currentTrack();
      return track ? track.id : null;
    },
    get position() {
      return ui ? ui.audio.currentTime || 0 : 0;
    },
    saveForNextPage: function () {
      if (ui) {
        saveForNextPage();
      }
    },
  };
})();
