// The deals board: drag a card to another column to move the deal there.
//
// Dragging only drives each card's own "move to" form (a select and a button, which is also
// what keyboard users and browsers without JavaScript use): the drop chooses the column's stage
// in the select and submits the form, and htmx posts it and swaps in the card the server
// sends back. That card says which stage the deal is really in (data-stage), so a refused move
// (a value case still missing, say) puts the card back in its column, with the reason shown on
// it; the column heads (counts and sums) come back in the same answer.
(function () {
  "use strict";

  var dragged = null;

  function board() {
    return document.querySelector("[data-board]");
  }

  function columnList(stage) {
    var root = board();
    return root ? root.querySelector('[data-drop-stage="' + stage + '"]') : null;
  }

  // A card swapped in by htmx goes to the top of its stage's column (the board is ordered by
  // last change, and the server's answer is the card as it now stands).
  function placeCard(card) {
    var list = columnList(card.getAttribute("data-stage"));
    if (list && card.parentElement !== list) {
      list.insertBefore(card, list.firstElementChild);
    }
  }

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
    var card = dragged;
    var stage = list.getAttribute("data-drop-stage");
    if (stage === card.getAttribute("data-stage")) {
      return;
    }
    var form = card.querySelector("form[data-move-form]");
    var select = form ? form.querySelector("select[name=stage]") : null;
    if (!select) {
      return;
    }
    select.value = stage;
    // Shown in the new column while the server answers; its answer puts it where it belongs.
    list.insertBefore(card, list.firstElementChild);
    card.classList.add("moving");
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      window.htmx.trigger(form, "submit");
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
  document.addEventListener("htmx:responseError", function (event) {
    var card = event.target.closest ? event.target.closest("[data-deal][data-stage]") : null;
    if (card) {
      card.classList.remove("moving");
      placeCard(card);
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var card = event.target.closest ? event.target.closest("[data-deal][data-stage]") : null;
    if (card) {
      card.classList.remove("moving");
      placeCard(card);
    }
  });
})();
