// The consensus page: each question's form is sent with fetch and the page changes in place
// (the question's status, the domain's count, the progress at the top); focus stays on the
// button and the outcome is said in the question's own polite live region, next to the button.
// Without JavaScript the POST redirects back to #vraag-<id> with the confirmation there.
(() => {
  const forms = document.querySelectorAll("form[data-consensus-form]");
  if (!forms.length || !window.fetch || !window.FormData) return;

  const progressText = document.querySelector("[data-progress-text]");
  const progressBar = document.querySelector("[data-progress-bar]");
  // When the server answered with a page instead of JSON (a refusal before the view ran).
  const BY_STATUS = {
    400: "Niet opgeslagen: het formulier is verlopen. Kopieer wat u typte, laad de pagina opnieuw en probeer het nog eens.",
    403: "Niet opgeslagen: u heeft geen rechten om dit te wijzigen.",
    404: "Niet opgeslagen: deze vraag of check bestaat niet (meer), of u heeft er geen toegang toe.",
    409: "Niet opgeslagen: iemand anders wijzigde de check op hetzelfde moment. Laad de pagina opnieuw en probeer het nog eens.",
    413: "Niet opgeslagen: de toelichting is te lang. Maak hem korter.",
    429: "Niet opgeslagen: te veel pogingen in korte tijd. Wacht even en probeer het opnieuw.",
  };
  const OFFLINE = "Niet opgeslagen: er is geen verbinding met de server. Wat u koos en typte staat er nog; probeer het zo opnieuw.";
  const GENERIC = "Niet opgeslagen: er ging iets mis. Wat u koos en typte staat er nog; probeer het opnieuw.";
  const LOGGED_OUT = "Niet opgeslagen: u bent uitgelogd. Log in een nieuw tabblad opnieuw in en sla dan hier nog eens op; wat u typte staat er nog.";

  const say = (region, text, state, link) => {
    region.textContent = "";
    region.dataset.state = state;
    region.append(text);
    if (link) {
      const a = document.createElement("a");
      a.className = "utrecht-link utrecht-link--html-a";
      a.href = link.href;
      a.textContent = link.text;
      region.append(" ", a);
    }
    region.scrollIntoView({ block: "nearest" });
  };

  const markChosen = (item, data) => {
    const tag = item.querySelector("[data-status]");
    tag.textContent = "Gekozen";
    tag.classList.replace("utrecht-status-badge--warning", "utrecht-status-badge--success");
    const answer = item.querySelector("[data-chosen-answer]");
    const strong = document.createElement("strong");
    strong.textContent = data.answer;
    answer.replaceChildren("Antwoord van de gemeente: ", strong, data.reason ? `. Waarom: ${data.reason}` : "");
    if (progressText) progressText.textContent = data.progress.text;
    if (progressBar) {
      progressBar.max = data.progress.total;
      progressBar.value = data.progress.chosen;
      progressBar.textContent = `${data.progress.chosen} van ${data.progress.total}`;
    }
    const count = document.querySelector(`[data-domain-count="${CSS.escape(data.domain.id)}"]`);
    if (count) count.textContent = `${data.domain.chosen} van ${data.domain.total} gekozen`;
  };

  const clearError = (form) => {
    for (const old of form.querySelectorAll(".utrecht-form-field-error-message")) old.remove();
    for (const field of form.querySelectorAll("[aria-invalid]")) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
      field.classList.remove("utrecht-select--invalid");
    }
  };

  for (const form of forms) {
    const item = form.closest(".consensus-item");
    const region = form.querySelector("[data-message]");
    const button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.busy) return; // one save at a time per question
      form.dataset.busy = "1";
      button.setAttribute("aria-disabled", "true");
      region.dataset.state = "busy";
      let response = null;
      let data = null;
      try {
        response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if ((response.headers.get("Content-Type") || "").includes("json")) data = await response.json();
      } catch {
        response = null;
      }
      delete form.dataset.busy;
      button.removeAttribute("aria-disabled");
      if (!item.contains(document.activeElement)) button.focus();
      if (response && response.ok && data && data.saved) {
        clearError(form);
        markChosen(item, data);
        const empty = form.querySelector('select[name="value"] option[value=""]');
        if (empty) empty.remove();
        say(region, data.message, "saved", data.next);
        return;
      }
      let text = GENERIC;
      if (!response) text = OFFLINE;
      else if (data && data.message) text = data.message;
      else if (response.redirected && response.url.includes("/inloggen")) text = LOGGED_OUT;
      else if (BY_STATUS[response.status]) text = BY_STATUS[response.status];
      say(region, text, "error");
    });
  }
})();
