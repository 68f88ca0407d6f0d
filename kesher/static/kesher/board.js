// The deals board: drag a card to another column, or open its "Move…", to move the deal.
//
// The board has one "move to" form, in a dialog (board.html). A card's "Move…" is a link to
// the deal page's own "move to" (what browsers without JavaScript use); here it opens the
// dialog for that card instead. A drop on a column posts the same request without the dialog.
// htmx posts it and swaps in the card the server sends back. That card says which stage the
// deal is really in (data-stage), so a refused move (a value case still missing, say) puts the
// card back in its column, with the reason shown on it; the column heads (counts and sums)
// come back in the same answer.
(function () {
  "use strict";

  var dragged = null;
  // The card whose "Move…" opened the dialog, to give the focus back when it closes.
  var opener = null;

  function board() {
    return document.querySelector("[data-board]");
  }

  function dialog() {
    return document.getElementById("move-dialog");
  }

  function dialogForm() {
    var root = dialog();
    return root ? root.querySelector("form[data-move-dialog-form]") : null;
  }

  function columnList(stage) {
    var root = board();
    return root ? root.querySelector('[data-drop-stage="' + stage + '"]') : null;
  }

  function cardOf(element) {
    return element && element.closest ? element.closest("[data-deal][data-stage]") : null;
  }

  function moveUrl(form, deal) {
    return form.getAttribute("data-move-url").replace(form.getAttribute("data-row-slot"), deal);
  }

  // A card swapped in by htmx goes to the top of its stage's column (the board is ordered by
  // last change, and the server's answer is the card as it now stands).
  function placeCard(card) {
    var list = columnList(card.getAttribute("data-stage"));
    if (list && card.parentElement !== list) {
      list.insertBefore(card, list.firstElementChild);
    }
  }

  function move(card, stage) {
    var form = dialogForm();
    if (!form || !window.htmx) {
      return;
    }
    var list = columnList(stage);
    if (list && stage !== card.getAttribute("data-stage")) {
      // Shown in the new column while the server answers; its answer puts it where it belongs.
      list.insertBefore(card, list.firstElementChild);
    }
    card.classList.add("moving");
    window.htmx.ajax("POST", moveUrl(form, card.getAttribute("data-deal")), {
      source: card,
      target: card,
      swap: "outerHTML",
      values: {
        stage: stage,
        from: "board",
        csrfmiddlewaretoken: form.querySelector("[name=csrfmiddlewaretoken]").value,
      },
    });
  }

  // "Move…": the dialog, with the card's title and its stage chosen.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-move-open]") : null;
    var card = cardOf(link);
    var root = dialog();
    var form = dialogForm();
    if (!link || !card || !root || !form || typeof root.showModal !== "function") {
      return;
    }
    event.preventDefault();
    opener = card;
    var title = card.querySelector(".deal-card-title");
    root.querySelector("[data-move-title]").textContent = title ? title.textContent : "";
    form.querySelector("select[name=stage]").value = card.getAttribute("data-stage");
    form.setAttribute("action", moveUrl(form, card.getAttribute("data-deal")));
    root.showModal();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-move-dialog-form]") || !opener) {
      return;
    }
    if (!window.htmx) {
      return; // An ordinary post: the server answers with the board again.
    }
    event.preventDefault();
    var card = opener;
    dialog().close();
    move(card, form.querySelector("select[name=stage]").value);
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-move-cancel]")) {
      dialog().close();
    }
  });

  document.addEventListener(
    "close",
    function (event) {
      if (event.target === dialog() && opener) {
        var link = opener.querySelector("[data-move-open]");
        if (link && document.contains(link)) {
          link.focus();
        }
      }
    },
    true
  );

  function dropTarget(event) {
    var target = event.target;
    return target && target.closest ? target.closest("[data-drop-stage]") : null;
  }

  function clearHighlights() {
    document.querySelectorAll(".board-cards.drop-over").forEach(function (list) {
      list.classList.remove("drop-over");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest("[data-deal][draggable]") : null;
    if (!card || !board()) {
      return;
    }
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    // Firefox starts a drag only when some data is set.
    event.dataTransfer.setData("text/plain", card.getAttribute("data-deal"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    dragged = null;
    clearHighlights();
  });

  document.addEventListener("dragover", function (event) {
    var list = dropTarget(event);
    if (!dragged || !list) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!list.classList.contains("drop-over")) {
      clearHighlights();
      list.classList.add("drop-over");
    }
  });

  document.addEventListener("drop", function (event) {
    var list = dropTarget(event);
    if (!dragged || !list) {
      return;
    }
    event.preventDefault();
    clearHighlights();
    var stage = list.getAttribute("data-drop-stage");
    if (stage !== dragged.getAttribute("data-stage")) {
      move(dragged, stage);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var card = event.target;
    if (card && card.matches && card.matches("[data-deal][data-stage]")) {
      placeCard(card);
      var error = card.querySelector("[data-move-error]");
      if (error) {
        error.focus();
      }
    }
  });

  // A failed request (the server or the network down) leaves the card where it came from.
  function putBack(event) {
    var card = cardOf(event.target);
    if (card) {
      card.classList.remove("moving");
      placeCard(card);
    }
  }
  document.addEventListener("htmx:responseError", putBack);
  document.addEventListener("htmx:sendError", putBack);
})();
