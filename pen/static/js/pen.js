// Pen's page behaviour that htmx attributes cannot express. No inline scripts anywhere (strict CSP).
(() => {
  "use strict";

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  // The reader's time zone, so the server shows local times and "Today"/"Yesterday" right.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes("tz=" + zone)) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  }

  // ---------- Sidebar on narrow screens ----------
  function setSidebar(open) {
    const app = document.getElementById("app");
    if (!app) return;
    app.classList.toggle("sidebar-open", open);
    $$(".menu-button").forEach((b) => b.setAttribute("aria-expanded", String(open)));
    const backdrop = $(".sidebar-backdrop");
    if (backdrop) backdrop.hidden = !open;
  }
  const sidebarOpen = () => document.getElementById("app")?.classList.contains("sidebar-open");

  // ---------- Copy buttons (code blocks and whole messages) ----------
  // The button says how it went for a moment: its label (code blocks) or its colour and tooltip.
  async function copy(button, text) {
    let copied = true;
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      copied = false;
    }
    const state = copied ? "is-copied" : "is-copy-failed";
    const label = button.textContent.trim();
    const title = button.title;
    button.classList.add(state);
    if (label) button.textContent = copied ? "Copied" : "Copy failed";
    if (title) button.title = copied ? "Copied" : "Copy failed (the browser refused the clipboard)";
    setTimeout(() => {
      button.classList.remove(state);
      if (label) button.textContent = label;
      if (title) button.title = title;
    }, 1500);
  }

  function messageText(article) {
    const source = $(".msg-source", article);
    return source ? source.value : $(".msg-body", article)?.innerText || "";
  }

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (target.closest("[data-sidebar-toggle]")) return setSidebar(!sidebarOpen());
    const dismiss = target.closest("[data-dismiss]");
    if (dismiss) return dismiss.closest(".toast")?.remove();
    const codeButton = target.closest("[data-copy-code]");
    if (codeButton) return copy(codeButton, $("code", codeButton.closest(".code-block"))?.textContent || "");
    const messageButton = target.closest("[data-copy-message]");
    if (messageButton) return copy(messageButton, messageText(messageButton.closest(".msg")));
  });

  // ---------- Keyboard: Enter sends, Shift+Enter new line, Esc stops / cancels / closes ----------
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return; // taken already (the "/" prompt picker in prompts.js)
    const field = event.target;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && field.matches?.("[data-enter-sends]")) {
      event.preventDefault();
      if (field.value.trim() && !field.disabled) field.form.requestSubmit();
      return;
    }
    if (event.key !== "Escape") return;
    const editing = field.closest?.("[data-escape-cancels]");
    if (editing) return $("[data-cancel]", editing)?.click();
    if (sidebarOpen()) return setSidebar(false);
    const stop = visibleStopButton();
    if (stop) stop.click();
  });

  function visibleStopButton() {
    const composer = document.getElementById("composer");
    if (composer?.classList.contains("htmx-request")) return $("[data-stop]", composer);
    return $(".msg.is-streaming .stop-reply");
  }

  // ---------- Textareas grow with their text ----------
  function autogrow(field) {
    field.style.height = "auto";
    field.style.height = Math.min(field.scrollHeight + 2, window.innerHeight * 0.4) + "px";
  }
  document.addEventListener("input", (event) => {
    if (event.target.matches?.("[data-autogrow]")) autogrow(event.target);
  });

  // ---------- The composer around a streamed reply ----------
  const composer = () => document.getElementById("composer");
  const composerInput = () => document.getElementById("composer-input");

  // The message is saved once the stream starts: clear the box then (a refused send keeps it).
  document.addEventListener("htmx:sse:after:connection", (event) => {
    if (event.target === composer()) {
      const input = composerInput();
      input.value = "";
      autogrow(input);
      $("#composer-error").replaceChildren();
    }
  });

  // When a reply that was already running on page load finishes, the composer is usable again.
  // (The finished message replaces the streaming one, so its own events never reach the document.)
  function watchStreamingReplies() {
    const messages = document.getElementById("messages");
    if (!messages || !composer()?.classList.contains("is-busy")) return;
    const observer = new MutationObserver(() => {
      if (!$(".msg.is-streaming", messages)) {
        observer.disconnect();
        setComposerBusy(false);
      }
    });
    observer.observe(messages, { childList: true, subtree: true });
  }

  function setComposerBusy(busy) {
    const form = composer();
    if (!form) return;
    form.classList.toggle("is-busy", busy);
    const input = composerInput();
    const hasModel = !!$("select[name=model] option:not([value=''])", form);
    input.disabled = busy || !hasModel;
    $(".send-button", form).disabled = busy || !hasModel;
    if (!busy && hasModel) input.focus();
  }

  document.addEventListener("htmx:finally:request", (event) => {
    if (event.target === composer()) setTimeout(() => composerInput()?.focus(), 0);
  });

  // After the first message of a new chat, the address becomes the chat's own; the tab's title
  // follows the chat's (a new chat, a rename, the title refined after the first reply).
  document.addEventListener("htmx:after:swap", () => {
    const chatId = document.getElementById("composer-chat-id");
    if (chatId?.dataset.url && location.pathname !== chatId.dataset.url) {
      history.replaceState(null, "", chatId.dataset.url);
    }
    const title = document.getElementById("chat-header")?.dataset.title;
    if (title && document.title !== title) document.title = title;
    scheduleToasts(document);
  });

  // ---------- Toasts fade out on their own; errors stay until dismissed ----------
  function scheduleToasts(root) {
    $$(".toast:not(.toast-error):not([data-scheduled])", root).forEach((toast) => {
      toast.dataset.scheduled = "1";
      setTimeout(() => toast.remove(), 6000);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    watchStreamingReplies();
    scheduleToasts(document);
    $$("[data-autogrow]").forEach(autogrow);
    const input = composerInput();
    if (input && !input.disabled && !document.activeElement?.matches("input, textarea")) input.focus();
  });
})();
