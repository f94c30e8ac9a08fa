/**
 * Editor helpers shared by every Odoo node's dialog: model, field and method suggestions,
 * domain checks and the connection test. Each one degrades to the plain input with a short
 * hint when the server is not deployed, unreachable or refuses.
 *
 * Each Odoo node's HTML loads this file (Node-RED serves a package's `resources/` folder at
 * `resources/<package>/`); the editor runs it once per node type, so the library is made the
 * first time only, its deploy listener included.
 */
if (!window.OdooConnectorEditor) {
  window.OdooConnectorEditor = (function () {
    var NS = 'node-red-contrib-odoo-connector/odoo-config:';
    var OPERATORS = (
      '=,!=,<>,>,>=,<,<=,=?,=like,=ilike,like,not like,ilike,not ilike,in,not in,' +
      'child_of,parent_of,any,not any'
    ).split(',');
    var METHODS = {
      action_confirm: { args: [[1]], kwargs: {} },
      message_post: {
        args: [[1]],
        kwargs: { body: 'Hello from Node-RED', message_type: 'comment' },
      },
      name_search: { args: ['Deco'], kwargs: { limit: 5 } },
      read_group: { args: [[]], kwargs: { fields: ['country_id'], groupby: ['country_id'] } },
      fields_get: { args: [], kwargs: { attributes: ['string', 'type', 'required'] } },
      default_get: { args: [['name', 'email']], kwargs: {} },
      copy: { args: [[1]], kwargs: { default: { name: 'Copy' } } },
      action_archive: { args: [[1]], kwargs: {} },
      action_unarchive: { args: [[1]], kwargs: {} },
    };
    var EMPTY_VALUES = {
      integer: 0,
      float: 0,
      monetary: 0,
      boolean: false,
      many2one: false,
      many2many: [],
      one2many: [],
      date: 'YYYY-MM-DD',
      datetime: 'YYYY-MM-DD HH:MM:SS',
    };
    var cache = {};
    RED.events.on('deploy', function () {
      cache = {};
    });

    function t(key, params) {
      return RED._(NS + key, params);
    }

    function serverId() {
      var id = $('#node-input-server').val();
      return id && id !== '_ADD_' ? id : '';
    }

    function fixedModel() {
      var input = $('#node-input-model');
      return input.typedInput('type') === 'str' ? String(input.typedInput('value')).trim() : '';
    }

    /**
     * What went wrong with an admin request, in the browser's language where we can; `fallback`
     * names the text for an answer that is not ours (no permission, Node-RED unreachable).
     */
    function problemText(xhr, fallback) {
      var body = xhr && xhr.responseJSON;
      if (body && body.problem) {
        var key = NS + 'admin.' + body.problem;
        var params = $.extend({}, body);
        if (body.reasonKey) params.reason = t('reasons.' + body.reasonKey, body.reasonParams);
        var text = RED._(key, params);
        return text && text !== key && text !== 'admin.' + body.problem ? text : body.message;
      }
      var status = (xhr && xhr.status) || '-';
      return t(fallback || 'editor.unavailable', { status: status, reason: 'HTTP ' + status });
    }

    function lookUp(path) {
      if (!cache[path]) {
        cache[path] = $.ajax({ url: path, dataType: 'json' });
        cache[path].fail(function () {
          delete cache[path];
        });
      }
      return cache[path];
    }

    function postJson(path, body) {
      return $.ajax({
        url: path,
        method: 'POST',
        contentType: 'application/json',
        data: JSON.stringify(body),
        dataType: 'json',
      });
    }

    function serverPath(id, rest) {
      return 'odoo-config/' + encodeURIComponent(id) + '/' + rest;
    }

    /** A one-line hint under an input's form row, created on first use; no text hides it. */
    function hint(name, text, kind) {
      var element = $('#odoo-hint-' + name);
      if (!element.length) {
        element = $('<div class="form-tips odoo-hint"></div>')
          .attr('id', 'odoo-hint-' + name)
          .css({ margin: '-6px 0 12px 104px', padding: '4px 8px' })
          .insertAfter(rowOf(name));
      }
      element.toggle(!!text).css('color', kind === 'error' ? 'var(--red-ui-text-color-error)' : '');
      element.text(text || '');
      return element;
    }

    function rowOf(name) {
      return $('#node-input-' + name).closest('.form-row');
    }

    function completion(value, note) {
      var label = $('<div>').css({ display: 'flex', gap: '8px' });
      $('<span>').text(value).appendTo(label);
      $('<span>')
        .text(note || '')
        .css('opacity', 0.6)
        .appendTo(label);
      return { value: value, label: label };
    }

    /** The `str` type of a model input, with suggestions from the server's ir.model. */
    function modelType() {
      return {
        value: 'str',
        label: RED._('typedInput.type.str'),
        icon: 'red/images/typedInput/az.svg',
        autoComplete: function (value, done) {
          var id = serverId();
          if (!id) {
            hint('model', t('editor.choose-server'));
            return done([]);
          }
          lookUp(serverPath(id, 'models')).then(
            function (models) {
              hint('model', '');
              var query = value.trim().toLowerCase();
              var matches = models.filter(function (entry) {
                return (
                  !query ||
                  entry.model.toLowerCase().indexOf(query) !== -1 ||
                  String(entry.name).toLowerCase().indexOf(query) !== -1
                );
              });
              matches.sort(function (a, b) {
                var aStarts = a.model.indexOf(query) === 0 ? 0 : 1;
                var bStarts = b.model.indexOf(query) === 0 ? 0 : 1;
                return aStarts - bStarts || a.model.localeCompare(b.model);
              });
              done(
                matches.slice(0, 100).map(function (entry) {
                  return completion(entry.model, entry.name);
                }),
              );
            },
            function (xhr) {
              hint('model', problemText(xhr));
              done([]);
            },
          );
        },
      };
    }

    /**
     * The `str` type of the execute node's method input: on Odoo 19 the model's own methods and
     * their signatures (from its api_doc, through the deployed server), otherwise common ones.
     */
    function methodType() {
      var common = function (query) {
        return Object.keys(METHODS)
          .filter(function (name) {
            return name.indexOf(query) !== -1;
          })
          .map(function (name) {
            return completion(name, t('editor.methods.' + name));
          });
      };
      return {
        value: 'str',
        label: RED._('typedInput.type.str'),
        icon: 'red/images/typedInput/az.svg',
        autoComplete: function (value, done) {
          var query = value.trim().toLowerCase();
          var id = serverId();
          var model = fixedModel();
          if (!id || !model) return done(common(query));
          lookUp(serverPath(id, 'methods?model=' + encodeURIComponent(model))).then(
            function (answer) {
              if (!answer.documented) return done(common(query));
              done(
                answer.methods
                  .filter(function (method) {
                    return method.name.toLowerCase().indexOf(query) !== -1;
                  })
                  .slice(0, 100)
                  .map(function (method) {
                    var kind = t(method.model ? 'editor.model-method' : 'editor.record-method');
                    return completion(method.name, method.signature + ' · ' + kind);
                  }),
              );
            },
            function () {
              done(common(query));
            },
          );
        },
      };
    }

    /** Below the method: what the chosen method does, and an example for args and kwargs. */
    function methodHelp() {
      var update = function () {
        var input = $('#node-input-method');
        var name = input.typedInput('type') === 'str' ? input.typedInput('value').trim() : '';
        var example = METHODS[name];
        var element = hint('method', example ? name + ': ' + t('editor.methods.' + name) : '');
        if (!example) return;
        $('<a href="#"></a>')
          .text(t('editor.use-example'))
          .css('margin-left', '8px')
          .on('click', function (event) {
            event.preventDefault();
            $('#node-input-args').typedInput('type', 'json');
            $('#node-input-args').typedInput('value', JSON.stringify(example.args));
            $('#node-input-kwargs').typedInput('type', 'json');
            $('#node-input-kwargs').typedInput('value', JSON.stringify(example.kwargs));
          })
          .appendTo(element);
      };
      $('#node-input-method').on('change', update);
      update();
    }

    function loadFields(onLoad, onProblem) {
      var id = serverId();
      var model = fixedModel();
      if (!id) return onProblem(t('editor.choose-server'));
      if (!model) return onProblem(t('editor.fixed-model'));
      lookUp(serverPath(id, 'fields?model=' + encodeURIComponent(model))).then(
        onLoad,
        function (xhr) {
          onProblem(problemText(xhr));
        },
      );
    }

    /**
     * A button beside an input that opens the model's field list below it. `onPick(field)`
     * handles a click; `isPicked(field)` marks the fields already in the input.
     */
    function fieldPanel(name, options) {
      var row = rowOf(name);
      var panel = $('<div class="odoo-field-panel"></div>')
        .css({
          margin: '-6px 0 12px 104px',
          padding: '6px',
          border: '1px solid var(--red-ui-form-input-border-color)',
          borderRadius: '4px',
        })
        .hide()
        .insertAfter(row);
      var filter = $('<input type="text">')
        .attr('placeholder', t('editor.filter'))
        .css({ width: '100%', marginBottom: '6px' })
        .appendTo(panel);
      var status = $('<div class="form-tips"></div>').appendTo(panel);
      var list = $('<div></div>').css({ maxHeight: '220px', overflowY: 'auto' }).appendTo(panel);
      var fields = [];
      var render = function () {
        var query = filter.val().trim().toLowerCase();
        list.empty();
        fields
          .filter(options.accepts)
          .filter(function (field) {
            return (
              !query ||
              field.name.toLowerCase().indexOf(query) !== -1 ||
              field.label.toLowerCase().indexOf(query) !== -1
            );
          })
          .forEach(function (field) {
            var entry = $('<div class="odoo-field"></div>')
              .attr('data-field', field.name)
              .css({ display: 'flex', gap: '8px', padding: '2px 4px', cursor: 'pointer' })
              .on('click', function () {
                options.onPick(field);
                render();
              })
              .appendTo(list);
            $('<i class="fa"></i>')
              .addClass(options.icon(field))
              .css({ width: '14px', marginTop: '3px' })
              .appendTo(entry);
            $('<code></code>').text(field.name).appendTo(entry);
            $('<span></span>')
              .text(field.label + (field.required ? ' *' : ''))
              .appendTo(entry);
            $('<span></span>')
              .text(field.type + (field.relation ? ' → ' + field.relation : ''))
              .css({ opacity: 0.6, marginLeft: 'auto' })
              .appendTo(entry);
          });
      };
      filter.on('keyup', render);
      var button = $('<button type="button" class="red-ui-button"></button>')
        .attr('title', options.title)
        .css('margin-left', '4px')
        .append('<i class="fa fa-list-ul"></i>')
        .on('click', function () {
          if (panel.is(':visible')) return panel.hide();
          panel.show();
          status.text(t('editor.loading'));
          list.empty();
          loadFields(
            function (loaded) {
              fields = loaded;
              status.text(t(options.tip, { model: fixedModel() }));
              render();
            },
            function (problem) {
              fields = [];
              status.text(problem);
            },
          );
        });
      row.append(button);
      $('#node-input-' + name).typedInput('width', 'calc(70% - 40px)');
      return { refresh: render };
    }

    function pickedFields() {
      var input = $('#node-input-fields');
      var value = input.typedInput('value');
      if (input.typedInput('type') === 'str') {
        return value.split(',').map(function (part) {
          return part.trim();
        });
      }
      if (input.typedInput('type') !== 'json') return [];
      try {
        var parsed = JSON.parse(value || '[]');
        return Array.isArray(parsed) ? parsed : [];
      } catch (error) {
        return [];
      }
    }

    /** The fields picker of search and read: produces the `fields` array. */
    function fieldsPicker() {
      fieldPanel('fields', {
        title: t('editor.pick-fields'),
        tip: 'editor.pick-fields-tip',
        accepts: function () {
          return true;
        },
        icon: function (field) {
          return pickedFields().indexOf(field.name) === -1 ? 'fa-square-o' : 'fa-check-square-o';
        },
        onPick: function (field) {
          var picked = pickedFields().filter(function (name) {
            return name !== '';
          });
          var at = picked.indexOf(field.name);
          if (at === -1) picked.push(field.name);
          else picked.splice(at, 1);
          var input = $('#node-input-fields');
          input.typedInput('type', 'json');
          input.typedInput('value', picked.length ? JSON.stringify(picked) : '');
        },
      });
    }

    function currentValues() {
      var input = $('#node-input-values');
      if (input.typedInput('type') !== 'json') return {};
      try {
        var parsed = JSON.parse(input.typedInput('value') || '{}');
        return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
      } catch (error) {
        return null;
      }
    }

    /** Create and write: the model's writable fields at hand; a click adds one to Values. */
    function valuesHelper() {
      fieldPanel('values', {
        title: t('editor.show-fields'),
        tip: 'editor.values-tip',
        accepts: function (field) {
          return !field.readonly;
        },
        icon: function (field) {
          var values = currentValues();
          return values && field.name in values ? 'fa-check' : 'fa-plus';
        },
        onPick: function (field) {
          var values = currentValues();
          var input = $('#node-input-values');
          if (values === null) {
            return hint('values', t('editor.values-not-object'), 'error');
          }
          if (field.name in values) return;
          values[field.name] = emptyValue(field);
          input.typedInput('type', 'json');
          input.typedInput('value', JSON.stringify(values));
        },
      });
    }

    var MATCHABLE = ['char', 'text', 'integer', 'float', 'monetary', 'boolean', 'selection'];
    MATCHABLE.push('date', 'datetime', 'many2one');

    function pickedMatch() {
      var value = $('#node-input-match').typedInput('value');
      return value.split(',').map(function (part) {
        return part.trim();
      });
    }

    /** Upsert: the fields a record can be found by; a click adds one to (or takes it off) Match. */
    function matchPicker() {
      fieldPanel('match', {
        title: t('editor.pick-match'),
        tip: 'editor.pick-match-tip',
        accepts: function (field) {
          return MATCHABLE.indexOf(field.type) !== -1;
        },
        icon: function (field) {
          return pickedMatch().indexOf(field.name) === -1 ? 'fa-square-o' : 'fa-check-square-o';
        },
        onPick: function (field) {
          var picked = pickedMatch().filter(function (name) {
            return name !== '' && name !== 'externalId';
          });
          var at = picked.indexOf(field.name);
          if (at === -1) picked.push(field.name);
          else picked.splice(at, 1);
          var input = $('#node-input-match');
          input.typedInput('type', 'str');
          input.typedInput('value', picked.join(', '));
        },
      });
    }

    function emptyValue(field) {
      return field.type in EMPTY_VALUES ? EMPTY_VALUES[field.type] : '';
    }

    /** Why a domain (JSON text) is not one Odoo accepts, or '' when it is. */
    function domainProblem(text) {
      if (String(text).trim() === '') return '';
      var domain;
      try {
        domain = JSON.parse(text);
      } catch (error) {
        return t('editor.domain.json', { reason: error.message });
      }
      if (!Array.isArray(domain)) return t('editor.domain.not-array');
      var expected = 1;
      for (var index = 0; index < domain.length; index++) {
        var item = domain[index];
        if (expected === 0) expected = 1; // conditions side by side are AND-ed
        if (item === '&' || item === '|') expected += 1;
        else if (item === '!') continue;
        else if (
          Array.isArray(item) &&
          item.length === 3 &&
          (typeof item[0] === 'string' || item[0] === 0 || item[0] === 1) &&
          typeof item[1] === 'string'
        ) {
          if (OPERATORS.indexOf(item[1].toLowerCase()) === -1) {
            return t('editor.domain.operator', { index: index + 1, operator: item[1] });
          }
          expected -= 1;
        } else {
          return t('editor.domain.item', { index: index + 1, item: JSON.stringify(item) });
        }
      }
      return expected > 0 && domain.length > 0 ? t('editor.domain.operands') : '';
    }

    /**
     * The validator of a `domain` TypedInput: its type's own check, and for JSON a domain Odoo
     * accepts; absent or empty is the runtime's default, [].
     */
    function domainValidator() {
      var typed = RED.validators.typedInput({
        typeField: 'domainType',
        allowBlank: true,
        allowUndefined: true,
      });
      return function (value, opt) {
        var result = typed.call(this, value, opt);
        var type = $('#node-input-domainType').val() || this.domainType;
        if (result !== true || type !== 'json' || value === undefined) return result;
        var problem = domainProblem(value);
        return problem ? (opt ? problem : false) : true;
      };
    }

    /** A domain (search, watch): checked as it is typed, and a Preview of how many match. */
    function domainTools() {
      var row = rowOf('domain');
      var input = $('#node-input-domain');
      var check = function () {
        var problem =
          input.typedInput('type') === 'json' ? domainProblem(input.typedInput('value')) : '';
        hint('domain', problem, 'error');
        return problem;
      };
      var result = $('<div class="form-row odoo-preview-result"></div>')
        .css('margin-left', '104px')
        .hide()
        .insertAfter(row);
      var show = function (text) {
        result.text(text || '').toggle(!!text);
      };
      input.on('change keyup', function () {
        show('');
        check();
      });
      var button = $('<button type="button" class="red-ui-button"></button>')
        .text(t('editor.preview'))
        .attr('title', t('editor.preview-title'))
        .css('margin-left', '4px')
        .on('click', function () {
          var id = serverId();
          var model = fixedModel();
          if (!id) return show(t('editor.choose-server'));
          if (!model || input.typedInput('type') !== 'json') {
            return show(t('editor.preview-needs'));
          }
          if (check()) return show('');
          var body = { model: model, domain: JSON.parse(input.typedInput('value') || '[]') };
          var context = $('#node-input-context');
          if (
            context.length &&
            context.typedInput('type') === 'json' &&
            context.typedInput('value').trim()
          ) {
            try {
              body.context = JSON.parse(context.typedInput('value'));
            } catch (error) {
              // the context row shows its own error; preview without it
            }
          }
          show(t('editor.loading'));
          postJson(serverPath(id, 'count'), body).then(
            function (answer) {
              show(t('editor.preview-count', { count: answer.count }));
            },
            function (xhr) {
              show(problemText(xhr));
            },
          );
        });
      row.append(button);
      input.typedInput('width', 'calc(70% - 80px)');
      check();
    }

    /** The config dialog's Test connection button. */
    function connectionTest(node) {
      var result = $('#odoo-config-test-result');
      $('#odoo-config-test').on('click', function () {
        var value = function (name) {
          var input = $('#node-config-input-' + name);
          return input.length ? input.val() : '';
        };
        var chosen = function (name) {
          var id = $('#odoo-config-use-' + name).is(':checked') ? value(name) : '';
          return id === '_ADD_' ? '' : id;
        };
        var body = {
          id: node.id,
          url: value('url'),
          db: value('db'),
          username: value('username'),
          apiKey: value('apiKey'),
          timeout: value('timeout'),
          transport: value('transport'),
          tls: chosen('tls'),
          proxy: chosen('proxy'),
        };
        var button = $(this).prop('disabled', true);
        result.css('color', '').text(t('odoo-config.test.testing'));
        postJson('odoo-config/test', body)
          .then(
            function (answer) {
              var lines = [
                t('odoo-config.test.ok', {
                  transport: answer.transport,
                  version: answer.version,
                  db: answer.db,
                  uid: answer.uid,
                  user: answer.user || answer.login,
                }),
              ];
              if (answer.offeredDb) {
                $('#node-config-input-db').val(answer.offeredDb).trigger('change');
                lines.push(t('odoo-config.test.offered', { db: answer.offeredDb }));
              }
              if (answer.deprecated) lines.push(t('odoo-config.test.deprecated'));
              result
                .css('color', 'var(--red-ui-text-color-success, #3d8b3d)')
                .text(lines.join(' '));
            },
            function (xhr) {
              result
                .css('color', 'var(--red-ui-text-color-error)')
                .text(problemText(xhr, 'odoo-config.test.failed'));
            },
          )
          .always(function () {
            button.prop('disabled', false);
          });
      });
    }

    /**
     * A validator for a number setting that the runtime defaults when it is left out or blank:
     * `whole` numbers only, from `min` to `max`, or `above` a bound.
     */
    function setting(rule) {
      return function (value) {
        if (value === undefined || value === null || String(value).trim() === '') return true;
        var number = Number(value);
        if (isNaN(number)) return false;
        if (rule.whole && Math.floor(number) !== number) return false;
        if (rule.min !== undefined && number < rule.min) return false;
        if (rule.max !== undefined && number > rule.max) return false;
        return rule.above === undefined || number > rule.above;
      };
    }

    /**
     * A node written without some properties (by hand, a script, an earlier version) opens with
     * the defaults: a select shows its default choice, and a TypedInput its default source (an
     * empty `msg.` would be invalid on Done, though the runtime uses `msg.payload` for it).
     */
    function chooseDefaults(node) {
      var defaults = node._def.defaults;
      Object.keys(defaults).forEach(function (name) {
        var absent = node[name] === undefined || node[name] === '';
        var select = $('select#node-input-' + name);
        if (select.length && absent) select.val(defaults[name].value);
        var typeField = defaults[name + 'Type'];
        if (typeField && node[name] === undefined) {
          $('#node-input-' + name).val(defaults[name].value);
          $('#node-input-' + name + 'Type').val(typeField.value);
        }
      });
    }

    /** Makes each `#node-input-<name>` a TypedInput of `types[name]`, its type in `<name>Type`. */
    function typedInputs(types) {
      Object.keys(types).forEach(function (name) {
        $('#node-input-' + name).typedInput({
          types: types[name],
          typeField: '#node-input-' + name + 'Type',
        });
      });
    }

    /** A node's label: its name, or what it does and the model when the model is fixed text. */
    function modelLabel(node, type) {
      var model = (node.modelType || 'str') === 'str' && node.model ? ' ' + node.model : '';
      return node.name || node._(type + '.paletteLabel') + model;
    }

    return {
      chooseDefaults: chooseDefaults,
      typedInputs: typedInputs,
      modelLabel: modelLabel,
      setting: setting,
      domainValidator: domainValidator,
      modelType: modelType,
      methodType: methodType,
      methodHelp: methodHelp,
      fieldsPicker: fieldsPicker,
      valuesHelper: valuesHelper,
      matchPicker: matchPicker,
      domainProblem: domainProblem,
      domainTools: domainTools,
      connectionTest: connectionTest,
    };
  })();
}
