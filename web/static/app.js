// hocso web: the little script the pages use. Everything works without it too.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A filter shows its numbers as soon as it is chosen; no need to press the button.
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    for (const select of form.querySelectorAll("select")) {
      select.addEventListener("change", () => form.submit());
    }
    const button = form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
  }
  // On a phone a table's rows become cards: each cell is named after its column (the page
  // sends the names once, in the header, not in every cell).
  for (const table of document.querySelectorAll("table.cards-on-phone")) {
    const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (i && names[i]) cell.dataset.label = names[i];
      });
    }
    table.classList.add("labelled");
  }
  // Print buttons (the pages print from the browser's menu too).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
