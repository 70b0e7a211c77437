// Dragging a name into a circle with a finger or a mouse (taps stay taps).

import { closenessAtPoint } from "./trust-circles.js";

/** Which circle a point falls in: 3 very close, 2 sort of close, 1 not very close, or null. */
export function closenessAt(circles, x, y) {
  const box = circles.getBoundingClientRect();
  if (!circles.ringLayout) return null;
  return closenessAtPoint(circles.ringLayout, x - box.left, y - box.top);
}

export function enableDragging(circles, area, onDrop) {
  let drag = null;
  area.addEventListener("pointerdown", (e) => {
    const chip = e.target.closest(".chip");
    if (!chip || e.button > 0) return;
    drag = { chip, id: chip.dataset.id, x: e.clientX, y: e.clientY, moved: false, ghost: null };
  });
  area.addEventListener("pointermove", (e) => {
    if (!drag) return;
    if (!drag.moved && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < 8) return;
    if (!drag.moved) {
      drag.moved = true;
      try { drag.chip.setPointerCapture(e.pointerId); } catch { /* pointer already gone */ }
      drag.ghost = drag.chip.cloneNode(true);
      drag.ghost.classList.add("dragging");
      drag.ghost.setAttribute("aria-hidden", "true");
      Object.assign(drag.ghost.style, { position: "fixed", transform: "translate(-50%, -50%)", pointerEvents: "none" });
      document.body.append(drag.ghost);
      drag.chip.style.opacity = "0.3";
    }
    e.preventDefault();
    drag.ghost.style.left = `${e.clientX}px`;
    drag.ghost.style.top = `${e.clientY}px`;
    const ring = closenessAt(circles, e.clientX, e.clientY);
    circles.querySelectorAll(".ring").forEach((r) => r.classList.toggle("drop", Number(r.dataset.closeness) === ring));
  });
  const finish = (e) => {
    if (!drag) return;
    const { moved, ghost, id, chip } = drag;
    drag = null;
    circles.querySelectorAll(".ring").forEach((r) => r.classList.remove("drop"));
    if (!moved) return; // a tap: the chip's click handler picks it
    ghost.remove();
    chip.style.opacity = "";
    // Swallow the click that follows a drag so it does not also pick the chip.
    const swallow = (c) => { c.stopPropagation(); c.preventDefault(); };
    window.addEventListener("click", swallow, { capture: true, once: true });
    setTimeout(() => window.removeEventListener("click", swallow, { capture: true }), 0);
    const ring = e.type === "pointerup" ? closenessAt(circles, e.clientX, e.clientY) : null;
    if (ring) onDrop(id, ring);
  };
  area.addEventListener("pointerup", finish);
  area.addEventListener("pointercancel", finish);
}
