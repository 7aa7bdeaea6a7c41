// Progressive enhancement for every page; the site works without it.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so screen readers announce it.
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  // Logging out: forget the answers check.js keeps in this browser until a save confirms them
  // (keys beleidscheck:invoer:*), so the next person at this computer finds none of them.
  const logout = document.querySelector("form.logout");
  if (logout) {
    logout.addEventListener("submit", () => {
      try {
        const keys = [];
        for (let i = 0; i < window.localStorage.length; i += 1) {
          const key = window.localStorage.key(i);
          if (key && key.startsWith("beleidscheck:invoer:")) keys.push(key);
        }
        for (const key of keys) window.localStorage.removeItem(key);
      } catch {
        // storage switched off: there is nothing kept to forget
      }
    });
  }
});
