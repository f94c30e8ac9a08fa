import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OdooClient } from '../nodes/lib/client';
import { ERROR_CODES } from '../nodes/lib/errors';
import { startStandIn, StandIn } from './stand-in/server';

const nodesDir = path.join(__dirname, '..', '..', 'nodes');
const locales = path.join(nodesDir, 'locales');
const resourcesDir = path.join(nodesDir, '..', 'resources');
const languages = fs.readdirSync(locales);
const ACTION_NODES = [
  'odoo-search',
  'odoo-read',
  'odoo-create',
  'odoo-write',
  'odoo-upsert',
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
    const sources = [
      ...fs
        .readdirSync(nodesDir)
        .filter((name) => name.endsWith('.html'))
        .map((file) => ({ file, dir: nodesDir })),
      { file: 'odoo-editor.js', dir: resourcesDir },
    ];
    for (const { file, dir } of sources) {
      const html = fs.readFileSync(path.join(dir, file), 'utf8');
      const own = file.endsWith('.html') ? catalog('en-US', file.replace('.html', '')) : {};
      for (const [, key] of html.matchAll(/data-i18n="(?:\[\w+\])?([\w.-]+)"/g)) {
        assert.equal(typeof lookUp(own, key), 'string', `${file}: data-i18n ${key}`);
      }
      for (const [, key] of html.matchAll(/\bt\('([\w.-]+[\w-])'/g)) {
        const text = lookUp(shared, key) ?? lookUp(shared, `${key}_other`);
        assert.equal(typeof text, 'string', `${file}: t('${key}')`);
      }
      // Suggested methods are looked up by name: `t('editor.methods.' + name)`.
      for (const [, method] of html.matchAll(/^ {6}(\w+): \{\s*args:/gm)) {
        assert.equal(typeof lookUp(shared, `editor.methods.${method}`), 'string', method);
      }
    }
  });

  it('every status the runtime shows has a text in every language', function () {
    const read = (dir: string) =>
      fs
        .readdirSync(dir)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => fs.readFileSync(path.join(dir, file), 'utf8'))
        .join('\n');
    // Node code names status keys; the library only names the connection states.
    const code = read(nodesDir) + read(path.join(nodesDir, 'shared'));
    const connection = fs.readFileSync(path.join(nodesDir, 'lib', 'connection.ts'), 'utf8');
    const shown = new Set<string>([
      ...[...code.matchAll(/\bkey: '([a-z-]+)'/g)].map((match) => match[1]),
      ...[...code.matchAll(/\.show\('([a-z-]+)'\)/g)].map((match) => match[1]),
      ...(/state: ((?:'[a-z]+'(?: \| )?)+);/.exec(connection)?.[1].match(/[a-z]+/g) ?? []),
      ...ERROR_CODES,
      'error',
    ]);
    assert.ok(shown.has('connected') && shown.has('records') && shown.has('requesting'));
    for (const language of languages) {
      const status = catalog(language, 'odoo-config').status as Record<string, string>;
      for (const key of shown) {
        const text = status[key] ?? status[`${key}_other`];
        assert.equal(typeof text, 'string', `${language} status.${key}`);
      }
    }
  });

  it('every text that counts has each plural form its language uses (i18next names)', function () {
    for (const language of languages) {
      const forms = new Intl.PluralRules(
        String(catalog(language, 'odoo-config').language),
      ).resolvedOptions().pluralCategories;
      const texts = catalog(language, 'odoo-config') as Record<string, Record<string, string>>;
      let counted = 0;
      for (const section of Object.values(texts)) {
        if (typeof section !== 'object') continue;
        const bases = new Set(
          Object.keys(section)
            .map((key) => /^(.*)_(zero|one|two|few|many|other)$/.exec(key)?.[1])
            .filter((base) => base !== undefined),
        );
        for (const base of bases) {
          counted += 1;
          for (const form of forms) {
            assert.equal(
              typeof section[`${base}_${form}`],
              'string',
              `${language} ${base}_${form}`,
            );
          }
          assert.equal(section[base], undefined, `${language} ${base} without a form`);
        }
      }
      assert.ok(counted >= 4, `${language}: ${counted} plural texts`);
      assert.ok(language.startsWith(String(texts.language)), `${language} names its language`);
    }
  });

  it('every node has its own icon: white on transparent, 40 × 60', function () {
    const icons = path.join(nodesDir, '..', 'icons');
    const drawings = new Set<string>();
    for (const node of [...ACTION_NODES, 'odoo-watch']) {
      const html = fs.readFileSync(path.join(nodesDir, `${node}.html`), 'utf8');
      assert.match(html, new RegExp(`icon: '${node}\\.svg'`), node);
      const svg = fs.readFileSync(path.join(icons, `${node}.svg`), 'utf8');
      assert.match(svg, /^<svg [^>]*width="40" height="60" viewBox="0 0 40 60"/, node);
      const colours = [...svg.matchAll(/(?:fill|stroke)="([^"]+)"/g)].map((match) => match[1]);
      assert.deepEqual(
        [...new Set(colours)].filter((colour) => !['#fff', 'none'].includes(colour)),
        [],
        node,
      );
      drawings.add(svg);
    }
    assert.equal(drawings.size, ACTION_NODES.length + 1, 'a drawing of its own for each node');
  });

  it("the watch node's palette label is not core's file-watch node's", function () {
    for (const language of languages) {
      const label = (catalog(language, 'odoo-watch')['odoo-watch'] as { paletteLabel: string })
        .paletteLabel;
      assert.notEqual(label.toLowerCase(), 'watch', language);
    }
  });

  it('every problem and reason the admin routes answer has a text in every language, and no more', function () {
    const source = ['admin-routes.ts', 'connection-test.ts']
      .map((file) => fs.readFileSync(path.join(nodesDir, 'shared', file), 'utf8'))
      .join('\n');
    const quoted = new Set([...source.matchAll(/'([a-z0-9-]+)'/g)].map((match) => match[1]));
    const english = catalog('en-US', 'odoo-config') as Record<string, Record<string, string>>;
    for (const section of ['admin', 'reasons']) {
      const keys = Object.keys(english[section]);
      assert.deepEqual(
        keys.filter((key) => !quoted.has(key)),
        [],
        `${section} texts nothing answers`,
      );
      for (const language of languages) {
        const texts = catalog(language, 'odoo-config') as Record<string, Record<string, string>>;
        for (const key of keys) {
          assert.equal(typeof texts[section][key], 'string', `${language} ${section}.${key}`);
        }
      }
    }
    for (const problem of [
      'stored-key-other-url',
      'not-odoo',
      'no-json2',
      'login-refused',
      'tls',
    ]) {
      assert.ok(quoted.has(problem), problem);
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

  const html = fs.readFileSync(path.join(resourcesDir, 'odoo-editor.js'), 'utf8');
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
