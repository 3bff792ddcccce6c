// Issue #21: a list's search field loads its choices the first time it is opened
// (app/lazy_search.py renders it empty, with data-choices-url).
(function ($) {
  $(document).on('select2:opening', 'select[data-choices-url]', function (event) {
    var $select = $(this);
    if ($select.data('choices-loaded')) { return; }
    event.preventDefault();
    $select.data('choices-loaded', true);
    $.getJSON($select.data('choices-url'), function (rows) {
      $.each(rows, function (_i, row) {
        $select.append($('<option/>').attr('value', row[0]).text(row[1]));
      });
      $select.select2('open');
    });
  });
})(jQuery);

// Issue #19 (axe-core `label`, `list`): select2 4.0's multiple select (FAB's many-to-many
// fields: a user's roles, a role's users) types into a search box that has no name, and with
// FAB's allowClear it puts its "clear all" × (a <span>) inside the <ul> of chosen entries.
// The box takes the field's label; the × stands beside the list, still clicked the same way
// (select2 listens on the whole selection), and is redrawn by select2 on every change.
(function ($) {
  function nameOf(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    return label ? label.textContent.replace(/\s+/g, ' ').trim() : (select.getAttribute('aria-label') || '');
  }

  function tidy(select) {
    var $selection = $(select).next('.select2-container').find('.select2-selection--multiple');
    if (!$selection.length) { return; }
    $selection.find('.select2-search__field').attr('aria-label', nameOf(select));
    $selection.children('.select2-selection__clear').remove();
    $selection.find('.select2-selection__rendered > .select2-selection__clear').prependTo($selection);
  }

  $(document).on('change select2:select select2:unselect', 'select[multiple]', function () { tidy(this); });
  $(function () { $('select[multiple]').each(function () { tidy(this); }); });
})(jQuery);
