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
  // Print buttons (the pages print from the browser's menu too).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
