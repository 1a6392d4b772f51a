// The portal's own script. htmx comes from django-htmx; Bootstrap's bundle from django-bootstrap-static.
document.addEventListener("htmx:responseError", function (event) {
  const status = event.detail.xhr.status;
  window.alert(status === 403 ? "Your role does not allow this action." : "The portal could not complete this request (" + status + ").");
});
