/* EO Notebooks self-check quizzes (_ext/eonb_quiz.py): check an answer and say why.
   No server, no outside script; the explanations are read from the page's own
   <details> answer, so the page reads the same with JavaScript off. */
(function () {
  "use strict";
  // Words of the feedback in the page's language: a translated page sets
  // window.eonbQuizText = {English: translation} (_ext/eonb_i18n.py).
  function _(s) { var t = window.eonbQuizText || {}; return t[s] || s; }
  function why(el) { var s = el && el.querySelector(".eonb-why"); return s ? s.textContent.trim() : ""; }
  function show(q, right, text) {
    var out = q.querySelector(".eonb-q-feedback");
    out.className = "eonb-q-feedback " + (right === null ? "eonb-info" : right ? "eonb-right" : "eonb-wrong");
    out.textContent = text;
  }
  function checkChoice(q) {
    var picked = q.querySelector("input[type=radio]:checked");
    if (!picked) { show(q, null, _("Choose an option first.")); return; }
    var li = q.querySelector('.eonb-answer li[data-option="' + picked.value + '"]');
    var right = li.classList.contains("eonb-right");
    var letter = String.fromCharCode(65 + Number(picked.value));
    show(q, right, (right ? _("Right (") + letter + "). " : _("Not quite (") + letter + "). ") + why(li) +
         (right ? "" : _(" Try another option, or open the answer below.")));
  }
  function checkNumber(q) {
    var raw = q.querySelector(".eonb-q-input").value, units = q.dataset.units || "";
    var m = raw.replace(/[\u2212\u2013]/g, "-").replace(/(\d),(\d)/, "$1.$2").match(/[-+]?\d*\.?\d+(e[-+]?\d+)?/i);
    if (!m) { show(q, null, _("Type a number") + (units ? _(" (in ") + units + ")" : "") + "."); return; }
    var x = parseFloat(m[0]), answer = parseFloat(q.dataset.answer), tol = parseFloat(q.dataset.tolerance);
    if (Math.abs(x - answer) <= tol + 1e-12 * Math.abs(answer)) {
      show(q, true, _("Right. ") + why(q.querySelector(".eonb-answer p.eonb-right"))); return;
    }
    var mistakes = q.querySelectorAll(".eonb-answer li[data-value]");
    for (var i = 0; i < mistakes.length; i++) {
      var v = parseFloat(mistakes[i].dataset.value), t = parseFloat(mistakes[i].dataset.tolerance);
      if (Math.abs(x - v) <= t + 1e-12 * Math.abs(v)) { show(q, false, _("Not quite. ") + why(mistakes[i])); return; }
    }
    var typed = document.documentElement.lang === "fr" ? m[0].replace(".", ",") : m[0];
    show(q, false, _("Not quite: ") + typed + (units ? " " + units : "") + _(" is not within the tolerance of the answer. ") +
         (q.dataset.hint ? _("Hint: ") + q.dataset.hint + " " : "") + _("Try again, or open the answer below."));
  }
  function setUp(q) {
    q.querySelectorAll(".eonb-js").forEach(function (el) { el.hidden = false; });
    var check = q.dataset.kind === "numeric" ? checkNumber : checkChoice;
    q.querySelector(".eonb-q-check").addEventListener("click", function () { check(q); });
    var input = q.querySelector(".eonb-q-input");
    if (input) input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); check(q); } });
  }
  function start() { document.querySelectorAll(".eonb-q").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
