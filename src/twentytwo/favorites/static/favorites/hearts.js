/*
 * Hearts: favorite a track or a genre from any list, the track page or the player bar.
 *
 * A press never reloads the page: it asks /api/me/favorites with fetch and redraws every
 * heart for the same track or genre, the one in the player bar included. Pages draw their
 * hearts pressed or not on the server; this script keeps what it has learnt since, for
 * pages htmx brings back from its history.
 *
 * A listener who is not signed in is invited to sign in. The heart waits in sessionStorage
 * and is applied on the first page load after sign-in; the player keeps its place over
 * the round trip (player.js).
 */
(function () {
  "use strict";

  const PENDING_KEY = "twentytwo.favorites.pending";
  const known = new Map(); // "track:12" -> true/false, as last heard from the server

  function keyOf(kind, id) {
    return kind + ":" + id;
  }

  function access() {
    const dialog = document.getElementById("heart-dialog");
    return (dialog && dialog.dataset.favorites) || "anonymous";
  }

  function csrfToken() {
    const meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.content : "";
  }

  function heartsFor(kind, id) {
    return Array.from(document.querySelectorAll("[data-heart]")).filter(function (button) {
      return button.dataset.heartKind === kind && button.dataset.heartId === String(id);
    });
  }

  function draw(kind, id, pressed) {
    heartsFor(kind, id).forEach(function (button) {
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    });
  }

  function learnFromPage(root) {
    // A freshly rendered page is the server's word: believe it over what was known.
    root.querySelectorAll("[data-heart]").forEach(function (button) {
      if (button.id !== "player-heart" && button.dataset.heartId) {
        known.set(
          keyOf(button.dataset.heartKind, button.dataset.heartId),
          button.getAttribute("aria-pressed") === "true"
        );
      }
    });
  }

  function drawKnown() {
    document.querySelectorAll("[data-heart]").forEach(function (button) {
      const key = keyOf(button.dataset.heartKind, button.dataset.heartId);
      if (known.has(key)) {
        button.setAttribute("aria-pressed", known.get(key) ? "true" : "false");
      }
    });
  }

  // --- The player bar's heart ---------------------------------------------------------

  function followTrack(id) {
    const button = document.getElementById("player-heart");
    if (!button) {
      return;
    }
    if (!id) {
      button.hidden = true;
      return;
    }
    button.dataset.heartId = String(id);
    button.setAttribute("aria-pressed", known.get(keyOf("track", id)) ? "true" : "false");
    button.hidden = false;
  }

  // --- The dialog -------------------------------------------------------------------

  function openDialog(mode) {
    const dialog = document.getElementById("heart-dialog");
    if (!dialog) {
      return;
    }
    dialog.querySelectorAll("[data-when]").forEach(function (element) {
      element.hidden = element.dataset.when !== mode;
    });
    if (!dialog.open) {
      dialog.showModal();
    }
  }

  function closeDialog() {
    const dialog = document.getElementById("heart-dialog");
    if (dialog && dialog.open) {
      dialog.close();
    }
  }

  // --- Talking to the API -----------------------------------------------------------

  function send(kind, id, pressed) {
    const url = document.getElementById("heart-dialog").dataset.favoritesUrl;
    const init = {
      method: pressed ? "POST" : "DELETE",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    };
    let address = url;
    if (pressed) {
      init.headers["Content-Type"] = "application/json";
      const body = {};
      body[kind] = Number(id);
      init.body = JSON.stringify(body);
    } else {
      address = url + "?" + encodeURIComponent(kind) + "=" + encodeURIComponent(id);
    }
    return fetch(address, init).then(function (response) {
      // Taking off a heart that is already gone leaves the wished-for state: fine.
      if (response.ok || (!pressed && response.status === 404)) {
        return "ok";
      }
      return response.status === 403 ? "refused" : "error";
    });
  }

  function toggle(kind, id, pressed) {
    const key = keyOf(kind, id);
    const before = known.has(key) ? known.get(key) : !pressed;
    known.set(key, pressed);
    draw(kind, id, pressed);
    return send(kind, id, pressed)
      .catch(function () {
        return "error";
      })
      .then(function (outcome) {
        if (outcome !== "ok") {
          known.set(key, before);
          draw(kind, id, before);
          openDialog(outcome);
        }
        return outcome;
      });
  }

  function rememberPending(kind, id) {
    try {
      window.sessionStorage.setItem(PENDING_KEY, JSON.stringify({ kind: kind, id: id }));
    } catch (error) {
      // Without storage the heart is simply pressed again after signing in.
    }
  }

  function takePending() {
    try {
      const raw = window.sessionStorage.getItem(PENDING_KEY);
      if (!raw) {
        return null;
      }
      window.sessionStorage.removeItem(PENDING_KEY);
      const pending = JSON.parse(raw);
      return pending && (pending.kind === "track" || pending.kind === "genre") && pending.id
        ? pending
        : null;
    } catch (error) {
      return null;
    }
  }

  function applyPending() {
    if (access() === "anonymous") {
      return; // still waiting for the sign-in
    }
    const pending = takePending();
    if (!pending) {
      return;
    }
    if (access() === "refused") {
      openDialog("refused");
      return;
    }
    toggle(pending.kind, String(pending.id), true);
  }

  // --- Wiring -----------------------------------------------------------------------

  function pointAtThisPage(link) {
    // The header is not swapped with <main>: send the listener back to the page they see.
    const url = new URL(link.getAttribute("href"), window.location.href);
    url.searchParams.set("next", window.location.pathname + window.location.search);
    link.setAttribute("href", url.pathname + url.search);
  }

  function onClick(event) {
    const signIn = event.target.closest("[data-sign-in]");
    if (signIn) {
      pointAtThisPage(signIn);
      if (window.twentytwoPlayer) {
        window.twentytwoPlayer.saveForNextPage();
      }
      return;
    }
    if (event.target.closest("[data-dialog-close]")) {
      closeDialog();
      return;
    }
    const button = event.target.closest("[data-heart]");
    if (!button || !button.dataset.heartId) {
      return;
    }
    event.preventDefault();
    const kind = button.dataset.heartKind;
    const id = button.dataset.heartId;
    if (access() === "anonymous") {
      rememberPending(kind, id);
      openDialog("anonymous");
      return;
    }
    if (access() === "refused") {
      openDialog("refused");
      return;
    }
    toggle(kind, id, button.getAttribute("aria-pressed") !== "true");
  }

  function init() {
    const barHeart = document.getElementById("player-heart");
    const listed = barHeart ? (barHeart.dataset.favoriteTracks || "").split(",") : [];
    listed.forEach(function (id) {
      if (id) {
        known.set(keyOf("track", id), true);
      }
    });
    learnFromPage(document);
    document.addEventListener("click", onClick);
    document.addEventListener("twentytwo:track", function (event) {
      followTrack(event.detail && event.detail.id);
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      learnFromPage(event.target || document);
      drawKnown();
    });
    document.body.addEventListener("htmx:historyRestore", drawKnown);
    // player.js may have restored a track before this script ran.
    followTrack(window.twentytwoPlayer && window.twentytwoPlayer.currentTrackId);
    applyPending();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
