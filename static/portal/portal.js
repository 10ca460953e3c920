// The portal's own behaviour, as a static file: the Content-Security-Policy allows no inline
// scripts or event handlers (onclick="…").

// <select data-autosubmit>: submit the form when the choice changes (the language picker).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});

// Tables with a header row: each cell learns its column's heading (data-label), so on a phone
// the rows stack as "Heading: value" instead of running off the screen (portal.css).
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("main table")) {
    const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (!headings.length) continue;
    table.classList.add("stacks");
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, index) => {
        if (!cell.hasAttribute("data-label") && headings[index]) {
          cell.setAttribute("data-label", headings[index]);
        }
      });
    }
  }
});
