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

/* A formula and the punctuation right after it stay on one line: KaTeX
   sets formulas as inline blocks, after which a line may break, so a
   comma could start the next line. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("article span.math").forEach(function (m) {
    var next = m.nextSibling;
    if (!next || next.nodeType !== 3) { return; }
    var match = /^[,.;:!?)\]\u2019]+/.exec(next.data);
    if (!match) { return; }
    var keep = document.createElement("span");
    keep.className = "math-nobreak";
    m.parentNode.insertBefore(keep, m);
    keep.appendChild(m);
    keep.appendChild(document.createTextNode(match[0]));
    next.data = next.data.slice(match[0].length);
  });
});
