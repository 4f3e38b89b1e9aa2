// The export takes a while on a large store: show that it is working until the file arrives.
// The server answers the download with a cookie naming this request's ticket; no timer decides.
"use strict";
(() => {
  const form = document.getElementById("export-form");
  if (!form) return;
  const button = document.getElementById("export-button");
  const progress = document.getElementById("export-progress");
  const text = document.getElementById("export-progress-text");
  const waiting = text.textContent;

  const arrived = (ticket) => document.cookie.split("; ").includes(`tonghop_export=${ticket}`);

  form.addEventListener("submit", () => {
    const ticket = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    form.elements.ticket.value = ticket;
    progress.hidden = false;
    progress.querySelector("progress").hidden = false;
    text.textContent = waiting;
    button.disabled = true;
    const watch = setInterval(() => {
      if (!arrived(ticket)) return;
      clearInterval(watch);
      progress.querySelector("progress").hidden = true;
      text.textContent = "Đã tạo xong tệp: trình duyệt đang tải về.";
      button.disabled = false;
    }, 300);
  });
})();
