/* Type-ahead pickers for territories and collectivités (select2, shipped with CKAN).
 *
 * <input data-module="collectivites-picker"
 *        data-module-source="/api/3/action/collectivites_territory_autocomplete"
 *        data-module-multiple="true" data-module-key="id" data-module-kinds=""
 *        data-module-labels='{"commune:35238": "Rennes (35238)"}'>
 *
 * The input keeps comma-separated values, so the form also works without JS.
 * CKAN 2.11 ships select2 3.5 (``query``/``initSelection`` options on an input);
 * CKAN 2.12 ships select2 4.1, which reads an input only through a data adapter.
 */
this.ckan.module('collectivites-picker', function ($) {
  'use strict';
  var DELAY = 250;  // ms of typing pause before a request

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
      this.labels = this.options.labels || {};
      this.multiple = this.options.multiple === true || this.options.multiple === 'true';
      if ($.fn.select2 && $.fn.select2.amd) {
        this.el.select2(this.settings4());
      } else {
        this.el.select2(this.settings3());
      }
    },

    params: function (term) {
      var params = {q: term, limit: 20};
      var kinds = this.options.kinds;
      if (typeof kinds === 'string' && kinds) {
        params.kinds = kinds;
      }
      return params;
    },

    items: function (data) {
      var self = this;
      var key = this.options.key;
      return $.map((data && data.result) || [], function (item) {
        self.labels[item[key]] = item.label;
        return {id: item[key], text: item.label};
      });
    },

    ids: function () {
      return $.grep((this.el.val() || '').split(','), function (x) {
        return x.length > 0;
      });
    },

    selected: function () {
      var labels = this.labels;
      return $.map(this.ids(), function (id) {
        return {id: id, text: labels[id] || id};
      });
    },

    /* select2 3.5 (CKAN 2.11) */
    settings3: function () {
      var self = this;
      var opts = this.options;
      return {
        multiple: this.multiple,
        allowClear: !this.multiple,
        placeholder: this.el.attr('placeholder') || '',
        minimumInputLength: 1,
        width: '100%',
        ajax: {
          url: opts.source,
          dataType: 'json',
          quietMillis: DELAY,
          data: function (term) { return self.params(term); },
          results: function (data) { return {results: self.items(data)}; }
        },
        initSelection: function (element, callback) {
          var items = self.selected();
          callback(self.multiple ? items : (items[0] || null));
        },
        formatInputTooShort: function () { return opts.tooShort; },
        formatNoMatches: function () { return opts.noMatch; },
        formatSearching: function () { return opts.searching; }
      };
    },

    /* select2 4.1 (CKAN 2.12): a data adapter reading and writing the input */
    settings4: function () {
      var self = this;
      var opts = this.options;
      var require = $.fn.select2.amd.require;
      var Utils = require('select2/utils');
      var ArrayData = require('select2/data/array');
      var MinimumInputLength = require('select2/data/minimumInputLength');
      var timer = null;

      function PickerData($element, options) {
        PickerData.__super__.constructor.call(this, $element, options);
      }
      Utils.Extend(PickerData, ArrayData);

      PickerData.prototype.current = function (callback) {
        callback(self.selected());
      };
      PickerData.prototype.select = function (data) {
        var ids = self.multiple ? self.ids() : [];
        if ($.inArray(data.id, ids) < 0) {
          ids.push(data.id);
        }
        self.labels[data.id] = data.text;
        self.el.val(ids.join(',')).trigger('change');
      };
      PickerData.prototype.unselect = function (data) {
        var ids = $.grep(self.ids(), function (id) { return id !== data.id; });
        self.el.val(ids.join(',')).trigger('change');
      };
      PickerData.prototype.query = function (params, callback) {
        clearTimeout(timer);
        timer = setTimeout(function () {
          $.ajax({url: opts.source, dataType: 'json', data: self.params(params.term || '')})
            .done(function (data) { callback({results: self.items(data)}); })
            .fail(function () { callback({results: []}); });
        }, DELAY);
      };

      return {
        dataAdapter: Utils.Decorate(PickerData, MinimumInputLength),
        multiple: this.multiple,
        allowClear: !this.multiple,
        placeholder: this.el.attr('placeholder') || '',
        minimumInputLength: 1,
        width: '100%',
        language: {
          inputTooShort: function () { return opts.tooShort; },
          noResults: function () { return opts.noMatch; },
          searching: function () { return opts.searching; }
        }
      };
    }
  };
});
