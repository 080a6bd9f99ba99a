/* diaspora-kg map page: draws the embedded arcs and places over the projected shapes, with tooltips, a details
   panel, filters by tie and by home country, zoom buttons, wheel zoom and drag. Names, actors and sources are user
   data: they reach the page only through textContent, never as markup or as a link. Coordinates are projected
   kilometres, y down, computed by the Python side (graph_loader.viz.geo); this script only places them. */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var PLACE_RADIUS_PX = 4.5;
  var LABEL_PX = 12;
  var ZOOM_STEP = 1.25;
  var MIN_WIDTH_KM = 20;

  var data = JSON.parse(document.getElementById("dkg-data").textContent);
  var svg = document.getElementById("dkg-map");
  var stage = svg.parentElement;
  var arcLayer = document.getElementById("dkg-arcs");
  var placeLayer = document.getElementById("dkg-places");
  var labelLayer = document.getElementById("dkg-labels");
  var tipBox = document.getElementById("dkg-tooltip");
  var details = document.getElementById("dkg-details");
  var statusLine = document.getElementById("dkg-status");

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function shape(tag, attributes) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    return node;
  }

  function buildTip(tip) {
    var box = element("div", "dkg-tip");
    box.appendChild(element("div", "dkg-tip-name", tip.name));
    box.appendChild(element("div", "dkg-tip-kind", tip.kind));
    if (tip.facts.length) {
      var table = element("table");
      tip.facts.forEach(function (fact) {
        var row = element("tr");
        row.appendChild(element("td", "", fact[0]));
        row.appendChild(element("td", "", fact[1]));
        table.appendChild(row);
      });
      box.appendChild(table);
    }
    if (tip.sources.length) {
      box.appendChild(element("div", "dkg-tip-heading", "Sources"));
      var list = element("ul");
      tip.sources.forEach(function (source) { list.appendChild(element("li", "", source)); });
      box.appendChild(list);
    }
    if (tip.more) box.appendChild(element("div", "dkg-tip-heading", "… and " + tip.more + " more"));
    return box;
  }

  // A short line of the arc's colour and width (dashed when its amount is unknown), for the filters and the key.
  function lineSwatch(color, width, dashed) {
    var icon = shape("svg", { "class": "dkg-swatch", width: 22, height: 12, viewBox: "0 0 22 12" });
    var line = shape("path", { d: "M2 9Q11 1 20 9", fill: "none", stroke: color, "stroke-width": width,
      "stroke-linecap": "round" });
    if (dashed) line.setAttribute("stroke-dasharray", "4 3");
    icon.appendChild(line);
    return icon;
  }

  function dotSwatch(role) {
    var icon = shape("svg", { "class": "dkg-swatch", width: 12, height: 12, viewBox: "0 0 12 12" });
    icon.appendChild(shape("circle", { cx: 6, cy: 6, r: 4.2, "class": "dkg-place dkg-" + role }));
    return icon;
  }

  // --- the view: a viewBox in projected km, fitted into the stage ("meet") ---------------------------------------
  var view = { x: 0, y: 0, w: 1, h: 1, name: null };

  function unitsPerPixel() {
    var width = svg.clientWidth || 1, height = svg.clientHeight || 1;
    return Math.max(view.w / width, view.h / height);
  }

  function applyView() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    var unit = unitsPerPixel();
    // Places and labels keep their size on screen whatever the zoom; strokes do by vector-effect.
    placeNodes.forEach(function (node) { node.setAttribute("r", String(PLACE_RADIUS_PX * unit)); });
    labelNodes.forEach(function (item) {
      item.node.setAttribute("font-size", String(LABEL_PX * unit));
      item.node.setAttribute("x", String(item.x + (PLACE_RADIUS_PX + 3) * unit));
      item.node.setAttribute("y", String(item.y + 0.35 * LABEL_PX * unit));
    });
    placeLabels();
    viewButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-view") === view.name));
    });
    hideTip();
  }

  function setView(name) {
    var box = data.views[name];
    if (!box) return false;
    view = { x: box[0], y: box[1], w: box[2], h: box[3], name: name };
    applyView();
    return true;
  }

  function zoomAt(factor, clientX, clientY) {
    var rect = svg.getBoundingClientRect();
    var unit = unitsPerPixel();
    // The stage point under the pointer stays put.
    var offsetX = (rect.width * unit - view.w) / 2, offsetY = (rect.height * unit - view.h) / 2;
    var px = view.x - offsetX + (clientX - rect.left) * unit;
    var py = view.y - offsetY + (clientY - rect.top) * unit;
    var w = Math.max(view.w / factor, MIN_WIDTH_KM), scale = w / view.w;
    view = { x: px - (px - view.x) * scale, y: py - (py - view.y) * scale, w: w, h: view.h * scale, name: null };
    applyView();
  }

  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoomAt(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, event.clientX, event.clientY);
  }, { passive: false });

  var drag = null;
  svg.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, view: view, moved: false };
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!drag.moved) { drag.moved = true; svg.setPointerCapture(event.pointerId); svg.classList.add("dkg-dragging"); }
    var unit = unitsPerPixel();
    view = { x: drag.view.x - dx * unit, y: drag.view.y - dy * unit, w: drag.view.w, h: drag.view.h, name: null };
    applyView();
  });
  function endDrag() { drag = null; svg.classList.remove("dkg-dragging"); }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);

  // --- tooltips and details --------------------------------------------------------------------------------------
  var pointer = { x: 0, y: 0 };
  function track(event) {
    var box = stage.getBoundingClientRect();
    pointer = { x: event.clientX - box.left, y: event.clientY - box.top };
  }
  stage.addEventListener("pointermove", track);

  function showTip(tip) {
    tipBox.replaceChildren(buildTip(tip));
    tipBox.hidden = false;
    var maxLeft = stage.clientWidth - tipBox.offsetWidth - 4;
    var maxTop = stage.clientHeight - tipBox.offsetHeight - 4;
    tipBox.style.left = Math.max(0, Math.min(pointer.x + 14, maxLeft)) + "px";
    tipBox.style.top = Math.max(0, Math.min(pointer.y + 14, maxTop)) + "px";
  }

  function hideTip() { tipBox.hidden = true; }

  var selected = null;
  function select(node, tip) {
    if (selected) selected.classList.remove("dkg-selected");
    selected = node;
    if (node) node.classList.add("dkg-selected");
    details.replaceChildren(buildTip(tip));
  }

  function interactive(node, tip) {
    // pointerenter comes before the pointermove that would place the tooltip: take the position from it.
    node.addEventListener("pointerenter", function (event) { track(event); if (!drag) showTip(tip); });
    node.addEventListener("pointerleave", hideTip);
    node.addEventListener("focus", function () { select(node, tip); });
    node.addEventListener("click", function () { select(node, tip); });
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(node, tip); }
    });
  }

  // --- arcs, places, labels --------------------------------------------------------------------------------------
  var arcNodes = data.arcs.map(function (arc) {
    var d = arc.d;
    var path = "M" + d[0] + " " + d[1] + "Q" + d[2] + " " + d[3] + " " + d[4] + " " + d[5];
    var group = shape("g", { "class": "dkg-tie", tabindex: 0, role: "button", "data-arc": arc.id });
    group.appendChild(shape("path", { d: path, "class": "dkg-hit" }));
    var line = shape("path", { d: path, "class": "dkg-arc", stroke: arc.color, "stroke-width": arc.width });
    if (arc.dashed) line.setAttribute("stroke-dasharray", "5 4");
    group.appendChild(line);
    group.setAttribute("aria-label", arc.tip.name + ": " + arc.tip.kind);
    interactive(group, arc.tip);
    arcLayer.appendChild(group);
    return group;
  });

  var placeNodes = data.places.map(function (place) {
    var dot = shape("circle", { cx: place.x, cy: place.y, r: 1, "class": "dkg-place dkg-" + place.role,
      tabindex: 0, role: "button", "data-place": place.id });
    dot.setAttribute("aria-label", place.tip.name);
    interactive(dot, place.tip);
    placeLayer.appendChild(dot);
    return dot;
  });

  var labelNodes = [];
  data.places.forEach(function (place, i) {
    if (!place.label) return;
    var text = shape("text", { "class": "dkg-label", "data-place": place.id });
    text.textContent = place.name;
    labelLayer.appendChild(text);
    labelNodes.push({ node: text, x: place.x, y: place.y, place: i });
  });

  // A label that would cover another, more important one (more arcs: the order of data.places) waits until the
  // zoom gives it room; the place's tooltip names it meanwhile.
  function placeLabels() {
    var taken = [];
    labelNodes.forEach(function (item) {
      item.node.classList.remove("dkg-crowded");
      if (item.node.classList.contains("dkg-off")) return;
      var box = item.node.getBoundingClientRect();
      var crowded = taken.some(function (other) {
        return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
      });
      if (crowded) item.node.classList.add("dkg-crowded"); else taken.push(box);
    });
  }

  // --- filters by tie and by home country ------------------------------------------------------------------------
  var hiddenTies = new Set(), hiddenCountries = new Set();

  function applyFilters() {
    var shownPlaces = new Set();
    var shown = 0;
    data.arcs.forEach(function (arc, i) {
      var visible = !hiddenTies.has(arc.tieIndex) && !hiddenCountries.has(arc.countryIndex);
      arcNodes[i].classList.toggle("dkg-off", !visible);
      if (visible) { shown += 1; shownPlaces.add(arc.from); shownPlaces.add(arc.to); }
    });
    placeNodes.forEach(function (node, i) { node.classList.toggle("dkg-off", !shownPlaces.has(i)); });
    labelNodes.forEach(function (item) { item.node.classList.toggle("dkg-off", !shownPlaces.has(item.place)); });
    placeLabels();
    statusLine.textContent = shown === data.arcs.length ? "" : shown + " of " + data.arcs.length + " arcs shown";
    hideTip();
    return shown;
  }

  function checkbox(container, kind, index, label, count, icon, hidden) {
    var row = element("label");
    var box = element("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-" + kind, String(index));
    box.addEventListener("change", function () {
      if (box.checked) hidden.delete(index); else hidden.add(index);
      applyFilters();
    });
    row.appendChild(box);
    if (icon) row.appendChild(icon);
    row.appendChild(element("span", "dkg-filter-label", label));
    row.appendChild(element("span", "dkg-count", String(count)));
    container.appendChild(row);
  }

  var tieFilter = document.getElementById("dkg-ties");
  data.ties.forEach(function (entry, i) {
    checkbox(tieFilter, "tie", i, entry.tie, entry.count, lineSwatch(entry.color, 3, false), hiddenTies);
  });
  var countryFilter = document.getElementById("dkg-countries");
  data.countries.forEach(function (entry, i) {
    checkbox(countryFilter, "country", i, entry.country, entry.count, null, hiddenCountries);
  });

  var key = document.getElementById("dkg-key");
  function keyLine(icon, text) {
    var item = element("li");
    item.appendChild(icon);
    item.appendChild(element("span", "", text));
    key.appendChild(item);
  }
  keyLine(dotSwatch("us"), "a US place: where actors are based");
  keyLine(dotSwatch("home"), "a home place: where they come from, or what they fund");
  keyLine(lineSwatch("#555", 4, false), data.widthNote);
  if (data.arcs.some(function (arc) { return arc.dashed; })) keyLine(lineSwatch("#555", 1.5, true), "amount not known");
  keyLine(lineSwatch("#555", 2, false), "arcs bow to the left of their way from the US place to the home place");

  // --- zoom buttons ----------------------------------------------------------------------------------------------
  var viewButtons = Array.prototype.slice.call(document.querySelectorAll(".dkg-views button"));
  viewButtons.forEach(function (button) {
    button.addEventListener("click", function () { setView(button.getAttribute("data-view")); });
  });

  document.getElementById("dkg-summary").textContent = data.summary;
  if (!data.arcs.length) stage.appendChild(element("div", "dkg-empty", data.emptyNote));

  setView(data.initialView);
  window.addEventListener("resize", applyView);
  applyFilters();

  var ready = false;
  requestAnimationFrame(function () {
    applyView();
    ready = true;
    document.documentElement.setAttribute("data-ready", "true");
  });

  // For scripts and tests: what the page drew, and its actions.
  window.dkgMap = {
    arcs: arcNodes, places: placeNodes, labels: labelNodes, setView: setView, applyFilters: applyFilters,
    get ready() { return ready; },
    get view() { return { x: view.x, y: view.y, w: view.w, h: view.h, name: view.name }; },
    visibleArcs: function () { return arcNodes.filter(function (n) { return !n.classList.contains("dkg-off"); }).length; }
  };
})();
