/**
 * The editor as a person uses it: Debian's Chromium (headless) drives the `npm start` Node-RED.
 * The steps build on each other: a server node made in a dialog, its settings and a TLS node,
 * a flow of minimal nodes, the watch dialog's helpers, then every example imported in turn.
 * Screenshots of each step go to test/artifacts/browser/ (ignored by git).
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { ADMIN_API_KEY } from './stand-in/data';
import { startStandIn, StandIn } from './stand-in/server';
import { freePort, waitFor } from './support/node-red-process';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repository = path.resolve(__dirname, '..', '..');
const artifacts = path.join(repository, 'test', 'artifacts', 'browser');
const tlsDir = path.join(repository, 'test', 'fixtures', 'tls');
const examplesDir = path.join(repository, 'examples');

/** The editor's global, as far as the steps look into it (inside page.evaluate). */
declare const RED: {
  nodes: {
    eachNode(callback: (node: { id: string; type: string; valid?: boolean }) => void): void;
    getType(type: string): { defaults: Record<string, unknown> } | undefined;
  };
};

interface FlowNode {
  id: string;
  type: string;
  [property: string]: unknown;
}

/** A step the browser could not take is only skipped on a developer's machine, never in CI. */
function unavailable(context: Mocha.Context, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI must run the browser test)`);
  console.log(`    browser test skipped: ${reason}`);
  context.skip();
}

describe('the editor in a real browser (Chromium against npm start)', function () {
  this.timeout(180_000);
  let demo: ChildProcess | undefined;
  let demoOutput = '';
  let browser: BrowserContext | undefined;
  let profile = '';
  let page: Page;
  let editorUrl = '';
  let odooUrl = '';
  let https: StandIn | undefined;
  let step = 0;
  const pageErrors: string[] = [];

  const shot = async (name: string) => {
    step += 1;
    await page.screenshot({
      path: path.join(artifacts, `${String(step).padStart(2, '0')}-${name}.png`),
    });
  };

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      return unavailable(this, `no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    }
    fs.rmSync(artifacts, { recursive: true, force: true });
    fs.mkdirSync(artifacts, { recursive: true });
    const [port, odooPort] = [await freePort(), await freePort()];
    editorUrl = `http://127.0.0.1:${port}/`;
    odooUrl = `http://127.0.0.1:${odooPort}`;
    demo = spawn(process.execPath, [path.join(repository, 'dist', 'test', 'demo.js')], {
      env: { ...process.env, PORT: String(port), DEMO_ODOO_PORT: String(odooPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout?.on('data', (chunk: Buffer) => (demoOutput += chunk.toString()));
    demo.stderr?.on('data', (chunk: Buffer) => (demoOutput += chunk.toString()));
    await waitFor(async () => {
      if (demo?.exitCode !== null) throw new Error(`npm start exited:\n${demoOutput}`);
      return demoOutput.includes('Started flows') ? true : undefined;
    }, 'npm start to be ready');

    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-chromium-'));
    try {
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1400, height: 1000 },
      });
    } catch (error) {
      return unavailable(this, `Chromium does not start here: ${(error as Error).message}`);
    }
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    https = await startStandIn({
      tls: {
        cert: fs.readFileSync(path.join(tlsDir, 'server.pem')),
        key: fs.readFileSync(path.join(tlsDir, 'server-key.pem')),
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot('failure');
  });

  after(async function () {
    await browser?.close();
    await https?.close();
    if (demo && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo?.once('exit', resolve));
      demo.kill('SIGINT');
      await exited;
    }
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  const typedInput = (name: string) =>
    page.locator(`.form-row:has(#node-input-${name}) input.red-ui-typedInput-input`);

  /**
   * Node-RED moves the focus into a dialog (its first focusable element) a moment after it slides
   * in; keys typed before that would land there instead of in the field being filled.
   */
  const settled = async () => {
    await page.waitForFunction(() => {
      const trays = document.querySelectorAll('.red-ui-tray');
      return trays.length > 0 && trays[trays.length - 1].contains(document.activeElement);
    });
  };

  const startedFlows = () => demoOutput.split('Started flows').length - 1;

  /**
   * Deploys and waits until the flows run. Node-RED asks "Are you sure?" when a node is invalid:
   * only a flow with unfinished nodes may `expectConfirm`, anything else failing there is a bug.
   */
  const deploy = async (expectConfirm = false) => {
    const before = startedFlows();
    await page.click('#red-ui-header-button-deploy');
    const confirm = page.locator('.red-ui-notification button', { hasText: 'Confirm deploy' });
    const deployed = page.locator('.red-ui-notification', { hasText: 'Successfully deployed' });
    await Promise.race([confirm.waitFor(), deployed.waitFor()]);
    if (await confirm.isVisible()) {
      await shot('deploy-confirm');
      const invalid = await page.evaluate(() => {
        const names: string[] = [];
        RED.nodes.eachNode((node) => {
          if (node.valid === false) names.push(`${node.type} ${node.id}`);
        });
        return names;
      });
      assert.ok(
        expectConfirm,
        `Node-RED asked to confirm the deploy; invalid: ${invalid.join(', ')}`,
      );
      await confirm.click();
    }
    await deployed.waitFor();
    await waitFor(async () => (startedFlows() > before ? true : undefined), 'the deployed flows');
    // The next deploy looks for a new notification.
    await deployed.waitFor({ state: 'detached' });
  };

  /** Waits until every edit dialog has slid out (the header shade catches clicks meanwhile). */
  const trayClosed = () =>
    page.waitForFunction(
      () =>
        document.querySelectorAll('.red-ui-tray').length === 0 &&
        Array.from(document.querySelectorAll('#red-ui-header-shade')).every(
          (shade) => getComputedStyle(shade).display === 'none',
        ),
    );

  const importFlow = async (flow: object[]) => {
    await trayClosed();
    await page.keyboard.press('Control+i');
    // The dialog empties and focuses its text area as it opens: type only after that.
    await page.waitForFunction(
      () => document.activeElement?.id === 'red-ui-clipboard-dialog-import-text',
    );
    await page.fill('#red-ui-clipboard-dialog-import-text', JSON.stringify(flow));
    // The dialog checks the text on key events: a key press makes it check the filled text.
    await page.press('#red-ui-clipboard-dialog-import-text', 'End');
    await page.locator('#red-ui-clipboard-dialog-ok:not([disabled])').waitFor();
    await page.click('#red-ui-clipboard-dialog-ok');
  };

  const node = (label: string | RegExp) =>
    page.locator('g.red-ui-flow-node-group', { hasText: label }).last();

  /** The flows as Node-RED stores them, through its admin API. */
  const storedFlows = async (): Promise<FlowNode[]> =>
    (await (await page.request.get(`${editorUrl}flows`)).json()) as FlowNode[];

  const debugMessage = async (name: string) => {
    await page.click('#red-ui-tab-debug-link-button');
    const message = page.locator('.red-ui-debug-msg', { hasText: name }).first();
    await message.waitFor();
    await message
      .locator('.red-ui-debug-msg-type-meta, .red-ui-debug-msg-object-header')
      .first()
      .waitFor();
    return message;
  };

  it('npm start says how to reach the demo Odoo: URL, database, login and key', function () {
    for (const line of [`URL       ${odooUrl}`, 'database  odootest', 'login     admin']) {
      assert.ok(demoOutput.includes(line), line);
    }
    assert.ok(demoOutput.includes(`API key   ${ADMIN_API_KEY}`));
  });

  it('configures a server, tests it, picks a model, deploys and shows the result', async function () {
    await page.goto(editorUrl);
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="odoo-search"]');
    await shot('editor');

    // A new flow from the Import dialog: inject → search (no server, no model yet) → debug.
    const flow = [
      {
        id: 'b_inject',
        type: 'inject',
        name: 'browser go',
        props: [],
        repeat: '',
        crontab: '',
        once: false,
        onceDelay: 0.1,
        topic: '',
        wires: [['b_search']],
      },
      {
        id: 'b_search',
        type: 'odoo-search',
        server: '',
        model: '',
        modelType: 'str',
        domain: '[["is_company", "=", true]]',
        domainType: 'json',
        fields: '["name"]',
        fieldsType: 'json',
        limit: '3',
        limitType: 'num',
        returns: 'records',
        wires: [['b_debug']],
      },
      { id: 'b_debug', type: 'debug', name: 'browser result', complete: 'payload', wires: [] },
    ].map((node, index) => ({ ...node, x: 160 + index * 260, y: 520 }));
    await importFlow(flow);
    await page.mouse.move(500, 600);
    await page.mouse.click(500, 600);
    const searchNode = page.locator('g.red-ui-flow-node-group', { hasText: 'search' }).last();
    await searchNode.waitFor();

    // The config node: added from the search node's dialog, then tested.
    await searchNode.dblclick();
    await settled();
    await page.click('#node-input-btn-server-add');
    await settled();
    await page.fill('#node-config-input-url', odooUrl);
    await page.fill('#node-config-input-db', 'odootest');
    await page.fill('#node-config-input-username', 'admin');
    await page.fill('#node-config-input-apiKey', ADMIN_API_KEY);
    await page.fill('#node-config-input-name', 'Browser Odoo');
    await page.click('#odoo-config-test');
    const result = page.locator('#odoo-config-test-result');
    await result.filter({ hasText: 'Connected' }).waitFor();
    assert.match(
      await result.innerText(),
      /^Connected over xmlrpc: Odoo 17\.0-20240709, database "odootest", user Mitchell Admin \(uid 2\)\./,
    );
    await shot('test-connection');
    await page.click('#node-config-dialog-ok');
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });

    // Not deployed yet: the model stays a plain input and says why there are no suggestions.
    await typedInput('model').click();
    await typedInput('model').pressSequentially('res.par');
    await page.locator('#odoo-hint-model', { hasText: 'Deploy this Odoo server first' }).waitFor();
    await shot('model-before-deploy');
    await page.click('#node-dialog-ok');
    await deploy(true);

    // Deployed: the model comes from the server's list.
    await searchNode.dblclick();
    await settled();
    await typedInput('model').fill('');
    await typedInput('model').pressSequentially('res.par');
    const suggestion = page
      .locator('.red-ui-autoComplete-container li')
      .filter({ has: page.locator('span', { hasText: /^res\.partner$/ }) });
    await suggestion.first().waitFor();
    await shot('model-autocomplete');
    await suggestion.first().click();
    assert.equal(await typedInput('model').inputValue(), 'res.partner');
    await page.click('#node-dialog-ok');
    await deploy();

    // Run it: the inject button, then the debug sidebar.
    await node('browser go').locator('.red-ui-flow-node-button').click();
    const message = await debugMessage('browser result');
    assert.match(await message.innerText(), /array\[3\]/);
    await shot('debug-result');
  });

  it('shows and saves every server setting; a TLS node made in the dialog carries the next call', async function () {
    assert.ok(https);
    const httpsUrl = https.url;
    await node('search').dblclick();
    await settled();
    await page.click('#node-input-btn-server-edit');
    await settled();

    // Every property of the node has its input somewhere in the dialog's tabs.
    const properties = await page.evaluate(() =>
      Object.keys(RED.nodes.getType('odoo-config')?.defaults ?? {}),
    );
    assert.deepEqual(properties.sort(), [
      'concurrency',
      'db',
      'maxBodyMB',
      'name',
      'proxy',
      'retries',
      'timeout',
      'tls',
      'transport',
      'url',
      'username',
    ]);
    for (const property of properties) {
      assert.equal(await page.locator(`#node-config-input-${property}`).count(), 1, property);
    }

    await page.fill('#node-config-input-url', httpsUrl);
    await page.click('#odoo-config-tabs a:has-text("Limits")');
    for (const [name, value] of [
      ['timeout', '30'],
      ['concurrency', '2'],
      ['retries', '1'],
      ['maxBodyMB', '64'],
    ]) {
      await page.fill(`#node-config-input-${name}`, value);
    }
    await shot('server-limits');
    await page.click('#odoo-config-tabs a:has-text("TLS and proxy")');
    await page.check('#odoo-config-use-tls');
    await page.click('#node-config-input-btn-tls-add');
    await settled();
    await page.check('#node-config-input-uselocalfiles');
    await page.fill('#node-config-input-ca', path.join(tlsDir, 'ca.pem'));
    await page.fill('#node-config-input-name', 'Test CA');
    await shot('tls-config');
    await page.click('#node-config-dialog-ok');
    await page.locator('#node-config-input-ca').waitFor({ state: 'detached' });
    await page
      .locator('#node-config-input-tls option:checked', { hasText: 'Test CA' })
      .waitFor({ state: 'attached' });
    await shot('server-tls');
    await page.click('#node-config-dialog-ok');
    await page.locator('#node-config-input-url').waitFor({ state: 'detached' });
    await page.click('#node-dialog-ok');
    await deploy();

    const flows = await storedFlows();
    const tls = flows.find((candidate) => candidate.type === 'tls-config');
    const server = flows.find(
      (candidate) => candidate.type === 'odoo-config' && candidate.name === 'Browser Odoo',
    );
    assert.ok(tls && server, 'the TLS node and the server node are stored');
    assert.equal(tls.ca, path.join(tlsDir, 'ca.pem'));
    assert.deepEqual(
      [
        server.url,
        server.timeout,
        server.concurrency,
        server.retries,
        server.maxBodyMB,
        server.tls,
        server.proxy,
      ],
      [httpsUrl, '30', '2', '1', '64', tls.id, ''],
    );

    https.resetCalls();
    await page.click('#red-ui-tab-debug-link-button');
    await page
      .click('.red-ui-sidebar-header button:has(.fa-trash), #red-ui-sidebar-debug-clear')
      .catch(() => undefined);
    await node('browser go').locator('.red-ui-flow-node-button').click();
    const message = await debugMessage('browser result');
    assert.match(await message.innerText(), /array\[3\]/);
    assert.ok(https.modelCalls('search_read') >= 1, 'the search went to the HTTPS Odoo');
    await shot('debug-over-https');

    // Deployed now, the TLS node also serves the dialog's Test connection.
    await node('search').dblclick();
    await settled();
    await page.click('#node-input-btn-server-edit');
    await settled();
    await page.click('#odoo-config-test');
    const result = page.locator('#odoo-config-test-result');
    await result.filter({ hasText: 'Connected' }).waitFor();
    await shot('test-connection-https');
    await page.click('#node-config-dialog-cancel');
    await page.locator('#node-config-input-url').waitFor({ state: 'detached' });
    await page.click('#node-dialog-cancel');
    await trayClosed();
  });

  it('deploys nodes written with only their required properties without asking', async function () {
    const server = (await storedFlows()).find((candidate) => candidate.name === 'Browser Odoo');
    assert.ok(server);
    const minimal = [
      { type: 'odoo-search', model: 'res.partner' },
      { type: 'odoo-read', model: 'res.partner' },
      { type: 'odoo-create', model: 'res.partner' },
      { type: 'odoo-write', model: 'res.partner' },
      { type: 'odoo-upsert', model: 'res.partner', match: 'ref' },
      { type: 'odoo-delete', model: 'res.partner' },
      { type: 'odoo-execute', model: 'res.partner', method: 'name_search' },
      { type: 'odoo-watch', model: 'res.partner' },
    ].map((properties, index) => ({
      id: `minimal_${index}`,
      server: server.id,
      x: 160 + (index % 4) * 220,
      y: 640 + Math.floor(index / 4) * 60,
      wires: [[]],
      ...properties,
    }));
    await importFlow(minimal);
    await page.mouse.click(500, 800);
    await node('changes res.partner').waitFor();
    await shot('minimal-nodes');
    await deploy();
  });

  it('suggests models in the watch dialog and previews what its domain matches', async function () {
    assert.ok(https);
    await node('changes res.partner').dblclick();
    await settled();
    // Written without its choices, it opens with the runtime's defaults, not empty lists.
    for (const [name, value] of [
      ['event', 'updated'],
      ['start', 'now'],
      ['output', 'record'],
    ]) {
      assert.equal(await page.inputValue(`#node-input-${name}`), value, name);
    }
    assert.equal(await page.getAttribute('#node-input-interval', 'placeholder'), '60');
    await typedInput('model').fill('');
    await typedInput('model').pressSequentially('sale.or');
    const suggestion = page
      .locator('.red-ui-autoComplete-container li')
      .filter({ has: page.locator('span', { hasText: /^sale\.order$/ }) });
    await suggestion.first().waitFor();
    await shot('watch-model');
    await suggestion.first().click();
    await typedInput('domain').fill('[["state", "=", "sale"]]');
    await page.click('.form-row:has(#node-input-domain) button:has-text("Preview")');
    const preview = page.locator('.odoo-preview-result');
    await preview.filter({ hasText: /match/ }).waitFor();
    const expected = await confirmedOrders(https);
    assert.equal(await preview.innerText(), `${expected} records match.`);
    await page.click('.form-row:has(#node-input-fields) button:has(.fa-list-ul)');
    await page.locator('.odoo-field[data-field="amount_total"]').waitFor();
    await shot('watch-preview');
    await page.click('#node-dialog-ok');
    await trayClosed();
    await node('changes sale.order').waitFor();
    await deploy();
  });

  it('upserts from its dialog: a match field picked from the list, unchanged records left alone', async function () {
    const server = (await storedFlows()).find((candidate) => candidate.name === 'Browser Odoo');
    assert.ok(server);
    const flow = [
      {
        id: 'u_inject',
        type: 'inject',
        name: 'browser sync',
        props: [{ p: 'payload', v: '[{"ref": "BROWSER-1", "name": "Browser one"}]', vt: 'json' }],
        repeat: '',
        once: false,
        wires: [['u_upsert']],
      },
      { id: 'u_upsert', type: 'odoo-upsert', server: server.id, model: '', wires: [['u_debug']] },
      {
        id: 'u_debug',
        type: 'debug',
        name: 'browser upsert',
        complete: 'payload[0].action',
        wires: [],
      },
    ].map((entry, index) => ({ ...entry, x: 160 + index * 260, y: 860 }));
    await importFlow(flow);
    await page.mouse.click(500, 900);
    await node(/^upsert$/).dblclick();
    await settled();
    assert.equal(await page.isChecked('#node-input-skipUnchanged'), true, 'on by default');
    await typedInput('model').pressSequentially('res.partner');
    await page.click('.form-row:has(#node-input-match) button:has(.fa-list-ul)');
    await page.locator('.odoo-field[data-field="ref"]').click();
    assert.equal(await typedInput('match').inputValue(), 'ref');
    assert.equal(
      await page.locator('.odoo-field[data-field="category_id"]').count(),
      0,
      'a to-many field cannot find a record',
    );
    await shot('upsert-match');
    await page.click('#node-dialog-ok');
    await trayClosed();
    await deploy();
    const stored = (await storedFlows()).find((entry) => entry.id === 'u_upsert');
    assert.deepEqual(
      [stored?.match, stored?.matchType, stored?.skipUnchanged],
      ['ref', 'str', true],
    );

    await node('browser sync').locator('.red-ui-flow-node-button').click();
    const first = await debugMessage('browser upsert');
    assert.match(await first.innerText(), /"created"/);
    await page
      .locator('.red-ui-sidebar-header button:has(.fa-trash), #red-ui-sidebar-debug-clear')
      .first()
      .click();
    await node('browser sync').locator('.red-ui-flow-node-button').click();
    const second = await debugMessage('browser upsert');
    assert.match(await second.innerText(), /"unchanged"/);
    await shot('upsert-debug');
  });

  it('reads binary fields as Buffers when the read dialog says so', async function () {
    // The read node of the minimal nodes (the demo flow has one with the same label).
    await page.locator('g.red-ui-flow-node-group[id="minimal_1"]').dblclick();
    await settled();
    assert.equal(await page.inputValue('#node-input-binary'), 'base64', 'the default');
    await page.selectOption('#node-input-binary', 'buffer');
    await shot('read-binary');
    await page.click('#node-dialog-ok');
    await trayClosed();
    await deploy();
    const stored = (await storedFlows()).find((entry) => entry.id === 'minimal_1');
    assert.deepEqual([stored?.type, stored?.binary], ['odoo-read', 'buffer']);
  });

  it('imports every example in turn: no conflict, a tab named after each, all valid', async function () {
    const files = fs
      .readdirSync(examplesDir)
      .filter((file) => file.endsWith('.json'))
      .sort();
    assert.equal(files.length, 13);
    await trayClosed();
    for (const file of files) {
      await page.click('#red-ui-header-button-sidemenu');
      await page.click('#menu-item-import');
      await page.click('.red-ui-clipboard-dialog-tabs a:has-text("Examples")');
      const dialog = page.locator('.ui-dialog:has(#red-ui-clipboard-dialog-ok)');
      const folder = dialog.locator('.red-ui-treeList-label', {
        hasText: /^node-red-contrib-odoo-connector$/,
      });
      if (
        !(await dialog
          .locator('.red-ui-treeList-label', { hasText: file.slice(0, -5) })
          .isVisible())
      ) {
        await folder.click();
      }
      await dialog.locator('.red-ui-treeList-label', { hasText: file.slice(0, -5) }).click();
      await page.click('#red-ui-clipboard-dialog-ok');
      const title = file.slice(0, -5);
      const tab = page.locator('#red-ui-workspace-tabs li', { hasText: title });
      await tab.waitFor();
      await tab.click();
      assert.equal(
        await page.locator('.red-ui-notification', { hasText: 'already exist' }).count(),
        0,
        `${file}: Node-RED asks about nodes that already exist`,
      );
      await shot(`example-${file.slice(0, 2)}`);
    }
    await deploy();
    assert.deepEqual(pageErrors, []);
  });
});

/** What the Preview must say: the stand-in's own count of confirmed orders. */
async function confirmedOrders(odoo: StandIn): Promise<number> {
  const { OdooClient } = await import('../nodes/lib/client');
  const client = new OdooClient({
    url: odoo.url,
    db: odoo.db,
    username: 'admin',
    apiKey: odoo.adminApiKey,
    tls: { ca: fs.readFileSync(path.join(tlsDir, 'ca.pem')) },
  });
  try {
    return (await client.search({
      model: 'sale.order',
      domain: [['state', '=', 'sale']],
      returns: 'count',
    })) as number;
  } finally {
    client.close();
  }
}
