import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OdooClient } from '../nodes/lib/client';
import { ERROR_CODES } from '../nodes/lib/errors';
import { startStandIn, StandIn } from './stand-in/server';

const nodesDir = path.join(__dirname, '..', '..', 'nodes');
const locales = path.join(nodesDir, 'locales');
const languages = fs.readdirSync(locales);
const ACTION_NODES = [
  'odoo-search',
  'odoo-read',
  'odoo-create',
  'odoo-write',
  'odoo-delete',
  'odoo-execute',
];

function catalog(language: string, file: string): Record<string, unknown> {
  return JSON.parse(
    fs.readFileSync(path.join(locales, language, `${file}.json`), 'utf8'),
  ) as Record<string, unknown>;
}

function lookUp(tree: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>(
      (node, part) =>
        node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined,
      tree,
    );
}

describe('help and message catalogs', function () {
  for (const language of languages) {
    describe(language, function () {
      for (const node of ACTION_NODES) {
        it(`${node}: help in Node-RED's style naming every error code`, function () {
          const help = fs.readFileSync(path.join(locales, language, `${node}.html`), 'utf8');
          assert.match(
            help,
            new RegExp(`^<script type="text/html" data-help-name="${node}">\\s*<p>`),
          );
          assert.equal(
            (help.match(/<h3>/g) ?? []).length,
            5,
            'Inputs, Outputs, Details, Errors, References',
          );
          assert.match(help, /<dl class="message-properties">[\s\S]*<dt[^>]*>payload /);
          for (const code of ERROR_CODES) assert.ok(help.includes(code), `${code} in ${node}`);
          assert.match(help, /msg\.error\.code[\s\S]*msg\.error\.message[\s\S]*msg\.error\.cause/);
        });
      }

      it('odoo-config: help on the test button, the permissions and the settings', function () {
        const help = fs.readFileSync(path.join(locales, language, 'odoo-config.html'), 'utf8');
        for (const text of [
          'odoo-config.read',
          'odoo-config.write',
          'ODOO_TIMEOUT',
          'ODOO_ACCESS_DENIED',
        ]) {
          assert.ok(help.includes(text), text);
        }
      });
    });
  }

  it('every text the editor asks for exists in the en-US catalogs', function () {
    const shared = catalog('en-US', 'odoo-config');
    for (const file of fs.readdirSync(nodesDir).filter((name) => name.endsWith('.html'))) {
      const html = fs.readFileSync(path.join(nodesDir, file), 'utf8');
      const own = catalog('en-US', file.replace('.html', ''));
      for (const [, key] of html.matchAll(/data-i18n="(?:\[\w+\])?([\w.-]+)"/g)) {
        assert.equal(typeof lookUp(own, key), 'string', `${file}: data-i18n ${key}`);
      }
      for (const [, key] of html.matchAll(/\bt\('([\w.-]+[\w-])'/g)) {
        assert.equal(typeof lookUp(shared, key), 'string', `${file}: t('${key}')`);
      }
      // Suggested methods are looked up by name: `t('editor.methods.' + name)`.
      for (const [, method] of html.matchAll(/^ {6}(\w+): \{\s*args:/gm)) {
        assert.equal(typeof lookUp(shared, `editor.methods.${method}`), 'string', method);
      }
    }
  });

  it('every problem the admin routes answer has a text in every language', function () {
    const source = fs.readFileSync(path.join(nodesDir, 'shared', 'admin-routes.ts'), 'utf8');
    const problems = new Set([...source.matchAll(/'([a-z-]+)'(?=[,)])/g)].map((match) => match[1]));
    for (const language of languages) {
      const admin = catalog(language, 'odoo-config').admin as Record<string, string>;
      for (const problem of Object.keys(catalog('en-US', 'odoo-config').admin as object)) {
        assert.equal(typeof admin[problem], 'string', `${language} admin.${problem}`);
      }
    }
    for (const problem of [
      'stored-key-other-url',
      'not-odoo',
      'unknown-db',
      'login-refused',
      'tls',
    ]) {
      assert.ok(problems.has(problem), problem);
    }
  });
});

describe('the method examples the execute dialog offers', function () {
  let odoo: StandIn;
  let client: OdooClient;

  before(async function () {
    odoo = await startStandIn();
    client = new OdooClient({
      url: odoo.url,
      db: odoo.db,
      username: 'admin',
      apiKey: odoo.adminApiKey,
    });
  });

  after(async function () {
    client.close();
    await odoo.close();
  });

  const html = fs.readFileSync(path.join(nodesDir, 'odoo-config.html'), 'utf8');
  const literal = /var METHODS = (\{[\s\S]*?\n {4}\});/.exec(html)?.[1] ?? '{}';
  const methods = new Function(`return ${literal};`)() as Record<
    string,
    { args: unknown[]; kwargs: Record<string, unknown> }
  >;
  const models: Record<string, string> = { action_confirm: 'sale.order' };

  it('are all read from the dialog', function () {
    assert.ok(Object.keys(methods).length >= 7);
  });

  for (const [method, example] of Object.entries(methods)) {
    it(`${method} runs as suggested`, async function () {
      odoo.reset();
      const model = models[method] ?? 'res.partner';
      await client.call({ model, method, args: example.args, kwargs: example.kwargs });
    });
  }
});
