/* diaspora-kg network page: draws the embedded graph with vis-network and adds a legend, a search box, a filter by
   kind, tooltips and a details panel. Names, properties and sources are user data: they reach the page only through
   textContent (or vis-network's canvas), never as HTML. */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  // The bounded stabilization runs before anything is shown; what motion is left after it is let run this long
  // at most, then stopped (on a few hundred nodes the last tremors can go on for many seconds).
  var SETTLE_TIMEOUT_MS = 1500;
  var MAX_RESULTS = 25;

  var data = JSON.parse(document.getElementById("dkg-data").textContent);
  var searchBox = document.getElementById("dkg-search");
  var statusLine = document.getElementById("dkg-status");
  var tipBox = document.getElementById("dkg-tooltip");
  var details = document.getElementById("dkg-details");
  var results = document.getElementById("dkg-results");
  var container = document.getElementById("dkg-network");
  var stage = container.parentElement;

  // Accent- and case-insensitive form of a text: decompose (NFD), drop the combining marks, lower-case.
  function fold(text) {
    return String(text).normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A small picture of a node shape, so the legend shows what the network draws.
  function swatch(shape, color) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "dkg-swatch");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "0 0 14 14");
    var paths = {
      box: "M2 3h10v8H2z", square: "M2 2h10v10H2z", database: "M2 3h10v8H2z", text: "M2 3h10v8H2z",
      diamond: "M7 1l6 6-6 6-6-6z", triangle: "M7 1l6 11H1z", triangleDown: "M1 2h12L7 13z",
      star: "M7 1l1.8 4 4.2.4-3.2 2.8 1 4.2L7 10.2 3.2 12.4l1-4.2L1 5.4l4.2-.4z",
      hexagon: "M4 1.5h6l3 5.5-3 5.5H4L1 7z"
    };
    var shapeNode;
    if (paths[shape]) {
      shapeNode = document.createElementNS(SVG_NS, "path");
      shapeNode.setAttribute("d", paths[shape]);
    } else {
      shapeNode = document.createElementNS(SVG_NS, "ellipse");
      shapeNode.setAttribute("cx", "7");
      shapeNode.setAttribute("cy", "7");
      shapeNode.setAttribute("rx", shape === "ellipse" ? "6" : "5.5");
      shapeNode.setAttribute("ry", shape === "ellipse" ? "4" : "5.5");
    }
    shapeNode.setAttribute("fill", color);
    shapeNode.setAttribute("stroke", "#4d4d4d");
    svg.appendChild(shapeNode);
    return svg;
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

  function nodeColor(color) {
    return {
      background: color, border: "#4d4d4d",
      highlight: { background: color, border: "#000000" }, hover: { background: color, border: "#000000" }
    };
  }

  var meta = new Map();
  var visNodes = data.nodes.map(function (n) {
    meta.set(n.id, { kind: n.kind, name: n.names[0], folded: n.names.map(fold), tip: n.tip });
    var item = { id: n.id, label: n.label, shape: n.shape, size: n.size, color: nodeColor(n.color) };
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    return item;
  });
  var edgeTips = new Map();
  var visEdges = data.edges.map(function (e) {
    edgeTips.set(e.id, e.tip);
    var item = { id: e.id, from: e.from, to: e.to, label: e.label };
    if (e.width !== undefined) item.width = e.width;
    if (e.smooth !== undefined) item.smooth = e.smooth;
    return item;
  });
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var state = { ready: false, readyMs: null };
  var summary = data.nodes.length + " nodes, " + data.edges.length + " ties";

  function setStatus(text) { statusLine.textContent = text; }

  function markReady() {
    if (state.ready) return;
    state.ready = true;
    state.readyMs = performance.now();
    document.documentElement.setAttribute("data-ready", "true");
    if (!searchBox.value) setStatus("");
  }

  document.getElementById("dkg-summary").textContent =
    summary + (data.mode === "physics" ? " · force layout" : " · precomputed layout");

  if (data.mode === "physics" && data.nodes.length) {
    var frozen = false;
    // Physics settles, then stops for good: nothing keeps moving (or using the CPU) once the layout is found.
    var freeze = function () {
      if (frozen) return;
      frozen = true;
      network.setOptions({ physics: false });
      markReady();
    };
    setStatus("Laying out…");
    network.on("stabilizationProgress", function (progress) {
      setStatus("Laying out… " + Math.round(100 * progress.iterations / progress.total) + "%");
    });
    network.once("stabilized", freeze);
    network.once("stabilizationIterationsDone", function () { setTimeout(freeze, SETTLE_TIMEOUT_MS); });
  } else if (data.nodes.length) {
    network.fit({ animation: false });
    network.once("afterDrawing", markReady);
  } else {
    markReady();
  }

  // --- tooltips and details --------------------------------------------------------------------------------------
  var pointer = { x: 0, y: 0 };
  container.addEventListener("pointermove", function (event) {
    var box = stage.getBoundingClientRect();
    pointer = { x: event.clientX - box.left, y: event.clientY - box.top };
  });

  function showTip(tip) {
    tipBox.replaceChildren(buildTip(tip));
    tipBox.hidden = false;
    var maxLeft = stage.clientWidth - tipBox.offsetWidth - 4;
    var maxTop = stage.clientHeight - tipBox.offsetHeight - 4;
    tipBox.style.left = Math.max(0, Math.min(pointer.x + 14, maxLeft)) + "px";
    tipBox.style.top = Math.max(0, Math.min(pointer.y + 14, maxTop)) + "px";
  }

  function hideTip() { tipBox.hidden = true; }

  function showDetails(tip) { details.replaceChildren(buildTip(tip)); }

  network.on("hoverNode", function (event) { showTip(meta.get(event.node).tip); });
  network.on("hoverEdge", function (event) { showTip(edgeTips.get(event.edge)); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("click", function (event) {
    if (event.nodes.length) showDetails(meta.get(event.nodes[0]).tip);
    else if (event.edges.length) showDetails(edgeTips.get(event.edges[0]));
  });

  // --- legend and filter by kind ---------------------------------------------------------------------------------
  document.getElementById("dkg-legend-title").textContent = data.legendTitle;
  var legend = document.getElementById("dkg-legend");
  data.legend.forEach(function (entry) {
    var item = element("li");
    item.appendChild(swatch(entry.shape, entry.color));
    item.appendChild(element("span", "dkg-legend-label", entry.label));
    item.appendChild(element("span", "dkg-count", String(entry.count)));
    legend.appendChild(item);
  });

  var hiddenKinds = new Set();

  function isHidden(id) { return hiddenKinds.has(meta.get(id).kind); }

  function setKindVisible(kind, visible) {
    if (visible) hiddenKinds.delete(kind); else hiddenKinds.add(kind);
    var nodeUpdates = [];
    meta.forEach(function (m, id) { if (m.kind === kind) nodeUpdates.push({ id: id, hidden: !visible }); });
    nodes.update(nodeUpdates);
    // A tie to a hidden node is hidden with it.
    edges.update(data.edges.map(function (e) { return { id: e.id, hidden: isHidden(e.from) || isHidden(e.to) }; }));
    hideTip();
    if (searchBox.value) search(searchBox.value);
  }

  var filter = document.getElementById("dkg-filter");
  data.kinds.forEach(function (entry) {
    var label = element("label");
    var box = element("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-kind", entry.label);
    box.addEventListener("change", function () { setKindVisible(entry.label, box.checked); });
    label.appendChild(box);
    label.appendChild(swatch(entry.shape, entry.color));
    label.appendChild(element("span", "dkg-kind-label", entry.label));
    label.appendChild(element("span", "dkg-count", String(entry.count)));
    filter.appendChild(label);
  });

  // --- search by name ------------------------------------------------------------------------------------------
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1), animation: false });
    showDetails(meta.get(id).tip);
  }

  function search(query) {
    var key = fold(query.trim());
    results.replaceChildren();
    if (!key) {
      network.unselectAll();
      setStatus("");
      return [];
    }
    var matches = [];
    var hiddenMatches = 0;
    meta.forEach(function (m, id) {
      if (!m.folded.some(function (name) { return name.indexOf(key) !== -1; })) return;
      if (hiddenKinds.has(m.kind)) hiddenMatches += 1; else matches.push(id);
    });
    matches.sort(function (a, b) { return meta.get(a).folded[0].localeCompare(meta.get(b).folded[0]); });
    network.selectNodes(matches);
    if (matches.length === 1) focusNode(matches[0]);
    else if (matches.length) network.fit({ nodes: matches, animation: false });
    matches.slice(0, MAX_RESULTS).forEach(function (id) {
      var item = element("li");
      var button = element("button", "", meta.get(id).name);
      button.type = "button";
      button.addEventListener("click", function () { focusNode(id); });
      item.appendChild(button);
      results.appendChild(item);
    });
    var text = matches.length === 1 ? "1 match" : matches.length + " matches";
    if (hiddenMatches) text += " (" + hiddenMatches + " more among hidden kinds)";
    setStatus(text);
    return matches;
  }

  searchBox.addEventListener("input", function () { search(searchBox.value); });

  // For notebooks, scripts and tests: the network, its data and the page's actions.
  window.dkg = {
    network: network, nodes: nodes, edges: edges, mode: data.mode, search: search, setKindVisible: setKindVisible,
    fold: fold,
    get ready() { return state.ready; },
    get readyMs() { return state.readyMs; }
  };
})();
