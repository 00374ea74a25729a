/* Tables that become cards on a phone (see responsive.css): each cell
   gets the name of its column as a label. A table with more than two
   columns is a candidate; narrow ones stay tables. The label is a copy
   of the header cell itself, so a formula in it stays a typeset formula
   (its text alone would repeat KaTeX's hidden MathML and TeX source);
   data-label keeps the plain reading of it for scripts and tests. */
document.addEventListener("DOMContentLoaded", function () {
  function plain(th) {
    var copy = th.cloneNode(true);
    copy.querySelectorAll(".katex-mathml, .headerlink").forEach(
      function (e) { e.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  document.querySelectorAll("article table.table").forEach(function (t) {
    var heads = Array.prototype.slice.call(t.querySelectorAll("thead th"));
    if (heads.length < 3) { return; }
    t.classList.add("cards");
    t.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        var th = heads[i];
        if (!th || !plain(th)) { return; }
        td.setAttribute("data-label", plain(th));
        var label = document.createElement("span");
        label.className = "card-label";
        label.setAttribute("aria-hidden", "true");
        Array.prototype.forEach.call(th.childNodes, function (n) {
          label.appendChild(n.cloneNode(true));
        });
        td.insertBefore(label, td.firstChild);
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
