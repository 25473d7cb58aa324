/* Type-ahead pickers for territories and collectivités (select2, shipped with CKAN).
 *
 * <input data-module="collectivites-picker"
 *        data-module-source="/api/3/action/collectivites_territory_autocomplete"
 *        data-module-multiple="true" data-module-key="id" data-module-kinds=""
 *        data-module-labels='{"commune:35238": "Rennes (35238)"}'>
 *
 * The input keeps comma-separated values, so the form also works without JS.
 */
this.ckan.module('collectivites-picker', function ($) {
  'use strict';
  return {
    options: {
      source: null,
      multiple: true,
      key: 'id',
      kinds: '',  // an empty data-module-kinds attribute reads as true
      labels: {},
      tooShort: '',
      noMatch: '',
      searching: ''
    },

    initialize: function () {
      var opts = this.options;
      var labels = opts.labels || {};
      var multiple = opts.multiple === true || opts.multiple === 'true';
      this.el.select2({
        multiple: multiple,
        allowClear: !multiple,
        placeholder: this.el.attr('placeholder') || '',
        minimumInputLength: 1,
        width: '100%',
        ajax: {
          url: opts.source,
          dataType: 'json',
          quietMillis: 250,
          data: function (term) {
            var params = {q: term, limit: 20};
            if (typeof opts.kinds === 'string' && opts.kinds) {
              params.kinds = opts.kinds;
            }
            return params;
          },
          results: function (data) {
            var items = (data && data.result) || [];
            return {
              results: $.map(items, function (item) {
                labels[item[opts.key]] = item.label;
                return {id: item[opts.key], text: item.label};
              })
            };
          }
        },
        initSelection: function (element, callback) {
          var ids = $.grep((element.val() || '').split(','), function (x) {
            return x.length > 0;
          });
          var items = $.map(ids, function (id) {
            return {id: id, text: labels[id] || id};
          });
          callback(multiple ? items : (items[0] || null));
        },
        formatInputTooShort: function () { return opts.tooShort; },
        formatNoMatches: function () { return opts.noMatch; },
        formatSearching: function () { return opts.searching; }
      });
    }
  };
});
