// The pupil survey's "Read aloud": the browser's own speech synthesis, in the page's language; no outside service.
// The button stays hidden where the browser cannot speak.
document.addEventListener("DOMContentLoaded", () => {
  if (!("speechSynthesis" in window)) {
    return;
  }
  for (const button of document.querySelectorAll("[data-speak]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const parts = [document.querySelector(button.dataset.speak)];
      for (const label of document.querySelectorAll(".survey__choice span")) {
        parts.push(label);
      }
      const utterance = new SpeechSynthesisUtterance(parts.map((part) => part.innerText).join(". "));
      utterance.lang = document.documentElement.lang;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
    });
  }
});
