// Pen's page behaviour that htmx attributes cannot express. No inline scripts anywhere (strict CSP).
(() => {
  "use strict";

  // Sidebar on narrow screens: open/close with the menu button, the backdrop or Escape.
  function setSidebar(open) {
    const app = document.getElementById("app");
    if (!app) return;
    app.classList.toggle("sidebar-open", open);
    document.querySelectorAll(".menu-button").forEach((b) => b.setAttribute("aria-expanded", String(open)));
    const backdrop = document.querySelector(".sidebar-backdrop");
    if (backdrop) backdrop.hidden = !open;
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-sidebar-toggle]");
    if (toggle) {
      setSidebar(!document.getElementById("app").classList.contains("sidebar-open"));
      return;
    }
    const dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) dismiss.closest(".toast")?.remove();
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setSidebar(false);
  });

  // Toasts fade out on their own after a while; errors stay until dismissed.
  function scheduleToasts(root) {
    root.querySelectorAll(".toast:not(.toast-error):not([data-scheduled])").forEach((toast) => {
      toast.dataset.scheduled = "1";
      setTimeout(() => toast.remove(), 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", () => scheduleToasts(document));
  document.addEventListener("htmx:after:swap", () => scheduleToasts(document));
})();
