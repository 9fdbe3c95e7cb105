/* When the session ends while a page is open (logged out elsewhere, password
 * changed, account deactivated, COCKPIT_SESSION_HOURS passed, wall-screen token
 * revoked), the server answers Dash's requests with 401: go to the login page,
 * back here afterwards, instead of leaving a page that silently stops updating. */
(function () {
  "use strict";

  var originalFetch = window.fetch;
  var leaving = false;

  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && response.url.indexOf("/_dash-") !== -1) {
        if (!leaving) {
          leaving = true;
          window.location.assign(
            "/login?next=" + encodeURIComponent(window.location.pathname + window.location.search)
          );
        }
        // The page is being left: the refused request never settles, so
        // Dash does not report it as a failed callback meanwhile.
        return new Promise(function () {});
      }
      return response;
    });
  };
})();
