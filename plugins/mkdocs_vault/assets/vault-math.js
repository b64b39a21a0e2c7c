/*
 * Typeset the vault's math with the KaTeX shipped beside this file (never a CDN).
 *
 * pymdownx.arithmatex (generic: true) has already found the math and left code alone:
 * inline math is <span class="arithmatex">\(...\)</span>, display math (including
 * \begin{aligned}... environments) is <div class="arithmatex">\[...\]</div>. We render
 * exactly those elements, so a `$` anywhere else on the page (code, prose) stays text.
 *
 * Material's instant navigation swaps the page without reloading scripts; its
 * `document$` observable emits on every page, so typesetting subscribes to it.
 * Link previews are typeset when Material adds them. Other themes get one pass once
 * the document is parsed.
 */
(function () {
  "use strict";

  // The delimiters arithmatex writes, and whether they mean display math.
  var DELIMITERS = [
    ["\\(", "\\)", false],
    ["\\[", "\\]", true],
    ["$$", "$$", true],
    ["$", "$", false],
  ];

  function unwrap(text, isBlock) {
    var source = text.trim();
    for (var i = 0; i < DELIMITERS.length; i++) {
      var left = DELIMITERS[i][0];
      var right = DELIMITERS[i][1];
      if (
        source.length >= left.length + right.length &&
        source.slice(0, left.length) === left &&
        source.slice(-right.length) === right
      ) {
        return { tex: source.slice(left.length, -right.length), display: DELIMITERS[i][2] };
      }
    }
    return { tex: source, display: isBlock };
  }

  function typeset(root) {
    if (typeof katex === "undefined") {
      return;
    }
    var elements = root.querySelectorAll(".arithmatex");
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i];
      if (element.querySelector(".katex")) {
        continue; // already typeset (a repeated emission of document$)
      }
      var math = unwrap(element.textContent, element.tagName !== "SPAN");
      // throwOnError: false shows a bad formula in red with KaTeX's message as its
      // tooltip instead of leaving the whole page's math untypeset.
      try {
        katex.render(math.tex, element, {
          displayMode: math.display,
          throwOnError: false,
          output: "htmlAndMathml",
        });
      } catch (error) {
        // Not a TeX error (those are shown in place): e.g. a control character pasted
        // into the formula. Leave this one as source, typeset the rest, and say which.
        console.error("mkdocs-vault: cannot typeset " + JSON.stringify(math.tex), error);
      }
    }
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () {
      typeset(document.body);
    });
    // Material's offline build (a site opened from disk) never emits document$; typeset
    // is idempotent, so a pass on load is harmless everywhere else.
    window.addEventListener("load", function () {
      typeset(document.body);
    });
    // Link previews (navigation.instant.preview) copy part of another page into a
    // popover appended to <body>: that copy holds the formulas' source again.
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        var added = mutations[i].addedNodes;
        for (var j = 0; j < added.length; j++) {
          if (added[j].nodeType === 1) {
            typeset(added[j]);
          }
        }
      }
    }).observe(document.body, { childList: true });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      typeset(document.body);
    });
  } else {
    typeset(document.body);
  }
})();
