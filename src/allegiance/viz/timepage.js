// The time page's script: relations that hold at the slider's date, on a layout computed once.
// Data comes from the JSON block built by allegiance/viz/timepage.py. Nothing user-written is
// ever parsed as markup: every name, quote and title goes in through textContent.
(function () {
  "use strict";
  const timings = { script: performance.now() }; // ms from navigation start, for scripts/bench_page.py
  const data = JSON.parse(document.getElementById("allegiance-data").textContent);
  timings.parsed = performance.now();
  const steps = data.steps;
  const edges = data.edges;
  const statements = data.statements;
  const names = data.names;
  const UNIX_ORDINAL = 719163; // date(1970, 1, 1).toordinal(): day numbers are Python's ordinals
  const DAY_MS = 86400000;
  const captions = new Map(data.relations.map((r) => [r.relation, r]));
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ dates
  function ordinal(year, month, day) {
    const t = new Date(0);
    t.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years below 100 as they are
    return Math.round(t.getTime() / DAY_MS) + UNIX_ORDINAL;
  }

  // The span of days a partial date covers, as allegiance.model.partial_date.PartialDate does.
  function parseDate(text) {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(String(text));
    if (!m) throw new Error("expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got " + JSON.stringify(text));
    const year = Number(m[1]);
    const month = m[2] === undefined ? null : Number(m[2]);
    const day = m[3] === undefined ? null : Number(m[3]);
    if (year < 1 || (month !== null && (month < 1 || month > 12))) throw new Error("no such date: " + text);
    if (month === null) return { date: text, lo: ordinal(year, 1, 1), hi: ordinal(year, 12, 31) };
    if (day === null) return { date: text, lo: ordinal(year, month, 1), hi: ordinal(year, month + 1, 0) };
    const lo = ordinal(year, month, day);
    if (day < 1 || lo >= ordinal(year, month + 1, 1)) throw new Error("no such date: " + text);
    return { date: text, lo: lo, hi: lo };
  }

  // ------------------------------------------------------------------ state
  const state = {
    current: steps[0],
    index: 0, // the step at or before the current date
    relations: new Set(data.relations.map((r) => r.relation)),
    kinds: new Set(data.kinds),
    focus: null,
    panel: null, // the edge whose statements the side panel shows
    timer: null,
    ready: false,
  };

  // An edge holds over [lo, hi] when an affirming span overlaps it; a denying span overlapping
  // it too makes it contested. Spans are sorted by their first day.
  function holding(edge, lo, hi) {
    const affirming = [];
    const denying = [];
    for (const span of edge.spans) {
      if (span[0] > hi) break;
      if (span[1] >= lo) (span[2] ? denying : affirming).push(span[3]);
    }
    return affirming.length ? { affirming: affirming, denying: denying } : null;
  }

  function passes(edge, held) {
    if (!state.relations.has(edge.relation)) return false;
    if (state.focus !== null && edge.subject !== state.focus && edge.object !== state.focus) return false;
    return held.affirming.some((i) => state.kinds.has(statements[i].kind || ""));
  }

  // Edge index -> what holds, for the edges shown at [lo, hi] under the current filters.
  function shownAt(lo, hi) {
    const out = new Map();
    edges.forEach((edge, i) => {
      const held = holding(edge, lo, hi);
      if (held && passes(edge, held)) out.set(i, held);
    });
    return out;
  }

  // ------------------------------------------------------------------ the network
  const large = data.large;
  const nodesData = new vis.DataSet(data.nodes.map((n) => ({
    id: n.id, label: n.label, shape: n.shape, color: n.color, title: n.title,
  })));
  const edgesData = new vis.DataSet(edges.map((e, i) => {
    const colour = (captions.get(e.relation) || {}).colour || "#b0b0b0";
    return {
      id: i, from: e.subject, to: e.object, relation: e.relation, dashes: false,
      color: { color: colour, highlight: colour, hover: colour },
      smooth: large ? false : { enabled: true, type: "curvedCW", roundness: e.roundness },
    };
  }));
  let shownEdges = null; // null while laying out: every relation of the period
  let shownNodes = null;
  const dashed = new Map();
  const nodeView = new vis.DataView(nodesData, { filter: (n) => shownNodes === null || shownNodes.has(n.id) });
  const edgeView = new vis.DataView(edgesData, { filter: (e) => shownEdges === null || shownEdges.has(e.id) });
  const options = {
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.6 } }, width: large ? 1 : 2 },
    nodes: { size: large ? 8 : 14, font: { size: large ? 11 : 15, face: "sans-serif" } },
    interaction: { hover: !large, tooltipDelay: 150, hideEdgesOnDrag: large, hideEdgesOnZoom: large },
    layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 150 },
    physics: large
      ? { solver: "barnesHut", stabilization: { iterations: 150, updateInterval: 10 },
          barnesHut: { gravitationalConstant: -3000, springLength: 120, avoidOverlap: 0.1 } }
      : { solver: "forceAtlas2Based", stabilization: { iterations: 300, updateInterval: 10 },
          forceAtlas2Based: { gravitationalConstant: -90, springLength: 150, avoidOverlap: 0.5 } },
  };
  timings.datasets = performance.now();
  const LAYOUT_BUDGET_MS = data.layout_budget_ms; // then the layout stops where it is, and the page says so
  const network = new vis.Network($("al-network"), { nodes: nodeView, edges: edgeView }, options);
  timings.network = performance.now();

  function freeze() {
    if (state.ready) return;
    timings.laidOut = performance.now();
    network.setOptions({ physics: false });
    const positions = network.getPositions();
    nodesData.update(Object.keys(positions).map((id) => ({ id: id, x: positions[id].x, y: positions[id].y })));
    network.fit({ animation: false }); // every actor of the period is still in the view: all fit
    if (timings.layoutStoppedAt !== undefined) {
      $("al-layout").textContent = "The layout was stopped after " + LAYOUT_BUDGET_MS / 1000 + " s (" +
        timings.layoutStoppedAt + " of " + options.physics.stabilization.iterations + " rounds): drag actors to tidy it.";
      $("al-layout").hidden = false;
    }
    state.ready = true;
    $("al-progress").textContent = "";
    render();
    api.ready = true;
    api.readyMs = timings.ready = performance.now(); // from navigation start: scripts/bench_page.py reads it
    document.body.dataset.ready = "true";
  }
  network.on("stabilizationProgress", (p) => {
    $("al-progress").textContent = "laying out " + data.nodes.length.toLocaleString() + " actors: " +
      Math.round((100 * p.iterations) / p.total) + "%";
    if (!state.ready && p.iterations < p.total && performance.now() - timings.datasets > LAYOUT_BUDGET_MS) {
      timings.layoutStoppedAt = p.iterations;
      network.stopSimulation(); // ends the stabilisation: freeze() follows
    }
  });
  network.once("stabilizationIterationsDone", freeze);
  network.once("stabilized", freeze);
  if (data.nodes.length === 0) setTimeout(freeze, 0);
  network.on("dragEnd", (params) => {
    if (!params.nodes.length) return;
    const positions = network.getPositions(params.nodes);
    nodesData.update(params.nodes.map((id) => ({ id: id, x: positions[id].x, y: positions[id].y })));
  });

  // ------------------------------------------------------------------ drawing a date
  function edgeText(i) {
    const e = edges[i];
    const caption = (captions.get(e.relation) || {}).caption || e.relation;
    return (names[e.subject] || e.subject) + " " + caption + " " + (names[e.object] || e.object);
  }

  function stepAtOrBefore(lo) {
    let index = 0;
    steps.forEach((s, i) => { if (s.lo <= lo) index = i; });
    return index;
  }

  // The step before the current date: the last one that ends before it starts.
  function previousStep() {
    let found = null;
    steps.forEach((s) => { if (s.hi < state.current.lo) found = s; });
    return found;
  }

  function campColour(nodeId) {
    return data.camps.steps[state.index][nodeId] || data.camps.none;
  }

  let lastShown = new Map();
  function render() {
    if (!state.ready) return;
    const now = shownAt(state.current.lo, state.current.hi);
    const updates = [];
    now.forEach((held, i) => {
      const contested = held.denying.length > 0;
      if ((dashed.get(i) || false) !== contested) { dashed.set(i, contested); updates.push({ id: i, dashes: contested }); }
    });
    if (updates.length) edgesData.update(updates);
    if (data.camps) {
      const colours = [];
      nodesData.forEach((n) => {
        const c = campColour(n.id);
        if (n.color !== c) colours.push({ id: n.id, color: c });
      });
      if (colours.length) nodesData.update(colours);
    }
    shownEdges = new Set(now.keys());
    shownNodes = new Set();
    now.forEach((_, i) => { shownNodes.add(edges[i].subject); shownNodes.add(edges[i].object); });
    if (state.focus !== null) shownNodes.add(state.focus);
    nodeView.refresh();
    edgeView.refresh();
    lastShown = now;
    $("al-date").textContent = state.current.date;
    $("al-count").textContent = now.size.toLocaleString() + " relation" + (now.size === 1 ? "" : "s");
    $("al-slider").value = String(state.index);
    renderChanges(now);
    renderCounts(now);
    if (state.panel !== null) renderPanel();
  }

  function changesNow(now) {
    const before = previousStep();
    const then = before ? shownAt(before.lo, before.hi) : new Map();
    const added = [...now.keys()].filter((i) => !then.has(i));
    const removed = [...then.keys()].filter((i) => !now.has(i));
    const byText = (a, b) => edgeText(a).localeCompare(edgeText(b));
    return { since: before ? before.date : null, added: added.sort(byText), removed: removed.sort(byText) };
  }

  const CHANGES_SHOWN = 200;
  function renderChanges(now) {
    const box = $("al-changes");
    box.replaceChildren();
    const changes = changesNow(now);
    const head = document.createElement("div");
    head.className = "al-muted";
    head.textContent = changes.since === null
      ? "first step: " + changes.added.length + " relation(s) hold"
      : "since " + changes.since + ": " + changes.added.length + " added, " + changes.removed.length + " removed";
    box.appendChild(head);
    const rows = changes.added.map((i) => [i, "al-added"]).concat(changes.removed.map((i) => [i, "al-removed"]));
    rows.slice(0, CHANGES_SHOWN).forEach(([i, cls]) => {
      const div = document.createElement("div");
      div.className = "al-change " + cls;
      div.textContent = edgeText(i);
      div.title = cls === "al-added" ? "holds now; click for its statements" : "held at the step before";
      div.addEventListener("click", () => openPanel(i));
      box.appendChild(div);
    });
    if (rows.length > CHANGES_SHOWN) {
      const more = document.createElement("div");
      more.className = "al-muted";
      more.textContent = "\u2026 and " + (rows.length - CHANGES_SHOWN).toLocaleString() + " more";
      box.appendChild(more);
    }
  }

  function renderCounts(now) {
    const counts = new Map();
    now.forEach((_, i) => counts.set(edges[i].relation, (counts.get(edges[i].relation) || 0) + 1));
    document.querySelectorAll("#al-relations input").forEach((box) => {
      box.parentElement.querySelector(".al-n").textContent = " (" + (counts.get(box.value) || 0) + ")";
    });
  }

  // ------------------------------------------------------------------ the statements panel
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function sourceLine(id) {
    const line = el("div");
    const src = data.sources[id] || {};
    const title = src.title || id;
    const url = typeof src.url === "string" ? src.url.trim() : "";
    if (/^https?:\/\//i.test(url)) {
      const a = el("a", title);
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      line.appendChild(a);
    } else {
      line.appendChild(el("span", title));
      if (url) line.appendChild(el("span", " (" + url + ")", "al-muted"));
    }
    const extra = [src.publisher, src.published].filter((x) => x).join(", ");
    if (extra) line.appendChild(el("span", " \u2014 " + extra, "al-muted"));
    return line;
  }

  function statementBox(i) {
    const st = statements[i];
    const box = el("div", null, "al-statement");
    const head = el("div");
    if (st.negated) head.appendChild(el("span", "denies", "al-badge al-denies"));
    if (st.kind) head.appendChild(el("span", st.kind, "al-badge"));
    head.appendChild(el("span", (st.start || "unknown") + " \u2013 " + (st.end || "ongoing")));
    if (st.until) head.appendChild(el("span", " (held until " + st.until + ", when a successor took over)", "al-muted"));
    box.appendChild(head);
    if (st.source) box.appendChild(sourceLine(st.source));
    if (st.quote) box.appendChild(el("blockquote", st.quote));
    if (st.claimed_by) box.appendChild(el("div", "claimed by " + (names[st.claimed_by] || st.claimed_by), "al-muted"));
    if (st.confidence !== null && st.confidence !== undefined) box.appendChild(el("div", "confidence " + st.confidence, "al-muted"));
    box.appendChild(el("div", st.id, "al-muted al-small"));
    return box;
  }

  function openPanel(i) {
    state.panel = i;
    network.selectEdges([i].filter((id) => edgeView.get(id) !== null));
    renderPanel();
  }

  function renderPanel() {
    const i = state.panel;
    const edge = edges[i];
    const body = $("al-panel-body");
    body.replaceChildren();
    body.appendChild(el("h3", edgeText(i)));
    const held = holding(edge, state.current.lo, state.current.hi);
    const status = el("div");
    if (held) {
      status.appendChild(el("span", "holds at " + state.current.date + " "));
      if (held.denying.length) status.appendChild(el("span", "contested", "al-badge al-contested"));
    } else {
      status.appendChild(el("span", "does not hold at " + state.current.date, "al-muted"));
    }
    body.appendChild(status);
    const now = held ? held.affirming.concat(held.denying) : [];
    if (now.length) {
      body.appendChild(el("h4", "Statements at " + state.current.date + " (" + now.length + ")"));
      now.forEach((s) => body.appendChild(statementBox(s)));
    }
    const others = edge.spans.map((s) => s[3]).filter((s) => !now.includes(s));
    if (others.length) {
      const more = el("details");
      more.appendChild(el("summary", "At other dates (" + others.length + ")"));
      others.forEach((s) => more.appendChild(statementBox(s)));
      if (!now.length) more.open = true;
      body.appendChild(more);
    }
    $("al-panel").hidden = false;
  }

  function closePanel() {
    state.panel = null;
    $("al-panel").hidden = true;
  }

  network.on("click", (params) => {
    if (params.nodes.length === 0 && params.edges.length > 0) openPanel(params.edges[0]);
    else if (params.nodes.length === 0) closePanel();
  });
  network.on("doubleClick", (params) => { if (params.nodes.length) focus(params.nodes[0]); });
  $("al-close").addEventListener("click", closePanel);

  // ------------------------------------------------------------------ moving through time
  function setStep(index) {
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0 || i >= steps.length) throw new Error("no step " + index + " (0 to " + (steps.length - 1) + ")");
    state.current = steps[i];
    state.index = i;
    render();
    return state.current.date;
  }

  function setDate(text) {
    const exact = steps.findIndex((s) => s.date === text);
    if (exact >= 0) return setStep(exact);
    state.current = parseDate(text);
    state.index = stepAtOrBefore(state.current.lo);
    render();
    return state.current.date;
  }

  function pause() {
    if (state.timer !== null) clearInterval(state.timer);
    state.timer = null;
    $("al-play").textContent = "\u25b6 play";
  }

  function play() {
    pause();
    if (state.index >= steps.length - 1) setStep(0);
    state.timer = setInterval(() => {
      if (state.index >= steps.length - 1) pause();
      else setStep(state.index + 1);
    }, Number($("al-speed").value));
    $("al-play").textContent = "\u275a\u275a pause";
  }

  $("al-slider").max = String(steps.length - 1);
  $("al-slider").addEventListener("input", (e) => setStep(e.target.value));
  $("al-play").addEventListener("click", () => (state.timer === null ? play() : pause()));
  $("al-prev").addEventListener("click", () => setStep(Math.max(0, state.index - (steps[state.index] === state.current ? 1 : 0))));
  $("al-next").addEventListener("click", () => setStep(Math.min(steps.length - 1, state.index + 1)));
  $("al-speed").addEventListener("change", () => { if (state.timer !== null) play(); });
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === " ") { e.preventDefault(); state.timer === null ? play() : pause(); }
    if (e.key === "ArrowLeft") $("al-prev").click();
    if (e.key === "ArrowRight") $("al-next").click();
  });

  // ------------------------------------------------------------------ filters and focus
  function checkbox(container, value, text, checked, swatch, onChange) {
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.value = value;
    box.checked = checked;
    box.addEventListener("change", () => onChange(box));
    label.appendChild(box);
    if (swatch) label.appendChild(swatch);
    label.appendChild(el("span", text));
    label.appendChild(el("span", "", "al-n al-muted"));
    container.appendChild(label);
  }

  data.relations.forEach((r) => {
    const swatch = el("span", null, "al-line");
    swatch.style.borderTopColor = r.colour;
    checkbox($("al-relations"), r.relation, r.caption, true, swatch, (box) => {
      if (box.checked) state.relations.add(r.relation); else state.relations.delete(r.relation);
      render();
    });
  });
  data.kinds.forEach((k) => {
    checkbox($("al-kinds"), k, k || "(no kind given)", true, null, (box) => {
      if (box.checked) state.kinds.add(k); else state.kinds.delete(k);
      render();
    });
  });
  function setKinds(kinds) {
    state.kinds = new Set(kinds);
    document.querySelectorAll("#al-kinds input").forEach((box) => { box.checked = state.kinds.has(box.value); });
    render();
  }
  function setRelations(relations) {
    state.relations = new Set(relations);
    document.querySelectorAll("#al-relations input").forEach((box) => { box.checked = state.relations.has(box.value); });
    render();
  }
  $("al-kinds-all").addEventListener("click", () => setKinds(data.kinds));
  $("al-kinds-none").addEventListener("click", () => setKinds([]));

  data.nodes.forEach((n) => {
    const option = el("option");
    option.value = n.label === n.id ? n.id : n.label + " (" + n.id + ")";
    $("al-actors").appendChild(option);
  });

  function findActor(text) {
    const t = String(text).trim();
    const lower = t.toLowerCase();
    const exact = data.nodes.find((n) => n.id === t || n.label.toLowerCase() === lower ||
      (n.label + " (" + n.id + ")").toLowerCase() === lower);
    return exact || data.nodes.find((n) => n.label.toLowerCase().includes(lower) || n.id.includes(lower)) || null;
  }

  function focus(actor) {
    if (actor === null || actor === "") {
      state.focus = null;
      $("al-focus").hidden = true;
      $("al-search").value = "";
      render();
      network.fit({ animation: false });
      return null;
    }
    const node = findActor(actor);
    if (node === null) throw new Error("no actor on this page matches " + JSON.stringify(actor));
    state.focus = node.id;
    $("al-focus-name").textContent = node.label;
    $("al-focus").hidden = false;
    render();
    network.fit({ nodes: [...shownNodes], animation: false });
    return node.id;
  }
  $("al-search").addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    try { focus(e.target.value); e.target.setCustomValidity(""); } catch (err) { e.target.setCustomValidity(err.message); e.target.reportValidity(); }
  });
  $("al-search").addEventListener("change", (e) => {
    const node = findActor(e.target.value);
    if (node && e.target.value.endsWith("(" + node.id + ")")) focus(node.id);
  });
  $("al-unfocus").addEventListener("click", () => focus(null));

  // ------------------------------------------------------------------ legend and notes
  $("al-title").textContent = data.title;
  if (data.known_at) $("al-title").appendChild(el("div", "known at " + data.known_at, "al-muted al-small"));
  $("al-first").textContent = steps[0].date;
  $("al-last").textContent = steps[steps.length - 1].date;
  data.node_types.forEach((t) => {
    const row = el("div");
    const glyph = el("span", t.glyph, "al-glyph");
    glyph.style.color = t.colour;
    row.appendChild(glyph);
    row.appendChild(el("span", t.type.replace(/_/g, " ")));
    $("al-node-legend").appendChild(row);
  });
  if (data.camps) {
    $("al-node-legend").appendChild(el("div", "colour: camp at the step (camps --every); grey: in no camp", "al-muted"));
  }
  if (data.note) {
    $("al-note").textContent = data.note;
    $("al-note").hidden = false;
  }

  // ------------------------------------------------------------------ the API
  const api = {
    ready: false,
    steps: steps.map((s) => s.date),
    setDate: setDate,
    setStep: setStep,
    date: () => state.current.date,
    step: () => state.index,
    visibleEdges: () => [...lastShown.keys()].map((i) => ({ subject: edges[i].subject, relation: edges[i].relation, object: edges[i].object })),
    contestedEdges: () => [...lastShown].filter(([, h]) => h.denying.length > 0).map(([i]) => ({ subject: edges[i].subject, relation: edges[i].relation, object: edges[i].object })),
    changes: () => {
      const c = changesNow(lastShown);
      const key = (i) => ({ subject: edges[i].subject, relation: edges[i].relation, object: edges[i].object });
      return { since: c.since, added: c.added.map(key), removed: c.removed.map(key) };
    },
    play: play,
    pause: pause,
    playing: () => state.timer !== null,
    focus: focus,
    setRelations: setRelations,
    setKinds: setKinds,
    openEdge: (subject, relation, object) => {
      const i = edges.findIndex((e) => e.subject === subject && e.relation === relation && e.object === object);
      if (i < 0) throw new Error("no such relation on this page");
      openPanel(i);
    },
    network: network,
    timings: timings,
  };
  window.allegiance = api;
})();
