/* Keywords typed with commas all become tags, the last one included.
 *
 * <input name="tag_string" data-module="autocomplete collectivites-keywords"
 *        data-module-tags="" ...>
 *
 * select2 empties its search field when its list closes, so the last keyword
 * of "budget, conseil municipal, vote" typed as the help text says was lost.
 * On CKAN 2.11 (select2 3.5) CKAN's module answers a comma with a simulated
 * Enter that does nothing while suggestions load: the comma was swallowed.
 * Here closing the list without choosing a suggestion, leaving the field and
 * sending the form add the text still typed as tags; with select2 3.5 a comma
 * does too. select2 3.5 (CKAN 2.11) and 4.1 (CKAN 2.12).
 */
this.ckan.module('collectivites-keywords', function ($) {
  'use strict';

  return {
    initialize: function () {
      $.proxyAll(this, /_on/);
      this.el.on('select2:closing', this._onClosing);
      this.el.closest('form').on('submit', this._onSubmit);
      var v35 = $('#s2id_' + this.el.attr('id'));
      if (v35.length) {
        // select2 3.5 only (4.1 splits on commas itself); capture: runs before
        // CKAN's own comma handler on the search field
        v35[0].addEventListener('keydown', this._onKeydown, true);
        // select2 3.5 empties the field before telling that its list closed:
        // catch the click elsewhere (on its page mask) before it does
        document.addEventListener('mousedown', this._onMousedown, true);
        document.addEventListener('touchstart', this._onMousedown, true);
      }
    },

    container: function () {
      var v4 = this.el.next('.select2-container');
      return v4.length ? v4 : $('#s2id_' + this.el.attr('id'));
    },

    pendingField: function () {
      return this.container().find('.select2-search__field, input.select2-input');
    },

    commit: function () {
      var field = this.pendingField();
      var typed = $.trim(field.val() || '');
      if (!typed) {
        return false;
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
      return true;
    },

    _onKeydown: function (event) {
      var comma = event.key === ',' || (event.key === undefined && event.which === 188);
      if (!comma || !$(event.target).is('.select2-search__field, input.select2-input')) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      if (this.commit()) {
        this.pendingField().val('').trigger('focus');
      }
    },

    _onMousedown: function (event) {
      var target = $(event.target);
      if (target.closest(this.container()).length || target.closest('.select2-drop').length) {
        return;  // in the field, or choosing a suggestion
      }
      this.commit();
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
