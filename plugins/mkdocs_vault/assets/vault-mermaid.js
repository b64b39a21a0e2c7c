/*
 * Draw the vault's ```mermaid blocks with the mermaid shipped beside this file
 * (mermaid/mermaid.min.js, MIT; never a CDN).
 *
 * - The fence (mermaid.py) leaves <pre class="vault-mermaid"><code>source</code></pre>.
 *   The bundle is large (see mermaid/README.md), so it is loaded once, and only on a
 *   page that has such a block; every other page costs one querySelectorAll.
 * - A plain <script> (not an ES module), so it also runs from file:// where browsers
 *   refuse module scripts.
 * - Light/dark: Material's palette toggle sets data-md-color-scheme on <body> ("slate"
 *   is dark); MkDocs' own theme sets data-bs-theme on <html>. Diagrams are redrawn in
 *   mermaid's "dark" or "default" theme when either changes.
 * - A diagram mermaid cannot parse shows mermaid's message and the source in its place
 *   (suppressErrorRendering: no "bomb" SVG, and no leftover at the end of <body>); the
 *   other diagrams and the page's other scripts carry on.
 * - Material's instant navigation swaps pages without reloading scripts: drawing
 *   re-runs on its `document$`. Other themes, and Material opened from disk (where
 *   document$ does not emit), get a pass once the document is loaded; the pass is
 *   idempotent. Link previews (navigation.instant.preview) are drawn when Material
 *   adds them to <body>.
 *
 * Tests read a drawn block as .vault-mermaid-diagram[data-vault-mermaid="drawn"|"error"].
 */
(function () {
  "use strict";

  var script = document.currentScript;
  // The folder this script was served from: the bundle sits beside it.
  var base = script ? script.src.replace(/[^/]*$/, "") : "assets/mkdocs_vault/";
  var bundle = null; // the promise of the loaded bundle, once asked for
  var queue = Promise.resolve(); // mermaid draws one diagram at a time
  var counter = 0;
  var current = null; // the mermaid theme diagrams were last drawn in

  function load() {
    if (!bundle) {
      bundle = new Promise(function (resolve, reject) {
        if (typeof window.mermaid !== "undefined" && !(window.mermaid instanceof Element)) {
          resolve(window.mermaid); // already on the page (a site owner's own copy)
          return;
        }
        var element = document.createElement("script");
        element.src = base + "mermaid/mermaid.min.js";
        element.onload = function () {
          resolve(window.mermaid);
        };
        element.onerror = function () {
          bundle = null; // a later page may try again
          reject(new Error("mkdocs-vault: could not load " + element.src));
        };
        document.head.appendChild(element);
      });
    }
    return bundle;
  }

  function theme() {
    var body = document.body;
    if (body && body.getAttribute("data-md-color-scheme") === "slate") {
      return "dark";
    }
    return document.documentElement.getAttribute("data-bs-theme") === "dark"
      ? "dark"
      : "default";
  }

  // Wrap each new block in a container that keeps its source; the code stays
  // visible inside it until the diagram is drawn.
  function collect(root) {
    var boxes = [];
    var blocks = root.querySelectorAll("pre.vault-mermaid");
    for (var i = 0; i < blocks.length; i++) {
      var pre = blocks[i];
      var parent = pre.parentNode;
      if (!parent || (parent.classList && parent.classList.contains("vault-mermaid-diagram"))) {
        continue; // already collected (a repeated emission of document$)
      }
      var code = pre.querySelector("code") || pre;
      var box = document.createElement("div");
      box.className = "vault-mermaid-diagram";
      box.setAttribute("data-vault-mermaid", "pending");
      box.vaultMermaidSource = code.textContent;
      parent.replaceChild(box, pre);
      box.appendChild(pre);
      boxes.push(box);
    }
    return boxes;
  }

  // mermaid renders in a scratch element appended to <body>; after a failure it can
  // stay there (or, without suppressErrorRendering, become the bomb picture).
  function removeScratch(id) {
    var ids = [id, "d" + id, "i" + id];
    for (var i = 0; i < ids.length; i++) {
      var element = document.getElementById(ids[i]);
      if (element && element.parentNode) {
        element.parentNode.removeChild(element);
      }
    }
  }

  function showError(box, error) {
    var message = (error && (error.message || error.str)) || String(error);
    var panel = document.createElement("div");
    panel.className = "vault-mermaid-error";
    panel.setAttribute("role", "note");
    var title = document.createElement("p");
    title.className = "vault-mermaid-error__title";
    title.textContent = "This Mermaid diagram has an error and cannot be drawn:";
    var detail = document.createElement("pre");
    detail.className = "vault-mermaid-error__message";
    detail.textContent = message;
    var source = document.createElement("pre");
    source.className = "vault-mermaid-error__source";
    var code = document.createElement("code");
    code.textContent = box.vaultMermaidSource;
    source.appendChild(code);
    panel.appendChild(title);
    panel.appendChild(detail);
    panel.appendChild(source);
    box.textContent = "";
    box.appendChild(panel);
    box.setAttribute("data-vault-mermaid", "error");
  }

  function drawOne(mermaid, box, name) {
    if (!box.isConnected) {
      return Promise.resolve(); // the page was navigated away from meanwhile
    }
    var id = "vault-mermaid-" + ++counter;
    var drawing;
    try {
      drawing = Promise.resolve(mermaid.render(id, box.vaultMermaidSource));
    } catch (error) {
      drawing = Promise.reject(error);
    }
    return drawing.then(
      function (result) {
        removeScratch(id);
        // mermaid's own output, sanitized by mermaid itself (securityLevel "strict").
        box.innerHTML = result.svg;
        if (result.bindFunctions) {
          result.bindFunctions(box);
        }
        box.setAttribute("data-vault-mermaid", "drawn");
        box.vaultMermaidTheme = name;
      },
      function (error) {
        removeScratch(id);
        showError(box, error);
        box.vaultMermaidTheme = name;
        console.warn("mkdocs-vault: a Mermaid diagram has an error:", error && error.message);
      }
    );
  }

  function draw(boxes) {
    if (!boxes.length) {
      return;
    }
    load().then(
      function (mermaid) {
        queue = queue.then(function () {
          var name = theme();
          if (name !== current) {
            current = name;
            mermaid.initialize({
              startOnLoad: false,
              securityLevel: "strict",
              suppressErrorRendering: true,
              theme: name,
            });
          }
          return boxes.reduce(function (chain, box) {
            return chain.then(function () {
              return drawOne(mermaid, box, name);
            });
          }, Promise.resolve());
        });
      },
      function (error) {
        // The blocks stay readable as code.
        console.warn(error.message);
      }
    );
  }

  function drawPage() {
    draw(collect(document.body));
  }

  // Redraw every diagram already drawn when the light/dark scheme changes.
  function followScheme() {
    if (!bundle || theme() === current) {
      return;
    }
    var boxes = document.querySelectorAll(".vault-mermaid-diagram");
    draw(Array.prototype.slice.call(boxes));
  }

  function start() {
    drawPage();
    var observer = new MutationObserver(followScheme);
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-bs-theme"],
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(drawPage);
    window.addEventListener("load", start);
    // Link previews (navigation.instant.preview) copy part of another page into a
    // popover appended to <body>: its diagrams are drawn there too.
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        var added = mutations[i].addedNodes;
        for (var j = 0; j < added.length; j++) {
          if (added[j].nodeType === 1) {
            draw(collect(added[j]));
          }
        }
      }
    }).observe(document.body, { childList: true });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
