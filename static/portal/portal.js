// The portal's own script. htmx comes from django-htmx; Bootstrap's bundle from django-bootstrap-static.
document.addEventListener("htmx:responseError", function (event) {
  const status = event.detail.xhr.status;
  window.alert(status === 403 ? "Your role does not allow this action." : "The portal could not complete this request (" + status + ").");
});

// Wide tables that scroll sideways (the spend ledger) open on the current column, not the oldest one.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-scroll-to]").forEach(function (box) {
    const target = box.querySelector(box.dataset.scrollTo);
    const sticky = box.querySelector(".sticky-end");
    if (target) {
      box.scrollLeft = target.offsetLeft - (sticky ? sticky.offsetLeft + sticky.offsetWidth : 0);
    }
  });
});
