// Autosave on a domain page of the check (to the URL in data-autosave, answered in JSON).
// Without JavaScript the buttons save the page as usual.
(() => {
  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const status = form.querySelector("[data-save-status]");
  let edits = 0;          // counts changes; a save confirms those made before it read the form
  let confirmed = 0;
  let timer = null;
  let saving = false;     // one save at a time: each builds on the version the previous one returned
  let again = false;      // changes came in while saving

  const show = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  const save = async () => {
    timer = null;
    if (saving) { again = true; return; }
    saving = true;
    do {
      again = false;
      await saveOnce();
    } while (again);
    saving = false;
  };

  const saveOnce = async () => {
    const body = new FormData(form);
    const upTo = edits;
    show("Bezig met opslaan…", "busy");
    await fetch(form.dataset.autosave, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(async (response) => {
      const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : {};
      if (response.ok && data.saved) {
        confirmed = upTo;
        // The next save builds on this one: take over the new version and originals.
        const fields = { version: data.version, ...data.originals };
        for (const [name, value] of Object.entries(fields)) {
          const input = form.querySelector(`input[type=hidden][name="${name}"]`);
          if (input) input.value = value;
        }
        // "Opgeslagen" only when no later edit is still waiting for its own save.
        if (confirmed === edits) show(data.message, "saved");
        else show("Wijzigingen nog niet opgeslagen", "pending");
      } else {
        show(data.message || "Niet opgeslagen. Gebruik de knop Opslaan; uw invoer blijft staan.", "error");
      }
    }).catch(() => {
      show("Niet opgeslagen: geen verbinding. Uw invoer blijft staan; probeer het zo opnieuw.", "error");
    });
  };

  const schedule = (delay) => {
    edits += 1;
    show("Wijzigingen nog niet opgeslagen", "pending");
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  };

  form.addEventListener("change", (event) => schedule(event.target.type === "radio" ? 0 : 300));
  form.addEventListener("input", (event) => { if (event.target.tagName === "TEXTAREA") schedule(1500); });
  form.addEventListener("submit", () => { confirmed = edits; clearTimeout(timer); });
  window.addEventListener("beforeunload", (event) => {
    if (confirmed !== edits) { event.preventDefault(); event.returnValue = ""; }
  });
})();
