/* Tables of rows in generated forms (core/templates/_fieldwidgets.html): "add row" / "remove row".
   Without JavaScript the form still works: it always shows the existing rows plus one blank row.
   Cells are named data.<field>.<row>.<column>; the server reads rows in index order, so a new row
   only needs an index no other row uses. No build step, no dependencies. */
(function () {
  'use strict';
  if (window.rtFieldWidgets) { return; }
  window.rtFieldWidgets = true;

  function rename(node, key, from, to) {
    var before = key + '.' + from + '.';
    var after = key + '.' + to + '.';
    ['name', 'id', 'data-error-for'].forEach(function (attr) {
      node.querySelectorAll('[' + attr + ']').forEach(function (el) {
        el.setAttribute(attr, el.getAttribute(attr).split(before).join(after));
      });
    });
    node.setAttribute('data-rt-row', String(to));
  }

  function blank(row) {
    row.querySelectorAll('input, select, textarea').forEach(function (el) {
      if (el.type === 'checkbox' || el.type === 'radio') { el.checked = false; }
      else if (el.tagName === 'SELECT') { el.selectedIndex = 0; }
      else if (el.type !== 'button') { el.value = ''; }
    });
    row.querySelectorAll('.rt-field-error').forEach(function (el) { el.remove(); });
  }

  function setUp(table) {
    var body = table.querySelector('tbody');
    var key = table.getAttribute('data-rt-table');
    var rows = body.querySelectorAll('tr[data-rt-row]');
    if (!rows.length) { return; }
    var template = rows[rows.length - 1].cloneNode(true);
    var templateIndex = template.getAttribute('data-rt-row');
    blank(template);
    var next = 0;
    rows.forEach(function (r) { next = Math.max(next, parseInt(r.getAttribute('data-rt-row'), 10) + 1); });

    function addRow() {
      var row = template.cloneNode(true);
      rename(row, key, templateIndex, next);
      next += 1;
      body.appendChild(row);
      var first = row.querySelector('input, select, textarea');
      if (first) { first.focus(); }
    }

    table.addEventListener('click', function (event) {
      var remove = event.target.closest('[data-rt-remove-row]');
      if (remove) {
        event.preventDefault();
        remove.closest('tr').remove();
        if (!body.querySelector('tr[data-rt-row]')) { addRow(); }
        return;
      }
      if (event.target.closest('[data-rt-add-row]')) {
        event.preventDefault();
        addRow();
      }
    });
    table.querySelectorAll('[data-rt-add-row], [data-rt-remove-row]').forEach(function (b) { b.hidden = false; });
    new MutationObserver(function () {
      table.querySelectorAll('[data-rt-remove-row]').forEach(function (b) { b.hidden = false; });
    }).observe(body, {childList: true});
  }

  function init() { document.querySelectorAll('[data-rt-table]').forEach(setUp); }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
}());
