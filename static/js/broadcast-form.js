// The radio log form: tick "about voluntary BHXH" when a voluntary-BHXH topic is chosen, until the person
// sets the box themselves (data-voluntary-topics of #broadcast-form: the topics' ids).
(function () {
  "use strict";
  var form = document.getElementById("broadcast-form");
  if (!form) return;
  var ids = (form.dataset.voluntaryTopics || "").split(",").filter(Boolean);
  var box = form.querySelector("input[name=voluntary_bhxh]");
  var set = form.querySelector("input[name=voluntary_set]");
  if (!box || !set) return;
  box.addEventListener("change", function () { set.value = "1"; });
  form.querySelectorAll("input[name=topics]").forEach(function (topic) {
    topic.addEventListener("change", function () {
      if (set.value === "1") return;
      box.checked = Array.prototype.some.call(form.querySelectorAll("input[name=topics]:checked"), function (t) {
        return ids.indexOf(t.value) !== -1;
      });
    });
  });
})();
