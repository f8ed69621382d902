/*
 * Ads in the browser: each place on a page ([data-ad-place]) and, every N finished tracks,
 * the player's spot ([data-ad-player]) asks /ads/place/ for the ad of its context.
 *
 * The ask carries no cookie (credentials: "omit") and names only the place, the city and
 * the genre; the server counts it as one impression of that ad, in a sum. An advertiser's
 * own tag (a script from its origin) loads only when window.twentytwoConsent allows
 * "advertising": never before the choice, never under Global Privacy Control. Pages change
 * by swapping <main>, which would carry a loaded tag on to pages without its ad; so once a
 * tag has run, every next page opens as a fresh page (the music stops there, once), and a
 * withdrawn choice takes the tag out of the page and does the same.
 */
(function () {
  "use strict";

  const loadedTags = new Map();
  let finishedTracks = 0;
  // A tag ran in this document: what it left running must not follow to the next page.
  let tagRan = false;

  function allowsAdvertising() {
    const consent = window.twentytwoConsent;
    return Boolean(consent && consent.allows("advertising"));
  }

  function ask(place, city, genre) {
    const params = new URLSearchParams({ place: place });
    if (city) {
      params.set("city", city);
    }
    if (genre) {
      params.set("genre", genre);
    }
    return fetch("/ads/place/?" + params.toString(), {
      credentials: "omit",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { ad: null };
      })
      .then(function (body) {
        return body.ad;
      })
      .catch(function () {
        return null;
      });
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  function draw(slot, ad) {
    slot.replaceChildren();
    const label = element("span", "ad__label", (slot.dataset.textLabel || "Ad") + " · " + ad.by);
    const link = element("a", "ad__link");
    link.href = ad.link;
    link.rel = "sponsored noopener";
    link.target = "_blank";
    link.dataset.adId = String(ad.id);
    if (ad.image) {
      const picture = element("img");
      picture.src = ad.image;
      picture.alt = "";
      link.append(picture);
    }
    const words = element("span", "ad__words");
    words.append(element("span", "ad__headline", ad.headline));
    if (ad.text) {
      words.append(element("span", "ad__text", " " + ad.text));
    }
    link.append(words);
    slot.append(label, link);
    slot.hidden = false;
    delete slot.dataset.adTag;
    if (ad.tag) {
      slot.dataset.adTag = ad.tag;
      loadTag(ad.tag);
    }
  }

  function loadTag(url) {
    if (!allowsAdvertising() || loadedTags.has(url)) {
      return;
    }
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.dataset.adTag = url;
    document.head.append(script);
    loadedTags.set(url, script);
    tagRan = true;
  }

  function removeTags() {
    if (!loadedTags.size) {
      return;
    }
    loadedTags.forEach(function (script) {
      script.remove();
    });
    loadedTags.clear();
  }

  function onPageChange(event) {
    // A swapped-in page would inherit the tag's timers and frames: open it afresh instead.
    const detail = event.detail || {};
    const config = detail.requestConfig || {};
    if (!tagRan || !detail.boosted || (config.verb || "get").toLowerCase() !== "get") {
      return;
    }
    event.preventDefault();
    window.location.assign((detail.pathInfo && detail.pathInfo.requestPath) || config.path);
  }

  function fillPlaces() {
    document.querySelectorAll("[data-ad-place]:not([data-ad-asked])").forEach(function (slot) {
      slot.dataset.adAsked = "true";
      ask(slot.dataset.adPlace, slot.dataset.adCity, slot.dataset.adGenre).then(function (ad) {
        if (ad && ad.format === "display") {
          draw(slot, ad);
        }
      });
    });
  }

  // --- Between tracks ----------------------------------------------------------------

  function playerSpot() {
    return document.querySelector("[data-ad-player]");
  }

  function playSpot(ad) {
    const music = document.getElementById("player-audio");
    const spot = new Audio(ad.audio);
    const wasPlaying = music && !music.paused;
    if (wasPlaying) {
      music.pause();
    }
    spot.addEventListener("ended", function () {
      if (wasPlaying) {
        music.play().catch(function () {});
      }
    });
    spot.play().catch(function () {
      if (wasPlaying) {
        music.play().catch(function () {});
      }
    });
  }

  function onTrackLeft(event) {
    const slot = playerSpot();
    const every = slot ? Number(slot.dataset.adEvery) : 0;
    if (!every || !event.detail.ended) {
      return;
    }
    finishedTracks += 1;
    if (finishedTracks % every !== 0) {
      return;
    }
    ask("player", null, event.detail.track.genreId).then(function (ad) {
      if (!ad) {
        return;
      }
      draw(slot, ad);
      if (ad.format === "audio" && ad.audio) {
        playSpot(ad);
      }
    });
  }

  function onConsentChange(state) {
    if (state.advertising) {
      document.querySelectorAll("[data-ad-tag]").forEach(function (slot) {
        if (slot.tagName !== "SCRIPT") {
          loadTag(slot.dataset.adTag);
        }
      });
    } else {
      removeTags();
    }
  }

  function start() {
    fillPlaces();
    if (window.twentytwoConsent) {
      window.twentytwoConsent.onChange(onConsentChange);
    }
  }

  document.addEventListener("twentytwo:leave", onTrackLeft);
  // Pages change by swapping <main>: ask for the new page's places once it is in.
  document.addEventListener("htmx:afterSettle", fillPlaces);
  document.addEventListener("htmx:beforeRequest", onPageChange);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
