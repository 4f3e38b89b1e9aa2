// Keyboard-first review: a accept, x reject, e edit, space skip, backspace undo, j/k next/previous.
// Every decision is sent with the page's CSRF token; the server answers with the figure's new card.
"use strict";
(() => {
  const layout = document.querySelector(".review-layout");
  if (!layout) return;
  const documentId = layout.dataset.document;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const list = document.getElementById("figures");
  const statusLine = document.getElementById("status-line");
  const comment = document.getElementById("comment");
  const dialog = document.getElementById("edit-dialog");
  const form = document.getElementById("edit-form");
  const editError = document.getElementById("edit-error");
  const FIELDS = ["value", "denominator", "upper", "unit", "per", "kind", "approx", "modality", "indicator", "subject"];
  // decisions that can still be undone, newest last: {fid, reviewId}; the server gives the ones made
  // before this page was loaded (a reload keeps them), the page adds its own
  const undoStack = JSON.parse(layout.dataset.undo || "[]");
  let current = null;
  let busy = false;

  const cards = () => Array.from(list.querySelectorAll("li.figure"));
  const marksOf = (fid) => document.querySelectorAll(`mark[data-fid="${CSS.escape(fid)}"]`);

  function say(text, bad = false) {
    statusLine.textContent = text;
    statusLine.classList.toggle("bad", bad);
  }

  function select(card, scroll = true) {
    if (!card) return;
    if (current) current.classList.remove("current");
    document.querySelectorAll("mark.current").forEach((m) => m.classList.remove("current"));
    current = card;
    card.classList.add("current");
    const marks = marksOf(card.dataset.fid);
    marks.forEach((m) => m.classList.add("current"));
    if (scroll) {
      card.scrollIntoView({ block: "nearest" });
      if (marks[0]) marks[0].scrollIntoView({ block: "center" });
    }
  }

  function move(step) {
    const all = cards();
    if (!all.length) return;
    const at = all.indexOf(current);
    select(all[Math.min(Math.max(at + step, 0), all.length - 1)]);
  }

  async function post(url, fields) {
    const response = await fetch(url, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "X-CSRF-Token": token, Accept: "application/json" },
      credentials: "same-origin",
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (!response.ok) {
      const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail;
      throw new Error(data.message || detail || `Máy chủ trả lỗi ${response.status}; hãy tải lại trang.`);
    }
    return data;
  }

  function show(data) {
    const old = document.getElementById("fig-" + data.figure_id);
    const holder = document.createElement("template");
    holder.innerHTML = data.card.trim();
    const fresh = holder.content.firstElementChild;
    if (old) old.replaceWith(fresh);
    marksOf(data.figure_id).forEach((m) => {
      m.className = m.className.replace(/\bstatus-\S+/, "status-" + data.status);
    });
    const bulk = document.getElementById("bulk-count"); // the filtered list's figures still to decide
    if (bulk) bulk.textContent = list.querySelectorAll("li.figure.status-unreviewed").length;
    for (const [status, n] of Object.entries(data.counts)) {
      const counter = document.querySelector(`[data-count="${status}"]`);
      if (counter) counter.textContent = n;
    }
    return fresh;
  }

  async function decide(action, extra = {}) {
    if (!current || busy) return false;
    busy = true;
    try {
      const data = await post(`/documents/${documentId}/figures/${current.dataset.fid}/decision`, {
        action,
        comment: comment.value,
        ...extra,
      });
      undoStack.push({ fid: data.figure_id, reviewId: data.review_id });
      comment.value = "";
      say(data.message);
      select(show(data), false);
      move(1);
      return true;
    } catch (error) {
      say(error.message, true);
      if (dialog.open) editError.textContent = error.message;
      return false;
    } finally {
      busy = false;
    }
  }

  async function undo() {
    if (busy) return;
    const last = undoStack.pop();
    if (!last) {
      say("Không còn quyết định nào để hoàn tác.");
      return;
    }
    busy = true;
    try {
      const data = await post(`/documents/${documentId}/figures/${last.fid}/undo`, { review_id: last.reviewId });
      select(show(data));
      say(data.message);
    } catch (error) {
      undoStack.push(last);
      say(error.message, true);
    } finally {
      busy = false;
    }
  }

  // a dialog covers the text: it repeats the figure's sentence so the officer never loses it
  function showSentence(id) {
    const sentence = current.querySelector(".sentence");
    document.getElementById(id).replaceChildren(...(sentence ? sentence.cloneNode(true).childNodes : []));
  }

  function openEdit() {
    if (!current) return;
    for (const name of FIELDS) form.elements[name].value = current.dataset[name] || "";
    form.elements.comment.value = comment.value;
    editError.textContent = "";
    document.getElementById("edit-quote").textContent = current.querySelector(".value").textContent;
    showSentence("edit-sentence");
    dialog.showModal();
    form.elements.value.focus();
    form.elements.value.select();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form));
    comment.value = fields.comment || "";
    delete fields.comment;
    if (await decide("correct", fields)) dialog.close();
  });
  document.getElementById("edit-cancel").addEventListener("click", () => dialog.close());
  // keys go back to the figure list once the dialog closes, however it was closed
  dialog.addEventListener("close", () => document.activeElement?.blur());

  // Move to another consolidated line: search the catalogue, pick a line (or create one), and
  // optionally remember the phrase so the next batch maps it.
  const moveDialog = document.getElementById("move-dialog");
  const moveForm = document.getElementById("move-form");
  const moveSearch = document.getElementById("move-search");
  const moveResults = document.getElementById("move-results");
  const moveError = document.getElementById("move-error");
  let searchSerial = 0;

  async function searchCatalogue() {
    const serial = ++searchSerial;
    const response = await fetch("/catalogue/search?q=" + encodeURIComponent(moveSearch.value), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (serial !== searchSerial) return; // a newer search is on its way
    moveResults.replaceChildren(
      ...data.indicators.map((line) => {
        const item = document.createElement("li");
        item.dataset.code = line.code;
        item.textContent = `${line.name} (${line.code} · ${line.unit})`;
        return item;
      })
    );
  }

  function chooseLine(item) {
    moveResults.querySelectorAll("li.chosen").forEach((li) => li.classList.remove("chosen"));
    item.classList.add("chosen");
    moveForm.elements.code.value = item.dataset.code;
    document.getElementById("move-chosen").textContent = item.textContent;
  }

  function openMove() {
    if (!current) return;
    moveForm.reset();
    moveError.textContent = "";
    document.getElementById("move-chosen").textContent = "—";
    document.getElementById("move-quote").textContent = current.querySelector(".value").textContent;
    showSentence("move-sentence");
    document.getElementById("move-remember").value = current.dataset.indicator || "";
    moveForm.elements.comment.value = comment.value;
    moveSearch.value = "";
    searchCatalogue();
    moveDialog.showModal();
    moveSearch.focus();
  }

  async function sendMove(fields) {
    if (!current || busy) return false;
    busy = true;
    try {
      const data = await post(`/documents/${documentId}/figures/${current.dataset.fid}/indicator`, fields);
      undoStack.push({ fid: data.figure_id, reviewId: data.review_id });
      comment.value = "";
      say(data.message);
      select(show(data), false);
      return true;
    } catch (error) {
      moveError.textContent = error.message;
      say(error.message, true);
      return false;
    } finally {
      busy = false;
    }
  }

  async function excludeFigure() {
    if (!current || busy) return;
    busy = true;
    try {
      const data = await post(`/documents/${documentId}/figures/${current.dataset.fid}/exclude`, {
        comment: comment.value,
      });
      undoStack.push({ fid: data.figure_id, reviewId: data.review_id });
      comment.value = "";
      say(data.message);
      select(show(data), false);
      move(1);
    } catch (error) {
      say(error.message, true);
    } finally {
      busy = false;
    }
  }

  moveSearch.addEventListener("input", searchCatalogue);
  moveResults.addEventListener("click", (event) => {
    const item = event.target.closest("li[data-code]");
    if (item) chooseLine(item);
  });
  moveForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(moveForm));
    delete fields.q;
    if (!document.getElementById("move-remember-on").checked) fields.remember = "";
    if (await sendMove(fields)) moveDialog.close();
  });
  document.getElementById("move-cancel").addEventListener("click", () => moveDialog.close());
  moveDialog.addEventListener("close", () => document.activeElement?.blur());

  const KEYS = {
    m: openMove,
    n: excludeFigure,
    a: () => decide("accept"),
    x: () => decide("reject"),
    e: openEdit,
    " ": () => move(1),
    j: () => move(1),
    k: () => move(-1),
    Backspace: undo,
    c: () => comment.focus(),
  };

  document.addEventListener("keydown", (event) => {
    if (dialog.open || moveDialog.open) return; // the dialogs' own keys: Enter saves, Esc cancels
    const target = event.target;
    if (target.matches("input, textarea, select")) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const run = KEYS[event.key];
    if (run) {
      event.preventDefault();
      run();
    }
  });

  list.addEventListener("click", (event) => {
    const card = event.target.closest("li.figure");
    if (!card) return;
    select(card, false);
    const action = event.target.closest("button[data-action]")?.dataset.action;
    if (action === "edit") openEdit();
    else if (action === "move") openMove();
    else if (action === "exclude") excludeFigure();
    else if (action) decide(action);
  });

  document.querySelector(".doc-text").addEventListener("click", (event) => {
    const mark = event.target.closest("mark[data-fid]");
    if (!mark) return;
    const card = document.getElementById("fig-" + mark.dataset.fid);
    if (card) select(card);
    else say("Số liệu này không nằm trong danh sách đang lọc.");
  });

  select(cards().find((c) => c.classList.contains("status-unreviewed")) || cards()[0]);
})();
