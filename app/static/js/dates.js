/* Issue #19: dates in the center's format (2026-10-13, 24-hour times) whatever the browser's
 * language, with an offline picker: FAB's bundled bootstrap-datepicker 1.10 and its vendored
 * zh-CN names (app/static/vendor/bootstrap-datepicker). Month and weekday names follow the
 * app's language (<html lang>), not the browser's. The picker does not open by itself on focus
 * (it would cover the next fields of the form while the user types): the calendar button next
 * to the field opens it, and so does ↓ in the field; the arrow keys then move the day (with
 * Shift the month, Ctrl the year), Enter takes it, Escape closes it. Typing stays possible,
 * and the server remains the judge of what is typed.
 *
 * The defaults are set now, before FAB's ab.js builds its own pickers on DOM ready (generic
 * forms, the search filters), so those speak the app's language and start the week on Monday.
 */
(function ($) {
  "use strict";
  if (!$ || !$.fn || !$.fn.datepicker) { return; }
  var htmlLang = (document.documentElement.getAttribute("lang") || "zh-CN").toLowerCase();
  var language = htmlLang.indexOf("zh") === 0 ? "zh-CN" : "en";
  $.extend($.fn.datepicker.defaults, {
    format: "yyyy-mm-dd", language: language, weekStart: 1, autoclose: true,
    todayHighlight: true, forceParse: false, orientation: "bottom auto", zIndexOffset: 1000,
    showOnFocus: false
  });
  var BUTTON_LABEL = language === "zh-CN" ? "选择日期（或在输入框中按↓）" : "Choose a date (or press ↓ in the field)";

  /* A calendar button after the field (Bootstrap's input group), for the mouse. */
  function withButton(input) {
    var $input = $(input);
    if ($input.parent().hasClass("input-group")) { return; }
    var small = $input.hasClass("input-sm") ? " btn-sm" : "";
    var $button = $('<button type="button" class="btn btn-default date-picker-button' + small + '">' +
                    '<i class="fa fa-calendar" aria-hidden="true"></i></button>')
      .attr({"aria-label": BUTTON_LABEL, title: BUTTON_LABEL, "aria-controls": input.id || null});
    $input.wrap('<div class="input-group date-picker-group"></div>');
    $('<span class="input-group-btn"></span>').append($button).insertAfter($input);
    $button.on("click", function () {
      $input.datepicker("show");
      $input.trigger("focus");
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function dayText(date) {  // the picker works on UTC midnights
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" + pad(date.getUTCDate());
  }

  function dayOf(text) {
    var m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text || "");
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  }

  /* A date-and-time input: the picker sets the date part and keeps the time typed. */
  function minuteFormat(input, defaultTime) {
    return {
      toDisplay: function (date) {
        var rest = (input.value || "").replace(/^\s*\d{4}-\d{1,2}-\d{1,2}[T ]?/, "").trim();
        return dayText(date) + " " + (rest || defaultTime);
      },
      toValue: function (text) { return dayOf(text); }
    };
  }

  /* forceParse stays off (a mistyped "2026-13-45" is not silently turned into 2027-02-14: the
   * server says what is wrong), but then the picker ignores Enter, which would submit the form
   * instead of taking the day the arrow keys chose: take it here. */
  function enterTakesTheDay(event) {
    // FAB's widgets hang the picker on the input's wrapper (a "component"), ours on the input.
    var host = $(this).data("datepicker") ? $(this) : $(this).closest(".appbuilder_date, .appbuilder_datetime");
    var picker = host.data("datepicker");
    if (event.key !== "Enter" || !picker || !picker.picker.is(":visible")) { return; }
    event.preventDefault();
    if (picker.focusDate) {
      host.datepicker("setUTCDate", picker.focusDate);
    }
    host.datepicker("hide");
  }
  $(document).on("keydown", "input[data-day-picker], input[data-month-picker], " +
                 "input[data-minute-picker], .appbuilder_date input, .appbuilder_datetime input",
                 enterTakesTheDay);

  /* FAB 5's search filters (ab_filters.js) set up a date filter's picker with
   * $.fn.datetimepicker, a plugin FAB no longer ships: opening a date filter threw a TypeError
   * and the row got no picker. The same picker as FAB's generic date widgets get, instead. */
  if (!$.fn.datetimepicker) {
    $.fn.datetimepicker = function () {
      return this.each(function () {
        var input = $(this).find("input")[0];
        if ($(this).hasClass("appbuilder_datetime") && input) {
          $(input).datepicker({ format: minuteFormat(input, "00:00:00") });
        } else {
          $(this).datepicker();
        }
      });
    };
  }

  $(function () {
    $("input[data-day-picker]").each(function () { withButton(this); }).datepicker();
    $("input[data-month-picker]").each(function () { withButton(this); })
      .datepicker({ format: "yyyy-mm", minViewMode: 1, startView: 1 });
    $("input[data-minute-picker]").each(function () {
      withButton(this);
      $(this).datepicker({ format: minuteFormat(this, "09:00") });
    });
    // FAB's generic date-and-time widget is set up by ab.js with a date-only format, which
    // would drop the time: the same date-and-time handling as ours, seconds kept.
    $(".appbuilder_datetime").each(function () {
      var input = $(this).find("input")[0];
      if (!input) { return; }
      $(this).datepicker("destroy");
      $(input).datepicker({ format: minuteFormat(input, "00:00:00") });
    });
  });
}(window.jQuery));
