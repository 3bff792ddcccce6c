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
