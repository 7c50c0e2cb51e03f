// A table wider than the column scrolls in its own box (the notation page's, on a
// phone). This marks the box with the sides past which the table
// goes on (more-left, more-right), and _static/book.css fades the table out at those
// sides, so a reader sees that it scrolls before trying. Nothing changes for a table
// that fits.
(function () {
  function mark(box) {
    const overflow = box.scrollWidth - box.clientWidth;
    const rest = overflow - box.scrollLeft;
    box.classList.toggle("more-left", box.scrollLeft > 1);
    box.classList.toggle("more-right", rest > 1);
    // the fade is no wider than what lies past the edge: a table 16 px too wide
    // fades 16 px, not letters a reader could otherwise see
    box.style.setProperty("--fade", Math.min(32, Math.max(overflow, 0)) + "px");
  }
  function start() {
    document
      .querySelectorAll("article .pst-scrollable-table-container")
      .forEach(function (box) {
        box.addEventListener("scroll", function () { mark(box); }, { passive: true });
        // the box's width, and the table's (MathJax typesets its formulas later)
        const watch = new ResizeObserver(function () { mark(box); });
        watch.observe(box);
        Array.from(box.children).forEach(function (table) { watch.observe(table); });
        mark(box);
      });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
