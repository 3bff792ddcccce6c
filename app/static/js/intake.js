// The intake page (CASE-1/2, PRIV-2, issue #19). Plain script, no library, nothing loaded
// from elsewhere. The server stays the judge of every value: this only guides the clerk.
//  - the chosen case class shows its own parts and hides (and disables) the others, so a
//    hidden field is neither sent nor checked by the browser; a part's required fields get
//    `required` while it is shown;
//  - ticking a material as received fills its copies with the required number;
//  - the ID number shows the birth date and sex it encodes, or what is wrong with it
//    (GB 11643 check digit, as app/rules/identity.py checks it).
(function () {
  "use strict";

  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  var PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                   45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 81, 82, 83];

  // Full-width ASCII (a Chinese input method's ０-９, Ｘ) read as half-width.
  function halfWidth(text) {
    return text.replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/\u3000/g, " ");
  }

  // {error: key, n: length} or {birth: "1949-12-31", male: bool}; null while empty.
  function readIdNumber(value) {
    var text = halfWidth(value || "").trim().toUpperCase();
    if (!text) { return null; }
    if (text.length !== 18) { return {error: "length", n: text.length}; }
    var body = text.slice(0, 17), last = text.charAt(17);
    if (!/^[0-9]{17}$/.test(body)) { return {error: "digits"}; }
    if (!/^[0-9X]$/.test(last)) { return {error: "last"}; }
    if (PROVINCES.indexOf(parseInt(body.slice(0, 2), 10)) < 0) { return {error: "province"}; }
    var y = parseInt(body.slice(6, 10), 10), m = parseInt(body.slice(10, 12), 10),
        d = parseInt(body.slice(12, 14), 10);
    var day = new Date(Date.UTC(y, m - 1, d));
    if (y < 1900 || day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 ||
        day.getUTCDate() !== d || day.getTime() > Date.now()) {
      return {error: "date"};
    }
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += parseInt(body.charAt(i), 10) * WEIGHTS[i]; }
    if (CHECK.charAt(sum % 11) !== last) { return {error: "check"}; }
    return {birth: body.slice(6, 10) + "-" + body.slice(10, 12) + "-" + body.slice(12, 14),
            male: parseInt(body.charAt(16), 10) % 2 === 1};
  }

  function setUpIdHint(form) {
    var input = form.querySelector("#applicant_id_number");
    var hint = form.querySelector("[data-id-hint]");
    var kind = form.querySelector("#applicant_kind");
    if (!input || !hint) { return; }
    function show() {
      var group = input.closest(".form-group");
      hint.classList.remove("text-danger", "text-success");
      if (kind && kind.value !== "person") { hint.textContent = ""; return; }
      var read = readIdNumber(input.value);
      if (read === null) { hint.textContent = ""; group.classList.remove("has-error"); return; }
      if (read.error) {
        var message = hint.getAttribute("data-msg-" + read.error) || "";
        hint.textContent = message.replace("{n}", String(read.n));
        hint.classList.add("text-danger");
        input.setAttribute("aria-invalid", "true");
        return;
      }
      input.removeAttribute("aria-invalid");
      hint.classList.add("text-success");
      hint.textContent = hint.getAttribute("data-msg-birth") + " " + read.birth + " · " +
        hint.getAttribute("data-msg-sex") + " " +
        hint.getAttribute(read.male ? "data-msg-male" : "data-msg-female");
    }
    input.addEventListener("input", show);
    if (kind) { kind.addEventListener("change", show); }
    show();
  }

  function setUpClassParts(form) {
    var select = form.querySelector("#case_class");
    if (!select) { return; }
    var parts = form.querySelectorAll("[data-for-classes]");
    function apply() {
      parts.forEach(function (part) {
        var shown = part.getAttribute("data-for-classes").split(" ").indexOf(select.value) >= 0;
        part.hidden = !shown;
        part.disabled = !shown;  // a disabled fieldset's controls are not sent nor checked
        part.querySelectorAll("[data-required]").forEach(function (control) {
          control.required = shown;
        });
      });
    }
    select.addEventListener("change", apply);
    apply();
  }

  function setUpChecklist(form) {
    form.querySelectorAll("tr[data-material]").forEach(function (row) {
      var box = row.querySelector("[data-received]");
      var copies = row.querySelector(".copies-input");
      if (!box || !copies) { return; }
      box.addEventListener("change", function () {
        if (box.checked && !(parseInt(copies.value, 10) > 0)) {
          copies.value = row.getAttribute("data-copies");
        } else if (!box.checked) {
          copies.value = "0";
        }
      });
      copies.addEventListener("input", function () {
        box.checked = parseInt(copies.value, 10) > 0;
      });
    });
  }

  // The mandatory materials that stop an acceptance, named as the checklist changes (only
  // for the classes that accept: the same ones that charge the fee).
  function setUpLiveShortfall(form) {
    var line = form.querySelector("[data-live-shortfall]");
    var select = form.querySelector("#case_class");
    if (!line || !select) { return; }
    var accepting = line.getAttribute("data-classes").split(" ");
    function show() {
      var names = [];
      form.querySelectorAll("tr[data-material][data-mandatory='1']").forEach(function (row) {
        var copies = parseInt(row.querySelector(".copies-input").value, 10) || 0;
        var ticked = row.querySelector("[data-received]").checked;
        var received = copies || (ticked ? parseInt(row.getAttribute("data-copies"), 10) : 0);
        var defect = row.querySelector("input[id^='defect_']").value.trim();
        if (received < parseInt(row.getAttribute("data-copies"), 10) || defect) {
          names.push(row.getAttribute("data-name"));
        }
      });
      var text = accepting.indexOf(select.value) >= 0 && names.length ?
        line.getAttribute("data-msg") + "：" + names.join("、") : "";
      if (line.textContent !== text) { line.textContent = text; }
    }
    form.addEventListener("input", show);
    form.addEventListener("change", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    if (!form) { return; }
    setUpClassParts(form);
    setUpChecklist(form);
    setUpLiveShortfall(form);
    setUpIdHint(form);
    var shortfall = document.getElementById("intake-shortfall");
    if (shortfall) { shortfall.focus(); }  // the named materials are read out first
  });
})();
