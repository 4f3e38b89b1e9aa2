// The unit picker of the document page: as the officer types a name (with or without diacritics),
// the gazetteer's matches fill the list; choosing one puts its code in the field.
(() => {
  const input = document.getElementById("unit-input");
  const options = document.getElementById("unit-options");
  if (!input || !options) return;
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input.value.trim();
      if (query.length < 2 || query === asked || query.includes(":")) return;
      asked = query;
      const response = await fetch("/api/units?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      options.replaceChildren(
        ...(await response.json()).map((unit) => {
          const option = document.createElement("option");
          option.value = unit.code;
          option.label = `${unit.name} — ${unit.where} (${unit.era})`;
          option.textContent = option.label;
          return option;
        }),
      );
    }, 200);
  });
})();
