/* Keywords typed last are kept: the text left in the select2 tag field.
 *
 * <input name="tag_string" data-module="autocomplete collectivites-keywords"
 *        data-module-tags="" ...>
 *
 * CKAN's autocomplete module turns a keyword into a tag only on a comma, Enter
 * or a click on a suggestion, and select2 empties its search field when its
 * list closes: "budget, conseil municipal, vote" typed as the help text says
 * lost "vote". When the list closes without a choice, and when the form is
 * sent, the text still typed (split on commas) is added to the input's
 * comma-separated value. select2 3.5 (CKAN 2.11) and 4.1 (CKAN 2.12).
 */
this.ckan.module('collectivites-keywords', function ($) {
  'use strict';

  return {
    initialize: function () {
      $.proxyAll(this, /_on/);
      this.el.on('select2:closing select2-blur', this._onClosing);
      this.el.closest('form').on('submit', this._onSubmit);
    },

    pendingField: function () {
      var v4 = this.el.next('.select2-container').find('.select2-search__field');
      return v4.length ? v4 : $('#s2id_' + this.el.attr('id')).find('input.select2-input');
    },

    commit: function () {
      var field = this.pendingField();
      var typed = $.trim(field.val() || '');
      if (!typed) {
        return;
      }
      var current = $.trim(this.el.val() || '');
      var known = {};
      var values = [];
      $.each((current ? current.split(',') : []).concat(typed.split(',')), function (i, raw) {
        var tag = $.trim(raw);
        if (tag && !known[tag.toLowerCase()]) {
          known[tag.toLowerCase()] = true;
          values.push(tag);
        }
      });
      field.val('');
      this.el.val(values.join(','));
      this.el.trigger('change');  // select2 redraws the tags from the value
    },

    _onClosing: function (event) {
      var args = event.params && event.params.args;
      if (args && args.originalSelect2Event) {
        return;  // closed by choosing a suggestion: select2 added it
      }
      this.commit();
    },

    _onSubmit: function () {
      this.commit();
    }
  };
});
