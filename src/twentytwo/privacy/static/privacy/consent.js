/*
 * Cookie choices in the browser: the banner, and the one place scripts ask what is allowed.
 *
 * Pages are the same for every visitor (they stay cookie-free and shareable), so the banner
 * is in every page, hidden, and shown here when the browser has made no choice (no
 * tt_consent cookie) and sends no Global Privacy Control. A choice made from the banner is
 * posted with fetch, so the music keeps playing; the answer sets the cookies.
 *
 * window.twentytwoConsent.allows("advertising") is what any advertising partner's code
 * must ask before it loads; it is false until the visitor allows it, and always false
 * under Global Privacy Control. onChange(callback) hears of every new choice.
 */
(function () {
  "use strict";

  const CONSENT = /(?:^|;\s*)tt_consent=([0-9a-f]{32})\.([01])(?:;|$)/;
  const COUNTING_OFF = /(?:^|;\s*)tt_count=off(?:;|$)/;
  const listeners = [];

  function globalPrivacyControl() {
    return navigator.globalPrivacyControl === true;
  }

  function state() {
    const consent = CONSENT.exec(document.cookie);
    const gpc = globalPrivacyControl();
    return {
      chosen: consent !== null,
      audienceStatistics: !gpc && !COUNTING_OFF.test(document.cookie),
      advertising: !gpc && consent !== null && consent[2] === "1",
      globalPrivacyControl: gpc,
    };
  }

  function allows(purpose) {
    const now = state();
    if (purpose === "essential") {
      return true;
    }
    if (purpose === "audience_statistics") {
      return now.audienceStatistics;
    }
    return purpose === "advertising" ? now.advertising : false;
  }

  function announce() {
    const now = state();
    listeners.forEach(function (callback) {
      try {
        callback(now);
      } catch (error) {
        // One listener's mistake must not keep the news from the others.
      }
    });
  }

  function banner() {
    return document.querySelector("[data-cookie-banner]");
  }

  function drawBanner() {
    const element = banner();
    if (element) {
      const now = state();
      element.hidden = now.chosen || now.globalPrivacyControl;
    }
  }

  function submitWithoutScript(form, submitter) {
    form.dataset.plain = "true";
    form.requestSubmit(submitter || undefined);
  }

  function onSubmit(event) {
    const form = event.target.closest("[data-cookie-banner-form]");
    if (!form || form.dataset.plain === "true") {
      return;
    }
    event.preventDefault();
    const submitter = event.submitter;
    const body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) {
      body.set(submitter.name, submitter.value);
    }
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("choice not recorded: " + response.status);
        }
        drawBanner();
        announce();
      })
      .catch(function () {
        // The ordinary form post shows the reason on the choices page.
        submitWithoutScript(form, submitter);
      });
  }

  window.twentytwoConsent = {
    state: state,
    allows: allows,
    onChange: function (callback) {
      listeners.push(callback);
    },
  };

  document.addEventListener("submit", onSubmit);
  // The choices page is reached with htmx; a choice saved there is news to the banner too.
  document.addEventListener("htmx:afterSettle", function () {
    drawBanner();
    announce();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawBanner);
  } else {
    drawBanner();
  }
})();
