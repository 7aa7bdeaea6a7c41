// Autosave on a domain page of the check. Without JavaScript the buttons save the page as usual.
(() => {
  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const status = form.querySelector("[data-save-status]");
  let dirty = false;      // changes that the server has not confirmed yet
  let timer = null;
  let inFlight = null;

  const show = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  const save = async () => {
    timer = null;
    if (inFlight) await inFlight;
    const body = new FormData(form);
    body.set("action", "autosave");
    show("Bezig met opslaan…", "busy");
    inFlight = fetch(window.location.pathname, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(async (response) => {
      const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : {};
      if (response.ok && data.saved) {
        dirty = false;
        // The next save builds on this one: take over the new version and originals.
        const fields = { version: data.version, ...data.originals };
        for (const [name, value] of Object.entries(fields)) {
          const input = form.querySelector(`input[type=hidden][name="${name}"]`);
          if (input) input.value = value;
        }
        show(data.message, "saved");
      } else {
        show(data.message || "Niet opgeslagen. Gebruik de knop Opslaan; uw invoer blijft staan.", "error");
      }
    }).catch(() => {
      show("Niet opgeslagen: geen verbinding. Uw invoer blijft staan; probeer het zo opnieuw.", "error");
    }).finally(() => { inFlight = null; });
    await inFlight;
  };

  const schedule = (delay) => {
    dirty = true;
    show("Wijzigingen nog niet opgeslagen", "pending");
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  };

  form.addEventListener("change", (event) => schedule(event.target.type === "radio" ? 0 : 300));
  form.addEventListener("input", (event) => { if (event.target.tagName === "TEXTAREA") schedule(1500); });
  form.addEventListener("submit", () => { dirty = false; clearTimeout(timer); });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
