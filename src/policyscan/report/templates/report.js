/* policyscan HTML report: category filter and sortable comparison table.
   Reads only data-* attributes and text the page already shows; writes only the
   hidden attribute, aria-sort and the status line. No requests, no eval, no innerHTML. */
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  /* "#filter=a,b&sort=-2" -> {filter: "a,b", sort: "-2"} */
  var hashParams = function () {
    var out = {};
    var raw = window.location.hash.replace(/^#/, "");
    if (raw.indexOf("=") < 0) { return out; }
    raw.split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq <= 0) { return; }
      try {
        out[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1));
      } catch (e) { /* a malformed address is ignored */ }
    });
    return out;
  };

  /* Category filter */
  var bar = document.getElementById("filters");
  var boxes = bar ? bar.querySelectorAll("input[type=checkbox][data-filter]") : [];
  var status = document.getElementById("filter-status");
  var applyFilter = function () {
    var on = {};
    each(boxes, function (b) { on[b.value] = b.checked; });
    var shown = 0, total = 0;
    each(document.querySelectorAll(".finding[data-category]"), function (el) {
      var visible = on[el.getAttribute("data-category")] === true;
      el.hidden = !visible;
      total += 1;
      if (visible) { shown += 1; }
    });
    each(document.querySelectorAll(".group[data-category]"), function (el) {
      el.hidden = on[el.getAttribute("data-category")] !== true;
    });
    if (status) { status.textContent = "Showing " + shown + " of " + total + " findings."; }
  };
  var filterFromHash = function () {
    var wanted = hashParams().filter;
    if (wanted === undefined) { return false; }
    var list = wanted.split(",");
    each(boxes, function (b) { b.checked = list.indexOf(b.value) >= 0; });
    return true;
  };
  if (bar) {
    each(boxes, function (b) { b.addEventListener("change", applyFilter); });
    each(bar.querySelectorAll("button[data-select]"), function (button) {
      button.addEventListener("click", function () {
        var all = button.getAttribute("data-select") === "all";
        each(boxes, function (b) { b.checked = all; });
        applyFilter();
      });
    });
    filterFromHash();
    bar.hidden = false;
    applyFilter();
  }

  /* Sortable tables: a button in each column header; aria-sort says the order */
  var sortKey = function (cell) {
    var key = cell.getAttribute("data-sort");
    return key !== null ? key : cell.textContent.trim().toLowerCase();
  };
  var sortBy = function (table, col, ascending) {
    var heads = table.tHead.rows[0].cells;
    if (col < 0 || col >= heads.length) { return; }
    each(heads, function (h) { if (h.hasAttribute("aria-sort")) { h.setAttribute("aria-sort", "none"); } });
    heads[col].setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var c = sortKey(a.cells[col]).localeCompare(sortKey(b.cells[col]), undefined, {numeric: true});
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  };
  var tables = document.querySelectorAll("table.sortable");
  each(tables, function (table) {
    each(table.tHead.rows[0].cells, function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        sortBy(table, col, th.getAttribute("aria-sort") !== "ascending");
      });
    });
  });
  var sortFromHash = function () {
    var sort = hashParams().sort;
    if (sort === undefined || !/^-?\d+$/.test(sort) || !tables.length) { return; }
    var col = parseInt(sort, 10);
    sortBy(tables[0], Math.abs(col), sort.charAt(0) !== "-");
  };
  sortFromHash();

  window.addEventListener("hashchange", function () {
    if (filterFromHash()) { applyFilter(); }
    sortFromHash();
  });
}());
