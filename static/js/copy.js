// "Kopieer link" on the respondents page. Without JavaScript the button stays hidden and the
// link is plain text in a read-only field, to select and copy by hand.
(() => {
  for (const button of document.querySelectorAll("button[data-copy-target]")) {
    const holder = button.closest("[hidden]") || button.parentElement;
    const status = holder.querySelector("[data-copy-status]");
    const field = document.getElementById(button.dataset.copyTarget);
    holder.hidden = false;
    const say = (text) => {
      // cleared first, so saying the same text twice is announced twice
      status.textContent = "";
      window.setTimeout(() => { status.textContent = text; }, 50);
    };
    const byHand = () => {
      // navigator.clipboard needs a secure page; the older command works on more
      if (!field) return false;
      field.focus();
      field.select();
      try {
        return document.execCommand("copy");
      } catch {
        return false;
      }
    };
    button.addEventListener("click", async () => {
      let copied = false;
      try {
        if (navigator.clipboard) {
          await navigator.clipboard.writeText(button.value);
          copied = true;
        }
      } catch {
        copied = false;
      }
      if (!copied) copied = byHand();
      if (copied) button.focus();
      say(copied ? "Link gekopieerd" : "Kopiëren lukte niet. De link is geselecteerd: kopieer hem met Ctrl+C (of Cmd+C).");
    });
  }
})();
