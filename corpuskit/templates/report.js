// Filter boxes: each <input data-filter="ID"> hides the rows or items of element ID
// whose text does not contain what was typed. Without JavaScript everything is shown.
document.querySelectorAll("input[data-filter]").forEach(function (input) {
  var target = document.getElementById(input.getAttribute("data-filter"));
  if (!target) { return; }
  input.hidden = false;
  var items = target.querySelectorAll("[data-item]");
  input.addEventListener("input", function () {
    var query = input.value.trim().toLowerCase();
    items.forEach(function (item) {
      item.hidden = query !== "" && item.textContent.toLowerCase().indexOf(query) === -1;
    });
  });
});
