// The portal's own behaviour, as a static file: the Content-Security-Policy allows no inline
// scripts or event handlers (onclick="…").

// <select data-autosubmit>: submit the form when the choice changes (the language picker).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
