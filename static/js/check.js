// Autosave on a domain page of the check (to the URL in data-autosave, answered in JSON).
// Without JavaScript the buttons save the page as usual.
//
// Nothing typed is lost:
// - every reply carries the step's answers as they stand on the server; a question the user did
//   not touch while the save was under way takes the server's answer (a colleague's change) and
//   its fingerprint (o_<id>), so the next save cannot overwrite what the page never showed;
// - what the user types is kept in localStorage (per check, step and question) until a save
//   confirms it, and put back on the next visit of the page if the server does not have it, e.g.
//   after a save that failed because the session had ended.
(() => {
  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const status = form.querySelector("[data-save-status]");
  let edits = 0;          // counts changes; a save confirms those made before it read the form
  let confirmed = 0;
  let timer = null;
  let saving = false;     // one save at a time: each builds on the version the previous one returned
  let again = false;      // changes came in while saving
  let notice = "";        // said once, with the next confirmed save

  // The visible status (in a bar that stays in view) changes with every step of a save; screen
  // readers hear only the outcome, once per save, through a separate polite live region, so
  // typing is never interrupted by "not saved yet" announcements.
  const announcer = form.querySelector("[data-save-announce]");
  const show = (text, state) => {
    if (status.textContent === text && status.dataset.state === state) return;
    status.textContent = text;
    status.dataset.state = state;
    if (announcer && (state === "saved" || state === "error")) announcer.textContent = text;
  };
  const hint = status.querySelector("[data-save-hint]");
  if (hint) hint.textContent = "Uw antwoorden worden automatisch opgeslagen.";

  // --- the answers on the page ---------------------------------------------------------------

  const questions = [...form.querySelectorAll('input[type=hidden][name^="o_"]')].map((input) => input.name.slice(2));
  const originalField = (qid) => form.querySelector(`input[type=hidden][name="o_${qid}"]`);
  const read = (qid) => {
    const checked = form.querySelector(`input[type=radio][name="q_${qid}"]:checked`);
    const comment = form.querySelector(`textarea[name="c_${qid}"]`);
    return { value: checked ? checked.value : null, comment: comment ? comment.value : "" };
  };
  const write = (qid, answer) => {
    for (const radio of form.querySelectorAll(`input[type=radio][name="q_${qid}"]`)) {
      radio.checked = radio.value === answer.value;
    }
    const comment = form.querySelector(`textarea[name="c_${qid}"]`);
    if (comment) comment.value = answer.comment || "";
  };
  // The server strips comments and a form sends CRLF: compare as the server stores them.
  const normal = (text) => (text || "").replace(/\r\n?/g, "\n").trim();
  const same = (a, b) => (a.value || null) === (b.value || null) && normal(a.comment) === normal(b.comment);

  // --- kept in the browser until the server confirms it ---------------------------------------

  const draftKey = form.dataset.draftKey ? `beleidscheck:invoer:${form.dataset.draftKey}` : null;
  const DRAFT_DAYS = 14;
  const loadDrafts = () => {
    if (!draftKey) return {};
    try {
      const drafts = JSON.parse(window.localStorage.getItem(draftKey) || "{}");
      const cutoff = Date.now() - DRAFT_DAYS * 24 * 3600 * 1000;
      return Object.fromEntries(Object.entries(drafts).filter(([, d]) => d && d.at > cutoff));
    } catch {
      return {};
    }
  };
  const storeDrafts = (drafts) => {
    if (!draftKey) return;
    try {
      if (Object.keys(drafts).length) window.localStorage.setItem(draftKey, JSON.stringify(drafts));
      else window.localStorage.removeItem(draftKey);
    } catch {
      // storage full or switched off: autosave still works, only this safety net is missing
    }
  };
  const remember = (qid) => {
    if (!questions.includes(qid)) return;
    const drafts = loadDrafts();
    drafts[qid] = { ...read(qid), original: originalField(qid).value, at: Date.now() };
    storeDrafts(drafts);
  };
  const forgetConfirmed = (sent) => {
    const drafts = loadDrafts();
    for (const [qid, answer] of Object.entries(sent)) {
      if (drafts[qid] && same(drafts[qid], answer)) delete drafts[qid];
    }
    storeDrafts(drafts);
  };

  // On a page that shows the stored answers: a draft the server has is confirmed and goes; any
  // other is put back, on the fingerprint it was typed on, so a colleague's later change to that
  // question is a conflict and not overwritten. A page shown again with the user's own input
  // (a refused save) already shows it, and keeps the drafts.
  const restore = () => {
    if (form.dataset.draftState !== "stored") return 0;
    const drafts = loadDrafts();
    let restored = 0;
    for (const [qid, draft] of Object.entries(drafts)) {
      if (!questions.includes(qid) || same(draft, read(qid))) {
        delete drafts[qid];
        continue;
      }
      write(qid, draft);
      if (draft.original) originalField(qid).value = draft.original;
      restored += 1;
    }
    storeDrafts(drafts);
    return restored;
  };

  // --- replies ---------------------------------------------------------------------------------

  // The server's answers: a question the user did not touch since `sent` was read takes them;
  // one they changed meanwhile keeps their input, and takes the new fingerprint only if the
  // server has what was sent (their change builds on it). Returns how many answers changed here.
  const apply = (answers, sent) => {
    let updated = 0;
    for (const [qid, server] of Object.entries(answers || {})) {
      const input = originalField(qid);
      if (!input || !sent[qid]) continue;
      const now = read(qid);
      if (same(now, sent[qid])) {
        if (!same(server, now)) {
          write(qid, server);
          updated += 1;
        }
        input.value = server.original;
      } else if (same(server, sent[qid])) {
        input.value = server.original;
      }
    }
    return updated;
  };

  const setVersion = (version) => {
    const input = form.querySelector('input[type=hidden][name="version"]');
    if (input && version) input.value = version;
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
    const sent = Object.fromEntries(questions.map((qid) => [qid, read(qid)]));
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
        forgetConfirmed(sent);
        // The next save builds on this one: take over the new version and every answer's fingerprint.
        setVersion(data.version);
        let updated = 0;
        if (data.answers) updated = apply(data.answers, sent);
        else {
          for (const [name, value] of Object.entries(data.originals || {})) {
            const input = form.querySelector(`input[type=hidden][name="${name}"]`);
            if (input) input.value = value;
          }
        }
        let note = updated ? ` Een collega wijzigde intussen ${updated === 1 ? "een antwoord" : `${updated} antwoorden`}; die staan nu op de pagina.` : "";
        note = notice + note;
        notice = "";
        // "Opgeslagen" only when no later edit is still waiting for its own save.
        if (confirmed === edits) show(data.message + note, "saved");
        else show("Wijzigingen nog niet opgeslagen." + note, "pending");
      } else {
        if (data.answers) apply(data.answers, sent);  // a conflict: the untouched questions still come along
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

  const questionOf = (target) => (target.name && /^[qc]_/.test(target.name) ? target.name.slice(2) : null);
  form.addEventListener("change", (event) => {
    const qid = questionOf(event.target);
    if (qid) remember(qid);
    schedule(event.target.type === "radio" ? 0 : 300);
  });
  form.addEventListener("input", (event) => {
    if (event.target.tagName !== "TEXTAREA") return;
    const qid = questionOf(event.target);
    if (qid) remember(qid);
    schedule(1500);
  });
  form.addEventListener("submit", () => { confirmed = edits; clearTimeout(timer); });
  window.addEventListener("beforeunload", (event) => {
    if (confirmed !== edits) { event.preventDefault(); event.returnValue = ""; }
  });

  const restored = restore();
  if (restored) {
    notice = ` Uw niet-opgeslagen invoer van een eerder bezoek (${restored === 1 ? "1 vraag" : `${restored} vragen`}) is teruggezet en opgeslagen.`;
    schedule(0);
  }
})();
