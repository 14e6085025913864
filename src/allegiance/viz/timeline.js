// The actor timeline page (viz/timeline.py). Every name, quote and title is data: it goes
// into the page as textContent or as an attribute value, never as markup, and vis-timeline
// is handed elements (a string content would be parsed as HTML).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("al-data").textContent);
  var relations = {};
  data.relations.forEach(function (r) {
    // Colours come from the vocabulary, which checks them; a style is still never built from anything else.
    if (!/^#[0-9a-fA-F]{6}$/.test(r.colour)) r.colour = "#b0b0b0";
    if (!/^#[0-9a-fA-F]{6}$/.test(r.glyph_colour)) r.glyph_colour = "#9e9e9e";
    relations[r.id] = r;
  });

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  // ISO days are UTC midnights; the axis is drawn in UTC too (options.moment), so a day
  // never shifts with the reader's time zone.
  function day(iso) { return new Date(iso + "T00:00:00Z"); }
  function isWebLink(url) {
    if (typeof url !== "string") return false;
    try {
      var parsed = new URL(url);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.host !== "";
    } catch (e) {
      return false;
    }
  }

  function groupLabel(group) {
    var r = relations[group.id];
    var box = el("div", "al-group");
    var swatch = el("span", "al-group-swatch");
    swatch.style.backgroundColor = r.colour;
    var glyph = el("span", "al-glyph", r.glyph);
    glyph.style.color = r.glyph_colour;
    box.append(swatch, glyph, el("span", "al-group-text", r.label));
    if (r.contested) box.append(el("span", "al-flag", "contested"));
    return box;
  }

  function itemContent(item) {
    if (item.kind === "label") return el("span", "al-label", item.text);
    if (item.kind === "successor") return el("span", "al-successor-text", item.text);
    return el("span", "al-empty", item.text);  // bars and hatching carry no words
  }

  var groups = new vis.DataSet(data.relations.map(function (r, i) {
    return {id: r.id, order: i, subgroupOrder: "line", className: r.contested ? "al-contested" : "", title: r.label};
  }));
  var items = new vis.DataSet(data.items.map(function (it) {
    var item = {
      id: it.id, group: it.relation, subgroup: it.subgroup, line: it.line, kind: it.kind, text: it.text,
      statement: it.statement, start: day(it.start), type: it.end ? "range" : "point",
      className: it.classes.join(" "), selectable: it.kind === "bar" || !it.end, content: ""
    };
    if (it.end) item.end = day(it.end);
    if (it.kind === "bar") {
      var colour = relations[it.relation].colour;
      item.style = "background-color: " + colour + "; border-color: " + colour + ";";
    }
    return item;
  }));

  var api = {ready: false, items: items, groups: groups, data: data};
  var start = day(data.window.start), end = day(data.window.end);
  var container = document.getElementById("al-timeline");
  var timeline = new vis.Timeline(container, items, groups, {
    moment: function (date) { return vis.moment(date).utc(); },
    min: start, max: end, start: start, end: end,
    stack: false, stackSubgroups: true, orientation: {axis: "both", item: "top"},
    margin: {item: {horizontal: 0, vertical: 8}, axis: 6},
    template: itemContent, groupTemplate: groupLabel,
    showCurrentTime: false,  // the record's "ongoing" is not a claim about today
    showTooltips: false, selectable: true, multiselect: false, dataAttributes: ["id", "kind", "statement"],
    zoomMin: 1000 * 60 * 60 * 24 * 14,
    // vis-timeline keeps its root hidden until the first full draw.
    onInitialDrawComplete: function () { api.ready = true; }
  });

  // A successor's words go right of the day it took over, unless they would run past the
  // right edge: then left of it, under the end of the hold.
  function placeHandovers() {
    var right = container.querySelector(".vis-panel.vis-center").getBoundingClientRect().right;
    container.querySelectorAll(".vis-item.al-successor").forEach(function (box) {
      var dot = box.querySelector(".vis-dot"), text = box.querySelector(".vis-item-content");
      if (!dot || !text) return;
      var fits = dot.getBoundingClientRect().right + 8 + text.getBoundingClientRect().width <= right;
      box.classList.toggle("al-flip", !fits);
    });
  }
  timeline.on("changed", placeHandovers);

  // -- the side panel ------------------------------------------------------------------
  var panel = document.getElementById("al-panel");
  var pinned = null;

  function row(dl, term, value, node) {
    if ((value === undefined || value === null || value === "") && !node) return;
    dl.append(el("dt", null, term));
    var dd = el("dd", null, node ? null : value);
    if (node) dd.append(node);
    dl.append(dd);
  }

  function sourceNode(source) {
    if (!source) return null;
    var box = el("span");
    var title = source.title || source.id;
    if (isWebLink(source.href)) {
      var a = el("a", "al-source-link", title);
      a.href = source.href;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      box.append(a);
    } else {
      box.append(el("span", "al-source-title", title));
      if (source.url) box.append(el("div", "al-source-url", source.url));
    }
    return box;
  }

  function card(st, current) {
    var box = el("section", "al-statement" + (current ? " al-current" : "") + (st.negated ? " al-denied" : ""));
    box.dataset.statement = st.id;
    box.style.borderLeftColor = relations[st.relation].colour;
    var head = el("h3", null, st.label);
    if (st.negated) head.append(el("span", "al-badge", "denial"));
    if (st.superseded) head.append(el("span", "al-badge", "superseded"));
    box.append(head);
    if (st.quote) box.append(el("blockquote", "al-quote", st.quote));
    var dl = el("dl");
    var source = st.source || {};
    row(dl, "source", null, sourceNode(st.source));
    row(dl, "publisher", source.publisher);
    row(dl, "published", source.published);
    row(dl, "claimed by", st.claimed_by_name);
    row(dl, "kind", st.kind);
    row(dl, "start", st.start || "unknown");
    row(dl, "end", st.end || "ongoing");
    if (st.successor) row(dl, "successor", st.successor.name + " took it on " + st.successor.date);
    if (st.predecessor) row(dl, "took it from", st.predecessor.name + " (held until " + st.predecessor.date + ")");
    row(dl, "confidence", st.confidence);
    row(dl, "events", st.weight);
    box.append(dl);
    return box;
  }

  function show(statementId) {
    var st = data.statements[statementId];
    if (!st) return;
    var r = relations[st.relation];
    var heading = el("h2", "al-panel-title", r.label);
    if (r.contested) heading.append(el("span", "al-badge", "contested"));
    var nodes = [heading, card(st, true)];
    var others = r.statements.filter(function (id) { return id !== statementId; });
    if (others.length) {
      nodes.push(el("div", "al-others", "Other statements on this row"));
      others.forEach(function (id) { nodes.push(card(data.statements[id], false)); });
    }
    panel.replaceChildren.apply(panel, nodes);
  }

  function statementOf(itemId) {
    var item = items.get(itemId);
    return item ? item.statement : null;
  }

  timeline.on("itemover", function (props) {
    if (pinned === null) show(statementOf(props.item));
  });
  timeline.on("select", function (props) {
    pinned = props.items.length ? statementOf(props.items[0]) : null;
    if (pinned !== null) show(pinned);
  });

  // For automation and the tests: the timeline, its data, the panel by statement id, and
  // `ready` once the timeline is drawn and visible.
  api.timeline = timeline;
  api.show = show;
  window.allegianceTimeline = api;
})();
