// Organisation diagrams (meetings/diagrams.py): zoom and pan an inline SVG by changing its
// viewBox; buttons, the mouse wheel, dragging, and the keys + − 0 and the arrows.
"use strict";

document.addEventListener("change", function (event) {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-diagram-submit") && target.form) {
    target.form.submit();
  }
});

function setUpDiagram(frame) {
  const svg = frame.querySelector("svg");
  if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;
  const base = svg.viewBox.baseVal;
  const full = { x: base.x, y: base.y, w: base.width, h: base.height };
  let view = Object.assign({}, full);

  function apply() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    frame.classList.toggle("zoomed", view.w < full.w * 0.99);
  }
  function zoom(factor, cx, cy) {
    const w = Math.min(full.w * 1.5, Math.max(full.w / 12, view.w / factor));
    const h = view.h * (w / view.w);
    cx = cx === undefined ? view.x + view.w / 2 : cx;
    cy = cy === undefined ? view.y + view.h / 2 : cy;
    view = { x: cx - (cx - view.x) * (w / view.w), y: cy - (cy - view.y) * (h / view.h), w: w, h: h };
    apply();
  }
  function pan(dx, dy) {
    view.x += dx;
    view.y += dy;
    apply();
  }
  function toSvg(clientX, clientY) {
    const box = svg.getBoundingClientRect();
    const scale = Math.max(view.w / box.width, view.h / box.height);
    const offsetX = (box.width * scale - view.w) / 2;
    const offsetY = (box.height * scale - view.h) / 2;
    return {
      x: view.x + (clientX - box.left) * scale - offsetX,
      y: view.y + (clientY - box.top) * scale - offsetY,
      scale: scale,
    };
  }

  const block = frame.closest(".diagram-block") || frame.parentElement;
  block.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      const how = button.getAttribute("data-zoom");
      if (how === "in") zoom(1.4);
      else if (how === "out") zoom(1 / 1.4);
      else {
        view = Object.assign({}, full);
        apply();
      }
    });
  });
  frame.addEventListener("wheel", function (event) {
    event.preventDefault();
    const point = toSvg(event.clientX, event.clientY);
    zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, point.x, point.y);
  }, { passive: false });

  let drag = null;
  let moved = false;
  frame.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, scale: toSvg(event.clientX, event.clientY).scale };
    moved = false;
  });
  frame.addEventListener("pointermove", function (event) {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    moved = true;
    frame.classList.add("dragging");
    pan(-dx * drag.scale, -dy * drag.scale);
    drag.x = event.clientX;
    drag.y = event.clientY;
  });
  function stop() {
    drag = null;
    frame.classList.remove("dragging");
  }
  frame.addEventListener("pointerup", stop);
  frame.addEventListener("pointerleave", stop);
  // A drag must not open the committee the pointer happened to start on.
  frame.addEventListener("click", function (event) {
    if (moved) {
      event.preventDefault();
      moved = false;
    }
  }, true);
  frame.addEventListener("keydown", function (event) {
    const step = view.w / 10;
    const keys = {
      "+": function () { zoom(1.4); },
      "=": function () { zoom(1.4); },
      "-": function () { zoom(1 / 1.4); },
      "0": function () { view = Object.assign({}, full); apply(); },
      ArrowLeft: function () { pan(-step, 0); },
      ArrowRight: function () { pan(step, 0); },
      ArrowUp: function () { pan(0, -step); },
      ArrowDown: function () { pan(0, step); },
    };
    if (keys[event.key] && event.target === frame) {
      event.preventDefault();
      keys[event.key]();
    }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-diagram]").forEach(setUpDiagram);
});
