// The browser side of sessions (auth/): signing out, and a session that has ended.
(function () {
  // "Sign out" in the navigation bar posts to /logout with the page's CSRF token, so
  // a link or an image on another site (a cross-site GET) can never sign anyone out.
  document.addEventListener(
    "click",
    function (event) {
      const link = event.target.closest && event.target.closest("a.sign-out");
      const meta = document.querySelector('meta[name="csrf-token"]');
      if (!link || !meta) { return; } // without a token: the confirm page
      event.preventDefault();
      const form = document.createElement("form");
      form.method = "POST";
      form.action = link.getAttribute("href");
      const token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = meta.getAttribute("content");
      form.appendChild(token);
      document.body.appendChild(form);
      form.submit();
    },
    true
  );

  // A session ended elsewhere (signed out, a new password, an administrator) makes
  // Dash's requests answer 401: go to the sign-in page rather than stay on a page
  // that no longer answers.
  const fetchFromServer = window.fetch;
  window.fetch = function (input) {
    return fetchFromServer.apply(this, arguments).then(function (response) {
      const url = typeof input === "string" ? input : (input && input.url) || "";
      if (response.status === 401 && url.indexOf("/_dash-") !== -1) {
        const here = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(here));
      }
      return response;
    });
  };
})();
