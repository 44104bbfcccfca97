// Progressive enhancement of the evaluation form: add and remove list rows without a round trip.
// Without JavaScript the form shows blank rows and a "More empty rows" button, so everything still works.
(function () {
  "use strict";
  var form = document.querySelector(".evaluation-form");
  if (!form) { return; }
  var text = {
    add: document.documentElement.lang === "en" ? "Add a row" : "Rij toevoegen",
    remove: document.documentElement.lang === "en" ? "Remove" : "Verwijderen"
  };

  function removeButton(row) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "evaluation-remove";
    button.textContent = text.remove;
    button.addEventListener("click", function () {
      var list = row.parentNode;
      if (list.children.length > 1) {
        list.removeChild(row);
      } else {
        row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      }
    });
    return button;
  }

  function enhance(list, rowSelector, cellForButton) {
    var rows = list.querySelectorAll(rowSelector);
    rows.forEach(function (row) { cellForButton(row).appendChild(removeButton(row)); });
    var add = document.createElement("button");
    add.type = "button";
    add.className = "button button--secondary evaluation-add";
    add.textContent = text.add;
    add.addEventListener("click", function () {
      var container = list.querySelector("tbody") || list;
      var template = container.querySelector(rowSelector);
      var row = template.cloneNode(true);
      row.querySelectorAll(".evaluation-remove").forEach(function (b) { b.remove(); });
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      cellForButton(row).appendChild(removeButton(row));
      container.appendChild(row);
      row.querySelector("input").focus();
    });
    list.insertAdjacentElement("afterend", add);
  }

  form.querySelectorAll("[data-item-list]").forEach(function (list) {
    enhance(list, ".item-list__row", function (row) { return row; });
  });
  form.querySelectorAll("[data-action-list]").forEach(function (table) {
    enhance(table, ".action-list__row", function (row) { return row.lastElementChild; });
  });
  form.querySelectorAll("[data-no-js-add]").forEach(function (button) { button.hidden = true; });
})();
