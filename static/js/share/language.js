// The language switch on share pages. They send no Referer (their URL holds the
// link's token), so a browser posts their forms with "Origin: null", which the
// switch's CSRF check rightly refuses. Here the choice goes into the language
// cookie the server reads (LANGUAGE_COOKIE_NAME, Django's default name) and the
// page reloads in that language.
const form = document.querySelector("form.lang-switch");
form?.addEventListener("submit", (event) => {
  event.preventDefault();
  const language = form.elements.language.value;
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `django_language=${encodeURIComponent(language)}; path=/; max-age=31536000; samesite=lax${secure}`;
  location.reload();
});
