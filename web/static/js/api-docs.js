// Swagger UI for /api/openapi.json, from our own static files.
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  if (!box || typeof window.SwaggerUIBundle !== "function") { return; }
  window.SwaggerUIBundle({ url: box.getAttribute("data-spec"), domNode: box, deepLinking: false });
})();
