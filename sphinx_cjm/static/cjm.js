/* sphinx_cjm: a shadow at the cut edge of a journey table wider than its box, so a reader sees
   there is more to scroll to (classes cjm-more-left / cjm-more-right on the table's wrapper). */
(function () {
  function scroller(wrapper) {
    var table = wrapper.querySelector("table.cjm-journey-table");
    for (var el = table && table.parentElement; el && el !== wrapper.parentElement; el = el.parentElement) {
      if (el.scrollWidth > el.clientWidth + 1) return el;
    }
    return wrapper;
  }
  function update(wrapper, box) {
    wrapper.classList.toggle("cjm-more-left", box.scrollLeft > 1);
    wrapper.classList.toggle("cjm-more-right", box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
  }
  function init() {
    document.querySelectorAll(".cjm-journey-table-wrapper").forEach(function (wrapper) {
      var box = scroller(wrapper);
      box.addEventListener("scroll", function () { update(wrapper, box); }, { passive: true });
      window.addEventListener("resize", function () { update(wrapper, scroller(wrapper)); });
      update(wrapper, box);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
