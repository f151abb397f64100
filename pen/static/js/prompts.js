// The prompt library in a chat: the composer's "/" picker, the variables form, and "use this prompt"
// links. The server renders every piece (GET /prompts/picker, /prompts/<id>/use, POST /prompts/<id>/fill);
// this file only moves them around and puts the finished text in a textarea for the user to review.
// Keys the picker takes are preventDefault()-ed in the capture phase, so pen.js leaves them alone.
(() => {
  "use strict";

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const popup = () => document.getElementById("prompt-picker");
  const composerInput = () => document.getElementById("composer-input");

  const state = { mode: null, target: null, dismissed: false, controller: null, timer: 0 };

  // ---------- Talking to the server ----------
  async function fetchFragment(url, options = {}) {
    state.controller?.abort();
    state.controller = new AbortController();
    const headers = { "HX-Request": "true" };
    const response = await fetch(url, { ...options, headers, signal: state.controller.signal, credentials: "same-origin" });
    const redirect = response.headers.get("HX-Redirect");
    if (redirect) {
      window.location.href = redirect; // the session ended: sign in again
      throw new Error("redirected");
    }
    if (!response.ok && response.status !== 422) throw new Error("HTTP " + response.status);
    return response.text();
  }

  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function showError(message) {
    const box = popup();
    if (!box) return;
    const note = document.createElement("p");
    note.className = "prompt-picker-empty form-error";
    note.setAttribute("role", "alert");
    note.textContent = message;
    box.replaceChildren(note);
    box.hidden = false;
    state.mode = "error";
  }

  // ---------- Opening and closing ----------
  function close({ dismiss = false, refocus = false } = {}) {
    const box = popup();
    const target = state.target;
    state.controller?.abort();
    clearTimeout(state.timer);
    state.mode = null;
    state.target = null;
    if (dismiss) state.dismissed = true;
    if (box) {
      box.hidden = true;
      box.removeAttribute("data-open");
      box.replaceChildren();
    }
    const input = composerInput();
    if (input) {
      input.removeAttribute("aria-activedescendant");
      input.removeAttribute("aria-controls");
    }
    if (refocus) (target || input)?.focus();
  }

  const listOpen = () => state.mode === "list" && popup()?.hasAttribute("data-open");
  const options = () => $$('[role="option"]', popup());

  function activate(index) {
    const all = options();
    if (!all.length) return;
    const chosen = all[(index + all.length) % all.length];
    all.forEach((option) => option.setAttribute("aria-selected", String(option === chosen)));
    composerInput()?.setAttribute("aria-activedescendant", chosen.id);
    chosen.scrollIntoView({ block: "nearest" });
  }

  const activeIndex = () => options().findIndex((option) => option.getAttribute("aria-selected") === "true");

  // ---------- The list: what follows "/" filters the user's prompts ----------
  function queryOf(value) {
    if (!value.startsWith("/") || value.includes("\n")) return null;
    return value.slice(1);
  }

  function refresh() {
    const input = composerInput();
    const box = popup();
    if (!input || !box) return;
    const query = queryOf(input.value);
    if (!input.value.startsWith("/")) state.dismissed = false;
    if (query === null || state.dismissed) {
      if (state.mode === "list" || state.mode === "error") close();
      return;
    }
    if (state.mode === "form") return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => loadList(query), 100);
  }

  async function loadList(query) {
    const input = composerInput();
    const box = popup();
    let html;
    try {
      html = await fetchFragment(box.dataset.pickerUrl + "?q=" + encodeURIComponent(query));
    } catch (error) {
      if (error.name !== "AbortError" && error.message !== "redirected") showError("Your prompts could not be loaded.");
      return;
    }
    if (queryOf(input.value) !== query || state.dismissed || state.mode === "form") return;
    box.replaceChildren(parse(html));
    box.hidden = false;
    state.mode = "list";
    state.target = input;
    if (options().length) {
      box.setAttribute("data-open", "");
      input.setAttribute("aria-controls", "prompt-options");
      activate(0);
    } else {
      box.removeAttribute("data-open");
      input.removeAttribute("aria-activedescendant");
    }
  }

  // ---------- Using a prompt: straight in, or through its variables form ----------
  async function use(url, target) {
    if (!url || !target) return;
    let html;
    try {
      html = await fetchFragment(url);
    } catch (error) {
      if (error.name !== "AbortError" && error.message !== "redirected") showError("That prompt could not be loaded.");
      return;
    }
    apply(html, target);
  }

  function apply(html, target) {
    const content = parse(html);
    const filled = $("[data-filled]", content);
    if (filled) {
      close();
      insert(target, filled.textContent);
      return;
    }
    const box = popup();
    box.removeAttribute("data-open");
    box.replaceChildren(content);
    box.hidden = false;
    state.mode = "form";
    state.target = target;
    composerInput()?.removeAttribute("aria-activedescendant");
    $$("[data-autogrow]", box).forEach((field) => field.dispatchEvent(new Event("input", { bubbles: true })));
    ($('[aria-invalid="true"]', box) || $("[data-fill-value]", box))?.focus();
  }

  function insert(target, text) {
    target.closest("details")?.setAttribute("open", "");
    target.value = text;
    if (target === composerInput() && text.startsWith("/")) state.dismissed = true;
    target.dispatchEvent(new Event("input", { bubbles: true })); // pen.js grows the box to fit
    target.focus();
    target.setSelectionRange(text.length, text.length);
  }

  async function submitFill(form) {
    let html;
    try {
      html = await fetchFragment(form.action, { method: "POST", body: new FormData(form) });
    } catch (error) {
      if (error.name !== "AbortError" && error.message !== "redirected") showError("The prompt could not be filled in.");
      return;
    }
    if (state.target) apply(html, state.target);
  }

  // ---------- Events ----------
  document.addEventListener("input", (event) => {
    if (event.isTrusted && event.target === composerInput()) refresh();
  });

  document.addEventListener("keydown", (event) => {
    if (event.isComposing || !state.mode) return;
    const field = event.target;
    if (field === composerInput() && listOpen()) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        activate(activeIndex() + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        const option = options()[Math.max(activeIndex(), 0)];
        use(option?.dataset.useUrl, field);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close({ dismiss: true });
      }
      return;
    }
    if (event.key === "Escape" && (popup()?.contains(field) || field === composerInput())) {
      event.preventDefault();
      close({ dismiss: true, refocus: true });
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && field.matches?.("[data-fill-value]")) {
      event.preventDefault();
      field.form?.requestSubmit();
    }
  }, true);

  document.addEventListener("mousedown", (event) => {
    if (event.target.closest?.('#prompt-picker [role="option"]')) event.preventDefault(); // keep the caret in the box
  });

  document.addEventListener("mousemove", (event) => {
    const option = event.target.closest?.('#prompt-picker [role="option"]');
    if (option && option.getAttribute("aria-selected") !== "true") activate(options().indexOf(option));
  });

  document.addEventListener("click", (event) => {
    const target = event.target;
    const option = target.closest?.('#prompt-picker [role="option"]');
    if (option) return use(option.dataset.useUrl, composerInput());
    if (target.closest?.("[data-prompt-cancel]")) return close({ dismiss: true, refocus: true });
    const closer = target.closest?.("[data-close-editor]");
    if (closer) return closer.closest(".prompt-editor")?.replaceChildren();
    if (state.mode === "list" && !target.closest?.("#prompt-picker") && target !== composerInput()) close({ dismiss: true });
  });

  document.addEventListener("submit", (event) => {
    const form = event.target.closest?.("[data-prompt-fill]");
    if (!form) return;
    event.preventDefault();
    submitFill(form);
  });

  // A new chat's system prompt from the library: <select data-prompt-use data-prompt-target="…">.
  document.addEventListener("change", (event) => {
    const select = event.target.closest?.("select[data-prompt-use]");
    if (!select || !select.value) return;
    const url = select.value;
    select.selectedIndex = 0;
    use(url, document.getElementById(select.dataset.promptTarget));
  });

  // The composer was emptied after a send (pen.js): nothing to pick from any more.
  document.addEventListener("htmx:sse:after:connection", () => {
    if (state.mode === "list") close();
    state.dismissed = false;
  });

  // /?prompt=<id> puts a prompt in the composer; /?system_prompt=<id> makes it the new chat's system prompt.
  document.addEventListener("DOMContentLoaded", () => {
    const box = popup();
    const params = new URLSearchParams(window.location.search);
    if (!box || !(params.has("prompt") || params.has("system_prompt"))) return;
    const system = params.has("system_prompt");
    const id = params.get(system ? "system_prompt" : "prompt");
    params.delete("prompt");
    params.delete("system_prompt");
    const rest = params.toString();
    history.replaceState(history.state, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
    const target = system ? document.getElementById("composer-system-input") : composerInput();
    if (/^\d+$/.test(id || "") && target) use(box.dataset.promptsUrl + "/" + id + "/use", target);
  });
})();
