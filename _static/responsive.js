/* Tables that become cards on a phone (see responsive.css): each cell
   learns the name of its column. A table with more than two columns is
   a candidate; narrow ones stay tables. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("article table.table").forEach(function (t) {
    var heads = Array.prototype.map.call(
      t.querySelectorAll("thead th"),
      function (th) { return th.textContent.trim(); });
    if (heads.length < 3) { return; }
    t.classList.add("cards");
    t.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (heads[i]) { td.setAttribute("data-label", heads[i]); }
      });
    });
  });
});
