/*
 * Cookie choices in the browser: the banner, and the one place scripts ask what is allowed.
 *
 * Pages are the same for every visitor (they stay cookie-free and shareable), so the banner
 * is in every page, hidden, and shown here when the browser has made no choice (no
 * tt_consent cookie) and sends no Global Privacy Control, or when its choice answered the
 * cookie purposes of an older policy version than the banner's data-purposes-version: then
 * it asks once more, and the earlier answer stays in force until the new one. A choice made from the banner is
 * posted with fetch, so the music keeps playing; the answer sets the cookies.
 *
 * window.twentytwoConsent.allows("advertising") is what any advertising partner's code
 * must ask before it loads; it is false until the visitor allows it, and always false
 * under Global Privacy Control. onChange(callback) hears of every new choice.
 */
(function () {
  "use strict";

  const CONSENT = /(?:^|;\s*)tt_consent=([0-9a-f]{32})\.([01])(?:\.([0-9]{1,6}))?(?:;|$)/;
  const COUNTING_OFF = /(?:^|;\s*)tt_count=off(?:;|$)/;
  const listeners = [];

  function globalPrivacyControl() {
    return navigator.globalPrivacyControl === true;
  }

  function purposesAsked() {
    const element = banner();
    return element ? Number(element.dataset.purposesVersion || 0) : 0;
  }

  function state() {
    const consent = CONSENT.exec(document.cookie);
    const gpc = globalPrivacyControl();
    const answered = consent !== null ? Number(consent[3] || 0) : -1;
    return {
      chosen: consent !== null && answered >= purposesAsked(),
      askedAgain: consent !== null && answered < purposesAsked(),
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
      const again = element.querySelector("[data-cookie-banner-again]");
      if (again) {
        again.hidden = !now.askedAgain;
      }
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
