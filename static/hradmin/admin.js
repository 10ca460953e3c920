// The HR admin's own behaviour (a static file: no inline scripts under the CSP).
// Django's autocomplete fields (select2) draw a combobox named only by its current value: name it
// by the field's label too (WCAG 4.1.2; axe "aria-input-field-name").
(function () {
  function nameComboboxes(root) {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) {
      const box = select.parentElement.querySelector(".select2-selection[role=combobox]");
      if (!box || box.dataset.named) continue;
      box.dataset.named = "1";
      const label = select.id && document.querySelector('label[for="' + select.id + '"]');
      const name = label ? label.textContent.replace(/:\s*$/, "").trim() : select.getAttribute("aria-label");
      // The value shown inside the combobox is a read-only textbox of its own: name it too.
      const rendered = box.querySelector(".select2-selection__rendered[role=textbox]");
      if (rendered && name) rendered.setAttribute("aria-label", name);
      const value = box.getAttribute("aria-labelledby");
      if (label) {
        if (!label.id) label.id = select.id + "-label";
        box.setAttribute("aria-labelledby", value ? label.id + " " + value : label.id);
      } else if (select.getAttribute("aria-label")) {
        box.removeAttribute("aria-labelledby");
        box.setAttribute("aria-label", select.getAttribute("aria-label"));
      }
    }
  }
  // select2 draws its combobox when jQuery is ready, which may come after the page's load
  // event: name each one as soon as it is added.
  nameComboboxes(document);
  new MutationObserver(() => nameComboboxes(document)).observe(document.body, {
    childList: true,
    subtree: true,
  });
})();

// Changelist filters searched as you type (core/admin_filters.py): choosing one filters the list.
(function () {
  if (!window.django || !window.django.jQuery) return;
  window.django.jQuery(document).on("change", "select[data-filter-param]", function () {
    const url = new URL(window.location.href);
    url.searchParams.delete(this.dataset.filterParam);
    url.searchParams.delete("p");
    if (this.value) url.searchParams.set(this.dataset.filterParam, this.value);
    window.location.href = url.toString();
  });
})();
