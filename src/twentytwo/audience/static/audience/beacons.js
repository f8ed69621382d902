/*
 * Listening statistics: what the player plays, reported to /api/events.
 *
 * The player (web/player.js) says what it does through events on document; this script
 * turns them into the events of the ratings (start, a ping a minute, pause, resume, seek,
 * skip, end, stop), as about.html#listening-statistics explains. Each carries a random id
 * so that a resent batch counts once. They carry no user: a signed-in listener sends
 * exactly what an anonymous one does. Nothing is sent when the visitor switched counting
 * off (the tt_count cookie) or the browser sends Global Privacy Control.
 */
(function () {
  "use strict";

  const EVENTS_URL = "/api/events";
  const PING_EVERY_MS = 60 * 1000;
  // Events wait this long for company, so a pause and a resume travel together.
  const FLUSH_AFTER_MS = 3000;
  const MAX_BATCH = 50;
  // Told to slow down (429), the script keeps the batch and tries again this much later,
  // holding at most MAX_KEPT events: beyond that the oldest go.
  const RETRY_AFTER_MS = 30000;
  const MAX_KEPT = 200;
  // What is playing: the track the player last spoke of, and whether it started and plays.
  const now = { track: null, position: 0, started: false, playing: false };
  const beacons = { pending: [], timer: null, ping: null };

  function countingOff() {
    return (
      navigator.globalPrivacyControl === true || /(?:^|;\s*)tt_count=off(?:;|$)/.test(document.cookie)
    );
  }

  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function record(type, track, position) {
    if (!track || !track.genreId || countingOff()) {
      return;
    }
    const last = beacons.pending[beacons.pending.length - 1];
    if (type === "seek" && last && last.type === "seek" && last.track === parseInt(track.id, 10)) {
      // Dragging the seek bar moves many times a second; where it let go is the news.
      beacons.pending.pop();
    }
    beacons.pending.push({
      id: randomId(),
      type: type,
      genre: parseInt(track.genreId, 10),
      track: parseInt(track.id, 10),
      position: Math.max(Math.round((Number.isFinite(position) ? position : 0) * 10) / 10, 0),
      client_time: new Date().toISOString(),
    });
    flushLater(FLUSH_AFTER_MS);
  }

  function flushLater(delay) {
    if (beacons.timer === null) {
      beacons.timer = window.setTimeout(function () {
        flushEvents(false);
      }, delay);
    }
  }

  function sendBatch(events, leaving, retry) {
    const body = JSON.stringify({ events: events });
    if (leaving && navigator.sendBeacon) {
      // The page is going away: only a beacon is sure to leave with it.
      navigator.sendBeacon(EVENTS_URL, new Blob([body], { type: "application/json" }));
      return;
    }
    fetch(EVENTS_URL, {
      method: "POST",
      body: body,
      headers: { "Content-Type": "application/json" },
      keepalive: true,
      credentials: "same-origin",
    })
      .then(function (response) {
        if (response.status === 429) {
          beacons.pending = events.concat(beacons.pending).slice(-MAX_KEPT);
          flushLater(RETRY_AFTER_MS);
        }
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        // The first batch of a new listener comes back unstored with a fresh cookie; sent
        // once more it counts. A browser that refuses the cookie is not counted at all.
        if (retry && answer && answer.dropped && answer.dropped.no_listener) {
          sendBatch(events, false, false);
        }
      })
      .catch(function () {
        // Statistics never get in the way of the music.
      });
  }

  function flushEvents(leaving) {
    window.clearTimeout(beacons.timer);
    beacons.timer = null;
    while (beacons.pending.length) {
      sendBatch(beacons.pending.splice(0, MAX_BATCH), leaving, true);
    }
  }

  function stopPinging() {
    window.clearInterval(beacons.ping);
    beacons.ping = null;
  }

  // Each handler first notes where the player is, from the event's detail.
  function follow(handler) {
    return function (event) {
      const detail = event.detail || {};
      now.track = detail.track || now.track;
      now.position = detail.position || 0;
      handler(detail);
    };
  }

  function onPlaying() {
    if (!now.started) {
      now.started = true;
      record("start", now.track, now.position);
    } else if (!now.playing) {
      record("resume", now.track, now.position);
    }
    now.playing = true;
    if (beacons.ping === null) {
      beacons.ping = window.setInterval(function () {
        const player = window.twentytwoPlayer;
        record("ping", now.track, player ? player.position : now.position);
      }, PING_EVERY_MS);
    }
  }

  function onPause(detail) {
    stopPinging();
    // A track that ends pauses too; "end" says more.
    if (now.playing && !detail.ended) {
      record("pause", now.track, now.position);
    }
    now.playing = false;
  }

  function onEnded() {
    stopPinging();
    if (now.started) {
      record("end", now.track, now.position);
    }
    now.started = false;
    now.playing = false;
  }

  function onSeek() {
    if (now.started) {
      record("seek", now.track, now.position);
    }
  }

  // The player moves on from a track: a listener who leaves it mid-track skipped it.
  function onLeave(detail) {
    stopPinging();
    if (now.started && !detail.ended) {
      record("skip", now.track, now.position);
    }
    now.started = false;
    now.playing = false;
  }

  function onPageHide() {
    if (now.started) {
      const player = window.twentytwoPlayer;
      record("stop", now.track, player ? player.position : now.position);
    }
    flushEvents(true);
  }

  document.addEventListener("twentytwo:playing", follow(onPlaying));
  document.addEventListener("twentytwo:pause", follow(onPause));
  document.addEventListener("twentytwo:ended", follow(onEnded));
  document.addEventListener("twentytwo:seek", follow(onSeek));
  document.addEventListener("twentytwo:leave", follow(onLeave));
  window.addEventListener("pagehide", onPageHide);
  // A hidden tab may never come back: send what is waiting while it still can.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flushEvents(true);
    }
  });
})();
