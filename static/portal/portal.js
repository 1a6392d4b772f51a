// The portal's own script. htmx comes from django-htmx; Bootstrap's bundle from django-bootstrap-static.
// A refusal answers 400 with the part to show again, its message included: a list refusing its filters (its
// table saying why, nothing listed) and a refused action where the target shows refusals (the board). Swap it
// in rather than treating it as a failed request.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status !== 400) { return; }
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  const fromFilters = source && source.closest && source.closest("form.filter-form");
  if (fromFilters || event.detail.target.hasAttribute("data-shows-refusals")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
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

// The board: dragging a card onto a column moves it through the card's own form (the keyboard path),
// so both ways run the same request and the same checks.
document.addEventListener("dragstart", function (event) {
  const card = event.target.closest && event.target.closest("[data-move-form]");
  if (card) { event.dataTransfer.setData("text/plain", card.dataset.moveForm); }
});
document.addEventListener("dragover", function (event) {
  const column = event.target.closest && event.target.closest("[data-board] [data-stage]");
  if (column) { event.preventDefault(); column.classList.add("drop-target"); }
});
document.addEventListener("dragleave", function (event) {
  const column = event.target.closest && event.target.closest("[data-stage]");
  if (column) { column.classList.remove("drop-target"); }
});
document.addEventListener("drop", function (event) {
  const column = event.target.closest && event.target.closest("[data-board] [data-stage]");
  const form = column && document.getElementById(event.dataTransfer.getData("text/plain"));
  if (!form) { return; }
  event.preventDefault();
  column.classList.remove("drop-target");
  if (column.dataset.refusal) {
    // A workflow's column (Pre-start, Hired): no card is moved there by hand; the server wrote why.
    const refusal = document.querySelector("[data-board-refusal]");
    refusal.textContent = column.dataset.refusal;
    refusal.hidden = false;
    return;
  }
  form.querySelector("select[name=stage]").value = column.dataset.stage;
  form.requestSubmit();
});
