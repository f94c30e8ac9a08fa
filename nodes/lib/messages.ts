/**
 * The client's own error texts, in English, keyed like the `errors` section of the config
 * node's message catalog (a test keeps the two identical). `__name__` marks a parameter, as in
 * Node-RED's catalogs, so a Node-RED translator can be passed in place of `englishMessage`.
 */
export const MESSAGES = {
  'invalid-model': 'model must be a non-empty string such as "res.partner" (got __value__)',
  'invalid-ids': 'ids must be a positive integer or an array of positive integers (got __value__)',
  'invalid-domain':
    'domain must be an array of conditions such as [["is_company", "=", true]] (got __value__)',
  'invalid-fields':
    'fields must be an array of field names such as ["name", "email"] (got __value__)',
  'invalid-count': '__name__ must be a non-negative integer (got __value__)',
  'invalid-order': 'order must be a string such as "name asc, id desc" (got __value__)',
  'invalid-context': 'context must be an object such as {"lang": "fr_FR"} (got __value__)',
  'invalid-create-values':
    'values must be an object (one record) or an array of objects (several records) (got __value__)',
  'invalid-write-values':
    'values must be an object of field values such as {"phone": "+1 555"} (got __value__)',
  'invalid-method': 'method must be a non-empty string such as "action_confirm" (got __value__)',
  'invalid-args': 'args must be an array of positional arguments (got __value__)',
  'invalid-kwargs': 'kwargs must be an object of keyword arguments (got __value__)',
  'invalid-returns': 'returns must be "records", "ids" or "count" (got __value__)',
  'invalid-page-size': 'pageSize must be a whole number from 1, such as 1000 (got __value__)',
  'invalid-batch-size':
    'batchSize must be a whole number: 0 for one call, or the records per call such as 500 (got __value__)',
  'invalid-split': 'split must be "none", "page" or "record" (got __value__)',
  'invalid-match':
    'match must be a field name such as "email", a list of fields such as ["company_id", "ref"], or "externalId" (got __value__)',
  'invalid-binary': 'binary must be "base64" or "buffer" (got __value__)',
  'upsert-unknown-field':
    '__model__ has no field "__name__" (named in __where__); nothing was sent',
  'upsert-unmatchable':
    'the __type__ field "__name__" cannot find a record: match by a stored char, integer, selection, date or many2one field',
  'upsert-no-key':
    'record __index__ has no usable __name__ (got __value__), which match needs to find its record; nothing was sent',
  'invalid-external-id':
    'record __index__ needs externalId, a text such as "shop.customer_42" (got __value__); nothing was sent',
  'upsert-same-key':
    'records __first__ and __second__ have the same key __key__: each key may appear once per message; nothing was sent',
  'upsert-ambiguous':
    '__count__ __model__ records have the key __key__ (ids __ids__): a key must name one record, so nothing of this batch was written',
  'upsert-wrong-model':
    'the External ID __key__ names a __other__ record, not __model__: nothing of this batch was written',
  'upsert-xmlid-rights':
    'matching by externalId reads and creates External IDs (ir.model.data), which Odoo allows only to the group it names: __reason__ Give this user that group (Settings → Users), or match by a field such as "ref" instead',
  'upsert-installed-module':
    'the new External ID __key__ would belong to the installed module "__module__", which deletes records of its IDs that its own data does not define when it is updated: use a prefix of your own such as "shop.", or none (Odoo\'s import prefix __import__); nothing was written',
  'upsert-failed':
    'before this, __created__ created and __updated__ updated (their ids are in msg.error.cause.createdIds and msg.error.cause.updatedIds); nothing else was written',
  'batch-failed':
    'batch __batch__ of __batches__ failed; the __created__ records before it were created (their ids are in msg.error.cause.createdIds) and no later batch was sent',
  'sent-before-failure':
    '__sent__ records had already been sent in __messages__ messages with msg.parts.id "__id__"',
  'invalid-value': '__path__ cannot be sent to Odoo: __reason__',
  'invalid-property': '__name__ could not be evaluated: __reason__',
  'missing-config': 'no Odoo server is configured: open the node and choose or add an Odoo server',
  'server-not-deployed':
    'the Odoo server node this node uses is not deployed (it was deleted or disabled): open the node and choose an Odoo server',
  'invalid-url':
    'the Odoo URL "__url__" is not valid: __reason__ (use the address you open Odoo with, such as https://mycompany.odoo.com)',
  'invalid-setting':
    'the Odoo server node setting __name__ must be __rule__: open the Odoo server node and correct it',
  'missing-db': 'the Odoo server node has no database: open it and fill in the database name',
  'missing-username': 'the Odoo server node has no login: open it and fill in the login',
  'missing-api-key':
    'the Odoo server node has no API key or password: open it and fill one in (Odoo: Preferences → Account Security → New API Key)',
  'login-refused':
    'Odoo refused the login "__login__" on database "__db__": check the login and the API key or password',
  'network-error': 'cannot reach Odoo at __url__: __reason__',
  'network-error-unsure':
    'the connection to __url__ broke after the request was sent (__reason__): Odoo may or may not have done it, so check (for example search for the record) before repeating',
  timeout: 'Odoo did not answer __url__ within __seconds__ s',
  'timeout-unsure':
    'Odoo did not answer __url__ within __seconds__ s: Odoo may or may not have done it (it may still be working), so check before repeating',
  closed:
    'the call to __url__ was cancelled because its Odoo server node was stopped (redeploy or shutdown)',
  'closed-unsure':
    'the call to __url__ was cut off because its Odoo server node was stopped (redeploy or shutdown): Odoo may or may not have done it, so check before repeating',
  'stopped-waiting':
    'nothing was sent to __url__: the node was stopped (redeploy or shutdown) while the call waited for its turn',
  'stopped-read':
    'the read from __url__ was cancelled because the node was stopped (redeploy or shutdown); it changed nothing',
  'stopped-unsure':
    'the call to __url__ was cut off because the node was stopped (redeploy or shutdown) and Odoo had not answered within __seconds__ s: Odoo may or may not have done it, so check before repeating',
  'queue-timeout':
    'waited __seconds__ s for a free connection to __url__ (every parallel call of the server node was busy); nothing was sent',
  'login-paused':
    '__refusal__; the next login attempt will be made in __seconds__ s (at once after a redeploy of the server node)',
  'too-large':
    '__url__ answered more than __size__ MB, the limit of this Odoo server node (maxBodyMB); ask for fewer records or fields, or raise the limit',
  'proxy-refused': 'the proxy __proxy__ refused the connection (HTTP __status__)',
  'protocol-status':
    '__url__ answered HTTP __status__ (__type__) instead of __protocol__: __hint__',
  'protocol-redirect':
    'the server redirects __url__ to __location__: use that address as the Odoo URL',
  'protocol-format': '__url__ did not answer with __protocol__: __reason__',
  'hint-not-found':
    'nothing answers __protocol__ there; use the address of Odoo itself, without /web or /odoo at the end.',
  'hint-not-odoo': 'this does not look like an Odoo server (a login page or another web site?).',
  'hint-refused': 'something in front of Odoo (a proxy or a firewall) refused the request.',
  'hint-too-many': 'the server asks to slow down (too many requests).',
  'hint-server-failed': 'the server or a proxy in front of it failed; is Odoo running?',
  'hint-unexpected': 'this is not what an Odoo server answers.',
  'page-title': 'The page says "__title__".',
  'hint-no-json2':
    'this server has no JSON-2 API, which came with Odoo 19: choose the XML-RPC, JSON-RPC or automatic transport in the Odoo server node.',
  'json2-unknown-db':
    'the Odoo server at __url__ has no database "__db__" (its JSON-2 API answered 404): check the database name',
  'login-refused-json2':
    'Odoo refused the API key of "__login__" on database "__db__": check the login and the key (JSON-2 accepts API keys only, not passwords)',
  'invalid-header':
    'the __name__ cannot be sent in an HTTP header: it contains line breaks or other control characters',
  'json2-ids':
    'over JSON-2, args of __method__ must hold the record ids first (an id or an array of ids), got __value__',
  'json2-ids-undocumented':
    'over JSON-2, args of __method__ must hold the record ids first (an id or an array of ids), got __value__; if __method__ is a model method (@api.model), put its arguments in kwargs under their names, as this user may not read the API documentation of Odoo that would tell',
  'json2-positional':
    'over JSON-2, __method__ takes its arguments by name: put the record ids alone in args (such as [[7]]) and the other arguments in kwargs (such as {"default": {"name": "Copy"}}); got __count__ more in args',
  'json2-positional-refused':
    'over JSON-2, __method__ takes its arguments by name, and this user may not read the API documentation of Odoo that names them (/doc-bearer/__model__.json is for Settings administrators): put the record ids alone in args (such as [[7]]) and the other __count__ argument(s) in kwargs under their names; the first of them was __value__',
  'json2-positional-only':
    'over JSON-2, argument __name__ of __method__ can only be given by position, which JSON-2 cannot do: use the XML-RPC or JSON-RPC transport for this call',
  'json2-var-positional':
    'over JSON-2, __method__ takes at most __count__ arguments in args (__names__; its signature is __signature__ and JSON-2 cannot pass *args), got __given__',
  'json2-too-many':
    'over JSON-2, __method__ takes at most __count__ arguments in args (__names__), got __given__',
  'json2-twice': 'argument __name__ of __method__ is given twice, in args and in kwargs',
} as const;

export type MessageKey = keyof typeof MESSAGES;
export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params: MessageParams) => string;

export function fillTemplate(template: string, params: MessageParams): string {
  return template.replace(/__([a-zA-Z]+)__/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export const englishMessage: Translate = (key, params) => fillTemplate(MESSAGES[key], params);

/** A short, safe rendering of a user-supplied value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string')
    return value.length > 60 ? `"${value.slice(0, 57)}..."` : `"${value}"`;
  if (Buffer.isBuffer(value)) return `a buffer of ${value.length} bytes`;
  if (typeof value === 'function') return 'a function';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
