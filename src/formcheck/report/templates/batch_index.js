// Sort the clips by a column: click its name, again to reverse. Empty cells go last.
(function () {
  "use strict";
  var table = document.getElementById("clips");
  var body = table.tBodies[0];
  table.querySelectorAll("th button").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-key");
      var numeric = button.getAttribute("data-type") === "number";
      var th = button.parentNode;
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
        if (x === "" || y === "") {
          return (x === "") - (y === "");
        }
        var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
        if (order === 0) {
          order = parseFloat(a.getAttribute("data-order")) - parseFloat(b.getAttribute("data-order"));
          return order;
        }
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
