/* The outlier explorer, computed in the page.

   Explained in the chapter "An outlier kills a neuron"; the page fragment
   around it is written by relu_notes.explorer.OutlierExplorer.page_html,
   which exports the ordinary data rows and the settled parameters of the
   neuron as JSON. Every input event recomputes, in plain arithmetic:

     x_o   = the example x with feature i set to the outlier size s
     g     = loss'(relu(z_o) - y_o) relu'(z_o)      (gradient at the ReLU)
     w', b' = w - lr g x_o, b - lr g                 (one SGD step)
     z'(x) = x . w' + b'  on every ordinary row
           = z(x) - lr g            (bias part)
                  - lr g x_o . x    (weight part)
     s*    = smallest s that leaves z' <= 0 on every row (bisection in
             log s, as relu_notes.outlier.critical_size)

   and redraws two SVG charts sized in CSS pixels (sharp on any screen).
   No library, no network. */
(function () {
  "use strict";

  var MINUS = "\u2212";
  var SUP = {"-": "\u207b", "0": "\u2070", "1": "\u00b9", "2": "\u00b2",
             "3": "\u00b3", "4": "\u2074", "5": "\u2075", "6": "\u2076",
             "7": "\u2077", "8": "\u2078", "9": "\u2079"};
  var SVGNS = "http://www.w3.org/2000/svg";

  /* A number as a reader writes it: 3 significant digits, a true minus
     sign, "a x 10^n" outside [0.01, 1000). Mirrors
     relu_notes.explorer.human_number. */
  function human(x, digits) {
    digits = digits || 3;
    if (x === 0) { return "0"; }
    if (!isFinite(x)) { return (x < 0 ? MINUS : "") + "\u221e"; }
    var a = Math.abs(x), sign = x < 0 ? MINUS : "";
    if (a >= 0.01 && a < 1000) {
      var s = a.toPrecision(digits);
      if (s.indexOf("e") < 0) { return sign + s; }
    }
    var parts = a.toExponential(digits - 1).split("e");
    var exp = String(parseInt(parts[1], 10)).split("").map(function (c) {
      return SUP[c];
    }).join("");
    return sign + parts[0] + " \u00d7 10" + exp;
  }
  /* Axis labels: powers of ten as 10^n, 1 and 0.1 as plain numbers. */
  function decade(k) {
    if (k === 0) { return "1"; }
    if (k === 1) { return "10"; }
    if (k === 2) { return "100"; }
    if (k === -1) { return "0.1"; }
    if (k === -2) { return "0.01"; }
    return "10" + String(k).split("").map(function (c) {
      return SUP[c];
    }).join("");
  }

  function dot(a, b) {
    var s = 0;
    for (var j = 0; j < a.length; j++) { s += a[j] * b[j]; }
    return s;
  }

  function Explorer(root) {
    var D = JSON.parse(root.querySelector("script.ox-data").textContent);
    var q = function (sel) { return root.querySelector(sel); };
    var qa = function (sel) {
      return Array.prototype.slice.call(root.querySelectorAll(sel));
    };
    var dloss = {
      mse: function (r) { return 2 * r; },
      mae: function (r) { return r > 0 ? 1 : (r < 0 ? -1 : 0); },
      huber: function (r) {
        return Math.min(Math.max(r, -D.delta), D.delta);
      }
    };
    /* Each input kind: its data, and z before the step (fixed). */
    D.kinds.forEach(function (k) {
      var S = D.setups[k];
      S.z = S.X.map(function (x) { return dot(x, S.w) + S.b; });
    });

    function gradient(S, xo, loss) {
      var zo = dot(xo, S.w) + S.b;
      return zo > 0 ? dloss[loss](zo - S.y_o) : 0;
    }
    function outlier(S, s) {
      var xo = S.x.slice();
      xo[S.feature] = s;
      return xo;
    }
    /* One SGD step on the outlier, as Neuron.step. */
    function step(S, s, lr, loss) {
      var xo = outlier(S, s), g = gradient(S, xo, loss);
      var w = S.w.map(function (wj, j) { return wj - lr * (g * xo[j]); });
      var b = S.b - lr * g;
      var zAfter = S.X.map(function (x) { return dot(x, w) + b; });
      var active = 0;
      for (var i = 0; i < zAfter.length; i++) {
        if (zAfter[i] > 0) { active++; }
      }
      return {xo: xo, g: g, w: w, b: b, zAfter: zAfter, active: active};
    }
    function activeAfter(S, s, lr, loss) {
      var xo = outlier(S, s), lrg = lr * gradient(S, xo, loss), n = 0;
      for (var i = 0; i < S.X.length; i++) {
        if (S.z[i] - lrg * (dot(xo, S.X[i]) + 1) > 0) { n++; }
      }
      return n;
    }
    function deadAt(S, s, lr, loss) {
      return activeAfter(S, s, lr, loss) === 0;
    }
    /* outlier.critical_size: bisection in log s over [1e-3, 1e12]. */
    function criticalSize(S, lr, loss) {
      var lo = Math.log(D.bounds[0]), hi = Math.log(D.bounds[1]);
      var deadLo = deadAt(S, Math.exp(lo), lr, loss);
      var deadHi = deadAt(S, Math.exp(hi), lr, loss);
      for (var k = 0; k < D.iters; k++) {
        var mid = 0.5 * (lo + hi);
        if (deadAt(S, Math.exp(mid), lr, loss)) { hi = mid; } else { lo = mid; }
      }
      if (!deadHi) { return Infinity; }
      return deadLo ? D.bounds[0] : Math.exp(hi);
    }

    var size = q("input.ox-size"), rate = q("input.ox-lr");
    var sweepBtn = q("button.ox-sweep");
    var status = q(".ox-status");
    var timing = {n: 0, total: 0, max: 0, last: 0};
    root.oxTiming = timing;

    function settings() {
      var loss = (q("input.ox-loss:checked") || {}).value || D.loss;
      var kind = (q("input.ox-kind:checked") || {}).value || D.kinds[0];
      return {
        s: Math.pow(10, +size.value), lr: Math.pow(10, +rate.value),
        loss: loss, kind: kind
      };
    }
    function set(name, text) {
      qa("[data-ox='" + name + "']").forEach(function (e) {
        e.textContent = text;
      });
    }
    /* Position of a value on a range control, as a CSS length. */
    function onTrack(input, v) {
      var f = (v - +input.min) / (+input.max - +input.min);
      return "calc(var(--ox-thumb) / 2 + (100% - var(--ox-thumb)) * " +
        Math.min(Math.max(f, 0), 1).toFixed(4) + ")";
    }

    function el(tag, attrs, text) {
      var e = document.createElementNS(SVGNS, tag);
      for (var a in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, a)) {
          e.setAttribute(a, attrs[a]);
        }
      }
      if (text !== undefined) { e.textContent = text; }
      return e;
    }
    /* Chart widths are measured when the figure is laid out or resized,
       never during an update (a read would force a layout each time). */
    var widths = new Map();
    function measure() {
      qa(".ox-strips, .ox-curve").forEach(function (box) {
        widths.set(box, Math.max(240, Math.floor(box.clientWidth)));
      });
    }
    function sizedSvg(box, height, label) {
      var width = widths.get(box) || 240;
      var svg = el("svg", {width: width, height: height, role: "img",
                           "aria-label": label,
                           viewBox: "0 0 " + width + " " + height});
      box.replaceChildren(svg);
      return {svg: svg, width: width};
    }
    /* Symmetric log: linear for |z| < 1, then one unit per decade. */
    function symlog(z) {
      var a = Math.abs(z), t = a < 1 ? a : 1 + Math.log10(a);
      return z < 0 ? -t : t;
    }
    /* Markers of one kind go into one path: a circle (active) or a
       cross (inactive) per row. Hundreds of rows cost two elements. */
    function circleD(x, y) {
      var r = 3.6;
      return "M" + (x - r).toFixed(1) + " " + y.toFixed(1) + "a" + r +
        " " + r + " 0 1 0 " + 2 * r + " 0a" + r + " " + r + " 0 1 0 " +
        (-2 * r) + " 0";
    }
    function crossD(x, y) {
      var d = 3.4;
      return "M" + (x - d).toFixed(1) + " " + (y - d).toFixed(1) + "l" +
        2 * d + " " + 2 * d + "m0 " + (-2 * d) + "l" + (-2 * d) + " " +
        2 * d;
    }
    function Marks() { this.alive = []; this.dead = []; }
    Marks.prototype.add = function (x, y, alive) {
      if (alive) { this.alive.push(circleD(x, y)); } else {
        this.dead.push(crossD(x, y));
      }
    };
    Marks.prototype.draw = function (svg, extra) {
      if (this.alive.length) {
        svg.appendChild(el("path", {d: this.alive.join(""),
          "class": "ox-alive" + (extra || "")}));
      }
      if (this.dead.length) {
        svg.appendChild(el("path", {d: this.dead.join(""),
          "class": "ox-dead" + (extra || "")}));
      }
    };
    function jitter(i) {
      var s = Math.sin(i * 12.9898 + 1.7) * 43758.5453;
      return s - Math.floor(s) - 0.5;
    }

    /* The main chart: z of every ordinary row before and after the step,
       and for the highlighted rows the move split into its two parts. */
    function drawStrips(S, st, lr) {
      var H = 300, box = q(".ox-strips");
      var c = sizedSvg(box, H, "Pre-activations of the " + S.X.length +
        " ordinary rows before and after the step");
      var svg = c.svg, W = c.width, left = 16, right = W - 16;
      var lo = -1, hi = 1;
      S.z.concat(st.zAfter).forEach(function (z) {
        var t = symlog(z);
        if (t < lo) { lo = t; }
        if (t > hi) { hi = t; }
      });
      lo = Math.floor(lo); hi = Math.ceil(hi);
      var X = function (z) {
        return left + (symlog(z) - lo) / (hi - lo) * (right - left);
      };
      var yB = 52, yA = 214, band = 36, lane0 = 102, laneGap = 26;
      var axisY = 248;
      svg.appendChild(el("text", {x: left, y: 20, "class": "ox-label"},
        "before the step"));
      svg.appendChild(el("text", {x: left, y: yA - band / 2 - 8,
        "class": "ox-label"}, "after the step"));
      svg.appendChild(el("line", {x1: X(0), x2: X(0), y1: 26, y2: axisY,
        "class": "ox-zero"}));
      svg.appendChild(el("line", {x1: left, x2: right, y1: axisY,
        y2: axisY, "class": "ox-axis"}));
      /* ticks: 0 and +-10^k, thinned to keep 56 px between labels */
      var ticks = [0];
      for (var t = 1; t <= Math.max(hi, -lo); t++) {
        if (t <= hi) { ticks.push(t); }
        if (-t >= lo) { ticks.push(-t); }
      }
      var per = (right - left) / (hi - lo), stepT = 1;
      while (per * stepT < 56) { stepT++; }
      ticks.forEach(function (t) {
        if (t % stepT !== 0) { return; }
        var x = left + (t - lo) * per;
        var lab = t === 0 ? "0" : (t < 0 ? MINUS : "") + decade(
          Math.abs(t) - 1);
        svg.appendChild(el("line", {x1: x, x2: x, y1: axisY,
          y2: axisY + 5, "class": "ox-axis"}));
        svg.appendChild(el("text", {x: x, y: axisY + 20,
          "class": "ox-tick", "text-anchor": "middle"}, lab));
      });
      svg.appendChild(el("text", {x: (left + right) / 2, y: axisY + 42,
        "class": "ox-label", "text-anchor": "middle"},
        "pre-activation z (symmetric log scale)"));
      var hl = {};
      D.highlight[D.kinds.indexOf(st.kind)].forEach(function (i, k) {
        hl[i] = k;
      });
      var marks = new Marks(), hlMarks = new Marks();
      for (var i = 0; i < S.z.length; i++) {
        if (hl[i] !== undefined) { continue; }
        marks.add(X(S.z[i]), yB + band * jitter(i), S.z[i] > 0);
        marks.add(X(st.zAfter[i]), yA + band * jitter(i),
                  st.zAfter[i] > 0);
      }
      marks.draw(svg);
      /* highlighted rows: bias part, then weight part, in a lane each */
      var lrg = lr * st.g;
      Object.keys(hl).forEach(function (key) {
        var i = +key, k = hl[i], name = D.letters[k];
        var z = S.z[i], zb = z - lrg, zn = st.zAfter[i];
        var y = lane0 + k * laneGap;
        svg.appendChild(el("line", {x1: X(z), x2: X(z), y1: yB,
          y2: y, "class": "ox-guide"}));
        svg.appendChild(el("line", {x1: X(zn), x2: X(zn), y1: y,
          y2: yA, "class": "ox-guide"}));
        svg.appendChild(el("line", {x1: X(z), x2: X(zb), y1: y, y2: y,
          "class": "ox-bias"}));
        svg.appendChild(el("line", {x1: X(zb), x2: X(zn), y1: y, y2: y,
          "class": "ox-weight"}));
        hlMarks.add(X(z), yB, z > 0);
        hlMarks.add(X(zn), yA, zn > 0);
        var tx = X(z) + (X(zn) < X(z) ? 8 : -8);
        svg.appendChild(el("text", {x: tx, y: yB - 8, "class": "ox-letter",
          "text-anchor": X(zn) < X(z) ? "start" : "end"}, name));
        svg.appendChild(el("text", {x: X(zn) + (X(zn) < X(z) ? -8 : 8),
          y: yA + 24, "class": "ox-letter",
          "text-anchor": X(zn) < X(z) ? "end" : "start"}, name + "\u2032"));
      });
      hlMarks.draw(svg, " ox-hl");
    }

    /* Rows active after the step at 101 sizes over the size control. */
    function activeCurve(S, lr, loss) {
      var l0 = +size.min, l1 = +size.max, out = [];
      for (var j = 0; j <= 100; j++) {
        var lj = l0 + (l1 - l0) * j / 100;
        out.push([lj, activeAfter(S, Math.pow(10, lj), lr, loss)]);
      }
      return out;
    }

    /* The linked chart: rows active after the step against the size. */
    var curveState = {key: null};
    function drawCurve(S, curve, cur, sStar, key) {
      var box = q(".ox-curve"), n = S.X.length;
      key = key + "|" + widths.get(box);
      if (curveState.key === key) {
        var xc0 = curveState.X(+size.value);
        curveState.cursor.setAttribute("x1", xc0);
        curveState.cursor.setAttribute("x2", xc0);
        curveState.dot.setAttribute("cx", xc0);
        curveState.dot.setAttribute("cy", curveState.Y(cur / n));
        return;
      }
      var H = 200;
      var c = sizedSvg(box, H, "Rows active after the step against the " +
        "outlier size; the cursor marks the size chosen above");
      var svg = c.svg, W = c.width;
      var left = 44, right = W - 14, top = 14, bottom = H - 46;
      var l0 = +size.min, l1 = +size.max;
      var X = function (l) {
        return left + (l - l0) / (l1 - l0) * (right - left);
      };
      var Y = function (f) { return bottom - f * (bottom - top); };
      [0, 0.5, 1].forEach(function (f) {
        svg.appendChild(el("line", {x1: left, x2: right, y1: Y(f),
          y2: Y(f), "class": "ox-gridline"}));
        svg.appendChild(el("text", {x: left - 6, y: Y(f) + 4,
          "class": "ox-tick", "text-anchor": "end"}, (100 * f) + "%"));
      });
      var stepL = (right - left) / (l1 - l0) < 40 ? 2 : 1;
      for (var l = Math.ceil(l0); l <= l1; l++) {
        if (l % stepL !== 0) { continue; }
        svg.appendChild(el("text", {x: X(l), y: bottom + 18,
          "class": "ox-tick", "text-anchor": "middle"}, decade(l)));
      }
      svg.appendChild(el("text", {x: (left + right) / 2, y: bottom + 38,
        "class": "ox-label", "text-anchor": "middle"},
        "outlier size s (log scale)"));
      if (isFinite(sStar) && Math.log10(sStar) <= l1) {
        var xs = X(Math.max(Math.log10(sStar), l0));
        svg.appendChild(el("rect", {x: xs, y: top, width: right - xs,
          height: bottom - top, "class": "ox-deadzone"}));
        svg.appendChild(el("line", {x1: xs, x2: xs, y1: top, y2: bottom,
          "class": "ox-sstar"}));
        svg.appendChild(el("text", {x: xs + 4, y: top + 14,
          "class": "ox-tick"}, "s*"));
      }
      var pts = curve.map(function (c) {
        return X(c[0]).toFixed(1) + "," + Y(c[1] / n).toFixed(1);
      });
      svg.appendChild(el("polyline", {points: pts.join(" "),
        "class": "ox-line"}));
      var xc = X(+size.value), yc = Y(cur / n);
      var cursor = svg.appendChild(el("line", {x1: xc, x2: xc, y1: top,
        y2: bottom, "class": "ox-cursor"}));
      var dotc = svg.appendChild(el("circle", {cx: xc, cy: yc, r: 5,
        "class": "ox-cursor-dot"}));
      curveState = {key: key, X: X, Y: Y, cursor: cursor, dot: dotc};
    }

    function rowsTable(S, st, lr) {
      var body = q(".ox-rows tbody"), lrg = lr * st.g;
      var heads = qa(".ox-rows thead th").map(function (th) {
        return th.textContent;
      });
      body.replaceChildren();
      D.highlight[D.kinds.indexOf(st.kind)].forEach(function (i, k) {
        var tr = document.createElement("tr");
        var dotp = dot(st.xo, S.X[i]);
        [D.letters[k] + " (" + D.why[k] + ")", human(S.z[i]),
         human(-lrg), human(-lrg * dotp), human(st.zAfter[i])
        ].forEach(function (text, c) {
          var td = document.createElement(c ? "td" : "th");
          if (!c) { td.setAttribute("scope", "row"); } else {
            td.setAttribute("data-label", heads[c]);
          }
          td.textContent = text;
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    }

    var announce = null, cache = {key: null};
    function update() {
      var t0 = performance.now();
      var p = settings(), S = D.setups[p.kind];
      var st = step(S, p.s, p.lr, p.loss);
      st.kind = p.kind;
      /* s* and the curve depend on everything but the size: dragging
         the size reuses them. */
      var key = p.kind + "|" + p.lr + "|" + p.loss;
      if (cache.key !== key) {
        cache = {key: key, sStar: criticalSize(S, p.lr, p.loss),
                 curve: activeCurve(S, p.lr, p.loss)};
      }
      var sStar = cache.sStar, curve = cache.curve;
      var n = S.X.length, before = 0;
      S.z.forEach(function (z) { if (z > 0) { before++; } });
      var dead = st.active === 0;
      var t1 = performance.now();
      set("size", human(p.s));
      set("lr", human(p.lr));
      set("g", human(st.g));
      st.w.forEach(function (w, j) { set("w" + j, human(w)); });
      set("b", human(st.b));
      set("active-before", before + " of " + n);
      set("active-after", st.active + " of " + n);
      set("verdict", dead ? "dead: z\u2032 \u2264 0 on every row" :
          "alive: active on " + Math.round(100 * st.active / n) +
          "% of the rows");
      set("sstar", isFinite(sStar) ? human(sStar) :
          "none: no size up to " + human(D.bounds[1]) + " kills in one step");
      root.classList.toggle("ox-is-dead", dead);
      /* s* and the sizes that kill, marked on the size control */
      var zone = q(".ox-killzone"), tick = q(".ox-sstar-mark");
      if (isFinite(sStar) && Math.log10(sStar) <= +size.max) {
        var pos = onTrack(size, Math.log10(sStar));
        zone.style.left = pos;
        tick.style.left = pos;
        zone.hidden = false;
        tick.hidden = false;
      } else {
        zone.hidden = true;
        tick.hidden = true;
      }
      size.setAttribute("aria-valuetext", human(p.s));
      rate.setAttribute("aria-valuetext", human(p.lr));
      drawStrips(S, st, p.lr);
      drawCurve(S, curve, st.active, sStar, key);
      rowsTable(S, st, p.lr);
      var t2 = performance.now();
      void root.offsetHeight; /* lay out now, so the timing includes it */
      var dt = performance.now() - t0;
      timing.n++; timing.total += dt; timing.last = dt;
      timing.compute = t1 - t0;
      timing.draw = t2 - t1;
      timing.max = Math.max(timing.max, dt);
      clearTimeout(announce);
      announce = setTimeout(function () {
        status.textContent = D.kindLabels[p.kind] + " inputs, " +
          D.lossLabels[p.loss] + ", learning rate " + human(p.lr) +
          ", outlier size " + human(p.s) + ": " +
          (dead ? "dead, active on no row" :
           "alive, active on " + st.active + " of " + n + " rows") +
          " after the step. Critical size s* " +
          (isFinite(sStar) ? human(sStar) : "none") + ".";
      }, 500);
    }

    /* Sweep the size from its smallest to its largest value, once.
       With reduced motion: jump from labelled stop to labelled stop. */
    var sweeping = null;
    function stopSweep() {
      if (sweeping) { sweeping(); }
      sweeping = null;
      sweepBtn.textContent = "Sweep the size";
      sweepBtn.setAttribute("aria-pressed", "false");
    }
    sweepBtn.addEventListener("click", function () {
      if (sweeping) { stopSweep(); return; }
      sweepBtn.textContent = "Stop";
      sweepBtn.setAttribute("aria-pressed", "true");
      var lo = +size.min, hi = +size.max, reduce = window.matchMedia &&
        window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      if (reduce) {
        var v = lo;
        size.value = v; update();
        var timer = setInterval(function () {
          v += 1;
          if (v > hi) { stopSweep(); return; }
          size.value = v; update();
        }, 1200);
        sweeping = function () { clearInterval(timer); };
      } else {
        var t0 = null, frame = null, dur = 5000;
        var tick = function (now) {
          if (t0 === null) { t0 = now; }
          var f = Math.min((now - t0) / dur, 1);
          size.value = lo + (hi - lo) * f; update();
          if (f < 1) { frame = requestAnimationFrame(tick); } else {
            stopSweep();
          }
        };
        frame = requestAnimationFrame(tick);
        sweeping = function () { cancelAnimationFrame(frame); };
      }
    });

    /* labelled stops under the range controls */
    qa(".ox-stops span").forEach(function (s) {
      var input = s.parentNode.parentNode.querySelector("input");
      s.style.left = onTrack(input, +s.getAttribute("data-v"));
    });
    [size, rate].forEach(function (r) {
      r.addEventListener("input", function (e) {
        if (e.isTrusted && sweeping) { stopSweep(); }
        update();
      });
    });
    qa("input.ox-loss, input.ox-kind").forEach(function (r) {
      r.addEventListener("change", update);
    });
    root.oxUpdate = update;
    root.oxHuman = human;
    measure();
    update();
    if (window.ResizeObserver) {
      var lastW = root.clientWidth;
      new ResizeObserver(function () {
        var w = root.clientWidth;
        if (w !== lastW) { lastW = w; measure(); update(); }
      }).observe(root);
    }
  }

  function start() {
    document.querySelectorAll(".ox[data-ox-root]").forEach(function (r) {
      if (!r.oxTiming) { Explorer(r); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
