import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseJson } from '../nodes/lib/answers';
import {
  asOdooException,
  errorFromFault,
  errorFromJson2,
  errorFromJsonRpc,
  exceptionLine,
  OdooError,
} from '../nodes/lib/errors';
import { parseOdooUrl } from '../nodes/lib/http';
import { MESSAGES } from '../nodes/lib/messages';
import { ParamChecker } from '../nodes/lib/params';

const SOURCE = path.join(__dirname, '..', '..');
const WIRE = path.join(SOURCE, 'test', 'fixtures', 'odoo-wire');

interface Recording {
  observed: { kind: string; faultCode?: unknown; faultString_last_line?: string };
  response: { body: string };
}

function recording(name: string): Recording {
  return JSON.parse(fs.readFileSync(path.join(WIRE, name), 'utf8')) as Recording;
}

describe('the Odoo client library', function () {
  describe('errorFromFault', function () {
    it('maps fault codes 1-4 to the public codes', function () {
      const codes = [1, 2, 3, 4, 5].map(
        (faultCode) => errorFromFault({ faultCode, faultString: 'x' }).code,
      );
      assert.deepEqual(codes, [
        'ODOO_SERVER_ERROR',
        'ODOO_USER_ERROR',
        'ODOO_ACCESS_DENIED',
        'ODOO_ACCESS_ERROR',
        'ODOO_SERVER_ERROR',
      ]);
    });

    it('keeps the whole fault on cause and prints as its message', function () {
      const error = errorFromFault({ faultCode: 2, faultString: 'Line one\nLine two' });
      assert.ok(error instanceof OdooError);
      assert.equal(error.message, 'Line one\nLine two');
      assert.equal(String(error), 'Line one\nLine two');
      assert.deepEqual(error.cause, { faultCode: 2, faultString: 'Line one\nLine two' });
      assert.ok(Object.prototype.hasOwnProperty.call(error, 'code'), 'Node-RED copies own `code`');
    });

    it('finds the exception line of every recorded Odoo 17 traceback', function () {
      const expected: Record<string, string> = {
        'xmlrpc-fault-bad-domain-field.json':
          "ValueError: Invalid field res.partner.nofield in leaf ('nofield', '=', 1)",
        'xmlrpc-marshal-bigint-int-tag.json':
          'psycopg2.errors.NumericValueOutOfRange: value "3000000000" is out of range for type integer',
        'xmlrpc-fault-wrong-db.json':
          'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5433 failed: FATAL:  database "nosuchdb" does not exist',
        'xmlrpc-marshal-method-returns-none.json':
          'TypeError: cannot marshal None unless allow_none is enabled',
        'xmlrpc-fault-unknown-service.json': "KeyError: 'nosuchservice'",
      };
      for (const [file, line] of Object.entries(expected)) {
        const faultString = /<name>faultString<\/name>\n<value><string>([\s\S]*?)<\/string>/.exec(
          recording(file).response.body,
        )?.[1];
        assert.ok(faultString, file);
        const text = faultString.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
        assert.equal(exceptionLine(text), line, file);
      }
    });
  });

  describe('errorFromJsonRpc and errorFromJson2', function () {
    it('map every recorded Odoo 17 JSON-RPC error to the code and message XML-RPC gives', function () {
      const expected: Record<string, [string, string]> = {
        'jsonrpc-fault-access-denied.json': ['ODOO_ACCESS_DENIED', 'Access Denied'],
        'jsonrpc-fault-access-error.json': [
          'ODOO_ACCESS_ERROR',
          "You are not allowed to access 'System Parameter'",
        ],
        'jsonrpc-fault-validation-error.json': [
          'ODOO_USER_ERROR',
          'The operation cannot be completed: Contacts require a name',
        ],
        'jsonrpc-fault-user-error.json': ['ODOO_USER_ERROR', 'You can not delete a sent quotation'],
        'jsonrpc-fault-missing-error.json': [
          'ODOO_USER_ERROR',
          'Record does not exist or has been deleted.',
        ],
        'jsonrpc-fault-unknown-model.json': [
          'ODOO_USER_ERROR',
          "Object no.such.model doesn't exist",
        ],
        'jsonrpc-fault-private-method.json': [
          'ODOO_ACCESS_ERROR',
          'Private methods (such as _compute_display_name)',
        ],
        'jsonrpc-fault-unknown-method.json': [
          'ODOO_SERVER_ERROR',
          "AttributeError: The method 'no_such_method' does not exist on the model 'res.partner'",
        ],
        'jsonrpc-fault-bad-domain.json': [
          'ODOO_SERVER_ERROR',
          "ValueError: Invalid field res.partner.nofield in leaf ('nofield', '=', 1)",
        ],
        'jsonrpc-bigint-search.json': [
          'ODOO_SERVER_ERROR',
          'psycopg2.errors.NumericValueOutOfRange: value "3000000000" is out of range for type integer',
        ],
        'jsonrpc-fault-authenticate-unknown-db.json': [
          'ODOO_SERVER_ERROR',
          'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5433 failed: FATAL:  database "nosuchdb" does not exist',
        ],
      };
      for (const [file, [code, message]] of Object.entries(expected)) {
        const answer = JSON.parse(recording(file).response.body) as { error: { data: unknown } };
        const data = asOdooException(answer.error.data)!;
        const error = errorFromJsonRpc(data);
        assert.equal(error.code, code, file);
        assert.ok(error.message.startsWith(message), `${file}: ${error.message}`);
        const cause = error.cause as { name: string; faultCode: number; faultString: string };
        assert.equal(cause.name, data.name);
        assert.equal(
          cause.faultCode,
          { ODOO_SERVER_ERROR: 1, ODOO_USER_ERROR: 2, ODOO_ACCESS_DENIED: 3, ODOO_ACCESS_ERROR: 4 }[
            code
          ],
        );
        if (code === 'ODOO_SERVER_ERROR')
          assert.equal(exceptionLine(cause.faultString), error.message);
      }
    });

    it('map JSON-2 statuses: 401, 403, 404 model or record, 404 method, 409, 422, 500', function () {
      const code = (status: number, message = 'x', name = 'werkzeug.exceptions.X') =>
        errorFromJson2(status, { name, message }).code;
      assert.equal(code(401, 'Invalid apikey'), 'ODOO_ACCESS_DENIED');
      assert.equal(code(403), 'ODOO_ACCESS_ERROR');
      assert.equal(code(404, "the model 'x' does not exist"), 'ODOO_USER_ERROR');
      assert.equal(
        code(404, 'Record does not exist', 'odoo.exceptions.MissingError'),
        'ODOO_USER_ERROR',
      );
      assert.equal(code(404, "The method 'res.partner.x' does not exist"), 'ODOO_SERVER_ERROR');
      assert.equal(code(409), 'ODOO_USER_ERROR');
      assert.equal(code(422), 'ODOO_USER_ERROR');
      assert.equal(code(500, 'boom', 'builtins.ValueError'), 'ODOO_SERVER_ERROR');
      const method = errorFromJson2(404, {
        name: 'werkzeug.exceptions.NotFound',
        message: "The method 'res.partner.x' does not exist",
      });
      assert.equal(method.message, "AttributeError: The method 'res.partner.x' does not exist");
      assert.equal((method.cause as { name: string }).name, 'werkzeug.exceptions.NotFound');
    });
  });

  describe('parseJson', function () {
    it('keeps integers beyond 2^53 as their exact decimal text, and everything else as JSON.parse', function () {
      const text =
        '{"big": 12345678901234567890, "neg": -9007199254740993, "safe": 9007199254740991, ' +
        '"float": 1234567890123456.5, "exp": 12345678901234567e3, "text": "12345678901234567890 \\"q\\"", ' +
        '"list": [18446744073709551615, 1]}';
      assert.deepEqual(parseJson(text), {
        big: '12345678901234567890',
        neg: '-9007199254740993',
        safe: 9007199254740991,
        float: 1234567890123456.5,
        exp: 12345678901234567e3,
        text: '12345678901234567890 "q"',
        list: ['18446744073709551615', 1],
      });
      assert.deepEqual(parseJson('[1, "a", null]'), [1, 'a', null]);
      assert.throws(() => parseJson('{"a": 12345678901234567890'), SyntaxError);
    });
  });

  describe('ParamChecker.wire', function () {
    const check = new ParamChecker();

    it('sends Dates as UTC Odoo strings and Buffers as base64 text', function () {
      const wired = check.wire(
        { when: new Date(Date.UTC(2024, 4, 1, 12, 30, 5, 999)), file: Buffer.from('hi') },
        'values',
      );
      assert.deepEqual(wired, { when: '2024-05-01 12:30:05', file: 'aGk=' });
    });

    it('leaves undefined members out, keeps null, and never touches a prototype', function () {
      const input = JSON.parse('{"a": 1, "__proto__": {"polluted": true}}') as Record<
        string,
        unknown
      >;
      const wired = check.wire({ ...input, gone: undefined, empty: null }, 'values') as Record<
        string,
        unknown
      >;
      assert.deepEqual(Object.keys(wired), ['a', '__proto__', 'empty']);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf(wired), Object.prototype);
    });

    it('removes characters XML cannot carry', function () {
      assert.equal(check.wire('bell\u0007 tab\t ok', 'values'), 'bell tab\t ok');
    });

    it('refuses what is not data', function () {
      assert.throws(() => check.wire({ a: Infinity }, 'values'), /values.a cannot be sent to Odoo/);
      assert.throws(() => check.wire({ f: () => 1 }, 'values'), /values.f cannot be sent to Odoo/);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      assert.throws(() => check.wire(circular, 'values'), /nested too deeply/);
    });
  });

  describe('parseOdooUrl', function () {
    it('keeps a path prefix and drops nothing else', function () {
      assert.equal(parseOdooUrl(' https://example.com/odoo/ ').href, 'https://example.com/odoo/');
    });

    it('never repeats a password found in the URL', function () {
      assert.throws(
        () => parseOdooUrl('https://me:hunter2@example.com'),
        (error: OdooError) =>
          error.code === 'ODOO_INVALID_INPUT' && !error.message.includes('hunter2'),
      );
    });
  });

  describe('message catalogs', function () {
    const locales = path.join(SOURCE, 'nodes', 'locales');

    it('en-US holds exactly the client messages', function () {
      const catalog = JSON.parse(
        fs.readFileSync(path.join(locales, 'en-US', 'odoo-config.json'), 'utf8'),
      ) as {
        errors: Record<string, string>;
      };
      assert.deepEqual(catalog.errors, MESSAGES);
    });

    it('every language has every key of en-US, with the same placeholders (plural forms by language)', function () {
      // Languages differ in their plural forms (French adds _many): compare the texts, not the forms.
      const PLURAL = /_(zero|one|two|few|many|other)$/;
      const unique = (keys: string[]) => [...new Set(keys.map((key) => key.replace(PLURAL, '_*')))];
      const textsOf = (value: unknown, prefix = ''): Record<string, string> =>
        typeof value === 'object' && value !== null
          ? Object.assign(
              {},
              ...Object.entries(value).map(([key, item]) => textsOf(item, `${prefix}${key}.`)),
            )
          : { [prefix.slice(0, -1)]: String(value) };
      const keysOf = (value: unknown, prefix = ''): string[] =>
        typeof value === 'object' && value !== null
          ? Object.entries(value).flatMap(([key, item]) => keysOf(item, `${prefix}${key}.`))
          : [prefix.slice(0, -1)];
      for (const file of fs
        .readdirSync(path.join(locales, 'en-US'))
        .filter((name) => name.endsWith('.json'))) {
        const english = keysOf(
          JSON.parse(fs.readFileSync(path.join(locales, 'en-US', file), 'utf8')),
        );
        for (const language of fs.readdirSync(locales).filter((name) => name !== 'en-US')) {
          const translated = keysOf(
            JSON.parse(fs.readFileSync(path.join(locales, language, file), 'utf8')),
          );
          assert.deepEqual(
            unique(translated).sort(),
            unique(english).sort(),
            `${language}/${file}`,
          );
          const placeholders = (text: string) => (text.match(/__[a-zA-Z]+__/g) ?? []).sort();
          const englishTexts = textsOf(
            JSON.parse(fs.readFileSync(path.join(locales, 'en-US', file), 'utf8')),
          );
          const translatedTexts = textsOf(
            JSON.parse(fs.readFileSync(path.join(locales, language, file), 'utf8')),
          );
          for (const [key, text] of Object.entries(englishTexts)) {
            assert.deepEqual(
              placeholders(translatedTexts[key] ?? translatedTexts[key.replace(PLURAL, '_other')]),
              placeholders(text),
              `${language}/${file} ${key}`,
            );
          }
          assert.ok(
            fs.existsSync(path.join(locales, language, file.replace('.json', '.html'))),
            `${language} help`,
          );
        }
      }
    });
  });
});
