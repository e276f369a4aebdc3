// Network view: Cytoscape.js graph of the watch's actors; bridges highlighted; a time slider refetches the window.
"use strict";
(function () {
  var cy = null;
  var data = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function elements(view) {
    var out = [];
    view.nodes.forEach(function (n) {
      out.push({ group: "nodes", data: { id: n.id, label: n.label, degree: n.degree }, classes: n.roles.join(" ") });
    });
    view.edges.forEach(function (e) {
      out.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, weight: e.weight, relation: e.relation },
        classes: "q" + e.quad + (e.bridge ? " bridge-tie" : "") });
    });
    return out;
  }

  var style = [
    { selector: "node", style: { "label": "data(label)", "font-size": 10, "color": "#1d2330", "background-color": "#98a2b3",
      "width": "mapData(degree, 1, 30, 10, 34)", "height": "mapData(degree, 1, 30, 10, 34)", "text-valign": "bottom", "text-margin-y": 3 } },
    { selector: "node.camp", style: { "background-color": "#7b3fa0" } },
    { selector: "node.focal", style: { "background-color": "#1f5fa8" } },
    { selector: "node.bridge", style: { "background-color": "#e67e22", "border-width": 3, "border-color": "#a04f00",
      "font-weight": "bold", "font-size": 13, "z-index": 10 } },
    { selector: "edge", style: { "width": "mapData(weight, 1, 10, 1, 6)", "line-color": "#c8ced8", "curve-style": "bezier",
      "target-arrow-shape": "triangle", "target-arrow-color": "#c8ced8", "arrow-scale": 0.7, "opacity": 0.8 } },
    { selector: "edge.q1, edge.q2", style: { "line-color": "#7cc494", "target-arrow-color": "#7cc494" } },
    { selector: "edge.q3, edge.q4", style: { "line-color": "#e8988f", "target-arrow-color": "#e8988f" } },
    { selector: "edge.bridge-tie", style: { "line-color": "#e67e22", "target-arrow-color": "#e67e22", "width": 5, "opacity": 1, "z-index": 9 } },
    { selector: ".faded", style: { "opacity": 0.15 } }
  ];

  function nameOf(view, id) {
    return (view.names && view.names[id]) || id;
  }

  function actorLink(view, id) {
    var a = el("a", nameOf(view, id));
    a.href = "/actors/" + encodeURIComponent(id);
    a.title = id;
    return a;
  }

  function showBridges(view) {
    var list = document.getElementById("bridge-list");
    list.textContent = "";
    view.bridges.forEach(function (ob) {
      var box = el("div", null, "outcome-bridges");
      box.dataset.outcome = ob.outcome;
      box.appendChild(el("h3", "→ " + ob.label));
      var ul = el("ul");
      if (!ob.bridges.length) ul.appendChild(el("li", "No bridge in this window.", "muted"));
      ob.bridges.forEach(function (b) {
        var li = el("li", null, "bridge");
        li.dataset.actor = b.actor;
        var a = el("a", b.name);
        a.href = "/actors/" + encodeURIComponent(b.actor);
        a.title = b.actor;
        li.appendChild(a);
        var ties = b.focal_ties.concat(b.camp_ties).map(function (t) { return nameOf(view, t); });
        li.appendChild(el("span", " · ties to " + ties.join(", ") + " · strength " + b.strength, "muted"));
        if (b.evidence.length) {
          var c = b.evidence[0];
          var div = el("div", null, "evidence");
          div.appendChild(el("q", c.sentence, "cite"));
          var src = el("a", " " + (c.label || c.title || "article") + (c.published ? ", " + c.published : "") + " §" + c.sentence_index, "src");
          src.href = "/articles/" + encodeURIComponent(c.article) + "#s" + c.sentence_index;
          div.appendChild(src);
          li.appendChild(div);
        }
        li.addEventListener("mouseenter", function () { focus(b.actor); });
        li.addEventListener("mouseleave", function () { cy.elements().removeClass("faded"); });
        ul.appendChild(li);
      });
      box.appendChild(ul);
      list.appendChild(box);
    });
    var changes = document.getElementById("changes");
    changes.textContent = "";
    if (!view.changes.length) changes.appendChild(el("li", "None among the watched actors.", "muted"));
    view.changes.forEach(function (c) {
      var li = el("li", null, "tie-" + c.status);
      li.appendChild(el("span", c.status + ": ", "muted"));
      li.appendChild(actorLink(view, c.source));
      li.appendChild(document.createTextNode(" — "));
      li.appendChild(actorLink(view, c.target));
      li.appendChild(el("span", " (" + c.weight + " event" + (c.weight === 1 ? "" : "s") + ", " + c.type + ")", "muted"));
      changes.appendChild(li);
    });
    document.getElementById("counts").textContent = view.nodes.length + " actors, " + view.edges.length + " ties" +
      (view.hidden_nodes ? " (" + view.hidden_nodes + " minor actors hidden)" : "");
  }

  function focus(id) {
    var node = cy.getElementById(id);
    if (!node.length) return;
    var hood = node.closedNeighborhood();
    cy.elements().addClass("faded");
    hood.removeClass("faded");
  }

  function draw(view) {
    data = view;
    if (cy) cy.destroy();
    cy = cytoscape({ container: document.getElementById("cy"), elements: elements(view), style: style,
      layout: { name: "cose", animate: false, randomize: false, padding: 30, nodeOverlap: 20, gravity: 40,
        nodeRepulsion: function () { return 400000; }, idealEdgeLength: function () { return 90; } },
      minZoom: 0.2, maxZoom: 3 });
    if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(); }
    cy.on("tap", "node", function (evt) { window.location.href = "/actors/" + encodeURIComponent(evt.target.id()); });
    showBridges(view);
    window.vigilNetwork = { cy: cy, view: view };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var initial = JSON.parse(document.getElementById("page-data").textContent);
    var slider = document.getElementById("until");
    var label = document.getElementById("until-label");
    var watch = window.location.pathname.split("/")[2];
    draw(initial);
    if (slider.disabled || initial.dates.length < 2) return;  // one day (or none): nothing to slide through
    slider.addEventListener("input", function () {
      label.textContent = initial.dates[Number(slider.value)] || "—";
    });
    slider.addEventListener("change", function () {
      var until = initial.dates[Number(slider.value)];
      if (!until) return;
      var q = "?until=" + encodeURIComponent(until) + (initial.since ? "&since=" + encodeURIComponent(initial.since) : "") +
        (initial.as_of ? "&as_of=" + encodeURIComponent(initial.as_of) : "");
      fetch("/api/watches/" + encodeURIComponent(watch) + "/network" + q, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (body) { if (body.ok) draw(body.item); });
    });
  });
})();
