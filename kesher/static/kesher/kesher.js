// Small behaviours the pages work without: closing menus and the search panel, copy buttons,
// focus on the first field to fix.
(function () {
  "use strict";

  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }

  function searchPanel() {
    return document.getElementById("search-results");
  }

  function hidePanel() {
    var panel = searchPanel();
    if (panel) {
      panel.hidden = true;
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    closeMenus(target.closest ? target.closest("details.menu") : null);
    if (!target.closest || !target.closest(".global-search")) {
      hidePanel();
    }
    var copy = target.closest ? target.closest("[data-copy]") : null;
    if (copy) {
      copyFrom(copy);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector("details.menu[open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
    var panel = searchPanel();
    if (panel && !panel.hidden && panel.contains(document.activeElement)) {
      document.getElementById("global-q").focus();
    }
    hidePanel();
  });

  // Showing new results (or focusing the box again) brings the panel back.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target === searchPanel()) {
      searchPanel().hidden = false;
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.id === "global-q" && searchPanel()) {
      searchPanel().hidden = false;
    }
  });

  // After a refused submit the first field to fix takes the focus (so a screen reader reads its
  // error), rather than the field the page would autofocus. Django marks it aria-invalid.
  function focusFirstInvalid(root) {
    var field = root.querySelector("form [aria-invalid='true']");
    if (field) {
      field.focus();
    }
  }

  focusFirstInvalid(document);
  document.addEventListener("htmx:afterSwap", function (event) {
    focusFirstInvalid(event.target);
  });

  function copyFrom(button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    var done = function () {
      var label = button.getAttribute("data-copied");
      if (label) {
        var original = button.textContent;
        button.textContent = label;
        setTimeout(function () {
          button.textContent = original;
        }, 2000);
      }
    };
    // The clipboard API needs a secure origin; a plain-http LAN address falls back to select+copy.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done);
    } else {
      source.select();
      document.execCommand("copy");
      done();
    }
  }
})();
