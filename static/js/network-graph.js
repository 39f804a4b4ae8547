/*
 * NCB-THB network graph: draws the JSON of a `json_script` element as an SVG graph.
 *
 * Hand-written, no dependencies, no inline code: the page includes this file with
 * <script src defer> and marks the place with
 *   <div class="network__graph" data-network-source="network-data"></div>
 * where "network-data" is the id of the JSON: {nodes, edges, focus, kinds, edge_kinds, strings}.
 *
 * - Layout: a force-directed layout (Fruchterman–Reingold with gravity), computed once,
 *   deterministic (start positions derive from the node ids, so a page looks the same on
 *   every visit); the focus nodes (a search match, the case itself) are pinned in the centre.
 * - Shapes AND colours tell kinds apart (never colour alone); a legend doubles as filters.
 * - Keyboard: one tab stop; arrow keys move between items, Enter or Space shows one,
 *   Escape clears; + / - / 0 zoom. Mouse: click shows, drag moves an item or the background,
 *   Ctrl + wheel zooms.
 * - The table of the same data that the server renders next to the graph stays available
 *   (the script only closes its <details>).
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var KIND_ORDER = ["case", "group", "person", "phone", "document", "vehicle"];
  var RADIUS = { "case": 15, group: 13, person: 9, phone: 8, document: 8, vehicle: 9 };
  var IDEAL_EDGE = 80;
  var LABEL_MAX = 26;
  // Graph units per pixel beyond which "show everything" stops: narrow screens show a part.
  var MAX_FIT_SCALE = { narrow: 1.6, wide: 3 };

  function svg(name, attributes, parent) {
    var element = document.createElementNS(SVG_NS, name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    if (parent) parent.appendChild(element);
    return element;
  }

  function html(name, attributes, parent, text) {
    var element = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    if (text !== undefined) element.textContent = text;
    if (parent) parent.appendChild(element);
    return element;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return values[key] === undefined ? match : String(values[key]);
    });
  }

  function truncate(text) {
    return text.length > LABEL_MAX ? text.slice(0, LABEL_MAX - 1) + "…" : text;
  }

  // A small, stable hash of a string (FNV-1a), for deterministic start positions.
  function hash(text) {
    var value = 2166136261;
    for (var i = 0; i < text.length; i++) {
      value ^= text.charCodeAt(i);
      value = Math.imul(value, 16777619);
    }
    return value >>> 0;
  }

  /* The shape of a node, centred on 0,0. */
  function shapePath(kind, r) {
    switch (kind) {
      case "case": // rounded square
        return "M" + (-r) + "," + (-r * 0.75) + "h" + (2 * r) + "v" + (1.5 * r) + "h" + (-2 * r) + "z";
      case "group": // hexagon
        var points = [];
        for (var i = 0; i < 6; i++) {
          var angle = Math.PI / 3 * i + Math.PI / 6;
          points.push((r * Math.cos(angle)).toFixed(2) + "," + (r * Math.sin(angle)).toFixed(2));
        }
        return "M" + points.join("L") + "z";
      case "phone": // diamond
        return "M0," + (-r * 1.25) + "L" + (r * 1.25) + ",0L0," + (r * 1.25) + "L" + (-r * 1.25) + ",0z";
      case "document": // square
        return "M" + (-r) + "," + (-r) + "h" + (2 * r) + "v" + (2 * r) + "h" + (-2 * r) + "z";
      case "vehicle": // triangle
        return "M0," + (-r * 1.2) + "L" + (r * 1.15) + "," + (r * 0.85) + "L" + (-r * 1.15) + "," + (r * 0.85) + "z";
      default: // person: circle
        return "M" + (-r) + ",0a" + r + "," + r + " 0 1,0 " + (2 * r) + ",0a" + r + "," + r + " 0 1,0 " + (-2 * r) + ",0z";
    }
  }

  /* Force-directed layout of one connected part (Fruchterman–Reingold with a little gravity).
   * Mutates node.x / node.y around 0,0; pinned nodes stay at the centre. O(n² · iterations):
   * fine to a few hundred nodes (200 nodes: about 30 ms). */
  function layoutPart(nodes, edges) {
    var n = nodes.length;
    if (n === 1) { nodes[0].x = 0; nodes[0].y = 0; return; }
    var index = new Map();
    nodes.forEach(function (node, i) { index.set(node, i); });
    var links = edges.map(function (edge) { return [index.get(edge.source), index.get(edge.target)]; });
    var k = IDEAL_EDGE;
    var side = k * Math.sqrt(n) * 1.2;
    nodes.forEach(function (node) {
      var h = hash(node.id);
      node.x = ((h & 0xffff) / 0xffff - 0.5) * side * 1.4;
      node.y = (((h >>> 16) & 0xffff) / 0xffff - 0.5) * side;
    });
    var pinned = nodes.filter(function (node) { return node.pinned; });
    pinned.forEach(function (node, i) {
      // Several matches: a small ring around the centre instead of one point.
      var angle = 2 * Math.PI * i / pinned.length;
      node.x = pinned.length > 1 ? Math.cos(angle) * k : 0;
      node.y = pinned.length > 1 ? Math.sin(angle) * k : 0;
    });
    var iterations = n > 250 ? 180 : 320;
    var temperature = side / 5;
    var cooling = temperature / (iterations + 1);
    var dx = new Float64Array(n);
    var dy = new Float64Array(n);
    var gravity = 0.35 / Math.sqrt(n); // a part is connected: gravity only tidies it
    for (var step = 0; step < iterations; step++) {
      dx.fill(0);
      dy.fill(0);
      for (var i = 0; i < n; i++) {
        var a = nodes[i];
        for (var j = i + 1; j < n; j++) {
          var b = nodes[j];
          var ex = a.x - b.x;
          var ey = a.y - b.y;
          var distance2 = ex * ex + ey * ey;
          if (distance2 < 0.01) { ex = (j % 7) - 3 || 1; ey = 1; distance2 = ex * ex + 1; }
          var force = (k * k) / distance2; // repulsion k²/d along the unit vector (ex, ey)/d
          dx[i] += ex * force; dy[i] += ey * force;
          dx[j] -= ex * force; dy[j] -= ey * force;
        }
      }
      for (var e = 0; e < links.length; e++) {
        var s = links[e][0];
        var t = links[e][1];
        var fx = nodes[s].x - nodes[t].x;
        var fy = nodes[s].y - nodes[t].y;
        var d = Math.sqrt(fx * fx + fy * fy) || 0.01;
        var pull = d / k; // attraction d²/k along the unit vector (fx, fy)/d
        dx[s] -= fx * pull; dy[s] -= fy * pull;
        dx[t] += fx * pull; dy[t] += fy * pull;
      }
      for (var m = 0; m < n; m++) {
        var node = nodes[m];
        if (node.pinned) continue;
        // Gravity, weaker sideways: screens are wider than tall.
        dx[m] -= node.x * gravity * 0.6;
        dy[m] -= node.y * gravity;
        var length = Math.sqrt(dx[m] * dx[m] + dy[m] * dy[m]) || 1;
        var move = Math.min(length, temperature);
        node.x += dx[m] / length * move;
        node.y += dy[m] / length * move;
      }
      temperature = Math.max(temperature - cooling, 1);
    }
  }

  /* The connected parts of the graph, the one holding a focus node first, then the largest. */
  function parts(nodes) {
    var seen = new Set();
    var result = [];
    nodes.forEach(function (start) {
      if (seen.has(start)) return;
      var part = [start];
      seen.add(start);
      for (var i = 0; i < part.length; i++) {
        part[i].neighbours.forEach(function (other) {
          if (!seen.has(other)) { seen.add(other); part.push(other); }
        });
      }
      result.push(part);
    });
    function hasFocus(part) { return part.some(function (node) { return node.pinned; }) ? 1 : 0; }
    return result.sort(function (a, b) {
      return hasFocus(b) - hasFocus(a) || b.length - a.length || (a[0].id < b[0].id ? -1 : 1);
    });
  }

  /* Lay out each connected part on its own, then pack the parts in rows: unconnected cases
   * sit side by side instead of being pushed to the corners by each other's repulsion. */
  function layout(nodes, edges) {
    var boxes = parts(nodes).map(function (part) {
      var inPart = new Set(part);
      layoutPart(part, edges.filter(function (edge) { return inPart.has(edge.source); }));
      var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      part.forEach(function (node) {
        minX = Math.min(minX, node.x); maxX = Math.max(maxX, node.x);
        minY = Math.min(minY, node.y); maxY = Math.max(maxY, node.y);
      });
      // Room for the labels under and beside the nodes.
      return { nodes: part, x: minX - 70, y: minY - 25, width: maxX - minX + 140, height: maxY - minY + 60 };
    });
    var area = boxes.reduce(function (sum, box) { return sum + box.width * box.height; }, 0);
    var rowWidth = Math.max(Math.sqrt(area) * 1.7, boxes.length ? boxes[0].width : 0);
    var rows = [];
    var row = null;
    boxes.forEach(function (box) {
      if (!row || row.width + box.width > rowWidth) {
        row = { boxes: [], width: 0, height: 0 };
        rows.push(row);
      }
      row.boxes.push(box);
      row.width += box.width;
      row.height = Math.max(row.height, box.height);
    });
    var top = 0;
    var widest = Math.max.apply(null, rows.map(function (r) { return r.width; }).concat([0]));
    rows.forEach(function (r) {
      var left = (widest - r.width) / 2;
      r.boxes.forEach(function (box) {
        var shiftX = left - box.x;
        var shiftY = top + (r.height - box.height) / 2 - box.y;
        box.nodes.forEach(function (node) { node.x += shiftX; node.y += shiftY; });
        left += box.width;
      });
      top += r.height;
    });
  }

  function Graph(container, data) {
    this.container = container;
    this.data = data;
    this.strings = data.strings || {};
    this.nodes = data.nodes.map(function (node) {
      return {
        id: node.id, kind: node.kind, label: node.label, url: node.url,
        facts: node.facts || [], searchable: node.searchable, context: node.context || "",
        pinned: data.focus.indexOf(node.id) !== -1, neighbours: [], element: null
      };
    });
    this.byId = {};
    var self = this;
    this.nodes.forEach(function (node) { self.byId[node.id] = node; });
    this.edges = [];
    data.edges.forEach(function (edge) {
      var source = self.byId[edge.source];
      var target = self.byId[edge.target];
      if (!source || !target || source === target) return;
      self.edges.push({
        kind: edge.kind, source: source, target: target,
        sourceIndex: self.nodes.indexOf(source), targetIndex: self.nodes.indexOf(target)
      });
      source.neighbours.push(target);
      target.neighbours.push(source);
    });
    this.hiddenKinds = {};
    this.selected = null;
    this.current = 0;
    layout(this.nodes, this.edges);
    this.render();
  }

  Graph.prototype.render = function () {
    var self = this;
    var container = this.container;
    container.classList.add("network__graph--drawn");

    // Toolbar: legend with a checkbox per kind (shape + name), zoom buttons.
    var toolbar = html("div", { "class": "network__toolbar" }, container);
    var legend = html("fieldset", { "class": "network__legend" }, toolbar);
    html("legend", { "class": "visually-hidden" }, legend, this.strings.legend || "");
    var present = {};
    this.nodes.forEach(function (node) { present[node.kind] = (present[node.kind] || 0) + 1; });
    KIND_ORDER.forEach(function (kind) {
      if (!present[kind]) return;
      var label = html("label", { "class": "network__legend-item" }, legend);
      var box = html("input", { type: "checkbox", checked: "checked" }, label);
      box.addEventListener("change", function () {
        self.hiddenKinds[kind] = !box.checked;
        self.applyVisibility();
      });
      var symbol = svg("svg", { width: "18", height: "18", viewBox: "-12 -12 24 24", "aria-hidden": "true", focusable: "false" }, label);
      svg("path", { d: shapePath(kind, 8), "class": "network__shape network__shape--" + kind }, symbol);
      html("span", {}, label, (self.data.kinds[kind] || kind) + " (" + present[kind] + ")");
    });
    var zoom = html("div", { "class": "network__zoom" }, toolbar);
    [["zoom_in", "+", 1 / 1.3], ["zoom_out", "−", 1.3], ["fit", "⤢", 0]].forEach(function (spec) {
      var button = html("button", { type: "button", "class": "button button--quiet", title: self.strings[spec[0]] || spec[0], "aria-label": self.strings[spec[0]] || spec[0] }, zoom, spec[1]);
      button.addEventListener("click", function () {
        if (spec[2]) self.zoomBy(spec[2]); else self.fit();
      });
    });

    var body = html("div", { "class": "network__body" }, container);
    var canvas = html("div", { "class": "network__canvas" }, body);
    this.svg = svg("svg", {
      "class": "network__svg",
      role: "group",
      "aria-label": format(this.strings.graph || "", { nodes: this.nodes.length, edges: this.edges.length })
    }, canvas);
    this.viewport = svg("g", {}, this.svg);
    var edgeLayer = svg("g", { "class": "network__edges", "aria-hidden": "true" }, this.viewport);
    var nodeLayer = svg("g", { "class": "network__nodes" }, this.viewport);
    this.edges.forEach(function (edge) {
      edge.element = svg("line", { "class": "network__edge network__edge--" + edge.kind }, edgeLayer);
    });
    var ordered = this.nodes.slice().sort(function (a, b) {
      return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.label.localeCompare(b.label);
    });
    this.order = ordered;
    ordered.forEach(function (node, index) {
      var group = svg("g", {
        "class": "network__node network__node--" + node.kind + (node.pinned ? " network__node--focus" : ""),
        role: "button",
        tabindex: index === 0 ? "0" : "-1",
        "aria-label": format(self.strings.node || "%(label)s", {
          kind: self.data.kinds[node.kind] || node.kind, label: node.label, count: node.neighbours.length
        }) + (node.pinned ? " (" + (self.strings.focus || "") + ")" : "")
      }, nodeLayer);
      if (node.pinned) svg("circle", { r: RADIUS[node.kind] + 7, "class": "network__halo" }, group);
      svg("path", { d: shapePath(node.kind, RADIUS[node.kind] || 9), "class": "network__shape network__shape--" + node.kind }, group);
      var text = svg("text", { y: (RADIUS[node.kind] || 9) + 13, "text-anchor": "middle", "class": "network__label" }, group);
      text.textContent = truncate(node.label);
      node.text = text;
      var title = svg("title", {}, group);
      title.textContent = node.label;
      node.element = group;
      group.addEventListener("keydown", function (event) { self.onKey(event, node); });
      group.addEventListener("focus", function () { self.current = self.order.indexOf(node); });
      self.makeDraggable(group, node);
    });

    this.details = html("aside", { "class": "network__details", "aria-live": "polite", hidden: "hidden" }, body);
    this.makePannable();
    this.nodeScale = 1;
    this.updatePositions();
    this.fit();
    window.addEventListener("resize", function () { self.applyView(); });
    this.svg.addEventListener("keydown", function (event) {
      if (event.key === "+" || event.key === "=") { self.zoomBy(1 / 1.3); event.preventDefault(); }
      else if (event.key === "-") { self.zoomBy(1.3); event.preventDefault(); }
      else if (event.key === "0") { self.fit(); event.preventDefault(); }
    });
    // A single match (a searched phone, a document) starts selected, its connections listed;
    // a case centred in its own tab just wears the halo.
    var focus = this.nodes.filter(function (node) { return node.pinned; });
    if (focus.length === 1 && focus[0].kind !== "case") this.select(focus[0]);
  };

  Graph.prototype.updatePositions = function (dragging) {
    var scale = this.nodeScale || 1;
    this.nodes.forEach(function (node) {
      node.element.setAttribute("transform", "translate(" + node.x.toFixed(1) + "," + node.y.toFixed(1) + ") scale(" + scale.toFixed(3) + ")");
    });
    if (!dragging) this.placeLabels();
    this.edges.forEach(function (edge) {
      edge.element.setAttribute("x1", edge.source.x.toFixed(1));
      edge.element.setAttribute("y1", edge.source.y.toFixed(1));
      edge.element.setAttribute("x2", edge.target.x.toFixed(1));
      edge.element.setAttribute("y2", edge.target.y.toFixed(1));
    });
  };

  /* Put each label below, above, right or left of its item, wherever it overlaps least with
   * the items and the labels already placed (the important items choose first). Works in
   * screen pixels, since items and labels keep their size on screen. */
  Graph.prototype.placeLabels = function () {
    var scale = this.nodeScale || 1;
    var hidden = this.hiddenKinds;
    var nodes = this.nodes.filter(function (node) { return !hidden[node.kind]; });
    var obstacles = nodes.map(function (node) {
      var r = (RADIUS[node.kind] || 9) + (node.pinned ? 9 : 2);
      var x = node.x / scale, y = node.y / scale;
      return [x - r, y - r, x + r, y + r];
    });
    function overlap(box) {
      var total = 0;
      for (var i = 0; i < obstacles.length; i++) {
        var o = obstacles[i];
        var w = Math.min(box[2], o[2]) - Math.max(box[0], o[0]);
        var h = Math.min(box[3], o[3]) - Math.max(box[1], o[1]);
        if (w > 0 && h > 0) total += w * h;
      }
      return total;
    }
    // Labels leaving the visible area count as overlapping a lot.
    var v = this.view;
    var edge = v ? [v.x / scale, v.y / scale, (v.x + v.width) / scale, (v.y + v.height) / scale] : null;
    function outside(box) {
      if (!edge) return 0;
      var w = Math.max(0, edge[0] - box[0]) + Math.max(0, box[2] - edge[2]);
      var h = Math.max(0, edge[1] - box[1]) + Math.max(0, box[3] - edge[3]);
      return (w + h) * 1000;
    }
    var ranked = nodes.slice().sort(function (a, b) {
      return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.neighbours.length - a.neighbours.length;
    });
    ranked.forEach(function (node) {
      if (node.labelWidth === undefined) {
        try { node.labelWidth = node.text.getComputedTextLength(); } catch (error) { node.labelWidth = node.label.length * 6; }
      }
      var w = node.labelWidth, r = RADIUS[node.kind] || 9;
      var x = node.x / scale, y = node.y / scale;
      var candidates = [
        { dx: 0, dy: r + 13, anchor: "middle", box: [x - w / 2, y + r + 2, x + w / 2, y + r + 16] },
        { dx: 0, dy: -r - 5, anchor: "middle", box: [x - w / 2, y - r - 17, x + w / 2, y - r - 3] },
        { dx: r + 5, dy: 4, anchor: "start", box: [x + r + 5, y - 8, x + r + 5 + w, y + 6] },
        { dx: -r - 5, dy: 4, anchor: "end", box: [x - r - 5 - w, y - 8, x - r - 5, y + 6] }
      ];
      var best = null, bestOverlap = Infinity;
      for (var i = 0; i < candidates.length && bestOverlap > 0; i++) {
        var amount = overlap(candidates[i].box) + outside(candidates[i].box);
        if (amount < bestOverlap) { best = candidates[i]; bestOverlap = amount; }
      }
      node.text.setAttribute("x", best.dx);
      node.text.setAttribute("y", best.dy);
      node.text.setAttribute("text-anchor", best.anchor);
      obstacles.push(best.box);
    });
  };

  Graph.prototype.visibleNodes = function () {
    var hidden = this.hiddenKinds;
    return this.nodes.filter(function (node) { return !hidden[node.kind]; });
  };

  /* Fit every visible node in view, keeping the focus (if any) in the middle. */
  Graph.prototype.fit = function () {
    var nodes = this.visibleNodes();
    if (!nodes.length) nodes = this.nodes;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    nodes.forEach(function (node) {
      minX = Math.min(minX, node.x); maxX = Math.max(maxX, node.x);
      minY = Math.min(minY, node.y); maxY = Math.max(maxY, node.y);
    });
    // Margins in screen pixels (labels keep their pixel size): room for a label beside the
    // outermost items. Solve for the scale that fits the items plus those margins.
    var box = this.svg.getBoundingClientRect();
    var boxWidth = box.width || 800, boxHeight = box.height || 500;
    var marginX = Math.min(90, boxWidth / 5), marginY = Math.min(36, boxHeight / 5);
    var width = Math.max(maxX - minX, 1), height = Math.max(maxY - minY, 1);
    var scale = Math.max(width / (boxWidth - 2 * marginX), height / (boxHeight - 2 * marginY), 0.6);
    var centreX = (minX + maxX) / 2, centreY = (minY + maxY) / 2;
    var maxScale = boxWidth < 700 ? MAX_FIT_SCALE.narrow : MAX_FIT_SCALE.wide;
    if (scale > maxScale) {
      // Too big to show legibly at once (a phone, a very large graph): show the middle, or
      // the focus, at a legible size; the rest is a drag or a zoom away.
      scale = maxScale;
      var focus = nodes.filter(function (node) { return node.pinned; });
      if (focus.length) {
        centreX = focus.reduce(function (sum, node) { return sum + node.x; }, 0) / focus.length;
        centreY = focus.reduce(function (sum, node) { return sum + node.y; }, 0) / focus.length;
      }
    }
    var viewWidth = boxWidth * scale, viewHeight = boxHeight * scale;
    this.view = {
      x: centreX - viewWidth / 2, y: centreY - viewHeight / 2,
      width: viewWidth, height: viewHeight
    };
    this.applyView();
  };

  /* Graph units per screen pixel at the current view (the SVG keeps its aspect: "meet"). */
  Graph.prototype.unitsPerPixel = function () {
    var box = this.svg.getBoundingClientRect();
    if (!box.width || !box.height) return 1;
    return Math.max(this.view.width / box.width, this.view.height / box.height);
  };

  Graph.prototype.applyView = function () {
    var v = this.view;
    this.svg.setAttribute("viewBox", [v.x, v.y, v.width, v.height].map(function (value) {
      return value.toFixed(1);
    }).join(" "));
    // Items and labels keep their size on screen whatever the zoom: zooming in spreads them.
    var scale = this.unitsPerPixel();
    if (Math.abs(scale - this.nodeScale) > 1e-3) {
      this.nodeScale = scale;
      this.updatePositions();
    }
  };

  Graph.prototype.zoomBy = function (factor, cx, cy) {
    var v = this.view;
    if (cx === undefined) { cx = v.x + v.width / 2; cy = v.y + v.height / 2; }
    var width = Math.min(Math.max(v.width * factor, 80), 20000);
    var height = v.height * (width / v.width);
    this.view = { x: cx - (cx - v.x) * (width / v.width), y: cy - (cy - v.y) * (height / v.height), width: width, height: height };
    this.applyView();
  };

  /* A screen point (client coordinates) in graph coordinates. */
  Graph.prototype.toGraph = function (clientX, clientY) {
    var matrix = this.svg.getScreenCTM();
    if (!matrix) return { x: 0, y: 0 };
    var point = this.svg.createSVGPoint();
    point.x = clientX; point.y = clientY;
    var result = point.matrixTransform(matrix.inverse());
    return { x: result.x, y: result.y };
  };

  Graph.prototype.makeDraggable = function (element, node) {
    var self = this;
    var start = null;
    element.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      event.stopPropagation();
      start = { x: event.clientX, y: event.clientY, moved: false, node: { x: node.x, y: node.y }, at: self.toGraph(event.clientX, event.clientY) };
      element.setPointerCapture(event.pointerId);
    });
    element.addEventListener("pointermove", function (event) {
      if (!start) return;
      if (Math.abs(event.clientX - start.x) + Math.abs(event.clientY - start.y) > 4) start.moved = true;
      if (!start.moved) return;
      var at = self.toGraph(event.clientX, event.clientY);
      node.x = start.node.x + at.x - start.at.x;
      node.y = start.node.y + at.y - start.at.y;
      self.updatePositions(true);
    });
    element.addEventListener("pointerup", function () {
      if (start && !start.moved) {
        self.select(node);
      } else if (start) {
        self.placeLabels();
      }
      start = null;
    });
    element.addEventListener("pointercancel", function () { start = null; });
  };

  Graph.prototype.makePannable = function () {
    var self = this;
    var start = null;
    this.svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      start = { at: self.toGraph(event.clientX, event.clientY), view: { x: self.view.x, y: self.view.y }, moved: false, x: event.clientX, y: event.clientY };
      self.svg.setPointerCapture(event.pointerId);
    });
    this.svg.addEventListener("pointermove", function (event) {
      if (!start) return;
      if (Math.abs(event.clientX - start.x) + Math.abs(event.clientY - start.y) > 4) start.moved = true;
      if (!start.moved) return;
      self.svg.classList.add("network__svg--panning");
      // Move the view by the pointer's travel in graph units at the original view.
      var matrix = self.svg.getScreenCTM();
      var scale = matrix ? matrix.a : 1;
      self.view.x = start.view.x - (event.clientX - start.x) / scale;
      self.view.y = start.view.y - (event.clientY - start.y) / scale;
      self.applyView();
    });
    var end = function () {
      if (start && !start.moved) self.clearSelection();
      start = null;
      self.svg.classList.remove("network__svg--panning");
    };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", function () { start = null; });
    this.svg.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) return; // plain wheel scrolls the page
      event.preventDefault();
      var at = self.toGraph(event.clientX, event.clientY);
      self.zoomBy(event.deltaY > 0 ? 1.15 : 1 / 1.15, at.x, at.y);
    }, { passive: false });
  };

  Graph.prototype.onKey = function (event, node) {
    var visible = this.order.filter(function (item) { return !this.hiddenKinds[item.kind]; }, this);
    var index = visible.indexOf(node);
    var next = null;
    switch (event.key) {
      case "ArrowRight": case "ArrowDown": next = visible[(index + 1) % visible.length]; break;
      case "ArrowLeft": case "ArrowUp": next = visible[(index - 1 + visible.length) % visible.length]; break;
      case "Home": next = visible[0]; break;
      case "End": next = visible[visible.length - 1]; break;
      case "Enter": case " ": this.select(node); event.preventDefault(); return;
      case "Escape": this.clearSelection(); event.preventDefault(); return;
      default: return;
    }
    event.preventDefault();
    this.moveFocus(next);
  };

  Graph.prototype.moveFocus = function (node) {
    if (!node) return;
    this.order.forEach(function (item) { item.element.setAttribute("tabindex", "-1"); });
    node.element.setAttribute("tabindex", "0");
    node.element.focus();
    this.ensureVisible(node);
  };

  Graph.prototype.ensureVisible = function (node) {
    var v = this.view;
    var pad = 30;
    if (node.x < v.x + pad || node.x > v.x + v.width - pad || node.y < v.y + pad || node.y > v.y + v.height - pad) {
      this.view.x = node.x - v.width / 2;
      this.view.y = node.y - v.height / 2;
      this.applyView();
    }
  };

  Graph.prototype.clearSelection = function () {
    this.selected = null;
    this.svg.classList.remove("network__svg--selection");
    this.nodes.forEach(function (node) { node.element.classList.remove("is-selected", "is-neighbour"); });
    this.edges.forEach(function (edge) { edge.element.classList.remove("is-active"); });
    this.details.hidden = true;
  };

  Graph.prototype.select = function (node) {
    this.clearSelection();
    this.selected = node;
    this.svg.classList.add("network__svg--selection");
    node.element.classList.add("is-selected");
    node.neighbours.forEach(function (other) { other.element.classList.add("is-neighbour"); });
    this.edges.forEach(function (edge) {
      if (edge.source === node || edge.target === node) edge.element.classList.add("is-active");
    });
    this.showDetails(node);
  };

  Graph.prototype.showDetails = function (node) {
    var self = this;
    var panel = this.details;
    panel.textContent = "";
    panel.hidden = false;
    html("p", { "class": "network__details-kind small muted" }, panel, this.data.kinds[node.kind] || node.kind);
    var heading = html("h3", {}, panel);
    html("bdi", {}, heading, node.label);
    if (node.facts.length) {
      var list = html("dl", { "class": "details small" }, panel);
      node.facts.forEach(function (fact) {
        html("dt", {}, list, fact[0]);
        html("dd", {}, list, fact[1]);
      });
    }
    var actions = html("p", { "class": "cluster" }, panel);
    if (node.url) html("a", { href: node.url, "class": "button button--secondary" }, actions, this.strings.open || "Open");
    if (node.searchable) {
      var search = html("button", { type: "button", "class": "button button--quiet" }, actions, this.strings.search || "Search");
      search.addEventListener("click", function () { self.searchFor(node); });
    }
    if (node.neighbours.length) {
      html("h4", { "class": "small" }, panel, (this.strings.connections || "") + " (" + node.neighbours.length + ")");
      var items = html("ul", { "class": "network__details-links" }, panel);
      node.neighbours.slice().sort(function (a, b) {
        return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.label.localeCompare(b.label);
      }).forEach(function (other) {
        var item = html("li", {}, items);
        var button = html("button", { type: "button", "class": "network__link-button" }, item);
        html("span", { "class": "muted" }, button, (self.data.kinds[other.kind] || other.kind) + " ");
        html("bdi", {}, button, other.label);
        if (other.context && other.context !== node.context) html("span", { "class": "muted small" }, button, " (" + other.context + ")");
        button.addEventListener("click", function () {
          self.select(other);
          self.moveFocus(other);
        });
      });
    }
  };

  /* Phones, documents and plates: fill the page's search form with the value and send it. */
  Graph.prototype.searchFor = function (node) {
    var form = document.querySelector(".network-search__form");
    if (!form) return;
    var kind = node.kind === "vehicle" ? "vehicle" : node.kind;
    var value = node.id.slice(node.id.lastIndexOf(":") + 1);
    if (node.kind === "phone") value = node.id.slice("phone:".length);
    form.elements.kind.value = kind;
    form.elements.value.value = value;
    if (form.elements.issuing_state) {
      var parts = node.id.split(":");
      form.elements.issuing_state.value = node.kind === "document" && parts.length === 3 ? parts[1] : "";
    }
    form.submit();
  };

  Graph.prototype.applyVisibility = function () {
    var hidden = this.hiddenKinds;
    this.nodes.forEach(function (node) {
      node.element.style.display = hidden[node.kind] ? "none" : "";
    });
    this.edges.forEach(function (edge) {
      edge.element.style.display = hidden[edge.source.kind] || hidden[edge.target.kind] ? "none" : "";
    });
    if (this.selected && hidden[this.selected.kind]) this.clearSelection();
    this.placeLabels();
    var firstVisible = this.order.filter(function (node) { return !hidden[node.kind]; })[0];
    this.order.forEach(function (node) { node.element.setAttribute("tabindex", node === firstVisible ? "0" : "-1"); });
  };

  function init(container) {
    var source = document.getElementById(container.getAttribute("data-network-source"));
    if (!source) return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return; // the table next to the graph still shows everything
    }
    if (!data.nodes || !data.nodes.length) return;
    new Graph(container, data);
    // With the graph drawn, the table becomes an option rather than the content.
    var section = container.closest(".network");
    var table = section && section.querySelector("details.network__table");
    if (table) table.open = false;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-network-source]"), init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
