// Live preview (python build.py serve only): reload when the site was rebuilt
// or its problems were fixed. The server counts builds at /__zwgk__/build.
(function () {
  var seen = null;
  function poll() {
    fetch("/__zwgk__/build", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (seen !== null && state.generation !== seen) {
          location.reload();
          return;
        }
        seen = state.generation;
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
