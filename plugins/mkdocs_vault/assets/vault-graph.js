/*
 * The graph view, drawn from the site's own graph.json with the force-graph library
 * vendored beside this file (graph/force-graph.min.js, MIT; never a CDN).
 *
 * - `[data-vault-graph="global"]` (the generated graph page) shows every note;
 *   `[data-vault-graph="local"]` (the panel at the end of a note) shows the note, the
 *   notes it links to and the notes that link to it, as Obsidian's local graph does.
 * - Cheap: the library and the data are fetched only when a graph scrolls into view;
 *   the simulation stops after a few seconds (force-graph then stops redrawing until
 *   something moves), and a graph scrolled out of view pauses its animation loop.
 * - Material's instant navigation swaps pages without reloading scripts: `document$`
 *   emits on every page, so each emission disposes the previous page's graphs (no
 *   animation loop outlives its page) and draws the new ones.
 * - Colours come from Material's CSS variables and are read again when the palette
 *   (light/dark, primary, accent) switches.
 * - A click on a node opens that note (through instant navigation when it is on).
 *
 * Tests find a graph's force-graph instance as `element.vaultGraph`.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  // This file is assets/mkdocs_vault/vault-graph.js: the site root is two folders up.
  var base = script ? script.src.replace(/[^/]*$/, "") : "assets/mkdocs_vault/";
  var root = new URL("../../", new URL(base, location.href)).href;
  var library = null;
  var data = null;
  var live = [];
  // A graph of three notes fitted to the panel would show giant dots: cap the fit.
  var MAX_FIT_ZOOM = 3;
  // How long a local graph must stay in view before the library and data are fetched.
  var LOCAL_DWELL_MS = 400;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.async = true;
      element.onload = resolve;
      element.onerror = function () {
        reject(new Error("mkdocs-vault: could not load " + src));
      };
      document.head.appendChild(element);
    });
  }

  function getLibrary() {
    if (!library) {
      library = window.ForceGraph
        ? Promise.resolve(window.ForceGraph)
        : load(base + "graph/force-graph.min.js").then(function () {
            return window.ForceGraph;
          });
    }
    return library;
  }

  function getData() {
    if (!data) {
      if (window.mkdocsVaultGraph) {
        data = Promise.resolve(window.mkdocsVaultGraph);
      } else if (location.protocol === "file:") {
        // Browsers refuse fetch() on file://, but still run a script beside the page.
        data = load(base + "graph-data.js").then(function () {
          return window.mkdocsVaultGraph;
        });
      } else {
        data = fetch(base + "graph.json").then(function (response) {
          if (!response.ok) throw new Error("mkdocs-vault: graph.json " + response.status);
          return response.json();
        });
      }
    }
    return data;
  }

  function palette(element) {
    var style = getComputedStyle(element);
    function read(name, fallback) {
      return style.getPropertyValue(name).trim() || fallback;
    }
    return {
      node: read("--md-default-fg-color--light", "#777"),
      text: read("--md-default-fg-color", "#222"),
      link: read("--md-default-fg-color--lighter", "#bbb"),
      accent: read("--md-accent-fg-color", "#526cfe"),
      primary: read("--md-primary-fg-color", "#4051b5"),
    };
  }

  // The nodes and edges to draw: everything, or one note and its neighbours.
  function subgraph(graph, kind, noteId) {
    var edges = graph.edges;
    var keep = null;
    if (kind === "local") {
      keep = {};
      keep[noteId] = true;
      edges.forEach(function (edge) {
        if (edge.source === noteId) keep[edge.target] = true;
        if (edge.target === noteId) keep[edge.source] = true;
      });
    }
    var nodes = graph.nodes
      .filter(function (node) {
        return !keep || keep[node.id];
      })
      .map(function (node) {
        return { id: node.id, title: node.title, url: node.url, degree: 0 };
      });
    var byId = {};
    nodes.forEach(function (node) {
      byId[node.id] = node;
    });
    var links = edges
      .filter(function (edge) {
        return byId[edge.source] && byId[edge.target];
      })
      .map(function (edge) {
        byId[edge.source].degree += 1;
        byId[edge.target].degree += 1;
        return { source: edge.source, target: edge.target, kind: edge.kind };
      });
    nodes.forEach(function (node) {
      node.radius = 2.5 + Math.sqrt(node.degree) * 0.6; // hubs a little larger, as in Obsidian
    });
    return { nodes: nodes, links: links };
  }

  function navigate(url) {
    // A real click on a real link, so Material's instant navigation can take it.
    var link = document.createElement("a");
    link.href = url;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function draw(element, ForceGraph, graph) {
    var kind = element.getAttribute("data-vault-graph");
    var noteId = element.getAttribute("data-note");
    var state = { colors: palette(element), hover: null };
    var shown = subgraph(graph, kind, noteId);
    var neighbours = {};
    shown.links.forEach(function (link) {
      (neighbours[link.source] = neighbours[link.source] || []).push(link.target);
      (neighbours[link.target] = neighbours[link.target] || []).push(link.source);
    });
    function near(node) {
      var hover = state.hover;
      return hover && (hover === node || (neighbours[hover.id] || []).indexOf(node.id) >= 0);
    }

    var instance = new ForceGraph(element)
      .width(element.clientWidth)
      .height(element.clientHeight)
      .nodeId("id")
      .nodeLabel(function () {
        return ""; // names are drawn on the canvas
      })
      .nodeRelSize(1)
      .nodeVal(function (node) {
        return node.radius * node.radius;
      })
      .nodeCanvasObject(function (node, context, scale) {
        var colors = state.colors;
        var current = node.id === noteId;
        context.beginPath();
        context.arc(node.x, node.y, node.radius, 0, 2 * Math.PI);
        context.fillStyle = current || near(node) ? colors.accent : colors.node;
        context.fill();
        if (kind === "local" || scale > 1.6 || near(node) || current) {
          var size = Math.max(10 / scale, 2.5);
          context.font = size + "px sans-serif";
          context.textAlign = "center";
          context.textBaseline = "top";
          context.fillStyle = colors.text;
          context.fillText(node.title, node.x, node.y + node.radius + 1.5);
        }
      })
      .linkColor(function (link) {
        var touches = state.hover && (link.source === state.hover || link.target === state.hover);
        return touches ? state.colors.accent : state.colors.link;
      })
      .linkLineDash(function (link) {
        return link.kind === "embed" ? [2, 1.5] : null;
      })
      .onNodeHover(function (node) {
        state.hover = node || null;
        redraw(instance); // a settled graph only redraws when asked
      })
      .onNodeClick(function (node) {
        navigate(new URL(node.url, root).href);
      })
      .cooldownTime(kind === "local" ? 3000 : 6000)
      .onEngineStop(function () {
        if (element.getAttribute("data-state") !== "settled") {
          instance.zoomToFit(0, 24);
          if (instance.zoom() > MAX_FIT_ZOOM) instance.zoom(MAX_FIT_ZOOM);
          element.setAttribute("data-state", "settled");
        }
      })
      .graphData(shown);
    // Spread the nodes so names have room; linked notes still pull together.
    instance.d3Force("charge").strength(-90);
    instance.d3Force("link").distance(45);
    instance.zoom(kind === "local" ? 2.5 : 1);
    element.vaultGraph = instance;
    element.setAttribute("data-state", "drawn");

    var entry = { element: element, graph: instance, state: state, observers: [] };
    if (window.ResizeObserver) {
      var resize = new ResizeObserver(function () {
        if (element.clientWidth) instance.width(element.clientWidth).height(element.clientHeight);
      });
      resize.observe(element);
      entry.observers.push(resize);
    }
    return entry;
  }

  function setup(element) {
    var entry = { element: element, graph: null, observers: [], disposed: false };
    live.push(entry);
    function start() {
      if (entry.started) return;
      entry.started = true;
      Promise.all([getLibrary(), getData()])
        .then(function (loaded) {
          if (entry.disposed) return;
          var drawn = draw(element, loaded[0], loaded[1]);
          entry.graph = drawn.graph;
          entry.state = drawn.state;
          entry.observers = entry.observers.concat(drawn.observers);
        })
        .catch(function (error) {
          element.setAttribute("data-state", "failed");
          element.textContent = "The graph could not be drawn.";
          console.warn(error);
        });
    }
    var isGlobal = element.getAttribute("data-vault-graph") === "global";
    if (!window.IntersectionObserver) return start();
    var visible = new IntersectionObserver(function (entries) {
      var inView = entries[entries.length - 1].isIntersecting;
      clearTimeout(entry.timer);
      // A local graph that is only scrolled past (or clicked past) costs no download.
      if (inView) entry.timer = setTimeout(start, isGlobal ? 0 : LOCAL_DWELL_MS);
      // Off-screen graphs stop their animation loop; back in view, they go on.
      if (entry.graph) inView ? entry.graph.resumeAnimation() : entry.graph.pauseAnimation();
    });
    visible.observe(element);
    entry.observers.push(visible);
  }

  function dispose() {
    live.forEach(function (entry) {
      entry.disposed = true;
      clearTimeout(entry.timer);
      entry.observers.forEach(function (observer) {
        observer.disconnect();
      });
      if (entry.graph) {
        entry.graph._destructor(); // stops its requestAnimationFrame loop
        entry.element.vaultGraph = null;
      }
    });
    live = [];
  }

  function redraw(instance) {
    instance.zoom(instance.zoom()); // an unchanged zoom marks the canvas for one redraw
  }

  function repaint() {
    live.forEach(function (entry) {
      if (!entry.graph) return;
      entry.state.colors = palette(entry.element);
      redraw(entry.graph);
    });
  }

  function init() {
    dispose();
    document.querySelectorAll("[data-vault-graph]").forEach(setup);
  }

  // The palette toggle rewrites these attributes on <body>; the variables follow them.
  new MutationObserver(function () {
    requestAnimationFrame(repaint);
  }).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme", "data-md-color-primary", "data-md-color-accent"],
  });

  var started = false;
  function onPage() {
    started = true;
    init();
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
    // Material's offline build (a site opened from disk) never emits document$.
    window.addEventListener("load", function () {
      if (!started) onPage();
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
